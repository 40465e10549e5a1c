"""From the stored sheets to what the round prints: `models.comments.printing.PrintSheet`
(snapshot, texts, number) turned into `comment_sheet.CommentSheetData` and covering lists.
Plain data in, plain data out: `reports.print_jobs` reads the sheets and writes the file."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import groupby

from models.catalogues.documents import IssuerLines
from models.comments.common import NO_ORG, PROPOSAL_ITEM
from models.comments.printing import PrintSheet
from reports.documents.comment_batch import SheetGroup
from reports.documents.comment_sheet import Certification, CommentSheetData, SheetItem, Signer
from reports.documents.covering_list import CoveringList, CoverRow
from reports.layout import party_doc as doc

FRONT_TITLE = ("T/M BAN CÔNG TÁC MẶT TRẬN",)
FRONT_ROLE = "TRƯỞNG BAN"
_UNKNOWN_ISSUER = IssuerLines(0, "", "", "", "", "", "", "")


def _signers(sheet: PrintSheet, issuer: IssuerLines) -> tuple[Signer, ...]:
    cell = Signer((issuer.signer_title,), issuer.signer_role, issuer.signer_name)
    if not sheet.snapshot.get("front_signs", True):
        return (cell,)
    return (Signer(FRONT_TITLE, FRONT_ROLE, str(sheet.snapshot.get("front_head") or "")), cell)


def certifying_body(ward: IssuerLines) -> str:
    """For the compact arrangement's narrow column: 'ĐẢNG ỦY' from the signer's title
    'T/M ĐẢNG ỦY' (the sheet's header already names the ward); the ward's name line when the
    title says nothing else."""
    title = ward.signer_title.strip()
    body = title[4:].strip() if title.upper().startswith("T/M ") else ""
    return (body or ward.name_line).upper()


def _certification(sheet: PrintSheet) -> Certification | None:
    """'XÁC NHẬN CỦA ĐẢNG ỦY PHƯỜNG MẠO KHÊ' from the ward's issuer lines (valid on the print
    date, or kept from the first print), its signer's title, role and name."""
    ward = sheet.ward_issuer
    if ward is None or not sheet.snapshot.get("ward_certifies", True) or sheet.cell_id is None:
        return None  # (a member in no cell: the ward committee issues the sheet itself)
    short = f"XÁC NHẬN CỦA {certifying_body(ward)}"
    name_line = doc.nfc(ward.name_line).strip().upper()
    return Certification(f"XÁC NHẬN CỦA {name_line}" if name_line else short, short,
                         ward.signer_title, ward.signer_role, ward.signer_name.strip())


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
    """The list posted with one organisation's sheets: sent by their cell when all come from
    one cell, else by the ward committee."""
    cells = {s.cell_id for s in sheets}
    first = sheets[0]
    by_cell = len(cells) == 1 and first.cell_id is not None
    issuer = first.issuer if by_cell else first.ward_issuer
    if issuer is None:
        return None
    rows = tuple(CoverRow(s.full_name, str(s.snapshot.get("birth") or ""),
                          str(s.snapshot.get("job") or ""), s.cell_name, s.doc_code or "")
                 for s in sheets)
    return CoveringList(issuer, printed_on, first.year, first.org_name or NO_ORG, rows,
                        Signer((issuer.signer_title,), issuer.signer_role, issuer.signer_name),
                        "Lưu Chi bộ" if by_cell else "Lưu Văn phòng Đảng ủy")


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
