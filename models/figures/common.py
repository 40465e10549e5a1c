"""What the lists and reports of ``models.figures`` share: the ward's names on their headers, the
statuses that take a member off the list, progress and cancelling."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.store.entities import Cell, MemberStatus, Ward, WorkplaceOrg

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


def scope_of(session: Session, cell_id: int | None = None,
             workplace_org_id: int | None = None) -> tuple[WardNames, str]:
    """The ward's names and what a list covers: the cell, the organisation or (neither) the
    ward's party organisation.  LookupError (Vietnamese) for an unknown cell or organisation."""
    ward = ward_names(session)
    scope = ward.party_org
    if cell_id is not None:
        scope = session.scalar(select(Cell.name).where(Cell.id == cell_id)) or ""
        if not scope:
            raise LookupError("Chi bộ: không tìm thấy chi bộ đã chọn.")
    if workplace_org_id is not None:
        scope = session.scalar(select(WorkplaceOrg.name).where(
            WorkplaceOrg.id == workplace_org_id)) or ""
        if not scope:
            raise LookupError("Tổ chức đảng nơi công tác: không tìm thấy tổ chức đã chọn.")
    return ward, scope


def ward_names(session: Session) -> WardNames:
    ward = session.scalars(select(Ward)).first()
    if ward is None:
        return WardNames("", "", "")
    return WardNames(ward.committee_name, ward.party_org_name, ward.parent_name)
