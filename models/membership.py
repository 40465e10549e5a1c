"""Who is on the register, on a cell's list and counted on a day, and what a year's
participation is: the one home of the rule every list, sheet, summary and package follows.

Every dated period is half-open, [start, end): it covers its start day and no longer covers the
day its end falls on; an open end (None) has not come.  A move between cells on day D ends the old
assignment and starts the new one on D; an excused period ended on D does not cover D.

- *on the register on day D*: not archived, and the last status change on or before D says
  active (two changes on one day: the later one wins);
- *on a cell's list on day D*: on the register and assigned to that cell (to any cell, for the
  ward) by an assignment covering D;
- *counted on day D*: on the list and not excused (no excused period covers D) — the members an
  activity invites by default and a round's sheets go to;
- *participation in a year*, per group of activity kinds (GROUPS): the member's attendance rows
  at activities marked held that year, on days the member was on the register and not excused,
  whatever other rows exist.  The comment sheet, the member page and list, the attendance
  summary, the yearly summary and the exchange packages all print this count.

Big reads are Core statements built here; callers add their own columns, filters and grouping.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Subquery,
    and_,
    case,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session, sessionmaker

from models.chunks import chunked
from models.dates import Ordered
from models.store.entities import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Attendance,
    AttendanceState,
    CellAssignment,
    ExcusedPeriod,
    Member,
    MemberStatus,
    MemberStatusChange,
)

Factory = sessionmaker[Session]
Row = tuple[Any, ...]  # the columns of a statement callers extend

GROUPS = ("cell_meetings", "residents", "movements", "other")
GROUP_KINDS: dict[str, tuple[str, ...]] = {
    "cell_meetings": (ActivityKind.PERIODIC.value, ActivityKind.THEMATIC.value),
    "residents": (ActivityKind.RESIDENTS.value,),
    "movements": (ActivityKind.MOVEMENT.value,),
    "other": (ActivityKind.OTHER.value,),
}
BULK_MEMBERS = 2000  # above this many members, participation reads the whole year at once


_D = TypeVar("_D", bound=Ordered)


# --- periods -------------------------------------------------------------------------------------

def covers(start: _D, end: _D | None, day: _D) -> bool:
    """Whether the period [start, end) covers ``day`` (dates, or day ordinals)."""
    return start <= day and (end is None or day < end)


def covering(start: Any, end: Any, day: Any) -> ColumnElement[bool]:
    """``covers`` as SQL, for a period's start and end columns."""
    return and_(start <= day, or_(end.is_(None), end > day))


def active_spans(upto: date, member_ids: Sequence[int] | None = None) -> Subquery:
    """Per member, the spans [start, stop) whose status was active (stop NULL: still open),
    from the status changes dated on or before ``upto``.  A change ends the span of the one
    before it; two on the same day leave the earlier an empty span, so the later one wins."""
    change = MemberStatusChange
    stmt = select(
        change.member_id, change.status, change.date.label("start"),
        func.lead(change.date).over(partition_by=change.member_id,
                                    order_by=(change.date, change.id)).label("stop"),
    ).where(change.date <= upto)
    if member_ids is not None:
        stmt = stmt.where(change.member_id.in_(member_ids))
    changes = stmt.subquery("changes")
    return (select(changes.c.member_id, changes.c.start, changes.c.stop)
            .where(changes.c.status == MemberStatus.ACTIVE.value).subquery("active_spans"))


def in_active_span(spans: Subquery, member: Any, day: Any) -> ColumnElement[bool]:
    """The join condition: one of ``member``'s active spans covers ``day``."""
    return and_(spans.c.member_id == member, covering(spans.c.start, spans.c.stop, day))


def excused_on(member: Any, day: Any) -> ColumnElement[bool]:
    """An excused period of ``member`` covers ``day`` (both may be columns)."""
    period = ExcusedPeriod
    return exists().where(period.member_id == member,
                          covering(period.start_date, period.end_date, day))


# --- the register and the lists on a day ---------------------------------------------------------

def on_register(day: date, *columns: Any) -> Select[*Row]:
    """The members on the register on ``day``: their ids, or the given columns of Member."""
    spans = active_spans(day)
    return (select(*(columns or (Member.id,))).select_from(Member)
            .join(spans, in_active_span(spans, Member.id, day))
            .where(Member.archived.is_(False)))


def on_register_during(first: date, last: date) -> Select[*Row]:
    """The ids of the members on the register some day from ``first`` to ``last`` (a member
    with several spans may come more than once)."""
    spans = active_spans(last)
    return (select(spans.c.member_id)
            .join(Member, Member.id == spans.c.member_id)
            .where(Member.archived.is_(False),
                   or_(spans.c.stop.is_(None), spans.c.stop > first)))


def assignments_on(day: date) -> Select[*Row]:
    """(member, cell) of every cell assignment covering ``day``."""
    return select(CellAssignment.member_id, CellAssignment.cell_id).where(
        covering(CellAssignment.start_date, CellAssignment.end_date, day))


def excused_members_on(day: date) -> Select[*Row]:
    """The ids of the members an excused period covers on ``day``."""
    return select(ExcusedPeriod.member_id).where(
        covering(ExcusedPeriod.start_date, ExcusedPeriod.end_date, day))


def cells_on(connection: Connection, day: date,
             member_ids: Sequence[int] | None = None) -> dict[int, int]:
    """member -> the cell whose list the member was on ``day`` (members in no cell left out)."""
    found: dict[int, int] = {}
    chunks: Iterable[Sequence[int] | None] = [None] if member_ids is None \
        else chunked(member_ids)
    for chunk in chunks:
        stmt = assignments_on(day).order_by(CellAssignment.start_date, CellAssignment.id)
        if chunk is not None:
            stmt = stmt.where(CellAssignment.member_id.in_(chunk))
        found.update((member_id, cell_id) for member_id, cell_id in connection.execute(stmt))
    return found


def on_the_list(cell_id: int | None, on: date, *columns: Any,
                excused: bool = False) -> Select[*Row]:
    """The members on the list of the cell (None: of any cell) on ``on`` who are counted that
    day — with ``excused``, those left out only because they are excused — in Vietnamese order:
    their ids, or the given columns of Member."""
    # uncorrelated IN lists: SQLite would otherwise probe the cell's whole assignment list
    # (cell_id index) once per member
    assigned = select(CellAssignment.member_id).where(
        covering(CellAssignment.start_date, CellAssignment.end_date, on))
    if cell_id is not None:
        assigned = assigned.where(CellAssignment.cell_id == cell_id)
    excused_ids = excused_members_on(on)
    return (on_register(on, *columns)
            .where(Member.id.in_(assigned),
                   Member.id.in_(excused_ids) if excused else Member.id.not_in(excused_ids))
            .order_by(Member.sort_key, Member.id))


def counted_members(connection: Connection, cell_id: int | None, on: date) -> list[int]:
    """The members of the cell's list (None: of any cell) counted on ``on``, Vietnamese order:
    an activity's default invitations, a round's sheets."""
    return [row[0] for row in connection.execute(on_the_list(cell_id, on))]


def default_invitees(factory: Factory, cell_id: int | None, on: date) -> list[int]:
    """``counted_members`` in a session of its own."""
    with factory() as session:
        return counted_members(session.connection(), cell_id, on)


# --- participation -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Participation:
    invited: int = 0
    present: int = 0
    excused: int = 0
    absent: int = 0

    @property
    def rate(self) -> float | None:
        """present / invited, None when nobody invited the member."""
        return self.present / self.invited if self.invited else None

    def __add__(self, other: Participation) -> Participation:
        return Participation(self.invited + other.invited, self.present + other.present,
                             self.excused + other.excused, self.absent + other.absent)


def total(counts: Iterable[Participation]) -> Participation:
    """The sum of several sets of counts."""
    result = Participation()
    for c in counts:
        result += c
    return result


def counted_attendance(year: int, *columns: Any,
                       member_ids: Sequence[int] | None = None) -> Select[*Row]:
    """The attendance rows that count in ``year``, as ``columns``: activities held that year,
    on days the member was on the register and not excused.  Callers add their own filters,
    grouping and order."""
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    spans = active_spans(after - timedelta(days=1), member_ids)
    stmt = (
        select(*columns).select_from(Attendance)
        .join(Activity, Activity.id == Attendance.activity_id)
        .join(spans, in_active_span(spans, Attendance.member_id, Activity.date))
        .where(Activity.status == ActivityStatus.HELD.value, Activity.date >= first,
               Activity.date < after, ~excused_on(Attendance.member_id, Activity.date)))
    if member_ids is not None:
        stmt = stmt.where(Attendance.member_id.in_(member_ids))
    return stmt


def state_counts() -> tuple[Any, Any, Any, Any]:
    """Aggregates for invited / present / excused / absent over counted attendance rows."""
    def count(state: AttendanceState) -> Any:
        return func.sum(case((Attendance.state == state.value, 1), else_=0))

    return (func.count(), count(AttendanceState.PRESENT), count(AttendanceState.EXCUSED),
            count(AttendanceState.ABSENT))


def counts_from(row: Sequence[Any], start: int) -> Participation:
    """The Participation in ``row`` from column ``start`` (as ``state_counts`` gives them)."""
    return Participation(int(row[start]), int(row[start + 1] or 0), int(row[start + 2] or 0),
                         int(row[start + 3] or 0))


# Each group's four counts travel packed in one integer, 15 bits each (invited, present, excused,
# absent), so the database adds 4 numbers per attendance row instead of 16.
_BITS = 15
_MASK = (1 << _BITS) - 1
_EMPTY = Participation()


def _participation_statement(year: int, member_ids: Sequence[int] | None) -> Select[*Row]:
    weight = case((Attendance.state == AttendanceState.PRESENT.value, 1 + (1 << _BITS)),
                  (Attendance.state == AttendanceState.EXCUSED.value, 1 + (1 << 2 * _BITS)),
                  (Attendance.state == AttendanceState.ABSENT.value, 1 + (1 << 3 * _BITS)),
                  else_=1)
    sums = [func.sum(case((Activity.kind.in_(GROUP_KINDS[group]), weight), else_=0))
            for group in GROUPS]
    return (counted_attendance(year, Attendance.member_id, *sums, member_ids=member_ids)
            .group_by(Attendance.member_id))


def participation_in(session: Session, member_ids: list[int] | None,
                     year: int) -> dict[int, dict[str, Participation]]:
    """Per member (None: every member), per group of GROUPS, the counts of the year, inside the
    caller's session (and transaction)."""
    packed: dict[int, Sequence[Any]] = {}
    connection = session.connection()
    if member_ids is None:
        member_ids = list(session.scalars(select(Member.id).order_by(Member.id)))
        chunks: Iterable[Sequence[int] | None] = [None]
    else:
        chunks = [None] if len(member_ids) > BULK_MEMBERS else chunked(member_ids)
    for chunk in chunks:
        for row in connection.execute(_participation_statement(year, chunk)):
            packed[row[0]] = row[1:]
    cache: dict[int, Participation] = {0: _EMPTY}

    def unpack(value: Any) -> Participation:
        number = int(value or 0)
        found = cache.get(number)
        if found is None:
            found = cache[number] = Participation(
                number & _MASK, number >> _BITS & _MASK, number >> 2 * _BITS & _MASK,
                number >> 3 * _BITS)
        return found

    empty = (0,) * len(GROUPS)
    return {member_id: dict(zip(GROUPS, map(unpack, packed.get(member_id, empty)), strict=True))
            for member_id in member_ids}


def participation_many(factory: Factory, member_ids: list[int] | None,
                       year: int) -> dict[int, dict[str, Participation]]:
    """``participation_in`` in a session of its own."""
    with factory() as session:
        return participation_in(session, member_ids, year)


def participation(factory: Factory, member_id: int, year: int) -> dict[str, Participation]:
    """One member's counts of the year, per group of GROUPS."""
    return participation_many(factory, [member_id], year)[member_id]


def movements_joined(session: Session, member_ids: Sequence[int],
                     year: int) -> dict[int, list[str]]:
    """Per member, the titles of the movements of the year the member was present at, counted
    as participation is, in date order (each title once)."""
    found: dict[int, list[str]] = {}
    for chunk in chunked(member_ids):
        stmt = (counted_attendance(year, Attendance.member_id, Activity.title, member_ids=chunk)
                .where(Attendance.state == AttendanceState.PRESENT.value,
                       Activity.kind == ActivityKind.MOVEMENT.value)
                .order_by(Attendance.member_id, Activity.date, Activity.id))
        for member_id, title in session.execute(stmt):
            titles = found.setdefault(member_id, [])
            if title not in titles:
                titles.append(title)
    return found
