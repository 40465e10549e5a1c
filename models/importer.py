"""Importing members from a list: plan every row first (new / update / rejected with every reason),
then apply the accepted rows in one transaction, all or none.

The field rules are models.member_rules.validate_member; a card number matching a member updates
that member (through the ORM, so the change history records it); new members are inserted in bulk
(Core) with their dated status and cell rows.  Imports are not recorded in a table of their own:
the schema has none (each new member gets a "create" history line, each update its field lines).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from models.dates import DateError, format_birth
from models.db import bulk_member_insert
from models.entities import (
    Base,
    Cell,
    Issuer,
    Member,
    MemberStatus,
    Sex,
    Ward,
    WorkplaceOrg,
    now,
)
from models.history import current_user
from models.import_read import (
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
from models.member_rules import MemberInput, digits_only, validate_member
from models.vntext import clean_name, fold, sort_key

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
BATCH = 2000
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
        }


@dataclass(frozen=True)
class ImportResult:
    imported: int
    updated: int
    rejected: int
    new_cells: list[str]
    new_orgs: list[str]


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
        for cell_id, name_key, area in session.execute(
                select(Cell.id, Cell.name_key, Cell.area).order_by(Cell.id)):
            found.cell_ids.setdefault(name_key, cell_id)
            if area:
                found.cell_ids.setdefault(fold(area), cell_id)
        for org_id, name_key in session.execute(
                select(WorkplaceOrg.id, WorkplaceOrg.name_key).order_by(WorkplaceOrg.id)):
            found.org_ids.setdefault(name_key, org_id)
    return found


def _same_birth(a: date | None, b: date | None) -> bool:
    # a year-only birth matches any date of that year: the user decides
    return a is None or b is None or a == b


def _read_row(table: RawTable, row: list[CellValue], plan: RowPlan,
              failed: set[str]) -> dict[str, object]:
    """Field values of one row; the problems go to plan.reasons, their fields to failed."""
    def cell(name: str) -> CellValue:
        col = table.columns.get(name)
        return row[col] if col is not None and col < len(row) else None

    values: dict[str, object] = {}
    values["full_name"] = clean_name(cell_text(cell("full_name")))
    birth_value = cell("birth")
    sex = cell_sex(cell("sex")) if "sex" in table.columns else None
    if table.sex_columns is not None:
        male, female = (row[c] if c < len(row) else None for c in table.sex_columns)
        if not is_blank(male) and not is_blank(female):
            plan.reasons.append("Ghi ngày sinh ở cả cột Nam và cột Nữ.")
            failed.update(("birth", "sex"))
        elif not is_blank(male) or not is_blank(female):
            birth_value = male if not is_blank(male) else female
            sex = Sex.MALE if not is_blank(male) else Sex.FEMALE
    if sex is None and not is_blank(cell("sex")):
        plan.reasons.append(f"Giới tính «{cell_text(cell('sex'))}» không rõ (ghi Nam hoặc Nữ).")
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
    for name in ("join_date", "official_date", "received_date"):
        try:
            values[name] = cell_date(cell(name))
        except DateError as exc:
            plan.reasons.append(f"{FIELD_LABELS[name]}: {exc}")
            failed.add(name)
    values["card_number"] = number_text(cell("card_number"), 8)
    values["citizen_id"] = number_text(cell("citizen_id"), 12)
    phone = number_text(cell("phone"), 0)
    if isinstance(cell("phone"), int | float) and len(phone) == 9:
        phone = "0" + phone  # Excel dropped the leading 0
    values["phone"] = phone
    for name in ("employer_unit", "job_title", "address", "notes", "ethnicity"):
        values[name] = cell_text(cell(name))
    if not values["ethnicity"]:
        values["ethnicity"] = "Kinh"
    plan.cell_key = fold(cell_text(cell("cell")))
    plan.org_key = fold(cell_text(cell("workplace_org")))
    return values


def _cell_name(text: str) -> str:
    """'Khu 7' -> 'Chi bộ khu 7'; 'Chi bộ khu 7' stays."""
    if fold(text).startswith("chi bo"):
        return text
    return f"Chi bộ {text[:1].lower()}{text[1:]}"


def plan_import(factory: sessionmaker[Session] | None, table: RawTable,
                today: date | None = None) -> ImportPlan:
    """What importing the table would do, row by row (nothing is written).

    ``factory`` None plans against an empty register (a dry run without a database file)."""
    today = today or date.today()
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
        card = digits_only(data.card_number)
        if card not in existing.cards or card in seen_cards:
            # an update is checked once merged with what is stored (_merge_updates)
            errors = validate_member(data, today)
            plan.reasons.extend(e for f, e in errors.items() if f not in failed)
        name_key = fold(data.full_name)
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
                cell_names.setdefault(plan.cell_key, cell_text(plan.values[table.columns["cell"]]))
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
    """The stored members as MemberInput (as models.register.member_input), in few queries."""
    found: dict[int, MemberInput] = {}
    with factory() as session:
        for start in range(0, len(ids), 500):
            for m in session.scalars(select(Member).where(Member.id.in_(ids[start:start + 500]))):
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
            if column == "birth" and table.sex_columns is not None:
                given = any(not is_blank(plan.values[c]) for c in table.sex_columns
                            if c < len(plan.values))
            elif column == "sex" and table.sex_columns is not None:
                given = True
            else:
                given = col is not None and col < len(plan.values) and \
                    not is_blank(plan.values[col])
            if given:
                for name in names:
                    changes[name] = getattr(plan.data, name)
        merged = replace(stored, **changes)  # type: ignore[arg-type]
        errors = validate_member(merged, today)
        if errors:
            plan.action = "rejected"
            plan.reasons.extend(f"Khi cập nhật đảng viên có số thẻ này: {e}"
                                for e in errors.values())
            plan.data = None
        else:
            plan.data = merged


# --- applying -----------------------------------------------------------------------------------

def _create_cells(session: Session, names: dict[str, str]) -> dict[str, int]:
    from models.ward import CellInput, add_cell

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


def _member_row(data: MemberInput, cell_id: int | None, org_id: int | None,
                stamp: datetime) -> dict[str, object]:
    """The member table row of a new member; the planned input is already cleaned."""
    name = data.full_name
    return {
        "uuid": str(uuid.uuid4()), "full_name": name, "name_key": fold(name),
        "sort_key": sort_key(name), "sex": str(data.sex), "birth_date": data.birth_date,
        "birth_year": data.birth_date.year if data.birth_date else int(data.birth_year or 0),
        "ethnicity": data.ethnicity or "Kinh", "citizen_id": data.citizen_id or None,
        "phone": data.phone or None, "card_number": data.card_number or None,
        "party_file_number": None, "join_date": data.join_date,
        "official_date": data.official_date, "workplace_org_id": org_id,
        "workplace_cell": "", "employer_unit": data.employer_unit,
        "job_title": data.job_title, "address": data.address, "cell_id": cell_id,
        "letter_number": "", "letter_date": None, "letter_issuer": "",
        "received_date": data.received_date, "receipt_code": None, "closed_date": None,
        "status": _ACTIVE, "excused": False, "excused_reason": "",
        "notes": data.notes, "archived": False, "created_at": stamp, "updated_at": stamp,
    }


def apply_import(factory: sessionmaker[Session], plan: ImportPlan,
                 progress: Progress | None = None,
                 cancelled: Callable[[], bool] | None = None,
                 today: date | None = None) -> ImportResult:
    """Write the accepted rows of the plan in one transaction: all of them or, on any error or a
    cancel (ImportCancelled), none."""
    from models.register import _apply, _move_cell

    today = today or date.today()
    report = progress or (lambda _done, _total: None)
    stop = cancelled or (lambda: False)
    new_rows = [r for r in plan.rows if r.action == "new"]
    update_rows = [r for r in plan.rows if r.action == "update"]
    total = len(new_rows) + len(update_rows)
    done = 0
    stamp = now()
    with factory.begin() as session:
        cell_ids = dict(plan.cell_ids)
        org_ids = dict(plan.org_ids)
        cell_ids.update(_create_cells(session, plan.new_cells))
        org_ids.update(_create_orgs(session, plan.new_orgs))
        report(done, total)
        before = session.scalar(select(func.max(Member.id))) or 0
        rows = []
        for r in new_rows:
            assert r.data is not None
            rows.append(_member_row(r.data, cell_ids.get(r.cell_key) if r.cell_key else None,
                                    org_ids.get(r.org_key) if r.org_key else None, stamp))
        member_table = Base.metadata.tables["member"]
        with bulk_member_insert(session):
            for start in range(0, len(rows), BATCH):
                if stop():
                    raise ImportCancelled
                session.execute(insert(member_table), rows[start:start + BATCH])
                done += len(rows[start:start + BATCH])
                report(done, total)
        id_by_uuid = dict(session.execute(
            select(Member.uuid, Member.id).where(Member.id > before)).all())
        changes: list[dict[str, object]] = []
        assignments: list[dict[str, object]] = []
        history: list[dict[str, object]] = []
        user = current_user()
        for row in rows:
            member_id = id_by_uuid[str(row["uuid"])]
            start_day = row["received_date"] or today
            changes.append({"member_id": member_id, "status": _ACTIVE,
                            "date": start_day, "reason": "Nhập từ danh sách",
                            "created_at": stamp})
            if row["cell_id"] is not None:
                assignments.append({"member_id": member_id, "cell_id": row["cell_id"],
                                    "start_date": start_day, "end_date": None})
            history.append({"at": stamp, "user": user, "entity": "member",
                            "entity_id": member_id, "action": "create", "field": "",
                            "old_value": "", "new_value": ""})
        for name, batch in (("member_status_change", changes), ("cell_assignment", assignments),
                            ("change_log", history)):
            for start in range(0, len(batch), BATCH):
                session.execute(insert(Base.metadata.tables[name]), batch[start:start + BATCH])
        update_ids = [r.member_id for r in update_rows if r.member_id is not None]
        loaded: dict[int, Member] = {}
        for start in range(0, len(update_ids), 500):  # a few queries instead of one per member
            loaded.update((m.id, m) for m in session.scalars(
                select(Member).where(Member.id.in_(update_ids[start:start + 500]))))
        for r in update_rows:
            if stop():
                raise ImportCancelled
            assert r.data is not None and r.member_id is not None
            member = loaded.get(r.member_id)
            if member is None:
                raise ImportFileError("Một đảng viên cần cập nhật vừa bị thay đổi ở nơi khác.")
            _apply(member, replace(r.data, workplace_org_id=(
                org_ids[r.org_key] if r.org_key else member.workplace_org_id)))
            cell_id = cell_ids[r.cell_key] if r.cell_key else member.cell_id
            if cell_id != member.cell_id:
                _move_cell(session, member, cell_id, today)
            done += 1
            if done % 200 == 0:
                session.flush()
                report(done, total)
        if stop():
            raise ImportCancelled
        session.flush()
        report(total, total)
    return ImportResult(imported=len(new_rows), updated=len(update_rows),
                        rejected=plan.count("rejected"), new_cells=list(plan.new_cells.values()),
                        new_orgs=list(plan.new_orgs.values()))


def import_file(factory: sessionmaker[Session], path: Path | str) -> ImportResult:
    """read_table + plan_import + apply_import, for callers that need no preview."""
    return apply_import(factory, plan_import(factory, read_table(path)))
