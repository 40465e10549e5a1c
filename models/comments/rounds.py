"""Creating the round of a year (for the ward or one cell), one-off sheets, refreshing drafts,
and the round's progress."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from models import clock, testhooks
from models.chunks import chunked
from models.comments.common import CHUNK, REASON_MAX, CommentError, Factory, get_round, sheet_json
from models.comments.sheets import stored_items
from models.comments.snapshot import SnapshotContext, items_for, snapshots
from models.dates import year_error
from models.membership import counted_members, movements_joined, on_the_list, participation_in
from models.store import history
from models.store.entities import (
    Cell,
    ChangeLog,
    CommentSheet,
    Member,
    Proposal,
    SheetStatus,
    new_uuid,
    now,
)
from models.text.vntext import clean

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


def create_round(factory: Factory, year: int, cell_id: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> CreateResult:
    """Make the missing sheets of the year for the cell (None: every cell), in one transaction."""
    _check_year(year)
    with factory.begin() as session:
        if cell_id is not None and session.get(Cell, cell_id) is None:
            raise CommentError("Không tìm thấy chi bộ này.")
        round_ = get_round(session, year)
        assert round_ is not None
        on = round_.reference_date
        wanted = counted_members(session.connection(), cell_id, on)
        excused = _count_excused(session, cell_id, on)
        have = set(session.scalars(select(CommentSheet.member_id)
                                   .where(CommentSheet.round_id == round_.id)))
        new_ids = [m for m in wanted if m not in have]
        ctx = SnapshotContext(session, year, on)
        created = len(_insert_sheets(session, ctx, new_ids, round_.id, "", progress))
        missing = tuple(sorted({ctx.cells[c].name for c in ctx.cells
                                if ctx.cells[c].active and ctx._issuers.get(c, 1) is None}))
        return CreateResult(year, created, len(wanted) - len(new_ids), excused, on,
                            round_.deadline, missing)


def _check_year(year: int) -> None:
    message = year_error(year, "Năm nhận xét")
    if message:
        raise CommentError(message)


def _count_excused(session: Session, cell_id: int | None, on: date) -> int:
    """Members who would be on the list on `on` but for an excused period covering it."""
    return len(session.execute(on_the_list(cell_id, on, excused=True)).all())


def _insert_sheets(session: Session, ctx: SnapshotContext, member_ids: Sequence[int],
                   round_id: int | None, reason: str,
                   progress: Callable[[int, int], None] | None) -> list[int]:
    """Insert the sheets of these members (with their "create" history lines); their ids."""
    if not member_ids:
        return []
    part = participation_in(session, list(member_ids), ctx.year)
    snaps = snapshots(session, ctx, member_ids, part,
                      movements_joined(session, member_ids, ctx.year))
    user, stamp = history.current_user(), now()
    created: list[int] = []
    for chunk in chunked(member_ids, CHUNK):
        rows = []
        for member_id in chunk:
            snap = snaps[member_id]
            rows.append({
                "uuid": new_uuid(), "year": ctx.year, "member_id": member_id,
                "round_id": round_id, "reason": reason, "status": SheetStatus.DRAFT.value,
                "proposal": Proposal.NONE.value,
                "items_json": sheet_json({"items": items_for(ctx, snap)}),
                "snapshot_json": sheet_json(snap), "created_at": stamp, "updated_at": stamp,
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
    _check_year(year)
    with factory.begin() as session:
        if session.get(Member, member_id) is None:
            raise CommentError("Không tìm thấy đảng viên này.")
        ctx = SnapshotContext(session, year, on or clock.today())
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
        round_ = get_round(session, year, create=False)
        on = round_.reference_date if round_ else clock.today()
        ctx = SnapshotContext(session, year, on)
        member_ids = [s.member_id for s in sheets]
        part = participation_in(session, member_ids, year)
        snaps = snapshots(session, ctx, member_ids, part,
                          movements_joined(session, member_ids, year))
        for sheet in sheets:
            snap = snaps[sheet.member_id]
            if sheet.doc_code:  # numbered: it keeps the header, signers and date it was given
                old_snap = json.loads(sheet.snapshot_json or "{}")
                for key in ("issuer", "ward_issuer", "printed_on"):
                    if key in old_snap:
                        snap[key] = old_snap[key]
            fresh = items_for(ctx, snap)
            items = stored_items(sheet)
            for old, new in zip(items, fresh, strict=False):
                if old.get("text") == old.get("auto"):
                    old["text"] = new["text"]
                old["auto"] = new["auto"]
            sheet.items_json = sheet_json({"items": items})
            sheet.snapshot_json = sheet_json(snap)
        return len(sheets)


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
        round_ = get_round(session, year, create=False)
        by_status = dict(session.execute(
            select(CommentSheet.status, func.count()).where(CommentSheet.year == year)
            .group_by(CommentSheet.status)).all())
        by_proposal = dict(session.execute(
            select(CommentSheet.proposal, func.count()).where(CommentSheet.year == year)
            .group_by(CommentSheet.proposal)).all())
    return RoundProgress(year, round_ is not None, sum(by_status.values()), by_status,
                         by_proposal, round_.reference_date if round_ else None,
                         round_.deadline if round_ else None)
