"""The figures of the lists and reports (DESIGN.md §3.6): the member list (tracking book), the
attendance summary of a year and the yearly summary report.  Pure reads returning frozen
dataclasses; the PDFs and workbooks are drawn from them in ``reports``.

The rules are the register's own:
- *on the register on day D*, the cell of that day and *excused* that day: as
  ``models.membership`` says;
- *movements of a year*: status changes dated from 1 January to the report date that turn an
  active member into a non-active one (or back: received), so that
  at the start + received − left = at the end, exactly;
- *attendance*: the counted attendance of ``models.membership`` (held activities of the year,
  inside the member's active spans, outside excused periods), grouped by the activity's cell
  (None: the ward's own activities) — so the per-cell and per-member figures add up to the same
  totals, and a member's line equals the sum of their participation groups.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.activities.service import WHOLE_WARD
from models.dates import format_birth
from models.formats import format_date
from models.labels import EXCUSED, MEMBER_STATUS, SEX, label
from models.membership import (
    GROUP_KINDS,
    GROUPS,
    Participation,
    assignments_on,
    counted_attendance,
    counts_from,
    excused_members_on,
    on_register,
    on_register_during,
    state_counts,
    total,
)
from models.store.entities import (
    Activity,
    ActivityStatus,
    Attendance,
    Cell,
    CellAssignment,
    CommentSheet,
    Member,
    MemberStatus,
    MemberStatusChange,
    Proposal,
    SheetStatus,
    Ward,
    WorkplaceOrg,
)
from models.text.vntext import fold

_T = TypeVar("_T")
Factory = sessionmaker[Session]
Progress = Callable[[int, int], None]  # (done, in all)
IsCancelled = Callable[[], bool]

NO_CELL = "(Chưa phân chi bộ)"
NO_ORG = "(Chưa rõ tổ chức đảng nơi công tác)"
LEFT_STATUSES = (MemberStatus.MOVED_AWAY, MemberStatus.TRANSFERRED_OUT,
                 MemberStatus.RETIRED_TO_CELL, MemberStatus.DECEASED)
_BATCH = 5000  # rows read between progress reports


class Cancelled(Exception):
    """The user cancelled a list or report; nothing was written."""


@dataclass(frozen=True)
class WardNames:
    committee: str  # Đảng ủy phường Mạo Khê (the workbooks' creator)
    party_org: str  # Đảng bộ phường Mạo Khê
    parent: str  # Đảng bộ thành phố Đông Triều


def _ward_names(session: Session) -> WardNames:
    ward = session.scalars(select(Ward)).first()
    if ward is None:
        return WardNames("", "", "")
    return WardNames(ward.committee_name, ward.party_org_name, ward.parent_name)


# --- the member list (tracking book) -------------------------------------------------------------

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
        ward = _ward_names(session)
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


# --- attendance ----------------------------------------------------------------------------------

def _attendance_statement(year: int, *, by_member: bool) -> Select[Any]:
    """The counted attendance of the year, grouped by the activity's cell (and the member)."""
    keys: list[Any] = [Activity.cell_id, *([Attendance.member_id] if by_member else [])]
    return counted_attendance(year, *keys, *state_counts()).group_by(*keys)


@dataclass(frozen=True)
class CellActivities:
    """A cell's (None: the ward's own) activities held in a year and the attendance at them."""

    cell_id: int | None
    cell: str  # WHOLE_WARD for the ward's own activities
    held: Mapping[str, int]  # per participation group (activities.GROUPS): activities held
    counts: Participation

    @property
    def held_total(self) -> int:
        return sum(self.held.values())


@dataclass(frozen=True, slots=True)
class MemberAttendance:
    member_id: int
    full_name: str
    birth_text: str
    cell: str  # the member's cell now
    workplace_org: str
    counts: Participation  # every group of participation_many, added


@dataclass(frozen=True)
class AttendanceSummary:
    """Attendance of a year per cell and per member (the members of one cell, or all)."""

    ward: WardNames
    year: int
    scope: str  # the cell, or the ward's party organisation
    cells: tuple[CellActivities, ...]
    members: tuple[MemberAttendance, ...]

    @property
    def total(self) -> Participation:
        return total(m.counts for m in self.members)


def _held(connection: Connection, year: int) -> dict[int | None, dict[str, int]]:
    group_of = {kind: group for group, kinds in GROUP_KINDS.items() for kind in kinds}
    held: dict[int | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(GROUPS, 0))
    for cell_id, kind, count in connection.execute(
            select(Activity.cell_id, Activity.kind, func.count())
            .where(Activity.status == ActivityStatus.HELD.value,
                   Activity.date >= date(year, 1, 1), Activity.date < date(year + 1, 1, 1))
            .group_by(Activity.cell_id, Activity.kind)):
        if kind in group_of:
            held[cell_id][group_of[kind]] += int(count)
    return held


def _cell_rows(connection: Connection, held: Mapping[int | None, Mapping[str, int]],
               counts: Mapping[int | None, Participation],
               only: int | None = None) -> tuple[CellActivities, ...]:
    """One line per cell (the cells in their order, then the ward's own activities)."""
    def shown(cell_id: int | None, active: bool) -> bool:
        if only is not None:  # one cell's members: that cell, and where they were invited
            return cell_id == only or cell_id in counts
        return active or cell_id in held or cell_id in counts

    cells: list[tuple[int | None, str]] = [
        (cell_id, name) for cell_id, name, active in connection.execute(
            select(Cell.id, Cell.name, Cell.active).order_by(Cell.position, Cell.id))
        if shown(cell_id, active)]
    if None in counts or (only is None and None in held):
        cells.append((None, WHOLE_WARD))
    return tuple(CellActivities(cell_id, name, dict(held.get(cell_id, dict.fromkeys(GROUPS, 0))),
                                counts.get(cell_id, Participation()))
                 for cell_id, name in cells)


def attendance_summary(factory: Factory, year: int, *, cell_id: int | None = None,
                       progress: Progress | None = None) -> AttendanceSummary:
    """Invited / present / excused / absent and the rate, per cell and per member, for a year.

    The members listed are those of the cell now (every cell when None) who were invited to a
    counted activity that year or were on the register some day of it.  Per cell, the counts are
    those members' attendance at that cell's activities (a member who moved counts at both).
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    report = progress or (lambda _done, _total: None)
    with factory() as session:
        connection = session.connection()
        ward = _ward_names(session)
        scope = ward.party_org
        if cell_id is not None:
            scope = session.scalar(select(Cell.name).where(Cell.id == cell_id)) or ""
            if not scope:
                raise LookupError("Chi bộ: không tìm thấy chi bộ đã chọn.")
        report(0, 3)
        per_member: dict[int, Participation] = {}
        per_cell: dict[int | None, Participation] = {}
        wanted = None
        if cell_id is not None:
            wanted = set(session.scalars(select(Member.id).where(Member.cell_id == cell_id)))
        for row in connection.execute(_attendance_statement(year, by_member=True)):
            if wanted is not None and row[1] not in wanted:
                continue
            counts = counts_from(row, 2)
            per_member[row[1]] = per_member.get(row[1], Participation()) + counts
            per_cell[row[0]] = per_cell.get(row[0], Participation()) + counts
        report(1, 3)
        listed = (select(Member.id, Member.full_name, Member.birth_date, Member.birth_year,
                         Cell.name, WorkplaceOrg.name)
                  .outerjoin(Cell, Cell.id == Member.cell_id)
                  .outerjoin(WorkplaceOrg, WorkplaceOrg.id == Member.workplace_org_id)
                  .order_by(Member.sort_key, Member.id))
        if cell_id is not None:
            listed = listed.where(Member.cell_id == cell_id)
        during = set(connection.execute(on_register_during(first, last)).scalars())
        members = tuple(
            MemberAttendance(r[0], r[1], format_birth(r[2], r[3]), r[4] or "", r[5] or "",
                             per_member.get(r[0], Participation()))
            for r in connection.execute(listed)
            if r[0] in per_member or r[0] in during)
        report(2, 3)
        cells = _cell_rows(connection, _held(connection, year), per_cell, cell_id)
    report(3, 3)
    return AttendanceSummary(ward=ward, year=year, scope=scope, cells=cells, members=members)


# --- the yearly summary --------------------------------------------------------------------------

@dataclass(frozen=True)
class Movements:
    """Members on the register at the start and at the end, and the changes between."""

    at_start: int  # on 31 December of the year before
    received: int
    left: Mapping[str, int]  # per MemberStatus of LEFT_STATUSES
    at_end: int  # on the report date

    @property
    def left_total(self) -> int:
        return sum(self.left.values())


@dataclass(frozen=True)
class GroupFigures:
    """One workplace organisation's or one cell's members (None: not known / not assigned)."""

    key: int | None
    name: str
    members: int  # on the register on the report date
    excused: int  # of them, excused on that date
    received: int = 0  # during the year (organisations only)
    left: int = 0


@dataclass(frozen=True)
class CommentFigures:
    """The year's comment sheets by status and proposal."""

    counts: Mapping[tuple[str, str], int] = field(default_factory=dict)

    def count(self, status: str | None = None, proposal: str | None = None) -> int:
        return sum(n for (s, p), n in self.counts.items()
                   if status in (None, s) and proposal in (None, p))

    @property
    def total(self) -> int:
        return self.count()


@dataclass(frozen=True)
class YearSummary:
    """The yearly summary report for the town committee and the coal party committees."""

    ward: WardNames
    year: int
    as_of: date  # 31 December, or today for the current year
    movements: Movements
    by_org: tuple[GroupFigures, ...]
    by_cell: tuple[GroupFigures, ...]
    activities: tuple[CellActivities, ...]
    comments: CommentFigures
    recipients: tuple[str, ...]  # the ward's parent and the organisations' parents

    @property
    def excused(self) -> int:
        return sum(g.excused for g in self.by_cell)

    @property
    def attendance(self) -> Participation:
        return total(c.counts for c in self.activities)

    @property
    def held(self) -> Mapping[str, int]:
        return {g: sum(c.held[g] for c in self.activities) for g in GROUPS}


Tally = dict[int | None, tuple[int, int]]  # key -> (members, excused)


def _by_org_and_cell(connection: Connection, day: date) -> tuple[Tally, Tally]:
    """Members on the register on `day` and, of them, the excused ones: per workplace
    organisation and per cell (the assignment covering the day; None when there is none)."""
    # three plain reads joined here: SQLite would run two correlated subqueries per member
    cell_of = {member_id: cell_id for member_id, cell_id in connection.execute(
        assignments_on(day).order_by(CellAssignment.start_date, CellAssignment.id))}
    excused = set(connection.execute(excused_members_on(day)).scalars())
    orgs: Tally = {}
    cells: Tally = {}
    for member_id, org_id in connection.execute(
            on_register(day, Member.id, Member.workplace_org_id)):
        ex = member_id in excused
        for table, key in ((orgs, org_id), (cells, cell_of.get(member_id))):
            members, count = table.get(key, (0, 0))
            table[key] = (members + 1, count + ex)
    return orgs, cells


def _transitions(connection: Connection, first: date, last: date
                 ) -> list[tuple[int | None, str, bool]]:
    """(organisation, new status, was active before) of each status change from `first` to
    `last` that turns a member on or off the register."""
    change = MemberStatusChange
    ordered = (select(change.member_id, change.status, change.date,
                      func.lag(change.status).over(partition_by=change.member_id,
                                                   order_by=(change.date, change.id))
                      .label("before"))
               .where(change.date <= last).subquery("ordered"))
    active = MemberStatus.ACTIVE.value
    out = []
    for org_id, status, before in connection.execute(
            select(Member.workplace_org_id, ordered.c.status, ordered.c.before)
            .join(Member, Member.id == ordered.c.member_id)
            .where(ordered.c.date >= first, Member.archived.is_(False))):
        was_active = before == active
        if (status == active) != was_active:
            out.append((org_id, status, was_active))
    return out


def _comments(connection: Connection, year: int) -> CommentFigures:
    counts = {(s, p): int(n) for s, p, n in connection.execute(
        select(CommentSheet.status, CommentSheet.proposal, func.count())
        .where(CommentSheet.year == year)
        .group_by(CommentSheet.status, CommentSheet.proposal))}
    return CommentFigures(counts)


def _named(rows: Iterable[tuple[int | None, str]], figures: Mapping[int | None, tuple[int, int]],
           moves: Mapping[int | None, tuple[int, int]], missing: str) -> tuple[GroupFigures, ...]:
    out = []
    for key, name in [*rows, (None, missing)]:
        members, excused = figures.get(key, (0, 0))
        received, left = moves.get(key, (0, 0))
        if key is None and not (members or received or left):
            continue
        out.append(GroupFigures(key, name, members, excused, received, left))
    return tuple(out)


def year_summary(factory: Factory, year: int, *, today: date | None = None,
                 progress: Progress | None = None) -> YearSummary:
    """The figures of the yearly summary report (see the module for the rules)."""
    today = today or clock.today()
    first, last = date(year, 1, 1), date(year, 12, 31)
    as_of = min(last, max(today, first))
    report = progress or (lambda _done, _total: None)
    with factory() as session:
        connection = session.connection()
        ward = _ward_names(session)
        report(0, 5)
        at_start = len(connection.execute(on_register(first - timedelta(days=1))).all())
        orgs, cells = _by_org_and_cell(connection, as_of)
        report(1, 5)
        moves: dict[int | None, tuple[int, int]] = {}
        received, left = 0, Counter[str]()
        for org_id, status, was_active in _transitions(connection, first, as_of):
            r, lft = moves.get(org_id, (0, 0))
            if was_active:
                left[status] += 1
                moves[org_id] = (r, lft + 1)
            else:
                received += 1
                moves[org_id] = (r + 1, lft)
        report(2, 5)
        per_cell = {row[0]: counts_from(row, 1) for row in connection.execute(
            _attendance_statement(year, by_member=False))}
        report(3, 5)
        held = _held(connection, year)
        org_rows = [(i, n) for i, n, a in connection.execute(
            select(WorkplaceOrg.id, WorkplaceOrg.name, WorkplaceOrg.active)
            .order_by(WorkplaceOrg.name_key, WorkplaceOrg.id)) if a or i in orgs or i in moves]
        cell_rows = [(i, n) for i, n, a in connection.execute(
            select(Cell.id, Cell.name, Cell.active).order_by(Cell.position, Cell.id))
            if a or i in cells]
        parents = sorted({p.strip() for p in connection.execute(
            select(WorkplaceOrg.parent_name).where(WorkplaceOrg.active.is_(True))).scalars()
            if p and p.strip()}, key=fold)
        summary = YearSummary(
            ward=ward, year=year, as_of=as_of,
            movements=Movements(
                at_start=at_start, received=received,
                left={s.value: left[s.value] for s in LEFT_STATUSES},
                at_end=sum(m for m, _ in orgs.values())),
            by_org=_named(org_rows, orgs, moves, NO_ORG),
            by_cell=_named(cell_rows, cells, {}, NO_CELL),
            activities=_cell_rows(connection, held, per_cell),
            comments=_comments(connection, year),
            recipients=tuple(p for p in [ward.parent, *parents] if p))
        report(4, 5)
    report(5, 5)
    return summary


STATUS_ORDER = tuple(s.value for s in SheetStatus)
PROPOSAL_ORDER = tuple(p.value for p in Proposal)
