"""A comment sheet whose stored texts are damaged is never written over silently (issue 17,
item 3): it opens with the items rebuilt and a notice, is replaced only by a save that says it
showed that notice, and cannot be printed or refreshed until then."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from models.comments.printing import prepare_print
from models.comments.rounds import create_round, refresh_drafts
from models.comments.sheets import DamagedSheet, get_sheet, save_sheet
from models.store.db import Database
from models.store.entities import ChangeLog, CommentSheet
from tests.unit.test_activities import build
from tests.unit.test_comments import activities, sheet_of

DAMAGED = ['{"items": [{"title": "1", "text": "Tốt', '{"items": [{"title": "x", "text": "y"}]}',
           '{"items": [{"title": 1, "text": 2}, 3, 4, 5, 6, 7, 8]}', '[]', '']


def _stored(db: Database, sheet_id: int) -> str:
    with db.session_factory() as s:
        return s.scalars(select(CommentSheet.items_json).where(CommentSheet.id == sheet_id)).one()


def _damage(db: Database, sheet_id: int, text: str) -> None:
    with db.session_factory.begin() as s:
        s.execute(update(CommentSheet).where(CommentSheet.id == sheet_id).values(items_json=text))


@pytest.mark.parametrize("damage", DAMAGED)
def test_a_damaged_sheet_is_shown_rebuilt_and_kept_until_an_explicit_save(
        db: Database, damage: str) -> None:
    r = build(db)
    activities(db, r)
    f = db.session_factory
    create_round(f, 2026)
    an = sheet_of(db, "Trần Văn An")
    healthy = get_sheet(f, an)
    assert healthy.damaged == ""
    _damage(db, an, damage)

    shown = get_sheet(f, an)
    assert "bị hỏng" in shown.damaged
    assert [i.text for i in shown.items] == [i.text for i in healthy.items]  # from the templates
    texts = [i.text for i in shown.items]
    texts[0] = "Gương mẫu, nhiệt tình."
    with pytest.raises(DamagedSheet, match="Trần Văn An"):
        save_sheet(f, an, texts, "praise")
    with pytest.raises(DamagedSheet, match="Trần Văn An"):
        refresh_drafts(f, 2026)
    with pytest.raises(DamagedSheet, match="Trần Văn An"):
        prepare_print(f, [an], date(2026, 11, 26), assign_numbers=False)
    assert _stored(db, an) == damage  # refused three times, written over never

    saved = save_sheet(f, an, texts, "praise", replace_damaged=True)
    assert saved.damaged == "" and saved.items[0].text == "Gương mẫu, nhiệt tình."
    assert saved.items[2].auto == healthy.items[2].auto  # a refresh can renew it again
    with f() as s:
        old = s.scalars(select(ChangeLog.old_value).where(
            ChangeLog.entity == "comment_sheet", ChangeLog.entity_id == an,
            ChangeLog.field == "items_json")).all()
    assert damage in old  # the damaged text is kept in the history
    assert refresh_drafts(f, 2026) >= 1
