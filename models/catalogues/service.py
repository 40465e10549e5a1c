"""Catalogues: residence cells, workplace party organisations and the issuers of documents.

Nothing here is ever deleted: a cell or an organisation no longer used is deactivated (its members
keep pointing at it), and an organisation typed twice is merged into the other entry, which moves
its members through the ORM so the change history records every one of them.  Names are unique
by their accent-folded form (``fold``), so "Chi bộ Khu 5" and "chi bo khu 5" are one cell.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import case, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from models import clock
from models.catalogues import ward as ward_module
from models.catalogues.issuers import (
    IssuerRow,
    IssuerVersionInput,
    IssuerVersionRow,
    new_cell_version,
    put_version,
    validate_issuer_version,
    version_row,
)
from models.catalogues.matching import near_duplicate_warning, similar_cells, similar_orgs
from models.catalogues.ward import CellInput
from models.formats import format_date
from models.sharing.stale import StaleRecord, ensure_current, refuse_stale
from models.store.entities import (
    Cell,
    CommentSheet,
    Issuer,
    IssuerVersion,
    Member,
    MemberStatus,
    RoundDeadline,
    Ward,
    WorkplaceOrg,
)
from models.text.vntext import clean, clean_name, fold

__all__ = [
    "CatalogueError",
    "CellDetail",
    "CellEdit",
    "OrgDetail",
    "OrgInput",
    "add_cell",
    "add_issuer_version",
    "add_org",
    "cell_warning",
    "list_cell_details",
    "list_issuers",
    "list_org_details",
    "merge_orgs",
    "org_warning",
    "set_cell_active",
    "set_org_active",
    "update_cell",
    "update_org",
    "validate_cell",
    "validate_merge",
    "validate_org",
]

_T = TypeVar("_T")

class CatalogueError(ValueError):
    """A catalogue change refused; ``errors`` maps each field to its Vietnamese message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = dict(errors)


# --- residence cells ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CellDetail:
    id: int
    name: str
    area: str
    secretary_name: str
    front_head_name: str
    has_committee: bool
    active: bool
    member_count: int  # every member whose cell this is, whatever their status
    active_count: int  # of them, active and not archived
    version: int = 0  # as read: the edit form's save names it (models.sharing.stale)

    def input(self) -> CellInput:
        return CellInput(self.name, self.area, self.secretary_name, self.front_head_name,
                         self.has_committee)


@dataclass(frozen=True)
class CellEdit:
    """What the cell dialog returns when editing: the new values and, optionally, the date from
    which the cell's documents use the new name and signer (a new issuer version)."""

    cell: CellInput
    issuer_from: date | None = None


def _counts(session: Session,
            column: InstrumentedAttribute[int | None]) -> dict[int, tuple[int, int]]:
    """Per cell (or organisation): (all members, active and not archived members)."""
    active = case((Member.status == MemberStatus.ACTIVE, case((Member.archived, 0), else_=1)),
                  else_=0)
    rows = session.execute(
        select(column, func.count(Member.id), func.sum(active)).where(
            column.is_not(None)).group_by(column)
    ).all()
    return {int(key): (int(total), int(act or 0)) for key, total, act in rows}


def _cell_detail(cell: Cell, counts: Mapping[int, tuple[int, int]]) -> CellDetail:
    total, active = counts.get(cell.id, (0, 0))
    return CellDetail(cell.id, cell.name, cell.area, cell.secretary_name, cell.front_head_name,
                      cell.has_committee, cell.active, total, active, cell.version)


def list_cell_details(factory: sessionmaker[Session], *,
                      include_inactive: bool = True) -> list[CellDetail]:
    """The cells in their order, with member counts."""
    with factory() as session:
        return _cell_details(session, include_inactive)


def _cell_details(session: Session, include_inactive: bool = True) -> list[CellDetail]:
    counts = _counts(session, Member.cell_id)
    stmt = select(Cell).order_by(Cell.position, Cell.id)
    if not include_inactive:
        stmt = stmt.where(Cell.active.is_(True))
    return [_cell_detail(c, counts) for c in session.scalars(stmt)]


def validate_cell(value: CellInput, others: Sequence[CellDetail] = (),
                  cell_id: int | None = None) -> dict[str, str]:
    """Field -> message; ``others`` are the existing cells, ``cell_id`` the one being edited."""
    errors: dict[str, str] = {}
    key = fold(value.name)
    if not key:
        errors["name"] = "Chưa nhập tên chi bộ."
    elif len(clean(value.name)) > 200:
        errors["name"] = "Tên chi bộ dài quá 200 ký tự."
    else:
        for other in others:
            if other.id != cell_id and fold(other.name) == key:
                state = "" if other.active else " (đang ngừng sử dụng — có thể sử dụng lại)"
                errors["name"] = f"Đã có chi bộ «{other.name}»{state}."
                break
    for name, text in (("area", value.area), ("secretary_name", value.secretary_name),
                       ("front_head_name", value.front_head_name)):
        if len(clean(text)) > 200:
            errors[name] = "Dài quá 200 ký tự."
    return errors


def cell_warning(value: CellInput, others: Sequence[CellDetail],
                 cell_id: int | None = None) -> str:
    """A warning (not a refusal) when the name looks like another cell's ("Khu 5" beside
    "Chi bộ khu 5"); '' when it does not.  The cell dialog shows it as the user types."""
    return near_duplicate_warning("chi bộ", value.name,
                                  similar_cells(value.name, others, cell_id))


def add_cell(factory: sessionmaker[Session], value: CellInput,
             valid_from: date | None = None) -> CellDetail:
    """A new residence cell, at the end of the list, and its issuer with a first version
    (from ``valid_from``, today by default)."""
    with factory.begin() as session:
        errors = validate_cell(value, _cell_details(session))
        if errors:
            raise CatalogueError(errors)
        ward = session.scalars(select(Ward)).first()
        if ward is None:
            raise CatalogueError({"name": "Chưa thiết lập thông tin đảng ủy phường (Cài đặt)."})
        position = (session.scalar(select(func.max(Cell.position))) or 0) + 1
        cell = ward_module.add_cell(session, ward, value, position, valid_from or clock.today())
        session.flush()
        return _cell_detail(cell, {})


def update_cell(factory: sessionmaker[Session], cell_id: int, value: CellInput,
                issuer_from: date | None = None, *, version: int | None = None) -> CellDetail:
    """Edit a cell.  With ``issuer_from``, its documents from that date on carry the new name
    and signer: a new issuer version based on the one in force then (replacing one of that date).
    ``version``: the one the form read (StaleRecord when someone else saved the cell since).
    """
    def stale(cell: Cell) -> StaleRecord:
        return StaleRecord(f"chi bộ «{cell.name}»", _cell_detail(cell, {}).input(),
                           cell.version)

    with refuse_stale(lambda: _stale_now(factory, Cell, cell_id, stale)), \
            factory.begin() as session:
        cell = _get(session, Cell, cell_id, "Chi bộ này không còn trong dữ liệu.")
        ensure_current(session, cell.version, version, lambda _s: stale(cell))
        errors = validate_cell(value, _cell_details(session), cell_id)
        if errors:
            raise CatalogueError(errors)
        cell.name = clean(value.name)
        cell.name_key = fold(cell.name)
        cell.area = clean(value.area)
        cell.secretary_name = clean_name(value.secretary_name)
        cell.front_head_name = clean_name(value.front_head_name)
        cell.has_committee = value.has_committee
        if issuer_from is not None:
            new_cell_version(session, cell, issuer_from)
        session.flush()
        return _cell_detail(cell, _counts(session, Member.cell_id))


def set_cell_active(factory: sessionmaker[Session], cell_id: int, active: bool) -> CellDetail:
    """Stop using a cell, or use it again.  Its members and their history stay as they are."""
    with factory.begin() as session:
        cell = _get(session, Cell, cell_id, "Chi bộ này không còn trong dữ liệu.")
        cell.active = active
        session.flush()
        return _cell_detail(cell, _counts(session, Member.cell_id))


# --- workplace party organisations -------------------------------------------------------------


@dataclass(frozen=True)
class OrgInput:
    name: str  # Đảng ủy Công ty Than Mạo Khê
    parent_name: str = ""  # Đảng bộ Tập đoàn TKV
    company: str = ""  # Công ty Than Mạo Khê - TKV
    address: str = ""
    contact: str = ""  # who to send the comments to, phone


@dataclass(frozen=True)
class OrgDetail:
    id: int
    name: str
    parent_name: str
    company: str
    address: str
    contact: str
    active: bool
    merged_into_id: int | None
    merged_into_name: str  # "" unless merged
    member_count: int  # every member working there, whatever their status
    active_count: int  # of them, active and not archived
    version: int = 0  # as read

    def input(self) -> OrgInput:
        return OrgInput(self.name, self.parent_name, self.company, self.address, self.contact)


def _org_detail(org: WorkplaceOrg, counts: Mapping[int, tuple[int, int]],
                names: Mapping[int, str]) -> OrgDetail:
    total, active = counts.get(org.id, (0, 0))
    merged_name = names.get(org.merged_into_id, "") if org.merged_into_id else ""
    return OrgDetail(org.id, org.name, org.parent_name, org.company, org.address, org.contact,
                     org.active, org.merged_into_id, merged_name, total, active, org.version)


def list_org_details(factory: sessionmaker[Session], *,
                     include_inactive: bool = True) -> list[OrgDetail]:
    """The organisations by name, with member counts; merged entries show what they went into."""
    with factory() as session:
        return _org_details(session, include_inactive)


def _org_details(session: Session, include_inactive: bool = True) -> list[OrgDetail]:
    counts = _counts(session, Member.workplace_org_id)
    orgs = session.scalars(select(WorkplaceOrg).order_by(WorkplaceOrg.name_key,
                                                         WorkplaceOrg.id)).all()
    names = {o.id: o.name for o in orgs}
    return [_org_detail(o, counts, names) for o in orgs if include_inactive or o.active]


def validate_org(value: OrgInput, others: Sequence[OrgDetail] = (),
                 org_id: int | None = None) -> dict[str, str]:
    """Field -> message; ``others`` are the existing organisations (merged ones are ignored:
    they are gone), ``org_id`` the one being edited."""
    errors: dict[str, str] = {}
    key = fold(value.name)
    if not key:
        errors["name"] = "Chưa nhập tên tổ chức đảng."
    else:
        for other in others:
            if other.id != org_id and other.merged_into_id is None and fold(other.name) == key:
                state = "" if other.active else " (đang ngừng sử dụng — có thể sử dụng lại)"
                errors["name"] = f"Đã có tổ chức đảng «{other.name}»{state}."
                break
    limits = (("name", value.name, 200), ("parent_name", value.parent_name, 200),
              ("company", value.company, 200), ("address", value.address, 300),
              ("contact", value.contact, 200))
    for name, text, limit in limits:
        if name not in errors and len(clean(text)) > limit:
            errors[name] = f"Dài quá {limit} ký tự."
    return errors


def org_warning(value: OrgInput, others: Sequence[OrgDetail], org_id: int | None = None) -> str:
    """A warning (not a refusal) when the name looks like another organisation's ("Đảng uỷ Cty
    Than Mạo Khê" beside "Đảng ủy Công ty Than Mạo Khê"); '' when it does not.  Entries merged
    into another are gone and never warned about."""
    live = [o for o in others if o.merged_into_id is None]
    return near_duplicate_warning("tổ chức đảng", value.name,
                                  similar_orgs(value.name, live, org_id))


def _fill_org(org: WorkplaceOrg, value: OrgInput) -> None:
    org.name = clean(value.name)
    org.name_key = fold(org.name)
    org.parent_name = clean(value.parent_name)
    org.company = clean(value.company)
    org.address = clean(value.address)
    org.contact = clean(value.contact)


def add_org(factory: sessionmaker[Session], value: OrgInput) -> OrgDetail:
    with factory.begin() as session:
        errors = validate_org(value, _org_details(session))
        if errors:
            raise CatalogueError(errors)
        org = WorkplaceOrg()
        _fill_org(org, value)
        session.add(org)
        session.flush()
        return _org_detail(org, {}, {})


def update_org(factory: sessionmaker[Session], org_id: int, value: OrgInput, *,
               version: int | None = None) -> OrgDetail:
    """Edit an organisation; ``version``: the one the form read (StaleRecord when someone
    else saved it since)."""
    def stale(org: WorkplaceOrg) -> StaleRecord:
        return StaleRecord(f"tổ chức đảng «{org.name}»", _org_detail(org, {}, {}).input(),
                           org.version)

    with refuse_stale(lambda: _stale_now(factory, WorkplaceOrg, org_id, stale)), \
            factory.begin() as session:
        org = _get(session, WorkplaceOrg, org_id, "Tổ chức đảng này không còn trong dữ liệu.")
        ensure_current(session, org.version, version, lambda _s: stale(org))
        errors = validate_org(value, _org_details(session), org_id)
        if errors:
            raise CatalogueError(errors)
        _fill_org(org, value)
        session.flush()
        return _org_detail(org, _counts(session, Member.workplace_org_id), {})


def set_org_active(factory: sessionmaker[Session], org_id: int, active: bool) -> OrgDetail:
    """Stop using an organisation, or use it again (not one merged into another)."""
    with factory.begin() as session:
        org = _get(session, WorkplaceOrg, org_id, "Tổ chức đảng này không còn trong dữ liệu.")
        if active and org.merged_into_id is not None:
            target = session.get(WorkplaceOrg, org.merged_into_id)
            raise CatalogueError({"active": f"«{org.name}» đã được gộp vào "
                                            f"«{target.name if target else '?'}»."})
        org.active = active
        session.flush()
        return _org_detail(org, _counts(session, Member.workplace_org_id), {})


def validate_merge(source: OrgDetail, target: OrgDetail) -> str | None:
    """Why this merge is refused, or None.  Used by the chooser and by ``merge_orgs``."""
    if source.id == target.id:
        return "Không thể gộp một tổ chức đảng vào chính nó."
    if source.merged_into_id is not None:
        return f"«{source.name}» đã được gộp vào «{source.merged_into_name}»."
    if target.merged_into_id is not None:
        return f"«{target.name}» đã được gộp vào «{target.merged_into_name}», hãy chọn mục đó."
    if not target.active:
        return f"«{target.name}» đang ngừng sử dụng; hãy sử dụng lại trước khi gộp vào."
    return None


def merge_orgs(factory: sessionmaker[Session], source_id: int, target_id: int) -> int:
    """Merge the organisation ``source_id`` (typed twice) into ``target_id``, in one transaction.

    Every member moves (through the ORM, so the change history records each one), sheets sent
    to the source count as sent to the target, the source's own round deadlines move unless the
    target has one for the round, entries merged earlier into the source now point at the target,
    and the source is marked merged and deactivated.  Returns how many members moved.
    """
    with factory.begin() as session:
        details = {d.id: d for d in _org_details(session)}
        source, target = details.get(source_id), details.get(target_id)
        if source is None or target is None:
            raise CatalogueError({"target": "Tổ chức đảng này không còn trong dữ liệu."})
        reason = validate_merge(source, target)
        if reason:
            raise CatalogueError({"target": reason})
        members = session.scalars(select(Member).where(Member.workplace_org_id == source_id))
        moved = 0
        for member in members:
            member.workplace_org_id = target_id
            moved += 1
        for sheet in session.scalars(select(CommentSheet).where(
                CommentSheet.sent_to_org_id == source_id)):
            sheet.sent_to_org_id = target_id
        target_rounds = set(session.scalars(select(RoundDeadline.round_id).where(
            RoundDeadline.workplace_org_id == target_id)))
        for deadline in session.scalars(select(RoundDeadline).where(
                RoundDeadline.workplace_org_id == source_id)).all():
            if deadline.round_id in target_rounds:
                session.delete(deadline)  # the target's own deadline wins
            else:
                deadline.workplace_org_id = target_id
        for earlier in session.scalars(select(WorkplaceOrg).where(
                WorkplaceOrg.merged_into_id == source_id)):
            earlier.merged_into_id = target_id
        org = _get(session, WorkplaceOrg, source_id, "")
        org.merged_into_id = target_id
        org.active = False
        return moved


# --- issuers -----------------------------------------------------------------------------------


def list_issuers(factory: sessionmaker[Session]) -> list[IssuerRow]:
    """The ward committee first, then each cell in the cells' order, with their dated versions."""
    with factory() as session:
        ward = session.scalars(select(Ward)).first()
        cells = {c.id: c for c in session.scalars(select(Cell))}
        rows: list[tuple[tuple[int, int, int], IssuerRow]] = []
        for issuer in session.scalars(select(Issuer)):
            versions = tuple(version_row(v) for v in issuer.versions)
            if issuer.cell_id is None:
                name = ward.committee_name if ward else "Đảng ủy phường (xã)"
                rows.append(((0, 0, 0), IssuerRow(issuer.id, None, name, True, versions)))
            elif issuer.cell_id in cells:
                cell = cells[issuer.cell_id]
                rows.append(((1, cell.position, cell.id),
                             IssuerRow(issuer.id, cell.id, cell.name, cell.active, versions)))
        return [row for _, row in sorted(rows, key=lambda r: r[0])]


def add_issuer_version(factory: sessionmaker[Session], issuer_id: int,
                       value: IssuerVersionInput, *,
                       version: int | None = None) -> IssuerVersionRow:
    """Add a dated version of an issuer's lines; one with the same date is replaced.

    ``version``: the version of the issuer's lines of that date as the form knew them, 0 when
    it knew none: StaleRecord when someone else wrote lines of that date since (replacing them
    unseen would lose their work)."""
    errors = validate_issuer_version(value)
    if errors:
        raise CatalogueError(errors)

    def same_day(session: Session) -> IssuerVersion | None:
        return session.scalars(select(IssuerVersion).where(
            IssuerVersion.issuer_id == issuer_id,
            IssuerVersion.valid_from == value.valid_from)).first()

    def stale(session: Session) -> StaleRecord:
        found = same_day(session)
        issuer = session.get(Issuer, issuer_id)
        owner = _issuer_name(session, issuer.cell_id if issuer else None)
        what = (f"dòng tiêu đề văn bản của «{owner}» áp dụng từ "
                f"{format_date(value.valid_from)}")
        if found is None:
            return StaleRecord(what, None, 0)
        row = version_row(found)
        fresh = IssuerVersionInput(row.valid_from, row.parent_line, row.name_line,
                                   row.number_suffix, row.signer_title, row.signer_role,
                                   row.signer_name)
        return StaleRecord(what, fresh, found.version)

    def stale_now() -> StaleRecord:
        with factory() as session:
            return stale(session)

    with refuse_stale(stale_now), factory.begin() as session:
        _get(session, Issuer, issuer_id, "Cơ quan ban hành này không còn trong dữ liệu.")
        if version is not None:
            found = same_day(session)
            ensure_current(session, found.version if found else 0, version, stale)
        return version_row(put_version(session, issuer_id, value))


def _issuer_name(session: Session, cell_id: int | None) -> str:
    if cell_id is None:
        ward = session.scalars(select(Ward)).first()
        return ward.committee_name if ward else "Đảng ủy phường (xã)"
    cell = session.get(Cell, cell_id)
    return cell.name if cell else ""


def _stale_now(factory: sessionmaker[Session], entity: type[_T], entity_id: int,
               stale: Callable[[_T], StaleRecord]) -> StaleRecord:
    with factory() as session:
        return stale(_get(session, entity, entity_id, "Mục này không còn trong dữ liệu."))


def _get(session: Session, entity: type[_T], entity_id: int, message: str) -> _T:
    found = session.get(entity, entity_id)
    if found is None:
        raise CatalogueError({"id": message})
    return found
