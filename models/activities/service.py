"""Activities and attendance: the cells' meetings, who is invited and who came.

An activity invites by default the members counted on its day on its cell's list (any cell's,
for a ward-wide one); what counts as participation is the rule of ``models.membership``.

Big reads are Core queries; attendance changes go through ORM objects so that the change history
(models.store.history) records them.  That hook sees new and changed rows but not deleted ones, so
``uninvite`` writes its own "delete" lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from models import clock, testhooks
from models.chunks import IN_LIST, chunked
from models.dates import format_birth, year_error
from models.labels import ACTIVITY_KIND, label
from models.membership import Participation, counted_members, counts_from, on_the_list, state_counts
from models.store import history
from models.store.entities import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Attendance,
    AttendanceState,
    Cell,
    ChangeLog,
    Member,
    WorkplaceOrg,
    now,
)
from models.text.vntext import clean

Factory = sessionmaker[Session]
Row = tuple[Any, ...]

ALL_CELLS = -1  # filter value: activities of every cell and of the ward (None: the ward's only)
WHOLE_WARD = "Toàn phường"
ACTIVITY_STATUS = {ActivityStatus.PLANNED: "Dự kiến", ActivityStatus.HELD: "Đã tổ chức"}
TEXT_MAX = 300  # title, place and attendance note columns
HOOK_EVERY = 200  # attendance rows written between two reports to the fault tests' hook
_NONE = Participation()
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
    elif message := year_error(day.year, "Năm của ngày"):
        errors["date"] = message
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

    # every row of the activity, counted or not: the roster's own figures
    counts: dict[int, Participation] = {}
    chosen = select(Activity.id).where(*where)
    for r in session.execute(
            select(Attendance.activity_id, *state_counts())
            .where(Attendance.activity_id.in_(chosen)).group_by(Attendance.activity_id)):
        counts[r[0]] = counts_from(r, 1)
    return [ActivityRow(
        id=r[0], uuid=r[1], date=r[2], cell_id=r[3], cell_name=WHOLE_WARD if r[3] is None
        else r[4] or "", kind=r[5], kind_label=label(ACTIVITY_KIND, r[5]), title=r[6],
        place=r[7], content=r[8], status=r[9], status_label=label(ACTIVITY_STATUS, r[9]),
        invited=c.invited, present=c.present, excused=c.excused, absent=c.absent,
    ) for r in rows for c in (counts.get(r[0], _NONE),)]


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
                for member_id in counted_members(session.connection(), data.cell_id,
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
        known = {m for chunk in chunked(new) for m in session.scalars(
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
        rows = [r for chunk in chunked(wanted) for r in session.execute(
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
        for chunk in chunked([r[0] for r in rows]):
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
        if len(wanted) <= IN_LIST:  # a few marks of a big meeting: load just those rows
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


# --- reminders -----------------------------------------------------------------------------------

def reminders(factory: Factory, year: int, today: date) -> Reminders:
    """Cells with fewer than 2 periodic meetings held in the year, and members counted today
    (on a cell's list, not excused) who were not present at any activity held in the last 365
    days."""
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
    missing = on_the_list(None, today, Member.full_name).where(~came)
    with factory() as session:
        cells = tuple((name, int(held)) for name, held in session.execute(
            select(Cell.name, periodic).where(Cell.active.is_(True))
            .order_by(Cell.position, Cell.id)) if held < 2)
        names = list(session.scalars(missing))
    return Reminders(cells_short_of_meetings=cells, members_without_attendance=len(names),
                     sample_members=tuple(names[:10]))
