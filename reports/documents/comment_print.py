"""From the stored sheets to the printed round: the bridge between `models.comments.service`
(snapshots, texts, numbers) and `reports.documents.comment_sheet` (the layout)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from itertools import groupby

from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.catalogues.documents import IssuerLines
from models.catalogues.settings import load_settings
from models.comments.common import NO_ORG, PROPOSAL_ITEM
from models.comments.printing import PrintSheet, mark_printed, prepare_print
from reports.documents.comment_sheet import (
    CommentSheetData,
    CoveringList,
    CoverRow,
    SheetGroup,
    SheetItem,
    Signer,
    comment_sheets_pdf,
)
from reports.layout.party_doc import Margins, Out

FRONT_TITLE = ("T/M BAN CÔNG TÁC MẶT TRẬN",)
FRONT_ROLE = "TRƯỞNG BAN"
CERTIFY_NOTE = "(ký tên, đóng dấu)"
_UNKNOWN_ISSUER = IssuerLines(0, "", "", "", "", "", "", "")


def _signers(sheet: PrintSheet, issuer: IssuerLines) -> tuple[Signer, ...]:
    cell = Signer((issuer.signer_title,), issuer.signer_role, issuer.signer_name)
    if not sheet.snapshot.get("front_signs", True):
        return (cell,)
    return (Signer(FRONT_TITLE, FRONT_ROLE, str(sheet.snapshot.get("front_head") or "")), cell)


def _certification(sheet: PrintSheet) -> Signer | None:
    ward = sheet.ward_issuer
    if ward is None or not sheet.snapshot.get("ward_certifies", True) or sheet.cell_id is None:
        return None  # (a member in no cell: the ward committee issues the sheet itself)
    return Signer((f"XÁC NHẬN CỦA {ward.name_line.upper()}", ward.signer_title),
                  ward.signer_role, "", CERTIFY_NOTE)


def sheet_data(sheet: PrintSheet, printed_on: date | None) -> CommentSheetData:
    """What one stored sheet prints; a numbered sheet keeps the date of its first print."""
    snap = sheet.snapshot
    first_print = snap.get("printed_on")
    on = date.fromisoformat(first_print) if first_print and sheet.doc_code else printed_on
    issuer = sheet.issuer or _UNKNOWN_ISSUER
    return CommentSheetData(
        issuer=issuer, doc_code=sheet.doc_code, printed_on=on, year=sheet.year,
        addressee=sheet.org_name, basis_line=str(snap.get("basis_line") or ""),
        commenters=str(snap.get("commenters") or ""), full_name=sheet.full_name,
        sex=str(snap.get("sex") or ""), birth=str(snap.get("birth") or ""),
        job=str(snap.get("job") or ""), party_unit=str(snap.get("party_unit") or ""),
        address=str(snap.get("address") or ""),
        items=tuple(SheetItem(i.number, i.title, "" if i.number == PROPOSAL_ITEM else i.text)
                    for i in sheet.items),
        proposal=sheet.proposal, signers=_signers(sheet, issuer),
        certification=_certification(sheet), member_key=sheet.member_uuid,
    )


def _cover(sheets: Sequence[PrintSheet], printed_on: date | None) -> CoveringList | None:
    cells = {s.cell_id for s in sheets}
    first = sheets[0]
    issuer = first.issuer if len(cells) == 1 else first.ward_issuer
    if issuer is None:
        return None
    rows = tuple(CoverRow(s.full_name, str(s.snapshot.get("birth") or ""),
                          str(s.snapshot.get("job") or ""), s.cell_name, s.doc_code or "")
                 for s in sheets)
    return CoveringList(issuer, printed_on, first.year, first.org_name or NO_ORG, rows,
                        Signer((issuer.signer_title,), issuer.signer_role, issuer.signer_name))


def sheet_groups(sheets: Sequence[PrintSheet], printed_on: date | None, *,
                 covers: bool = True) -> list[SheetGroup]:
    """The sheets (already in print order) in groups by workplace organisation, each with its
    covering list when `covers`."""
    groups = []
    for _, members in groupby(sheets, key=lambda s: (s.org_id, s.org_name)):
        chunk = list(members)
        groups.append(SheetGroup(_cover(chunk, printed_on) if covers else None,
                                 tuple(sheet_data(s, printed_on) for s in chunk)))
    return groups


def print_sheets(factory: sessionmaker[Session], sheet_ids: Sequence[int], out: Out, *,
                 printed_on: date | None = None, final: bool = True, mark: bool | None = None,
                 covers: bool = True, progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> int:
    """Write the sheets as one PDF; returns its pages.  `final` is a real print: numbers are
    given to sheets without one and, unless `mark` is False (the window marks them when the
    user really prints or saves), the sheets are marked printed once the PDF is written.
    A draft preview (`final=False`) changes nothing in the database."""
    printed_on = printed_on or clock.today()
    sheets = prepare_print(factory, list(sheet_ids), printed_on, assign_numbers=final)
    settings = load_settings(factory)
    pages = comment_sheets_pdf(sheet_groups(sheets, printed_on, covers=covers), out,
                               Margins(*settings.margins_mm), progress=progress,
                               cancelled=cancelled)
    if final and (mark is None or mark):
        mark_printed(factory, [s.sheet_id for s in sheets])
    return pages
