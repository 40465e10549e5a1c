"""Numbering sheets at their first print, marking them printed, giving numbers back."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.catalogues.documents import (
    IssuerLines,
    NoIssuer,
    document_code,
    give_back_document_numbers,
    issuer_lines_in,
    reserve_document_numbers,
)
from models.chunks import chunked as _chunks
from models.comments.common import KIND, CommentError, Factory, sheet_json
from models.comments.sheets import Item, item_tuple, sheet_rows
from models.comments.snapshot import issuer_dict, issuer_from
from models.sharing.stale import retried
from models.store.entities import (
    CommentSheet,
    Member,
    SheetStatus,
    now,
)
from models.text.vntext import fold

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
    issuer lines become those valid on the print date; both are kept for every reprint (one
    transaction; a draft print only reads).  Two programs printing the same sheet at once: the
    second one's transaction is refused by the sheet's version and runs again, finding the
    sheet numbered (its number given back with the rollback)."""
    return retried(lambda: _prepare(factory, sheet_ids, printed_on, assign_numbers))


def _prepare(factory: Factory, sheet_ids: Sequence[int], printed_on: date,
             assign_numbers: bool) -> list[PrintSheet]:
    with factory.begin() if assign_numbers else factory() as session:
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
                issuer_from(issuer_raw) if issuer_raw else issuer_on(snap.get("cell_id")),
                issuer_from(ward_raw) if ward_raw else issuer_on(None), snap,
                item_tuple(sheet), sheet.proposal, sheet.year))
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
                               f"“{snap.get('cell_name', '')}” chưa có dòng tiêu đề văn bản "
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
            snap["issuer"] = issuer_dict(issuer)
            snap["ward_issuer"] = issuer_dict(ward) if ward else snap.get("ward_issuer")
            snap["printed_on"] = printed_on.isoformat()
            sheet.snapshot_json = sheet_json(snap)


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
    """The sheets among these that have no document number yet, in the order given (a
    database returns rows in whatever order it finds them)."""
    with factory() as session:
        found: set[int] = set()
        for chunk in _chunks(sheet_ids):
            found.update(session.scalars(select(CommentSheet.id).where(
                CommentSheet.id.in_(chunk),
                CommentSheet.doc_code.is_(None))))
        return [i for i in sheet_ids if i in found]


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
            numbers = [int(sheet.doc_number or 0) for sheet, _ in group]
            if not give_back_document_numbers(session, issuer_id, year, KIND, numbers):
                continue  # later numbers were taken meanwhile: these stay, no gap is made
            for sheet, snap in group:
                snap.pop("printed_on", None)
                sheet.snapshot_json = sheet_json(snap)
                sheet.doc_number = None
                sheet.doc_code = None
                released += 1
    return released


def year_sheet_ids(factory: Factory, year: int, cell_id: int | None = None) -> list[int]:
    with factory() as session:
        return [r.id for r in sheet_rows(session, year) if cell_id is None or r.cell_id == cell_id]
