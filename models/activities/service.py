"""Activities and attendance: the cells' meetings, who is invited and who came.

An activity invites by default the members counted on its day on its cell's list (any cell's,
for a ward-wide one); what counts as participation is the rule of ``models.membership``.

Big reads are Core queries; attendance changes go through ORM objects so that the change history
(models.store.history) records them.  That hook sees new and changed rows but not deleted ones, so
``uninvite`` writes its own "delete" lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, exists, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from models import clock, testhooks
from models.chunks import IN_LIST, chunked
from models.dates import format_birth, year_error
from models.formats import format_date
from models.labels import ACTIVITY_KIND, ATTENDANCE, label
from models.membership import Participation, counted_members, counts_from, on_the_list, state_counts
from models.sharing.stale import StaleRecord, ensure_current, refuse_stale
from models.store import history
from models.store.entities import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Attendance,
    AttendanceState,
    Base,
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
    version: int = 0  # as read: a save from this row names it (models.sharing.stale)

    def input(self) -> ActivityInput:
        """The activity as the edit form reads it."""
        return ActivityInput(self.date, self.cell_id, self.kind, self.title, self.place,
                             self.content, self.status)


@dataclass(frozen=True)
class RosterLine:
    member_id: int
    full_name: str
    birth_text: str
    cell: str
    workplace_org: str
    state: str  # AttendanceState
    note: str
    version: int = 0  # of the attendance row, as read


@dataclass(frozen=True)
class RollCallSaved:
    changed: int  # rows written
    versions: dict[int, int]  # member id -> the version of each row written, now stored


class RollCallConflict(StaleRecord):
    """Someone else saved other marks for some of the same members of the meeting after the
    roll call was read; nothing was saved.  ``fresh`` holds those rows as stored now."""

    fresh: tuple[RosterLine, ...]


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
                   Activity.status, Activity.version)
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
        version=r[10],
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


def _activity_name(activity: Activity) -> str:
    return f"«{activity.title}» ngày {format_date(activity.date)}"


def _stale_activity(activity: Activity) -> StaleRecord:
    fresh = ActivityInput(activity.date, activity.cell_id, activity.kind, activity.title,
                          activity.place, activity.content, activity.status)
    return StaleRecord(f"hoạt động {_activity_name(activity)}", fresh, activity.version)


def _stale_activity_now(factory: Factory, activity_id: int) -> StaleRecord:
    with factory() as session:
        return _stale_activity(_load_activity(session, activity_id))


def update_activity(factory: Factory, activity_id: int, data: ActivityInput,
                    today: date | None = None, *, version: int | None = None) -> None:
    """Save an edited activity; its invitations stay as they are.  ``version``: the one the
    form read (StaleRecord when someone else saved the activity since)."""
    _guard(data, today)
    with refuse_stale(lambda: _stale_activity_now(factory, activity_id)), \
            factory.begin() as session:
        activity = _load_activity(session, activity_id)
        ensure_current(session, activity.version, version,
                       lambda _s: _stale_activity(activity))
        _apply(session, activity, data)


def set_activity_status(factory: Factory, activity_id: int, status: str, *,
                        read: str | None = None, today: date | None = None) -> None:
    """Held or planned, and nothing else of the activity (the roll call's tick box).  ``read``:
    the status the screen showed; when someone else set another one since, StaleRecord (a
    title edited meanwhile is no conflict: it is not written)."""
    with refuse_stale(lambda: _stale_activity_now(factory, activity_id)), \
            factory.begin() as session:
        activity = _load_activity(session, activity_id)
        if read is not None and activity.status not in (read, status):
            raise _stale_activity(activity)
        data = ActivityInput(activity.date, activity.cell_id, activity.kind, activity.title,
                             activity.place, activity.content, status)
        _guard(data, today)
        if activity.status != status:
            activity.status = status


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
    with factory() as session:
        _load_activity(session, activity_id)
        return _roster_lines(session, activity_id)


def _roster_lines(session: Session, activity_id: int) -> list[RosterLine]:
    stmt = (select(Member.sort_key, Member.id, Member.full_name, Member.birth_date,
                   Member.birth_year, Cell.name, WorkplaceOrg.name, Attendance.state,
                   Attendance.note, Attendance.version)
            .select_from(Attendance).join(Member, Member.id == Attendance.member_id)
            .outerjoin(Cell, Cell.id == Member.cell_id)
            .outerjoin(WorkplaceOrg, WorkplaceOrg.id == Member.workplace_org_id)
            .where(Attendance.activity_id == activity_id))
    # sorted here, not by the database: the plan then starts from this activity's rows
    rows = sorted(session.execute(stmt).all(), key=lambda r: (r[0], r[1]))
    return [RosterLine(member_id=r[1], full_name=r[2], birth_text=format_birth(r[3], r[4]),
                       cell=r[5] or "", workplace_org=r[6] or "", state=r[7], note=r[8],
                       version=r[9])
            for r in rows]


def mark_text(state: str) -> str:
    """A roll call mark in words ("chưa điểm danh" for someone invited and not marked yet)."""
    if state == AttendanceState.INVITED:
        return "chưa điểm danh"
    return label(ATTENDANCE, state).lower()


def save_attendance(factory: Factory, activity_id: int,
                    marks: dict[int, tuple[str, str]]) -> int:
    """Store {member_id: (state, note)} in one transaction, whatever is stored now (a command,
    a test); only rows that change are written.  Returns how many changed."""
    return save_roll_call(factory, activity_id, marks).changed


def save_roll_call(factory: Factory, activity_id: int, marks: Mapping[int, tuple[str, str]],
                   versions: Mapping[int, int] | None = None) -> RollCallSaved:
    """Store {member_id: (state, note)} in one transaction; only rows that change are written
    (through the ORM, so the change history records them).

    ``versions``: the version of each row as the roll call screen read it.  A row someone else
    saved since with another mark than this one is a conflict, and then **nothing** is saved
    (RollCallConflict, with those rows as stored now): a meeting's roll call is one record, the
    list that is printed and signed, and a careful secretary wants it whole — neither half of
    her marks stored while she decides about the others, nor a colleague's mark replaced
    without seeing it.  The screen keeps every mark typed, shows both marks of the rows in
    question, and the next save (with the new versions) stores what she chose.  A row the
    other person marked the same way is no conflict."""
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
        return RollCallSaved(0, {})
    att = _ATTENDANCE
    with refuse_stale(lambda: _roll_call_conflict_now(factory, activity_id, wanted)), \
            factory.begin() as session:
        activity = _load_activity(session, activity_id)
        stmt = select(att.c.id, att.c.member_id, att.c.state, att.c.note, att.c.version).where(
            att.c.activity_id == activity_id)
        if len(wanted) <= IN_LIST:  # a few marks of a big meeting: read just those rows
            stmt = stmt.where(att.c.member_id.in_(list(wanted)))
        rows = {r.member_id: r for r in session.execute(stmt)}
        if any(member_id not in rows for member_id in wanted):
            raise ActivityError("Điểm danh: có đảng viên không còn trong danh sách mời (có thể "
                                "đã bị thay đổi ở nơi khác). Hãy mở lại danh sách.")
        if versions is not None:
            clashes = [m for m, mark in wanted.items() if m in versions
                       and rows[m].version != versions[m] and (rows[m].state, rows[m].note) != mark]
            if clashes:
                raise _roll_call_conflict(session, activity, clashes)
        changes = [(rows[m], state, note) for m, (state, note) in wanted.items()
                   if (rows[m].state, rows[m].note) != (state, note)]
        _write_marks(session, changes)
    saved = {m: rows[m].version for m in wanted}
    saved.update({row.member_id: row.version + 1 for row, _state, _note in changes})
    return RollCallSaved(len(changes), saved)


_ATTENDANCE = Base.metadata.tables["attendance"]  # Core: one statement for a batch of rows
_MARK = (update(_ATTENDANCE)
         .where(_ATTENDANCE.c.id == bindparam("row_id"),
                _ATTENDANCE.c.version == bindparam("row_version"))
         .values(state=bindparam("new_state"), note=bindparam("new_note"),
                 version=_ATTENDANCE.c.version + 1))


def _write_marks(session: Session, changes: Sequence[tuple[Any, str, str]]) -> None:
    """The changed rows in batches of one statement each, each row only if still at the version
    read (another transaction's write in between: StaleDataError, nothing kept), with their
    change history lines (as models.store.history writes them for the ORM's writes)."""
    user, at = history.current_user(), now()
    for start in range(0, len(changes), HOOK_EVERY):
        chunk = changes[start:start + HOOK_EVERY]
        result = session.execute(_MARK, [
            {"row_id": row.id, "row_version": row.version, "new_state": state,
             "new_note": note} for row, state, note in chunk])
        if result.rowcount != len(chunk):  # type: ignore[attr-defined]
            raise StaleDataError("attendance rows changed meanwhile")
        session.execute(insert(ChangeLog), [
            {"at": at, "user": user, "entity": "attendance", "entity_id": row.id,
             "action": "update", "field": field, "old_value": old, "new_value": new}
            for row, state, note in chunk
            for field, old, new in (("state", row.state, state), ("note", row.note, note))
            if old != new])
        testhooks.rows_written("attendance", start + len(chunk))
    if not changes:
        testhooks.rows_written("attendance", 0)


def _roll_call_conflict(session: Session, activity: Activity,
                        member_ids: Sequence[int]) -> RollCallConflict:
    wanted = set(member_ids)
    lines = tuple(line for line in _roster_lines(session, activity.id)
                  if line.member_id in wanted)
    names = ", ".join(f"{line.full_name} ({mark_text(line.state)})"
                      for line in lines[:5]) + (" …" if len(lines) > 5 else "")
    return RollCallConflict(f"điểm danh {_activity_name(activity)}", lines, activity.version,
                            detail=f"Họ đã ghi khác bạn cho {len(lines)} người: {names}.")


def _roll_call_conflict_now(factory: Factory, activity_id: int,
                            wanted: Mapping[int, tuple[str, str]]) -> StaleRecord:
    """After the database refused a row written meanwhile: the rows whose stored mark now
    differs from the one being saved."""
    with factory() as session:
        activity = _load_activity(session, activity_id)
        differing = [line.member_id for line in _roster_lines(session, activity_id)
                     if line.member_id in wanted
                     and (line.state, line.note) != wanted[line.member_id]]
        return _roll_call_conflict(session, activity, differing)


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
