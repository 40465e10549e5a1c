"""Who issues documents (DOMAIN.md §3.1): the ward committee and each residence cell, each with
header lines, number suffix and signer valid from a date.  The rows the catalogue shows, the rules
of a version, and writing one (a version of the same date is replaced)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import clock
from models.dates import in_force, year_error
from models.store.entities import Cell, Issuer, IssuerVersion, Ward
from models.text.vntext import clean, clean_name

WARD_SUFFIX = "ĐU"
WARD_SIGNER_TITLE = "T/M ĐẢNG ỦY"
CELL_SUFFIX = "CB"
SIGNER_ROLE = "BÍ THƯ"


def cell_signer_title(has_committee: bool) -> str:
    """A cell with a committee (chi ủy) signs for it; a small cell signs for the whole cell."""
    return "T/M CHI ỦY" if has_committee else "T/M CHI BỘ"


@dataclass(frozen=True)
class IssuerVersionRow:
    id: int
    valid_from: date
    parent_line: str
    name_line: str
    number_suffix: str
    signer_title: str
    signer_role: str
    signer_name: str
    version: int = 0  # as read


@dataclass(frozen=True)
class IssuerRow:
    id: int
    cell_id: int | None  # None: the ward committee
    name: str  # Đảng ủy phường Mạo Khê / Chi bộ khu 5
    active: bool  # the cell is in use (the ward committee always is)
    versions: tuple[IssuerVersionRow, ...]  # by valid_from

    def current(self, on: date | None = None) -> IssuerVersionRow | None:
        """The version in force on a date (today by default), as ``issuer_lines`` picks it."""
        return in_force(self.versions, on or clock.today(), lambda v: v.valid_from)


@dataclass(frozen=True)
class IssuerVersionInput:
    valid_from: date
    parent_line: str  # ĐẢNG BỘ PHƯỜNG MẠO KHÊ
    name_line: str  # CHI BỘ KHU 5
    number_suffix: str  # CB
    signer_title: str  # T/M CHI ỦY
    signer_role: str  # BÍ THƯ
    signer_name: str = ""


_VERSION_FIELDS = ("parent_line", "name_line", "number_suffix", "signer_title", "signer_role",
                   "signer_name")
_REQUIRED = {
    "parent_line": "Chưa nhập dòng tổ chức cấp trên.",
    "name_line": "Chưa nhập dòng tên cơ quan ban hành.",
    "number_suffix": "Chưa nhập ký hiệu (ví dụ CB, ĐU).",
    "signer_title": "Chưa nhập thẩm quyền ký (ví dụ T/M CHI ỦY).",
    "signer_role": "Chưa nhập chức vụ người ký (ví dụ BÍ THƯ).",
}
_LIMITS = {"parent_line": 200, "name_line": 200, "number_suffix": 20, "signer_title": 100,
           "signer_role": 100, "signer_name": 200}


def validate_issuer_version(value: IssuerVersionInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    message = year_error(value.valid_from.year, "Năm của ngày áp dụng")
    if message:
        errors["valid_from"] = message
    for name in _VERSION_FIELDS:
        text = clean(getattr(value, name))
        if not text and name in _REQUIRED:
            errors[name] = _REQUIRED[name]
        elif len(text) > _LIMITS[name]:
            errors[name] = f"Dài quá {_LIMITS[name]} ký tự."
    if "number_suffix" not in errors and any(c in clean(value.number_suffix) for c in " /-"):
        errors["number_suffix"] = "Ký hiệu không chứa dấu cách, «/» hay «-» (ví dụ CB, ĐU)."
    return errors


def capitals_suggestions(value: IssuerVersionInput) -> dict[str, str]:
    """Lines that the party format prints in capitals but were not typed so: field -> the line
    in capitals.  Only a suggestion; lines are stored as typed."""
    suggestions: dict[str, str] = {}
    for name in ("parent_line", "name_line", "number_suffix", "signer_title", "signer_role"):
        text = clean(getattr(value, name))
        if text != text.upper():
            suggestions[name] = text.upper()
    return suggestions


def version_row(v: IssuerVersion) -> IssuerVersionRow:
    return IssuerVersionRow(v.id, v.valid_from, v.parent_line, v.name_line, v.number_suffix,
                            v.signer_title, v.signer_role, v.signer_name, v.version)


def ward_version(ward: Ward, signer_name: str, valid_from: date) -> IssuerVersionInput:
    """The ward committee's lines: its parent above its own name, signed T/M ĐẢNG ỦY."""
    return IssuerVersionInput(valid_from, ward.parent_name.upper(), ward.committee_name.upper(),
                              WARD_SUFFIX, WARD_SIGNER_TITLE, SIGNER_ROLE, signer_name)


def cell_version(cell: Cell, valid_from: date, parent_line: str,
                 number_suffix: str = CELL_SUFFIX) -> IssuerVersionInput:
    """A cell's lines: the ward's party organisation above the cell, signed by its secretary."""
    return IssuerVersionInput(valid_from, parent_line, cell.name.upper(), number_suffix,
                              cell_signer_title(cell.has_committee), SIGNER_ROLE,
                              cell.secretary_name)


def issuer_of(session: Session, cell_id: int | None) -> Issuer:
    """The issuer of a cell (None: of the ward committee), made when there is none yet."""
    condition = Issuer.cell_id.is_(None) if cell_id is None else Issuer.cell_id == cell_id
    issuer = session.scalars(select(Issuer).where(condition)).first()
    if issuer is None:
        issuer = Issuer(cell_id=cell_id)
        session.add(issuer)
        session.flush()
    return issuer


def put_version(session: Session, issuer_id: int, value: IssuerVersionInput) -> IssuerVersion:
    """Write a version of an issuer's lines (cleaned); one of the same date is replaced."""
    version = session.scalars(select(IssuerVersion).where(
        IssuerVersion.issuer_id == issuer_id, IssuerVersion.valid_from == value.valid_from)).first()
    if version is None:
        version = IssuerVersion(issuer_id=issuer_id, valid_from=value.valid_from)
        session.add(version)
    for name in _VERSION_FIELDS:
        text = getattr(value, name)
        setattr(version, name, clean_name(text) if name == "signer_name" else clean(text))
    session.flush()
    return version


def new_cell_version(session: Session, cell: Cell, valid_from: date) -> None:
    """From ``valid_from`` a cell's documents carry its current name and signer; the parent line
    and number suffix stay those of the version in force then."""
    ward = session.scalars(select(Ward)).first()
    parent_line = ward.party_org_name.upper() if ward else ""
    suffix = CELL_SUFFIX
    issuer = issuer_of(session, cell.id)
    base = in_force(issuer.versions, valid_from, lambda v: v.valid_from)
    if base is not None:
        parent_line, suffix = base.parent_line, base.number_suffix
    put_version(session, issuer.id, cell_version(cell, valid_from, parent_line, suffix))
