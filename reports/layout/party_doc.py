"""The party-document layout every printout shares (DOMAIN.md §3.1, HD 36-HD/VPTW).

Pure building blocks: the two-column header, the title, body paragraphs, signature blocks, and
`build_pdf`, which lays them out on A4 with the user's margins, page numbers and metadata.
Text given as plain strings is escaped here; functions named `*_markup` take ReportLab mini-markup.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
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
)
from reportlab.platypus.flowables import PageBreakIfNotEmpty, SetPageTopFlowables

from models.catalogues.documents import IssuerLines
from reports.layout.blocks import WidthDependent, grid, short_paragraph
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
TOTAL_STYLE = _style("total", spaceBefore=3 * mm, spaceAfter=2)  # the line under a table
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


def _line(text: str, font: str, width: float, size: float = SIZE, *, shrink: bool = True,
          leading: float | None = None) -> Paragraph:
    """One centred line of plain text; too long for the width, it shrinks (down to 12 pt) and
    then wraps, or (`shrink=False`: header lines keep their size) wraps at once."""
    room = width - _GUTTER
    fitted = _fit(nfc(text), font, room, size) if shrink else size
    if stringWidth(nfc(text), font, fitted) > room:
        fitted = size  # it wraps anyway: at its own size
    spacing = leading or max(fitted * 1.2, LEADING)
    style = _style(f"c{font}{fitted}-{spacing}", font=font, size=fitted, align=TA_CENTER,
                   leading=spacing)
    lines = wrap_words(nfc(text), font, fitted, room)
    return short_paragraph("<br/>".join(escape(line) for line in lines), style)


def wrap_words(text: str, font: str, size: float, width: float) -> list[str]:
    """The text in lines of at most `width` points, broken at spaces, and never with one word
    alone on the last line when the line above can give it company ('T/M BAN CÔNG TÁC' /
    'MẶT TRẬN', not 'T/M BAN CÔNG TÁC MẶT' / 'TRẬN')."""
    lines: list[list[str]] = []
    for word in (w for w in text.split(" ") if w):  # not at no-break spaces (a blank number)
        if lines and stringWidth(" ".join([*lines[-1], word]), font, size) <= width:
            lines[-1].append(word)
        else:
            lines.append([word])
    if len(lines) > 1 and len(lines[-1]) == 1 and len(lines[-2]) > 2:
        moved = [lines[-2].pop(), *lines[-1]]
        if stringWidth(" ".join(moved), font, size) <= width:
            lines[-1] = moved
        else:
            lines[-2].append(moved[0])
    return [" ".join(line) for line in lines] or [""]


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
        self.width, self.height = avail_width, 8
        return self.width, self.height

    def draw(self) -> None:  # clear of the letters' marks below (the dot of Ệ)
        y = self.height - 4.5
        self.canv.setLineWidth(0.7)
        self.canv.line((self.width - self.length) / 2, y, (self.width + self.length) / 2, y)


HEADER_LEADING = 15  # the header's 14 pt lines (capitals: no descenders to clear)


def _header_columns(doc: DocHeader, width: float) -> tuple[float, float]:
    """The widths of the header's two columns.  The right one is as wide as the party name and
    the date line need (never more than 55 %); the left gets about 45 %, more for long names
    while the right still fits; a left line still too long wraps (HD 36 keeps it 14 pt)."""
    left_need = _GUTTER + max(stringWidth(nfc(doc.parent_line).upper(), SERIF, SIZE),
                              stringWidth(nfc(doc.name_line).upper(), SERIF_BOLD, SIZE))
    right_need = _GUTTER + max(stringWidth(PARTY_NAME, SERIF_BOLD, PARTY_NAME_SIZE),
                               stringWidth(date_line(doc.place, doc.on), SERIF_ITALIC, SIZE))
    right_need = min(right_need, 0.55 * width)
    left_width = min(max(0.45 * width, left_need), width - right_need)
    return left_width, width - left_width


def _left_line(text: str, width: float, *, bold: bool = False) -> Paragraph:
    return _line(text, SERIF_BOLD if bold else SERIF, width, shrink=False,
                 leading=HEADER_LEADING)


def header(doc: DocHeader, *, with_number: bool = True) -> Flowable:
    """Left: parent body, issuing body (bold), '*', number; right: party name underlined, and
    the date beside the '*'.  Without the number, `number_line` prints it below (a batch
    shares the rest)."""
    parent, name = nfc(doc.parent_line).upper(), nfc(doc.name_line).upper()
    place_date = date_line(doc.place, doc.on)
    party_width = stringWidth(PARTY_NAME, SERIF_BOLD, PARTY_NAME_SIZE)

    def build(width: float) -> Flowable:
        left_width, right_width = _header_columns(doc, width)
        party = grid([[_line(PARTY_NAME, SERIF_BOLD, right_width, PARTY_NAME_SIZE,
                             leading=HEADER_LEADING + 1)], [_Underline(party_width)]],
                     [right_width])
        rows: list[list[Any]] = [
            [_left_line(parent, left_width), party],
            [_left_line(name, left_width, bold=True), ""],
            # a date left blank to fill in by hand (dots are wide) may shrink a little
            [_left_line("*", left_width),
             _line(place_date, SERIF_ITALIC, right_width, shrink=doc.on is None,
                   leading=HEADER_LEADING)],
        ]
        if with_number:
            rows.append([_left_line(f"Số {nfc(doc.number_text)}", left_width), ""])
        # the party name and its rule span the parent and name rows: a parent line that wraps
        # moves the name down, never the rule away from the party name
        return grid(rows, [left_width, right_width], valign="BOTTOM",
                    extra=[("SPAN", (1, 0), (1, 1)), ("VALIGN", (1, 0), (1, 0), "TOP")])

    return WidthDependent(build)


def number_line(doc: DocHeader) -> Flowable:
    """The header's last line, 'Số 27-PNX/CB', under the left column of `header(doc,
    with_number=False)`."""
    def build(width: float) -> Flowable:
        left_width, right_width = _header_columns(doc, width)
        return grid([[_left_line(f"Số {nfc(doc.number_text)}", left_width), ""]],
                    [left_width, right_width], valign="BOTTOM")

    return WidthDependent(build)


class _CentredLines(Flowable):  # type: ignore[misc]
    """A centred paragraph broken by `wrap_words` once the width is known: never one word
    alone on its last line ('… nơi cư trú năm' / '2026')."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self._text, self._style = nfc(text), style
        self._inner: Paragraph | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        lines = wrap_words(self._text, self._style.fontName, self._style.fontSize, avail_width)
        self._inner = Paragraph("<br/>".join(escape(line) for line in lines), self._style)
        self.width, self.height = self._inner.wrap(avail_width, avail_height)
        return self.width, self.height

    def draw(self) -> None:
        assert self._inner is not None
        self._inner.drawOn(self.canv, 0, 0)


def _centred_lines(text: str, style: ParagraphStyle) -> Flowable:
    return _CentredLines(text, style)


def title(text: str, subtitle: str | Sequence[str] | None = None, *,
          note: str | Sequence[str] | None = None) -> list[Flowable]:
    """The document type in bold capitals, bold subtitle lines, then italic note lines."""
    def lines(value: str | Sequence[str] | None) -> list[str]:
        return [value] if isinstance(value, str) else list(value or [])

    out: list[Flowable] = [Spacer(1, 8 * mm), Paragraph(escape(nfc(text).upper()), TITLE_STYLE)]
    bold = _style("subtitle", font=SERIF_BOLD, align=TA_CENTER)
    italic = _style("note", font=SERIF_ITALIC, align=TA_CENTER)
    out += [_centred_lines(s, bold) for s in lines(subtitle)]
    out += [_centred_lines(s, italic) for s in lines(note)]
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
    return WidthDependent(
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
                   size: float | None = None, leading: float | None = None,
                   shares: Sequence[float] | None = None) -> list[Flowable]:
    """The flowables of `signature_blocks` without their KeepTogether, for a caller that keeps
    them together with more (KeepTogether inside KeepTogether always moves to a new page);
    `gap_mm` above the blocks, `size` and `leading` of their lines (14 pt, 13 pt for three
    blocks), `shares` of the width for each block (equal by default).  A title too long for
    its column shrinks a little, then wraps inside it; the names stand on one line."""
    if not 1 <= len(blocks) <= 3:
        raise ValueError("one to three signature blocks")
    size = size or (SIZE if len(blocks) < 3 else 13)

    def build(width: float) -> Flowable:
        if len(blocks) == 1 and single == "right":
            parts, column = [0.5, 0.5], 1
        else:
            parts, column = list(shares or [1 / len(blocks)] * len(blocks)), 0
        widths = [width * s / sum(parts) for s in parts]
        top: list[Any] = [""] * len(widths)
        space: list[Any] = [""] * len(widths)
        names: list[Any] = [""] * len(widths)
        for i, block in enumerate(blocks, start=column):
            w = widths[i]
            cell: list[Flowable] = [_line(t, SERIF_BOLD, w, size, leading=leading)
                                    for t in block.title_lines]
            if block.role:
                cell.append(_line(block.role, SERIF_BOLD, w, size, leading=leading))
            if block.note:
                cell.append(_line(block.note, SERIF_ITALIC, w, size - 1, leading=leading))
            top[i] = cell
            space[i] = Spacer(1, block.space_mm * mm)
            names[i] = (_line(block.name, SERIF_BOLD, w, size, leading=leading)
                        if block.name.strip() else "")
        return grid([top, space, names], widths)

    return [Spacer(1, gap_mm * mm), WidthDependent(build)]


RECIPIENTS_SIZE = 12
_RECIPIENTS = _style("recipients", size=RECIPIENTS_SIZE, leading=14)


def recipients(names: Sequence[str], keep: str) -> Paragraph:
    """'Nơi nhận:' (bold italic, HD 36), one '- name;' line per addressee, '- Lưu …' last."""
    lines = [f"- {escape(n)};" for n in names if n.strip()] + [f"- {escape(keep)}."]
    return Paragraph("<b><i>Nơi nhận:</i></b><br/>" + "<br/>".join(lines), _RECIPIENTS)


def closing(names: Sequence[str], keep: str, block: SignatureBlock) -> Flowable:
    """'Nơi nhận' on the left and the signature on the right, kept together on one page."""
    def build(width: float) -> Flowable:
        half = width / 2
        rows = signature_rows([block], single="centre", gap_mm=0)
        signer = rows[1]
        return grid([[recipients(names, keep), signer]], [width - half, half])

    return KeepTogether([Spacer(1, 6 * mm), WidthDependent(build)])


# --- the document -------------------------------------------------------------------------------

class _DocumentStart(Flowable):  # type: ignore[misc]
    """Marks the first page of the next document in a combined PDF (numbering restarts)."""

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.document_starts = True


def continued(text: str) -> Flowable:
    """From the next page on, every page of this document starts with `text` (an italic line
    naming what continues: the member, the year and the sheet's number)."""
    style = _style("continued", font=SERIF_ITALIC, size=12, leading=14, spaceAfter=4)
    return SetPageTopFlowables([Paragraph(escape(text), style)])


def document_break() -> list[Flowable]:
    """Start the next document of a batch on a new page, with its own page numbers (and
    without the previous document's continuation line)."""
    return [SetPageTopFlowables([]), PageBreakIfNotEmpty(), _DocumentStart()]


def _clock_stamp() -> Any:
    """ReportLab's time stamp (the PDF's CreationDate and ModDate) at the program's clock, so a
    day pinned for a demo or support is the PDF's day too (ReportLab reads the system clock)."""
    from reportlab.lib.utils import TimeStamp

    from models import clock

    stamp = TimeStamp()
    moment = clock.now()
    stamp.t = moment.timestamp()
    stamp.lt = moment.timetuple()
    stamp.YMDhms = tuple(stamp.lt)[:6]
    return stamp


class _NumberingCanvas(Canvas):  # type: ignore[misc]
    """Numbers the pages of each document of the PDF as it goes, in the top margin from the
    second page on (HD 36).

    With page totals, every page draws a small form object named after it; the forms are filled
    in at the end, when each document's page count is known ('2/14'; nothing on a first page).
    The pages themselves are written out as they are made: a 14,000-page list is not held twice
    in memory.
    """

    def __init__(self, *args: Any, page_numbers: PageNumbers, text_centre: float,
                 baseline: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._doc._timeStamp = _clock_stamp()  # the PDF's own dates: the program's clock
        self._page_numbers = page_numbers
        self._text_centre = text_centre
        self._baseline = baseline
        self._labels: list[tuple[int, int]] = []  # (document, page in it) of pages 2, 3 …
        self.totals: list[int] = []  # pages of each document
        self.document_starts = False

    def showPage(self) -> None:
        if not self.totals or self.document_starts:
            self.totals.append(0)
        document = len(self.totals) - 1
        self.totals[document] += 1
        page = self.totals[document]
        if page > 1 and self._page_numbers == "from_second":
            self._draw_number(str(page))
        elif page > 1 and self._page_numbers == "of_total":
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
            self.beginForm(f"pageno{n}")
            self._draw_number(f"{page}/{self.totals[document]}")
            self.endForm()
        super().save()


def build_pdf(out: Out, flowables: Sequence[Flowable], margins: Margins = DEFAULT_MARGINS, *,
              title: str, author: str, landscape: bool = False,
              page_numbers: PageNumbers = "from_second", subject: str = "",
              document_pages: list[int] | None = None) -> int:
    """Lay the flowables out on A4 (portrait or landscape) and write the PDF; returns its pages.

    Page numbers sit in the middle of the top margin, centred over the text, from the second
    page of each document on: '2', or with `page_numbers="of_total"` '2/14' (lists that print a
    total); each `document_break()` restarts them.  `document_pages`, when given, receives the
    pages of each document of the PDF.
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
    made: list[_NumberingCanvas] = []

    def canvas_maker(*args: Any, **kwargs: Any) -> _NumberingCanvas:
        canvas = _NumberingCanvas(
            *args, page_numbers=page_numbers, text_centre=left + (page_width - left - right) / 2,
            baseline=page_height - top / 2 - _PAGE_NUMBER_SIZE / 3, **kwargs)
        made.append(canvas)
        return canvas

    doc.build(list(flowables), canvasmaker=canvas_maker)
    if document_pages is not None:
        document_pages[:] = made[-1].totals
    return int(doc.page)
