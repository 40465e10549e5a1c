"""The member list (the tracking book of DOMAIN.md §3.4) of a cell, a workplace organisation or
the ward, as plain data; ``reports`` draws its PDF and workbook."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func, select

from models.dates import format_birth
from models.figures.common import (
    LEFT_STATUSES,
    Cancelled,
    Factory,
    IsCancelled,
    Progress,
    WardNames,
    scope_of,
)
from models.formats import format_date
from models.labels import EXCUSED, MEMBER_STATUS, SEX, label
from models.store.entities import (
    Cell,
    Member,
    MemberStatus,
    WorkplaceOrg,
)

_T = TypeVar("_T")
_BATCH = 5000  # rows read between progress reports


@dataclass(frozen=True, slots=True)
class ListedMember:
    """One line of the tracking book (DOMAIN.md §3.4)."""

    id: int
    full_name: str
    birth_date: date | None  # None when only the year is known
    birth_year: int
    sex: str  # Sex
    join_date: date | None
    job: str  # chức vụ, đơn vị công tác
    party_unit: str  # tổ chức đảng nơi sinh hoạt: workplace cell, workplace organisation
    address: str
    received_date: date | None
    notes: str  # left the list / excused / the member's notes
    cell: str
    workplace_org: str
    status: str  # MemberStatus
    excused: bool

    @property
    def birth_text(self) -> str:
        """05/02/1980, or 1980 when only the year is known."""
        return format_birth(self.birth_date, self.birth_year)

    @property
    def sex_label(self) -> str:
        return label(SEX, self.sex)


@dataclass(frozen=True)
class MemberTotals:
    members: int
    male: int
    female: int
    active: int  # status active today
    excused: int  # of the active ones, excused from residence activities
    by_status: tuple[tuple[str, int], ...]  # (label, count) of the members who left, §7 order

    @property
    def left(self) -> int:
        return self.members - self.active


@dataclass(frozen=True)
class MemberList:
    """The members of a cell, of a workplace organisation or of the whole ward, Vietnamese
    order (not archived; those who left stay in the book, with a note)."""

    ward: WardNames
    scope: str  # Chi bộ khu 5 / Đảng ủy Công ty Than Mạo Khê / Đảng bộ phường Mạo Khê
    cell_id: int | None
    workplace_org_id: int | None
    rows: tuple[ListedMember, ...]
    totals: MemberTotals


def _job(title: str, unit: str) -> str:
    return ", ".join(p for p in (title.strip(), unit.strip()) if p)


def _notes(status: str, closed: date | None, excused: bool, reason: str, notes: str) -> str:
    parts = []
    if status != MemberStatus.ACTIVE:
        when = f" ngày {format_date(closed)}" if closed else ""
        parts.append(f"{label(MEMBER_STATUS, status)}{when}.")
    elif excused:
        parts.append(f"{EXCUSED}: {reason.strip()}." if reason.strip() else f"{EXCUSED}.")
    if notes.strip():
        parts.append(notes.strip())
    return " ".join(parts)


def member_totals(rows: Iterable[ListedMember]) -> MemberTotals:
    """The counts printed under the list."""
    rows = list(rows)
    status = Counter(r.status for r in rows)
    return MemberTotals(
        members=len(rows), male=sum(r.sex == "M" for r in rows),
        female=sum(r.sex == "F" for r in rows), active=status[MemberStatus.ACTIVE],
        excused=sum(r.excused and r.status == MemberStatus.ACTIVE for r in rows),
        by_status=tuple((MEMBER_STATUS[s], status[s]) for s in LEFT_STATUSES if status[s]))


def member_list(factory: Factory, *, cell_id: int | None = None,
                workplace_org_id: int | None = None, current_only: bool = False,
                progress: Progress | None = None,
                cancelled: IsCancelled | None = None) -> MemberList:
    """The tracking book of a cell, of a workplace organisation, or (neither) of the ward.

    `current_only` leaves out the members who left (moved, transferred, retired, deceased).
    Raises LookupError (Vietnamese message) for an unknown cell or organisation, and Cancelled
    when `cancelled()` turns true between two batches of rows.
    """
    stmt = (
        select(Member.id, Member.full_name, Member.birth_date, Member.birth_year, Member.sex,
               Member.join_date, Member.job_title, Member.employer_unit, Member.workplace_cell,
               WorkplaceOrg.name, Member.address, Member.received_date, Member.status,
               Member.closed_date, Member.excused, Member.excused_reason, Member.notes, Cell.name)
        .outerjoin(WorkplaceOrg, WorkplaceOrg.id == Member.workplace_org_id)
        .outerjoin(Cell, Cell.id == Member.cell_id)
        .where(Member.archived.is_(False)).order_by(Member.sort_key, Member.id))
    if cell_id is not None:
        stmt = stmt.where(Member.cell_id == cell_id)
    if workplace_org_id is not None:
        stmt = stmt.where(Member.workplace_org_id == workplace_org_id)
    if current_only:
        stmt = stmt.where(Member.status == MemberStatus.ACTIVE.value)
    rows: list[ListedMember] = []
    with factory() as session:
        ward, scope = scope_of(session, cell_id, workplace_org_id)
        connection = session.connection()
        total = int(connection.execute(
            select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one())
        result = connection.execute(stmt)
        # jobs, units, cells, organisations and dates repeat from row to row: one object each
        # (a 100,000-member list takes a third less memory)
        same: dict[Any, Any] = {}

        def one(value: _T) -> _T:
            found: _T = same.setdefault(value, value)
            return found

        while batch := result.fetchmany(_BATCH):
            if cancelled is not None and cancelled():
                raise Cancelled
            rows += [ListedMember(
                id=r[0], full_name=r[1], birth_date=one(r[2]), birth_year=r[3], sex=one(r[4]),
                join_date=one(r[5]), job=one(_job(r[6], r[7])),
                party_unit=one(", ".join(p for p in (r[8].strip(), (r[9] or "").strip()) if p)),
                address=r[10], received_date=one(r[11]),
                notes=one(_notes(r[12], r[13], bool(r[14]), r[15], r[16])),
                cell=one(str(r[17] or "")), workplace_org=one(str(r[9] or "")),
                status=one(str(r[12])), excused=bool(r[14]),
            ) for r in batch]
            if progress is not None:
                progress(len(rows), total)
    return MemberList(ward=ward, scope=scope, cell_id=cell_id, workplace_org_id=workplace_org_id,
                      rows=tuple(rows), totals=member_totals(rows))
