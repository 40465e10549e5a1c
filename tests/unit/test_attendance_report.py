"""The attendance sheet and the meeting record of a cell activity (DESIGN.md §3.4)."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import time
from datetime import date
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.units import mm

from models.catalogues.documents import IssuerLines
from reports.documents.attendance import (
    AttendanceSheetData,
    MeetingRecordData,
    Person,
    attendance_counts,
    attendance_sheet_pdf,
    counts_line,
    meeting_record_pdf,
    unmarked_names,
)
from reports.layout.party_doc import Margins
from tests.unit.test_party_doc import (
    A4_PORTRAIT,
    all_text,
    assert_fonts_embedded_and_ours,
    is_size,
    page_text,
    run_with,
    runs,
)

CELL = IssuerLines(
    issuer_id=2, parent_line="ĐẢNG BỘ PHƯỜNG MẠO KHÊ", name_line="CHI BỘ KHU 5",
    number_suffix="CB", signer_title="T/M CHI ỦY", signer_role="BÍ THƯ",
    signer_name="Lê Văn Cường", place_name="Đông Triều",
)
FAMILY = ("Đặng", "Nguyễn", "Trương", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Vũ", "Bùi",
          "Đỗ", "Ngô", "Dương", "Lý")
MIDDLE = ("Thị", "Văn", "Ứng", "Hữu", "Đức", "Thủy", "Ngọc")
GIVEN = ("Hường", "Ánh", "Ặn", "Ỷ", "Thoại", "Quỳnh", "Ỳ", "Ưng", "Nguyệt", "Khuê", "Tường",
         "Ổn", "Ữu", "Đoàn", "Yến")
STATES = ("Có mặt", "Có mặt", "Vắng có lý do", "Có mặt", "Vắng không lý do")
WORKPLACES = ("Công ty Than Mạo Khê", "Trường THCS Mạo Khê II",
              "Phân xưởng Khai thác 1, Công ty Than Mạo Khê – TKV, tổ sản xuất số 3")


def people(count: int) -> tuple[Person, ...]:
    """Distinct hard names (14 × 15 family/given pairs), some long workplaces that wrap."""
    return tuple(
        Person(full_name=f"{FAMILY[i % 14]} {MIDDLE[i % 7]} {GIVEN[i % 15]}",
               birth_text=str(1950 + i % 50) if i % 9 else f"{i % 28 + 1:02d}/05/1978",
               workplace=WORKPLACES[2 if i % 10 == 2 else i % 2], state_label=STATES[i % 5],
               note="Đi công tác Hà Nội" if STATES[i % 5] == "Vắng có lý do" else "")
        for i in range(count))


def sheet(count: int = 60, **changes: object) -> AttendanceSheetData:
    data = AttendanceSheetData(
        issuer=CELL, number="5-DS/CB", printed_on=date(2026, 12, 1),
        activity_date=date(2026, 12, 5), activity_title="Học tập Nghị quyết Trung ương 10",
        kind_label="Sinh hoạt chuyên đề", place="Nhà văn hóa khu 5", cell_name="Chi bộ khu 5",
        people=people(count))
    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


def record(count: int = 60, **changes: object) -> MeetingRecordData:
    data = MeetingRecordData(
        issuer=CELL, number="3-BB/CB",
        activity_date=date(2026, 12, 5), activity_title="Học tập Nghị quyết Trung ương 10",
        kind_label="Sinh hoạt chuyên đề", place="Nhà văn hóa khu 5", cell_name="Chi bộ khu 5",
        content="Đồng chí Bí thư quán triệt nội dung Nghị quyết.\n\n"
                "Các đồng chí đảng viên thảo luận, đóng góp ý kiến.\nThống nhất kế hoạch.",
        people=people(count), chair="Lê Văn Cường", secretary="Đặng Thị Hường")
    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


def make_sheet(tmp_path: Path, data: AttendanceSheetData,
               name: str = "sheet.pdf") -> tuple[PdfReader, int]:
    path = tmp_path / name
    pages = attendance_sheet_pdf(data, path)
    return PdfReader(path), pages


def lines(reader: PdfReader) -> list[str]:
    return [line.strip() for line in all_text(reader).splitlines()]


def assert_in_order(text: str, names: list[str]) -> None:
    position = 0
    for name in names:
        found = text.find(name, position)
        assert found >= 0, (name, text[position:position + 300])
        position = found + len(name)


def top_numbers(reader: PdfReader, index: int) -> list[str]:
    """What stands in the top margin of a page (its number, from page 2 on)."""
    return [r.text for r in runs(reader.pages[index]) if r.y > A4_PORTRAIT[1] - 25 * mm]


def test_the_sheet_prints_header_title_every_name_in_order_and_the_total(tmp_path: Path) -> None:
    data = sheet(60)
    reader, pages = make_sheet(tmp_path, data)
    assert pages == len(reader.pages) >= 2
    assert all(is_size(reader, A4_PORTRAIT, i) for i in range(pages))
    found = lines(reader)
    for expected in ("ĐẢNG BỘ PHƯỜNG MẠO KHÊ", "CHI BỘ KHU 5", "Số 5-DS/CB",
                     "ĐẢNG CỘNG SẢN VIỆT NAM", "Đông Triều, ngày 01 tháng 12 năm 2026",
                     "DANH SÁCH ĐẢNG VIÊN DỰ SINH HOẠT",
                     "Học tập Nghị quyết Trung ương 10",  # never "<kind>: <title>"
                     "Ngày 05/12/2026, tại Nhà văn hóa khu 5",
                     "Tổng số: 60 đồng chí.", "T/M CHI ỦY", "BÍ THƯ", "Lê Văn Cường"):
        assert expected in found, (expected, found)
    assert "Chi bộ khu 5" not in found  # the header names the cell already
    assert not any("Sinh hoạt chuyên đề" in line for line in found)
    text = all_text(reader)
    assert_in_order(text, [p.full_name for p in data.people])
    assert len({p.full_name for p in data.people}) == 60
    assert "None" not in text


def word_boxes(path: Path, page: int = 1) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, word) as poppler places the words (y from the top)."""
    html = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(path),
                           "-"], capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                       r'yMax="([\d.]+)">([^<]*)</word>', html)
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in found]


def box(words: list[tuple[float, float, float, float, str]], text: str
        ) -> tuple[float, float, float, float, str]:
    """The first (highest) word that reads `text`."""
    return min((w for w in words if w[4] == text), key=lambda w: w[1])


def test_names_workplaces_and_numbers_are_in_their_columns(tmp_path: Path) -> None:
    reader, _ = make_sheet(tmp_path, sheet(60))
    page = reader.pages[0]
    words = word_boxes(tmp_path / "sheet.pdf")
    name, number = box(words, "Hường"), box(words, "STT")
    birth, heading = box(words, "1951"), box(words, "Họ")
    assert number[2] < heading[0] <= name[0] < birth[0]
    heads = next(r for r in runs(page) if r.text.startswith("STT"))
    assert "Ngày sinh" in heads.text and "Năm sinh" not in page_text(reader, 0)  # full dates
    assert heads.font.endswith("-Bold")
    sign = box(words, "Ký")
    assert sign[0] > birth[2] + 40 * mm  # the workplace column lies between
    # long workplaces wrap inside their column instead of running into the signature column
    tail = [w for w in words if w[4] in ("TKV,", "xuất")]
    assert tail and all(w[2] < sign[0] - 5 * mm for w in tail)
    # the size of the table's text
    row = next(r for r in runs(page) if r.text.startswith("1 Đặng Thị Hường"))
    assert 12 <= row.size <= 13


def test_rows_leave_room_to_sign(tmp_path: Path) -> None:
    make_sheet(tmp_path, sheet(60))
    words = word_boxes(tmp_path / "sheet.pdf")
    first, second = box(words, "Hường"), box(words, "Ánh")
    assert second[1] - first[1] >= 9 * mm - 0.5


def test_page_numbers_and_the_heading_row_on_every_page(tmp_path: Path) -> None:
    data = sheet(130)
    reader, pages = make_sheet(tmp_path, data)
    assert pages >= 4
    for index in range(pages):
        page = page_text(reader, index)
        assert "Họ và tên" in page and "Ký tên" in page, index
        assert top_numbers(reader, index) == ([] if index == 0 else [str(index + 1)])
    # the header of the document only on the first page; the rows go on, numbered 1…130
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in page_text(reader, 1)
    text = all_text(reader)
    assert_in_order(text, [p.full_name for p in data.people])
    assert "Tổng số: 130 đồng chí." in lines(reader)
    assert "130" in page_text(reader, pages - 1)


def test_the_rows_fill_each_page_and_stay_inside_the_margins(tmp_path: Path) -> None:
    margins = Margins(top_mm=20, bottom_mm=20, left_mm=30, right_mm=15)
    path = tmp_path / "margins.pdf"
    pages = attendance_sheet_pdf(sheet(130), path, margins)
    reader = PdfReader(path)
    for index in range(pages):
        found = [r for r in runs(reader.pages[index]) if not r.text.isdigit()]
        assert min(r.x for r in found) >= 30 * mm - 1
        assert max(r.y for r in found) <= (297 - 20) * mm
        assert min(r.y for r in found) >= 20 * mm
    # pages in the middle are full: their last row ends within two rows of the bottom margin
    for index in range(1, pages - 1):
        lowest = min(r.y for r in runs(reader.pages[index]))
        assert lowest < (20 + 2 * 9 + 5) * mm, (index, lowest / mm)
    assert sum(p.full_name in page_text(reader, 1) for p in people(130)) >= 20


def test_the_total_and_signature_never_stand_alone_on_a_page() -> None:
    """Whatever the length, the last rows go over with the total and the signature."""
    for count in range(10, 40):
        buffer = io.BytesIO()
        attendance_sheet_pdf(sheet(count), buffer)
        last = PdfReader(buffer).pages[-1].extract_text()
        before, _, after = last.partition(f"Tổng số: {count} đồng chí.")
        assert "Lê Văn Cường" in after, count
        assert people(count)[-1].full_name in before, count


def test_fonts_are_embedded_and_nothing_else(tmp_path: Path) -> None:
    reader, _ = make_sheet(tmp_path, sheet(130))
    assert {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic"} <= (
        assert_fonts_embedded_and_ours(reader))
    record_path = tmp_path / "record.pdf"
    meeting_record_pdf(record(130), record_path, full_list=True)
    assert_fonts_embedded_and_ours(PdfReader(record_path))


def test_metadata_and_a_blank_number(tmp_path: Path) -> None:
    reader, _ = make_sheet(tmp_path, sheet(3, number=None, place=""))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Danh sách đảng viên dự sinh hoạt – Học tập Nghị quyết Trung ương 10"
    assert meta.author == "Chi bộ khu 5"
    text = all_text(reader)
    assert "-DS/CB" in text and "tại …" in text and "None" not in text


def test_a_ward_wide_sheet_is_grouped_by_cell_and_an_empty_list_prints(tmp_path: Path) -> None:
    ward = dataclasses.replace(CELL, name_line="ĐẢNG ỦY PHƯỜNG MẠO KHÊ")
    group = tuple(dataclasses.replace(p, cell=("Chi bộ khu 10", "Chi bộ khu 2", "")[i % 3])
                  for i, p in enumerate(people(30)))
    reader, _ = make_sheet(tmp_path, sheet(cell_name="Toàn phường", issuer=ward, people=group,
                                           ward_wide=True))
    text = all_text(reader)
    found = lines(reader)
    assert "Toàn phường" in found
    # groups in the cells' natural order (khu 2 before khu 10), members without one last
    assert_in_order(text, ["Chi bộ khu 2 (10 đồng chí)", "Chi bộ khu 10 (10 đồng chí)",
                           "(Chưa phân chi bộ) (10 đồng chí)"])
    khu2 = [p.full_name for p in group if p.cell == "Chi bộ khu 2"]
    assert_in_order(text[text.index("Chi bộ khu 2 ("):text.index("Chi bộ khu 10 (")], khu2)
    assert "Tổng số: 30 đồng chí." in found
    empty, pages = make_sheet(tmp_path, sheet(0, cell_name="Toàn phường", ward_wide=True),
                              "empty.pdf")
    assert pages == 1 and "Tổng số: 0 đồng chí." in lines(empty)
    assert "Họ và tên" in all_text(empty)


def test_the_sheet_writes_to_a_binary_file() -> None:
    buffer = io.BytesIO()
    assert attendance_sheet_pdf(sheet(5), buffer) == 1
    assert buffer.getvalue().startswith(b"%PDF")


def test_two_thousand_people_build_quickly(tmp_path: Path) -> None:
    data = sheet(2000)
    started = time.perf_counter()
    reader, pages = make_sheet(tmp_path, data, "big.pdf")
    elapsed = time.perf_counter() - started
    print(f"2,000-person attendance sheet: {pages} pages in {elapsed:.2f} s")
    assert elapsed < 15
    assert pages == len(reader.pages) > 60
    last = page_text(reader, pages - 1)
    assert "Tổng số: 2.000 đồng chí." in last and "Họ và tên" in last


# --- the meeting record -------------------------------------------------------------------------

def test_counts_come_from_the_state_labels_and_always_add_up() -> None:
    group = (Person("A", "1970", "", "Có mặt"), Person("B", "1970", "", " có mặt "),
             Person("C", "1970", "", "Vắng có lý do"), Person("D", "1970", "", ""),
             Person("E", "1970", "", "Vắng không lý do"), Person("F", "1970", "", "Được mời"))
    assert attendance_counts(group) == (2, 1, 1)
    assert counts_line(group) == ("Có mặt: 2 đồng chí; vắng có lý do: 1 đồng chí; vắng không "
                                  "lý do: 1 đồng chí; chưa điểm danh: 2 đồng chí.")
    assert unmarked_names(group) == ["D", "F"]
    marked = group[:3]
    assert counts_line(marked) == ("Có mặt: 2 đồng chí; vắng có lý do: 1 đồng chí; vắng không "
                                   "lý do: 0 đồng chí.")


def test_the_record_prints_the_activity_counts_absentees_and_signatures(tmp_path: Path) -> None:
    data = record(60)
    path = tmp_path / "record.pdf"
    pages = meeting_record_pdf(data, path)
    reader = PdfReader(path)
    assert pages == len(reader.pages) and is_size(reader, A4_PORTRAIT)
    found = lines(reader)
    present, excused, absent = attendance_counts(data.people)
    assert (present, excused, absent) == (36, 12, 12)
    for expected in ("ĐẢNG BỘ PHƯỜNG MẠO KHÊ", "CHI BỘ KHU 5", "Số 3-BB/CB", "BIÊN BẢN",
                     # dated the day of the meeting, not the day it is printed
                     "Đông Triều, ngày 05 tháng 12 năm 2026",
                     "Học tập Nghị quyết Trung ương 10",
                     "Địa điểm: Nhà văn hóa khu 5", "Chủ trì: Lê Văn Cường",
                     "Thư ký: Đặng Thị Hường",
                     "Đồng chí Bí thư quán triệt nội dung Nghị quyết.",
                     "Các đồng chí đảng viên thảo luận, đóng góp ý kiến.", "Thống nhất kế hoạch.",
                     "Số đảng viên được mời: 60 đồng chí.",
                     "Có mặt: 36 đồng chí; vắng có lý do: 12 đồng chí; vắng không lý do: 12 đồng "
                     "chí.", "THƯ KÝ", "CHỦ TRÌ"):
        assert expected in found, (expected, found)
    assert any(line.startswith("Thời gian: …… giờ ……, ngày 05 tháng 12 năm 2026")
               for line in found)
    assert "chưa điểm danh" not in all_text(reader).lower()
    text = all_text(reader)
    absentees = [p for p in data.people if p.state_label.startswith("Vắng")]
    assert_in_order(text, [p.full_name for p in absentees])
    assert text.count("Đi công tác Hà Nội") == 12
    signers = (data.chair, data.secretary)
    present_only = [p.full_name for p in data.people
                    if p.state_label == "Có mặt" and p.full_name not in signers]
    assert present_only and not any(name in text for name in present_only)
    # the signatures: secretary on the left, chair on the right, names under them
    last = reader.pages[-1]
    secretary, chair = run_with(last, "THƯ KÝ"), run_with(last, "CHỦ TRÌ")
    assert secretary.x < chair.x and abs(secretary.y - chair.y) < 1
    assert run_with(last, "Lê Văn Cường").y < chair.y


def test_a_record_printed_before_the_roll_call_says_so(tmp_path: Path) -> None:
    """Nobody marked: no absentee claim, no zeros that contradict the invited."""
    nobody = tuple(dataclasses.replace(p, state_label="") for p in people(8))
    path = tmp_path / "early.pdf"
    meeting_record_pdf(record(people=nobody), path)
    found = lines(PdfReader(path))
    assert "Số đảng viên được mời: 8 đồng chí." in found
    assert ("Có mặt: 0 đồng chí; vắng có lý do: 0 đồng chí; vắng không lý do: 0 đồng chí; chưa "
            "điểm danh: 8 đồng chí.") in " ".join(found)
    assert "Chưa điểm danh: chưa ghi có mặt hay vắng cho đồng chí nào." in found
    assert "Không có đồng chí nào vắng mặt." not in found


def test_a_record_names_the_invited_not_marked_yet(tmp_path: Path) -> None:
    group = tuple(dataclasses.replace(p, state_label="" if i in (2, 5) else "Có mặt")
                  for i, p in enumerate(people(10)))
    path = tmp_path / "partly.pdf"
    meeting_record_pdf(record(people=group), path)
    reader = PdfReader(path)
    found = lines(reader)
    assert ("Có mặt: 8 đồng chí; vắng có lý do: 0 đồng chí; vắng không lý do: 0 đồng chí; chưa "
            "điểm danh: 2 đồng chí.") in " ".join(found)
    assert "Các đồng chí chưa điểm danh (chưa ghi có mặt hay vắng):" in found
    assert "Không có đồng chí nào vắng mặt." not in found  # two may yet be absent
    text = all_text(reader)
    after = text[text.index("Các đồng chí chưa điểm danh"):]
    assert_in_order(after, [group[2].full_name, group[5].full_name])
    assert after.count("Chưa điểm danh") == 2  # each named with that state


def test_the_record_can_list_everyone(tmp_path: Path) -> None:
    data = record(130)
    path = tmp_path / "full.pdf"
    pages = meeting_record_pdf(data, path, full_list=True)
    reader = PdfReader(path)
    text = all_text(reader)
    assert "Danh sách đảng viên được mời:" in text
    start = text.index("Danh sách đảng viên được mời:")
    assert_in_order(text[start:], [p.full_name for p in data.people])
    for index in range(1, pages - 1):
        assert "Họ và tên" in page_text(reader, index)
        assert top_numbers(reader, index) == [str(index + 1)]


def test_a_record_without_content_or_absentees_leaves_lines_to_write_on(tmp_path: Path) -> None:
    everyone = tuple(dataclasses.replace(p, state_label="Có mặt") for p in people(8))
    path = tmp_path / "blank.pdf"
    assert meeting_record_pdf(record(content="  \n\n ", people=everyone, chair="",
                                     secretary="", number=None), path) == 1
    found = lines(PdfReader(path))
    assert "Không có đồng chí nào vắng mặt." in found
    assert ("Có mặt: 8 đồng chí; vắng có lý do: 0 đồng chí; vắng không lý do: 0 đồng chí."
            in found)
    assert any(line.startswith("…………") for line in found)
    assert "None" not in "\n".join(found)
