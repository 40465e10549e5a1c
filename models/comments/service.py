"""The yearly comment round (DESIGN.md §3.5, DOMAIN.md §2.2 and §3.3).

A round belongs to a year; creating it (for the whole ward or one cell) makes a comment sheet for
every member on the list on the round's reference date and not excused on it, and running it again
adds only the missing ones.  Each sheet keeps a *snapshot* of everything it prints (identity,
workplace, residence, participation, regulation line, issuer and signers), taken from the register
when it is made; "refresh" renews the snapshot of drafts only.  The seven items start from
templates the user edits; the prefilled texts of items 3–5 hold the member's participation.

Status: draft → finished → printed → sent (date, organisation) → acknowledged.  Printing gives a
sheet its document number ("27-PNX/CB", per cell issuer, year and kind) once; reprints keep it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from types import EllipsisType
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from models import clock, testhooks
from models.activities.service import (
    _active_spans,
    _chunks,
    _default_invitees,
    _excused_on,
    _in_span,
    _on_the_list,
    participation_in,
)
from models.catalogues.documents import (
    IssuerLines,
    NoIssuer,
    document_code,
    issuer_lines_in,
    reserve_document_numbers,
)
from models.catalogues.settings import _load_in as _load_settings_in
from models.dates import format_birth
from models.labels import PROPOSAL, SEX, SHEET_STATUS, label
from models.store import history
from models.store.entities import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Attendance,
    AttendanceState,
    Cell,
    CellAssignment,
    ChangeLog,
    CommentRound,
    CommentSheet,
    DocumentCounter,
    Member,
    Proposal,
    Regulation,
    RoundDeadline,
    Setting,
    SheetStatus,
    Ward,
    WorkplaceOrg,
    new_uuid,
    now,
)
from models.text.vntext import clean, fold

Factory = sessionmaker[Session]

KIND = "PNX"  # phiếu nhận xét: the kind in document codes
ITEMS = 7
PROPOSAL_ITEM = 6
TEXT_MAX = 4000  # one item's comment
REASON_MAX = 300
CHUNK = 200  # sheets per insert (and per crash-test checkpoint)
SETTING_KEY = "comment_form"
NO_ORG = "Chưa rõ tổ chức đảng nơi công tác"
EDITABLE = (SheetStatus.DRAFT.value, SheetStatus.FINISHED.value, SheetStatus.PRINTED.value)

NO_MOVEMENT = "chưa ghi nhận hoạt động nào"


class CommentError(ValueError):
    """A change refused; the message is Vietnamese and names the field or the member."""


# --- templates and form options ------------------------------------------------------------------

@dataclass(frozen=True)
class ItemTemplate:
    title: str
    text: str  # default comment; may hold the TOKENS


DEFAULT_TEMPLATES: tuple[ItemTemplate, ...] = (
    ItemTemplate("Giữ gìn phẩm chất chính trị, đạo đức, lối sống; nêu gương trước nhân dân",
                 "Có lập trường tư tưởng vững vàng, lối sống giản dị, gương mẫu."),
    ItemTemplate("Thực hiện nghĩa vụ công dân và quy định nơi cư trú; vận động gia đình cùng "
                 "thực hiện", "Chấp hành tốt; gia đình đạt danh hiệu gia đình văn hóa."),
    ItemTemplate("Tham gia sinh hoạt với chi bộ nơi cư trú",
                 "Năm {năm} được mời dự {được mời} buổi sinh hoạt, có mặt {có mặt} buổi."),
    ItemTemplate("Dự họp tổ dân phố, giữ mối liên hệ với chi ủy, trưởng khu và Ban công tác "
                 "Mặt trận", "Năm {năm} được mời dự {được mời} buổi họp, có mặt {có mặt} buổi; "
                 "thường xuyên giữ mối liên hệ."),
    ItemTemplate("Tham gia các phong trào, cuộc vận động ở nơi cư trú; chịu sự giám sát của chi "
                 "bộ và nhân dân", "Năm {năm} tham gia: {các phong trào}."),
    ItemTemplate("Đề nghị", ""),
    ItemTemplate("Ý kiến khác", "Không."),
)
# which participation group fills the tokens of items 3, 4 and 5
ITEM_GROUPS = {3: "cell_meetings", 4: "residents", 5: "movements"}


@dataclass(frozen=True)
class FormOptions:
    """The editable defaults of the sheet: item templates and which signers appear."""

    templates: tuple[ItemTemplate, ...] = DEFAULT_TEMPLATES
    front_signs: bool = True  # the head of the Front work committee signs beside the cell
    ward_certifies: bool = True  # the ward committee's certification under the signatures


def _options_in(session: Session) -> FormOptions:
    row = session.get(Setting, SETTING_KEY)
    if row is None:
        return FormOptions()
    try:
        raw = json.loads(row.value)
        templates = tuple(ItemTemplate(str(t["title"]), str(t["text"]))
                          for t in raw.get("templates", []))
        if len(templates) != ITEMS:
            templates = DEFAULT_TEMPLATES
        return FormOptions(templates, bool(raw.get("front_signs", True)),
                           bool(raw.get("ward_certifies", True)))
    except (ValueError, TypeError, KeyError, AttributeError):
        return FormOptions()  # a damaged value: the defaults, never a crash


def load_form_options(factory: Factory) -> FormOptions:
    with factory() as session:
        return _options_in(session)


def validate_form_options(options: FormOptions) -> dict[str, str]:
    """'item3' → message for every template the user must fix (empty when valid)."""
    errors: dict[str, str] = {}
    if len(options.templates) != ITEMS:
        errors["templates"] = f"Phiếu phải có đúng {ITEMS} mục."
    for number, template in enumerate(options.templates, start=1):
        if not clean(template.title):
            errors[f"item{number}"] = f"Mục {number}: chưa nhập tiêu đề."
        elif len(clean(template.title)) > REASON_MAX:
            errors[f"item{number}"] = f"Mục {number}: tiêu đề quá dài (tối đa {REASON_MAX} ký tự)."
        elif len(template.text) > TEXT_MAX:
            errors[f"item{number}"] = f"Mục {number}: nội dung quá dài (tối đa {TEXT_MAX} ký tự)."
    return errors


def save_form_options(factory: Factory, options: FormOptions) -> None:
    errors = validate_form_options(options)
    if errors:
        raise CommentError(" ".join(errors.values()))
    value = json.dumps({
        "templates": [{"title": clean(t.title), "text": _clean_text(t.text)}
                      for t in options.templates],
        "front_signs": options.front_signs, "ward_certifies": options.ward_certifies,
    }, ensure_ascii=False)
    with factory.begin() as session:
        row = session.get(Setting, SETTING_KEY)
        if row is None:
            session.add(Setting(key=SETTING_KEY, value=value))
        else:
            row.value = value


def _clean_text(text: str) -> str:
    """Multi-line text: each line cleaned (NFC, spaces), the line breaks kept."""
    lines = [clean(line) for line in (text or "").replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def fill_template(text: str, year: int, counts: Sequence[int], movements: Sequence[str]) -> str:
    """The template with its tokens replaced: {năm} the year; {được mời}, {có mặt},
    {vắng có lý do}, {vắng không lý do} the counts (invited, present, excused, absent) of the
    item's kind; {các phong trào} the movements joined, or a phrase saying none is recorded."""
    invited, present, excused, absent = [*counts, 0, 0, 0, 0][:4]
    values = {
        "{năm}": str(year), "{được mời}": str(invited), "{có mặt}": str(present),
        "{vắng có lý do}": str(excused), "{vắng không lý do}": str(absent),
        "{các phong trào}": "; ".join(movements) if movements else NO_MOVEMENT,
    }
    return re.sub("|".join(re.escape(t) for t in values), lambda m: values[m.group(0)], text)


# --- the snapshot -------------------------------------------------------------------------------

def _issuer_dict(lines: IssuerLines) -> dict[str, Any]:
    return asdict(lines)


def _issuer_from(raw: Mapping[str, Any]) -> IssuerLines:
    return IssuerLines(**{k: raw[k] for k in IssuerLines.__dataclass_fields__})


def _joined(*parts: str, sep: str = ", ") -> str:
    return sep.join(p.strip() for p in parts if p and p.strip())


def _regulation_line(session: Session, year: int) -> str:
    rows = session.scalars(select(Regulation).order_by(Regulation.from_year)).all()
    valid = [r for r in rows if r.from_year <= year] or list(rows[:1])
    return valid[-1].basis_line if valid else ""


def _commenters(cell: Cell | None) -> str:
    """'Chi ủy Chi bộ khu 5 phối hợp với Ban công tác Mặt trận khu 5'."""
    if cell is None:
        return "Chi bộ nơi cư trú phối hợp với Ban công tác Mặt trận khu dân cư"
    who = f"Chi ủy {cell.name}" if cell.has_committee else cell.name
    area = clean(cell.area)
    front = f"Ban công tác Mặt trận {area[:1].lower() + area[1:]}" if area \
        else "Ban công tác Mặt trận khu dân cư"
    return f"{who} phối hợp với {front}"


class _Context:
    """What every snapshot of one pass shares: cells, organisations, issuers, regulation."""

    def __init__(self, session: Session, year: int, on: date) -> None:
        self.session, self.year, self.on = session, year, on
        self.cells = {c.id: c for c in session.scalars(select(Cell))}
        self.orgs = {o.id: o for o in session.scalars(select(WorkplaceOrg))}
        self.basis_line = _regulation_line(session, year)
        self.options = _options_in(session)
        ward = session.scalars(select(Ward)).first()
        self.committee = ward.committee_name if ward else ""
        self._issuers: dict[int | None, IssuerLines | None] = {}

    def issuer(self, cell_id: int | None) -> IssuerLines | None:
        if cell_id not in self._issuers:
            try:
                self._issuers[cell_id] = issuer_lines_in(self.session, cell_id, self.on)
            except NoIssuer:
                self._issuers[cell_id] = None
        return self._issuers[cell_id]


def _movements(session: Session, member_ids: Sequence[int], year: int) -> dict[int, list[str]]:
    """Per member, the titles of the movements held that year the member was present at,
    counted like participation (inside active spans, outside excused periods), by date."""
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    found: dict[int, list[str]] = defaultdict(list)
    for chunk in _chunks(member_ids):
        spans = _active_spans(after - timedelta(days=1), chunk)
        stmt = (select(Attendance.member_id, Activity.title)
                .join(Activity, Activity.id == Attendance.activity_id)
                .join(spans, _in_span(spans, Attendance.member_id, Activity.date))
                .where(Attendance.member_id.in_(chunk),
                       Attendance.state == AttendanceState.PRESENT.value,
                       Activity.kind == ActivityKind.MOVEMENT.value,
                       Activity.status == ActivityStatus.HELD.value,
                       Activity.date >= first, Activity.date < after,
                       ~_excused_on(Attendance.member_id, Activity.date))
                .order_by(Attendance.member_id, Activity.date, Activity.id))
        for member_id, title in session.execute(stmt):
            if title not in found[member_id]:
                found[member_id].append(title)
    return found


def _snapshots(session: Session, ctx: _Context, member_ids: Sequence[int],
               participation: Mapping[int, Mapping[str, Any]],
               movements: Mapping[int, list[str]]) -> dict[int, dict[str, Any]]:
    """The snapshot of each member's sheet, as stored in snapshot_json."""
    out: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(member_ids):
        # the cell the member belonged to on the round's day (a later move does not change
        # whose sheet it is); the current one for a member in no cell that day
        on_day = dict(session.execute(
            select(CellAssignment.member_id, CellAssignment.cell_id).where(
                CellAssignment.member_id.in_(chunk), CellAssignment.start_date <= ctx.on,
                (CellAssignment.end_date.is_(None)) | (CellAssignment.end_date > ctx.on))
            .order_by(CellAssignment.start_date)).all())
        for m in session.scalars(select(Member).where(Member.id.in_(chunk))):
            cell_id = on_day.get(m.id, m.cell_id)
            org = ctx.orgs.get(m.workplace_org_id) if m.workplace_org_id else None
            cell = ctx.cells.get(cell_id) if cell_id else None
            issuer = ctx.issuer(cell_id) if cell_id else None
            ward_issuer = ctx.issuer(None)
            counts = {group: [p.invited, p.present, p.excused, p.absent]
                      for group, p in participation.get(m.id, {}).items()}
            out[m.id] = {
                "member_uuid": m.uuid, "full_name": m.full_name, "sex": label(SEX, m.sex),
                "birth": format_birth(m.birth_date, m.birth_year),
                "job": _joined(m.job_title, m.employer_unit),
                "party_unit": _joined(m.workplace_cell, org.name if org else "", sep=" – "),
                "address": m.address,
                "org_id": org.id if org else None, "org_name": org.name if org else "",
                "cell_id": cell.id if cell else None, "cell_name": cell.name if cell else "",
                "commenters": _commenters(cell), "basis_line": ctx.basis_line,
                "participation": counts, "movements": list(movements.get(m.id, [])),
                "issuer": _issuer_dict(issuer) if issuer else None,
                "front_head": cell.front_head_name if cell else "",
                "ward_issuer": _issuer_dict(ward_issuer) if ward_issuer else None,
                "committee": ctx.committee,
                "front_signs": ctx.options.front_signs,
                "ward_certifies": ctx.options.ward_certifies,
                "taken_on": ctx.on.isoformat(),
            }
    return out


def _items_for(ctx: _Context, snapshot: Mapping[str, Any]) -> list[dict[str, str]]:
    """The seven items from the templates, filled with the snapshot's figures; each keeps the
    generated text as 'auto' so that a refresh renews only texts nobody edited."""
    items = []
    for number, template in enumerate(ctx.options.templates, start=1):
        group = ITEM_GROUPS.get(number)
        counts = snapshot["participation"].get(group, [0, 0, 0, 0]) if group else [0, 0, 0, 0]
        text = fill_template(template.text, ctx.year, counts, snapshot["movements"])
        items.append({"title": template.title, "text": text, "auto": text})
    return items


def _sheet_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# --- the round ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CreateResult:
    year: int
    created: int  # sheets made now
    existing: int  # members of the list who already had a sheet
    excused: int  # members of the cell's list on the reference date left out as excused
    reference_date: date
    deadline: date | None
    missing_issuer: tuple[str, ...] = ()  # cells without header lines (their sheets print blank)


def _get_round(session: Session, year: int, create: bool = True) -> CommentRound | None:
    found = session.scalars(select(CommentRound).where(CommentRound.year == year)).first()
    if found is None and create:
        settings = _load_settings_in(session)
        found = CommentRound(year=year, reference_date=settings.reference_date(year),
                             deadline=settings.default_deadline(year))
        session.add(found)
        session.flush()
    return found


def create_round(factory: Factory, year: int, cell_id: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> CreateResult:
    """Make the missing sheets of the year for the cell (None: every cell), in one transaction."""
    if not 1990 <= year <= 2100:
        raise CommentError(f"Năm nhận xét không hợp lệ: {year}.")
    with factory.begin() as session:
        if cell_id is not None and session.get(Cell, cell_id) is None:
            raise CommentError("Không tìm thấy chi bộ này.")
        round_ = _get_round(session, year)
        assert round_ is not None
        on = round_.reference_date
        wanted = _default_invitees(session.connection(), cell_id, on)
        excused = _count_excused(session, cell_id, on)
        have = set(session.scalars(select(CommentSheet.member_id)
                                   .where(CommentSheet.round_id == round_.id)))
        new_ids = [m for m in wanted if m not in have]
        ctx = _Context(session, year, on)
        created = len(_insert_sheets(session, ctx, new_ids, round_.id, "", progress))
        missing = tuple(sorted({ctx.cells[c].name for c in ctx.cells
                                if ctx.cells[c].active and ctx._issuers.get(c, 1) is None}))
        return CreateResult(year, created, len(wanted) - len(new_ids), excused, on,
                            round_.deadline, missing)


def _count_excused(session: Session, cell_id: int | None, on: date) -> int:
    """Members who would be on the list on `on` but for an excused period covering it."""
    return len(session.execute(_on_the_list(cell_id, on, excused=True)).all())


def _insert_sheets(session: Session, ctx: _Context, member_ids: Sequence[int],
                   round_id: int | None, reason: str,
                   progress: Callable[[int, int], None] | None) -> list[int]:
    """Insert the sheets of these members (with their "create" history lines); their ids."""
    if not member_ids:
        return []
    part = participation_in(session, list(member_ids), ctx.year)
    snaps = _snapshots(session, ctx, member_ids, part, _movements(session, member_ids, ctx.year))
    user, stamp = history.current_user(), now()
    created: list[int] = []
    for chunk in _chunks(member_ids, CHUNK):
        rows = []
        for member_id in chunk:
            snap = snaps[member_id]
            rows.append({
                "uuid": new_uuid(), "year": ctx.year, "member_id": member_id,
                "round_id": round_id, "reason": reason, "status": SheetStatus.DRAFT.value,
                "proposal": Proposal.NONE.value,
                "items_json": _sheet_json({"items": _items_for(ctx, snap)}),
                "snapshot_json": _sheet_json(snap), "created_at": stamp, "updated_at": stamp,
            })
        ids = list(session.execute(insert(CommentSheet).returning(CommentSheet.id),
                                   rows).scalars())
        session.execute(insert(ChangeLog), [
            {"at": stamp, "user": user, "entity": "comment_sheet", "entity_id": sheet_id,
             "action": "create", "field": "", "old_value": "", "new_value": ""}
            for sheet_id in ids])
        created += ids
        testhooks.rows_written("comments", len(created))
        if progress is not None:
            progress(len(created), len(member_ids))
    return created


def create_one_off(factory: Factory, member_id: int, year: int, reason: str,
                   on: date | None = None) -> int:
    """A sheet outside the round (appointment, award, discipline), also for an excused member."""
    reason = clean(reason)
    if not reason:
        raise CommentError("Lý do lập phiếu: chưa nhập (ví dụ: bổ nhiệm, khen thưởng).")
    if len(reason) > REASON_MAX:
        raise CommentError(f"Lý do lập phiếu quá dài (tối đa {REASON_MAX} ký tự).")
    if not 1990 <= year <= 2100:
        raise CommentError(f"Năm nhận xét không hợp lệ: {year}.")
    with factory.begin() as session:
        if session.get(Member, member_id) is None:
            raise CommentError("Không tìm thấy đảng viên này.")
        ctx = _Context(session, year, on or clock.today())
        return _insert_sheets(session, ctx, [member_id], None, reason, None)[0]


def refresh_drafts(factory: Factory, year: int, sheet_ids: Sequence[int] | None = None) -> int:
    """Renew the snapshot of the year's drafts (of the given sheets) from the register; item
    texts nobody edited are renewed too.  Returns how many drafts were refreshed."""
    with factory.begin() as session:
        stmt = select(CommentSheet).where(CommentSheet.year == year,
                                          CommentSheet.status == SheetStatus.DRAFT.value)
        if sheet_ids is not None:
            stmt = stmt.where(CommentSheet.id.in_(list(sheet_ids)))
        sheets = list(session.scalars(stmt))
        if not sheets:
            return 0
        round_ = _get_round(session, year, create=False)
        on = round_.reference_date if round_ else clock.today()
        ctx = _Context(session, year, on)
        member_ids = [s.member_id for s in sheets]
        part = participation_in(session, member_ids, year)
        snaps = _snapshots(session, ctx, member_ids, part, _movements(session, member_ids, year))
        for sheet in sheets:
            snap = snaps[sheet.member_id]
            if sheet.doc_code:  # numbered: it keeps the header, signers and date it was given
                old_snap = json.loads(sheet.snapshot_json or "{}")
                for key in ("issuer", "ward_issuer", "printed_on"):
                    if key in old_snap:
                        snap[key] = old_snap[key]
            fresh = _items_for(ctx, snap)
            items = _items(sheet)
            for old, new in zip(items, fresh, strict=False):
                if old.get("text") == old.get("auto"):
                    old["text"] = new["text"]
                old["auto"] = new["auto"]
            sheet.items_json = _sheet_json({"items": items})
            sheet.snapshot_json = _sheet_json(snap)
        return len(sheets)


# --- deadlines ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    org_id: int | None  # None: the round's own
    org_name: str
    deadline: date | None
    overridden: bool


def days_left_text(deadline: date | None, today: date) -> str:
    """'còn 19 ngày', 'hôm nay là hạn', 'quá hạn 3 ngày' ('' without a deadline)."""
    if deadline is None:
        return ""
    days = (deadline - today).days
    if days > 0:
        return f"còn {days} ngày"
    if days == 0:
        return "hôm nay là hạn"
    return f"quá hạn {-days} ngày"


def current_round_year(factory: Factory, today: date | None = None) -> int:
    """The year whose comment round is under way on ``today``: last year's while its deadline
    (the round's own or an organisation's later one; the settings' default when the round was
    never opened) has not passed, this year's otherwise."""
    today = today or clock.today()
    last = today.year - 1
    with factory() as session:
        round_ = _get_round(session, last, create=False)
        ends: list[date | None]
        if round_ is None:
            ends = [_load_settings_in(session).default_deadline(last)]
        else:
            ends = [round_.deadline, *session.scalars(
                select(RoundDeadline.deadline).where(RoundDeadline.round_id == round_.id))]
    return last if any(d is not None and today <= d for d in ends) else today.year


def set_deadline(factory: Factory, year: int, deadline: date | None,
                 org_id: int | None = None) -> None:
    """The round's deadline, or (org_id) an organisation's own; None removes an override."""
    if org_id is None:
        set_deadlines(factory, year, deadline, {})
    else:
        set_deadlines(factory, year, ..., {org_id: deadline})


def set_deadlines(factory: Factory, year: int, deadline: date | EllipsisType | None,
                  own: Mapping[int, date | None]) -> None:
    """The round's deadline (`...`: unchanged) and organisations' own deadlines (None removes
    one), all checked, then written in one transaction."""
    with factory.begin() as session:
        round_ = _get_round(session, year)
        assert round_ is not None
        names = dict(session.execute(select(WorkplaceOrg.id, WorkplaceOrg.name)
                                     .where(WorkplaceOrg.id.in_(list(own)))).all())
        first = f"{round_.reference_date:%d/%m/%Y}"
        for org_id, day in [(None, deadline), *own.items()]:
            if isinstance(day, date) and day < round_.reference_date:
                who = "của cả đợt" if org_id is None else f"của {names.get(org_id, '')}"
                raise CommentError(f"Hạn gửi nhận xét {who} không được trước ngày chốt danh "
                                   f"sách ({first}).")
        if isinstance(deadline, date) or deadline is None:
            round_.deadline = deadline
        rows = {r.workplace_org_id: r for r in session.scalars(
            select(RoundDeadline).where(RoundDeadline.round_id == round_.id))}
        for org_id, day in own.items():
            row = rows.get(org_id)
            if day is None:
                if row is not None:
                    session.delete(row)
            elif row is None:
                session.add(RoundDeadline(round_id=round_.id, workplace_org_id=org_id,
                                          deadline=day))
            else:
                row.deadline = day


def deadlines(factory: Factory, year: int) -> list[Deadline]:
    """The round's deadline first, then every organisation with sheets this year (its own
    deadline or the round's), in name order."""
    with factory() as session:
        round_ = _get_round(session, year, create=False)
        if round_ is None:
            return []
        own = dict(session.execute(select(RoundDeadline.workplace_org_id, RoundDeadline.deadline)
                                   .where(RoundDeadline.round_id == round_.id)).all())
        org_ids = {r.org_id for r in _rows(session, year) if r.org_id is not None}
        names = dict(session.execute(select(WorkplaceOrg.id, WorkplaceOrg.name)
                                     .where(WorkplaceOrg.id.in_(org_ids | set(own)))).all())
    out = [Deadline(None, "Cả đợt", round_.deadline, False)]
    for org_id in sorted(names, key=lambda i: fold(names[i])):
        out.append(Deadline(org_id, names[org_id], own.get(org_id, round_.deadline),
                            org_id in own))
    return out


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


_SNAP_FIELDS = re.compile(
    r'"(birth|cell_id|cell_name|org_id|org_name)":("(?:[^"\\]|\\.)*"|null|\d+)')


def _light_snapshot(text: str) -> dict[str, Any]:
    """The few snapshot fields the list shows, without parsing the whole document."""
    return {key: json.loads(value) for key, value in _SNAP_FIELDS.findall(text)}


def _rows(session: Session, year: int) -> list[SheetRow]:
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
        return _rows(session, year)


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
class Item:
    number: int
    title: str
    text: str
    auto: str  # the text the template gave; equal to `text` while nobody edited it


@dataclass(frozen=True)
class SheetDetail:
    row: SheetRow
    items: tuple[Item, ...]
    snapshot: Mapping[str, Any]
    printed_at: datetime | None
    sent_to_org_id: int | None
    acknowledged_date: date | None
    updated_at: datetime

    @property
    def editable(self) -> bool:
        return self.row.status in EDITABLE


def _items(sheet: CommentSheet) -> list[dict[str, str]]:
    try:
        items = json.loads(sheet.items_json).get("items", [])
    except (ValueError, AttributeError):
        items = []
    items = [dict(i) for i in items if isinstance(i, dict)][:ITEMS]
    while len(items) < ITEMS:
        template = DEFAULT_TEMPLATES[len(items)]
        items.append({"title": template.title, "text": "", "auto": ""})
    return items


def _item_tuple(sheet: CommentSheet) -> tuple[Item, ...]:
    return tuple(Item(n, i.get("title", ""), i.get("text", ""), i.get("auto", ""))
                 for n, i in enumerate(_items(sheet), start=1))


def _load(session: Session, sheet_id: int) -> CommentSheet:
    sheet = session.get(CommentSheet, sheet_id)
    if sheet is None:
        raise CommentError("Không tìm thấy phiếu nhận xét này (có thể đã bị xóa).")
    return sheet


def get_sheet(factory: Factory, sheet_id: int) -> SheetDetail:
    with factory() as session:
        sheet = _load(session, sheet_id)
        member = session.get(Member, sheet.member_id)
        assert member is not None
        snap = json.loads(sheet.snapshot_json or "{}")
        row = SheetRow(sheet.id, sheet.member_id, member.full_name, snap.get("birth", ""),
                       snap.get("cell_id"), snap.get("cell_name", ""), snap.get("org_id"),
                       snap.get("org_name", ""), sheet.status, sheet.proposal,
                       sheet.doc_code or "", sheet.sent_date, sheet.reason, member.sort_key)
        return SheetDetail(row, _item_tuple(sheet), snap, sheet.printed_at, sheet.sent_to_org_id,
                           sheet.acknowledged_date, sheet.updated_at)


def validate_items(texts: Sequence[str], proposal: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if len(texts) != ITEMS:
        errors["items"] = f"Phiếu phải có đúng {ITEMS} mục."
    for number, text in enumerate(texts, start=1):
        if len(text) > TEXT_MAX:
            errors[f"item{number}"] = f"Mục {number}: quá dài (tối đa {TEXT_MAX} ký tự)."
    if proposal not in PROPOSAL:
        errors["proposal"] = ("Mục 6: chưa chọn đề nghị "
                              "(Biểu dương / Không đề nghị / Xem xét xử lý).")
    return errors


def save_sheet(factory: Factory, sheet_id: int, texts: Sequence[str], proposal: str) -> SheetDetail:
    """Store the edited item texts and the proposal (refused once the sheet was sent)."""
    errors = validate_items(texts, proposal)
    if errors:
        raise CommentError(" ".join(errors.values()))
    with factory.begin() as session:
        sheet = _load(session, sheet_id)
        if sheet.status not in EDITABLE:
            raise CommentError(f"Phiếu đã ở trạng thái «{label(SHEET_STATUS, sheet.status)}», "
                               "không sửa được nữa.")
        items = _items(sheet)
        for item, text in zip(items, texts, strict=True):
            item["text"] = _clean_text(text)
        items_json = _sheet_json({"items": items})
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
        for chunk in _chunks(ids):
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


# --- printing -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PrintSheet:
    """One sheet ready to print: the snapshot and texts as `reports.documents.comment_sheet`
    needs them."""

    sheet_id: int
    member_uuid: str
    full_name: str
    sort_key: str
    cell_id: int | None
    cell_name: str
    org_id: int | None
    org_name: str
    doc_code: str | None
    issuer: IssuerLines | None
    ward_issuer: IssuerLines | None
    snapshot: Mapping[str, Any]
    items: tuple[Item, ...]
    proposal: str
    year: int


def prepare_print(factory: Factory, sheet_ids: Sequence[int], printed_on: date, *,
                  assign_numbers: bool) -> list[PrintSheet]:
    """The sheets to print in print order: grouped by workplace organisation (name order, the
    sheets without one last), Vietnamese order inside.  With `assign_numbers` (a real print),
    sheets without a number take the next of their cell's counter for the print year, and their
    issuer lines become those valid on the print date; both are kept for every reprint."""
    with factory() as session:
        loaded: list[tuple[CommentSheet, str]] = []
        for chunk in _chunks(sheet_ids):
            loaded += session.execute(
                select(CommentSheet, Member.sort_key)
                .join(Member, Member.id == CommentSheet.member_id)
                .where(CommentSheet.id.in_(chunk))).all()
        snaps = {s.id: json.loads(s.snapshot_json or "{}") for s, _ in loaded}

        def order(pair: tuple[CommentSheet, str]) -> tuple[int, str, str, int]:
            snap = snaps[pair[0].id]
            org = snap.get("org_name") or ""
            return (0 if org else 1, fold(org), pair[1], pair[0].id)

        loaded.sort(key=order)
        issuers: dict[int | None, IssuerLines | None] = {}

        def issuer_on(cell_id: int | None) -> IssuerLines | None:
            if cell_id not in issuers:
                try:
                    issuers[cell_id] = issuer_lines_in(session, cell_id, printed_on)
                except NoIssuer:
                    issuers[cell_id] = None
            return issuers[cell_id]

        if assign_numbers:
            _number_sheets(session, [s for s, _ in loaded], snaps, printed_on, issuer_on)
        out = []
        for sheet, key in loaded:
            snap = snaps[sheet.id]
            issuer_raw = snap.get("issuer")
            ward_raw = snap.get("ward_issuer")
            out.append(PrintSheet(
                sheet.id, snap.get("member_uuid", ""), snap.get("full_name", ""), key,
                snap.get("cell_id"), snap.get("cell_name", ""), snap.get("org_id"),
                snap.get("org_name", ""), sheet.doc_code,
                _issuer_from(issuer_raw) if issuer_raw else issuer_on(snap.get("cell_id")),
                _issuer_from(ward_raw) if ward_raw else issuer_on(None), snap,
                _item_tuple(sheet), sheet.proposal, sheet.year))
        if assign_numbers:
            session.commit()
        return out


def _number_sheets(session: Session, sheets: Sequence[CommentSheet],
                   snaps: dict[int, dict[str, Any]], printed_on: date,
                   issuer_on: Callable[[int | None], IssuerLines | None]) -> None:
    """Give the sheets without a number the next numbers of their cell's counter for the print
    year, in print order; their issuer lines become those of the print date."""
    wanted: dict[int, list[CommentSheet]] = defaultdict(list)
    lines: dict[int, IssuerLines] = {}
    for sheet in sheets:
        if sheet.doc_code:
            continue
        snap = snaps[sheet.id]
        issuer = issuer_on(snap.get("cell_id"))
        if issuer is None:
            raise CommentError(f"Phiếu của {snap.get('full_name', '')}: chi bộ "
                               f"«{snap.get('cell_name', '')}» chưa có dòng tiêu đề văn bản "
                               "(Danh mục › Cơ quan ban hành).")
        wanted[issuer.issuer_id].append(sheet)
        lines[issuer.issuer_id] = issuer
    ward = issuer_on(None)
    for issuer_id, batch in wanted.items():
        issuer = lines[issuer_id]
        first = reserve_document_numbers(session, issuer_id, printed_on.year, KIND, len(batch))
        for number, sheet in enumerate(batch, start=first):
            snap = snaps[sheet.id]
            sheet.doc_number = number
            sheet.doc_code = document_code(number, KIND, issuer.number_suffix)
            snap["issuer"] = _issuer_dict(issuer)
            snap["ward_issuer"] = _issuer_dict(ward) if ward else snap.get("ward_issuer")
            snap["printed_on"] = printed_on.isoformat()
            sheet.snapshot_json = _sheet_json(snap)


def mark_printed(factory: Factory, sheet_ids: Sequence[int], at: datetime | None = None) -> int:
    """After a real print: drafts and finished sheets become 'printed' (sent ones stay)."""
    stamp = at or now()
    count = 0
    with factory.begin() as session:
        for chunk in _chunks(sheet_ids):
            for sheet in session.scalars(select(CommentSheet).where(
                    CommentSheet.id.in_(chunk))):
                if sheet.printed_at is None:
                    sheet.printed_at = stamp
                if sheet.status in (SheetStatus.DRAFT.value, SheetStatus.FINISHED.value):
                    sheet.status = SheetStatus.PRINTED.value
                    count += 1
    return count


def unnumbered(factory: Factory, sheet_ids: Sequence[int]) -> list[int]:
    """The sheets among these that have no document number yet."""
    with factory() as session:
        found: list[int] = []
        for chunk in _chunks(sheet_ids):
            found += session.scalars(select(CommentSheet.id).where(
                CommentSheet.id.in_(chunk),
                CommentSheet.doc_code.is_(None)))
        return found


def release_numbers(factory: Factory, sheet_ids: Sequence[int]) -> int:
    """Give back the numbers a print took for these sheets when the user closed the preview
    without printing or saving: a number belongs to a printed sheet. Only the last numbers of a
    counter can be given back (never leaving a gap), and only for sheets still not printed;
    returns how many were given back."""
    released = 0
    with factory.begin() as session:
        sheets = [s for chunk in _chunks(sheet_ids)
                  for s in session.scalars(select(CommentSheet).where(
                      CommentSheet.id.in_(chunk),
                      CommentSheet.doc_number.is_not(None),
                      CommentSheet.printed_at.is_(None)))]
        groups: dict[tuple[int, int], list[tuple[CommentSheet, dict[str, Any]]]] = \
            defaultdict(list)
        for sheet in sheets:
            snap = json.loads(sheet.snapshot_json or "{}")
            issuer, printed = snap.get("issuer") or {}, snap.get("printed_on")
            if issuer.get("issuer_id") and printed:
                groups[(int(issuer["issuer_id"]), date.fromisoformat(printed).year)].append(
                    (sheet, snap))
        for (issuer_id, year), group in groups.items():
            counter = session.get(DocumentCounter, (issuer_id, year, KIND))
            numbers = sorted(int(sheet.doc_number or 0) for sheet, _ in group)
            if counter is None or numbers != list(range(counter.last_number - len(numbers) + 1,
                                                        counter.last_number + 1)):
                continue  # later numbers were taken meanwhile: these stay, no gap is made
            counter.last_number -= len(numbers)
            for sheet, snap in group:
                snap.pop("printed_on", None)
                sheet.snapshot_json = _sheet_json(snap)
                sheet.doc_number = None
                sheet.doc_code = None
                released += 1
    return released


def year_sheet_ids(factory: Factory, year: int, cell_id: int | None = None) -> list[int]:
    with factory() as session:
        return [r.id for r in _rows(session, year) if cell_id is None or r.cell_id == cell_id]


# --- progress -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RoundProgress:
    year: int
    exists: bool
    total: int
    by_status: Mapping[str, int] = field(default_factory=dict)
    by_proposal: Mapping[str, int] = field(default_factory=dict)
    reference_date: date | None = None
    deadline: date | None = None

    @property
    def done(self) -> int:
        """Sheets sent or acknowledged."""
        return self.by_status.get(SheetStatus.SENT.value, 0) + \
            self.by_status.get(SheetStatus.ACKNOWLEDGED.value, 0)


def round_progress(factory: Factory, year: int) -> RoundProgress:
    with factory() as session:
        round_ = _get_round(session, year, create=False)
        by_status = dict(session.execute(
            select(CommentSheet.status, func.count()).where(CommentSheet.year == year)
            .group_by(CommentSheet.status)).all())
        by_proposal = dict(session.execute(
            select(CommentSheet.proposal, func.count()).where(CommentSheet.year == year)
            .group_by(CommentSheet.proposal)).all())
    return RoundProgress(year, round_ is not None, sum(by_status.values()), by_status,
                         by_proposal, round_.reference_date if round_ else None,
                         round_.deadline if round_ else None)

