"""The ward itself: first-run set-up, its cells and issuers, and what the window shows of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.catalogues.issuers import cell_version, issuer_of, put_version, ward_version
from models.catalogues.matching import cell_key, org_key
from models.store.entities import Cell, Ward, WorkplaceOrg
from models.text.vntext import clean, clean_name, fold


class SetupError(ValueError):
    """Set-up input refused; the message names the field in Vietnamese."""


@dataclass(frozen=True)
class CellInput:
    name: str  # Chi bộ khu 5
    area: str = ""  # Khu 5
    secretary_name: str = ""
    front_head_name: str = ""
    has_committee: bool = False


@dataclass(frozen=True)
class WardSetup:
    """What the first-run assistant collects."""

    committee_name: str  # Đảng ủy phường Mạo Khê
    parent_name: str  # Đảng bộ thành phố Đông Triều
    place_name: str  # Đông Triều
    secretary_name: str = ""  # signs T/M ĐẢNG ỦY - BÍ THƯ
    cells: tuple[CellInput, ...] = ()
    valid_from: date = field(default_factory=lambda: date(2000, 1, 1))


@dataclass(frozen=True)
class WardInfo:
    uuid: str
    committee_name: str
    party_org_name: str
    parent_name: str
    place_name: str


@dataclass(frozen=True)
class CellRow:
    id: int
    name: str
    area: str
    secretary_name: str
    front_head_name: str
    active: bool


@dataclass(frozen=True)
class OrgRow:
    id: int
    name: str
    parent_name: str
    active: bool


def party_org_name_for(committee_name: str) -> str:
    """'Đảng ủy phường Mạo Khê' -> 'Đảng bộ phường Mạo Khê': the organisation a cell belongs to."""
    name = clean(committee_name)
    folded = fold(name)
    for prefix in ("dang uy ", "dang bo "):
        if folded.startswith(prefix):
            return "Đảng bộ " + name.split(" ", 2)[2]
    return name


def validate_setup(setup: WardSetup) -> dict[str, str]:
    """Field -> Vietnamese message, for the assistant (inline) and for setup_ward (the guard)."""
    errors: dict[str, str] = {}
    if not clean(setup.committee_name):
        errors["committee_name"] = "Chưa nhập tên Đảng ủy phường (xã)."
    if not clean(setup.parent_name):
        errors["parent_name"] = "Chưa nhập tên tổ chức đảng cấp trên."
    if not clean(setup.place_name):
        errors["place_name"] = "Chưa nhập địa danh ghi trên văn bản."
    seen: set[str] = set()
    for number, cell in enumerate(setup.cells, start=1):
        key = fold(cell.name)
        if not key:
            errors[f"cell{number}"] = f"Chi bộ dòng {number}: chưa nhập tên."
        elif key in seen:
            errors[f"cell{number}"] = f"Chi bộ dòng {number}: tên «{clean(cell.name)}» bị trùng."
        seen.add(key)
    return errors


def setup_ward(factory: sessionmaker[Session], setup: WardSetup) -> WardInfo:
    """Create (or rename) the ward, its cells and their issuers, in one transaction."""
    with factory.begin() as session:
        return setup_ward_in(session, setup)


def setup_ward_in(session: Session, setup: WardSetup) -> WardInfo:
    """setup_ward inside the caller's transaction (the sample data is all-or-nothing)."""
    errors = validate_setup(setup)
    if errors:
        raise SetupError(" ".join(errors.values()))
    ward = session.scalars(select(Ward)).first()
    committee = clean(setup.committee_name)
    if ward is None:
        ward = Ward(committee_name=committee, party_org_name=party_org_name_for(committee),
                    parent_name=clean(setup.parent_name), place_name=clean(setup.place_name))
        session.add(ward)
    else:
        ward.committee_name = committee
        ward.party_org_name = party_org_name_for(committee)
        ward.parent_name = clean(setup.parent_name)
        ward.place_name = clean(setup.place_name)
    put_version(session, issuer_of(session, None).id,
                ward_version(ward, setup.secretary_name, setup.valid_from))
    position = session.scalar(select(func.max(Cell.position))) or 0
    for cell_input in setup.cells:
        position += 1
        add_cell(session, ward, cell_input, position, setup.valid_from)
    session.flush()
    return _ward_info(ward)


def add_cell(session: Session, ward: Ward, cell_input: CellInput, position: int,
             valid_from: date) -> Cell:
    name = clean(cell_input.name)
    cell = Cell(name=name, name_key=fold(name), area=clean(cell_input.area),
                secretary_name=clean_name(cell_input.secretary_name),
                front_head_name=clean_name(cell_input.front_head_name),
                has_committee=cell_input.has_committee, position=position)
    session.add(cell)
    session.flush()
    put_version(session, issuer_of(session, cell.id).id,
                cell_version(cell, valid_from, ward.party_org_name.upper()))
    return cell


def _ward_info(ward: Ward) -> WardInfo:
    return WardInfo(uuid=ward.uuid, committee_name=ward.committee_name,
                    party_org_name=ward.party_org_name, parent_name=ward.parent_name,
                    place_name=ward.place_name)


def get_ward(factory: sessionmaker[Session]) -> WardInfo | None:
    with factory() as session:
        ward = session.scalars(select(Ward)).first()
        return None if ward is None else _ward_info(ward)


def list_cells(factory: sessionmaker[Session], *, include_inactive: bool = False) -> list[CellRow]:
    with factory() as session:
        stmt = select(Cell).order_by(Cell.position, Cell.id)
        if not include_inactive:
            stmt = stmt.where(Cell.active.is_(True))
        return [CellRow(c.id, c.name, c.area, c.secretary_name, c.front_head_name, c.active)
                for c in session.scalars(stmt)]


def list_orgs(factory: sessionmaker[Session], *, include_inactive: bool = False) -> list[OrgRow]:
    with factory() as session:
        stmt = select(WorkplaceOrg).order_by(WorkplaceOrg.name_key)
        if not include_inactive:
            stmt = stmt.where(WorkplaceOrg.active.is_(True))
        return [OrgRow(o.id, o.name, o.parent_name, o.active) for o in session.scalars(stmt)]


def find_cell_id(factory: sessionmaker[Session], name: str) -> int | None:
    """A cell by name or area as a person would match it (``matching.cell_key``: "khu 5" finds
    "Chi bộ khu 5"); the same name first, then the first cell in the list's order."""
    key = cell_key(name)
    if not key:
        return None
    with factory() as session:
        cells = session.execute(select(Cell.id, Cell.name, Cell.area)
                                .order_by(Cell.position, Cell.id)).all()
    same = [c for c in cells if fold(c[1]) == fold(name)]
    for cell_id, cell_name, area in [*same, *cells]:
        if key in (cell_key(cell_name), cell_key(area)):
            return int(cell_id)
    return None


def find_org_ids(factory: sessionmaker[Session], name: str) -> list[int]:
    """The organisations a name typed by a person means: the one of that very name, else those
    of the same ``matching.org_key`` ("Than Uông Bí"), else those whose name contains it."""
    folded, key = fold(name), org_key(name)
    if not folded:
        return []
    orgs = list_orgs(factory, include_inactive=True)
    for matches in ([o for o in orgs if fold(o.name) == folded],
                    [o for o in orgs if key and org_key(o.name) == key],
                    [o for o in orgs if folded in fold(o.name)]):
        if matches:
            return [o.id for o in matches]
    return []
