"""The attendance summary of a year, per cell and per member, on the hand-built register of
tests/unit/test_summary.py: the counts follow participation_many's rules (held activities,
inside the member's active spans, outside excused periods)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from models.catalogues.documents import issuer_lines
from models.figures.attendance import attendance_summary
from models.membership import Participation, participation_many, total
from models.store.db import Database
from reports.documents.attendance_summary import attendance_summary_pdf, attendance_summary_xlsx
from tests.unit.test_summary import TODAY, build, line_with, numbers

P = Participation
# (invited, present, excused, absent) counted in 2026, by hand from the module docstring
EXPECTED_MEMBERS = [
    ("Trần Văn An", P(4, 4, 0, 0)),  # P1, P2, P4, P5
    ("Nguyễn Thị Ánh", P(2, 1, 1, 0)),  # P1, P5 (P2 fell in her excused period)
    ("Lê Văn Bình", P(3, 1, 1, 1)),  # P2, P4, P5
    ("Phạm Văn Cường", P()),  # on the register until 20/01, invited to nothing
    ("Đỗ Thị Dung", P(1, 1, 0, 0)),  # P3
    ("Đặng Văn Hải", P()),  # excused since 01/02: his P3 row does not count
    ("Hoàng Thị Hoa", P(3, 1, 0, 1)),  # P1, P2, P4 (never marked at P4)
    ("Ngô Văn Lâm", P(1, 1, 0, 0)),  # P6
]  # Giang left in 2025 and Khoa is archived: not listed


def test_per_member_and_per_cell(db: Database) -> None:
    r = build(db)
    f = db.session_factory
    data = attendance_summary(f, 2026)
    assert [(m.full_name, m.counts) for m in data.members] == EXPECTED_MEMBERS
    assert [(c.cell, c.held_total, c.counts) for c in data.cells] == [
        ("Chi bộ khu 5", 3, P(9, 5, 2, 2)), ("Chi bộ khu 6", 2, P(2, 2, 0, 0)),
        ("Toàn phường", 1, P(3, 2, 0, 0))]
    assert data.total == P(14, 9, 2, 2)
    assert data.members[2].counts.rate == pytest.approx(1 / 3)
    # the same rule as participation_many, member by member
    every = participation_many(f, None, 2026)
    for m in data.members:
        assert m.counts == total(every[m.member_id].values()), m.full_name

    khu6 = attendance_summary(f, 2026, cell_id=r.c6)
    assert khu6.scope == "Chi bộ khu 6"
    assert [(m.full_name, m.counts) for m in khu6.members] == [
        ("Đỗ Thị Dung", P(1, 1, 0, 0)), ("Đặng Văn Hải", P()), ("Ngô Văn Lâm", P(1, 1, 0, 0))]
    assert [(c.cell, c.counts) for c in khu6.cells] == [("Chi bộ khu 6", P(2, 2, 0, 0))]
    last_year = attendance_summary(f, 2025)
    # P0 invited khu 5's list of 20/11/2025; only An was marked
    assert [(m.full_name, m.counts) for m in last_year.members if m.counts.invited] == [
        ("Trần Văn An", P(1, 1, 0, 0)), ("Nguyễn Thị Ánh", P(1)), ("Phạm Văn Cường", P(1)),
        ("Hoàng Thị Hoa", P(1))]


def test_pdf_and_workbook(db: Database, tmp_path: Path) -> None:
    build(db)
    f = db.session_factory
    data = attendance_summary(f, 2026)
    out = tmp_path / "attendance.pdf"
    pages = attendance_summary_pdf(data, issuer_lines(f, None, TODAY), out, printed_on=TODAY)
    reader = PdfReader(out)
    assert pages == len(reader.pages)
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "TỔNG HỢP TÌNH HÌNH THAM GIA SINH HOẠT" in text and "năm 2026" in text
    assert numbers(line_with(text, "1 Chi bộ khu 5")) == [1, 5, 3, 9, 5, 2, 2]
    assert "55,6%" in line_with(text, "1 Chi bộ khu 5")
    assert numbers(line_with(text, "3 Toàn phường")) == [3, 1, 3, 2, 0, 0]
    # members grouped by cell (each cell's name over them, its subtotal under them)
    assert text.index("Chi bộ khu 5 (") < text.index("1 Trần Văn An") < text.index(
        "Chi bộ khu 6 (")
    assert numbers(line_with(text, "1 Trần Văn An")) == [1, 5, 2, 1980, 4, 4, 0, 0]
    assert "100,0%" in line_with(text, "1 Trần Văn An")
    assert "33,3%" in line_with(text, "3 Lê Văn Bình")
    assert "–" in next(line for line in text.splitlines() if "Đặng Văn Hải" in line)  # no rate
    totals = [line for line in text.splitlines() if line.startswith("Tổng cộng")]
    subtotals = [numbers(line) for line in text.splitlines() if line.startswith("Cộng")]
    assert len(subtotals) >= 2
    assert [sum(column) for column in zip(*subtotals, strict=True)][:4] == [14, 9, 2, 2]
    assert [numbers(t) for t in totals] == [[6, 14, 9, 2, 2], [14, 9, 2, 2]]
    assert all("64,3%" in t for t in totals)

    book_path = tmp_path / "attendance.xlsx"
    assert attendance_summary_xlsx(data, book_path, made_on=TODAY) == 8
    book = load_workbook(book_path)
    assert book.properties.creator == "Đảng ủy phường Mạo Khê"
    assert book.properties.description == "Lập bởi Sổ đảng viên 213 ngày 26/11/2026"
    cells = list(book["Theo chi bộ"].iter_rows(values_only=True))
    assert cells[1][:7] == (1, "Chi bộ khu 5", 3, 9, 5, 2, 2)
    assert cells[-1][:7] == (None, "Tổng cộng", 6, 14, 9, 2, 2)
    assert cells[-1][7] == pytest.approx(9 / 14)
    members = list(book["Theo đảng viên"].iter_rows(values_only=True))
    assert members[1][:9] == (1, "Trần Văn An", "05/02/1980", "Chi bộ khu 5",
                              "Đảng ủy Công ty Than Mạo Khê", 4, 4, 0, 0)
    assert members[6][1:10] == ("Đặng Văn Hải", "05/02/1980", "Chi bộ khu 6",
                                "Đảng ủy Công ty Than Uông Bí", 0, 0, 0, 0, None)
    assert members[-1][5:9] == (14, 9, 2, 2)
