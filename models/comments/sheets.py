"""The list of a year's sheets, one sheet with its texts, saving it, and its status.

A sheet whose stored texts cannot be read (a damaged ``items_json``) is never written over
silently: opening it shows the items rebuilt from the templates with a notice saying so, saving
it replaces the damage only when the caller says it showed that notice (the damaged text stays in
the change history), and printing or refreshing it is refused with the member's name."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import clock
from models.chunks import chunked
from models.comments.common import (
    EDITABLE,
    ITEMS,
    PROPOSAL_ITEM,
    TEXT_MAX,
    CommentError,
    Factory,
    sheet_json,
)
from models.comments.templates import clean_text, options_in, template_items
from models.labels import PROPOSAL, SHEET_STATUS, label
from models.sharing.stale import StaleRecord, ensure_current, last_change, refuse_stale
from models.store.entities import (
    CommentSheet,
    Member,
    SheetStatus,
    WorkplaceOrg,
)
from models.text.vntext import fold

# --- the list and one sheet ---------------------------------------------------------------------

@dataclass(frozen=True)
class SheetRow:
    id: int
    member_id: int
    full_name: str
    birth: str
    cell_id: int | None
    cell_name: str
    org_id: int | None
    org_name: str
    status: str
    proposal: str
    doc_code: str
    sent_date: date | None
    reason: str  # one-off sheets only
    sort_key: str

    @property
    def status_label(self) -> str:
        return label(SHEET_STATUS, self.status)

    @property
    def proposal_label(self) -> str:
        return label(PROPOSAL, self.proposal)


@dataclass(frozen=True)
class Item:
    number: int
    title: str
    text: str
    auto: str  # the text the template gave; equal to `text` while nobody edited it


class DamagedSheet(CommentError):
    """The stored texts of a sheet cannot be read; nothing was written over them."""


def _owner(sheet: CommentSheet) -> str:
    try:
        name = json.loads(sheet.snapshot_json or "{}").get("full_name")
    except (ValueError, AttributeError):
        name = None
    return str(name) if name else f"mã phiếu {sheet.id}"


def stored_items(sheet: CommentSheet) -> list[dict[str, str]]:
    """The sheet's seven items as stored; DamagedSheet when they cannot be read whole."""
    try:
        items = json.loads(sheet.items_json)["items"]
        readable = isinstance(items, list) and len(items) == ITEMS and all(
            isinstance(i, dict) and all(isinstance(i.get(k, ""), str)
                                        for k in ("title", "text", "auto")) for i in items)
    except (ValueError, TypeError, KeyError):
        readable = False
    if not readable:
        raise DamagedSheet(f"Phiếu nhận xét của {_owner(sheet)}: nội dung các mục đã lưu bị hỏng "
                           "(không đọc được) nên không in hay cập nhật được. Mở phiếu để xem "
                           "nội dung lập lại từ mẫu, sửa rồi lưu.")
    return [dict(i) for i in items]


def rebuilt_items(session: Session, sheet: CommentSheet) -> list[dict[str, str]]:
    """A damaged sheet's items made again from today's templates and its snapshot's figures."""
    try:
        snapshot = json.loads(sheet.snapshot_json or "{}")
    except ValueError:
        snapshot = {}
    return template_items(options_in(session), sheet.year,
                          snapshot if isinstance(snapshot, dict) else {})


def _item_tuple(items: Sequence[Mapping[str, str]]) -> tuple[Item, ...]:
    return tuple(Item(n, i.get("title", ""), i.get("text", ""), i.get("auto", ""))
                 for n, i in enumerate(items, start=1))


def item_tuple(sheet: CommentSheet) -> tuple[Item, ...]:
    """The stored items; DamagedSheet when they cannot be read."""
    return _item_tuple(stored_items(sheet))


def load_sheet(session: Session, sheet_id: int) -> CommentSheet:
    sheet = session.get(CommentSheet, sheet_id)
    if sheet is None:
        raise CommentError("Không tìm thấy phiếu nhận xét này (có thể đã bị xóa).")
    return sheet


_SNAP_FIELDS = re.compile(
    r'"(birth|cell_id|cell_name|org_id|org_name)":("(?:[^"\\]|\\.)*"|null|\d+)')


def _light_snapshot(text: str) -> dict[str, Any]:
    """The few snapshot fields the list shows, without parsing the whole document."""
    return {key: json.loads(value) for key, value in _SNAP_FIELDS.findall(text)}


def sheet_rows(session: Session, year: int) -> list[SheetRow]:
    stmt = (select(CommentSheet.id, CommentSheet.member_id, Member.full_name, Member.sort_key,
                   CommentSheet.status, CommentSheet.proposal, CommentSheet.doc_code,
                   CommentSheet.sent_date, CommentSheet.reason, CommentSheet.snapshot_json)
            .join(Member, Member.id == CommentSheet.member_id)
            .where(CommentSheet.year == year)
            .order_by(Member.sort_key, Member.id, CommentSheet.id))
    rows = []
    for (sheet_id, member_id, name, key, status, proposal, code, sent, reason,
         snapshot) in session.execute(stmt):
        snap = _light_snapshot(snapshot)
        rows.append(SheetRow(sheet_id, member_id, name, snap.get("birth") or "",
                             snap.get("cell_id"), snap.get("cell_name") or "",
                             snap.get("org_id"), snap.get("org_name") or "", status, proposal,
                             code or "", sent, reason, key))
    return rows


def year_sheets(factory: Factory, year: int) -> list[SheetRow]:
    """Every sheet of the year, in Vietnamese order."""
    with factory() as session:
        return sheet_rows(session, year)


def filter_sheets(rows: Iterable[SheetRow], *, status: str | None = None,
                  org_id: int | None = None, cell_id: int | None = None,
                  text: str = "") -> list[SheetRow]:
    """The rows of a status, an organisation, a cell and a name (accent-insensitive word
    prefixes); None / "" for any."""
    words = fold(text).split()
    out = []
    for row in rows:
        if status and row.status != status:
            continue
        if org_id is not None and row.org_id != org_id:
            continue
        if cell_id is not None and row.cell_id != cell_id:
            continue
        if words:
            name_words = fold(row.full_name).split()
            if not all(any(n.startswith(w) for n in name_words) for w in words):
                continue
        out.append(row)
    return out


def list_sheets(factory: Factory, year: int, *, status: str | None = None,
                org_id: int | None = None, cell_id: int | None = None,
                text: str = "") -> list[SheetRow]:
    """The year's sheets in Vietnamese order, filtered as `filter_sheets`."""
    return filter_sheets(year_sheets(factory, year), status=status, org_id=org_id,
                         cell_id=cell_id, text=text)


@dataclass(frozen=True)
class SheetDetail:
    row: SheetRow
    items: tuple[Item, ...]
    snapshot: Mapping[str, Any]
    printed_at: datetime | None
    sent_to_org_id: int | None
    acknowledged_date: date | None
    updated_at: datetime
    damaged: str = ""  # why the items shown were rebuilt from the templates ("" when stored)
    version: int = 0  # as read: the editor's save names it (models.sharing.stale)

    @property
    def editable(self) -> bool:
        return self.row.status in EDITABLE


def get_sheet(factory: Factory, sheet_id: int) -> SheetDetail:
    with factory() as session:
        return _detail(session, load_sheet(session, sheet_id))


def _detail(session: Session, sheet: CommentSheet) -> SheetDetail:
    member = session.get(Member, sheet.member_id)
    assert member is not None
    snap = json.loads(sheet.snapshot_json or "{}")
    row = SheetRow(sheet.id, sheet.member_id, member.full_name, snap.get("birth", ""),
                   snap.get("cell_id"), snap.get("cell_name", ""), snap.get("org_id"),
                   snap.get("org_name", ""), sheet.status, sheet.proposal,
                   sheet.doc_code or "", sheet.sent_date, sheet.reason, member.sort_key)
    damaged = ""
    try:
        items = stored_items(sheet)
    except DamagedSheet:
        items = rebuilt_items(session, sheet)
        damaged = ("Nội dung đã lưu của phiếu này bị hỏng (không đọc được): các mục dưới "
                   "đây được lập lại từ mẫu. Kiểm tra, sửa rồi lưu để thay nội dung hỏng "
                   "(nội dung cũ vẫn giữ trong lịch sử thay đổi).")
    return SheetDetail(row, _item_tuple(items), snap, sheet.printed_at, sheet.sent_to_org_id,
                       sheet.acknowledged_date, sheet.updated_at, damaged, sheet.version)


def _stale_sheet(session: Session, sheet: CommentSheet) -> StaleRecord:
    by, at = last_change(session, "comment_sheet", sheet.id)
    detail = _detail(session, sheet)
    return StaleRecord(f"phiếu nhận xét năm {sheet.year} của {detail.row.full_name}", detail,
                       sheet.version, by=by, at=at)


def _stale_sheet_now(factory: Factory, sheet_id: int) -> StaleRecord:
    with factory() as session:
        return _stale_sheet(session, load_sheet(session, sheet_id))


def validate_items(texts: Sequence[str], proposal: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if len(texts) != ITEMS:
        errors["items"] = f"Phiếu phải có đúng {ITEMS} mục."
    for number, text in enumerate(texts, start=1):
        if len(text) > TEXT_MAX:
            errors[f"item{number}"] = f"Mục {number}: quá dài (tối đa {TEXT_MAX} ký tự)."
    if proposal not in PROPOSAL:
        errors["proposal"] = (f"Mục {PROPOSAL_ITEM}: chưa chọn đề nghị "
                              f"({' / '.join(PROPOSAL.values())}).")
    return errors


def save_sheet(factory: Factory, sheet_id: int, texts: Sequence[str], proposal: str, *,
               replace_damaged: bool = False, version: int | None = None) -> SheetDetail:
    """Store the edited item texts and the proposal (refused once the sheet was sent).

    A sheet whose stored items are damaged is written over only with ``replace_damaged``: the
    caller showed the rebuilt items and the notice of ``get_sheet``.  ``version``: the one the
    editor read (StaleRecord, with the sheet as stored now, when someone else saved it since:
    a refresh from the register, a print that numbered it, another secretary's edit)."""
    errors = validate_items(texts, proposal)
    if errors:
        raise CommentError(" ".join(errors.values()))
    with refuse_stale(lambda: _stale_sheet_now(factory, sheet_id)), \
            factory.begin() as session:
        sheet = load_sheet(session, sheet_id)
        ensure_current(session, sheet.version, version, lambda s: _stale_sheet(s, sheet))
        if sheet.status not in EDITABLE:
            raise CommentError(f"Phiếu đã ở trạng thái «{label(SHEET_STATUS, sheet.status)}», "
                               "không sửa được nữa.")
        try:
            items = stored_items(sheet)
        except DamagedSheet:
            if not replace_damaged:
                raise
            items = rebuilt_items(session, sheet)
        for item, text in zip(items, texts, strict=True):
            item["text"] = clean_text(text)
        items_json = sheet_json({"items": items})
        if items_json != sheet.items_json:
            sheet.items_json = items_json
        if proposal != sheet.proposal:
            sheet.proposal = proposal
    return get_sheet(factory, sheet_id)


# --- status -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StatusResult:
    changed: int
    skipped: tuple[str, ...]  # "Nguyễn Văn An: chưa in" for every sheet left as it was


_ALLOWED_FROM = {
    SheetStatus.DRAFT.value: (SheetStatus.FINISHED.value,),
    SheetStatus.FINISHED.value: (SheetStatus.DRAFT.value,),
    SheetStatus.SENT.value: (SheetStatus.PRINTED.value, SheetStatus.SENT.value),
    SheetStatus.ACKNOWLEDGED.value: (SheetStatus.SENT.value,),
}
_WHY_NOT = {
    SheetStatus.DRAFT.value: "chỉ phiếu hoàn thành mới mở lại thành nháp",
    SheetStatus.FINISHED.value: "chỉ phiếu nháp mới đánh dấu hoàn thành",
    SheetStatus.SENT.value: "phiếu chưa in (in trước khi ghi đã gửi)",
    SheetStatus.ACKNOWLEDGED.value: "phiếu chưa gửi",
}


def set_status(factory: Factory, sheet_ids: Iterable[int], status: str, *,
               on: date | None = None, org_id: int | None = None) -> StatusResult:
    """Move the sheets to `status` (draft, finished, sent, acknowledged) where the rules allow;
    'sent' records the date and the organisation (default: the member's workplace
    organisation in the snapshot); 'acknowledged' the date.  One transaction."""
    if status not in _ALLOWED_FROM:
        raise CommentError("Trạng thái này chỉ đặt được bằng cách in phiếu.")
    day = on or clock.today()
    changed, skipped = 0, []
    with factory.begin() as session:
        if org_id is not None and session.get(WorkplaceOrg, org_id) is None:
            raise CommentError("Không tìm thấy tổ chức đảng nơi công tác này.")
        ids = list(sheet_ids)
        for chunk in chunked(ids):
            for sheet, name in session.execute(
                    select(CommentSheet, Member.full_name)
                    .join(Member, Member.id == CommentSheet.member_id)
                    .where(CommentSheet.id.in_(chunk))):
                if sheet.status not in _ALLOWED_FROM[status]:
                    skipped.append(f"{name}: {_WHY_NOT[status]}")
                    continue
                if status == SheetStatus.SENT.value:
                    snap_org = _light_snapshot(sheet.snapshot_json).get("org_id")
                    sheet.sent_date, sheet.sent_to_org_id = day, org_id or snap_org
                elif status == SheetStatus.ACKNOWLEDGED.value:
                    if sheet.sent_date is not None and day < sheet.sent_date:
                        skipped.append(f"{name}: ngày nhận trước ngày gửi "
                                       f"({sheet.sent_date:%d/%m/%Y})")
                        continue
                    sheet.acknowledged_date = day
                if sheet.status != status:
                    sheet.status = status
                changed += 1
    return StatusResult(changed, tuple(skipped))
