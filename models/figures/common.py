"""What the lists and reports of ``models.figures`` share: the ward's names on their headers, the
statuses that take a member off the list, progress and cancelling."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.store.entities import (
    MemberStatus,
    Ward,
)

Factory = sessionmaker[Session]
Progress = Callable[[int, int], None]  # (done, in all)
IsCancelled = Callable[[], bool]

LEFT_STATUSES = (MemberStatus.MOVED_AWAY, MemberStatus.TRANSFERRED_OUT,
                 MemberStatus.RETIRED_TO_CELL, MemberStatus.DECEASED)


class Cancelled(Exception):
    """The user cancelled a list or report; nothing was written."""


@dataclass(frozen=True)
class WardNames:
    committee: str  # Đảng ủy phường Mạo Khê (the workbooks' creator)
    party_org: str  # Đảng bộ phường Mạo Khê
    parent: str  # Đảng bộ thành phố Đông Triều


def ward_names(session: Session) -> WardNames:
    ward = session.scalars(select(Ward)).first()
    if ward is None:
        return WardNames("", "", "")
    return WardNames(ward.committee_name, ward.party_org_name, ward.parent_name)
