"""The ward's yearly summary for the town committee, and the town committee's side of it.

A ward exports its ``YearSummary`` (``models.figures.summary``) as JSON with its member list; the
program opened by the town committee imports several wards' packages into ``ward_report`` tables —
never into its own register — and adds them up into one town-wide ``YearSummary`` (so the town
report is the ward's report, plus a per-ward breakdown) and one town-wide member list.
Organisations are matched across wards by their accent-folded names (each ward has its own ids).
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.activities.service import WHOLE_WARD
from models.exchange.format import (
    FIGURES_JSON,
    KIND_WARD,
    WARD_LIST_XLSX,
    OpenedPackage,
    PackageError,
)
from models.figures.attendance import CellActivities
from models.figures.common import LEFT_STATUSES, WardNames
from models.figures.member_list import ListedMember, MemberList, member_totals
from models.figures.summary import (
    NO_CELL,
    NO_ORG,
    CommentFigures,
    GroupFigures,
    Movements,
    YearSummary,
)
from models.membership import GROUPS, Participation, total
from models.store import history
from models.store.entities import MemberStatus, WardReport, WardReportMember
from models.text.vntext import fold, sort_key

Factory = sessionmaker[Session]
FIGURES_VERSION = 1

# The ward's member list workbook: (key, header, width); read back by the town by these headers.
LIST_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("stt", "STT", 6), ("member_uuid", "Mã đảng viên", 14), ("full_name", "Họ và tên", 26),
    ("birth_date", "Ngày sinh", 12), ("birth_year", "Năm sinh", 8), ("sex", "Giới tính", 8),
    ("join_date", "Ngày vào Đảng", 12), ("job", "Đơn vị công tác, chức vụ", 36),
    ("party_unit", "Tổ chức đảng nơi sinh hoạt", 36), ("address", "Nơi cư trú", 30),
    ("cell", "Chi bộ nơi cư trú", 18), ("workplace_org", "Tổ chức đảng nơi công tác", 30),
    ("received_date", "Ngày tiếp nhận", 12), ("status", "Mã trạng thái", 14),
    ("excused", "Miễn sinh hoạt", 8), ("notes", "Ghi chú", 36),
)


# --- figures <-> JSON -----------------------------------------------------------------------------

def _group(g: GroupFigures, uuids: Mapping[int, str]) -> dict[str, Any]:
    return {"name": g.name, "uuid": uuids.get(g.key) if g.key is not None else None,
            "known": g.key is not None, "members": g.members, "excused": g.excused,
            "received": g.received, "left": g.left}


def figures_to_json(data: YearSummary, org_uuids: Mapping[int, str],
                    cell_uuids: Mapping[int, str]) -> dict[str, Any]:
    """The summary as JSON (names, not the ward's ids; uuids where there are some)."""
    return {
        "figures_version": FIGURES_VERSION, "year": data.year, "as_of": data.as_of.isoformat(),
        "ward": {"committee_name": data.ward.committee, "party_org_name": data.ward.party_org,
                 "parent_name": data.ward.parent},
        "movements": {"at_start": data.movements.at_start, "received": data.movements.received,
                      "left": dict(data.movements.left), "at_end": data.movements.at_end},
        "by_org": [_group(g, org_uuids) for g in data.by_org],
        "by_cell": [_group(g, cell_uuids) for g in data.by_cell],
        "activities": [{"cell": c.cell, "ward_level": c.cell_id is None,
                        "uuid": cell_uuids.get(c.cell_id) if c.cell_id is not None else None,
                        "held": dict(c.held), "invited": c.counts.invited,
                        "present": c.counts.present, "excused": c.counts.excused,
                        "absent": c.counts.absent} for c in data.activities],
        "comments": [{"status": s, "proposal": p, "count": n}
                     for (s, p), n in sorted(data.comments.counts.items())],
        "recipients": list(data.recipients),
    }


def _int(raw: Mapping[str, Any], key: str) -> int:
    value = raw.get(key, 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise PackageError(f"{FIGURES_JSON}: số liệu «{key}» không hợp lệ ({value!r}).")
    return value


def figures_from_json(raw: Mapping[str, Any]) -> YearSummary:
    """The summary back from JSON; PackageError (naming the field) when it does not fit."""
    try:
        if raw.get("figures_version", 0) > FIGURES_VERSION:
            raise PackageError(f"{FIGURES_JSON}: phiên bản số liệu mới hơn chương trình này.")
        ward = raw["ward"]
        moves = raw["movements"]
        left = {s.value: _int(moves.get("left", {}), s.value) for s in LEFT_STATUSES}

        def groups(items: Sequence[Mapping[str, Any]]) -> tuple[GroupFigures, ...]:
            return tuple(GroupFigures(n if g.get("known", True) else None, str(g["name"]),
                                      _int(g, "members"), _int(g, "excused"),
                                      _int(g, "received"), _int(g, "left"))
                         for n, g in enumerate(items, start=1))

        activities = tuple(
            CellActivities(None if a.get("ward_level") else n, str(a["cell"]),
                           {g: _int(a.get("held", {}), g) for g in GROUPS},
                           Participation(_int(a, "invited"), _int(a, "present"),
                                         _int(a, "excused"), _int(a, "absent")))
            for n, a in enumerate(raw.get("activities", []), start=1))
        comments = CommentFigures({(str(c["status"]), str(c["proposal"])): _int(c, "count")
                                   for c in raw.get("comments", [])})
        return YearSummary(
            ward=WardNames(str(ward.get("committee_name", "")), str(ward.get("party_org_name", "")),
                           str(ward.get("parent_name", ""))),
            year=int(raw["year"]), as_of=date.fromisoformat(str(raw["as_of"])),
            movements=Movements(_int(moves, "at_start"), _int(moves, "received"), left,
                                _int(moves, "at_end")),
            by_org=groups(raw.get("by_org", [])), by_cell=groups(raw.get("by_cell", [])),
            activities=activities, comments=comments,
            recipients=tuple(str(r) for r in raw.get("recipients", [])))
    except PackageError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PackageError(f"{FIGURES_JSON}: số liệu không đúng định dạng ({exc!r}).") from None


# --- adding wards up ------------------------------------------------------------------------------

@dataclass(frozen=True)
class WardEntry:
    """One ward's imported summary."""

    ward_uuid: str
    committee_name: str
    party_org_name: str
    package_created_at: datetime
    imported_at: datetime
    members_listed: int
    summary: YearSummary
    live: bool = False  # read just now from the ward's database on the server, not a package


@dataclass(frozen=True)
class TownSummary:
    year: int
    total: YearSummary  # the wards added up: the same report as a ward's
    wards: tuple[WardEntry, ...]  # in name order: the per-ward breakdown


def _short(ward: WardEntry | YearSummary) -> str:
    name = ward.party_org_name if isinstance(ward, WardEntry) else ward.ward.party_org
    for prefix in ("Đảng bộ ", "Chi bộ "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def aggregate(names: WardNames, year: int, summaries: Sequence[YearSummary]) -> YearSummary:
    """The wards' figures added up.  Organisations merge by folded name; cells and the wards'
    own activities stay apart, named with their ward."""
    at_start = received = at_end = 0
    left: Counter[str] = Counter()
    orgs: dict[str, list[int]] = {}
    org_names: dict[str, str] = {}
    cells: list[GroupFigures] = []
    activities: list[CellActivities] = []
    comments: Counter[tuple[str, str]] = Counter()
    recipients: list[str] = [names.parent] if names.parent else []
    unknown = [0, 0, 0, 0]
    for s in summaries:
        m = s.movements
        at_start, received, at_end = at_start + m.at_start, received + m.received, at_end + m.at_end
        left.update(dict(m.left))
        for g in s.by_org:
            if g.key is None:
                unknown = [a + b for a, b in zip(unknown, (g.members, g.excused, g.received,
                                                           g.left), strict=True)]
                continue
            key = fold(g.name)
            org_names.setdefault(key, g.name)
            totals = orgs.setdefault(key, [0, 0, 0, 0])
            orgs[key] = [a + b for a, b in zip(totals, (g.members, g.excused, g.received, g.left),
                                               strict=True)]
        ward = _short(s)
        for g in s.by_cell:
            name = g.name if g.key is not None else NO_CELL
            cells.append(GroupFigures(len(cells) + 1, f"{name} – {ward}", g.members, g.excused))
        for c in s.activities:
            cell = WHOLE_WARD if c.cell_id is None else c.cell
            activities.append(CellActivities(len(activities) + 1, f"{cell} – {ward}",
                                              dict(c.held), c.counts))
        comments.update(dict(s.comments.counts))
        recipients += [r for r in s.recipients[1:] if r not in recipients]
    by_org = [GroupFigures(n, org_names[k], *orgs[k])
              for n, k in enumerate(sorted(orgs), start=1)]
    if any(unknown):
        by_org.append(GroupFigures(None, NO_ORG, *unknown))
    as_of = max((s.as_of for s in summaries), default=date(year, 12, 31))
    return YearSummary(
        ward=names, year=year, as_of=as_of,
        movements=Movements(at_start, received, {s.value: left[s.value] for s in LEFT_STATUSES},
                            at_end),
        by_org=tuple(by_org), by_cell=tuple(cells), activities=tuple(activities),
        comments=CommentFigures(dict(comments)), recipients=tuple(recipients))


def ward_attendance(summary: YearSummary) -> Participation:
    return total(c.counts for c in summary.activities)


# --- the town committee's store ----------------------------------------------------------------

@dataclass(frozen=True)
class WardImport:
    """What importing a ward's summary package does (or would do)."""

    ward_uuid: str
    ward_name: str
    year: int
    members: int
    at_end: int
    replaces: datetime | None  # the package it replaces (made at), None for a new ward-year
    applied: bool


def _read_list(package: OpenedPackage) -> list[dict[str, Any]]:
    from python_calamine import CalamineWorkbook

    data = package.files.get(WARD_LIST_XLSX)
    if data is None:
        raise PackageError(f"Gói thiếu tệp {WARD_LIST_XLSX}.")
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = book.get_sheet_by_index(0).to_python()
    except Exception as exc:  # calamine raises its own types for a damaged workbook
        raise PackageError(f"{WARD_LIST_XLSX}: không đọc được bảng tính ({exc}).") from None
    if not rows:
        return []
    headers = {str(h).strip(): i for i, h in enumerate(rows[0])}
    missing = [h for _k, h, _w in LIST_COLUMNS if h not in headers]
    if missing:
        raise PackageError(f"{WARD_LIST_XLSX}: thiếu cột «{missing[0]}».")
    out: list[dict[str, Any]] = []
    for number, row in enumerate(rows[1:], start=2):
        values: dict[str, Any] = {k: row[headers[h]] if headers[h] < len(row) else ""
                                  for k, h, _w in LIST_COLUMNS}
        if not str(values["full_name"]).strip():
            continue
        for key in ("birth_date", "join_date", "received_date"):
            value = values[key]
            if isinstance(value, datetime):
                values[key] = value.date()
            elif isinstance(value, date) or value in ("", None):
                values[key] = value or None
            else:
                raise PackageError(f"{WARD_LIST_XLSX}, dòng {number}: cột «{key}» không phải "
                                   f"ngày.")
        values["row"] = number
        out.append(values)
    return out


def import_ward_package(factory: Factory, package: OpenedPackage, own_ward_uuid: str, *,
                        dry_run: bool = False) -> WardImport:
    """Store a ward's summary package (replacing the same ward's earlier package of the year),
    in one transaction.  Refuses this database's own ward and a package older than the stored."""
    m = package.manifest
    if m.kind != KIND_WARD:
        raise PackageError("Gói này không phải gói báo cáo tổng hợp của phường.")
    if m.ward_uuid == own_ward_uuid:
        raise PackageError(f"Gói báo cáo này do chính «{m.ward_name}» lập; chỉ nhập gói của các "
                           f"phường khác vào chương trình của Thành ủy / Thị ủy.")
    try:
        raw = json.loads(package.files[FIGURES_JSON].decode("utf-8"))
    except (KeyError, UnicodeDecodeError, json.JSONDecodeError):
        raise PackageError(f"{FIGURES_JSON}: không đọc được số liệu.") from None
    summary = figures_from_json(raw)
    if summary.year != m.year:
        raise PackageError(f"{FIGURES_JSON}: năm {summary.year} khác năm {m.year} của gói.")
    members = _read_list(package)
    with (factory() if dry_run else factory.begin()) as session:
        old = session.scalars(select(WardReport).where(WardReport.ward_uuid == m.ward_uuid,
                                                       WardReport.year == m.year)).first()
        replaces = old.package_created_at if old is not None else None
        if old is not None and old.package_created_at > m.created_at:
            raise PackageError(
                f"Đã có gói của «{m.ward_name}» năm {m.year} lập lúc "
                f"{old.package_created_at:%H:%M ngày %d/%m/%Y}, mới hơn gói này "
                f"({m.created_at:%H:%M ngày %d/%m/%Y}); không nhập gói cũ.")
        if not dry_run:
            _store(session, package, raw, members, old)
    return WardImport(m.ward_uuid, m.ward_name, m.year, len(members), summary.movements.at_end,
                      replaces, not dry_run)


def _store(session: Session, package: OpenedPackage, raw: Mapping[str, Any],
           members: Sequence[Mapping[str, Any]], old: WardReport | None) -> None:
    m = package.manifest
    if old is not None:
        session.execute(delete(WardReportMember).where(WardReportMember.report_id == old.id))
        report = old
    else:
        report = WardReport(ward_uuid=m.ward_uuid, year=m.year)
        session.add(report)
    report.committee_name = m.ward_name
    report.party_org_name = m.ward_party_org or m.ward_name
    report.parent_name = m.ward_parent
    report.package_created_at = m.created_at
    report.file_name = package.path.name[:300]
    report.package_sha256 = package.sha256
    report.figures_json = json.dumps(raw, ensure_ascii=False)
    report.imported_at = clock.now()
    report.imported_by = history.current_user()
    session.flush()
    status_codes = {s.value for s in MemberStatus}
    session.add_all(WardReportMember(
        report_id=report.id, position=n, member_uuid=str(r["member_uuid"] or "")[:36],
        full_name=str(r["full_name"]).strip()[:200], sort_key=sort_key(str(r["full_name"])),
        birth_date=r["birth_date"], birth_year=_year(r["birth_year"], r["birth_date"]),
        sex=str(r["sex"] or "")[:1], join_date=r["join_date"], job=str(r["job"] or "")[:400],
        party_unit=str(r["party_unit"] or "")[:400], address=str(r["address"] or "")[:300],
        cell=str(r["cell"] or "")[:200], workplace_org=str(r["workplace_org"] or "")[:200],
        received_date=r["received_date"],
        status=str(r["status"]) if r["status"] in status_codes else MemberStatus.ACTIVE.value,
        excused=str(r["excused"]).strip().lower() in ("1", "có", "x", "true"),
        notes=str(r["notes"] or ""))
        for n, r in enumerate(members, start=1))


def _year(value: object, birth: date | None) -> int:
    if birth is not None:
        return birth.year
    try:
        return int(float(str(value)))
    except ValueError:
        return 0


def _names(session: Session) -> WardNames:
    """The names of the committee that owns this database (the town committee, here)."""
    from models.store.entities import Ward

    ward = session.scalars(select(Ward)).first()
    if ward is None:
        return WardNames("", "", "")
    return WardNames(ward.committee_name, ward.party_org_name, ward.parent_name)


def _entries(session: Session, year: int) -> list[WardEntry]:
    from sqlalchemy import func

    counts = {k: v for k, v in session.execute(select(WardReportMember.report_id, func.count())
                                  .group_by(WardReportMember.report_id))}
    entries = []
    for r in session.scalars(select(WardReport).where(WardReport.year == year)):
        entries.append(WardEntry(r.ward_uuid, r.committee_name, r.party_org_name,
                                 r.package_created_at, r.imported_at, int(counts.get(r.id, 0)),
                                 figures_from_json(json.loads(r.figures_json))))
    entries.sort(key=lambda e: (sort_key(_short(e)), e.ward_uuid))
    return entries


def town_summary(factory: Factory, year: int, live: Sequence[WardEntry] = ()) -> TownSummary:
    """The wards of a year added up: those read just now from the server (``live``, see
    ``models.exchange.server_wards``) and the imported packages of the others (a ward both on
    the server and in a package counts once, as the server has it).  LookupError when there is
    no ward at all."""
    with factory() as session:
        names = _names(session)
        entries = _entries(session, year)
    on_server = {e.ward_uuid for e in live}
    entries = [e for e in entries if e.ward_uuid not in on_server] + list(live)
    if not entries:
        raise LookupError(f"Chưa nhập gói báo cáo tổng hợp năm {year} của phường nào "
                          f"(exchange import TỆP.zip), và không đọc được phường nào trên máy "
                          f"chủ.")
    entries.sort(key=lambda e: (sort_key(_short(e)), e.ward_uuid))
    total = aggregate(names, year, [e.summary for e in entries])
    return TownSummary(year, total, tuple(entries))


def list_ward_reports(factory: Factory) -> list[WardEntry]:
    """Every imported ward package, by year then ward."""
    with factory() as session:
        years = sorted(set(session.scalars(select(WardReport.year))))
        return [e for y in years for e in _entries(session, y)]


def town_member_list(factory: Factory, year: int,
                     live: Sequence[tuple[WardEntry, MemberList]] = ()) -> MemberList:
    """The wards' member lists as one list: by ward, each in Vietnamese order; the ward is named
    in the residence column.  ``live``: wards read just now from the server, with their lists
    (they replace the same wards' packages)."""
    with factory() as session:
        names = _names(session)
        on_server = {entry.ward_uuid for entry, _list in live}
        reports = {r.id: r for r in session.scalars(select(WardReport)
                                                    .where(WardReport.year == year))
                   if r.ward_uuid not in on_server}
        lines = session.scalars(select(WardReportMember).where(
            WardReportMember.report_id.in_(list(reports)))).all()
    if not reports and not live:
        raise LookupError(f"Chưa nhập gói báo cáo tổng hợp năm {year} của phường nào.")

    def line(ward: str, x: WardReportMember | ListedMember) -> ListedMember:
        cell = x.cell
        return ListedMember(
            id=x.id, full_name=x.full_name, birth_date=x.birth_date, birth_year=x.birth_year,
            sex=x.sex, join_date=x.join_date, job=x.job, party_unit=x.party_unit,
            address=", ".join(p for p in (x.address, cell, ward) if p),
            received_date=x.received_date, notes=x.notes, cell=f"{cell} – {ward}",
            workplace_org=x.workplace_org, status=x.status, excused=x.excused)

    keyed = [((sort_key(reports[x.report_id].party_org_name), x.sort_key, x.position),
              line(reports[x.report_id].party_org_name, x)) for x in lines]
    for entry, listing in live:
        ward = sort_key(entry.party_org_name)
        keyed += [((ward, sort_key(x.full_name), n), line(entry.party_org_name, x))
                  for n, x in enumerate(listing.rows)]
    rows = tuple(x for _key, x in sorted(keyed, key=lambda k: k[0]))
    return MemberList(ward=names, scope=f"{names.party_org or names.committee} (các phường)",
                      cell_id=None, workplace_org_id=None, rows=rows, totals=member_totals(rows))
