"""Keeping the register: add and edit members, duplicates, dated status, cell and excused changes.

Each function is one transaction.  Nothing here deletes a member: leaving the ward is a dated
status, archiving is a flag, and every change lands in the change history (models.store.history).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.dates import format_birth
from models.register.rules import MemberInput, digits_only, validate_member
from models.store.entities import (
    CellAssignment,
    ExcusedPeriod,
    Member,
    MemberStatus,
    MemberStatusChange,
)
from models.text.vntext import clean, clean_name, fold, sort_key


class RegisterError(ValueError):
    """A change the register refuses; the message is Vietnamese and names the field."""


@dataclass(frozen=True)
class DuplicateMatch:
    member_id: int
    full_name: str
    birth_text: str
    cell: str
    reason: str  # cùng số thẻ đảng viên / cùng số CCCD / cùng họ tên và ngày sinh


def _apply(member: Member, data: MemberInput) -> None:
    name = clean_name(data.full_name)
    member.full_name = name
    member.name_key = fold(name)
    member.sort_key = sort_key(name)
    member.sex = data.sex
    member.birth_date = data.birth_date
    member.birth_year = data.birth_date.year if data.birth_date else int(data.birth_year or 0)
    member.ethnicity = clean(data.ethnicity) or "Kinh"
    member.citizen_id = digits_only(data.citizen_id) or None
    member.phone = digits_only(data.phone) or None
    member.card_number = digits_only(data.card_number) or None
    member.party_file_number = clean(data.party_file_number).replace(" ", "").upper() or None
    member.join_date = data.join_date
    member.official_date = data.official_date
    member.workplace_org_id = data.workplace_org_id
    member.workplace_cell = clean(data.workplace_cell)
    member.employer_unit = clean(data.employer_unit)
    member.job_title = clean(data.job_title)
    member.address = clean(data.address)
    member.letter_number = clean(data.letter_number)
    member.letter_date = data.letter_date
    member.letter_issuer = clean(data.letter_issuer)
    member.received_date = data.received_date
    member.notes = clean(data.notes) if "\n" not in data.notes else data.notes.strip()


def _guard(data: MemberInput, today: date | None) -> None:
    errors = validate_member(data, today)
    if errors:
        raise RegisterError(" ".join(errors.values()))


def find_duplicates(factory: sessionmaker[Session], data: MemberInput,
                    exclude_id: int | None = None) -> list[DuplicateMatch]:
    """Members that may be the same person: same card number, citizen ID, or folded name + birth."""
    from models.store.entities import Cell

    card = digits_only(data.card_number)
    citizen = digits_only(data.citizen_id)
    year = data.birth_date.year if data.birth_date else data.birth_year
    conditions = []
    if card:
        conditions.append(Member.card_number == card)
    if citizen:
        conditions.append(Member.citizen_id == citizen)
    if year:
        conditions.append((Member.name_key == fold(data.full_name)) & (Member.birth_year == year))
    if not conditions:
        return []
    stmt = (select(Member, Cell.name).outerjoin(Cell, Cell.id == Member.cell_id)
            .where(or_(*conditions)).order_by(Member.sort_key, Member.id))
    if exclude_id is not None:
        stmt = stmt.where(Member.id != exclude_id)
    matches: list[DuplicateMatch] = []
    with factory() as session:
        for member, cell_name in session.execute(stmt):
            if card and member.card_number == card:
                reason = "cùng số thẻ đảng viên"
            elif citizen and member.citizen_id == citizen:
                reason = "cùng số CCCD"
            elif (data.birth_date is None or member.birth_date is None
                  or member.birth_date == data.birth_date):
                # a year-only birth matches any date of that year: the user decides
                reason = "cùng họ tên và ngày sinh"
            else:
                continue
            matches.append(DuplicateMatch(member.id, member.full_name,
                                          format_birth(member.birth_date, member.birth_year),
                                          cell_name or "", reason))
    return matches


def add_member(factory: sessionmaker[Session], data: MemberInput,
               today: date | None = None) -> int:
    """Register a member (from an introduction letter); returns the new id."""
    _guard(data, today)
    start = data.received_date or today or clock.today()
    with factory.begin() as session:
        member = Member()
        _apply(member, data)
        member.cell_id = data.cell_id
        member.status = MemberStatus.ACTIVE
        member.excused = data.excused
        member.excused_reason = clean(data.excused_reason) if data.excused else ""
        session.add(member)
        session.flush()
        session.add(MemberStatusChange(member_id=member.id, status=MemberStatus.ACTIVE,
                                       date=start, reason="Tiếp nhận giấy giới thiệu"))
        if data.cell_id is not None:
            session.add(CellAssignment(member_id=member.id, cell_id=data.cell_id,
                                       start_date=start))
        if data.excused:
            session.add(ExcusedPeriod(member_id=member.id, start_date=start,
                                      reason=member.excused_reason))
        return member.id


def _load(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise RegisterError("Không tìm thấy đảng viên này (có thể đã bị thay đổi ở nơi khác).")
    return member


def update_member(factory: sessionmaker[Session], member_id: int, data: MemberInput,
                  today: date | None = None) -> None:
    """Save an edited member; a new cell or excused state is dated today."""
    _guard(data, today)
    on = today or clock.today()
    with factory.begin() as session:
        member = _load(session, member_id)
        _apply(member, data)
        if data.cell_id != member.cell_id:
            _move_cell(session, member, data.cell_id, on)
        if data.excused != member.excused or (
                data.excused and clean(data.excused_reason) != member.excused_reason):
            _set_excused(session, member, data.excused, clean(data.excused_reason), on)


def _move_cell(session: Session, member: Member, cell_id: int | None, on: date) -> None:
    for open_row in session.scalars(select(CellAssignment).where(
            CellAssignment.member_id == member.id, CellAssignment.end_date.is_(None))):
        open_row.end_date = on
    if cell_id is not None:
        session.add(CellAssignment(member_id=member.id, cell_id=cell_id, start_date=on))
    member.cell_id = cell_id


def move_cell(factory: sessionmaker[Session], member_id: int, cell_id: int | None,
              on: date) -> None:
    """The member belongs to another residence cell from ``on``."""
    with factory.begin() as session:
        member = _load(session, member_id)
        if member.cell_id == cell_id:
            return
        _move_cell(session, member, cell_id, on)


def _set_excused(session: Session, member: Member, excused: bool, reason: str, on: date) -> None:
    for open_row in session.scalars(select(ExcusedPeriod).where(
            ExcusedPeriod.member_id == member.id, ExcusedPeriod.end_date.is_(None))):
        open_row.end_date = on
    if excused:
        session.add(ExcusedPeriod(member_id=member.id, start_date=on, reason=reason))
    member.excused = excused
    member.excused_reason = reason if excused else ""


def set_excused(factory: sessionmaker[Session], member_id: int, excused: bool, reason: str,
                on: date) -> None:
    """Excuse the member from residence activities from ``on`` (or end the excuse on ``on``)."""
    reason = clean(reason)
    if excused and not reason:
        raise RegisterError("Cần ghi lý do miễn sinh hoạt nơi cư trú.")
    with factory.begin() as session:
        _set_excused(session, _load(session, member_id), excused, reason, on)


def change_status(factory: sessionmaker[Session], member_id: int, status: str, on: date,
                  reason: str = "", today: date | None = None) -> None:
    """A dated status change: moved away, transferred, returned on retirement, deceased, or
    active again. The earlier history stays."""
    with factory.begin() as session:
        change_status_in(session, _load(session, member_id), status, on, reason, today)


def change_status_in(session: Session, member: Member, status: str, on: date, reason: str = "",
                     today: date | None = None) -> None:
    """change_status() inside the caller's transaction (an exchange package applies many)."""
    if status not in {s.value for s in MemberStatus}:
        raise RegisterError("Trạng thái không hợp lệ.")
    if on > (today or clock.today()):
        raise RegisterError("Ngày thay đổi trạng thái không được sau ngày hôm nay.")
    if member.status == status:
        raise RegisterError("Đảng viên đã ở trạng thái này.")
    last = session.scalars(select(MemberStatusChange.date).where(
        MemberStatusChange.member_id == member.id).order_by(
        MemberStatusChange.date.desc())).first()
    if last is not None and on < last:
        raise RegisterError("Ngày thay đổi không được trước lần thay đổi trạng thái trước.")
    session.add(MemberStatusChange(member_id=member.id, status=status, date=on,
                                   reason=clean(reason)))
    member.status = status
    if status == MemberStatus.ACTIVE:
        member.closed_date = None
        if member.cell_id is not None:
            _move_cell(session, member, member.cell_id, on)
    else:
        member.closed_date = on
        for open_row in session.scalars(select(CellAssignment).where(
                CellAssignment.member_id == member.id, CellAssignment.end_date.is_(None))):
            open_row.end_date = on


def set_archived(factory: sessionmaker[Session], member_ids: list[int], archived: bool) -> int:
    """Archive (hide from the list) or restore members; nothing is deleted. Returns how many."""
    changed = 0
    with factory.begin() as session:
        for member_id in member_ids:
            member = _load(session, member_id)
            if member.archived != archived:
                member.archived = archived
                changed += 1
    return changed


def member_input(factory: sessionmaker[Session], member_id: int) -> MemberInput:
    """The stored member as dialog input, for editing."""
    with factory() as session:
        m = _load(session, member_id)
        return MemberInput(
            full_name=m.full_name, sex=m.sex, birth_date=m.birth_date,
            birth_year=None if m.birth_date else m.birth_year, ethnicity=m.ethnicity,
            citizen_id=m.citizen_id or "", phone=m.phone or "", card_number=m.card_number or "",
            party_file_number=m.party_file_number or "", join_date=m.join_date,
            official_date=m.official_date, workplace_org_id=m.workplace_org_id,
            workplace_cell=m.workplace_cell, employer_unit=m.employer_unit,
            job_title=m.job_title, address=m.address, cell_id=m.cell_id,
            letter_number=m.letter_number, letter_date=m.letter_date,
            letter_issuer=m.letter_issuer, received_date=m.received_date, excused=m.excused,
            excused_reason=m.excused_reason, notes=m.notes,
        )
