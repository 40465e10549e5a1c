"""The yearly summary report: figures, PDF and workbook, on a register built by hand.

Every expected figure below is written out and can be checked with a pencil (year 2026, the
report made on 26/11/2026):

    member          sex cell org  received    what happens
    Trần Văn An      M   5   A    10/05/2020
    Nguyễn Thị Ánh   F   5   A    02/03/2021  excused 01/05–01/08/2026
    Lê Văn Bình      M   5   B    01/03/2026
    Phạm Văn Cường   M   5   B    01/01/2019  moved away 20/01/2026
    Đỗ Thị Dung      F   6   A    01/06/2019  deceased 30/06/2026
    Bùi Văn Giang    M   6   A    01/01/2019  retired to his residence cell 15/12/2025
    Đặng Văn Hải     M   6   B    02/04/2018  excused from 01/02/2026
    Hoàng Thị Hoa    F   5   B    01/01/2019  transferred out 10/09/2026
    Vũ Văn Khoa      M   5   A    01/01/2019  archived
    Ngô Văn Lâm      M   6   –    01/10/2026

    activities (held): P0 20/11/2025 khu 5 periodic (last year) · P1 15/02 khu 5 periodic ·
    P3 10/03 khu 6 periodic · P2 10/06 khu 5 residents · P4 20/07 whole ward, other ·
    P5 18/10 khu 5 periodic · P6 20/10 khu 6 movement; P7 10/12 khu 5 planned.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from models.activities.service import ActivityInput, add_activity, invite, save_attendance
from models.catalogues.documents import issuer_lines
from models.catalogues.service import OrgInput, add_org
from models.catalogues.ward import list_cells
from models.figures.summary import year_summary
from models.register.rules import MemberInput
from models.register.service import add_member, change_status, set_archived, set_excused
from models.store.db import Database
from models.store.entities import CommentSheet, MemberStatus
from reports.documents.summary_report import summary_pdf, summary_xlsx
from tests.conftest import on_both_databases

db = on_both_databases()

TODAY = date(2026, 11, 26)


@dataclass
class Register:
    c5: int
    c6: int
    org_a: int
    org_b: int
    m: dict[str, int]


def build(db: Database) -> Register:
    """The register of the module docstring, with its activities, marks and comment sheets."""
    f = db.session_factory
    cells = {c.name: c.id for c in list_cells(f)}
    c5, c6 = cells["Chi bộ khu 5"], cells["Chi bộ khu 6"]
    org_a = add_org(f, OrgInput(name="Đảng ủy Công ty Than Mạo Khê",
                                parent_name="Đảng bộ Tập đoàn TKV")).id
    org_b = add_org(f, OrgInput(name="Đảng ủy Công ty Than Uông Bí",
                                parent_name="Đảng bộ Than Quảng Ninh")).id

    def add(name: str, sex: str, cell: int, org: int | None, received: date) -> int:
        return add_member(f, MemberInput(
            full_name=name, sex=sex, birth_date=date(1980, 2, 5), cell_id=cell,
            workplace_org_id=org, received_date=received, join_date=date(2005, 3, 3),
            job_title="Thợ lò", employer_unit="Phân xưởng Khai thác 1",
            workplace_cell="Chi bộ Khai thác 1", address=f"Tổ 2, khu {5 if cell == c5 else 6}"),
            TODAY)

    m = {
        "an": add("Trần Văn An", "M", c5, org_a, date(2020, 5, 10)),
        "anh": add("Nguyễn Thị Ánh", "F", c5, org_a, date(2021, 3, 2)),
        "binh": add("Lê Văn Bình", "M", c5, org_b, date(2026, 3, 1)),
        "cuong": add("Phạm Văn Cường", "M", c5, org_b, date(2019, 1, 1)),
        "dung": add("Đỗ Thị Dung", "F", c6, org_a, date(2019, 6, 1)),
        "giang": add("Bùi Văn Giang", "M", c6, org_a, date(2019, 1, 1)),
        "hai": add("Đặng Văn Hải", "M", c6, org_b, date(2018, 4, 2)),
        "hoa": add("Hoàng Thị Hoa", "F", c5, org_b, date(2019, 1, 1)),
        "khoa": add("Vũ Văn Khoa", "M", c5, org_a, date(2019, 1, 1)),
        "lam": add("Ngô Văn Lâm", "M", c6, None, date(2026, 10, 1)),
    }
    change_status(f, m["cuong"], MemberStatus.MOVED_AWAY, date(2026, 1, 20), today=TODAY)
    change_status(f, m["dung"], MemberStatus.DECEASED, date(2026, 6, 30), today=TODAY)
    change_status(f, m["giang"], MemberStatus.RETIRED_TO_CELL, date(2025, 12, 15), today=TODAY)
    change_status(f, m["hoa"], MemberStatus.TRANSFERRED_OUT, date(2026, 9, 10), today=TODAY)
    set_excused(f, m["anh"], True, "Đi học tập trung dài hạn", date(2026, 5, 1))
    set_excused(f, m["anh"], False, "", date(2026, 8, 1))
    set_excused(f, m["hai"], True, "Thường xuyên làm việc xa", date(2026, 2, 1))
    set_archived(f, [m["khoa"]], True)

    def act(day: date, cell: int | None, kind: str, status: str = "held", **marks: str) -> int:
        activity = add_activity(f, ActivityInput(day, cell, kind, f"{kind} {day}",
                                                 status=status), today=TODAY)
        extra = [m[n] for n in marks if m[n] not in _invited(db, activity)]
        invite(f, activity, extra)
        save_attendance(f, activity, {m[n]: (state, "") for n, state in marks.items()
                                      if state != "invited"})
        return activity

    act(date(2025, 11, 20), c5, "periodic", an="present")
    act(date(2026, 2, 15), c5, "periodic", an="present", anh="present", hoa="absent")
    act(date(2026, 3, 10), c6, "periodic", dung="present", hai="absent")  # Hải: excused
    act(date(2026, 6, 10), c5, "residents", an="present", binh="excused", hoa="present",
        anh="present")  # Ánh: excused that day, her row does not count
    act(date(2026, 7, 20), None, "other", an="present", binh="present", hoa="invited")
    act(date(2026, 10, 18), c5, "periodic", an="present", anh="excused", binh="absent")
    act(date(2026, 10, 20), c6, "movement", lam="present")
    act(date(2026, 12, 10), c5, "residents", "planned")

    with f.begin() as session:
        for name, year, status, proposal in (
                ("an", 2026, "sent", "praise"), ("anh", 2026, "draft", "none"),
                ("binh", 2026, "printed", "none"), ("hai", 2026, "acknowledged", "discipline"),
                ("an", 2025, "acknowledged", "praise")):
            session.add(CommentSheet(year=year, member_id=m[name], status=status,
                                     proposal=proposal))
    return Register(c5, c6, org_a, org_b, m)


def _invited(db: Database, activity_id: int) -> set[int]:
    from models.activities.service import roster

    return {line.member_id for line in roster(db.session_factory, activity_id)}


def numbers(line: str) -> list[int]:
    """The whole numbers of a printed line ('1.633' is one number)."""
    return [int(n.replace(".", "")) for n in re.findall(r"(?<![\d,])\d[\d.]*(?![\d,%])", line)]


def line_with(text: str, start: str) -> str:
    found = [line for line in text.splitlines() if line.strip().startswith(start)]
    assert len(found) == 1, (start, found)
    return found[0]


# --- the figures ---------------------------------------------------------------------------------

def test_year_figures_by_hand(db: Database) -> None:
    r = build(db)
    s = year_summary(db.session_factory, 2026, today=TODAY)
    assert s.as_of == TODAY
    mv = s.movements
    assert (mv.at_start, mv.received, mv.at_end) == (6, 2, 5)
    assert dict(mv.left) == {"moved_away": 1, "transferred_out": 1, "retired_to_cell": 0,
                             "deceased": 1}
    assert [(g.name, g.members, g.excused, g.received, g.left) for g in s.by_org] == [
        ("Đảng ủy Công ty Than Mạo Khê", 2, 0, 0, 1),
        ("Đảng ủy Công ty Than Uông Bí", 2, 1, 1, 2),
        ("(Chưa rõ tổ chức đảng nơi công tác)", 1, 0, 1, 0)]
    assert [(g.key, g.members, g.excused) for g in s.by_cell] == [(r.c5, 3, 0), (r.c6, 2, 1)]
    assert s.excused == 1
    lines = [(c.cell, c.held_total, c.counts.invited, c.counts.present, c.counts.excused,
              c.counts.absent) for c in s.activities]
    assert lines == [("Chi bộ khu 5", 3, 9, 5, 2, 2), ("Chi bộ khu 6", 2, 2, 2, 0, 0),
                     ("Toàn phường", 1, 3, 2, 0, 0)]
    assert dict(s.held) == {"cell_meetings": 3, "residents": 1, "movements": 1, "other": 1}
    assert s.attendance.rate == pytest.approx(9 / 14)
    c = s.comments
    assert (c.total, c.count(proposal="praise"), c.count(proposal="none"),
            c.count(proposal="discipline")) == (4, 1, 2, 1)
    assert [c.count(st) for st in ("draft", "finished", "printed", "sent", "acknowledged")] == [
        1, 0, 1, 1, 1]
    assert s.recipients == ("Đảng bộ thành phố Đông Triều", "Đảng bộ Tập đoàn TKV",
                            "Đảng bộ Than Quảng Ninh")
    # a finished year: the end is 31 December; last year's start had Giang, Hoa, ... on it
    last = year_summary(db.session_factory, 2025, today=TODAY)
    assert last.as_of == date(2025, 12, 31)
    assert (last.movements.at_start, last.movements.received, last.movements.at_end) == (7, 0, 6)
    assert last.movements.left["retired_to_cell"] == 1


def test_summary_pdf_shows_the_figures(db: Database, tmp_path: Path) -> None:
    build(db)
    f = db.session_factory
    data = year_summary(f, 2026, today=TODAY)
    out = tmp_path / "summary.pdf"
    pages = summary_pdf(data, issuer_lines(f, None, TODAY), out, printed_on=TODAY)
    reader = PdfReader(out)
    assert pages == len(reader.pages) and reader.pages[0].mediabox.width < 600  # portrait
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "ĐẢNG ỦY PHƯỜNG MẠO KHÊ" in text and "BÁO CÁO" in text
    flat = " ".join(text.split())
    assert ("Tính đến ngày 26/11/2026, Đảng bộ phường Mạo Khê đang quản lý 5 đảng viên" in flat)
    assert "trong đó 1 đồng chí được miễn sinh hoạt nơi cư trú" in flat
    assert "đã tiếp nhận 2 đồng chí; 3 đồng chí thôi sinh hoạt nơi cư trú" in flat
    assert "tỷ lệ có mặt đạt 64,3% (9/14 lượt mời)" in flat
    assert "Đã lập 4 phiếu nhận xét: đề nghị biểu dương 1, không đề nghị 2, xem xét xử lý 1" in flat
    # the tables: movements, organisations, cells, activities, comments
    assert numbers(line_with(text, "6 2 1")) == [6, 2, 1, 1, 0, 1, 5]
    assert numbers(line_with(text, "1 Đảng ủy Công ty Than Mạo Khê")) == [1, 2, 0, 0, 1]
    assert numbers(line_with(text, "2 Đảng ủy Công ty Than Uông Bí")) == [2, 2, 1, 1, 2]
    assert numbers(line_with(text, "2 Chi bộ khu 6 2")) == [2, 6, 2, 1]
    assert numbers(line_with(text, "1 Chi bộ khu 5 2")) == [1, 5, 2, 1, 0, 0, 9, 5]
    assert "55,6%" in line_with(text, "1 Chi bộ khu 5 2")
    assert numbers(line_with(text, "3 Toàn phường")) == [3, 0, 0, 0, 1, 3, 2]
    assert numbers(line_with(text, "Đã nhận")) == [0, 0, 1, 1]
    assert numbers(line_with(text, "Tổng cộng 1 2 1 4")) == [1, 2, 1, 4]
    assert "Nơi nhận:" in text and "Đảng bộ Than Quảng Ninh;" in text
    assert "T/M ĐẢNG ỦY" in text and "Lê Văn Cường" in text


def test_summary_workbook_has_the_same_figures(db: Database, tmp_path: Path) -> None:
    build(db)
    data = year_summary(db.session_factory, 2026, today=TODAY)
    out = tmp_path / "summary.xlsx"
    summary_xlsx(data, out, made_on=TODAY)
    book = load_workbook(out)
    assert book.sheetnames == ["Tổng hợp", "Theo tổ chức đảng", "Theo chi bộ", "Hoạt động",
                               "Phiếu nhận xét"]
    assert book.properties.creator == "Đảng ủy phường Mạo Khê"
    assert book.properties.description == "Lập bởi Sổ đảng viên 213 ngày 26/11/2026"
    first = [list(r) for r in book["Tổng hợp"].iter_rows(values_only=True)]
    assert [6, 2, 1, 1, 0, 1, 5] in first
    orgs = list(book["Theo tổ chức đảng"].iter_rows(values_only=True))
    assert orgs[1:] == [(1, "Đảng ủy Công ty Than Mạo Khê", 2, 0, 0, 1),
                        (2, "Đảng ủy Công ty Than Uông Bí", 2, 1, 1, 2),
                        (3, "(Chưa rõ tổ chức đảng nơi công tác)", 1, 0, 1, 0),
                        (None, "Tổng cộng", 5, 1, 2, 3)]
    cells = list(book["Theo chi bộ"].iter_rows(values_only=True))
    assert cells[1:] == [(1, "Chi bộ khu 5", 3, 0), (2, "Chi bộ khu 6", 2, 1),
                         (None, "Tổng cộng", 5, 1)]
    activity = list(book["Hoạt động"].iter_rows(values_only=True))
    assert activity[-1][:8] == (None, "Tổng cộng", 3, 1, 1, 1, 14, 9)
    assert activity[-1][8] == pytest.approx(9 / 14)
    assert book["Hoạt động"]["I5"].number_format == "0.0%"
    comments = list(book["Phiếu nhận xét"].iter_rows(values_only=True))
    assert comments[0] == ("Tình trạng", "Biểu dương", "Không đề nghị", "Xem xét xử lý", "Cộng")
    assert comments[-1] == ("Tổng cộng", 1, 2, 1, 4)


def test_the_demo_ward_adds_up(tmp_path: Path) -> None:
    """Consistency on generated data: every table of the report agrees with the others."""
    from models.demo.sample import fill_demo
    from models.figures.attendance import attendance_summary
    from models.membership import participation_many, total
    from models.store.db import open_database

    database = open_database(tmp_path / "demo.sqlite", create=True)
    try:
        f = database.session_factory
        fill_demo(f, members=300, seed=7, today=TODAY)
        s = year_summary(f, 2026, today=TODAY)
        mv = s.movements
        assert mv.at_start + mv.received - mv.left_total == mv.at_end > 0
        assert sum(g.members for g in s.by_org) == sum(g.members for g in s.by_cell) == mv.at_end
        assert sum(g.excused for g in s.by_org) == s.excused
        assert sum(g.received for g in s.by_org) == mv.received
        assert sum(g.left for g in s.by_org) == mv.left_total
        every = participation_many(f, None, 2026)
        assert s.attendance == total(p for groups in every.values() for p in groups.values())
        attendance = attendance_summary(f, 2026)
        assert attendance.total == s.attendance
        assert total(c.counts for c in attendance.cells) == s.attendance
        out = io.BytesIO()
        summary_pdf(s, issuer_lines(f, None, TODAY), out, printed_on=TODAY)
        text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
        end = f"Tổng cộng {mv.at_end:,}".replace(",", ".")
        totals = [numbers(line)[:2] for line in text.splitlines() if line.startswith(end)]
        assert totals == [[mv.at_end, s.excused]] * 2  # by organisation, by cell
    finally:
        database.close()
