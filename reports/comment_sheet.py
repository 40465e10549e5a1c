"""The yearly comment sheet (phiếu nhận xét, DOMAIN.md §3.3), the covering list posted with the
sheets to each workplace organisation, and the batch of a whole round as one PDF.

Pure data in, PDF out: `models.comments` turns a sheet's snapshot into `CommentSheetData`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from models.documents import IssuerLines
from reports.party_doc import DEFAULT_MARGINS, Margins, Out

KIND = "PNX"  # phiếu nhận xét, the kind in document codes ("27-PNX/CB")
COVER_KIND = "DS"  # danh sách gửi kèm
TITLE = "Phiếu nhận xét"
SUBTITLE = "đảng viên đang công tác giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú"
PROPOSAL_LABELS = {"praise": "Biểu dương", "none": "Không đề nghị", "discipline": "Xem xét xử lý"}


class Cancelled(Exception):
    """The user cancelled a batch; nothing was written to the output."""


@dataclass(frozen=True)
class Signer:
    """One signature block: title lines, role, name (blank: room to write it), optional note."""

    title_lines: tuple[str, ...]  # ("T/M BAN CÔNG TÁC MẶT TRẬN",) or ("T/M CHI ỦY",)
    role: str  # "TRƯỞNG BAN" / "BÍ THƯ"
    name: str  # "Trần Thị Bình"; "" leaves the space blank
    note: str | None = None  # "(ký tên, đóng dấu)"


@dataclass(frozen=True)
class SheetItem:
    number: int  # 1..7
    title: str  # "Giữ gìn phẩm chất chính trị, đạo đức, lối sống; nêu gương trước nhân dân"
    text: str  # the comment; may be long and hold line breaks


@dataclass(frozen=True)
class CommentSheetData:
    """Everything one sheet prints (from the sheet's snapshot, its items and its proposal)."""

    issuer: IssuerLines  # the cell's header lines and number suffix
    doc_code: str | None  # "27-PNX/CB"; None prints a blank number to fill in
    printed_on: date | None  # the date line; None prints dots
    year: int
    addressee: str  # "Đảng ủy Công ty Than Mạo Khê" after "Kính gửi:"; "" prints dots
    basis_line: str  # the regulation sentence ("Thực hiện Quy định số 213-QĐ/TW ... nơi cư trú,")
    commenters: str  # "Chi ủy Chi bộ khu 5 phối hợp với Ban công tác Mặt trận khu 5"
    full_name: str
    sex: str  # "Nam" / "Nữ"
    birth: str  # "12/05/1978", or "1978" when only the year is known
    job: str  # "Đơn vị công tác, chức vụ": "Quản đốc Phân xưởng Khai thác 1, Công ty Than Mạo Khê"
    party_unit: str  # "Sinh hoạt đảng tại": "Chi bộ Phân xưởng Khai thác 1 – Đảng ủy Công ty …"
    address: str  # "Nơi cư trú"
    items: tuple[SheetItem, ...]  # the 7 items; item 6's text is replaced by the proposal boxes
    proposal: str  # "praise" / "none" / "discipline" (models.entities.Proposal values)
    signers: tuple[Signer, ...]  # side by side: the Front head (left) and the cell (right)
    certification: Signer | None  # the ward committee's certification, centred below
    member_key: str = ""  # the member's uuid; not printed (lets callers find the sheet's pages)


@dataclass(frozen=True)
class CoverRow:
    full_name: str
    birth: str
    job: str  # unit and job title at the workplace
    cell: str  # residence cell
    doc_code: str  # the sheet's number, "" if none


@dataclass(frozen=True)
class CoveringList:
    """'Danh sách phiếu nhận xét gửi <organisation>': the list posted with a group of sheets."""

    issuer: IssuerLines  # who sends the sheets (a cell, or the ward committee for several cells)
    printed_on: date | None
    year: int
    addressee: str  # the workplace organisation
    rows: tuple[CoverRow, ...]  # in the order of the sheets that follow
    signer: Signer


@dataclass(frozen=True)
class SheetGroup:
    """The sheets sent to one workplace organisation, in print order, with their covering list."""

    cover: CoveringList | None
    sheets: tuple[CommentSheetData, ...]


Progress = Callable[[int, int], None]  # (sheets done, sheets in all)


def comment_sheet_pdf(data: CommentSheetData, out: Out, margins: Margins = DEFAULT_MARGINS) -> int:
    """One sheet as a PDF; returns its pages."""
    raise NotImplementedError


def comment_sheets_pdf(groups: Sequence[SheetGroup], out: Out, margins: Margins = DEFAULT_MARGINS,
                       *, progress: Progress | None = None,
                       cancelled: Callable[[], bool] | None = None,
                       workers: int | None = None) -> int:
    """All groups as one PDF (each group's covering list, then its sheets; every document starts
    on a new page with its own page numbers); returns the pages. Raises Cancelled when
    `cancelled()` turns true; the output is then not written."""
    raise NotImplementedError
