"""Importing members from a list: plan every row first (new / update / rejected with every reason),
then apply the accepted rows in one transaction, all or none.

The field rules are models.register.rules.validate_member; a card number matching a member updates
that member (through the ORM, so the change history records it); new members are inserted in bulk
(Core) and their dated status rows, cell rows and "create" history lines are derived from them in
one statement each.  Every import is recorded (models.store.entities.ImportRecord) with the members
it created and, for the ones it updated, the values it replaced, so that it can be undone
(models.importing.records).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, String, func, insert, literal, select
from sqlalchemy.orm import Session, sessionmaker

from models import clock, testhooks
from models.catalogues.matching import cell_key, org_key
from models.chunks import chunked
from models.dates import DateError, format_birth
from models.importing.read import (
    CellValue,
    ImportFileError,
    RawTable,
    cell_birth,
    cell_date,
    cell_sex,
    cell_text,
    is_blank,
    number_text,
    read_table,
)
from models.register.rules import MemberInput, validate_member
from models.store.db import bulk_member_insert
from models.store.entities import (
    Attendance,
    Base,
    Cell,
    CellAssignment,
    ChangeLog,
    CommentSheet,
    ImportRecord,
    ImportRecordMember,
    Issuer,
    Member,
    MemberStatus,
    MemberStatusChange,
    Sex,
    Ward,
    WorkplaceOrg,
    now,
)
from models.store.history import current_user
from models.text.vntext import clean_name, fold, sort_key

__all__ = [
    "ImportCancelled",
    "ImportFileError",
    "ImportPlan",
    "ImportResult",
    "RowPlan",
    "apply_import",
    "plan_import",
    "read_table",
]

Progress = Callable[[int, int], None]
BATCH = 500  # rows per insert statement; the test hook and the progress report follow each chunk
FIELD_LABELS = {
    "full_name": "Họ và tên", "birth": "Ngày sinh", "sex": "Giới tính",
    "card_number": "Số thẻ", "citizen_id": "Số CCCD", "phone": "Điện thoại",
    "join_date": "Ngày vào Đảng", "official_date": "Ngày chính thức",
    "received_date": "Ngày tiếp nhận", "party_file_number": "Số lý lịch",
}


class ImportCancelled(Exception):
    """The user cancelled the import; nothing was written."""


@dataclass
class RowPlan:
    """What the import will do with one row of the file."""

    row_number: int  # as the user sees it in the spreadsheet (1-based)
    values: list[CellValue]
    action: str  # "new" / "update" / "rejected"
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # accepted with a remark (year-only birth)
    data: MemberInput | None = None
    member_id: int | None = None  # the member updated
    cell_key: str = ""
    org_key: str = ""
    name_key: str = ""


@dataclass
class ImportPlan:
    table: RawTable
    rows: list[RowPlan]
    new_cells: dict[str, str]  # folded key -> name to create
    new_orgs: dict[str, str]
    cell_ids: dict[str, int]  # folded key -> existing id
    org_ids: dict[str, int]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def rejected(self) -> list[RowPlan]:
        return [r for r in self.rows if r.action == "rejected"]

    def summary(self) -> dict[str, object]:
        return {
            "imported": self.count("new"), "updated": self.count("update"),
            "rejected": self.count("rejected"), "rows": len(self.rows),
            "header_row": self.table.header_row + 1,
            "ignored_columns": self.table.ignored,
            "new_cells": list(self.new_cells.values()),
            "new_orgs": list(self.new_orgs.values()),
            "year_only_births": sum(1 for r in self.rows if r.notes and r.action != "rejected"),
            "legacy_columns": self.table.legacy_columns,
        }


@dataclass(frozen=True)
class ImportResult:
    imported: int
    updated: int
    rejected: int
    new_cells: list[str]
    new_orgs: list[str]
    record_id: int | None = None  # the ImportRecord written


# --- cell values --------------------------------------------------------------------------------

# --- planning -----------------------------------------------------------------------------------

@dataclass
class _Existing:
    cards: dict[str, int] = field(default_factory=dict)
    by_name: dict[tuple[str, int], list[tuple[int, str, date | None]]] = field(
        default_factory=dict)
    cell_ids: dict[str, int] = field(default_factory=dict)
    org_ids: dict[str, int] = field(default_factory=dict)


def _load_existing(factory: sessionmaker[Session] | None) -> _Existing:
    found = _Existing()
    if factory is None:
        return found
    with factory() as session:
        for member_id, card, name_key, year, full_name, birth in session.execute(
                select(Member.id, Member.card_number, Member.name_key, Member.birth_year,
                       Member.full_name, Member.birth_date)):
            if card:
                found.cards.setdefault(card, member_id)
            found.by_name.setdefault((name_key, year), []).append((member_id, full_name, birth))
        for cell_id, name, area in session.execute(
                select(Cell.id, Cell.name, Cell.area).order_by(Cell.id)):
            found.cell_ids.setdefault(cell_key(name), cell_id)
            if area:
                found.cell_ids.setdefault(cell_key(area), cell_id)
        for org_id, name in session.execute(
                select(WorkplaceOrg.id, WorkplaceOrg.name).order_by(WorkplaceOrg.id)):
            found.org_ids.setdefault(org_key(name), org_id)
    return found


def _same_birth(a: date | None, b: date | None) -> bool:
    # a year-only birth matches any date of that year: the user decides
    return a is None or b is None or a == b


_TEXT_FIELDS = ("employer_unit", "job_title", "address", "notes", "ethnicity")
_DATE_FIELDS = ("join_date", "official_date", "received_date")


def _read_row(table: RawTable, row: list[CellValue], plan: RowPlan,
              failed: set[str]) -> dict[str, object]:
    """Field values of one row; the problems go to plan.reasons, their fields to failed."""
    width = len(row)
    cells = {name: row[col] for name, col in table.columns.items() if col < width}
    get = cells.get
    values: dict[str, object] = {}
    values["full_name"] = clean_name(cell_text(get("full_name")))
    birth_value = get("birth")
    sex = cell_sex(get("sex")) if "sex" in cells else None
    if table.sex_columns is not None:
        male, female = (row[c] if c < width else None for c in table.sex_columns)
        if not is_blank(male) and not is_blank(female):
            plan.reasons.append("Ghi ngày sinh ở cả cột Nam và cột Nữ.")
            failed.update(("birth", "sex"))
        elif not is_blank(male) or not is_blank(female):
            birth_value = male if not is_blank(male) else female
            sex = Sex.MALE if not is_blank(male) else Sex.FEMALE
    if sex is None and not is_blank(get("sex")):
        plan.reasons.append(f"Giới tính «{cell_text(get('sex'))}» không rõ (ghi Nam hoặc Nữ).")
        failed.add("sex")
    values["sex"] = sex or ""
    try:
        birth = cell_birth(birth_value)
    except DateError as exc:
        plan.reasons.append(f"Ngày sinh: {exc}")
        failed.add("birth")
        birth = None
    if birth is not None:
        values["birth_date"], values["birth_year"] = birth.exact, (
            None if birth.exact else birth.year)
        if birth.year_only:
            plan.notes.append("Chỉ có năm sinh.")
    for name in _DATE_FIELDS:
        value = get(name)
        if value is None:
            continue
        try:
            values[name] = cell_date(value)
        except DateError as exc:
            plan.reasons.append(f"{FIELD_LABELS[name]}: {exc}")
            failed.add(name)
    values["card_number"] = number_text(get("card_number"), 8)
    values["citizen_id"] = number_text(get("citizen_id"), 12)
    phone_cell = get("phone")
    phone = number_text(phone_cell, 0)
    if isinstance(phone_cell, int | float) and len(phone) == 9:
        phone = "0" + phone  # Excel dropped the leading 0
    values["phone"] = phone
    for name in _TEXT_FIELDS:
        values[name] = cell_text(get(name))
    if not values["ethnicity"]:
        values["ethnicity"] = "Kinh"
    status = cell_text(get("status"))
    if status and _fold(status) not in _ACTIVE_WORDS:
        # a list exported from the register holds the members who left too: they must not
        # come back as active members; their dated change is recorded by hand
        plan.reasons.append(f"Trạng thái «{status}»: chỉ nhập đảng viên đang sinh hoạt; người "
                            "đã chuyển đi, từ trần… hãy nhập rồi ghi «Đổi trạng thái» có ngày.")
        failed.add("status")
    plan.cell_key = _cell_key(cell_text(get("cell")))
    plan.org_key = _org_key(cell_text(get("workplace_org")))
    return values


# cells and organisations repeat on every row: key each spelling once; the keys match names as a
# person would (models.catalogues.matching: "Than Uông Bí" is "Đảng ủy Công ty Than Uông Bí")
_fold = lru_cache(maxsize=1 << 12)(fold)
_org_key = lru_cache(maxsize=1 << 12)(org_key)
_ACTIVE_WORDS = frozenset(("dang sinh hoat", "sinh hoat", "dang theo doi"))


def _cell_text(text: str) -> str:
    """A number alone under "Khu"/"Chi bộ" is the area: "5" -> "Khu 5"."""
    return f"Khu {text}" if text.isdigit() else text


@lru_cache(maxsize=1 << 12)
def _cell_key(text: str) -> str:
    return cell_key(_cell_text(text))


def _cell_name(text: str) -> str:
    """'Khu 7' -> 'Chi bộ khu 7'; 'Chi bộ khu 7' stays."""
    if fold(text).startswith("chi bo"):
        return text
    return f"Chi bộ {text[:1].lower()}{text[1:]}"


def plan_import(factory: sessionmaker[Session] | None, table: RawTable,
                today: date | None = None) -> ImportPlan:
    """What importing the table would do, row by row (nothing is written).

    ``factory`` None plans against an empty register (a dry run without a database file)."""
    today = today or clock.today()
    existing = _load_existing(factory)
    plans: list[RowPlan] = []
    seen_cards: dict[str, int] = {}
    seen_names: dict[tuple[str, int], list[tuple[int, str, date | None]]] = {}
    new_cells: dict[str, str] = {}
    new_orgs: dict[str, str] = {}
    cell_names: dict[str, str] = {}
    org_names: dict[str, str] = {}
    updates: dict[int, RowPlan] = {}
    for number, row in table.data_rows():
        if all(is_blank(v) for v in row):
            continue
        plan = RowPlan(row_number=number, values=row, action="new")
        failed: set[str] = set()
        values = _read_row(table, row, plan, failed)
        data = MemberInput(**values)  # type: ignore[arg-type]
        card = data.card_number  # digits only already (number_text)
        if card not in existing.cards or card in seen_cards:
            # an update is checked once merged with what is stored (_merge_updates)
            errors = validate_member(data, today)
            plan.reasons.extend(e for f, e in errors.items() if f not in failed)
        name_key = plan.name_key = fold(data.full_name)
        year = data.birth_date.year if data.birth_date else data.birth_year
        if card:
            if card in seen_cards:
                plan.reasons.append(f"Trùng số thẻ {card} với dòng {seen_cards[card]} của tệp.")
            else:
                seen_cards[card] = number
                if card in existing.cards:
                    plan.member_id = existing.cards[card]
        elif name_key and year:
            for member_id, full_name, birth in existing.by_name.get((name_key, year), []):
                if _same_birth(birth, data.birth_date):
                    plan.reasons.append(
                        f"Có thể trùng với đảng viên đã có: {full_name} "
                        f"({format_birth(birth, year)}), mã {member_id}.")
                    break
            for earlier, full_name, birth in seen_names.get((name_key, year), []):
                if _same_birth(birth, data.birth_date):
                    plan.reasons.append(
                        f"Có thể trùng với dòng {earlier} của tệp: {full_name} "
                        f"({format_birth(birth, year)}).")
                    break
        if name_key and year:
            seen_names.setdefault((name_key, year), []).append(
                (number, data.full_name, data.birth_date))
        if plan.reasons:
            plan.action = "rejected"
        else:
            plan.data = data
            if plan.member_id is not None:
                plan.action = "update"
                updates[plan.member_id] = plan
        plans.append(plan)
    if updates and factory is not None:
        _merge_updates(factory, table, updates, today)
    for plan in plans:
        if plan.action != "rejected":
            if plan.cell_key:
                cell_names.setdefault(plan.cell_key, _cell_text(cell_text(
                    plan.values[table.columns["cell"]])))
            if plan.org_key:
                org_names.setdefault(plan.org_key,
                                     cell_text(plan.values[table.columns["workplace_org"]]))
    alias: dict[str, str] = {}  # "khu 9" -> "chi bo khu 9": one new cell for both spellings
    for key, text in cell_names.items():
        if key not in existing.cell_ids:
            name = _cell_name(text)
            if fold(name) in existing.cell_ids:
                existing.cell_ids[key] = existing.cell_ids[fold(name)]
            else:
                alias[key] = fold(name)
                new_cells.setdefault(fold(name), name)
    for plan in plans:
        plan.cell_key = alias.get(plan.cell_key, plan.cell_key)
    for key, text in org_names.items():
        if key not in existing.org_ids:
            new_orgs[key] = text
    return ImportPlan(table=table, rows=plans, new_cells=new_cells, new_orgs=new_orgs,
                      cell_ids=existing.cell_ids, org_ids=existing.org_ids)


# Fields an update takes from the file when its cell is not blank; the rest stay as stored.
_FILE_FIELDS = {
    "full_name": ("full_name",), "birth": ("birth_date", "birth_year"), "sex": ("sex",),
    "join_date": ("join_date",), "official_date": ("official_date",),
    "received_date": ("received_date",), "citizen_id": ("citizen_id",), "phone": ("phone",),
    "employer_unit": ("employer_unit",), "job_title": ("job_title",),
    "address": ("address",), "notes": ("notes",), "ethnicity": ("ethnicity",),
}


def _stored_inputs(factory: sessionmaker[Session], ids: list[int]) -> dict[int, MemberInput]:
    """The stored members as MemberInput (as models.register.service.member_input), in few
    queries."""
    found: dict[int, MemberInput] = {}
    with factory() as session:
        for chunk in chunked(ids):
            for m in session.scalars(select(Member).where(Member.id.in_(chunk))):
                found[m.id] = MemberInput(
                    full_name=m.full_name, sex=m.sex, birth_date=m.birth_date,
                    birth_year=None if m.birth_date else m.birth_year, ethnicity=m.ethnicity,
                    citizen_id=m.citizen_id or "", phone=m.phone or "",
                    card_number=m.card_number or "",
                    party_file_number=m.party_file_number or "", join_date=m.join_date,
                    official_date=m.official_date, workplace_org_id=m.workplace_org_id,
                    workplace_cell=m.workplace_cell, employer_unit=m.employer_unit,
                    job_title=m.job_title, address=m.address, cell_id=m.cell_id,
                    letter_number=m.letter_number, letter_date=m.letter_date,
                    letter_issuer=m.letter_issuer, received_date=m.received_date,
                    excused=m.excused, excused_reason=m.excused_reason, notes=m.notes)
    return found


def _merge_updates(factory: sessionmaker[Session], table: RawTable,
                   updates: dict[int, RowPlan], today: date) -> None:
    """An update keeps what the file leaves blank; the merged record is checked again."""
    stored_inputs = _stored_inputs(factory, list(updates))
    for member_id, plan in updates.items():
        assert plan.data is not None
        stored = stored_inputs[member_id]
        changes: dict[str, object] = {"card_number": plan.data.card_number}
        for column, names in _FILE_FIELDS.items():
            col = table.columns.get(column)
            if table.sex_columns is not None and column in ("birth", "sex"):
                # the Nam/Nữ layout: the sex is given only by a filled birth cell
                given = any(not is_blank(plan.values[c]) for c in table.sex_columns
                            if c < len(plan.values))
            else:
                given = col is not None and col < len(plan.values) and \
                    not is_blank(plan.values[col])
            if given:
                for name in names:
                    changes[name] = getattr(plan.data, name)
        errors = {}
        known = stored.birth_date
        if "birth_date" in changes and changes["birth_date"] is None and known is not None:
            # a year alone never erases a full birth date the register already has
            if changes.get("birth_year") == known.year:
                changes["birth_date"], changes["birth_year"] = known, stored.birth_year
            else:
                errors["birth"] = (f"Năm sinh {changes.get('birth_year')} khác ngày sinh đã có "
                                   f"trong sổ ({known:%d/%m/%Y}); hãy sửa trong sổ nếu cần.")
        merged = replace(stored, **changes)  # type: ignore[arg-type]
        errors |= validate_member(merged, today)
        if errors:
            plan.action = "rejected"
            plan.reasons.extend(f"Khi cập nhật đảng viên có số thẻ này: {e}"
                                for e in errors.values())
            plan.data = None
        else:
            plan.data = merged


# --- applying -----------------------------------------------------------------------------------

def _create_cells(session: Session, names: dict[str, str]) -> dict[str, int]:
    from models.catalogues.ward import CellInput, add_cell

    ids: dict[str, int] = {}
    ward = session.scalars(select(Ward)).first()
    position = session.scalar(select(func.max(Cell.position))) or 0
    for key, name in names.items():
        position += 1
        if ward is not None:
            cell = add_cell(session, ward, CellInput(name=name), position, date(2000, 1, 1))
        else:  # the ward is not set up yet: the issuer gets its header lines at set-up
            cell = Cell(name=name, name_key=fold(name), position=position)
            session.add(cell)
            session.flush()
            session.add(Issuer(cell_id=cell.id))
        ids[key] = cell.id
    return ids


def _create_orgs(session: Session, names: dict[str, str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for key, name in names.items():
        org = WorkplaceOrg(name=name, name_key=fold(name))
        session.add(org)
        session.flush()
        ids[key] = org.id
    return ids


_ACTIVE = MemberStatus.ACTIVE.value


_MEMBER_COLUMNS = (
    "uuid", "full_name", "name_key", "sort_key", "sex", "birth_date", "birth_year", "ethnicity",
    "citizen_id", "phone", "card_number", "party_file_number", "join_date", "official_date",
    "workplace_org_id", "workplace_cell", "employer_unit", "job_title", "address", "cell_id",
    "letter_number", "letter_date", "letter_issuer", "received_date", "receipt_code",
    "closed_date", "status", "excused", "excused_reason", "notes", "archived", "created_at",
    "updated_at",
)


def _member_row(data: MemberInput, name_key: str, cell_id: int | None, org_id: int | None,
                stamp: datetime) -> list[object]:
    """The member table row of a new member (values in _MEMBER_COLUMNS order); the planned input
    is already cleaned."""
    name = data.full_name
    return [
        str(uuid.uuid4()), name, name_key or fold(name), sort_key(name), str(data.sex),
        data.birth_date,
        data.birth_date.year if data.birth_date else int(data.birth_year or 0),
        data.ethnicity or "Kinh", data.citizen_id or None, data.phone or None,
        data.card_number or None, None, data.join_date, data.official_date, org_id, "",
        data.employer_unit, data.job_title, data.address, cell_id, "", None, "",
        data.received_date, None, None, _ACTIVE, False, "", data.notes, False, stamp, stamp,
    ]


class _MemberInsert:
    """Inserting member rows given as value lists.  The statement is compiled once by the
    session's dialect and, when the driver takes positional parameters in that column order, the
    values go through the columns' own bind processors straight to the driver's executemany:
    the same SQL and stored values as session.execute(insert(...), dicts), without building and
    walking 33 dictionary entries per row.  Other drivers get exactly that path."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.table = Base.metadata.tables["member"]
        connection = session.connection()
        dialect = connection.dialect
        compiled = insert(self.table).compile(dialect=dialect, column_keys=list(_MEMBER_COLUMNS))
        order = compiled.positiontup
        self.fast = order is not None and tuple(order) == _MEMBER_COLUMNS
        self.sql = str(compiled)
        self.processors: list[tuple[int, Callable[[Any], Any]]] = []
        for index, name in enumerate(_MEMBER_COLUMNS):
            column_type = self.table.c[name].type
            processor = column_type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self.processors.append((index, processor))

    def execute(self, rows: list[list[object]]) -> None:
        if not self.fast:
            self.session.execute(insert(self.table), [dict(zip(_MEMBER_COLUMNS, row, strict=True))
                                                      for row in rows])
            return
        processors = self.processors
        for row in rows:
            for index, processor in processors:
                value = row[index]
                if value is not None:
                    row[index] = processor(value)
        self.session.connection().exec_driver_sql(self.sql, [tuple(row) for row in rows])


# The member fields an update may change (models.register.service._apply), kept so an undo
# restores them.
UNDO_FIELDS = (
    "full_name", "name_key", "sort_key", "sex", "birth_date", "birth_year", "ethnicity",
    "citizen_id", "phone", "card_number", "party_file_number", "join_date", "official_date",
    "workplace_org_id", "workplace_cell", "employer_unit", "job_title", "address",
    "letter_number", "letter_date", "letter_issuer", "received_date", "notes", "cell_id",
)


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _derive_new_rows(session: Session, before: int, record_id: int, today: date,
                     stamp: datetime, user: str) -> None:
    """The status, cell, history and import-record rows of the members just inserted (ids above
    ``before``), each table in one INSERT ... SELECT instead of one parameter set per member."""
    new = Member.id > before
    start_day = func.coalesce(Member.received_date, literal(today, Date))
    session.execute(insert(MemberStatusChange).from_select(
        ["member_id", "status", "date", "reason", "created_at"],
        select(Member.id, literal(_ACTIVE, String), start_day,
               literal("Nhập từ danh sách", String), literal(stamp, DateTime)).where(new)))
    session.execute(insert(CellAssignment).from_select(
        ["member_id", "cell_id", "start_date", "end_date"],
        select(Member.id, Member.cell_id, start_day, literal(None, Date))
        .where(new, Member.cell_id.is_not(None))))
    session.execute(insert(ChangeLog).from_select(
        ["at", "user", "entity", "entity_id", "action", "field", "old_value", "new_value"],
        select(literal(stamp, DateTime), literal(user, String), literal("member", String),
               Member.id, literal("create", String), literal("", String), literal("", String),
               literal("", String)).where(new)))
    session.execute(insert(ImportRecordMember).from_select(
        ["import_record_id", "member_id", "action", "old_values"],
        select(literal(record_id), Member.id, literal("create", String),
               literal("", String)).where(new)))


def apply_import(factory: sessionmaker[Session], plan: ImportPlan,
                 progress: Progress | None = None,
                 cancelled: Callable[[], bool] | None = None,
                 today: date | None = None, file_name: str | None = None) -> ImportResult:
    """Write the accepted rows of the plan in one transaction, recorded as one ImportRecord: all
    of them or, on any error or a cancel (ImportCancelled), none."""
    from models.register.service import _apply, _move_cell

    today = today or clock.today()
    report = progress or (lambda _done, _total: None)
    stop = cancelled or (lambda: False)
    new_rows = [r for r in plan.rows if r.action == "new"]
    update_rows = [r for r in plan.rows if r.action == "update"]
    total = len(new_rows) + len(update_rows)
    done = 0
    stamp = now()
    user = current_user()
    with factory.begin() as session:
        record = ImportRecord(
            file_name=(file_name or plan.table.path.name)[:300], at=stamp, user=user,
            imported=len(new_rows), updated=len(update_rows), rejected=plan.count("rejected"),
            legacy_columns=", ".join(plan.table.legacy_columns)[:500])
        session.add(record)
        cell_ids = dict(plan.cell_ids)
        org_ids = dict(plan.org_ids)
        cell_ids.update(_create_cells(session, plan.new_cells))
        org_ids.update(_create_orgs(session, plan.new_orgs))
        session.flush()
        report(done, total)
        before = session.scalar(select(func.max(Member.id))) or 0
        inserter = _MemberInsert(session)
        with bulk_member_insert(session, len(new_rows)):
            for start in range(0, len(new_rows), BATCH):
                if stop():
                    raise ImportCancelled
                chunk = []
                for r in new_rows[start:start + BATCH]:
                    assert r.data is not None
                    chunk.append(_member_row(
                        r.data, r.name_key, cell_ids.get(r.cell_key) if r.cell_key else None,
                        org_ids.get(r.org_key) if r.org_key else None, stamp))
                inserter.execute(chunk)
                done += len(chunk)
                testhooks.rows_written("import", done)
                report(done, total)
        if new_rows:
            _derive_new_rows(session, before, record.id, today, stamp, user)
        update_ids = [r.member_id for r in update_rows if r.member_id is not None]
        loaded: dict[int, Member] = {}
        for part in chunked(update_ids):  # a few queries instead of one per member
            loaded.update((m.id, m) for m in session.scalars(
                select(Member).where(Member.id.in_(part))))
        for r in update_rows:
            if stop():
                raise ImportCancelled
            assert r.data is not None and r.member_id is not None
            member = loaded.get(r.member_id)
            if member is None:
                raise ImportFileError("Một đảng viên cần cập nhật vừa bị thay đổi ở nơi khác.")
            old = {name: getattr(member, name) for name in UNDO_FIELDS}
            _apply(member, replace(r.data, workplace_org_id=(
                org_ids[r.org_key] if r.org_key else member.workplace_org_id)))
            cell_id = cell_ids[r.cell_key] if r.cell_key else member.cell_id
            closed: list[int] = []
            if cell_id != member.cell_id:
                closed = list(session.scalars(select(CellAssignment.id).where(
                    CellAssignment.member_id == member.id, CellAssignment.end_date.is_(None))))
                _move_cell(session, member, cell_id, today)
            changed = {name: _json_value(value) for name, value in old.items()
                       if getattr(member, name) != value}
            session.add(ImportRecordMember(
                import_record_id=record.id, member_id=member.id, action="update",
                old_values=json.dumps({"fields": changed, "closed_assignments": closed},
                                      ensure_ascii=False) if changed or closed else ""))
            done += 1
            if done % BATCH == 0:
                session.flush()
                testhooks.rows_written("import", done)
                report(done, total)
        if stop():
            raise ImportCancelled
        session.flush()
        record.last_change_id = session.scalar(select(func.max(ChangeLog.id))) or 0
        record.last_attendance_id = session.scalar(select(func.max(Attendance.id))) or 0
        record.last_sheet_id = session.scalar(select(func.max(CommentSheet.id))) or 0
        session.flush()
        record_id = record.id
        report(total, total)
    return ImportResult(imported=len(new_rows), updated=len(update_rows),
                        rejected=plan.count("rejected"), new_cells=list(plan.new_cells.values()),
                        new_orgs=list(plan.new_orgs.values()), record_id=record_id)


def import_file(factory: sessionmaker[Session], path: Path | str) -> ImportResult:
    """read_table + plan_import + apply_import, for callers that need no preview."""
    return apply_import(factory, plan_import(factory, read_table(path)))
