"""What goes into a workplace organisation's exchange package (DESIGN.md §3.7), as plain data.

For a year, each workplace organisation gets the members who work there and were on the ward's
register some day of the year or have a sheet of it (identity, residence, cell, status,
participation of the year as ``models.membership`` counts it) and their comment sheets.  A
member whose sheet of the year was addressed to an organisation goes to that organisation's
package (the sheet's snapshot says which), every other member to their current organisation.
The workbook's columns are declared here once: the writer
(``reports.workbooks.exchange_export``) and the reader of the answers (``models.exchange.answers``)
use the same list.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from models.dates import format_birth
from models.formats import format_date
from models.labels import MEMBER_STATUS, PROPOSAL, SEX, SHEET_STATUS, label
from models.membership import Participation, on_register_during, participation_in, total
from models.store.entities import Cell, CommentSheet, Member, MemberStatus, Ward, WorkplaceOrg

Factory = sessionmaker[Session]

MEMBER_SHEET = "Đảng viên"  # the workbook's main sheet
ORIGINAL_SHEET = "_goc"  # hidden: the values as sent, to tell answers from other edits
LISTS_SHEET = "Danh mục"  # the drop-down list of statuses

# (key, header, width); the data columns the ward fills, then the organisation's answers.
DATA_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("stt", "STT", 5), ("member_uuid", "Mã đảng viên", 14),
    ("sheet_uuid", "Mã phiếu nhận xét", 14), ("full_name", "Họ và tên", 26),
    ("birth", "Ngày sinh", 11), ("sex", "Giới tính", 8), ("card_number", "Số thẻ đảng viên", 11),
    ("employer_unit", "Đơn vị công tác", 26), ("job_title", "Chức vụ", 16),
    ("workplace_cell", "Chi bộ nơi công tác", 22), ("address", "Nơi cư trú", 28),
    ("cell", "Chi bộ nơi cư trú", 16), ("received", "Ngày tiếp nhận", 12),
    ("status", "Trạng thái", 16), ("excused", "Miễn sinh hoạt nơi cư trú", 18),
    ("cell_meetings", "Sinh hoạt chi bộ (có mặt/được mời)", 13),
    ("residents", "Họp khu dân cư (có mặt/được mời)", 13),
    ("movements", "Phong trào (có mặt/được mời)", 13), ("rate", "Tỷ lệ có mặt", 9),
    ("sheet_status", "Phiếu nhận xét: tình trạng", 13), ("sheet_code", "Số phiếu", 12),
    ("proposal", "Đề nghị", 13), ("sent_date", "Ngày gửi phiếu", 12),
)
ANSWER_RECEIVED = "Ngày nhận phiếu"
ANSWER_ORG = "Đơn vị công tác mới"
ANSWER_STATUS = "Tình trạng"
ANSWER_STATUS_DATE = "Ngày thay đổi tình trạng"
ANSWER_NOTE = "Ghi chú"
ANSWER_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("a_received", ANSWER_RECEIVED, 13), ("a_org", ANSWER_ORG, 30),
    ("a_status", ANSWER_STATUS, 22), ("a_status_date", ANSWER_STATUS_DATE, 14),
    ("a_note", ANSWER_NOTE, 30),
)
DATE_KEYS = frozenset({"birth", "received", "sent_date"})
STATUS_LABELS = tuple(MEMBER_STATUS[s] for s in MemberStatus)
DATA_BAND = "THÔNG TIN DO ĐẢNG ỦY PHƯỜNG GỬI (không sửa — sửa ở đây không được ghi nhận)"
ANSWER_BAND = "PHẦN TRẢ LỜI CỦA TỔ CHỨC ĐẢNG NƠI CÔNG TÁC (điền vào các cột này)"


@dataclass(frozen=True)
class PackageRow:
    """One member in an organisation's workbook; ``values`` by the keys of DATA_COLUMNS."""

    member_id: int
    sheet_id: int | None
    values: dict[str, object]

    def text(self, key: str) -> str:
        """The value as the hidden sheet keeps it (dates ISO, numbers plain)."""
        return cell_text(self.values.get(key))


@dataclass(frozen=True)
class OrgPackage:
    org_id: int
    org_uuid: str
    org_name: str
    org_parent: str
    rows: tuple[PackageRow, ...]
    sheet_ids: tuple[int, ...]  # every sheet of the year addressed to the organisation


@dataclass(frozen=True)
class WardIdentity:
    uuid: str
    committee_name: str
    party_org_name: str
    parent_name: str
    place_name: str

    def as_dict(self) -> dict[str, str]:
        return {"uuid": self.uuid, "committee_name": self.committee_name,
                "party_org_name": self.party_org_name, "parent_name": self.parent_name}


class ExchangeError(ValueError):
    """An exchange refused; the message is Vietnamese."""


def cell_text(value: object) -> str:
    """A cell's value as text, the same whoever wrote or read it (dates ISO, 3.0 -> '3')."""
    if value is None:
        return ""
    if isinstance(value, date):  # datetime too: only its day matters here
        return value.isoformat()[:10]
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def ward_identity(factory: Factory) -> WardIdentity:
    with factory() as session:
        return ward_identity_in(session)


def ward_identity_in(session: Session) -> WardIdentity:
    ward = session.scalars(select(Ward)).first()
    if ward is None:
        raise ExchangeError("Chưa thiết lập thông tin đảng ủy phường (Cài đặt).")
    return WardIdentity(ward.uuid, ward.committee_name, ward.party_org_name, ward.parent_name,
                        ward.place_name)


def _counts(p: Participation | None) -> str:
    """'3/4': present out of invited; blank when never invited."""
    return f"{p.present}/{p.invited}" if p is not None and p.invited else ""


def _year_sheets(session: Session, year: int) -> dict[int, list[CommentSheet]]:
    sheets: dict[int, list[CommentSheet]] = defaultdict(list)
    for sheet in session.scalars(select(CommentSheet).where(CommentSheet.year == year)
                                 .order_by(CommentSheet.id)):
        sheets[sheet.member_id].append(sheet)
    return sheets


def _sheet_org(sheet: CommentSheet) -> int | None:
    if sheet.sent_to_org_id is not None:
        return sheet.sent_to_org_id
    org = json.loads(sheet.snapshot_json or "{}").get("org_id")
    return int(org) if isinstance(org, int) else None


def org_packages(factory: Factory, year: int,
                 org_ids: Sequence[int] | None = None) -> list[OrgPackage]:
    """The packages of a year, one per organisation with members (only ``org_ids`` when given),
    organisations by name, members in Vietnamese order."""
    with factory() as session:
        sheets = _year_sheets(session, year)
        members = session.execute(
            select(Member, Cell.name).outerjoin(Cell, Cell.id == Member.cell_id)
            .where(Member.archived.is_(False),
                   or_(Member.id.in_(select(CommentSheet.member_id)
                                     .where(CommentSheet.year == year)),
                       Member.id.in_(on_register_during(date(year, 1, 1),
                                                        date(year, 12, 31)))))
            .order_by(Member.sort_key, Member.id)).all()
        orgs = {o.id: o for o in session.scalars(select(WorkplaceOrg))}
        # a merged organisation's sheets belong to the one it went into
        def live(org_id: int | None) -> int | None:
            seen = set()
            while org_id is not None and org_id in orgs and orgs[org_id].merged_into_id \
                    and org_id not in seen:
                seen.add(org_id)
                org_id = orgs[org_id].merged_into_id
            return org_id

        participation = participation_in(session, [m.id for m, _ in members], year)
        grouped: dict[int, list[PackageRow]] = defaultdict(list)
        sheet_ids: dict[int, list[int]] = defaultdict(list)
        for own in sheets.values():
            for sheet in own:
                target = live(_sheet_org(sheet))
                if target is not None:
                    sheet_ids[target].append(sheet.id)
        for member, cell_name in members:
            own = sheets.get(member.id, [])
            main = next((s for s in own if s.round_id is not None), own[-1] if own else None)
            org_id = live(_sheet_org(main)) if main is not None else None
            org_id = org_id if org_id is not None else live(member.workplace_org_id)
            if org_id is None or (org_ids is not None and org_id not in org_ids):
                continue
            part = participation.get(member.id, {})
            year_rate = total(part.values()).rate
            values: dict[str, object] = {
                "member_uuid": member.uuid, "sheet_uuid": main.uuid if main else "",
                "full_name": member.full_name,
                "birth": member.birth_date or (member.birth_year or None),
                "sex": label(SEX, member.sex), "card_number": member.card_number or "",
                "employer_unit": member.employer_unit, "job_title": member.job_title,
                "workplace_cell": member.workplace_cell, "address": member.address,
                "cell": cell_name or "", "received": member.received_date,
                "status": label(MEMBER_STATUS, member.status)
                + (f" ({format_date(member.closed_date)})" if member.closed_date else ""),
                "excused": (member.excused_reason or "Có") if member.excused else "",
                "cell_meetings": _counts(part.get("cell_meetings")),
                "residents": _counts(part.get("residents")),
                "movements": _counts(part.get("movements")),
                "rate": None if year_rate is None else round(year_rate, 4),
                "sheet_status": label(SHEET_STATUS, main.status) if main else "Chưa lập phiếu",
                "sheet_code": (main.doc_code or "") if main else "",
                "proposal": label(PROPOSAL, main.proposal) if main else "",
                "sent_date": main.sent_date if main else None,
            }
            grouped[org_id].append(PackageRow(member.id, main.id if main else None, values))
        out = []
        for org_id, rows in grouped.items():
            org = orgs[org_id]
            numbered = tuple(PackageRow(r.member_id, r.sheet_id, {"stt": n, **r.values})
                             for n, r in enumerate(rows, start=1))
            out.append(OrgPackage(org.id, org.uuid, org.name, org.parent_name, numbered,
                                  tuple(sorted(sheet_ids.get(org_id, [])))))
    out.sort(key=lambda p: (orgs[p.org_id].name_key, p.org_id))
    return out


def birth_text(value: object) -> str:
    """The birth column's value as people read it (05/02/1980 or 1980)."""
    if isinstance(value, date):
        return format_birth(value, value.year)
    return cell_text(value)
