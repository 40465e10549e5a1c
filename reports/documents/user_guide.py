"""The user guide as a PDF to print or keep: the same blocks the window shows
(models/support/guide.py), A4, the bundled Liberation Sans, a contents page, page numbers."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from models.support.guide import (
    Block,
    Figure,
    Heading,
    ListBlock,
    Note,
    inline,
    sections,
)
from models.support.guide import Paragraph as TextBlock
from models.support.guide import Table as TableBlock
from reports.layout.fonts import font_bytes

SANS, SANS_BOLD, SANS_ITALIC = "GuideSans", "GuideSans-Bold", "GuideSans-Italic"
_FONTS = {SANS: "LiberationSans-Regular.ttf", SANS_BOLD: "LiberationSans-Bold.ttf",
          SANS_ITALIC: "LiberationSans-Italic.ttf"}
_lock = threading.Lock()
RED = colors.HexColor("#8b1a1a")
MARGIN = 20 * mm
# a table sets its cells' font even when they hold paragraphs: Helvetica unless told
_SANS_CELLS = [("FONTNAME", (0, 0), (-1, -1), SANS)]


def _register() -> None:
    with _lock:
        if SANS in pdfmetrics.getRegisteredFontNames():
            return
        for name, file_name in _FONTS.items():
            pdfmetrics.registerFont(TTFont(name, io.BytesIO(font_bytes(file_name))))
        pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC,
                                      boldItalic=SANS_BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=SANS, fontSize=11, leading=15, spaceAfter=5)
    return {
        "body": base,
        "title": ParagraphStyle("title", base, fontName=SANS_BOLD, fontSize=22, leading=28,
                                textColor=RED, alignment=TA_CENTER, spaceAfter=12),
        "h1": ParagraphStyle("h1", base, fontName=SANS_BOLD, fontSize=17, leading=22,
                             textColor=RED, spaceBefore=6, spaceAfter=8),
        "h2": ParagraphStyle("h2", base, fontName=SANS_BOLD, fontSize=14, leading=18,
                             textColor=RED, spaceBefore=10, spaceAfter=5),
        "h3": ParagraphStyle("h3", base, fontName=SANS_BOLD, fontSize=12, leading=16,
                             spaceBefore=6, spaceAfter=3),
        "caption": ParagraphStyle("caption", base, fontName=SANS_ITALIC, fontSize=9.5,
                                  leading=12, alignment=TA_CENTER, textColor=colors.dimgrey),
        "toc": ParagraphStyle("toc", base, leftIndent=8, spaceAfter=2),
        "cell": ParagraphStyle("cell", base, fontSize=10, leading=13, spaceAfter=0),
    }


def _markup(text: str) -> str:
    return inline(text, bold="<b>{}</b>", italic="<i>{}</i>",
                  key="<font name='" + SANS_BOLD + "' color='#6b1010'>{}</font>",
                  link="<a href='#{anchor}' color='#1a4f8b'>{text}</a>")


def _figure(block: Figure, image: Callable[[str], bytes], width: float,
            style: ParagraphStyle) -> Any:
    data = image(block.source)
    picture = Image(io.BytesIO(data))
    scale = min(1.0, width / picture.imageWidth, (120 * mm) / picture.imageHeight)
    picture.drawWidth = picture.imageWidth * scale
    picture.drawHeight = picture.imageHeight * scale
    picture.hAlign = "CENTER"
    frame = Table([[picture]], style=[("BOX", (0, 0), (-1, -1), 0.5, colors.grey), *_SANS_CELLS])
    return KeepTogether([Spacer(1, 4), frame, Paragraph(_markup(block.caption), style),
                         Spacer(1, 6)])


def _flowables(blocks: Sequence[Block], image: Callable[[str], bytes],
               title: str, subtitle: str) -> list[Any]:
    styles = _styles()
    width = A4[0] - 2 * MARGIN
    story: list[Any] = [Spacer(1, 60 * mm), Paragraph(title, styles["title"]),
                        Paragraph(subtitle, ParagraphStyle("sub", styles["body"],
                                                           alignment=TA_CENTER)),
                        Spacer(1, 20 * mm), Paragraph("<b>Nội dung</b>", styles["h2"])]
    for heading in sections(list(blocks)):
        indent = "" if heading.level == 1 else "\u00a0" * 6
        story.append(Paragraph(f"{indent}<a href='#{heading.anchor}' color='#1a4f8b'>"
                               f"{_markup(heading.text)}</a>", styles["toc"]))
    first_chapter = True
    for block in blocks:
        if isinstance(block, Heading):
            if block.level == 1:
                if first_chapter or block.anchor:
                    story.append(PageBreak())
                first_chapter = False
            name = f"<a name='{block.anchor}'/>" if block.anchor else ""
            style = styles[f"h{min(block.level, 3)}"]
            story.append(Paragraph(name + _markup(block.text), style))
        elif isinstance(block, TextBlock):
            story.append(Paragraph(_markup(block.text), styles["body"]))
        elif isinstance(block, ListBlock):
            items = [ListItem(Paragraph(_markup(item), styles["body"]), leftIndent=14)
                     for item in block.items]
            story.append(ListFlowable(items, bulletType="1" if block.ordered else "bullet",
                                      start="1" if block.ordered else "•", leftIndent=14,
                                      bulletFontName=SANS, bulletFontSize=10))
        elif isinstance(block, Figure):
            story.append(_figure(block, image, width, styles["caption"]))
        elif isinstance(block, Note):
            note = Table([[Paragraph(_markup(block.text), styles["cell"])]], colWidths=[width])
            note.setStyle(TableStyle([*_SANS_CELLS,
                                      ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fff8e1")),
                                      ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#e0c060")),
                                      ("LEFTPADDING", (0, 0), (-1, -1), 8),
                                      ("TOPPADDING", (0, 0), (-1, -1), 6),
                                      ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
            story += [Spacer(1, 3), note, Spacer(1, 6)]
        else:
            story.append(_table(block, width, styles["cell"]))
    return story


def _table(block: TableBlock, width: float, style: ParagraphStyle) -> Table:
    bold = ParagraphStyle("head", style, fontName=SANS_BOLD)
    rows = [[Paragraph(_markup(c), bold) for c in block.header]]
    rows += [[Paragraph(_markup(c), style) for c in row] for row in block.rows]
    columns = len(block.header)
    first = width * (0.3 if columns == 2 else 1 / columns)
    widths = [first] + [(width - first) / max(1, columns - 1)] * (columns - 1)
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([*_SANS_CELLS, ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3e6e6")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def write_guide_pdf(out: Path | IO[bytes], blocks: Sequence[Block],
                    image: Callable[[str], bytes], *, title: str, subtitle: str) -> int:
    """Write the guide; returns the number of pages."""
    _register()
    pages = [0]

    def number(canvas: Any, document: Any) -> None:
        pages[0] = document.page
        if document.page > 1:
            canvas.saveState()
            canvas.setFont(SANS, 9)
            canvas.setFillColor(colors.dimgrey)
            canvas.drawCentredString(A4[0] / 2, 12 * mm, f"{title} — trang {document.page}")
            canvas.restoreState()

    target = str(out) if isinstance(out, Path) else out
    document = SimpleDocTemplate(target, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                                 topMargin=MARGIN, bottomMargin=MARGIN, title=title,
                                 initialFontName=SANS, initialFontSize=11,  # not Helvetica
                                 author="Sổ đảng viên 213", creator="Sổ đảng viên 213")
    document.build(_flowables(blocks, image, title, subtitle), onFirstPage=number,
                   onLaterPages=number)
    return pages[0]
