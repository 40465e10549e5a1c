"""The party-document layout every printout shares (DOMAIN.md §3.1, HD 36-HD/VPTW).

Pure building blocks: the two-column header, the title, body paragraphs, signature blocks, and
`build_pdf`, which lays them out on A4 with the user's margins, page numbers and metadata.
Text given as plain strings is escaped here; functions named `*_markup` take ReportLab mini-markup.
"""

from __future__ import annotations

import functools
import itertools
import os
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Any, Literal
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as _landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import PageBreakIfNotEmpty

from models.catalogues.documents import IssuerLines
from reports.layout.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, SYMBOLS, register_fonts

CREATOR = "Sổ đảng viên 213"
PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"
DOTS = "…" * 15
SIZE = 14  # body, header lines, signatures
TITLE_SIZE = 16
PARTY_NAME_SIZE = 15
LEADING = 17  # ≈ 1.2 lines at 14 pt
_MIN_SIZE = 12  # header and signature lines shrink down to this before they wrap
_BLANK = "\u00a0" * 7  # room to write a number by hand; NBSP so the layout keeps it
_GUTTER = 6  # points kept free beside each centred line (between the header columns)

PageNumbers = Literal["from_second", "of_total", "none"]
Out = str | os.PathLike[str] | IO[bytes]

register_fonts()


@dataclass(frozen=True)
class Margins:
    """Page margins in millimetres; the defaults of DOMAIN.md §3.1, callers pass the settings."""

    top_mm: float = 25
    bottom_mm: float = 25
    left_mm: float = 35
    right_mm: float = 15


DEFAULT_MARGINS = Margins()


def _style(name: str, *, font: str = SERIF, size: float = SIZE, align: int = TA_LEFT,
           leading: float | None = None, **extra: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, alignment=align,
                          leading=leading or max(LEADING, size * 1.2), **extra)


BODY_STYLE = _style("body", align=TA_JUSTIFY, spaceAfter=3)
LINE_STYLE = _style("line", spaceAfter=2)  # label: value lines, flush left
CENTRED_STYLE = _style("centred", align=TA_CENTER)
TITLE_STYLE = _style("title", font=SERIF_BOLD, size=TITLE_SIZE, align=TA_CENTER)
_PAGE_NUMBER_SIZE = 13


# --- text helpers -------------------------------------------------------------------------------

def nfc(text: str) -> str:
    """NFC, so every Vietnamese letter is one precomposed glyph of the font (spaces are left as
    they are, unlike ``models.text.vntext.clean``)."""
    return unicodedata.normalize("NFC", text)


def escape(text: str) -> str:
    """Plain text as Paragraph markup: XML special characters escaped, newlines kept."""
    return _xml_escape(nfc(text)).replace("\r\n", "\n").replace("\n", "<br/>")


def or_dots(value: str | None, dots: str = DOTS) -> str:
    """The value, or a dotted line to fill in by hand; never 'None'."""
    return value.strip() if value and value.strip() else dots


def date_line(place: str, on: date | None) -> str:
    """'Đông Triều, ngày 05 tháng 12 năm 2026'; a dotted date to fill in when `on` is None."""
    place = or_dots(place, "……………")
    if on is None:
        return f"{place}, ngày …… tháng …… năm ………"
    return f"{place}, ngày {on.day:02d} tháng {on.month:02d} năm {on.year}"


_LOWER_WORDS = frozenset((
    "ĐẢNG", "ỦY", "UỶ", "BỘ", "CHI", "PHƯỜNG", "XÃ", "THỊ", "TRẤN", "KHU", "THÀNH", "PHỐ",
    "TỈNH", "HUYỆN", "QUẬN", "TỔ", "THÔN", "XÓM", "ẤP", "BẢN",
))


def sentence_case(line: str) -> str:
    """'ĐẢNG ỦY PHƯỜNG MẠO KHÊ' → 'Đảng ủy phường Mạo Khê' for use inside a sentence."""
    words = nfc(line).upper().split()
    text = " ".join(w.lower() if w in _LOWER_WORDS else w.capitalize() for w in words)
    return text[:1].upper() + text[1:]


def checkbox_markup(checked: bool) -> str:
    """☒ or ☐ from the symbol font; the characters survive text extraction."""
    return f'<font face="{SYMBOLS}">{"☒" if checked else "☐"}</font>'


def _fit(text: str, font: str, width: float, size: float = SIZE) -> float:
    """The largest size from `size` down to 12 pt at which the text fits on one line."""
    while size > _MIN_SIZE and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


_PARSED = threading.local()  # per thread: parsed lines are reused by that thread's documents
_PARSED_MAX = 4000


def short_paragraph(markup: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of a short line that repeats from document to document (header lines,
    signatures, labels): its markup is parsed once per style name, then reused, which saves a
    sixth of the layout time of a batch of forms.  Styles must be named by what they set."""
    key = (markup, style.name)
    cache: dict[tuple[str, str], tuple[ParagraphStyle, Any]] = \
        _PARSED.__dict__.setdefault("lines", {})
    parsed = cache.get(key)
    if parsed is None:
        paragraph = Paragraph(markup, style)
        if len(cache) >= _PARSED_MAX:
            cache.clear()
        cache[key] = (paragraph.style, paragraph.frags)
        return paragraph
    return Paragraph(markup, parsed[0], frags=parsed[1])


def _line(text: str, font: str, width: float, size: float = SIZE) -> Paragraph:
    """One centred line of plain text, shrunk to fit the width (it wraps below 12 pt)."""
    fitted = _fit(nfc(text), font, width - _GUTTER, size)
    leading = max(fitted * 1.2, LEADING)
    return short_paragraph(escape(text), _style(f"c{font}{fitted}-{leading}", font=font,
                                                size=fitted, align=TA_CENTER, leading=leading))


class _WidthDependent(Flowable):  # type: ignore[misc]
    """A flowable built once the frame width is known (tables sized to the text width)."""

    def __init__(self, build: Callable[[float], Flowable]) -> None:
        super().__init__()
        self._build = build
        self._inner: Flowable | None = None
        self._built_for: float | None = None
        self._size: tuple[float, float] = (0, 0)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # layout asks again and again (KeepTogether, page ends): build and measure once per
        # width (the inner table never splits, so its size does not depend on the height)
        if self._inner is None or self._built_for != avail_width:
            self._inner, self._built_for = self._build(avail_width), avail_width
            self._size = self._inner.wrap(avail_width, avail_height)
        self.width, self.height = self._size
        return self.width, self.height

    def draw(self) -> None:
        assert self._inner is not None
        self._inner.drawOn(self.canv, 0, 0)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return []  # never split: moves to the next page whole


def grid(rows: list[list[Any]], widths: list[float], valign: str = "TOP",
         below: float = 0) -> Table:
    """Cells without padding or rules (`below` points under each row), in our fonts."""
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), valign),
        ("FONTNAME", (0, 0), (-1, -1), SERIF),  # empty cells set a font too: never Helvetica
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), below),
    ]))
    return table


# --- header and title ---------------------------------------------------------------------------

@dataclass(frozen=True)
class DocHeader:
    """What the two-column header prints; `number_text` is '27-PNX/CB' (without 'Số')."""

    parent_line: str  # ĐẢNG BỘ PHƯỜNG MẠO KHÊ
    name_line: str  # CHI BỘ KHU 5
    number_text: str
    place: str
    on: date | None

    @classmethod
    def for_issuer(cls, issuer: IssuerLines, code: str | None, kind: str,
                   on: date | None) -> DocHeader:
        """The issuer's lines; without a code the number is left blank: 'Số       -PTN/ĐU'."""
        number = code or f"{_BLANK}-{kind}/{issuer.number_suffix}"
        return cls(issuer.parent_line, issuer.name_line, number, issuer.place_name, on)


class _Underline(Flowable):  # type: ignore[misc]
    """The short rule under 'ĐẢNG CỘNG SẢN VIỆT NAM', exactly as long as the text."""

    def __init__(self, length: float) -> None:
        super().__init__()
        self.length = length

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = avail_width, LEADING
        return self.width, self.height

    def draw(self) -> None:
        y = self.height - 3
        self.canv.setLineWidth(0.7)
        self.canv.line((self.width - self.length) / 2, y, (self.width + self.length) / 2, y)


def _header_columns(doc: DocHeader, width: float) -> tuple[float, float]:
    """The widths of the header's two columns: about 45 % on the left, widened (up to half)
    for long names while the right column still fits."""
    left_need = max(stringWidth(nfc(doc.parent_line).upper(), SERIF, SIZE),
                    stringWidth(nfc(doc.name_line).upper(), SERIF_BOLD, SIZE))
    right_need = max(stringWidth(PARTY_NAME, SERIF_BOLD, PARTY_NAME_SIZE),
                     stringWidth(date_line(doc.place, doc.on), SERIF_ITALIC, SIZE))
    fits = min(left_need + _GUTTER, width - right_need - _GUTTER)  # each line fits less G
    left_width = min(max(0.45 * width, fits), 0.5 * width)
    return left_width, width - left_width


def header(doc: DocHeader, *, with_number: bool = True) -> Flowable:
    """Left: parent body, issuing body (bold), '*', number; right: party name underlined, date.
    Without the number, `number_line` prints it below (a batch shares the rest)."""
    left = [nfc(doc.parent_line).upper(), nfc(doc.name_line).upper(), "*"]
    place_date = date_line(doc.place, doc.on)
    party_width = stringWidth(PARTY_NAME, SERIF_BOLD, PARTY_NAME_SIZE)

    def build(width: float) -> Flowable:
        left_width, right_width = _header_columns(doc, width)
        rows = [
            [_line(left[0], SERIF, left_width),
             _line(PARTY_NAME, SERIF_BOLD, right_width, PARTY_NAME_SIZE)],
            [_line(left[1], SERIF_BOLD, left_width), _Underline(party_width)],
            [_line(left[2], SERIF, left_width), _line(place_date, SERIF_ITALIC, right_width)],
        ]
        if with_number:
            rows.append([_line(f"Số {nfc(doc.number_text)}", SERIF, left_width), ""])
        return grid(rows, [left_width, right_width], valign="BOTTOM")

    return _WidthDependent(build)


def number_line(doc: DocHeader) -> Flowable:
    """The header's last line, 'Số 27-PNX/CB', under the left column of `header(doc,
    with_number=False)`."""
    def build(width: float) -> Flowable:
        left_width, right_width = _header_columns(doc, width)
        return grid([[_line(f"Số {nfc(doc.number_text)}", SERIF, left_width), ""]],
                     [left_width, right_width], valign="BOTTOM")

    return _WidthDependent(build)


def measured(make: Callable[[], Flowable]) -> Flowable:
    """A flowable that never splits, built and measured once per width: for blocks shared by
    the documents of a batch (drawn again and again, laid out once)."""
    return _WidthDependent(lambda _width: make())


_FORM_NUMBERS = itertools.count()
_FORM_MARGIN = 12  # points around a block kept inside its form's box (overhangs, underlines)


class _FormBlock(Flowable):  # type: ignore[misc]
    """A block drawn once per PDF as a form object and then placed wherever it repeats."""

    def __init__(self, inner: _WidthDependent) -> None:
        super().__init__()
        self._inner = inner
        self._name = f"block{next(_FORM_NUMBERS)}"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = self._inner.wrap(avail_width, avail_height)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        name = f"{self._name}w{self._inner._built_for:.2f}"
        defined: set[str] = canvas.__dict__.setdefault("_shared_forms", set())
        if name not in defined:
            canvas.beginForm(name, -_FORM_MARGIN, -_FORM_MARGIN,
                             self.width + _FORM_MARGIN, self.height + _FORM_MARGIN)
            self._inner.drawOn(canvas, 0, 0)
            canvas.endForm()
            defined.add(name)
        canvas.doForm(name)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return []


def shared_block(flowables: Sequence[Flowable]) -> Flowable:
    """Flowables that repeat unchanged in every document of a batch (a header without its
    number, signatures), stacked into one block: laid out once per width, drawn once per PDF
    as a form object and placed on each page that shows it. Never splits."""
    items = list(flowables)

    def build(width: float) -> Flowable:
        return items[0] if len(items) == 1 else grid([[f] for f in items], [width])

    return _FormBlock(_WidthDependent(build))


def title(text: str, subtitle: str | Sequence[str] | None = None, *,
          note: str | Sequence[str] | None = None) -> list[Flowable]:
    """The document type in bold capitals, bold subtitle lines, then italic note lines."""
    def lines(value: str | Sequence[str] | None) -> list[str]:
        return [value] if isinstance(value, str) else list(value or [])

    out: list[Flowable] = [Spacer(1, 8 * mm), Paragraph(escape(nfc(text).upper()), TITLE_STYLE)]
    bold = _style("subtitle", font=SERIF_BOLD, align=TA_CENTER)
    italic = _style("note", font=SERIF_ITALIC, align=TA_CENTER)
    out += [Paragraph(escape(s), bold) for s in lines(subtitle)]
    out += [Paragraph(escape(s), italic) for s in lines(note)]
    out.append(Spacer(1, 5 * mm))
    for flowable in out:
        flowable.keepWithNext = True  # a title never ends a page
    return out


# --- body ---------------------------------------------------------------------------------------

_INDENTED_STYLE = ParagraphStyle("body-indented", parent=BODY_STYLE, firstLineIndent=10 * mm)


def body(text: str, *, indent: bool = False, style: ParagraphStyle | None = None) -> Paragraph:
    """A justified 14 pt paragraph of plain text (escaped); `indent` indents its first line.
    A form that needs denser text passes its own `style` (ignores `indent`)."""
    return body_markup(escape(text), indent=indent, style=style)


def body_markup(markup: str, *, indent: bool = False,
                style: ParagraphStyle | None = None) -> Paragraph:
    """Like `body` but for markup the caller escaped (<b>, <i>, checkbox_markup …)."""
    return Paragraph(markup, style or (_INDENTED_STYLE if indent else BODY_STYLE))


def centred(text: str, *, bold: bool = False, italic: bool = False) -> Paragraph:
    """One centred paragraph of plain text."""
    markup = escape(text)
    markup = f"<b>{markup}</b>" if bold else markup
    return Paragraph(f"<i>{markup}</i>" if italic else markup, CENTRED_STYLE)


def field(label: str, value: str | None, *, bold: bool = False, dots: str = DOTS,
          style: ParagraphStyle = LINE_STYLE) -> Paragraph:
    """'Label: value' flush left; a missing value prints as dots to fill in by hand."""
    shown = escape(or_dots(value, dots))
    if bold and value and value.strip():
        shown = f"<b>{shown}</b>"
    return Paragraph(f"{escape(label)}: {shown}", style)


def side_by_side(cells: Sequence[Flowable], fractions: Sequence[float] | None = None) -> Flowable:
    """Flowables in one row, each taking a fraction of the text width (equal by default)."""
    shares = list(fractions or [1 / len(cells)] * len(cells))
    if len(shares) != len(cells):
        raise ValueError("one fraction per cell")
    total = sum(shares)
    return _WidthDependent(
        lambda width: grid([list(cells)], [width * s / total for s in shares],
                            below=LINE_STYLE.spaceAfter)
    )


# --- signatures ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SignatureBlock:
    """'T/M CHI ỦY' / 'BÍ THƯ' / optional '(Ký, ghi rõ họ tên)' / room to sign / the name."""

    title_lines: tuple[str, ...]
    role: str
    name: str
    note: str | None = None
    space_mm: float = 25


def signature_blocks(blocks: Sequence[SignatureBlock], *,
                     single: Literal["right", "centre"] = "right") -> Flowable:
    """One to three blocks side by side, names on one line; a block never splits across pages.

    A single block stands in the right half (the signer's place) or centred across the width
    (a certification under the other signatures).
    """
    return KeepTogether(signature_rows(blocks, single=single))


def signature_rows(blocks: Sequence[SignatureBlock], *,
                   single: Literal["right", "centre"] = "right", gap_mm: float = 6,
                   size: float | None = None) -> list[Flowable]:
    """The flowables of `signature_blocks` without their KeepTogether, for a caller that keeps
    them together with more (KeepTogether inside KeepTogether always moves to a new page);
    `gap_mm` above the blocks, `size` of their lines (14 pt, 13 pt for three blocks)."""
    if not 1 <= len(blocks) <= 3:
        raise ValueError("one to three signature blocks")
    size = size or (SIZE if len(blocks) < 3 else 13)

    def build(width: float) -> Flowable:
        if len(blocks) == 1 and single == "right":
            shares, column = [0.5, 0.5], 1
        else:
            shares, column = [1 / len(blocks)] * len(blocks), 0
        widths = [width * s for s in shares]
        top: list[Any] = [""] * len(widths)
        space: list[Any] = [""] * len(widths)
        names: list[Any] = [""] * len(widths)
        for i, block in enumerate(blocks, start=column):
            w = widths[i]
            cell: list[Flowable] = [_line(t, SERIF_BOLD, w, size) for t in block.title_lines]
            if block.role:
                cell.append(_line(block.role, SERIF_BOLD, w, size))
            if block.note:
                cell.append(_line(block.note, SERIF_ITALIC, w, size - 1))
            top[i] = cell
            space[i] = Spacer(1, block.space_mm * mm)
            names[i] = _line(block.name, SERIF_BOLD, w, size) if block.name.strip() else ""
        return grid([top, space, names], widths)

    return [Spacer(1, gap_mm * mm), _WidthDependent(build)]


# --- the document -------------------------------------------------------------------------------

class _DocumentStart(Flowable):  # type: ignore[misc]
    """Marks the first page of the next document in a combined PDF (numbering restarts)."""

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.document_starts = True


def document_break() -> list[Flowable]:
    """Start the next document of a batch on a new page, with its own page numbers."""
    return [PageBreakIfNotEmpty(), _DocumentStart()]


class _NumberingCanvas(Canvas):  # type: ignore[misc]
    """Numbers the pages of each document of the PDF as it goes.

    Every page draws a small form object named after it; the forms are filled in at the end,
    when each document's page count is known ('Trang x/y', or nothing on a one-page document).
    The pages themselves are written out as they are made: a 14,000-page list is not held twice
    in memory.
    """

    def __init__(self, *args: Any, page_numbers: PageNumbers, text_centre: float,
                 baseline: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._page_numbers = page_numbers
        self._text_centre = text_centre
        self._baseline = baseline
        self._labels: list[tuple[int, int]] = []  # (document, page in it) of each page
        self._totals: list[int] = []  # pages of each document
        self.document_starts = False

    def showPage(self) -> None:
        if not self._totals or self.document_starts:
            self._totals.append(0)
        document = len(self._totals) - 1
        self._totals[document] += 1
        page = self._totals[document]
        if self._page_numbers == "from_second" and page > 1:
            self._draw_number(str(page))
        elif self._page_numbers == "of_total":
            self.doForm(f"pageno{len(self._labels)}")
            self._labels.append((document, page))
        super().showPage()
        self._compress_last_page()
        self.document_starts = False

    def _compress_last_page(self) -> None:
        """Compress the page just finished now rather than when the file is written: ReportLab
        keeps every page until then, and a 14,000-page list would hold ~300 MB of plain text."""
        page = self._doc.Pages.pages[-1]
        stream = getattr(page, "stream", None)
        if not page.compression or not stream or page.Contents:
            return
        contents = pdfdoc.PDFStream(content=pdfdoc.PDFZCompress.encode(stream))
        contents.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
        contents.__Comment__ = "page stream"
        page.Contents = contents
        page.stream = None

    def _draw_number(self, text: str) -> None:
        self.setFont(SERIF, _PAGE_NUMBER_SIZE)
        self.drawCentredString(self._text_centre, self._baseline, text)

    def save(self) -> None:
        for n, (document, page) in enumerate(self._labels):
            total = self._totals[document]
            self.beginForm(f"pageno{n}")
            if total > 1:
                self._draw_number(f"Trang {page}/{total}")
            self.endForm()
        super().save()


def build_pdf(out: Out, flowables: Sequence[Flowable], margins: Margins = DEFAULT_MARGINS, *,
              title: str, author: str, landscape: bool = False,
              page_numbers: PageNumbers = "from_second", subject: str = "") -> int:
    """Lay the flowables out on A4 (portrait or landscape) and write the PDF; returns its pages.

    Page numbers sit at the bottom centre of the text area: from page 2 on, or 'Trang x/y' on
    every page of a document with more than one page; each `document_break()` restarts them.
    """
    page_width, page_height = _landscape(A4) if landscape else A4
    left, right = margins.left_mm * mm, margins.right_mm * mm
    top, bottom = margins.top_mm * mm, margins.bottom_mm * mm
    target = os.fspath(out) if isinstance(out, (str, os.PathLike)) else out
    doc = BaseDocTemplate(
        target, pagesize=(page_width, page_height), leftMargin=left, rightMargin=right,
        topMargin=top, bottomMargin=bottom, title=nfc(title), author=nfc(author),
        creator=CREATOR, subject=nfc(subject), lang="vi",
        initialFontName=SERIF, initialFontSize=SIZE,  # else every page names Helvetica
    )
    frame = Frame(left, bottom, page_width - left - right, page_height - top - bottom,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="text")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    canvas_maker = functools.partial(
        _NumberingCanvas, page_numbers=page_numbers,
        text_centre=left + (page_width - left - right) / 2,
        baseline=max(bottom / 2 - _PAGE_NUMBER_SIZE / 3, 5 * mm),
    )
    doc.build(list(flowables), canvasmaker=canvas_maker)
    return int(doc.page)
