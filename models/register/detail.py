"""Everything the member page shows about one member, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.dates import format_birth
from models.formats import format_date
from models.labels import (
    ACTIVITY_KIND,
    ATTENDANCE,
    MEMBER_STATUS,
    OFFICIAL,
    PROBATIONARY,
    SEX,
    label,
)
from models.membership import Participation, participation
from models.store.entities import (
    Activity,
    Attendance,
    Cell,
    CellAssignment,
    ChangeLog,
    ExcusedPeriod,
    Member,
    MemberStatusChange,
    WorkplaceOrg,
)

FIELD_LABELS = {
    "full_name": "Họ và tên", "sex": "Giới tính", "birth_date": "Ngày sinh",
    "birth_year": "Năm sinh", "ethnicity": "Dân tộc", "citizen_id": "Số CCCD",
    "phone": "Điện thoại", "card_number": "Số thẻ đảng viên", "party_file_number": "Số lý lịch",
    "join_date": "Ngày vào Đảng", "official_date": "Ngày chính thức",
    "workplace_org_id": "Tổ chức đảng nơi công tác", "workplace_cell": "Chi bộ nơi công tác",
    "employer_unit": "Đơn vị công tác", "job_title": "Chức vụ", "address": "Nơi cư trú",
    "cell_id": "Chi bộ nơi cư trú", "letter_number": "Số giấy giới thiệu",
    "letter_date": "Ngày giấy giới thiệu", "letter_issuer": "Nơi cấp giấy giới thiệu",
    "received_date": "Ngày tiếp nhận", "closed_date": "Ngày thôi theo dõi",
    "status": "Trạng thái", "excused": "Miễn sinh hoạt", "excused_reason": "Lý do miễn",
    "notes": "Ghi chú", "archived": "Lưu trữ", "uuid": "Mã định danh",
}


@dataclass(frozen=True)
class DatedEntry:
    start: date | None
    end: date | None
    text: str
    note: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    user: str
    text: str  # "Điện thoại: (trống) → 0912345678"


@dataclass(frozen=True)
class AttendanceEntry:
    on: date
    kind: str
    title: str
    state: str
    note: str


@dataclass(frozen=True)
class MemberDetail:
    id: int
    uuid: str
    facts: tuple[tuple[str, str], ...]  # (label, value) in the order the page shows them
    full_name: str
    status: str
    archived: bool
    excused: bool
    statuses: tuple[DatedEntry, ...]
    cells: tuple[DatedEntry, ...]
    excused_periods: tuple[DatedEntry, ...]
    attendance: tuple[AttendanceEntry, ...]
    history: tuple[HistoryEntry, ...]
    # per year, per kind group (models.membership.GROUPS): counted within the dated
    # membership
    participation: tuple[tuple[int, dict[str, Participation]], ...] = ()


def _value(value: object, names: dict[str, dict[int, str]], field: str) -> str:
    if value in (None, ""):
        return "(trống)"
    if field == "workplace_org_id" and str(value).isdigit():
        return names["org"].get(int(str(value)), str(value))
    if field == "cell_id" and str(value).isdigit():
        return names["cell"].get(int(str(value)), str(value))
    if field == "status":
        return label(MEMBER_STATUS, str(value))
    if field == "sex":
        return label(SEX, str(value))
    if field in ("excused", "archived"):
        return "Có" if str(value) in ("1", "True") else "Không"
    text = str(value)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return format_date(date.fromisoformat(text))
        except ValueError:
            return text
    return text


def member_detail(factory: sessionmaker[Session], member_id: int) -> MemberDetail | None:
    with factory() as session:
        m = session.get(Member, member_id)
        if m is None:
            return None
        names = {
            "cell": {r[0]: r[1] for r in session.execute(select(Cell.id, Cell.name))},
            "org": {r[0]: r[1] for r in session.execute(select(WorkplaceOrg.id,
                                                               WorkplaceOrg.name))},
        }
        org = names["org"].get(m.workplace_org_id or -1, "")
        cell = names["cell"].get(m.cell_id or -1, "")
        standing = OFFICIAL if m.official_date else (PROBATIONARY if m.join_date else "")
        facts = (
            ("Họ và tên", m.full_name),
            ("Giới tính", label(SEX, m.sex)),
            ("Ngày sinh", format_birth(m.birth_date, m.birth_year)
             + (" (mới có năm sinh, cần bổ sung)" if m.birth_date is None else "")),
            ("Dân tộc", m.ethnicity),
            ("Số CCCD", m.citizen_id or ""),
            ("Điện thoại", m.phone or ""),
            ("Số thẻ đảng viên", m.card_number or ""),
            ("Số lý lịch", m.party_file_number or ""),
            ("Ngày vào Đảng", format_date(m.join_date)),
            ("Ngày chính thức", format_date(m.official_date)),
            ("Đảng viên", standing),
            ("Tổ chức đảng nơi công tác", org),
            ("Chi bộ nơi công tác", m.workplace_cell),
            ("Đơn vị công tác", m.employer_unit),
            ("Chức vụ", m.job_title),
            ("Nơi cư trú", m.address),
            ("Chi bộ nơi cư trú", cell),
            ("Giấy giới thiệu", " · ".join(p for p in (
                f"số {m.letter_number}" if m.letter_number else "",
                f"ngày {format_date(m.letter_date)}" if m.letter_date else "",
                m.letter_issuer) if p)),
            ("Ngày tiếp nhận", format_date(m.received_date)),
            ("Trạng thái", label(MEMBER_STATUS, m.status)
             + (f" (từ {format_date(m.closed_date)})" if m.closed_date else "")),
            ("Miễn sinh hoạt nơi cư trú", m.excused_reason if m.excused else "Không"),
            ("Ghi chú", m.notes),
        )
        statuses = tuple(
            DatedEntry(r.date, None, label(MEMBER_STATUS, r.status), r.reason)
            for r in session.scalars(select(MemberStatusChange).where(
                MemberStatusChange.member_id == member_id).order_by(
                MemberStatusChange.date, MemberStatusChange.id)))
        cells = tuple(
            DatedEntry(r.start_date, r.end_date, names["cell"].get(r.cell_id, ""))
            for r in session.scalars(select(CellAssignment).where(
                CellAssignment.member_id == member_id).order_by(
                CellAssignment.start_date, CellAssignment.id)))
        excused = tuple(
            DatedEntry(r.start_date, r.end_date, r.reason)
            for r in session.scalars(select(ExcusedPeriod).where(
                ExcusedPeriod.member_id == member_id).order_by(ExcusedPeriod.start_date)))
        attendance = tuple(
            AttendanceEntry(a.date, label(ACTIVITY_KIND, a.kind), a.title,
                            label(ATTENDANCE, at.state), at.note)
            for at, a in session.execute(
                select(Attendance, Activity).join(Activity, Activity.id == Attendance.activity_id)
                .where(Attendance.member_id == member_id)
                .order_by(Activity.date.desc())))
        history = []
        for row in session.scalars(select(ChangeLog).where(
                ChangeLog.entity == "member", ChangeLog.entity_id == member_id).order_by(
                ChangeLog.id.desc())):
            if row.action == "create":
                text = "Tạo hồ sơ"
            else:
                field = FIELD_LABELS.get(row.field, row.field)
                text = (f"{field}: {_value(row.old_value, names, row.field)} → "
                        f"{_value(row.new_value, names, row.field)}")
            history.append(HistoryEntry(row.at, row.user, text))
    years = sorted({a.on.year for a in attendance}, reverse=True)
    return MemberDetail(
        id=m.id, uuid=m.uuid, facts=facts, full_name=m.full_name, status=m.status,
        archived=m.archived, excused=m.excused, statuses=statuses, cells=cells,
        excused_periods=excused, attendance=attendance, history=tuple(history),
        participation=tuple((year, participation(factory, member_id, year)) for year in years),
    )

