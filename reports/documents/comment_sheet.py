"""The yearly comment sheet (phiếu nhận xét, DOMAIN.md §3.3), the covering list posted with the
sheets to each workplace organisation, and the batch of a whole round as one PDF.

Pure data in, PDF out: `models.comments.service` turns a sheet's snapshot into `CommentSheetData`.
A big batch is laid out in chunks on a pool of processes (ReportLab is pure Python, one core
does about 140 pages a second) and the chunks are joined with pypdf.
"""

from __future__ import annotations

import functools
import io
import multiprocessing
import os
import re
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import IO

from reportlab import rl_config
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from models.catalogues.documents import DocumentKind, IssuerLines
from models.chunks import chunked
from models.comments.common import PROPOSAL_ITEM  # the item printed as the three proposal boxes
from models.labels import PROPOSAL
from reports.layout import party_doc as doc
from reports.layout.fonts import SERIF, SERIF_BOLD
from reports.layout.party_doc import DEFAULT_MARGINS, Margins, Out

KIND = DocumentKind.COMMENT_SHEET
COVER_KIND = DocumentKind.LIST  # danh sách gửi kèm
TITLE = "Phiếu nhận xét"
SUBTITLE = "đảng viên đang công tác giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú"
# too long for one line at 14 pt bold: broken where the receipt slip breaks the same words
_SUBTITLE_LINES = tuple(SUBTITLE.replace(" và nhân dân", "\nvà nhân dân").split("\n"))
COVER_TITLE = "Danh sách phiếu nhận xét"

# The sheet's body is 13 pt on single spacing (HD 36 allows 13–14; the reference form is set so):
# at 14 pt, or with 1.2 spacing, the seven items, both signatures and the ward's certification
# never share one page at the default margins (measured on the sample ward: at 13 pt / 1.1 every
# sheet of ordinary length fits; a long comment continues on a numbered second page).
BODY_SIZE = 13
_BODY = ParagraphStyle("sheet-body", parent=doc.BODY_STYLE, fontSize=BODY_SIZE,
                       leading=BODY_SIZE * 1.1, spaceAfter=0)
_LINE = ParagraphStyle("sheet-line", parent=doc.LINE_STYLE, fontSize=BODY_SIZE,
                       leading=BODY_SIZE * 1.1, spaceAfter=0)

SINGLE_PROCESS_BELOW = 60  # sheets; under this the pool's start-up costs more than it saves
CHUNK_PAGES = 60  # documents per chunk handed to a worker process
BLANK_DATE = "……/……/……"


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
    proposal: str  # "praise" / "none" / "discipline" (models.store.entities.Proposal values)
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
Document = CommentSheetData | CoveringList


# --- layout helpers -----------------------------------------------------------------------------

class _FullWidthTable(Flowable):  # type: ignore[misc]
    """A table whose column widths are fractions of the frame width; it splits like a table."""

    def __init__(self, make: Callable[[float], Table]) -> None:
        super().__init__()
        self._make = make
        self._table: Table | None = None
        self._made_for: float | None = None
        self._size: tuple[float, float] = (0, 0)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self._table is None or self._made_for != avail_width:  # made and measured once
            self._table, self._made_for = self._make(avail_width), avail_width
            self._size = self._table.wrap(avail_width, avail_height)  # per width
        self.width, self.height = self._size
        return self.width, self.height

    def draw(self) -> None:
        assert self._table is not None
        self._table.drawOn(self.canv, 0, 0)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return list(self._make(avail_width).split(avail_width, avail_height))


def _plain_grid(rows: list[list[Flowable | str]], widths: list[float]) -> Table:
    """Cells without padding or rules, top-aligned, the sheet's line spacing under each row."""
    return doc.grid(rows, widths, below=_LINE.spaceAfter)


def _line(markup: str) -> Paragraph:
    return doc.short_paragraph(markup, _LINE)


def _birth_field(birth: str) -> Paragraph:
    """'Sinh ngày: 12/05/1978', or 'Năm sinh: 1978' when only the year is known."""
    value = doc.or_dots(birth, BLANK_DATE)
    label = "Năm sinh" if re.fullmatch(r"\d{4}", value) else "Sinh ngày"
    return doc.field(label, value, style=_LINE)


def _intro(data: CommentSheetData) -> str:
    """'{basis}, {commenters} nhận xét đảng viên như sau:' whatever punctuation ends the basis."""
    basis = doc.nfc(data.basis_line).strip().rstrip(",.;").rstrip()
    commenters = doc.or_dots(data.commenters)
    return f"{basis}, {commenters} nhận xét đảng viên như sau:" if basis else (
        f"{commenters} nhận xét đảng viên như sau:")


def _item_label(item: SheetItem) -> str:
    """'1. Giữ gìn phẩm chất …:' in markup (a title that already ends with ':' keeps one)."""
    return doc.escape(f"{item.number}. {doc.nfc(item.title).strip().rstrip(':').rstrip()}:")


def _item(item: SheetItem) -> Paragraph:
    """'N. title: text', the text's line breaks kept; a long one splits across pages."""
    text = item.text.strip("\n ")
    return doc.body_markup(f"{_item_label(item)} {doc.escape(text) if text else doc.DOTS}",
                           style=_BODY)


_PROPOSAL_LABEL_MAX = 110  # points; a longer item title stands on its own line above the boxes


def _proposal(item: SheetItem, chosen: str) -> list[Flowable]:
    """'6. Đề nghị:' and the three boxes on one line, ☒ before the chosen one."""
    label = _item_label(item)
    boxes: list[Flowable | str] = [
        _line(f"{doc.checkbox_markup(key == chosen)} {doc.escape(text)}")
        for key, text in PROPOSAL.items()
    ]
    label_width = stringWidth(doc.nfc(f"{item.number}. {item.title}:"), SERIF, BODY_SIZE)
    if label_width <= _PROPOSAL_LABEL_MAX:
        def one_row(width: float) -> Table:
            head = max(0.18 * width, label_width + 6)
            rest = (width - head) / 3
            return _plain_grid([[_line(label), *boxes]], [head, rest, rest, rest])

        return [_FullWidthTable(one_row)]
    below = _FullWidthTable(lambda width: _plain_grid([boxes], [width / 3] * 3))
    return [_line(label), below]


SIGN_SPACE_MM = 14  # room to sign between the role and the name (about three lines, as the form)
CERTIFY_SPACE_MM = 0  # the certification is signed and sealed below its note, at the page foot


def _blocks(signers: Sequence[Signer], space_mm: float = SIGN_SPACE_MM) -> list[doc.SignatureBlock]:
    return [doc.SignatureBlock(s.title_lines, s.role, s.name, s.note, space_mm) for s in signers]


# --- one sheet ----------------------------------------------------------------------------------

_SUBTITLE_MIN = 11  # the subtitle shrinks to one line, as on the form, before it wraps


class _OneLine(Flowable):  # type: ignore[misc]
    """A centred bold line shrunk (down to 11 pt) to the frame's width."""

    def __init__(self, text: str, size: float = BODY_SIZE) -> None:
        super().__init__()
        self.text, self.size = doc.nfc(text), size
        self._inner: Paragraph | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        size = self.size
        while size > _SUBTITLE_MIN and stringWidth(self.text, SERIF_BOLD, size) > avail_width:
            size -= 0.5
        style = ParagraphStyle(f"one-line-{size}", fontName=SERIF_BOLD, fontSize=size,
                               leading=size * 1.2, alignment=TA_CENTER)
        self._inner = Paragraph(doc.escape(self.text), style)
        self.width, self.height = self._inner.wrap(avail_width, avail_height)
        return self.width, self.height

    def draw(self) -> None:
        assert self._inner is not None
        self._inner.drawOn(self.canv, 0, 0)


# the blocks a thread's sheets share; flowables hold drawing state, so never across threads
_SHARED = threading.local()
_SHARED_MAX = 200


def _shared(key: object, make: Callable[[], list[Flowable]]) -> list[Flowable]:
    """Blocks every sheet of a cell prints alike (header, title, signatures …) are laid out once,
    drawn once per PDF as a form object and placed on each sheet (`party_doc.shared_block`);
    none of them ever splits."""
    shared: dict[object, list[Flowable]] = _SHARED.__dict__.setdefault("blocks", {})
    found = shared.get(key)
    if found is None:
        if len(shared) >= _SHARED_MAX:
            shared.clear()
        parts = make()
        block = doc.shared_block(parts)
        block.keepWithNext = any(getattr(p, "keepWithNext", False) for p in parts)
        found = shared[key] = [block]
    return found


def _signatures(signers: Sequence[Signer], certification: Signer | None) -> list[Flowable]:
    def make() -> list[Flowable]:
        rows = doc.signature_rows(_blocks(signers), gap_mm=3, size=BODY_SIZE) if signers else []
        if certification is not None:
            rows += doc.signature_rows(_blocks([certification], CERTIFY_SPACE_MM),
                                       single="centre", gap_mm=2, size=BODY_SIZE)
        return rows

    return _shared(("signatures", tuple(signers), certification), make)


def _title(year: int) -> list[Flowable]:
    return _shared(("title", year), lambda: _make_title(year))


def _make_title(year: int) -> list[Flowable]:
    """PHIẾU NHẬN XÉT, the subtitle on one line and the year, tighter than `doc.title` so that a
    sheet with both signatures and the certification fits one page."""
    out: list[Flowable] = [
        Spacer(1, 5 * mm), Paragraph(doc.escape(TITLE.upper()), doc.TITLE_STYLE),
        _OneLine(SUBTITLE), doc.centred(f"Năm {year}", italic=True), Spacer(1, 2 * mm)]
    for flowable in out:
        flowable.keepWithNext = True
    return out


def comment_sheet_flowables(data: CommentSheetData) -> list[Flowable]:
    """One sheet as flowables (DESIGN.md §3.5, form-reference-comment-sheet.png)."""
    head = doc.DocHeader.for_issuer(data.issuer, data.doc_code, KIND, data.printed_on)
    intro = _intro(data)
    addressee = f"Kính gửi: {doc.or_dots(data.addressee)}"
    flowables: list[Flowable] = [
        # what the sheets of one cell share is laid out once: the header without its number,
        # the title, the addressee, the introduction, the proposal row and the signatures
        *_shared(("header", replace(head, number_text="")),
                 lambda: [doc.header(head, with_number=False)]),
        doc.number_line(head),
        *_title(data.year),
        *_shared(("to", addressee), lambda: [
            doc.measured(lambda: doc.centred(addressee, bold=True)), Spacer(1, 2 * mm)]),
        *_shared(("intro", intro), lambda: [doc.measured(lambda: doc.body(intro, style=_BODY))]),
        _FullWidthTable(lambda width: _plain_grid([[
            doc.field("Họ và tên", data.full_name, bold=True, style=_LINE),
            doc.field("Nam/nữ", data.sex, dots=doc.DOTS[:4], style=_LINE),
            _birth_field(data.birth)]], [width * 0.49, width * 0.2, width * 0.31])),
        doc.field("Đơn vị công tác, chức vụ", data.job, style=_LINE),
        doc.field("Sinh hoạt đảng tại", data.party_unit, style=_LINE),
        doc.field("Nơi cư trú", data.address, style=_LINE),
        Spacer(1, 1.5 * mm),
    ]
    for item in data.items:
        if item.number == PROPOSAL_ITEM:
            flowables += _shared(("proposal", item.title, data.proposal),
                                 functools.partial(_proposal, item, data.proposal))
        else:
            flowables.append(_item(item))
    signatures = _signatures(data.signers, data.certification)
    if signatures:
        # the signatures, the certification under them and the last item share a page: a
        # signature never stands on a page of its own
        flowables.append(KeepTogether([flowables.pop(), *signatures]))
    return flowables


def _sheet_title(data: CommentSheetData) -> str:
    return f"Phiếu nhận xét đảng viên năm {data.year} – {doc.nfc(data.full_name).strip()}"


def _author(issuer: IssuerLines) -> str:
    return doc.sentence_case(issuer.name_line)


def comment_sheet_pdf(data: CommentSheetData, out: Out, margins: Margins = DEFAULT_MARGINS) -> int:
    """One sheet as a PDF; returns its pages."""
    return doc.build_pdf(out, comment_sheet_flowables(data), margins,
                         title=_sheet_title(data), author=_author(data.issuer))


# --- the covering list --------------------------------------------------------------------------

_COVER_HEAD = ("STT", "Họ và tên", "Năm sinh", "Đơn vị công tác", "Chi bộ nơi cư trú", "Số phiếu")
_COVER_SHARES = (0.07, 0.25, 0.1, 0.27, 0.16, 0.15)
_TABLE_SIZE = 12
_CELL = ParagraphStyle("cover-cell", fontName=SERIF, fontSize=_TABLE_SIZE,
                       leading=_TABLE_SIZE * 1.2)
_CELL_CENTRED = ParagraphStyle("cover-cell-centred", parent=_CELL, alignment=TA_CENTER)
_HEAD_CELL = ParagraphStyle("cover-head", parent=_CELL_CENTRED, fontName=SERIF_BOLD)


def _year_of(birth: str) -> str:
    """The year of '12/05/1978' or '1978' (the list has a 'Năm sinh' column)."""
    found = re.search(r"\d{4}", birth)
    return found.group(0) if found else birth.strip()


def _cover_table(rows: Sequence[CoverRow]) -> Flowable:
    head = [Paragraph(doc.escape(text), _HEAD_CELL) for text in _COVER_HEAD]
    body = [
        [Paragraph(str(number), _CELL_CENTRED), Paragraph(doc.escape(row.full_name), _CELL),
         Paragraph(doc.escape(_year_of(row.birth)), _CELL_CENTRED),
         Paragraph(doc.escape(row.job), _CELL), Paragraph(doc.escape(row.cell), _CELL),
         Paragraph(doc.escape(row.doc_code), _CELL_CENTRED)]
        for number, row in enumerate(rows, start=1)
    ]
    style = TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), SERIF), ("FONTSIZE", (0, 0), (-1, -1), _TABLE_SIZE),
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"), ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ])

    def make(width: float) -> Table:
        table = Table([head, *body], colWidths=[width * s for s in _COVER_SHARES], repeatRows=1)
        table.setStyle(style)
        return table

    return _FullWidthTable(make)


def covering_list_flowables(cover: CoveringList) -> list[Flowable]:
    """'Danh sách phiếu nhận xét gửi …': header, the table of sheets, the total, the signer."""
    heading = doc.title(COVER_TITLE, f"gửi {doc.or_dots(cover.addressee)}",
                        note=f"Năm {cover.year}")
    heading[-1].keepWithNext = False  # kept with a long table, the title would leave page 1
    return [
        doc.header(doc.DocHeader.for_issuer(cover.issuer, None, COVER_KIND, cover.printed_on)),
        *heading,
        _cover_table(cover.rows),
        Spacer(1, 3 * mm),
        doc.body(f"Tổng số: {len(cover.rows)} phiếu."),
        doc.signature_blocks(_blocks([cover.signer])),
    ]


# --- the batch ----------------------------------------------------------------------------------

class _Checkpoint(Flowable):  # type: ignore[misc]
    """Drawn after each sheet of a single-process batch: reports progress, honours Cancel."""

    def __init__(self, report: Callable[[], None]) -> None:
        super().__init__()
        self._report = report

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self._report()


def _documents(groups: Sequence[SheetGroup]) -> list[Document]:
    return [d for g in groups for d in ((g.cover,) if g.cover else ()) + g.sheets]


def _flowables(document: Document) -> list[Flowable]:
    if isinstance(document, CoveringList):
        return covering_list_flowables(document)
    return comment_sheet_flowables(document)


def _batch_flowables(documents: Sequence[Document],
                     after_sheet: Callable[[], None] | None = None) -> list[Flowable]:
    flowables: list[Flowable] = []
    for document in documents:
        if flowables:
            flowables += doc.document_break()
        flowables += _flowables(document)
        if after_sheet is not None and isinstance(document, CommentSheetData):
            flowables.append(_Checkpoint(after_sheet))
    return flowables


def _start_worker() -> None:
    """In each worker process: binary streams (no ASCII85 text encoding of the compressed page
    streams: a tenth of the layout time, the parent re-writes them anyway)."""
    rl_config.useA85 = 0


def _render_chunk(documents: Sequence[Document], margins: Margins) -> bytes:
    """Lay out a chunk of documents in a worker process; the PDF's bytes (top level: picklable)."""
    buffer = io.BytesIO()
    doc.build_pdf(buffer, _batch_flowables(documents), margins, title="", author="")
    return buffer.getvalue()


def _batch_meta(groups: Sequence[SheetGroup]) -> tuple[str, str]:
    """The batch's title and author (the first sender's name in sentence case)."""
    first = next((g.cover.issuer if g.cover else g.sheets[0].issuer
                  for g in groups if g.cover or g.sheets), None)
    years = sorted({s.year for g in groups for s in g.sheets})
    title = "Phiếu nhận xét đảng viên" + (f" năm {years[0]}" if len(years) == 1 else "")
    return title, _author(first) if first else doc.CREATOR


def _pool_context() -> multiprocessing.context.BaseContext:
    """Workers never fork the calling process (the GUI's threads and locks would be copied
    mid-use): on Linux they fork from a forkserver that has imported this module once (so a
    worker starts warm, and later batches start at once); elsewhere they are spawned."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])  # effective until the server has started
    return context


def _render_single(documents: Sequence[Document], target: IO[bytes], margins: Margins,
                   title: str, author: str, report: Callable[[], None]) -> int:
    return doc.build_pdf(target, _batch_flowables(documents, report), margins,
                         title=title, author=author)


def _render_pool(documents: Sequence[Document], target: IO[bytes], margins: Margins,
                 title: str, author: str, workers: int, chunk_size: int,
                 report: Callable[[int], None], cancelled: Callable[[], bool]) -> int:
    from pypdf import PdfReader, PdfWriter  # only big batches need it

    chunks = [list(c) for c in chunked(documents, chunk_size)]
    writer = PdfWriter()
    results: dict[int, bytes] = {}
    joined = 0
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(),
                             initializer=_start_worker) as pool:
        pending: dict[Future[bytes], int] = {
            pool.submit(_render_chunk, chunk, margins): i for i, chunk in enumerate(chunks)
        }
        try:
            while pending:
                if cancelled():
                    raise Cancelled
                done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in done:
                    index = pending.pop(future)
                    results[index] = future.result()
                    report(sum(isinstance(d, CommentSheetData) for d in chunks[index]))
                while joined in results:  # join in order while the others are laid out
                    for page in PdfReader(io.BytesIO(results.pop(joined))).pages:
                        writer.add_page(page)
                    joined += 1
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    writer.add_metadata({"/Title": doc.nfc(title), "/Author": doc.nfc(author),
                         "/Creator": doc.CREATOR})
    writer.write(target)
    return len(writer.pages)


def comment_sheets_pdf(groups: Sequence[SheetGroup], out: Out, margins: Margins = DEFAULT_MARGINS,
                       *, progress: Progress | None = None,
                       cancelled: Callable[[], bool] | None = None,
                       workers: int | None = None, chunk_size: int = CHUNK_PAGES) -> int:
    """All groups as one PDF (each group's covering list, then its sheets; every document starts
    on a new page with its own page numbers); returns the pages. Raises Cancelled when
    `cancelled()` turns true; the output is then not written.

    From SINGLE_PROCESS_BELOW sheets on, chunks of `chunk_size` documents are laid out on
    `workers` processes (default: up to 2) and joined. Safe to call from any thread.
    """
    documents = _documents(groups)
    total = sum(len(g.sheets) for g in groups)
    title, author = _batch_meta(groups)
    is_cancelled = cancelled or (lambda: False)
    done = 0

    def report(count: int = 1) -> None:
        nonlocal done
        if is_cancelled():
            raise Cancelled
        done += count
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    count = min(2, os.cpu_count() or 1) if workers is None else max(1, workers)
    with _Output(out) as target:
        if total < SINGLE_PROCESS_BELOW:  # else chunks, even on one worker: bounded memory
            pages = _render_single(documents, target, margins, title, author, report)
        else:
            pages = _render_pool(documents, target, margins, title, author, count,
                                 max(1, chunk_size), report, is_cancelled)
    return pages


class _Output:
    """Where a batch is written: a temporary file moved into place (or the caller's stream
    filled) only when the whole batch succeeded."""

    def __init__(self, out: Out) -> None:
        self._path = Path(out) if isinstance(out, (str, os.PathLike)) else None
        self._stream = None if isinstance(out, (str, os.PathLike)) else out
        self._temp: Path | None = None
        self._buffer: IO[bytes] = io.BytesIO()

    def __enter__(self) -> IO[bytes]:
        if self._path is not None:
            handle, name = tempfile.mkstemp(prefix=f".{self._path.name}.", suffix=".part",
                                            dir=self._path.parent)
            os.close(handle)
            self._temp = Path(name)
            self._buffer = self._temp.open("wb")
        return self._buffer

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self._stream is not None:
            if kind is None:
                self._stream.write(self._buffer.getvalue())  # type: ignore[attr-defined]
            return
        self._buffer.close()
        assert self._temp is not None and self._path is not None
        if kind is None:
            os.replace(self._temp, self._path)
        else:
            self._temp.unlink(missing_ok=True)
