"""Keeping the register: add and edit members, duplicates, dated status, cell and excused changes.

Each public function is one transaction.  Nothing here deletes a member: leaving the ward is a
dated status, archiving is a flag, and every change lands in the change history
(models.store.history).

The one way a member is made or changed: ``validate_member`` (models.register.rules) decides what
is accepted, ``stored_values`` how it is stored (cleaned text, search and sort keys, identifiers
as digits), ``create_members`` writes new members with the dated rows every member starts with —
one member from the form, thousands from an import, the sample ward — and ``apply_input`` edits a
stored one.  Card numbers and citizen ID numbers are unique in the database itself; the service
says which member already has one before the database has to refuse it.
"""

from __future__ import annotations

import os
import uuid as uuids
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, String, func, insert, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.chunks import id_ranges
from models.dates import format_birth
from models.register.rules import MemberInput, digits_only, validate_member
from models.sharing.stale import Read, StaleRecord, ensure_current, last_change, refuse_stale
from models.store.dialect import store_of
from models.store.entities import (
    Base,
    CellAssignment,
    ChangeLog,
    ExcusedPeriod,
    Member,
    MemberStatus,
    MemberStatusChange,
    now,
)
from models.store.history import current_user
from models.text.vntext import clean, clean_lines, clean_name, fold, sort_key


class RegisterError(ValueError):
    """A change the register refuses; the message is Vietnamese and names the field."""


@dataclass(frozen=True)
class DuplicateMatch:
    member_id: int
    full_name: str
    birth_text: str
    cell: str
    reason: str  # cùng số thẻ đảng viên / cùng số CCCD / cùng họ tên và ngày sinh


def _kept(text: str | None) -> str:
    return text or ""


def stored_values(data: MemberInput, *, cleaned: bool = False) -> dict[str, Any]:
    """The member's columns as the register keeps them (the one place that says how).

    ``cleaned``: the caller has put every text of ``data`` through the cleaning rule already —
    ``clean`` (``clean_name`` for the name), as an import's plan does to each cell it reads —
    so the texts are kept as they are instead of being cleaned a second time."""
    text = _kept if cleaned else clean
    name = data.full_name if cleaned else clean_name(data.full_name)
    return {
        "full_name": name, "name_key": fold(name), "sort_key": sort_key(name),
        "sex": str(data.sex), "birth_date": data.birth_date,
        "birth_year": data.birth_date.year if data.birth_date else int(data.birth_year or 0),
        "ethnicity": text(data.ethnicity) or "Kinh",
        "citizen_id": digits_only(data.citizen_id) or None,
        "phone": digits_only(data.phone) or None,
        "card_number": digits_only(data.card_number) or None,
        "party_file_number": text(data.party_file_number).replace(" ", "").upper() or None,
        "join_date": data.join_date, "official_date": data.official_date,
        "workplace_org_id": data.workplace_org_id,
        "workplace_cell": text(data.workplace_cell), "employer_unit": text(data.employer_unit),
        "job_title": text(data.job_title), "address": text(data.address),
        "letter_number": text(data.letter_number), "letter_date": data.letter_date,
        "letter_issuer": text(data.letter_issuer), "received_date": data.received_date,
        "notes": text(data.notes) if cleaned else clean_lines(data.notes),
    }


def apply_input(member: Member, data: MemberInput) -> None:
    """Edit a stored member (through the ORM, so the change history records each field); the
    cell and the excused state are dated changes of their own (move_cell_in, set_excused_in)."""
    for name, value in stored_values(data).items():
        setattr(member, name, value)


@dataclass(frozen=True)
class Lifecycle:
    """Where a new member's record starts, when it is not "received today, active": the sample
    ward writes members with a past of their own (its dated rows are written by itself)."""

    uuid: str
    status: str
    closed_date: date | None
    created_at: datetime
    updated_at: datetime


def new_member_row(data: MemberInput, stamp: datetime,
                   lifecycle: Lifecycle | None = None, *, uuid: str | None = None,
                   cleaned: bool = False) -> dict[str, Any]:
    """The member table row of a new member (``uuid``: one of new_uuids(), else a new one;
    ``cleaned`` as for stored_values)."""
    row = stored_values(data, cleaned=cleaned)
    row["uuid"] = lifecycle.uuid if lifecycle else uuid or str(uuids.uuid4())
    row["cell_id"] = data.cell_id
    row["status"] = lifecycle.status if lifecycle else MemberStatus.ACTIVE.value
    row["closed_date"] = lifecycle.closed_date if lifecycle else None
    row["excused"] = data.excused
    row["excused_reason"] = (
        (_kept if cleaned else clean)(data.excused_reason) if data.excused else "")
    row["receipt_code"] = row["receipt_date"] = None
    row["archived"] = False
    row["created_at"] = lifecycle.created_at if lifecycle else stamp
    row["updated_at"] = lifecycle.updated_at if lifecycle else stamp
    return row


# a version 4 UUID from 128 random bits: the version and variant bits set, as uuid.uuid4()
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)


def new_uuids(count: int) -> list[str]:
    """``count`` new random (version 4) UUIDs as text, in ascending order: one read of the
    system's random source for all of them (uuid.uuid4() costs 4 µs each), and members inserted
    in this order grow the unique uuid index at its end instead of all over it (a quarter of
    the time SQLite takes to insert 100,000 members)."""
    raw = os.urandom(16 * count)
    found: list[str] = []
    for start in range(0, 16 * count, 16):
        text = f"{int.from_bytes(raw[start:start + 16]) & _UUID_CLEAR | _UUID_SET:032x}"
        found.append(f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}")
    found.sort()
    return found


# the version starts at the column's default (1)
MEMBER_COLUMNS = tuple(c.name for c in Base.metadata.tables["member"].columns
                       if c.name not in ("id", "version"))
CHUNK = 500  # new members per insert statement; the caller hears after each chunk


def insert_member_rows(session: Session, rows: Sequence[dict[str, Any]],
                       chunk_done: Callable[[int], None] | None = None) -> dict[str, int]:
    """Insert member rows (new_member_row) in bulk, in the caller's transaction; their ids by
    uuid, as the inserts returned them.  ``chunk_done(rows so far)`` after every chunk (it may
    raise to stop: the transaction then rolls back)."""
    ids: dict[str, int] = {}
    for found in _insert_chunks(session, len(rows), lambda start: rows[start:start + CHUNK],
                                chunk_done):
        ids.update(found)
    return ids


def _insert_chunks(session: Session, total: int,
                   chunk_at: Callable[[int], Sequence[dict[str, Any]]],
                   chunk_done: Callable[[int], None] | None) -> Iterator[dict[str, int]]:
    """Insert ``total`` rows chunk by chunk (``chunk_at(start)`` makes each, so that a big
    import never holds all its rows at once) inside the store's bulk-insert switch; yields the
    ids of each chunk by uuid."""
    store = store_of(session)
    inserter = store.inserter(session, Base.metadata.tables["member"], MEMBER_COLUMNS)
    with store.bulk_members(session, total) as inserted:
        for start in range(0, total, CHUNK):
            found = inserter.insert_keyed(chunk_at(start), "uuid")
            inserted(list(found.values()))
            yield found
            if chunk_done is not None:
                chunk_done(min(start + CHUNK, total))


def derive_new_rows(session: Session, member_ids: Sequence[int], today: date, reason: str,
                    stamp: datetime, user: str) -> None:
    """The rows every new member starts with, each table in one INSERT ... SELECT per run of
    ids: the active status from the day received (or today), the cell from that day, the excused
    period when excused, and the "create" line of the change history."""
    start_day = func.coalesce(Member.received_date, literal(today, Date))
    for low, high in id_ranges(member_ids):
        new = Member.id.between(low, high)
        session.execute(insert(MemberStatusChange).from_select(
            ["member_id", "status", "date", "reason", "created_at"],
            select(Member.id, literal(MemberStatus.ACTIVE.value, String), start_day,
                   literal(reason, String), literal(stamp, DateTime)).where(new)))
        session.execute(insert(CellAssignment).from_select(
            ["member_id", "cell_id", "start_date", "end_date"],
            select(Member.id, Member.cell_id, start_day, literal(None, Date))
            .where(new, Member.cell_id.is_not(None))))
        session.execute(insert(ExcusedPeriod).from_select(
            ["member_id", "start_date", "end_date", "reason"],
            select(Member.id, start_day, literal(None, Date), Member.excused_reason)
            .where(new, Member.excused.is_(True))))
        session.execute(insert(ChangeLog).from_select(
            ["at", "user", "entity", "entity_id", "action", "field", "old_value", "new_value"],
            select(literal(stamp, DateTime), literal(user, String), literal("member", String),
                   Member.id, literal("create", String), literal("", String),
                   literal("", String), literal("", String)).where(new)))


def create_members(session: Session, inputs: Sequence[MemberInput], *, today: date,
                   reason: str, validated: bool = False, cleaned: bool = False,
                   places: Sequence[tuple[int | None, int | None]] | None = None,
                   chunk_done: Callable[[int], None] | None = None) -> list[int]:
    """Register new members in the caller's transaction; their ids, in the order given.

    ``places``: (cell, workplace organisation) of each input, in place of the input's own (an
    import learns them while writing: the cells and organisations it creates).
    ``validated``: the caller has checked every input against the rules and the identifiers
    already stored, in this transaction (an import plans inside it); otherwise that is done
    here: card numbers and citizen IDs already stored, or given twice, are refused
    (RegisterError) before the database has to.  ``cleaned``: every text of the inputs has been
    through the cleaning rule already (stored_values)."""
    if not validated:
        for data in inputs:
            _guard(data, today)
        ensure_unique(session, inputs)
    stamp = now()
    keys = new_uuids(len(inputs))

    def chunk_at(start: int) -> list[dict[str, Any]]:
        end = start + CHUNK
        rows = [new_member_row(data, stamp, uuid=key, cleaned=cleaned)
                for data, key in zip(inputs[start:end], keys[start:end], strict=True)]
        if places is not None:
            for row, (cell_id, org_id) in zip(rows, places[start:end], strict=True):
                row["cell_id"], row["workplace_org_id"] = cell_id, org_id
        return rows

    ids: dict[str, int] = {}
    try:
        for found in _insert_chunks(session, len(inputs), chunk_at, chunk_done):
            ids.update(found)
    except IntegrityError as exc:
        raise RegisterError(_UNIQUE_REFUSAL) from exc
    ordered = [ids[key] for key in keys]
    derive_new_rows(session, ordered, today, reason, stamp, current_user())
    return ordered


_UNIQUE_REFUSAL = ("Số thẻ đảng viên hoặc số CCCD này đã có ở một đảng viên khác trong sổ (có thể "
                   "vừa được thêm ở chương trình khác); chưa ghi gì.")
_IDENTIFIERS = (("card_number", "số thẻ đảng viên"), ("citizen_id", "số CCCD"))


def ensure_unique(session: Session, inputs: Sequence[MemberInput],
                  exclude_ids: Sequence[int | None] | None = None) -> None:
    """RegisterError naming the member who already has a card number or citizen ID being
    saved (``exclude_ids``: the member each input edits, None for a new one)."""
    for column, label in _IDENTIFIERS:
        given: dict[str, int] = {}
        for index, data in enumerate(inputs):
            value = digits_only(getattr(data, column))
            if not value:
                continue
            if value in given:
                raise RegisterError(f"Trùng {label} {value} giữa hai đảng viên đang lưu.")
            given[value] = index
        values = list(given)
        for start in range(0, len(values), CHUNK):
            part = values[start:start + CHUNK]
            for member_id, value, name, birth, year in session.execute(
                    select(Member.id, getattr(Member, column), Member.full_name,
                           Member.birth_date, Member.birth_year)
                    .where(getattr(Member, column).in_(part))):
                editing = exclude_ids[given[value]] if exclude_ids is not None else None
                if member_id != editing:
                    raise RegisterError(
                        f"{label.capitalize()} {value} đã có ở đảng viên {name} (sinh "
                        f"{format_birth(birth, year)}, mã {member_id}); không lưu trùng. Hãy "
                        "mở đảng viên đó để xem.")


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
    on = today or clock.today()
    _guard(data, on)  # before the write transaction: a refused form waits for nobody
    with factory.begin() as session:
        return create_members(session, [data], today=on, reason="Tiếp nhận giấy giới thiệu")[0]


def _load(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise RegisterError("Không tìm thấy đảng viên này (có thể đã bị thay đổi ở nơi khác).")
    return member


def _stale_member(session: Session, member: Member) -> StaleRecord:
    by, at = last_change(session, "member", member.id)
    return StaleRecord(f"hồ sơ đảng viên {member.full_name}", input_of(member), member.version,
                       by=by, at=at)


def _stale_member_now(factory: sessionmaker[Session], member_id: int) -> StaleRecord:
    with factory() as session:
        return _stale_member(session, _load(session, member_id))


def update_member(factory: sessionmaker[Session], member_id: int, data: MemberInput,
                  today: date | None = None, *, version: int | None = None) -> None:
    """Save an edited member; a new cell or excused state is dated today.  ``version``: the
    one the form read (``member_edit``); StaleRecord, with the member as stored now, when
    someone else saved the member since."""
    _guard(data, today)
    on = today or clock.today()
    try:
        with refuse_stale(lambda: _stale_member_now(factory, member_id)), \
                factory.begin() as session:
            member = _load(session, member_id)
            ensure_current(session, member.version, version,
                           lambda s: _stale_member(s, member))
            ensure_unique(session, [data], [member_id])
            apply_input(member, data)
            if data.cell_id != member.cell_id:
                move_cell_in(session, member, data.cell_id, on)
            if data.excused != member.excused or (
                    data.excused and clean(data.excused_reason) != member.excused_reason):
                set_excused_in(session, member, data.excused, clean(data.excused_reason), on)
    except IntegrityError as exc:  # another program stored the same number meanwhile
        raise RegisterError(_UNIQUE_REFUSAL) from exc


def move_cell_in(session: Session, member: Member, cell_id: int | None, on: date) -> None:
    """move_cell() inside the caller's transaction."""
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
        move_cell_in(session, member, cell_id, on)


def set_excused_in(session: Session, member: Member, excused: bool, reason: str, on: date) -> None:
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
        set_excused_in(session, _load(session, member_id), excused, reason, on)


def change_status(factory: sessionmaker[Session], member_id: int, status: str, on: date,
                  reason: str = "", today: date | None = None) -> None:
    """A dated status change: moved away, transferred, returned on retirement, deceased, or
    active again. The earlier history stays.  Not checked against a version: a status is a
    dated event added to the history, not a value written over someone else's (the rules
    below refuse the same status twice and a date before the last change)."""
    with refuse_stale(lambda: _stale_member_now(factory, member_id)), \
            factory.begin() as session:
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
            move_cell_in(session, member, member.cell_id, on)
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


def input_of(m: Member) -> MemberInput:
    """A stored member as input (what the form edits, what an import's update merges into)."""
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


def member_input(factory: sessionmaker[Session], member_id: int) -> MemberInput:
    """The stored member as dialog input."""
    return member_edit(factory, member_id).value


def member_edit(factory: sessionmaker[Session], member_id: int) -> Read[MemberInput]:
    """The stored member as the edit form reads it: its values and their version."""
    with factory() as session:
        member = _load(session, member_id)
        return Read(input_of(member), member.version)
