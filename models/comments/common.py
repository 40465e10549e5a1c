"""What every part of the comment round shares: its constants, its refusal and the JSON the
sheets are stored in."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.catalogues.documents import DocumentKind
from models.catalogues.settings import _load_in as _load_settings_in
from models.store.entities import (
    CommentRound,
    SheetStatus,
)

Factory = sessionmaker[Session]

KIND = DocumentKind.COMMENT_SHEET
ITEMS = 7
PROPOSAL_ITEM = 6
TEXT_MAX = 4000  # one item's comment
REASON_MAX = 300
CHUNK = 200  # sheets per insert (and per crash-test checkpoint)
SETTING_KEY = "comment_form"
NO_ORG = "Chưa rõ tổ chức đảng nơi công tác"
EDITABLE = (SheetStatus.DRAFT.value, SheetStatus.FINISHED.value, SheetStatus.PRINTED.value)

NO_MOVEMENT = "chưa ghi nhận hoạt động nào"


class CommentError(ValueError):
    """A change refused; the message is Vietnamese and names the field or the member."""


def sheet_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def get_round(session: Session, year: int, create: bool = True) -> CommentRound | None:
    found = session.scalars(select(CommentRound).where(CommentRound.year == year)).first()
    if found is None and create:
        settings = _load_settings_in(session)
        found = CommentRound(year=year, reference_date=settings.reference_date(year),
                             deadline=settings.default_deadline(year))
        session.add(found)
        session.flush()
    return found
