"""The shared party-document layout: paper, header, fonts, margins, page numbers, signatures."""

from __future__ import annotations

import dataclasses
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer

from models.catalogues.documents import IssuerLines
from reports.layout import party_doc as doc
from reports.layout.fonts import (
    SERIF,
    SERIF_BOLD,
    SERIF_BOLD_ITALIC,
    SERIF_ITALIC,
    SYMBOLS,
    register_fonts,
)
from reports.layout.party_doc import DocHeader, Margins, SignatureBlock

A4_PORTRAIT = (595.2756, 841.8898)  # 210 × 297 mm
OUR_FONTS = re.compile(r"^[A-Z]{6}\+(LiberationSerif(-Bold|-Italic|-BoldItalic)?|DejaVuSans)$")
CELL = IssuerLines(
    issuer_id=2, parent_line="ĐẢNG BỘ PHƯỜNG MẠO KHÊ", name_line="CHI BỘ KHU 5",
    number_suffix="CB", signer_title="T/M CHI ỦY", signer_role="BÍ THƯ",
    signer_name="Lê Văn Cường", place_name="Đông Triều",
)
ON = date(2026, 12, 5)


@dataclass(frozen=True)
class Run:
    """One piece of text as drawn: baseline position, size and font."""

    x: float
    y: float
    size: float
    font: str
    text: str


def runs(page: Any) -> list[Run]:
    found: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            name = str(font.get("/BaseFont", "")) if font else ""
            found.append(Run(x, y, size * tm[0] * cm[0], name.lstrip("/"), text.strip()))

    page.extract_text(visitor_text=visit)
    return found


def run_with(page: Any, text: str) -> Run:
    matches = [r for r in runs(page) if r.text == text]
    assert len(matches) == 1, (text, [r.text for r in runs(page)])
    return matches[0]


def width(run: Run) -> float:
    """The drawn width of a run, from our font's metrics."""
    face = {"LiberationSerif": SERIF, "LiberationSerif-Bold": SERIF_BOLD,
            "LiberationSerif-Italic": SERIF_ITALIC}[run.font.split("+")[1]]
    return float(stringWidth(run.text, face, run.size))


def page_text(reader: PdfReader, index: int) -> str:
    return reader.pages[index].extract_text().replace("\xa0", " ")


def all_text(reader: PdfReader) -> str:
    return "\n".join(page_text(reader, i) for i in range(len(reader.pages)))


def assert_fonts_embedded_and_ours(reader: PdfReader) -> set[str]:
    seen: set[str] = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        fonts = resources["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            name = str(font["/BaseFont"]).lstrip("/")
            assert OUR_FONTS.match(name), name
            assert font["/Subtype"] == "/TrueType", name
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), name
            seen.add(name.split("+")[1])
    return seen


def is_size(reader: PdfReader, expected: tuple[float, float], index: int = 0) -> bool:
    box = reader.pages[index].mediabox
    return (abs(float(box.width) - expected[0]) < 0.01
            and abs(float(box.height) - expected[1]) < 0.01)


def sample_header(number: str | None = "27-PNX/CB") -> Flowable:
    return doc.header(DocHeader.for_issuer(CELL, number, "PNX", ON))


def signature() -> Flowable:
    return doc.signature_blocks([SignatureBlock(("T/M CHI ỦY",), "BÍ THƯ", "Lê Văn Cường")])


def build(tmp_path: Path, flowables: list[Flowable], name: str = "doc.pdf",
          **options: Any) -> PdfReader:
    path = tmp_path / name
    options.setdefault("title", "Phiếu nhận xét")
    options.setdefault("author", "Đảng ủy phường Mạo Khê")
    doc.build_pdf(path, flowables, **options)
    return PdfReader(path)


def sheet(paragraphs: int = 2) -> list[Flowable]:
    text = ("Thường xuyên giữ mối liên hệ với chi ủy, tham gia đầy đủ các buổi sinh hoạt "
            "và các phong trào của khu dân cư nơi cư trú. ") * 3
    return [sample_header(),
            *doc.title("Phiếu nhận xét", "đảng viên đang công tác", note="Năm 2026"),
            *[doc.body(f"{i + 1}. {text}") for i in range(paragraphs)], signature()]


def test_portrait_a4_with_the_header_title_and_signature(tmp_path: Path) -> None:
    reader = build(tmp_path, sheet())
    assert is_size(reader, A4_PORTRAIT)
    lines = page_text(reader, 0).splitlines()
    stripped = [line.strip() for line in lines]
    for expected in ("ĐẢNG BỘ PHƯỜNG MẠO KHÊ", "CHI BỘ KHU 5", "*", "Số 27-PNX/CB",
                     "ĐẢNG CỘNG SẢN VIỆT NAM", "Đông Triều, ngày 05 tháng 12 năm 2026",
                     "PHIẾU NHẬN XÉT", "đảng viên đang công tác", "Năm 2026", "T/M CHI ỦY",
                     "BÍ THƯ", "Lê Văn Cường"):
        assert expected in stripped, (expected, stripped)
    assert len(reader.pages) == 1


def test_header_fonts_sizes_and_columns(tmp_path: Path) -> None:
    page = build(tmp_path, sheet()).pages[0]
    parent, name = run_with(page, "ĐẢNG BỘ PHƯỜNG MẠO KHÊ"), run_with(page, "CHI BỘ KHU 5")
    star, number = run_with(page, "*"), run_with(page, "Số 27-PNX/CB")
    party = run_with(page, "ĐẢNG CỘNG SẢN VIỆT NAM")
    when = run_with(page, "Đông Triều, ngày 05 tháng 12 năm 2026")
    title = run_with(page, "PHIẾU NHẬN XÉT")
    assert (parent.size, parent.font.endswith("LiberationSerif")) == (14, True)
    assert (name.size, name.font.endswith("-Bold")) == (14, True)
    assert (party.size, party.font.endswith("-Bold")) == (15, True)
    assert (when.size, when.font.endswith("-Italic")) == (14, True)
    assert 15 <= title.size <= 16 and title.font.endswith("-Bold")
    # left column lines share one centre, in the left ~45 % of the text width
    centres = [r.x + width(r) / 2 for r in (parent, name, star, number)]
    assert max(centres) - min(centres) < 0.5
    left, text_width = 35 * mm, (210 - 35 - 15) * mm
    assert abs(centres[0] - (left + 0.45 * text_width / 2)) < 0.06 * text_width
    # right column: party name and date share a centre in the right part
    right_centres = [r.x + width(r) / 2 for r in (party, when)]
    assert abs(right_centres[0] - right_centres[1]) < 0.5
    assert right_centres[0] > left + 0.6 * text_width
    # the lines run down in order; the date stands beside the star, the title below the header
    assert parent.y > name.y > star.y > number.y > title.y
    assert abs(when.y - star.y) < 3 and party.y > when.y


def test_a_long_parent_line_keeps_14_pt_and_wraps_in_its_column(tmp_path: Path) -> None:
    """HD 36 sets the parent line at 14 pt: too long beside the date, it takes two lines."""
    ward = dataclasses.replace(CELL, parent_line="ĐẢNG BỘ THÀNH PHỐ ĐÔNG TRIỀU",
                               name_line="ĐẢNG ỦY PHƯỜNG MẠO KHÊ", number_suffix="ĐU")
    page = build(tmp_path, [doc.header(DocHeader.for_issuer(ward, "12-PTN/ĐU", "PTN", ON))]
                 ).pages[0]
    first, second = run_with(page, "ĐẢNG BỘ THÀNH PHỐ"), run_with(page, "ĐÔNG TRIỀU")
    name, party = run_with(page, "ĐẢNG ỦY PHƯỜNG MẠO KHÊ"), run_with(page, "ĐẢNG CỘNG SẢN VIỆT NAM")
    when = run_with(page, "Đông Triều, ngày 05 tháng 12 năm 2026")
    assert first.size == second.size == name.size == when.size == 14 and party.size == 15
    assert first.y > second.y > name.y and abs(first.y - party.y) < 2
    assert when.x > first.x + width(first)  # the date stays whole in the right column
    (rule,) = horizontal_rules(page)
    assert party.y - 9 < rule[2] < party.y - 3


def horizontal_rules(page: Any) -> list[tuple[float, float, float]]:
    """(x from, x to, y) of every horizontal line drawn, in page coordinates."""
    matrix, stack, start = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], [], (0.0, 0.0)
    rules = []

    def apply(x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = matrix
        return a * x + c * y + e, b * x + d * y + f

    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"q":
            stack.append(list(matrix))
        elif operator == b"Q":
            matrix = stack.pop()
        elif operator == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            m = matrix
            matrix = [a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2],
                      c * m[1] + d * m[3], e * m[0] + f * m[2] + m[4], e * m[1] + f * m[3] + m[5]]
        elif operator == b"m":
            start = apply(*(float(v) for v in operands))
        elif operator == b"l":
            end = apply(*(float(v) for v in operands))
            if abs(end[1] - start[1]) < 0.01:
                rules.append((min(start[0], end[0]), max(start[0], end[0]), end[1]))
    return rules


def test_the_rule_under_the_party_name_is_as_long_as_the_name(tmp_path: Path) -> None:
    page = build(tmp_path, sheet()).pages[0]
    party = run_with(page, "ĐẢNG CỘNG SẢN VIỆT NAM")
    (rule,) = horizontal_rules(page)
    x_from, x_to, y = rule
    assert abs((x_to - x_from) - width(party)) < 0.5
    assert abs((x_from + x_to) / 2 - (party.x + width(party) / 2)) < 0.5
    assert party.y - 9 < y < party.y - 3  # under the letters (and the dot of Ệ), close to them


def test_blank_number_and_date_for_handwriting(tmp_path: Path) -> None:
    header = doc.header(DocHeader.for_issuer(CELL, None, "PTN", None))
    text = all_text(build(tmp_path, [header]))
    assert re.search(r"Số {5,}-PTN/CB", text), text
    assert "Đông Triều, ngày …… tháng …… năm" in text
    assert "None" not in text


def test_date_line_writes_day_and_month_with_two_digits() -> None:
    assert doc.date_line("Đông Triều", date(2026, 2, 5)) == "Đông Triều, ngày 05 tháng 02 năm 2026"
    assert "None" not in doc.date_line("", None)


def test_sentence_case_of_header_lines() -> None:
    assert doc.sentence_case("ĐẢNG ỦY PHƯỜNG MẠO KHÊ") == "Đảng ủy phường Mạo Khê"
    assert doc.sentence_case("CHI BỘ KHU 5") == "Chi bộ khu 5"


def test_landscape_swaps_the_page(tmp_path: Path) -> None:
    reader = build(tmp_path, sheet(), landscape=True)
    assert is_size(reader, (A4_PORTRAIT[1], A4_PORTRAIT[0]))
    assert not is_size(reader, A4_PORTRAIT)


def test_fonts_are_ours_and_embedded(tmp_path: Path) -> None:
    flowables = [*sheet(), doc.body_markup(f"{doc.checkbox_markup(True)} Biểu dương "
                                           f"{doc.checkbox_markup(False)} Không đề nghị"),
                 doc.body_markup("<b><i>Đậm nghiêng</i></b> và <i>nghiêng</i>")]
    reader = build(tmp_path, flowables)
    assert assert_fonts_embedded_and_ours(reader) == {
        "LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic",
        "LiberationSerif-BoldItalic", "DejaVuSans"}
    text = all_text(reader)
    assert "☒ Biểu dương ☐ Không đề nghị" in text
    assert run_with(reader.pages[0], "Đậm nghiêng").font.endswith("-BoldItalic")


def test_the_checker_rejects_a_base14_font(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "helvetica.pdf"
    canvas = Canvas(str(path))
    canvas.drawString(100, 100, "Helvetica")
    canvas.save()
    with pytest.raises(AssertionError):
        assert_fonts_embedded_and_ours(PdfReader(path))


def test_registering_fonts_twice_is_harmless() -> None:
    from reportlab.lib.fonts import tt2ps
    from reportlab.pdfbase import pdfmetrics

    names = (SERIF, SERIF_BOLD, SERIF_ITALIC, SERIF_BOLD_ITALIC, SYMBOLS)
    register_fonts()
    first = {name: pdfmetrics.getFont(name) for name in names}
    register_fonts()
    # the same font objects, each registered once, and the family still maps <b>/<i>
    assert all(pdfmetrics.getFont(name) is font for name, font in first.items())
    registered = pdfmetrics.getRegisteredFontNames()
    assert [registered.count(name) for name in names] == [1] * len(names)
    assert (tt2ps(SERIF, 1, 0), tt2ps(SERIF, 0, 1), tt2ps(SERIF, 1, 1)) == (
        SERIF_BOLD, SERIF_ITALIC, SERIF_BOLD_ITALIC)


def test_metadata(tmp_path: Path) -> None:
    meta = build(tmp_path, sheet(), title="Phiếu nhận xét – Nguyễn Văn An").metadata
    assert meta is not None
    assert meta.title == "Phiếu nhận xét – Nguyễn Văn An"
    assert meta.author == "Đảng ủy phường Mạo Khê"
    assert meta.creator == "Sổ đảng viên 213"


@pytest.mark.parametrize("margins", [Margins(), Margins(top_mm=30, bottom_mm=20, left_mm=30,
                                                       right_mm=20)])
def test_text_stays_inside_the_margins(tmp_path: Path, margins: Margins) -> None:
    reader = build(tmp_path, sheet(paragraphs=12), margins=margins)
    assert len(reader.pages) >= 2
    page_width, page_height = A4_PORTRAIT
    for page in reader.pages:
        found = [r for r in runs(page) if not r.text.isdigit()]  # page numbers are in the margin
        assert min(r.x for r in found) >= margins.left_mm * mm - 1
        assert max(r.x + width(r) for r in found) <= page_width - margins.right_mm * mm + 1
        assert max(r.y + 0.75 * r.size for r in found) <= page_height - margins.top_mm * mm + 1
        assert min(r.y for r in found) >= margins.bottom_mm * mm
    # the body really starts at the margin (no hidden padding)
    assert min(r.x for r in runs(reader.pages[0])) <= margins.left_mm * mm + 1


def top_margin_runs(reader: PdfReader, index: int, top_mm: float = 25) -> list[Run]:
    return [r for r in runs(reader.pages[index]) if r.y > A4_PORTRAIT[1] - top_mm * mm]


def test_long_text_flows_on_with_page_numbers_from_page_two(tmp_path: Path) -> None:
    """HD 36: Arabic numerals, centred in the top margin, none on the first page."""
    reader = build(tmp_path, sheet(paragraphs=14))
    assert len(reader.pages) >= 2
    centre = (35 + (210 - 35 - 15) / 2) * mm
    assert top_margin_runs(reader, 0) == []
    assert [r.text for r in runs(reader.pages[0]) if r.y < 25 * mm] == []
    (second,) = top_margin_runs(reader, 1)
    assert second.text == "2" and second.size >= 13
    assert abs(second.x + width(second) / 2 - centre) < 1
    assert abs(second.y - (A4_PORTRAIT[1] - 12.5 * mm)) < 3 * mm  # in the middle of the margin


def test_page_x_of_y_restarts_with_each_document(tmp_path: Path) -> None:
    flowables = [*sheet(paragraphs=14), *doc.document_break(), *sheet(paragraphs=1)]
    reader = build(tmp_path, flowables, page_numbers="of_total")
    first_pages = len(reader.pages) - 1
    assert first_pages >= 2
    assert top_margin_runs(reader, 0) == []  # never on a first page
    for index in range(1, first_pages):
        assert [r.text for r in top_margin_runs(reader, index)] == [
            f"{index + 1}/{first_pages}"]
    assert top_margin_runs(reader, first_pages) == []  # a one-page document has no number
    assert "PHIẾU NHẬN XÉT" in page_text(reader, first_pages)


def test_no_page_numbers_when_asked(tmp_path: Path) -> None:
    reader = build(tmp_path, sheet(paragraphs=14), page_numbers="none")
    assert all(top_margin_runs(reader, i) == [] for i in range(len(reader.pages)))


def test_a_signature_block_moves_to_the_next_page_whole(tmp_path: Path) -> None:
    frame_height = A4_PORTRAIT[1] - 50 * mm
    reader = build(tmp_path, [Spacer(1, frame_height - 60), signature()])
    assert len(reader.pages) == 2
    assert "T/M CHI ỦY" not in page_text(reader, 0)
    assert {"T/M CHI ỦY", "BÍ THƯ", "Lê Văn Cường"} <= {
        line.strip() for line in page_text(reader, 1).splitlines()}


def test_signature_blocks_side_by_side_with_names_on_one_line(tmp_path: Path) -> None:
    blocks = [
        SignatureBlock(("T/M BAN CÔNG TÁC MẶT TRẬN",), "TRƯỞNG BAN", "Trần Thị Bình"),
        SignatureBlock(("T/M CHI ỦY",), "BÍ THƯ", "Lê Văn Cường", note="(Ký, ghi rõ họ tên)"),
        SignatureBlock(("XÁC NHẬN CỦA ĐẢNG ỦY PHƯỜNG", "T/M ĐẢNG ỦY"), "BÍ THƯ", "Ngô Văn Mới"),
    ]
    page = build(tmp_path, [doc.signature_blocks(blocks)]).pages[0]
    names = [run_with(page, n) for n in ("Trần Thị Bình", "Lê Văn Cường", "Ngô Văn Mới")]
    assert len({round(n.y) for n in names}) == 1
    assert names[0].x < names[1].x < names[2].x
    assert run_with(page, "(Ký, ghi rõ họ tên)").font.endswith("-Italic")
    with pytest.raises(ValueError):
        doc.signature_blocks([])
    with pytest.raises(ValueError):
        doc.signature_blocks(blocks + blocks[:1])


def test_body_escapes_markup_characters(tmp_path: Path) -> None:
    text = all_text(build(tmp_path, [doc.body("Lợi & hại <b>không</b> in đậm"),
                                     doc.field("Nơi ở", None)]))
    assert "Lợi & hại <b>không</b> in đậm" in text
    assert "Nơi ở: ……" in text and "None" not in text


def test_writes_to_a_binary_file(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    pages = doc.build_pdf(buffer, sheet(), title="t", author="a")
    assert pages == 1
    assert buffer.getvalue().startswith(b"%PDF")
