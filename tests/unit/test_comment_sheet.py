"""The comment sheet, its covering list and the batch PDF (DOMAIN.md §3.3, DESIGN.md §3.5):
the form's arrangement whenever it fits one page, the compact one with room for 600 more
characters and the ward's seal, what page 2 says when a sheet is longer even compact, and the
fit measure the editor asks while typing."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from models.catalogues.documents import IssuerLines
from models.comments.printing import PrintSheet
from models.figures.common import Cancelled
from models.labels import PROPOSAL
from reports.documents import comment_batch
from reports.documents.comment_batch import SheetGroup, comment_sheets_pdf
from reports.documents.comment_print import sheet_data
from reports.documents.comment_sheet import (
    Arrangement,
    Certification,
    CommentSheetData,
    SheetItem,
    Signer,
    comment_sheet_pdf,
    sheet_fit,
)
from reports.documents.covering_list import CoveringList, CoverRow, covering_list_flowables
from reports.layout.names import company_of, without_addressee
from reports.layout.party_doc import Margins, build_pdf
from tests.unit.test_party_doc import (
    A4_PORTRAIT,
    all_text,
    assert_fonts_embedded_and_ours,
    is_size,
    page_text,
    run_with,
    runs,
    width,
)

CELL = IssuerLines(
    issuer_id=1, parent_line="ĐẢNG BỘ PHƯỜNG MẠO KHÊ", name_line="CHI BỘ KHU 5",
    number_suffix="CB", signer_title="T/M CHI ỦY", signer_role="BÍ THƯ",
    signer_name="Lê Văn Cường", place_name="Đông Triều",
)
WARD = IssuerLines(
    issuer_id=9, parent_line="ĐẢNG BỘ THÀNH PHỐ ĐÔNG TRIỀU", name_line="ĐẢNG ỦY PHƯỜNG MẠO KHÊ",
    number_suffix="ĐU", signer_title="T/M ĐẢNG ỦY", signer_role="BÍ THƯ",
    signer_name="Phạm Văn Dũng", place_name="Đông Triều",
)
ITEMS = (
    SheetItem(1, "Giữ gìn phẩm chất chính trị, đạo đức, lối sống; nêu gương trước nhân dân",
              "Có lập trường tư tưởng vững vàng, lối sống giản dị, gương mẫu."),
    SheetItem(2, "Thực hiện nghĩa vụ công dân và quy định nơi cư trú",
              "Chấp hành tốt; gia đình đạt danh hiệu gia đình văn hóa."),
    SheetItem(3, "Tham gia sinh hoạt với chi bộ nơi cư trú",
              "Năm 2026 được mời dự 2 buổi sinh hoạt, có mặt 2 buổi."),
    SheetItem(4, "Dự họp tổ dân phố, giữ mối liên hệ với chi ủy",
              "Thường xuyên giữ mối liên hệ."),
    SheetItem(5, "Tham gia các phong trào, cuộc vận động ở nơi cư trú",
              "Tích cực tham gia vệ sinh môi trường."),
    SheetItem(6, "Đề nghị", ""),
    SheetItem(7, "Ý kiến khác", "Không."),
)
FRONT = Signer(("T/M BAN CÔNG TÁC MẶT TRẬN",), "TRƯỞNG BAN", "Trần Thị Bình")
CELL_SIGNER = Signer(("T/M CHI ỦY",), "BÍ THƯ", "Lê Văn Cường")
CERTIFICATION = Certification("XÁC NHẬN CỦA ĐẢNG ỦY PHƯỜNG MẠO KHÊ", "XÁC NHẬN CỦA ĐẢNG ỦY",
                              "T/M ĐẢNG ỦY", "BÍ THƯ", "Phạm Văn Dũng")
SHEET = CommentSheetData(
    issuer=CELL, doc_code="27-PNX/CB", printed_on=date(2026, 12, 5), year=2026,
    addressee="Đảng ủy Công ty Than Mạo Khê",
    basis_line="Thực hiện Quy định số 213-QĐ/TW ngày 02/01/2020 của Bộ Chính trị về trách nhiệm "
               "của đảng viên đang công tác thường xuyên giữ mối liên hệ với tổ chức đảng và "
               "nhân dân nơi cư trú,",
    commenters="Chi ủy Chi bộ khu 5 phối hợp với Ban công tác Mặt trận khu 5",
    full_name="Nguyễn Văn An", sex="Nam", birth="12/05/1978",
    job="Quản đốc Phân xưởng Khai thác 1, Công ty Than Mạo Khê",
    party_unit="Chi bộ Phân xưởng Khai thác 1 – Đảng ủy Công ty Than Mạo Khê",
    address="Số 12, tổ 3, khu 5, phường Mạo Khê",
    items=ITEMS, proposal="praise", signers=(FRONT, CELL_SIGNER), certification=None,
)
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Hường", "Đặng Văn Đức",
         "Hoàng Thị Thủy", "Vũ Minh Tuấn", "Bùi Thị Yến", "Đỗ Quang Khải", "Ngô Thị Lan")
LONG_WORDS = [f"việc{n}" for n in range(900)]  # numbered words: a lost line shows up


def member(n: int, **changes: object) -> CommentSheetData:
    name = f"{NAMES[n % len(NAMES)]} {n}" if n >= len(NAMES) else NAMES[n]
    return dataclasses.replace(SHEET, full_name=name, doc_code=f"{n + 1}-PNX/CB",
                               member_key=f"m{n}", **changes)  # type: ignore[arg-type]


def long_sheet() -> CommentSheetData:
    paragraphs = [" ".join(LONG_WORDS[i:i + 150]) for i in range(0, len(LONG_WORDS), 150)]
    items = tuple(dataclasses.replace(i, text="\n".join(paragraphs)) if i.number == 1 else i
                  for i in ITEMS)
    return dataclasses.replace(SHEET, items=items, full_name="Hoàng Thị Thủy")


def cover(sheets: tuple[CommentSheetData, ...], addressee: str = "Đảng ủy Công ty Than Mạo Khê"
          ) -> CoveringList:
    rows = tuple(CoverRow(s.full_name, s.birth, "Công nhân Phân xưởng Khai thác 1",
                          "Chi bộ khu 5", s.doc_code or "") for s in sheets)
    return CoveringList(WARD, date(2026, 12, 5), 2026, addressee, rows,
                        Signer(("T/M ĐẢNG ỦY",), "BÍ THƯ", "Phạm Văn Dũng"))


def sheet_pdf(tmp_path: Path, data: CommentSheetData) -> PdfReader:
    path = tmp_path / "sheet.pdf"
    comment_sheet_pdf(data, path)
    return PdfReader(path)


def page_words(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, word) of a page as poppler's pdftotext places them."""
    html = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf),
                           "-"], capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                       r'yMax="([\d.]+)">([^<]*)</word>', html)
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in found]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\xa0", " ").splitlines()]


def flat(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def member_name(page: str) -> str:
    found = re.search(r"Họ và tên: (.+?) Nam/nữ", flat(page))
    assert found, page
    return found.group(1)


# --- one sheet ----------------------------------------------------------------------------------

def test_a_sheet_prints_header_title_member_items_and_signatures(tmp_path: Path) -> None:
    reader = sheet_pdf(tmp_path, SHEET)
    assert len(reader.pages) == 1
    assert is_size(reader, A4_PORTRAIT)
    found = lines(all_text(reader))
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM", "ĐẢNG BỘ PHƯỜNG MẠO KHÊ", "CHI BỘ KHU 5", "Số 27-PNX/CB",
        "Đông Triều, ngày 05 tháng 12 năm 2026", "PHIẾU NHẬN XÉT",
        "Kính gửi: Đảng ủy Công ty Than Mạo Khê", "Nam/nữ: Nam", "Sinh ngày: 12/05/1978",
        # the sheet goes to the company's committee: its name is not repeated after the unit
        "Đơn vị công tác, chức vụ: Quản đốc Phân xưởng Khai thác 1",
        "Sinh hoạt đảng tại: Chi bộ Phân xưởng Khai thác 1",
        "Nơi cư trú: Số 12, tổ 3, khu 5, phường Mạo Khê", "6. Đề nghị:",
        "T/M BAN CÔNG TÁC MẶT TRẬN", "TRƯỞNG BAN", "T/M CHI ỦY", "BÍ THƯ", "Trần Thị Bình",
        "Lê Văn Cường",
        # the form's title: the subtitle, then the year on its own line
        "đảng viên đang công tác giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú",
        "Năm 2026",
    ):
        assert expected in found, (expected, found)
    text = flat(all_text(reader))
    assert "Họ và tên: Nguyễn Văn An" in text
    assert ("nhân dân nơi cư trú, Chi ủy Chi bộ khu 5 phối hợp với Ban công tác Mặt trận khu 5 "
            "nhận xét đảng viên như sau:") in text
    for item in ITEMS:
        if item.number != 6:
            assert f"{item.number}. {item.title}: {item.text}" in text
    assert "None" not in text


def test_only_what_merely_repeats_the_addressee_is_left_out() -> None:
    to = "Đảng ủy Công ty Than Mạo Khê"
    assert without_addressee("Chi bộ Khai thác 1 – Đảng ủy Công ty Than Mạo Khê", to) == (
        "Chi bộ Khai thác 1")
    assert without_addressee("Thợ lò, Phân xưởng Khai thác 1, Công ty Than Mạo Khê", to) == (
        "Thợ lò, Phân xưởng Khai thác 1")
    assert without_addressee("Thợ lò, Công ty Than Uông Bí", to) == "Thợ lò, Công ty Than Uông Bí"
    assert without_addressee("Công ty Than Mạo Khê", to) == "Công ty Than Mạo Khê"
    assert without_addressee("Kỹ sư, Công ty Than Mạo Khê", "") == "Kỹ sư, Công ty Than Mạo Khê"
    assert company_of("Đảng ủy Công ty Than Mạo Khê") == "Công ty Than Mạo Khê"
    assert company_of("Đảng bộ Than Quảng Ninh") == "Than Quảng Ninh"
    assert company_of("Trường THCS Mạo Khê II") == "Trường THCS Mạo Khê II"


def test_name_is_bold_the_body_13_pt_and_the_layout_follows_the_form(tmp_path: Path) -> None:
    first = sheet_pdf(tmp_path, dataclasses.replace(SHEET, certification=CERTIFICATION)).pages[0]
    assert run_with(first, "Nguyễn Văn An").font.endswith("LiberationSerif-Bold")
    assert run_with(first, "Kính gửi: Đảng ủy Công ty Than Mạo Khê").font.endswith("-Bold")
    name, sex = run_with(first, "Nguyễn Văn An"), run_with(first, "Nam/nữ: Nam")
    birth = run_with(first, "Sinh ngày: 12/05/1978")
    assert 13 <= sex.size <= 14 and 13 <= name.size <= 14  # the body (HD 36: 13–14 pt)
    assert run_with(first, "ĐẢNG BỘ PHƯỜNG MẠO KHÊ").size == 14  # the parent line
    # name, sex and birth share one line, in that order
    assert abs(name.y - sex.y) < 1 and abs(sex.y - birth.y) < 1
    assert name.x < sex.x < birth.x


def words_on(words: list[tuple[float, float, float, float, str]], top: float
             ) -> list[tuple[float, float, float, float, str]]:
    """The words of the line whose top is at `top` (poppler's boxes), left to right."""
    return sorted((w for w in words if abs(w[1] - top) < 2), key=lambda w: w[0])


def test_a_sheet_that_fits_is_laid_out_as_the_form(tmp_path: Path) -> None:
    """The form's arrangement: the year on its own line under the subtitle; the Front head and
    the cell side by side; then the certification centred below them, its note, 30 mm free
    for the signature and seal, and the ward's signer, all inside the margins."""
    data = dataclasses.replace(SHEET, certification=CERTIFICATION)
    assert sheet_fit(data).arrangement is Arrangement.REFERENCE
    reader = sheet_pdf(tmp_path, data)
    assert len(reader.pages) == 1
    found = lines(all_text(reader))
    for line in ("Năm 2026", "XÁC NHẬN CỦA ĐẢNG ỦY PHƯỜNG MẠO KHÊ", "T/M ĐẢNG ỦY",
                 "(ký tên, đóng dấu)", "Phạm Văn Dũng"):
        assert line in found, (line, found)
    assert "nơi cư trú năm 2026" not in flat(all_text(reader))
    words = page_words(tmp_path / "sheet.pdf", 1)
    year = next(w for w in words if w[4] == "Năm")
    to = next(w for w in words if w[4] == "Kính")
    subtitle = next(w for w in words if w[4] == "trú" and w[1] < to[1])
    assert subtitle[3] <= year[1] and year[3] <= to[1]  # between the subtitle and "Kính gửi"
    assert abs((year[0] + words_on(words, year[1])[-1][2]) / 2 - (35 + 80) * mm) < 2
    # the two signers side by side, their names on one line
    fronts = [w for w in words if w[4] == "T/M" and w[1] < year[1] + 500]
    names = [w for w in words if w[4] in ("Bình", "Cường")]
    assert abs(names[0][1] - names[1][1]) < 1 and abs(fronts[0][1] - fronts[1][1]) < 1
    # the certification centred under them
    heading = words_on(words, next(w for w in words if w[4] == "XÁC")[1])
    assert " ".join(w[4] for w in heading) == "XÁC NHẬN CỦA ĐẢNG ỦY PHƯỜNG MẠO KHÊ"
    assert heading[0][1] > max(n[3] for n in names)
    assert abs((heading[0][0] + heading[-1][2]) / 2 - (35 + 80) * mm) < 2
    note = words_on(words, next(w for w in words if w[4] == "(ký")[1])
    ward = words_on(words, next(w for w in words if w[4] == "Dũng")[1])
    assert " ".join(w[4] for w in ward) == "Phạm Văn Dũng"
    assert ward[0][1] - note[0][3] >= 30 * mm  # the room for the signature and seal …
    assert [w for w in words if note[0][3] < w[1] < ward[0][1]] == []  # … left empty
    assert ward[0][3] <= A4_PORTRAIT[1] - 25 * mm  # and all of it above the bottom margin


def test_a_sheet_too_long_for_the_form_certifies_beside_the_signers(tmp_path: Path) -> None:
    """The compact arrangement: the year ends the subtitle; the ward certifies beside the two
    who comment; under its lines, 30 mm of its column stay empty, above the bottom margin."""
    data = with_more_text(dataclasses.replace(SHEET, certification=CERTIFICATION), 600, (1, 7))
    fit = sheet_fit(data)
    assert fit.arrangement is Arrangement.COMPACT and fit.fits
    reader = sheet_pdf(tmp_path, data)
    assert len(reader.pages) == 1
    text = flat(all_text(reader))
    assert "nơi cư trú năm 2026" in text
    assert "Năm 2026" not in lines(all_text(reader))
    assert "PHƯỜNG MẠO KHÊ XÁC" not in text and "(ký tên, đóng dấu)" not in text
    # the signatures are a form object: poppler places it where it stands, pypdf does not
    words = page_words(tmp_path / "sheet.pdf", 1)
    certify = next(w for w in words if w[4] == "XÁC")
    front = [w for w in words if w[4] == "T/M" and abs(w[1] - certify[1]) < 2]
    assert len(front) == 2  # the Front's and the cell's titles start on the same line
    column = (certify[0] - 1, min(w[0] for w in front) - 1)  # the certification's column
    below = sorted((w for w in words if column[0] <= w[0] < column[1] and w[1] > certify[1]),
                   key=lambda w: w[1])
    assert [w[4] for w in below] == ["T/M", "ĐẢNG", "ỦY", "BÍ", "THƯ"]
    room_top = below[-1][3]
    room = [w for w in words if w[1] > room_top and w[2] > column[0] and w[0] < column[1]]
    assert room == []  # nothing printed in the room …
    assert A4_PORTRAIT[1] - 25 * mm - room_top >= 30 * mm  # … and 30 mm of it on the page
    names = [w for w in words if w[4] in ("Bình", "Cường")]
    assert all(n[3] - room_top >= 30 * mm - 1 for n in names)  # the signers' names under it


def test_without_the_certification_the_form_is_the_two_signers(tmp_path: Path) -> None:
    assert sheet_fit(SHEET).arrangement is Arrangement.REFERENCE
    text = all_text(sheet_pdf(tmp_path, SHEET))
    assert "Năm 2026" in lines(text) and "XÁC NHẬN" not in text
    # the first sheet longer than the form still fits compact: it saves the year's own line
    long = next(d for d in (with_more_text(SHEET, n, (1,)) for n in range(20, 3000, 20))
                if sheet_fit(d).arrangement is Arrangement.COMPACT)
    fit = sheet_fit(long)
    assert fit.fits and -fit.reference_spare_mm < 13 * 1.1 / mm, fit
    text = flat(all_text(sheet_pdf(tmp_path, long)))
    assert "nơi cư trú năm 2026" in text and "XÁC NHẬN" not in text
    assert fit.message.startswith("Vừa một trang khi in gọn: năm in cùng dòng tiêu đề")


def test_the_arrangement_follows_the_margins(tmp_path: Path) -> None:
    """The same sheet fits the form at the default margins and not at wider ones; the fit and
    the print agree at both."""
    data = with_more_text(dataclasses.replace(SHEET, certification=CERTIFICATION), 100, (1,))
    wide = Margins(35, 30, 35, 15)
    assert sheet_fit(data).arrangement is Arrangement.REFERENCE
    assert sheet_fit(data, wide).arrangement is Arrangement.COMPACT
    for margins, expected in ((Margins(), True), (wide, False)):
        path = tmp_path / "m.pdf"
        assert comment_sheet_pdf(data, path, margins) == 1
        assert ("(ký tên, đóng dấu)" in all_text(PdfReader(path))) is expected


def test_without_a_ward_signer_the_room_runs_to_the_foot(tmp_path: Path) -> None:
    data = dataclasses.replace(SHEET, certification=dataclasses.replace(CERTIFICATION, name=""))
    assert sheet_fit(data).arrangement is Arrangement.REFERENCE
    reader = sheet_pdf(tmp_path, data)
    assert len(reader.pages) == 1 and "Phạm Văn Dũng" not in all_text(reader)
    words = page_words(tmp_path / "sheet.pdf", 1)
    note = next(w for w in words if w[4] == "(ký")
    assert max(w[3] for w in words) == note[3]  # nothing under the note …
    assert A4_PORTRAIT[1] - 25 * mm - note[3] >= 30 * mm  # … and 30 mm of the page free


def stored_sheet(**snapshot: object) -> PrintSheet:
    return PrintSheet(1, "m1", "Nguyễn Văn An", "an", 5, "Chi bộ khu 5", 1,
                      "Đảng ủy Công ty Than Mạo Khê", None, CELL, WARD,
                      {"ward_certifies": True, "front_signs": True, "front_head": "Trần Thị Bình",
                       **snapshot}, (), "none", 2026)


def test_the_certification_comes_from_the_ward_issuer_lines() -> None:
    data = sheet_data(stored_sheet(), date(2026, 12, 5))
    assert data.certification == CERTIFICATION
    assert data.signers == (FRONT, CELL_SIGNER)
    assert sheet_data(stored_sheet(ward_certifies=False), None).certification is None
    unsigned = dataclasses.replace(stored_sheet(), ward_issuer=dataclasses.replace(
        WARD, signer_name=" ", signer_title="T/M BAN THƯỜNG VỤ"))
    certification = sheet_data(unsigned, None).certification
    assert certification is not None and certification.name == ""
    assert certification.short_heading == "XÁC NHẬN CỦA BAN THƯỜNG VỤ"
    assert certification.heading == "XÁC NHẬN CỦA ĐẢNG ỦY PHƯỜNG MẠO KHÊ"
    # a member in no cell: the ward committee issues the sheet itself, nobody certifies it
    assert sheet_data(dataclasses.replace(stored_sheet(), cell_id=None), None
                      ).certification is None

@pytest.mark.parametrize("proposal", ["praise", "none", "discipline"])
def test_the_chosen_proposal_is_ticked(tmp_path: Path, proposal: str) -> None:
    text = flat(all_text(sheet_pdf(tmp_path, dataclasses.replace(SHEET, proposal=proposal))))
    for key, label in PROPOSAL.items():
        box = "☒" if key == proposal else "☐"
        assert f"{box} {label}" in text, (key, text)
    assert text.count("☒") == 1 and text.count("☐") == 2


def test_basis_line_punctuation_is_normalised(tmp_path: Path) -> None:
    for basis in ("Thực hiện Quy định số 213-QĐ/TW", "Thực hiện Quy định số 213-QĐ/TW,",
                  "Thực hiện Quy định số 213-QĐ/TW. "):
        text = flat(all_text(sheet_pdf(tmp_path, dataclasses.replace(SHEET, basis_line=basis))))
        assert ("Thực hiện Quy định số 213-QĐ/TW, Chi ủy Chi bộ khu 5 phối hợp với Ban công tác "
                "Mặt trận khu 5 nhận xét đảng viên như sau:") in text, text


def test_blank_values_print_dots_and_a_year_alone_is_a_year(tmp_path: Path) -> None:
    bare = dataclasses.replace(SHEET, doc_code=None, printed_on=None, addressee="", birth="1978")
    text = all_text(sheet_pdf(tmp_path, bare)).replace("\xa0", " ")
    assert re.search(r"Số {5,}-PNX/CB", text), text
    assert "Đông Triều, ngày …… tháng …… năm ………" in text
    assert "Kính gửi: …" in text
    assert "Năm sinh: 1978" in text and "Sinh ngày" not in text
    assert "None" not in text


def test_a_very_long_name_wraps_inside_its_own_box(tmp_path: Path) -> None:
    name = "Nguyễn Thị Phương Thảo Hoàng Lan Anh Ngọc Bích Thùy Dương Minh"
    reader = sheet_pdf(tmp_path, dataclasses.replace(SHEET, full_name=name))
    assert len(reader.pages) == 1
    words = page_words(tmp_path / "sheet.pdf", 1)
    sex = next(w for w in words if w[4] == "Nam/nữ:")
    name_words = [w for w in words if w[4] in name.split() and w[1] <= sex[1] + 40]
    assert {w[4] for w in name_words} == set(name.split())
    assert all(w[2] < sex[0] for w in name_words)  # never runs into "Nam/nữ"


def test_fonts_are_embedded_and_metadata_set(tmp_path: Path) -> None:
    reader = sheet_pdf(tmp_path, SHEET)
    assert assert_fonts_embedded_and_ours(reader) >= {"LiberationSerif", "LiberationSerif-Bold",
                                                      "DejaVuSans"}
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Phiếu nhận xét đảng viên năm 2026 – Nguyễn Văn An"
    assert meta.author == "Chi bộ khu 5"


def test_a_long_comment_continues_on_a_page_that_names_the_member_year_and_number(
        tmp_path: Path) -> None:
    reader = sheet_pdf(tmp_path, dataclasses.replace(long_sheet(), certification=CERTIFICATION))
    assert len(reader.pages) >= 2
    second = lines(page_text(reader, 1))
    assert second[0] == ("Phiếu nhận xét năm 2026 của đồng chí Hoàng Thị Thủy, số 27-PNX/CB "
                         "(tiếp theo)")
    number = run_with(reader.pages[1], "2")  # in the top margin, over the text's centre
    assert number.y > A4_PORTRAIT[1] - 25 * mm
    assert abs(number.x + width(number) / 2 - (35 + 160 / 2) * mm) < 1
    assert "1" not in lines(page_text(reader, 0))  # the first page has no number
    words = flat(all_text(reader)).split()
    assert [w for w in words if w.startswith("việc")] == LONG_WORDS
    # the line breaks are kept: each paragraph starts a line
    assert "việc150" in [line.split(" ")[0] for line in lines(all_text(reader))]
    # the signatures stay together with the last item, never alone on a page
    last = lines(page_text(reader, len(reader.pages) - 1))
    assert {"7. Ý kiến khác: Không.", "Lê Văn Cường"} <= set(last)



def test_items_too_long_for_any_page_foot_lose_no_word(tmp_path: Path) -> None:
    """Paragraphs measured once per width are measured again after a split that found no
    room for them (a paragraph then forgets its lines)."""
    first, last = LONG_WORDS[:300], LONG_WORDS[300:600]
    items = tuple(dataclasses.replace(i, text=" ".join(first)) if i.number == 1 else
                  dataclasses.replace(i, text=" ".join(last)) if i.number == 7 else i
                  for i in ITEMS)
    data = dataclasses.replace(SHEET, items=items, certification=CERTIFICATION)
    reader = sheet_pdf(tmp_path, data)
    assert len(reader.pages) >= 2 and not sheet_fit(data).fits
    words = flat(all_text(reader)).split()
    assert [w for w in words if w.startswith("việc")] == first + last

# --- one page, and the editor's measure of it ---------------------------------------------------

FREE_TEXT = ("Đồng chí gương mẫu chấp hành chủ trương của Đảng, chính sách, pháp luật của Nhà "
             "nước, tích cực tham gia các hoạt động của khu dân cư và vận động gia đình cùng "
             "thực hiện tốt các quy định nơi cư trú. ") * 10


def with_more_text(data: CommentSheetData, count: int, items: tuple[int, ...]
                   ) -> CommentSheetData:
    """`count` more characters of free text shared out over the given items."""
    each = count // len(items)
    return dataclasses.replace(data, items=tuple(
        dataclasses.replace(i, text=f"{i.text} {FREE_TEXT[:each - 1]}") if i.number in items
        else i for i in data.items))


SPREADS = [(1,), (7,), (1, 2), (1, 2, 4), (2, 4, 7), (1, 2, 3, 4, 5, 7), (3, 5)]


@pytest.mark.parametrize("items", SPREADS)
def test_600_more_characters_still_fit_one_page_with_the_certification(
        tmp_path: Path, items: tuple[int, ...]) -> None:
    data = with_more_text(dataclasses.replace(SHEET, certification=CERTIFICATION), 600, items)
    assert sum(len(i.text) for i in data.items) - sum(len(i.text) for i in SHEET.items) >= 594
    assert sheet_fit(data).fits
    assert len(sheet_pdf(tmp_path, data).pages) == 1


@pytest.mark.parametrize("extra", [0, 100, 200, 300, 600, 900, 1200, 2000])
@pytest.mark.parametrize("margins", [Margins(), Margins(20, 20, 30, 15)])
def test_the_measure_agrees_with_the_printed_pages(tmp_path: Path, extra: int,
                                                   margins: Margins) -> None:
    certified = dataclasses.replace(SHEET, certification=CERTIFICATION)
    data = with_more_text(certified, extra, (1, 7)) if extra else certified
    path = tmp_path / f"fit{extra}.pdf"
    pages = comment_sheet_pdf(data, path, margins)
    fit = sheet_fit(data, margins)
    assert fit.fits == (pages == 1), (fit, pages)
    # and it names the arrangement printed: only the form's has the note under the heading
    printed = all_text(PdfReader(path))
    assert ("(ký tên, đóng dấu)" in printed) == (fit.arrangement is Arrangement.REFERENCE)
    assert ("Vừa một trang" in fit.message) == fit.fits
    assert "trang 2" in fit.message or fit.fits


def test_the_message_says_which_arrangement_and_what_to_cut() -> None:
    fit = sheet_fit(dataclasses.replace(SHEET, certification=CERTIFICATION))
    assert fit.arrangement is Arrangement.REFERENCE and 0 < fit.lines < 5
    # how much room is left as the form, and how much compact: it still fits after that
    assert fit.message == (f"Vừa một trang (còn khoảng {fit.lines} dòng theo mẫu, "
                           f"{int(fit.compact_spare_mm / (13 * 1.1 / mm))} dòng nếu in gọn).")
    assert 8 < fit.compact_spare_mm / (13 * 1.1 / mm) < 15
    data = with_more_text(dataclasses.replace(SHEET, certification=CERTIFICATION), 600, (1, 7))
    fit = sheet_fit(data)
    assert fit.arrangement is Arrangement.COMPACT
    cut = -(fit.reference_spare_mm // (13 * 1.1 / mm))
    assert fit.message == (
        f"Vừa một trang khi in gọn: xác nhận của Đảng ủy in bên cạnh chữ ký (còn khoảng "
        f"{fit.lines} dòng). Bớt khoảng {cut:.0f} dòng thì phiếu in theo mẫu.")
    # cutting that many lines' worth brings the form back
    assert 0 < fit.lines < 10 and 0 < cut < 10


def test_the_measure_is_quick() -> None:
    data = with_more_text(dataclasses.replace(SHEET, certification=CERTIFICATION), 600, (1, 4))
    sheet_fit(data)  # warm: fonts and shared blocks
    start = time.perf_counter()
    for _ in range(20):
        sheet_fit(data)
    assert (time.perf_counter() - start) / 20 < 0.05  # well under a pause in typing


# --- the covering list --------------------------------------------------------------------------

def test_the_covering_list_has_its_rows_total_recipients_and_signer(tmp_path: Path) -> None:
    sheets = tuple(member(n) for n in range(45))
    path = tmp_path / "cover.pdf"
    pages = build_pdf(path, covering_list_flowables(cover(sheets)), title="x", author="y",
                      page_numbers="of_total")
    reader = PdfReader(path)
    assert pages == len(reader.pages) >= 2
    assert_fonts_embedded_and_ours(reader)
    found = lines(all_text(reader))
    for expected in ("ĐẢNG ỦY PHƯỜNG MẠO KHÊ", "DANH SÁCH PHIẾU NHẬN XÉT",
                     "gửi Đảng ủy Công ty Than Mạo Khê", "Năm 2026", "(Các phiếu của Chi bộ khu 5)",
                     "Tổng số: 45 phiếu.", "T/M ĐẢNG ỦY", "Phạm Văn Dũng", "Nơi nhận:",
                     "- Đảng ủy Công ty Than Mạo Khê;", "- Lưu Văn phòng Đảng ủy."):
        assert expected in found, (expected, found)
    assert re.search(r"Số {5,}-DS/ĐU", all_text(reader).replace("\xa0", " "))
    text = flat(all_text(reader))
    # one cell sent them all: no cell column (the note above says it once)
    assert "2 Trần Thị Bình 1978 Công nhân Phân xưởng Khai thác 1 2-PNX/CB" in text
    assert "45 Đặng Văn Đức 44 1978" in text and "45-PNX/CB" in text
    for index in range(len(reader.pages)):  # the column heads repeat on every page
        assert "STT Họ và tên Năm sinh" in flat(page_text(reader, index))
    assert "1 Nguyễn Văn An 1978" in text and "40 Ngô Thị Lan 39 1978" in text
    top = run_with(reader.pages[1], f"2/{pages}")  # x/y in the top margin from page 2
    assert top.y > A4_PORTRAIT[1] - 25 * mm
    assert all(r.y < A4_PORTRAIT[1] - 25 * mm for r in runs(reader.pages[0]))


def test_the_covering_list_never_breaks_a_number_or_a_cell_name(tmp_path: Path) -> None:
    cells = ("Chi bộ khu 10", "Chi bộ khu 5")
    long_job = ("Công nhân vận hành thiết bị sàng tuyển, Phân xưởng Sàng tuyển và Chế biến "
                "than số 3, Công ty Than Mạo Khê")
    sheets = tuple(dataclasses.replace(member(n), doc_code=f"{246 + n}-PNX/CB")
                   for n in range(30))
    rows = tuple(CoverRow(s.full_name, s.birth, long_job, cells[n % 2], s.doc_code or "")
                 for n, s in enumerate(sheets))
    listing = dataclasses.replace(cover(sheets), rows=rows)
    path = tmp_path / "cover.pdf"
    build_pdf(path, covering_list_flowables(listing), title="x", author="y")
    text = pdf_lines(path)
    for row in rows:
        assert any(row.doc_code in line for line in text), row.doc_code
    assert sum("Chi bộ khu 10" in line for line in text) == 15
    # the addressee's company is not repeated after every job
    assert not any("Công ty Than Mạo Khê" in line for line in text
                   if "Sàng tuyển" in line or "than số 3" in line)


def pdf_lines(path: Path) -> list[str]:
    """The lines as poppler lays the page out (columns side by side)."""
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout.splitlines()


# --- the batch ----------------------------------------------------------------------------------

def batch(first: int = 3, second: int = 2) -> list[SheetGroup]:
    one = tuple(member(n) for n in range(first))
    two = (*(member(n, addressee="Đảng ủy Công ty Than Uông Bí")
             for n in range(first, first + second - 1)), long_sheet())
    return [SheetGroup(cover(one), one),
            SheetGroup(cover(two, "Đảng ủy Công ty Than Uông Bí"), two),
            SheetGroup(None, (member(20),))]


def document_pages(reader: PdfReader) -> list[tuple[str, str]]:
    """(what the page is, its page number or '') for every page."""
    found = []
    for index in range(len(reader.pages)):
        text = lines(page_text(reader, index))
        kind = ("list" if "DANH SÁCH PHIẾU NHẬN XÉT" in text
                else "sheet" if "PHIẾU NHẬN XÉT" in text else "more")
        number = text[-1] if text and text[-1].isdigit() else ""
        found.append((kind, number))
    return found


def test_a_batch_puts_each_list_before_its_sheets_and_restarts_page_numbers(
        tmp_path: Path) -> None:
    path = tmp_path / "batch.pdf"
    calls: list[tuple[int, int]] = []
    printed = comment_sheets_pdf(batch(), path, progress=lambda d, t: calls.append((d, t)))
    reader = PdfReader(path)
    assert printed.pages == len(reader.pages)
    kinds = document_pages(reader)
    assert kinds[:4] == [("list", ""), ("sheet", ""), ("sheet", ""), ("sheet", "")]
    assert kinds[4:7] == [("list", ""), ("sheet", ""), ("sheet", "")]
    assert kinds[7] == ("more", "2")  # the long sheet's own page 2
    assert kinds[-1] == ("sheet", "")
    names = [member_name(page_text(reader, i)) for i in (1, 2, 3, 5, 6, len(reader.pages) - 1)]
    assert names == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Hường",
                     "Hoàng Thị Thủy", "Nguyễn Văn An 20"]
    # the page 2 of the long sheet names it; the next document's first page does not
    assert "Hoàng Thị Thủy, số 27-PNX/CB (tiếp theo)" in flat(page_text(reader, 7))
    assert "tiếp theo" not in page_text(reader, len(reader.pages) - 1)
    assert calls[0] == (0, 6) and calls[-1] == (6, 6)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert_fonts_embedded_and_ours(reader)
    meta = reader.metadata
    assert meta is not None and meta.title == "Phiếu nhận xét đảng viên năm 2026"
    assert meta.author == "Đảng ủy phường Mạo Khê"
    # printing says which sheet is longer than a page
    ((long,),) = (printed.long_sheets,)
    assert (long.full_name, long.doc_code) == ("Hoàng Thị Thủy", "27-PNX/CB")
    assert long.pages == len(reader.pages) - 7  # its first page is the 7th, one sheet after
    assert printed.warning().startswith("1 phiếu dài hơn một trang (Hoàng Thị Thủy (số 27-PNX/CB)")


def test_each_member_is_named_on_their_own_page(tmp_path: Path) -> None:
    sheets = tuple(member(n) for n in range(12))
    path = tmp_path / "batch.pdf"
    printed = comment_sheets_pdf([SheetGroup(None, sheets)], path)
    assert printed.long_sheets == () and printed.warning() == ""
    reader = PdfReader(path)
    assert len(reader.pages) == 12
    assert [member_name(page_text(reader, i)) for i in range(12)] == [
        s.full_name for s in sheets]


def test_cancelling_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "batch.pdf"
    seen: list[int] = []
    with pytest.raises(Cancelled):
        comment_sheets_pdf(batch(), path, progress=lambda d, t: seen.append(d),
                           cancelled=lambda: len(seen) > 2)
    assert list(tmp_path.iterdir()) == []
    stream = io.BytesIO()
    with pytest.raises(Cancelled):
        comment_sheets_pdf(batch(), stream, cancelled=lambda: True)
    assert stream.getvalue() == b""


@pytest.fixture
def small_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool from 10 sheets on (not 60), so the tests stay quick."""
    monkeypatch.setattr(comment_batch, "SINGLE_PROCESS_BELOW", 10)


def test_the_pool_gives_the_same_text_and_long_sheets_as_one_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    groups = [SheetGroup(cover(sheets), sheets) for sheets in (
        tuple(member(n) for n in range(14)), (long_sheet(),),
        tuple(member(n) for n in range(14, 30)))]
    single, pooled = tmp_path / "single.pdf", tmp_path / "pooled.pdf"
    calls: list[int] = []
    alone = comment_sheets_pdf(groups, single)  # under 60 sheets: in this process
    monkeypatch.setattr(comment_batch, "SINGLE_PROCESS_BELOW", 10)
    together = comment_sheets_pdf(groups, pooled, workers=2, chunk_size=6,
                                  progress=lambda d, t: calls.append(d))
    assert together == alone and len(alone.long_sheets) == 1
    pages = alone.pages
    one, two = PdfReader(single), PdfReader(pooled)
    assert len(one.pages) == len(two.pages) == pages
    assert [page_text(one, i) for i in range(pages)] == [page_text(two, i) for i in range(pages)]
    assert calls[-1] == 31 and len(calls) > 3
    assert_fonts_embedded_and_ours(two)
    meta = two.metadata
    assert meta is not None and meta.title == "Phiếu nhận xét đảng viên năm 2026"
    assert meta.author == "Đảng ủy phường Mạo Khê"


@pytest.mark.usefixtures("small_pool")
def test_cancelling_the_pool_writes_nothing(tmp_path: Path) -> None:
    sheets = tuple(member(n) for n in range(30))
    path = tmp_path / "pooled.pdf"
    seen: list[int] = []
    with pytest.raises(Cancelled):
        comment_sheets_pdf([SheetGroup(None, sheets)], path, workers=2, chunk_size=5,
                           progress=lambda d, t: seen.append(d), cancelled=lambda: len(seen) > 1)
    assert list(tmp_path.iterdir()) == []
