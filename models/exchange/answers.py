"""Reading a workplace organisation's answers back (DESIGN.md §3.7).

The organisation fills the answer columns of ``thanh-vien.xlsx`` (received on, new workplace,
status and its date, note).  Rows are matched by the member's stable id; each answer becomes a
change of the register — a sheet acknowledged, a new workplace organisation (matched by folded
name, or created), a dated status change through ``register.change_status_in``, a note — shown
first as a plan, then applied in one transaction through ORM objects, so the change history
records every field.  Edits outside the answer columns are compared with the hidden sheet of
original values, listed and ignored.  Applying twice changes nothing the second time.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.chunks import chunked
from models.dates import DateError, parse_date
from models.exchange.format import (
    KIND_ORG,
    MEMBERS_XLSX,
    OpenedPackage,
    PackageError,
    content_digest,
)
from models.exchange.packages import (
    ANSWER_COLUMNS,
    DATA_COLUMNS,
    DATE_KEYS,
    MEMBER_SHEET,
    ORIGINAL_SHEET,
    ExchangeError,
    WardIdentity,
    cell_text,
    ward_identity_in,
)
from models.formats import format_date
from models.labels import MEMBER_STATUS, SHEET_STATUS, label
from models.register.service import RegisterError, change_status_in
from models.store.entities import CommentSheet, Member, SheetStatus, WorkplaceOrg
from models.text.vntext import clean, fold

Factory = sessionmaker[Session]

ACKNOWLEDGE = "acknowledge"
WORKPLACE = "workplace"
STATUS = "status"
NOTE = "note"
WHAT = {ACKNOWLEDGE: "Phiếu nhận xét đã nhận", WORKPLACE: "Đổi tổ chức đảng nơi công tác",
        STATUS: "Thay đổi trạng thái", NOTE: "Ghi chú của tổ chức đảng"}
_STATUS_BY_LABEL = {fold(text): code.value for code, text in MEMBER_STATUS.items()}


@dataclass(frozen=True)
class Change:
    """One change the package makes to the register."""

    kind: str  # ACKNOWLEDGE / WORKPLACE / STATUS / NOTE
    row: int  # the workbook row it comes from
    member_id: int
    member_name: str
    before: str
    after: str
    sheet_id: int | None = None
    on: date | None = None
    status: str = ""
    org_id: int | None = None  # WORKPLACE: None means create an organisation named after
    note: str = ""

    @property
    def what(self) -> str:
        return WHAT[self.kind]

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "kind": self.kind, "what": self.what,
                "member": self.member_name, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class AnswerPlan:
    ward_name: str
    org_name: str
    year: int
    created_at: datetime
    answered: bool  # the workbook differs from the one the ward sent
    rows_read: int
    changes: tuple[Change, ...]
    problems: tuple[str, ...]  # answers that cannot be applied, with the row and the reason
    ignored: tuple[str, ...]  # edits outside the answer columns, unknown rows, extra files
    applied: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"kind": KIND_ORG, "ward": self.ward_name, "organisation": self.org_name,
                "year": self.year, "answered": self.answered, "rows": self.rows_read,
                "changes": [c.as_dict() for c in self.changes], "problems": list(self.problems),
                "ignored": list(self.ignored), "applied": self.applied}


@dataclass
class _Sheet:
    """The workbook as read: the original values by member id, the visible rows."""

    originals: dict[str, dict[str, str]]  # member uuid -> key -> text
    headers: dict[str, int]  # key -> column index in the visible sheet
    header_row: int
    rows: list[list[Any]]
    missing_answers: list[str] = field(default_factory=list)


def _read_workbook(package: OpenedPackage) -> _Sheet:
    from python_calamine import CalamineWorkbook

    data = package.files.get(MEMBERS_XLSX)
    if data is None:
        raise PackageError(f"Gói thiếu tệp {MEMBERS_XLSX}.")
    from models.importing.bounds import BoundsError, check_xlsx

    try:
        check_xlsx(data, MEMBERS_XLSX, MEMBER_SHEET)
    except BoundsError as exc:
        raise PackageError(str(exc)) from None
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
        if ORIGINAL_SHEET not in names:
            raise PackageError(f"{MEMBERS_XLSX}: thiếu trang ẩn «{ORIGINAL_SHEET}» (dữ liệu gốc "
                               f"để đối chiếu); không nhập được.")
        original = book.get_sheet_by_name(ORIGINAL_SHEET).to_python()
        visible = book.get_sheet_by_name(MEMBER_SHEET if MEMBER_SHEET in names
                                         else names[0]).to_python()
    except PackageError:
        raise
    except Exception as exc:  # calamine raises its own types for a damaged workbook
        raise PackageError(f"{MEMBERS_XLSX}: tệp bảng tính bị hỏng hoặc không đọc được "
                           f"({exc}).") from None
    keys = [k for k, _h, _w in DATA_COLUMNS]
    table = [[cell_text(v) for v in row] + [""] * (len(keys) - len(row)) for row in original]
    table = [row[:len(keys)] for row in table if any(row)]
    expected = package.manifest.files
    digest = next((f.content_sha256 for f in expected if f.name == MEMBERS_XLSX), "")
    if not table or table[0] != keys or content_digest(table) != digest:
        raise PackageError(f"{MEMBERS_XLSX}: trang ẩn «{ORIGINAL_SHEET}» (dữ liệu gốc) không khớp "
                           f"mã kiểm tra trong manifest.json — tệp đã bị sửa ngoài các cột trả "
                           f"lời; không nhập gói này.")
    originals = {row[1]: dict(zip(keys, row, strict=True)) for row in table[1:]}
    by_header = {fold(h): k for k, h, _w in (*DATA_COLUMNS, *ANSWER_COLUMNS)}
    for number, row in enumerate(visible[:10]):
        found = {by_header[fold(str(v))]: i for i, v in enumerate(row)
                 if fold(str(v)) in by_header}
        if "member_uuid" in found:
            missing = [h for k, h, _w in ANSWER_COLUMNS if k not in found]
            return _Sheet(originals, found, number, visible, missing)
    raise PackageError(f"{MEMBERS_XLSX}: không tìm thấy dòng tiêu đề có cột «Mã đảng viên» ở "
                       f"trang «{MEMBER_SHEET}».")


def _shown(text: str) -> str:
    """ISO dates as dd/mm/yyyy in messages."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return format_date(date.fromisoformat(text))
        except ValueError:
            return text
    return text


def _answer_date(value: Any, row: int, header: str, problems: list[str]) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if not text:
        return None
    try:
        return parse_date(text)
    except DateError as exc:
        problems.append(f"Dòng {row}, cột «{header}»: {exc}")
        return None


def _rows(sheet: _Sheet) -> Iterator[tuple[int, dict[str, Any]]]:
    for index in range(sheet.header_row + 1, len(sheet.rows)):
        raw = sheet.rows[index]
        yield index + 1, {k: raw[i] if i < len(raw) else "" for k, i in sheet.headers.items()}


def _find_org(session: Session, name: str) -> WorkplaceOrg | None:
    key = fold(name)
    candidates = session.scalars(select(WorkplaceOrg).where(WorkplaceOrg.name_key == key)
                                 .order_by(WorkplaceOrg.merged_into_id.is_not(None),
                                           WorkplaceOrg.id)).all()
    org = candidates[0] if candidates else None
    seen: set[int] = set()
    while org is not None and org.merged_into_id is not None and org.id not in seen:
        seen.add(org.id)
        org = session.get(WorkplaceOrg, org.merged_into_id)
    return org


def _plan(session: Session, package: OpenedPackage, today: date,
          allowed: set[str]) -> AnswerPlan:
    m = package.manifest
    if m.kind != KIND_ORG:
        raise PackageError("Gói này không phải gói trả lời của tổ chức đảng nơi công tác.")
    _same_ward(m.ward_uuid, m.ward_name, ward_identity_in(session))
    sheet = _read_workbook(package)
    problems: list[str] = [f"Không thấy cột trả lời «{h}» trong {MEMBERS_XLSX}."
                           for h in sheet.missing_answers]
    ignored: list[str] = [f"Tệp {n} không có trong manifest.json: bỏ qua." for n in
                          package.extra_files]
    changes: list[Change] = []
    member_uuids = list(sheet.originals)
    sheet_uuids = [o["sheet_uuid"] for o in sheet.originals.values() if o["sheet_uuid"]]
    members: dict[str, Member] = {}
    sheets: dict[str, CommentSheet] = {}
    for part in chunked(member_uuids):
        members.update((m.uuid, m) for m in session.scalars(select(Member).where(
            Member.uuid.in_(part))))
    for part in chunked(sheet_uuids):
        sheets.update((s.uuid, s) for s in session.scalars(select(CommentSheet).where(
            CommentSheet.uuid.in_(part))))
    headers = {k: h for k, h, _w in (*DATA_COLUMNS, *ANSWER_COLUMNS)}
    rows_read = 0
    seen: dict[str, int] = {}
    for row, values in _rows(sheet):
        answers = {k: values.get(k, "") for k, _h, _w in ANSWER_COLUMNS}
        uuid = cell_text(values.get("member_uuid"))
        if not uuid:
            if any(cell_text(v) for v in values.values()):
                ignored.append(f"Dòng {row}: không có mã đảng viên — dòng thêm vào, bỏ qua.")
            continue
        original = sheet.originals.get(uuid)
        member = members.get(uuid)
        if original is None or member is None:
            ignored.append(f"Dòng {row}: mã đảng viên «{uuid[:40]}» không có trong gói này"
                           f"{'' if original is None else ' (không còn trong sổ)'} — bỏ qua.")
            continue
        if uuid in seen:
            ignored.append(f"Dòng {row} ({member.full_name}): đảng viên này đã có ở dòng "
                           f"{seen[uuid]} — chỉ ghi nhận dòng {seen[uuid]}, bỏ qua dòng này.")
            continue
        seen[uuid] = row
        if uuid not in allowed:
            problems.append(f"Dòng {row} ({member.full_name}): đảng viên này không có trong danh "
                            f"sách phường gửi {m.org_name} năm {m.year} — gói không được sửa "
                            "đảng viên của tổ chức khác; không ghi nhận dòng này.")
            continue
        rows_read += 1
        name = member.full_name
        for key in sheet.headers:
            if key in ("stt", "member_uuid") or key.startswith("a_"):
                continue
            now_text, was = cell_text(values.get(key)), original[key]
            if key in DATE_KEYS and not isinstance(values.get(key), date) and now_text:
                with contextlib.suppress(DateError):
                    now_text = date_or_text(now_text)
            if now_text != was:
                ignored.append(f"Dòng {row} ({name}), cột «{headers[key]}»: «{_shown(was)}» → "
                               f"«{_shown(now_text)}» — không thuộc phần trả lời, không ghi nhận.")
        row_changes: list[Change] = []
        row_problems: list[str] = []
        _plan_row(session, m.org_name, row, member, original, answers, sheets, today,
                  row_changes, row_problems)
        problems += row_problems
        if row_problems and row_changes:
            # a row with a refused answer is refused whole: its note often explains the very
            # change refused, and half of a row is not what the organisation sent
            problems.append(f"Dòng {row} ({member.full_name}): dòng có trả lời không ghi nhận "
                            f"được nên cả dòng không được ghi ({len(row_changes)} thay đổi khác "
                            "bỏ qua).")
        else:
            changes += row_changes
    return AnswerPlan(m.ward_name, m.org_name, m.year, m.created_at, package.answered, rows_read,
                      tuple(changes), tuple(problems), tuple(ignored))


def _same_ward(ward_uuid: str, ward_name: str, own: WardIdentity) -> None:
    if ward_uuid != own.uuid:
        theirs, ours = f"«{ward_name}»", f"«{own.committee_name}»"
        if fold(ward_name) == fold(own.committee_name):  # same name, another ward's file
            theirs, ours = f"{theirs} (mã {ward_uuid[:8]}…)", f"{ours} (mã {own.uuid[:8]}…)"
        raise PackageError(
            f"Gói này do {theirs} lập, không phải của {ours} — sổ này không nhận gói của phường "
            f"khác.")


def members_sent(factory: Factory, package: OpenedPackage) -> set[str]:
    """The members an answer may change: those the package says it listed, and that the register
    itself lists for that organisation and year (the manifest alone proves nothing: its
    checksums can be recomputed by anyone).  PackageError when the organisation is unknown."""
    from models.exchange.packages import org_packages

    m = package.manifest
    if m.kind != KIND_ORG:
        raise PackageError("Gói này không phải gói trả lời của tổ chức đảng nơi công tác.")
    with factory() as session:
        _same_ward(m.ward_uuid, m.ward_name, ward_identity_in(session))
        org_id = session.scalar(select(WorkplaceOrg.id).where(WorkplaceOrg.uuid == m.org_uuid)) \
            if m.org_uuid else None
    if org_id is None:
        raise PackageError(f"Gói trả lời của «{m.org_name}»: tổ chức đảng này không có trong sổ "
                           f"(mã {m.org_uuid[:8] or 'trống'}…); không nhập gói này.")
    ours = {str(row.values["member_uuid"]) for package_ in org_packages(factory, m.year, [org_id])
            for row in package_.rows}
    return ours & set(m.members) if m.members_listed else ours


def date_or_text(text: str) -> str:
    """A date typed as text, in ISO form (what the hidden sheet keeps)."""
    parsed = parse_date(text)
    return parsed.isoformat() if parsed else text


def _plan_row(session: Session, org_name: str, row: int, member: Member,
              original: dict[str, str], answers: dict[str, Any],
              sheets: dict[str, CommentSheet], today: date, changes: list[Change],
              problems: list[str]) -> None:
    name = member.full_name
    headers = {k: h for k, h, _w in ANSWER_COLUMNS}
    where = f"Dòng {row} ({name})"
    # the new workplace organisation
    new_org = clean(cell_text(answers["a_org"]))
    current = session.get(WorkplaceOrg, member.workplace_org_id) if member.workplace_org_id \
        else None
    if new_org and (current is None or fold(new_org) != current.name_key):
        found = _find_org(session, new_org)
        if len(new_org) > 200:
            problems.append(f"{where}, cột «{headers['a_org']}»: tên dài quá 200 ký tự.")
        elif found is None or found.id != member.workplace_org_id:
            after = found.name if found is not None else f"{new_org} (thêm vào danh mục)"
            changes.append(Change(WORKPLACE, row, member.id, name,
                                  current.name if current else "", after,
                                  org_id=found.id if found is not None else None, note=new_org))
    # the status, dated
    status_text = clean(cell_text(answers["a_status"]))
    status_on = _answer_date(answers["a_status_date"], row, headers["a_status_date"], problems)
    if status_text:
        status = _STATUS_BY_LABEL.get(fold(status_text))
        if status is None:
            problems.append(f"{where}, cột «{headers['a_status']}»: «{status_text}» không có "
                            f"trong danh sách (chọn trong danh sách thả xuống).")
        elif status != member.status:
            on = status_on or today
            last = _last_status_date(session, member.id)
            if on > today:
                problems.append(f"{where}, cột «{headers['a_status_date']}»: ngày "
                                f"{format_date(on)} sau ngày hôm nay.")
            elif last is not None and on < last:
                problems.append(f"{where}: ngày thay đổi {format_date(on)} trước lần thay đổi "
                                f"trạng thái trước ({format_date(last)}); không ghi nhận.")
            else:
                when = format_date(on) + ("" if status_on else " (không ghi ngày: lấy ngày nhập)")
                changes.append(Change(STATUS, row, member.id, name,
                                      label(MEMBER_STATUS, member.status),
                                      f"{label(MEMBER_STATUS, status)} từ {when}", on=on,
                                      status=status, note=clean(cell_text(answers["a_note"]))))
    # the note
    note = clean(cell_text(answers["a_note"]))
    if note:
        line = f"{org_name}: {note}"
        if line not in member.notes:
            changes.append(Change(NOTE, row, member.id, name, "", line, note=line))
    # the comment sheet received
    received = _answer_date(answers["a_received"], row, headers["a_received"], problems)
    if received is not None:
        sheet = sheets.get(original["sheet_uuid"]) if original["sheet_uuid"] else None
        _plan_receipt(row, where, member, sheet, received, today, changes, problems)


def _plan_receipt(row: int, where: str, member: Member, sheet: CommentSheet | None,
                  received: date, today: date, changes: list[Change],
                  problems: list[str]) -> None:
    if sheet is None:
        problems.append(f"{where}: có ngày nhận phiếu nhưng đảng viên không có phiếu nhận xét "
                        f"năm này trong sổ.")
    elif received > today:
        problems.append(f"{where}: ngày nhận phiếu {format_date(received)} sau ngày hôm nay.")
    elif sheet.status == SheetStatus.ACKNOWLEDGED.value:
        if sheet.acknowledged_date != received:
            problems.append(f"{where}: phiếu đã ghi nhận đã nhận ngày "
                            f"{format_date(sheet.acknowledged_date)}; giữ nguyên.")
    elif sheet.status not in (SheetStatus.SENT.value, SheetStatus.PRINTED.value):
        problems.append(f"{where}: phiếu nhận xét đang ở trạng thái "
                        f"«{label(SHEET_STATUS, sheet.status)}» (chưa in, chưa gửi); không "
                        f"ghi nhận ngày nhận.")
    elif sheet.sent_date is not None and received < sheet.sent_date:
        problems.append(f"{where}: ngày nhận phiếu {format_date(received)} trước ngày gửi "
                        f"{format_date(sheet.sent_date)}; không ghi nhận.")
    else:
        changes.append(Change(ACKNOWLEDGE, row, member.id, member.full_name,
                              label(SHEET_STATUS, sheet.status),
                              f"{label(SHEET_STATUS, SheetStatus.ACKNOWLEDGED)} ngày "
                              f"{format_date(received)}", sheet_id=sheet.id, on=received))


def _last_status_date(session: Session, member_id: int) -> date | None:
    from models.store.entities import MemberStatusChange

    return session.scalars(select(MemberStatusChange.date).where(
        MemberStatusChange.member_id == member_id).order_by(
        MemberStatusChange.date.desc())).first()


def plan_answers(factory: Factory, package: OpenedPackage,
                 today: date | None = None) -> AnswerPlan:
    """What importing the package would change (nothing is written)."""
    allowed = members_sent(factory, package)
    with factory() as session:
        return _plan(session, package, today or clock.today(), allowed)


def apply_answers(factory: Factory, package: OpenedPackage, expected: AnswerPlan | None = None,
                  today: date | None = None) -> AnswerPlan:
    """Apply the package in one write transaction; returns the plan applied.  ``expected`` is
    the plan the user saw: the plan made inside the transaction must be exactly that one, or
    nothing is written (ExchangeError) — what the preview showed is what is applied."""
    day = today or clock.today()
    allowed = members_sent(factory, package)
    with factory.begin() as session:
        plan = _plan(session, package, day, allowed)
        if expected is not None and (plan.changes, plan.problems) != (expected.changes,
                                                                       expected.problems):
            raise ExchangeError("Sổ đã thay đổi từ lúc xem trước gói này (có thể một chương "
                                "trình khác vừa ghi): chưa ghi gì. Hãy mở lại gói để xem trước "
                                "rồi ghi.")
        org_id = _package_org_id(session, package)
        created: dict[str, int] = {}
        for change in plan.changes:
            member = session.get(Member, change.member_id)
            if member is None:
                raise ExchangeError(f"Dòng {change.row}: không còn đảng viên {change.member_name}.")
            _apply(session, change, member, plan, org_id, created, day)
    return replace(plan, applied=True)


def _package_org_id(session: Session, package: OpenedPackage) -> int | None:
    uuid = package.manifest.org_uuid
    return session.scalar(select(WorkplaceOrg.id).where(WorkplaceOrg.uuid == uuid)) \
        if uuid else None


def _apply(session: Session, change: Change, member: Member, plan: AnswerPlan,
           package_org: int | None, created: dict[str, int], today: date) -> None:
    if change.kind == WORKPLACE:
        org_id = change.org_id
        if org_id is None:
            key = fold(change.note)
            if key not in created:
                org = WorkplaceOrg(name=change.note, name_key=key)
                session.add(org)
                session.flush()
                created[key] = org.id
            org_id = created[key]
        member.workplace_org_id = org_id
    elif change.kind == STATUS and change.on is not None:
        reason = f"Theo trả lời của {plan.org_name} (gói trao đổi năm {plan.year})"
        if change.note:
            reason += f": {change.note}"
        try:
            change_status_in(session, member, change.status, change.on, reason[:300], today)
        except RegisterError as exc:
            raise ExchangeError(f"Dòng {change.row} ({member.full_name}): {exc}") from None
    elif change.kind == NOTE:
        member.notes = (member.notes.rstrip() + "\n" + change.note).strip()
    elif change.kind == ACKNOWLEDGE and change.sheet_id is not None and change.on is not None:
        sheet = session.get(CommentSheet, change.sheet_id)
        if sheet is None:
            raise ExchangeError(f"Dòng {change.row}: phiếu nhận xét không còn trong sổ.")
        if sheet.status == SheetStatus.PRINTED.value:  # handed over in this very package
            sheet.sent_date = min(plan.created_at.date(), change.on)
            sheet.sent_to_org_id = package_org
        sheet.acknowledged_date = change.on
        sheet.status = SheetStatus.ACKNOWLEDGED.value

