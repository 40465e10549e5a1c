"""Importing members from a list: plan every row first (new / update / rejected with every reason),
then apply the accepted rows in one transaction, all or none.

The rules are the register's (models.register.service): validate_member decides, new members are
written in bulk by create_members (stored values, dated rows and "create" history lines as for a
member typed in the form), and a card number matching a member updates that member through
apply_input (the ORM, so the change history records each field).  The plan is made, or made again
and compared, inside the write transaction, so two imports of one file never make a member twice.
Every import is recorded (models.store.entities.ImportRecord) with the members
it created and, for the ones it updated, the values it replaced, so that it can be undone
(models.importing.records).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, insert, literal, select
from sqlalchemy.orm import Session, sessionmaker

from models import clock, testhooks
from models.catalogues.matching import cell_key, org_key
from models.chunks import chunked, id_ranges
from models.dates import DateError, format_birth
from models.importing.files import MalformedRow
from models.importing.read import (
    CellValue,
    ImportFileError,
    RawTable,
    cell_birth,
    cell_date,
    cell_sex,
    cell_text,
    clean_cell,
    is_blank,
    number_text,
    read_table,
)
from models.register.rules import MemberInput, validate_member
from models.register.service import (
    RegisterError,
    apply_input,
    create_members,
    input_of,
    move_cell_in,
)
from models.store.entities import (
    Attendance,
    Cell,
    CellAssignment,
    ChangeLog,
    CommentSheet,
    ImportRecord,
    ImportRecordMember,
    Issuer,
    Member,
    Sex,
    Ward,
    WorkplaceOrg,
    now,
)
from models.store.history import current_user
from models.text.vntext import clean_name, fold

__all__ = [
    "ImportCancelled",
    "ImportChanged",
    "ImportFileError",
    "ImportPlan",
    "ImportResult",
    "RowPlan",
    "apply_import",
    "import_now",
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


class ImportChanged(ImportFileError):
    """The register changed between the preview and the import; nothing was written."""


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

    def outcome(self) -> tuple[object, ...]:
        """What the register decides about each row: equal outcomes write the same members
        (where cells and organisations go is the user's choice, checked on its own)."""
        return tuple((r.row_number, r.action, r.member_id, r.data, r.cell_key, r.org_key)
                     for r in self.rows)

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
    citizens: dict[str, tuple[int, str]] = field(default_factory=dict)  # id -> (member, name)
    by_name: dict[tuple[str, int], list[tuple[int, str, date | None]]] = field(
        default_factory=dict)
    cell_ids: dict[str, int] = field(default_factory=dict)
    org_ids: dict[str, int] = field(default_factory=dict)


def _load_existing(session: Session | None) -> _Existing:
    found = _Existing()
    if session is None:
        return found
    for member_id, card, citizen, name_key, year, full_name, birth in session.execute(
            select(Member.id, Member.card_number, Member.citizen_id, Member.name_key,
                   Member.birth_year, Member.full_name, Member.birth_date)):
        if card:
            found.cards.setdefault(card, member_id)
        if citizen:
            found.citizens.setdefault(citizen, (member_id, full_name))
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


@dataclass(frozen=True)
class _Layout:
    """Where each field is in the rows of a table, worked out once for all its rows: a field
    the file has no column for is left out (the input keeps its default)."""

    width: int  # the rows are read padded to this width
    name: int | None
    birth: int | None
    sex: int | None
    sex_columns: tuple[int, int] | None
    dates: tuple[tuple[str, int], ...]
    card: int | None
    citizen: int | None
    phone: int | None
    texts: tuple[tuple[str, int], ...]
    status: int | None
    cell: int | None
    org: int | None

    @classmethod
    def of(cls, table: RawTable) -> _Layout:
        columns = table.columns
        used = [*columns.values(), *(table.sex_columns or ())]
        return cls(
            width=max(used, default=-1) + 1, name=columns.get("full_name"),
            birth=columns.get("birth"), sex=columns.get("sex"), sex_columns=table.sex_columns,
            dates=tuple((n, columns[n]) for n in _DATE_FIELDS if n in columns),
            card=columns.get("card_number"), citizen=columns.get("citizen_id"),
            phone=columns.get("phone"),
            texts=tuple((n, columns[n]) for n in _TEXT_FIELDS if n in columns),
            status=columns.get("status"), cell=columns.get("cell"),
            org=columns.get("workplace_org"))


def _text(value: CellValue) -> str:
    """cell_text(), with the common cases first (this runs for every cell of a list)."""
    if value.__class__ is str:
        return clean_cell(value)
    return "" if value is None else cell_text(value)


def _read_row(layout: _Layout, row: list[CellValue], plan: RowPlan,
              failed: set[str]) -> dict[str, object]:
    """Field values of one row; the problems go to plan.reasons, their fields to failed."""
    if len(row) < layout.width:
        row = [*row, *([None] * (layout.width - len(row)))]
    values: dict[str, object] = {}
    values["full_name"] = clean_name(_text(row[layout.name])) if layout.name is not None \
        else ""
    birth_value = row[layout.birth] if layout.birth is not None else None
    sex_value = row[layout.sex] if layout.sex is not None else None
    sex = cell_sex(sex_value) if layout.sex is not None else None
    if layout.sex_columns is not None:
        male, female = (row[c] for c in layout.sex_columns)
        if not is_blank(male) and not is_blank(female):
            plan.reasons.append("Ghi ngày sinh ở cả cột Nam và cột Nữ.")
            failed.update(("birth", "sex"))
        elif not is_blank(male) or not is_blank(female):
            birth_value = male if not is_blank(male) else female
            sex = Sex.MALE if not is_blank(male) else Sex.FEMALE
    if sex is None and not is_blank(sex_value):
        plan.reasons.append(f"Giới tính «{_text(sex_value)}» không rõ (ghi Nam hoặc Nữ).")
        failed.add("sex")
    values["sex"] = sex or ""
    if birth_value.__class__ is date:  # a date cell: the exact birth date
        values["birth_date"], values["birth_year"] = birth_value, None
    else:
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
    for name, col in layout.dates:
        value = row[col]
        if value is None:
            continue
        if value.__class__ is date:
            values[name] = value
            continue
        try:
            values[name] = cell_date(value)
        except DateError as exc:
            plan.reasons.append(f"{FIELD_LABELS[name]}: {exc}")
            failed.add(name)
    if layout.card is not None:
        values["card_number"] = number_text(row[layout.card], 8)
    if layout.citizen is not None:
        values["citizen_id"] = number_text(row[layout.citizen], 12)
    if layout.phone is not None:
        phone_cell = row[layout.phone]
        phone = number_text(phone_cell, 0)
        if isinstance(phone_cell, int | float) and len(phone) == 9:
            phone = "0" + phone  # Excel dropped the leading 0
        values["phone"] = phone
    for name, col in layout.texts:
        values[name] = _text(row[col])
    if not values.get("ethnicity"):
        values["ethnicity"] = "Kinh"
    status = _text(row[layout.status]) if layout.status is not None else ""
    if status and _fold(status) not in _ACTIVE_WORDS:
        # a list exported from the register holds the members who left too: they must not
        # come back as active members; their dated change is recorded by hand
        plan.reasons.append(f"Trạng thái «{status}»: chỉ nhập đảng viên đang sinh hoạt; người "
                            "đã chuyển đi, từ trần… hãy nhập rồi ghi «Đổi trạng thái» có ngày.")
        failed.add("status")
    plan.cell_key = _cell_key(_text(row[layout.cell])) if layout.cell is not None else ""
    plan.org_key = _org_key(_text(row[layout.org])) if layout.org is not None else ""
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
    if factory is None:
        return plan_in(None, table, today)
    with factory() as session:
        return plan_in(session, table, today)


def plan_in(session: Session | None, table: RawTable, today: date | None = None) -> ImportPlan:
    """plan_import() against what ``session`` sees (the write transaction, when importing)."""
    today = today or clock.today()
    existing = _load_existing(session)
    plans: list[RowPlan] = []
    seen_cards: dict[str, int] = {}
    seen_citizens: dict[str, int] = {}
    seen_names: dict[tuple[str, int], list[tuple[int, str, date | None]]] = {}
    new_cells: dict[str, str] = {}
    new_orgs: dict[str, str] = {}
    cell_names: dict[str, str] = {}
    org_names: dict[str, str] = {}
    updates: dict[int, RowPlan] = {}
    layout = _Layout.of(table)
    for number, row in table.data_rows():
        if isinstance(row, MalformedRow):
            plans.append(RowPlan(row_number=number, values=list(row), action="rejected",
                                 reasons=[row.problem]))
            continue
        if all(is_blank(v) for v in row):
            continue
        plan = RowPlan(row_number=number, values=row, action="new")
        failed: set[str] = set()
        values = _read_row(layout, row, plan, failed)
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
        citizen = data.citizen_id
        if citizen:
            if citizen in seen_citizens:
                plan.reasons.append(f"Trùng số CCCD {citizen} với dòng {seen_citizens[citizen]} "
                                    "của tệp.")
            else:
                seen_citizens[citizen] = number
                owner = existing.citizens.get(citizen)
                if owner is not None and owner[0] != plan.member_id:
                    plan.reasons.append(f"Số CCCD {citizen} đã có ở đảng viên {owner[1]} "
                                        f"(mã {owner[0]}).")
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
    if updates and session is not None:
        _merge_updates(session, table, updates, today)
    for plan in plans:  # the first spelling of each cell and organisation names it
        if plan.action != "rejected":
            if plan.cell_key and plan.cell_key not in cell_names:
                cell_names[plan.cell_key] = _cell_text(cell_text(
                    plan.values[table.columns["cell"]]))
            if plan.org_key and plan.org_key not in org_names:
                org_names[plan.org_key] = cell_text(
                    plan.values[table.columns["workplace_org"]])
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


def _stored_inputs(session: Session, ids: list[int]) -> dict[int, MemberInput]:
    """The stored members as MemberInput (as the member form edits them), in few queries."""
    found: dict[int, MemberInput] = {}
    for chunk in chunked(ids):
        with session.no_autoflush:
            for m in session.scalars(select(Member).where(Member.id.in_(chunk))):
                found[m.id] = input_of(m)
    return found


def _merge_updates(session: Session, table: RawTable, updates: dict[int, RowPlan],
                   today: date) -> None:
    """An update keeps what the file leaves blank; the merged record is checked again."""
    stored_inputs = _stored_inputs(session, list(updates))
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
    ward = session.scalars(select(Ward)).first()
    position = session.scalar(select(func.max(Cell.position))) or 0
    if ward is not None:
        from models.catalogues.ward import CellInput, add_cell

        ids: dict[str, int] = {}
        for offset, (key, name) in enumerate(names.items(), start=1):
            ids[key] = add_cell(session, ward, CellInput(name=name), position + offset,
                                date(2000, 1, 1)).id
        return ids
    # the ward is not set up yet: the issuers get their header lines at set-up
    cells = [Cell(name=name, name_key=fold(name), position=position + offset)
             for offset, name in enumerate(names.values(), start=1)]
    session.add_all(cells)
    session.flush()  # one flush for all the new cells: their ids
    session.add_all([Issuer(cell_id=cell.id) for cell in cells])
    return {key: cell.id for key, cell in zip(names, cells, strict=True)}


def _create_orgs(session: Session, names: dict[str, str]) -> dict[str, int]:
    orgs = [WorkplaceOrg(name=name, name_key=fold(name)) for name in names.values()]
    session.add_all(orgs)
    session.flush()
    return {key: org.id for key, org in zip(names, orgs, strict=True)}


# The member fields an update may change (models.register.service.stored_values), kept so an
# undo restores them.
UNDO_FIELDS = (
    "full_name", "name_key", "sort_key", "sex", "birth_date", "birth_year", "ethnicity",
    "citizen_id", "phone", "card_number", "party_file_number", "join_date", "official_date",
    "workplace_org_id", "workplace_cell", "employer_unit", "job_title", "address",
    "letter_number", "letter_date", "letter_issuer", "received_date", "notes", "cell_id",
)
NEW_MEMBER_REASON = "Nhập từ danh sách"


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def apply_import(factory: sessionmaker[Session], plan: ImportPlan,
                 progress: Progress | None = None,
                 cancelled: Callable[[], bool] | None = None,
                 today: date | None = None, file_name: str | None = None) -> ImportResult:
    """Write the accepted rows of the plan the user saw, in one transaction recorded as one
    ImportRecord: all of them or, on any error or a cancel (ImportCancelled), none.  The plan
    is made again inside the write transaction and must come out the same (ImportChanged
    otherwise): another program's import in between can never make a member twice."""
    today = today or clock.today()
    with factory.begin() as session:
        fresh = plan_in(session, plan.table, today)
        if fresh.outcome() != plan.outcome() or not _choices_hold(session, plan, fresh):
            raise ImportChanged(
                "Sổ đã thay đổi từ lúc xem trước (có thể một chương trình khác vừa ghi vào "
                "sổ): chưa nhập gì. Hãy đọc lại tệp để xem trước rồi nhập.")
        return _write(session, plan, progress, cancelled, today, file_name)


def _choices_hold(session: Session, plan: ImportPlan, fresh: ImportPlan) -> bool:
    """The cells and organisations the preview sends rows to still exist, and the ones it
    creates have not been created meanwhile (they would be made twice)."""
    if any(key in fresh.cell_ids for key in plan.new_cells) or any(
            key in fresh.org_ids for key in plan.new_orgs):
        return False
    for model, chosen in ((Cell, plan.cell_ids), (WorkplaceOrg, plan.org_ids)):
        wanted = set(chosen.values())
        found: set[int] = set()
        for part in chunked(sorted(wanted)):
            found.update(session.scalars(select(model.id).where(model.id.in_(part))))
        if found != wanted:
            return False
    return True


def import_now(factory: sessionmaker[Session], table: RawTable, *, today: date | None = None,
               file_name: str | None = None,
               before_write: Callable[[ImportPlan], None] | None = None
               ) -> tuple[ImportPlan, ImportResult]:
    """Plan and write in one write transaction (no preview: the command line); ``before_write``
    sees the plan first (the file of rejected rows) and may raise to write nothing."""
    today = today or clock.today()
    with factory.begin() as session:
        plan = plan_in(session, table, today)
        if before_write is not None:
            before_write(plan)
        return plan, _write(session, plan, None, None, today, file_name)


def _write(session: Session, plan: ImportPlan, progress: Progress | None,
           cancelled: Callable[[], bool] | None, today: date,
           file_name: str | None) -> ImportResult:
    report = progress or (lambda _done, _total: None)
    stop = cancelled or (lambda: False)
    new_rows = [r for r in plan.rows if r.action == "new"]
    update_rows = [r for r in plan.rows if r.action == "update"]
    total = len(new_rows) + len(update_rows)
    stamp = now()
    record = ImportRecord(
        file_name=(file_name or plan.table.path.name)[:300], at=stamp, user=current_user(),
        imported=len(new_rows), updated=len(update_rows), rejected=plan.count("rejected"),
        legacy_columns=", ".join(plan.table.legacy_columns)[:500])
    session.add(record)
    cell_ids = dict(plan.cell_ids)
    org_ids = dict(plan.org_ids)
    cell_ids.update(_create_cells(session, plan.new_cells))
    org_ids.update(_create_orgs(session, plan.new_orgs))
    session.flush()
    report(0, total)

    def chunk_done(done: int) -> None:
        testhooks.rows_written("import", done)
        report(done, total)
        if stop():
            raise ImportCancelled

    if stop():
        raise ImportCancelled
    inputs = [r.data for r in new_rows if r.data is not None]
    places = [(cell_ids.get(r.cell_key) if r.cell_key else None,
               org_ids.get(r.org_key) if r.org_key else None) for r in new_rows]
    try:
        # the plan read every text through the cleaning rule (cell_text) and checked every row
        new_ids = create_members(session, inputs, today=today, reason=NEW_MEMBER_REASON,
                                 validated=True, cleaned=True, places=places,
                                 chunk_done=chunk_done)
    except RegisterError as exc:
        raise ImportFileError(str(exc)) from exc
    for low, high in id_ranges(new_ids):
        session.execute(insert(ImportRecordMember).from_select(
            ["import_record_id", "member_id", "action", "old_values"],
            select(literal(record.id), Member.id, literal("create"), literal(""))
            .where(Member.id.between(low, high))))
    done = len(new_rows)
    _write_updates(session, record.id, update_rows, cell_ids, org_ids, today, stop,
                   lambda count: chunk_done(done + count))
    if stop():
        raise ImportCancelled
    session.flush()
    record.last_change_id = session.scalar(select(func.max(ChangeLog.id))) or 0
    record.last_attendance_id = session.scalar(select(func.max(Attendance.id))) or 0
    record.last_sheet_id = session.scalar(select(func.max(CommentSheet.id))) or 0
    session.flush()
    report(total, total)
    return ImportResult(imported=len(new_rows), updated=len(update_rows),
                        rejected=plan.count("rejected"), new_cells=list(plan.new_cells.values()),
                        new_orgs=list(plan.new_orgs.values()), record_id=record.id)


def _write_updates(session: Session, record_id: int, rows: list[RowPlan],
                   cell_ids: dict[str, int], org_ids: dict[str, int], today: date,
                   stop: Callable[[], bool], chunk_done: Callable[[int], None]) -> None:
    """The members a card number matched, changed through the ORM (the change history records
    each field) with what they were, for an undo."""
    update_ids = [r.member_id for r in rows if r.member_id is not None]
    loaded: dict[int, Member] = {}
    for part in chunked(update_ids):  # a few queries instead of one per member
        loaded.update((m.id, m) for m in session.scalars(
            select(Member).where(Member.id.in_(part))))
    for done, r in enumerate(rows, start=1):
        if stop():
            raise ImportCancelled
        assert r.data is not None and r.member_id is not None
        member = loaded[r.member_id]  # the plan was made in this transaction: it is there
        old = {name: getattr(member, name) for name in UNDO_FIELDS}
        apply_input(member, replace(r.data, workplace_org_id=(
            org_ids[r.org_key] if r.org_key else member.workplace_org_id)))
        cell_id = cell_ids[r.cell_key] if r.cell_key else member.cell_id
        closed: list[int] = []
        if cell_id != member.cell_id:
            closed = list(session.scalars(select(CellAssignment.id).where(
                CellAssignment.member_id == member.id, CellAssignment.end_date.is_(None))))
            move_cell_in(session, member, cell_id, today)
        changed = {name: _json_value(value) for name, value in old.items()
                   if getattr(member, name) != value}
        session.add(ImportRecordMember(
            import_record_id=record_id, member_id=member.id, action="update",
            old_values=json.dumps({"fields": changed, "closed_assignments": closed},
                                  ensure_ascii=False) if changed or closed else ""))
        if done % BATCH == 0:
            session.flush()
            chunk_done(done)


def import_file(factory: sessionmaker[Session], path: Path | str) -> ImportResult:
    """Read the file and import it, for callers that need no preview."""
    return import_now(factory, read_table(path))[1]
