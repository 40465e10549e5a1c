"""Activities and attendance: the cells' meetings, who is invited, who came, and what counts.

Who is on a cell's list on day D is read from the dated rows, periods half-open [start, end):
the last status change on or before D says "active", a cell assignment (of that cell; of any
cell for a ward-wide activity) covers D, no excused period covers D, and the member is not
archived.  Invitations default to that list.  Participation counts only activities marked held,
and only days inside the member's active spans and outside excused periods, whatever attendance
rows exist.

Big reads are Core queries; attendance changes go through ORM objects so that the change history
(models.store.history) records them.  That hook sees new and changed rows but not deleted ones, so
``uninvite`` writes its own "delete" lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Subquery,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.orm import Session, sessionmaker

from models import clock, testhooks
from models.dates import MIN_YEAR, format_birth
from models.labels import ACTIVITY_KIND, label
from models.store import history
from models.store.entities import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Attendance,
    AttendanceState,
    Cell,
    CellAssignment,
    ChangeLog,
    ExcusedPeriod,
    Member,
    MemberStatus,
    MemberStatusChange,
    WorkplaceOrg,
    now,
)
from models.text.vntext import clean

Factory = sessionmaker[Session]
Row = tuple[Any, ...]

ALL_CELLS = -1  # filter value: activities of every cell and of the ward (None: the ward's only)
WHOLE_WARD = "Toàn phường"
ACTIVITY_STATUS = {ActivityStatus.PLANNED: "Dự kiến", ActivityStatus.HELD: "Đã tổ chức"}
GROUPS = ("cell_meetings", "residents", "movements", "other")
GROUP_KINDS: dict[str, tuple[str, ...]] = {
    "cell_meetings": (ActivityKind.PERIODIC.value, ActivityKind.THEMATIC.value),
    "residents": (ActivityKind.RESIDENTS.value,),
    "movements": (ActivityKind.MOVEMENT.value,),
    "other": (ActivityKind.OTHER.value,),
}
TEXT_MAX = 300  # title, place and attendance note columns
CHUNK = 500  # ids per IN (...) list
HOOK_EVERY = 200  # attendance rows written between two reports to the fault tests' hook
BULK_MEMBERS = 2000  # above this many members, participation reads the whole year at once
NO_ACTIVITY = "Không tìm thấy hoạt động này (có thể đã bị xóa ở nơi khác)."


class ActivityError(ValueError):
    """A change refused; the message is Vietnamese and names the field."""


@dataclass(frozen=True)
class ActivityInput:
    """What the activity dialog returns and the service stores."""

    date: date
    cell_id: int | None  # None: the whole ward
    kind: str  # ActivityKind
    title: str
    place: str = ""
    content: str = ""
    status: str = ActivityStatus.PLANNED.value


@dataclass(frozen=True)
class ActivityRow:
    id: int
    uuid: str
    date: date
    cell_id: int | None
    cell_name: str  # WHOLE_WARD when cell_id is None
    kind: str
    kind_label: str
    title: str
    place: str
    content: str
    status: str
    status_label: str
    invited: int  # counts of the activity's attendance rows
    present: int
    excused: int
    absent: int


@dataclass(frozen=True)
class RosterLine:
    member_id: int
    full_name: str
    birth_text: str
    cell: str
    workplace_org: str
    state: str  # AttendanceState
    note: str


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


@dataclass(frozen=True)
class Reminders:
    cells_short_of_meetings: tuple[tuple[str, int], ...]  # (cell, periodic meetings held) < 2
    members_without_attendance: int  # on the list today, not present once in 365 days
    sample_members: tuple[str, ...]  # up to 10 of them, Vietnamese order


# --- rules ---------------------------------------------------------------------------------------

def validate_activity(data: ActivityInput, today: date | None = None) -> dict[str, str]:
    """Field -> Vietnamese message for every rule the input breaks (empty when valid); the
    dialog shows them inline, the services refuse with them."""
    today = today or clock.today()
    errors: dict[str, str] = {}
    day = data.date if isinstance(data.date, date) else None
    if day is None:
        errors["date"] = "Chưa nhập ngày."
    elif day.year < MIN_YEAR:
        errors["date"] = f"Ngày: năm {day.year} không hợp lệ."
    if data.kind not in ACTIVITY_KIND:
        errors["kind"] = "Chưa chọn loại hoạt động."
    title = clean(data.title)
    if not title:
        errors["title"] = "Chưa nhập tên hoạt động."
    elif len(title) > TEXT_MAX:
        errors["title"] = f"Tên hoạt động quá dài (tối đa {TEXT_MAX} ký tự)."
    if len(clean(data.place)) > TEXT_MAX:
        errors["place"] = f"Địa điểm quá dài (tối đa {TEXT_MAX} ký tự)."
    if data.status not in ACTIVITY_STATUS:
        errors["status"] = "Chưa chọn tình trạng (Dự kiến / Đã tổ chức)."
    elif data.status == ActivityStatus.HELD and day is not None and day > today:
        errors["status"] = "Hoạt động có ngày sau hôm nay chưa thể ghi là đã tổ chức."
    return errors


def _guard(data: ActivityInput, today: date | None) -> None:
    errors = validate_activity(data, today)
    if errors:
        raise ActivityError(" ".join(errors.values()))


def _clean_text(text: str) -> str:
    """Multi-line content: each line cleaned, the line breaks kept."""
    return "\n".join(clean(line) for line in (text or "").strip().splitlines())


def _chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


# --- who is on the list on a day -----------------------------------------------------------------

def _active_spans(upto: date, member_ids: Sequence[int] | None = None) -> Subquery:
    """Per member, the spans [start, stop) whose status was active (stop NULL: still open),
    from the status changes dated on or before ``upto``. A change ends the span of the one
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


def _in_span(spans: Subquery, member: Any, day: Any) -> ColumnElement[bool]:
    return and_(spans.c.member_id == member, spans.c.start <= day,
                or_(spans.c.stop.is_(None), spans.c.stop > day))


def _excused_on(member: Any, day: Any) -> ColumnElement[bool]:
    period = ExcusedPeriod
    return exists().where(period.member_id == member, period.start_date <= day,
                          or_(period.end_date.is_(None), period.end_date > day))


def _on_the_list(cell_id: int | None, on: date, *, excused: bool) -> Select[*Row]:
    """The members of the cell (None: of any cell) on ``on`` — active, not archived, assigned
    that day — who are not excused that day (``excused``: who are), Vietnamese order."""
    # uncorrelated IN lists: SQLite would otherwise probe the cell's whole assignment list
    # (cell_id index) once per member
    spans = _active_spans(on)
    assigned = select(CellAssignment.member_id).where(
        CellAssignment.start_date <= on,
        or_(CellAssignment.end_date.is_(None), CellAssignment.end_date > on))
    if cell_id is not None:
        assigned = assigned.where(CellAssignment.cell_id == cell_id)
    excused_ids = select(ExcusedPeriod.member_id).where(
        ExcusedPeriod.start_date <= on,
        or_(ExcusedPeriod.end_date.is_(None), ExcusedPeriod.end_date > on))
    return (select(Member.id).join(spans, _in_span(spans, Member.id, on))
            .where(Member.archived.is_(False), Member.id.in_(assigned),
                   Member.id.in_(excused_ids) if excused else Member.id.not_in(excused_ids))
            .order_by(Member.sort_key, Member.id))


def _default_invitees(connection: Connection, cell_id: int | None, on: date) -> list[int]:
    return [row[0] for row in connection.execute(_on_the_list(cell_id, on, excused=False))]


def default_invitees(factory: Factory, cell_id: int | None, on: date) -> list[int]:
    """The members on the list of the cell (None: of any cell) on ``on``, Vietnamese order."""
    with factory() as session:
        return _default_invitees(session.connection(), cell_id, on)


# --- activities ----------------------------------------------------------------------------------

def _activity_rows(session: Session, *where: ColumnElement[bool]) -> list[ActivityRow]:
    stmt = (select(Activity.id, Activity.uuid, Activity.date, Activity.cell_id, Cell.name,
                   Activity.kind, Activity.title, Activity.place, Activity.content,
                   Activity.status)
            .outerjoin(Cell, Cell.id == Activity.cell_id).where(*where)
            .order_by(Activity.date.desc(), Activity.id.desc()))
    rows = session.execute(stmt).all()
    if not rows:
        return []

    def count(state: AttendanceState) -> Any:
        return func.sum(case((Attendance.state == state.value, 1), else_=0))

    counts: dict[int, tuple[int, int, int, int]] = {}
    chosen = select(Activity.id).where(*where)
    for r in session.execute(
            select(Attendance.activity_id, func.count(), count(AttendanceState.PRESENT),
                   count(AttendanceState.EXCUSED), count(AttendanceState.ABSENT))
            .where(Attendance.activity_id.in_(chosen)).group_by(Attendance.activity_id)):
        counts[r[0]] = (int(r[1]), int(r[2] or 0), int(r[3] or 0), int(r[4] or 0))
    return [ActivityRow(
        id=r[0], uuid=r[1], date=r[2], cell_id=r[3], cell_name=WHOLE_WARD if r[3] is None
        else r[4] or "", kind=r[5], kind_label=label(ACTIVITY_KIND, r[5]), title=r[6],
        place=r[7], content=r[8], status=r[9], status_label=label(ACTIVITY_STATUS, r[9]),
        invited=c[0], present=c[1], excused=c[2], absent=c[3],
    ) for r in rows for c in (counts.get(r[0], (0, 0, 0, 0)),)]


def list_activities(factory: Factory, *, year: int | None = None,
                    cell_id: int | None = ALL_CELLS, kind: str | None = None) -> list[ActivityRow]:
    """Activities, newest first: of a year, of one cell (None: the ward's own; ALL_CELLS: every
    one), of one kind."""
    where: list[ColumnElement[bool]] = []
    if year is not None:
        where += [Activity.date >= date(year, 1, 1), Activity.date < date(year + 1, 1, 1)]
    if cell_id is None:
        where.append(Activity.cell_id.is_(None))
    elif cell_id != ALL_CELLS:
        where.append(Activity.cell_id == cell_id)
    if kind is not None:
        where.append(Activity.kind == kind)
    with factory() as session:
        return _activity_rows(session, *where)


def get_activity(factory: Factory, activity_id: int) -> ActivityRow:
    with factory() as session:
        rows = _activity_rows(session, Activity.id == activity_id)
    if not rows:
        raise ActivityError(NO_ACTIVITY)
    return rows[0]


def _load_activity(session: Session, activity_id: int) -> Activity:
    activity = session.get(Activity, activity_id)
    if activity is None:
        raise ActivityError(NO_ACTIVITY)
    return activity


def _apply(session: Session, activity: Activity, data: ActivityInput) -> None:
    if data.cell_id is not None and session.get(Cell, data.cell_id) is None:
        raise ActivityError("Chi bộ: không tìm thấy chi bộ đã chọn.")
    activity.date = data.date
    activity.cell_id = data.cell_id
    activity.kind = data.kind
    activity.title = clean(data.title)
    activity.place = clean(data.place)
    activity.content = _clean_text(data.content)
    activity.status = data.status


def add_activity(factory: Factory, data: ActivityInput, *, invite_default: bool = True,
                 today: date | None = None) -> int:
    """Log an activity and (by default) invite everyone on the list that day; one transaction."""
    _guard(data, today)
    with factory.begin() as session:
        activity = Activity()
        _apply(session, activity, data)
        session.add(activity)
        session.flush()
        if invite_default:
            session.add_all(
                Attendance(activity_id=activity.id, member_id=member_id,
                           state=AttendanceState.INVITED.value, note="")
                for member_id in _default_invitees(session.connection(), data.cell_id,
                                                   data.date))
        return activity.id


def update_activity(factory: Factory, activity_id: int, data: ActivityInput,
                    today: date | None = None) -> None:
    """Save an edited activity; its invitations stay as they are."""
    _guard(data, today)
    with factory.begin() as session:
        _apply(session, _load_activity(session, activity_id), data)


# --- invitations and attendance ------------------------------------------------------------------

def invite(factory: Factory, activity_id: int, member_ids: list[int]) -> int:
    """Invite more members (the ones already invited are skipped); returns how many were added."""
    wanted = list(dict.fromkeys(member_ids))
    with factory.begin() as session:
        _load_activity(session, activity_id)
        invited = set(session.scalars(select(Attendance.member_id).where(
            Attendance.activity_id == activity_id)))
        new = [member_id for member_id in wanted if member_id not in invited]
        known = {m for chunk in _chunks(new) for m in session.scalars(
            select(Member.id).where(Member.id.in_(chunk)))}
        if len(known) != len(new):
            raise ActivityError("Không tìm thấy đảng viên được mời (có thể đã bị thay đổi ở nơi "
                                "khác).")
        session.add_all(Attendance(activity_id=activity_id, member_id=member_id,
                                   state=AttendanceState.INVITED.value, note="")
                        for member_id in new)
    return len(new)


def uninvite(factory: Factory, activity_id: int, member_ids: list[int]) -> int:
    """Take members off the invitation list (their marks too); returns how many were removed.
    The change history keeps what was removed."""
    wanted = list(dict.fromkeys(member_ids))
    with factory.begin() as session:
        _load_activity(session, activity_id)
        rows = [r for chunk in _chunks(wanted) for r in session.execute(
            select(Attendance.id, Attendance.member_id, Attendance.state, Attendance.note)
            .where(Attendance.activity_id == activity_id, Attendance.member_id.in_(chunk)))]
        if not rows:
            return 0
        user, at = history.current_user(), now()
        session.execute(insert(ChangeLog), [
            {"at": at, "user": user, "entity": "attendance", "entity_id": row_id,
             "action": "delete", "field": field, "old_value": old, "new_value": ""}
            for row_id, member_id, state, note in rows
            for field, old in (("activity_id", str(activity_id)), ("member_id", str(member_id)),
                               ("state", state), ("note", note))])
        for chunk in _chunks([r[0] for r in rows]):
            session.execute(delete(Attendance).where(Attendance.id.in_(chunk)))
    return len(rows)


def roster(factory: Factory, activity_id: int) -> list[RosterLine]:
    """The invited members of an activity with their marks, in Vietnamese name order."""
    stmt = (select(Member.sort_key, Member.id, Member.full_name, Member.birth_date,
                   Member.birth_year, Cell.name, WorkplaceOrg.name, Attendance.state,
                   Attendance.note)
            .select_from(Attendance).join(Member, Member.id == Attendance.member_id)
            .outerjoin(Cell, Cell.id == Member.cell_id)
            .outerjoin(WorkplaceOrg, WorkplaceOrg.id == Member.workplace_org_id)
            .where(Attendance.activity_id == activity_id))
    with factory() as session:
        _load_activity(session, activity_id)
        # sorted here, not by the database: the plan then starts from this activity's rows
        rows = sorted(session.execute(stmt).all(), key=lambda r: (r[0], r[1]))
    return [RosterLine(member_id=r[1], full_name=r[2], birth_text=format_birth(r[3], r[4]),
                       cell=r[5] or "", workplace_org=r[6] or "", state=r[7], note=r[8])
            for r in rows]


def save_attendance(factory: Factory, activity_id: int,
                    marks: dict[int, tuple[str, str]]) -> int:
    """Store {member_id: (state, note)} in one transaction; only rows that change are written
    (through the ORM, so the change history records them). Returns how many changed."""
    states = {s.value for s in AttendanceState}
    wanted: dict[int, tuple[str, str]] = {}
    for member_id, (state, note) in marks.items():
        if state not in states:
            raise ActivityError(f"Điểm danh: trạng thái «{state}» không hợp lệ.")
        text = clean(note)
        if len(text) > TEXT_MAX:
            raise ActivityError(f"Ghi chú điểm danh quá dài (tối đa {TEXT_MAX} ký tự).")
        wanted[member_id] = (state, text)
    if not wanted:
        return 0
    changed = 0
    with factory.begin() as session:
        _load_activity(session, activity_id)
        stmt = select(Attendance).where(Attendance.activity_id == activity_id)
        if len(wanted) <= CHUNK:  # a few marks of a big meeting: load just those rows
            stmt = stmt.where(Attendance.member_id.in_(list(wanted)))
        rows = {row.member_id: row for row in session.scalars(stmt)}
        if any(member_id not in rows for member_id in wanted):
            raise ActivityError("Điểm danh: có đảng viên không còn trong danh sách mời (có thể "
                                "đã bị thay đổi ở nơi khác). Hãy mở lại danh sách.")
        for member_id, (state, note) in wanted.items():
            row = rows[member_id]
            if row.state != state or row.note != note:
                row.state, row.note = state, note
                changed += 1
                if changed % HOOK_EVERY == 0:
                    session.flush()
                    testhooks.rows_written("attendance", changed)
        session.flush()
        testhooks.rows_written("attendance", changed)
    return changed


# --- participation -------------------------------------------------------------------------------

# Each group's four counts travel packed in one integer, 15 bits each (invited, present, excused,
# absent), so the database adds 4 numbers per attendance row instead of 16.
_BITS = 15
_MASK = (1 << _BITS) - 1
_EMPTY = Participation()


def _participation_statement(year: int,
                             member_ids: Sequence[int] | None) -> Select[*Row]:
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    spans = _active_spans(after - timedelta(days=1), member_ids)
    weight = case((Attendance.state == AttendanceState.PRESENT.value, 1 + (1 << _BITS)),
                  (Attendance.state == AttendanceState.EXCUSED.value, 1 + (1 << 2 * _BITS)),
                  (Attendance.state == AttendanceState.ABSENT.value, 1 + (1 << 3 * _BITS)),
                  else_=1)
    sums = [func.sum(case((Activity.kind.in_(GROUP_KINDS[group]), weight), else_=0))
            for group in GROUPS]
    stmt = (
        select(Attendance.member_id, *sums)
        .join(Activity, Activity.id == Attendance.activity_id)
        .join(spans, _in_span(spans, Attendance.member_id, Activity.date))
        .where(Activity.status == ActivityStatus.HELD.value, Activity.date >= first,
               Activity.date < after, ~_excused_on(Attendance.member_id, Activity.date))
        .group_by(Attendance.member_id))
    if member_ids is not None:
        stmt = stmt.where(Attendance.member_id.in_(member_ids))
    return stmt


def participation_many(factory: Factory, member_ids: list[int] | None,
                       year: int) -> dict[int, dict[str, Participation]]:
    """participation() of many members (None: every member) in a few queries."""
    with factory() as session:
        return participation_in(session, member_ids, year)


def participation_in(session: Session, member_ids: list[int] | None,
                     year: int) -> dict[int, dict[str, Participation]]:
    """participation_many() inside the caller's session (and transaction)."""
    packed: dict[int, Sequence[Any]] = {}
    connection = session.connection()
    if member_ids is None:
        member_ids = list(session.scalars(select(Member.id).order_by(Member.id)))
        chunks: Iterable[Sequence[int] | None] = [None]
    else:
        chunks = [None] if len(member_ids) > BULK_MEMBERS else _chunks(member_ids)
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


def participation(factory: Factory, member_id: int, year: int) -> dict[str, Participation]:
    """A member's invitations and marks in a year, per group of GROUPS: activities held that
    year, with the member's attendance row, inside the member's active spans and outside excused
    periods."""
    return participation_many(factory, [member_id], year)[member_id]


# --- reminders -----------------------------------------------------------------------------------

def reminders(factory: Factory, year: int, today: date) -> Reminders:
    """Cells with fewer than 2 periodic meetings held in the year, and members on the list today
    who were not present at any activity held in the last 365 days."""
    periodic = (select(func.count(Activity.id))
                .where(Activity.cell_id == Cell.id,
                       Activity.kind == ActivityKind.PERIODIC.value,
                       Activity.status == ActivityStatus.HELD.value,
                       Activity.date >= date(year, 1, 1), Activity.date < date(year + 1, 1, 1))
                .scalar_subquery())
    came = exists().where(
        Attendance.member_id == Member.id, Attendance.state == AttendanceState.PRESENT.value,
        Activity.id == Attendance.activity_id, Activity.status == ActivityStatus.HELD.value,
        Activity.date > today - timedelta(days=365), Activity.date <= today)
    missing = (select(Member.full_name)
               .where(Member.status == MemberStatus.ACTIVE.value, Member.excused.is_(False),
                      Member.archived.is_(False), ~came)
               .order_by(Member.sort_key, Member.id))
    with factory() as session:
        cells = tuple((name, int(held)) for name, held in session.execute(
            select(Cell.name, periodic).where(Cell.active.is_(True))
            .order_by(Cell.position, Cell.id)) if held < 2)
        names = list(session.scalars(missing))
    return Reminders(cells_short_of_meetings=cells, members_without_attendance=len(names),
                     sample_members=tuple(names[:10]))
