"""The member list / tracking book: rows, order, totals, PDF, workbook, cancel and command line.

The register is the one of tests/unit/test_summary.py (see its docstring for who is who).
"""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from reportlab.lib.units import mm

from models.catalogues.documents import issuer_lines
from models.figures.common import Cancelled
from models.figures.member_list import ListedMember, MemberList, member_list, member_totals
from models.store.db import Database
from reports.documents.member_list import member_list_pdf, member_list_xlsx
from tests.unit.test_party_doc import runs
from tests.unit.test_summary import TODAY, build, numbers

ORDER = ["Trần Văn An", "Nguyễn Thị Ánh", "Lê Văn Bình", "Phạm Văn Cường", "Đỗ Thị Dung",
         "Bùi Văn Giang", "Đặng Văn Hải", "Hoàng Thị Hoa", "Ngô Văn Lâm"]


def test_rows_order_notes_and_totals(db: Database) -> None:
    r = build(db)
    f = db.session_factory
    ward = member_list(f)
    assert ward.scope == "Đảng bộ phường Mạo Khê"
    assert [m.full_name for m in ward.rows] == ORDER  # Khoa is archived
    t = ward.totals
    assert (t.members, t.male, t.female, t.active, t.excused, t.left) == (9, 6, 3, 5, 1, 4)
    assert t.by_status == (("Chuyển nơi cư trú", 1), ("Chuyển sinh hoạt đảng", 1),
                           ("Nghỉ hưu, chuyển về chi bộ nơi cư trú", 1), ("Từ trần", 1))
    an = ward.rows[0]
    assert (an.birth_text, an.sex_label, an.join_date, an.job, an.party_unit, an.address,
            an.received_date, an.notes) == (
        "05/02/1980", "Nam", date(2005, 3, 3), "Thợ lò, Phân xưởng Khai thác 1",
        "Chi bộ Khai thác 1, Đảng ủy Công ty Than Mạo Khê", "Tổ 2, khu 5", date(2020, 5, 10), "")
    notes = {m.full_name: m.notes for m in ward.rows}
    assert notes["Phạm Văn Cường"] == "Chuyển nơi cư trú ngày 20/01/2026."
    assert notes["Đặng Văn Hải"] == "Miễn sinh hoạt nơi cư trú: Thường xuyên làm việc xa."
    assert notes["Nguyễn Thị Ánh"] == ""  # her excuse has ended

    khu5 = member_list(f, cell_id=r.c5)
    assert khu5.scope == "Chi bộ khu 5"
    assert [m.full_name for m in khu5.rows] == [
        "Trần Văn An", "Nguyễn Thị Ánh", "Lê Văn Bình", "Phạm Văn Cường", "Hoàng Thị Hoa"]
    current = member_list(f, workplace_org_id=r.org_b, current_only=True)
    assert current.scope == "Đảng ủy Công ty Than Uông Bí"
    assert [m.full_name for m in current.rows] == ["Lê Văn Bình", "Đặng Văn Hải"]
    with pytest.raises(LookupError, match="Chi bộ"):
        member_list(f, cell_id=9999)


def test_pdf_is_a_landscape_book_with_the_heading_on_every_page(db: Database,
                                                                 tmp_path: Path) -> None:
    build(db)
    f = db.session_factory
    data = member_list(f)
    # 40 copies of the nine members: several pages
    many = dataclasses.replace(data, rows=data.rows * 40, totals=member_totals(data.rows * 40))
    out = tmp_path / "list.pdf"
    seen: list[tuple[int, int]] = []
    pages = member_list_pdf(many, issuer_lines(f, None, TODAY), out, printed_on=TODAY,
                            progress=lambda done, total: seen.append((done, total)))
    reader = PdfReader(out)
    assert pages == len(reader.pages) > 3
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    texts = [page.extract_text() for page in reader.pages]
    for number, text in enumerate(texts, start=1):
        assert "Họ và tên" in text and "Ngày tiếp" in text, number  # the heading row
        top = [r.text for r in runs(reader.pages[number - 1]) if r.y > 210 * mm - 25 * mm]
        assert top == ([] if number == 1 else [f"{number}/{pages}"])  # HD 36: top margin
    first = texts[0]
    assert "DANH SÁCH ĐẢNG VIÊN" in first and "ĐẢNG ỦY PHƯỜNG MẠO KHÊ" in first
    assert "(Tính đến ngày 26/11/2026)" in first
    # the ward's book is grouped by cell, its members numbered on across the groups
    assert "Chi bộ khu 5: 200 đồng chí (nam: 120, nữ: 80)" in first
    assert "1 Trần Văn An 05/02/1980 Nam 03/03/2005" in first
    whole = "\n".join(texts)
    assert "Chi bộ khu 6: 160 đồng chí" in whole and "360 " in whole
    assert whole.index("Chi bộ khu 5:") < whole.index("Chi bộ khu 6:")
    assert "Chi bộ khu 5 (tiếp theo)" in texts[1]  # a page inside a group names it
    assert seen[-1] == (362, 362)  # the 360 members and the two cells' headings
    assert all(a <= b for (a, _), (b, _) in pairwise(seen))
    flat = " ".join(texts[-1].split())
    assert "Tổng số: 360 đồng chí (nam: 240, nữ: 120)." in flat
    assert numbers(flat.split("Đang sinh hoạt:")[1].split(".")[0]) == [200, 40]
    assert "T/M ĐẢNG ỦY" in flat and "Lê Văn Cường" in flat


def test_cancel_raises_and_writes_nothing(db: Database, tmp_path: Path) -> None:
    build(db)
    f = db.session_factory
    data = member_list(f)
    many = dataclasses.replace(data, rows=data.rows * 30)
    out = tmp_path / "list.pdf"
    with pytest.raises(Cancelled):
        member_list_pdf(many, issuer_lines(f, None, TODAY), out, cancelled=lambda: True)
    assert not out.exists()
    with pytest.raises(Cancelled):
        member_list(f, cancelled=lambda: True)


def test_workbook(db: Database, tmp_path: Path) -> None:
    r = build(db)
    data = member_list(db.session_factory, cell_id=r.c5)
    out = tmp_path / "khu5.xlsx"
    assert member_list_xlsx(data, out, made_on=TODAY) == 5
    book = load_workbook(out)
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("STT", "Họ và tên", "Ngày sinh", "Nam/nữ", "Ngày vào Đảng",
                       "Đơn vị công tác, chức vụ", "Tổ chức đảng nơi sinh hoạt", "Nơi cư trú",
                       "Ngày tiếp nhận", "Ghi chú")
    assert [row[1] for row in rows[1:6]] == [
        "Trần Văn An", "Nguyễn Thị Ánh", "Lê Văn Bình", "Phạm Văn Cường", "Hoàng Thị Hoa"]
    assert rows[1][2].date() == date(1980, 2, 5) and rows[1][8].date() == date(2020, 5, 10)
    assert sheet["C2"].number_format == "dd/mm/yyyy"
    assert sheet.freeze_panes == "A2"
    assert rows[-3][1] == "Tổng số: 5 đồng chí (nam: 3, nữ: 2)."
    assert book.properties.creator == "Đảng ủy phường Mạo Khê"
    assert book.properties.title == "Danh sách đảng viên – Chi bộ khu 5"
    assert book.properties.description == "Lập bởi Sổ đảng viên 213 ngày 26/11/2026"


def test_a_birth_year_alone_prints_as_the_year(tmp_path: Path) -> None:
    row = ListedMember(1, "Trần Văn An", None, 1975, "M", None, "", "", "", None, "", "", "",
                       "active", False)
    from models.figures.common import WardNames

    data = MemberList(WardNames("Đảng ủy phường Mạo Khê", "Đảng bộ phường Mạo Khê", ""),
                      "Chi bộ khu 5", None, None, (row,), member_totals([row]))
    assert row.birth_text == "1975"
    out = tmp_path / "one.xlsx"
    member_list_xlsx(data, out)
    assert load_workbook(out).active["C2"].value == 1975
    assert load_workbook(out).active["C1"].value == "Năm sinh"  # only years: "Năm sinh"
    buffer = io.BytesIO()
    from models.catalogues.documents import IssuerLines

    issuer = IssuerLines(1, "ĐẢNG BỘ PHƯỜNG MẠO KHÊ", "CHI BỘ KHU 5", "CB", "T/M CHI BỘ",
                         "BÍ THƯ", "", "Đông Triều")
    assert member_list_pdf(data, issuer, buffer) == 1
    text = PdfReader(buffer).pages[0].extract_text()
    assert "1 Trần Văn An 1975 Nam" in text and "Năm sinh" in text and "Ngày sinh" not in text


def test_command_line(db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import main

    build(db)
    db.close()
    pdf, xlsx = tmp_path / "khu5.pdf", tmp_path / "ward.xlsx"
    assert main.main(["--db", str(db.path), "print", "members", "--cell", "khu 5",
                      "--out", str(pdf)]) == 0
    assert "Đã in danh sách 5 đảng viên (Chi bộ khu 5)" in capsys.readouterr().out
    assert "CHI BỘ KHU 5" in PdfReader(pdf).pages[0].extract_text()
    assert main.main(["--db", str(db.path), "print", "members", "--out", str(xlsx)]) == 0
    assert load_workbook(xlsx).active.max_row == 1 + 9 + 1 + 3
    assert main.main(["--db", str(db.path), "print", "members", "--cell", "khu 9",
                      "--out", str(pdf), "--overwrite"]) == 1
    assert "Không có chi bộ «khu 9»" in capsys.readouterr().err
    assert main.main(["--db", str(db.path), "print", "members",
                      "--out", str(tmp_path / "no" / "x.pdf")]) == 1
    assert "Không ghi được tệp" in capsys.readouterr().err
    assert main.main(["--db", str(db.path), "print", "summary", "--year", "2026",
                      "--out", str(tmp_path / "s.xlsx")]) == 0
    assert "Đã in báo cáo tổng hợp năm 2026" in capsys.readouterr().out
