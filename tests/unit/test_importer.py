"""Importing members from messy lists (generated here, in tmp_path): models.importing.importer and
the CLI."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

import main
from models.importing.importer import (
    ImportCancelled,
    apply_import,
    plan_import,
    read_table,
)
from models.importing.read import ImportFileError
from models.register.rules import MemberInput
from models.register.service import add_member
from models.store.db import Database
from models.store.entities import (
    Cell,
    CellAssignment,
    ChangeLog,
    Issuer,
    Member,
    MemberStatusChange,
    WorkplaceOrg,
)
from reports.workbooks.member_export import write_rejects
from tests.conftest import on_both_databases

db = on_both_databases()

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 1, 15)
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên", "Ngày vào Đảng",
          "Ngày chính thức", "Đảng bộ", "Chi bộ", "Màu áo"]


def xlsx(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def messy_rows() -> list[list[Any]]:
    return [
        ["ĐẢNG BỘ PHƯỜNG MẠO KHÊ"],
        ["DANH SÁCH ĐẢNG VIÊN ĐANG CÔNG TÁC"],
        [],
        ["stt", "  HỌ  TÊN ", "Năm sinh", "Nam/Nữ", "Số thẻ", "Ngày kết nạp",
         "Ngày chính thức", "Tổ chức đảng nơi sinh hoạt", "Khu", "Màu áo"],
        [1, "NGUYỄN VĂN AN", date(1980, 2, 5), "nam", "1234 5678", "05/02/2005",
         "05.02.2006", "Đảng uỷ Công ty Than Mạo Khê", "khu 5", "đỏ"],
        [],
        [2, "Tra\u0302\u0300n Thi\u0323 Bi\u0300nh", "1985", "NU", None, "2010-03-01", None,
         "Đảng ủy công ty than Mạo Khê", "Khu 9", None],
        [3, "lê   văn cường", "5/2/1990", "Nữ", "87.654.321", date(2015, 1, 2),
         datetime(2016, 1, 2), "Đảng bộ Công ty Than Hồng Thái", None, None],
        [None, None, None, None, None, None, None, None, None, None],
        [4, "Đinh Văn Tư", "04/04/1984", "Nam", None, None, None, None, "Chi bộ Khu 9"],
    ]


def counts(db: Database) -> dict[str, int]:
    with db.session_factory() as session:
        return {model.__tablename__: int(session.scalar(select(func.count()).select_from(model))
                                         or 0)
                for model in (Member, Cell, WorkplaceOrg, MemberStatusChange, CellAssignment)}


# --- reading ------------------------------------------------------------------------------------

def test_header_below_title_rows_synonyms_and_ignored_columns(tmp_path: Path) -> None:
    table = read_table(xlsx(tmp_path / "a.xlsx", messy_rows()))
    assert table.header_row == 3
    assert set(table.columns) == {"full_name", "birth", "sex", "card_number", "join_date",
                                  "official_date", "workplace_org", "cell"}
    assert table.ignored == ["stt", "Màu áo"]


def test_unreadable_and_headerless_files_are_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip at all")
    with pytest.raises(ImportFileError, match="Không đọc được"):
        read_table(broken)
    with pytest.raises(ImportFileError, match="tiêu đề"):
        read_table(xlsx(tmp_path / "h.xlsx", [["a", "b"], [1, 2]]))
    with pytest.raises(ImportFileError, match="chỉ nhận"):
        read_table(tmp_path / "x.txt") if (tmp_path / "x.txt").write_text("x") else None
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Họ và tên;Ngày sinh\n".encode("cp1258", errors="replace") + b"\xff\xfe\n")
    with pytest.raises(ImportFileError, match="UTF-8"):
        read_table(latin)


def test_messy_file_is_planned_and_applied(db: Database, tmp_path: Path) -> None:
    table = read_table(xlsx(tmp_path / "a.xlsx", messy_rows()))
    plan = plan_import(db.session_factory, table, today=TODAY)
    assert [(r.row_number, r.action) for r in plan.rows] == [(5, "new"), (7, "new"), (8, "new"),
                                                             (10, "new")]
    assert plan.rows[1].notes == ["Chỉ có năm sinh."]
    # "Đảng uỷ" and "Đảng ủy", different case: one organisation; "khu 5" is the existing cell
    assert sorted(plan.new_orgs.values()) == ["Đảng bộ Công ty Than Hồng Thái",
                                              "Đảng uỷ Công ty Than Mạo Khê"]
    assert list(plan.new_cells.values()) == ["Chi bộ khu 9"]  # "Khu 9" = "Chi bộ Khu 9"
    before = counts(db)
    result = apply_import(db.session_factory, plan, today=TODAY)
    assert (result.imported, result.updated, result.rejected) == (4, 0, 0)
    with db.session_factory() as session:
        members = {m.full_name: m for m in session.scalars(select(Member))}
        assert set(members) == {"Nguyễn Văn An", "Trần Thị Bình", "lê văn cường", "Đinh Văn Tư"}
        assert members["Đinh Văn Tư"].cell_id == members["Trần Thị Bình"].cell_id
        an = members["Nguyễn Văn An"]
        assert (an.birth_date, an.sex, an.card_number) == (date(1980, 2, 5), "M", "12345678")
        assert (an.join_date, an.official_date) == (date(2005, 2, 5), date(2006, 2, 5))
        assert an.name_key == "nguyen van an" and an.sort_key
        binh = members["Trần Thị Bình"]
        assert (binh.birth_date, binh.birth_year, binh.sex) == (None, 1985, "F")
        assert members["lê văn cường"].official_date == date(2016, 1, 2)
        cell9 = session.scalars(select(Cell).where(Cell.name == "Chi bộ khu 9")).one()
        assert session.scalar(select(Issuer.id).where(Issuer.cell_id == cell9.id)) is not None
        assert binh.cell_id == cell9.id
        assert session.scalar(select(func.count()).select_from(ChangeLog).where(
            ChangeLog.action == "create")) == 4
        change = session.scalars(select(MemberStatusChange).where(
            MemberStatusChange.member_id == an.id)).one()
        assert change.status == "active" and change.date == TODAY
    after = counts(db)
    assert after["member"] == before["member"] + 4
    assert after["cell_assignment"] == before["cell_assignment"] + 3
    assert after["residence_cell"] == before["residence_cell"] + 1
    assert after["workplace_org"] == before["workplace_org"] + 2


def test_two_column_birth_layout_gives_the_sex(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "nam-nu.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Danh sách"])
    ws.append(["TT", "Họ và tên", "Ngày sinh", None, "Chi bộ"])
    ws.append([None, None, "Nam", "Nữ", None])
    ws.merge_cells("C2:D2")
    ws.merge_cells("A2:A3")
    ws.append([1, "Phạm Văn Hùng", date(1975, 3, 4), None, "Khu 6"])
    ws.append([2, "Đỗ Thị Lan", None, "12/12/1982", "Khu 6"])
    ws.append([3, "Ai Đó", "1970", "1971", None])
    wb.save(path)
    table = read_table(path)
    assert table.sex_columns == (2, 3)
    plan = plan_import(db.session_factory, table, today=TODAY)
    assert [r.action for r in plan.rows] == ["new", "new", "rejected"]
    assert "cả cột Nam và cột Nữ" in plan.rows[2].reasons[0]
    assert plan.new_cells == {}
    apply_import(db.session_factory, plan, today=TODAY)
    with db.session_factory() as session:
        got = {m.full_name: (m.sex, m.birth_date) for m in session.scalars(select(Member))}
    assert got == {"Phạm Văn Hùng": ("M", date(1975, 3, 4)),
                   "Đỗ Thị Lan": ("F", date(1982, 12, 12))}


def test_every_rejection_reason(db: Database, tmp_path: Path) -> None:
    add_member(db.session_factory, MemberInput(full_name="Hoàng Văn Cũ", sex="M",
                                               birth_date=date(1970, 1, 1)), today=TODAY)
    rows = [
        HEADER,
        [1, "", "01/01/1980", "Nam", None],  # no name
        [2, "Không Ngày", None, "Nam", None],  # no birth
        [3, "Không Giới", "01/01/1980", None, None],  # no sex
        [4, "Sai Giới", "01/01/1980", "X", None],
        [5, "Ngày Sai", "31/02/1980", "Nam", None],
        [6, "Năm Hai Số", "1/1/80", "Nam", None],
        [7, "Thẻ Ngắn", "01/01/1980", "Nam", "1234"],
        [8, "Chính Thức Sớm", "01/01/1980", "Nam", None, "01/01/2010", "01/01/2009"],
        [9, "Thẻ Đầu", "01/01/1981", "Nam", "11112222"],
        [10, "Thẻ Lặp", "01/01/1982", "Nam", "1111 2222"],
        [11, "HOÀNG VĂN CŨ", "01/01/1970", "Nam", None],  # same as an existing member
        [12, "Người Mới", "2/2/1990", "Nữ", None],
        [13, "người mới", "1990", "nữ", None],  # same as row 12 (year-only matches the date)
    ]
    plan = plan_import(db.session_factory, read_table(xlsx(tmp_path / "r.xlsx", rows)),
                       today=TODAY)
    reasons = {r.row_number: " ".join(r.reasons) for r in plan.rows}
    assert "Chưa nhập họ và tên" in reasons[2]
    assert "Chưa nhập ngày sinh" in reasons[3]
    assert "Chưa chọn giới tính" in reasons[4]
    assert "«X» không rõ" in reasons[5]
    assert "không có ngày này" in reasons[6]
    assert "4 chữ số" in reasons[7]
    assert "8 chữ số" in reasons[8]
    assert "Ngày chính thức phải sau ngày vào Đảng" in reasons[9]
    assert reasons[10] == ""
    assert "Trùng số thẻ 11112222 với dòng 10" in reasons[11]
    assert "Hoàng Văn Cũ (01/01/1970)" in reasons[12]
    assert reasons[13] == ""
    assert "dòng 13" in reasons[14] and "Người Mới" in reasons[14]
    assert [r.row_number for r in plan.rows if r.action == "new"] == [10, 13]
    out = tmp_path / "loi.xlsx"
    assert write_rejects(plan, out) == 11
    ws = openpyxl.load_workbook(out).active
    values = list(ws.values)
    assert values[0][0] == "Dòng" and values[0][-1] == "Lý do"
    assert values[0][1:-1] == tuple(HEADER)
    assert values[1][0] == 2 and values[1][3] == "01/01/1980"
    seventh = next(v for v in values if v[0] == 9)
    assert seventh[6] == "01/01/2010" and "Ngày chính thức" in seventh[-1]
    sex_and_name = next(v for v in values if v[0] == 2)
    assert "Chưa nhập họ và tên" in sex_and_name[-1]


def test_several_reasons_of_one_row_are_all_given(db: Database, tmp_path: Path) -> None:
    rows = [HEADER, [1, "", "1/1/80", "?", "12"]]
    plan = plan_import(db.session_factory, read_table(xlsx(tmp_path / "m.xlsx", rows)),
                       today=TODAY)
    assert len(plan.rows[0].reasons) == 4  # name, birth, sex, card: once each


def test_card_number_updates_the_member_instead_of_duplicating(db: Database,
                                                               tmp_path: Path) -> None:
    member_id = add_member(db.session_factory, MemberInput(
        full_name="Vũ Thị Hoa", sex="F", birth_date=date(1979, 9, 9), card_number="55556666",
        join_date=date(2005, 5, 5), phone="0912345678"), today=TODAY)
    rows = [[*HEADER, "Chức vụ"],
            [1, "Vũ Thị Hoa", "09/09/1979", "Nữ", "5555.6666", None, "05/05/2006", None,
             "Khu 6", None, "Tổ trưởng"]]
    plan = plan_import(db.session_factory, read_table(xlsx(tmp_path / "u.xlsx", rows)),
                       today=TODAY)
    assert [(r.action, r.member_id) for r in plan.rows] == [("update", member_id)]
    result = apply_import(db.session_factory, plan, today=TODAY)
    assert (result.imported, result.updated) == (0, 1)
    with db.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 1
        m = session.get(Member, member_id)
        assert m is not None
        assert m.job_title == "Tổ trưởng" and m.official_date == date(2006, 5, 5)
        assert m.join_date == date(2005, 5, 5)  # blank in the file: kept
        assert m.phone == "0912345678"  # no column: kept
        assert m.cell_id is not None
        fields = set(session.scalars(select(ChangeLog.field).where(
            ChangeLog.entity_id == member_id, ChangeLog.action == "update")))
    assert {"job_title", "official_date", "cell_id"} <= fields


def test_update_whose_merged_record_breaks_a_rule_is_rejected(db: Database,
                                                             tmp_path: Path) -> None:
    add_member(db.session_factory, MemberInput(
        full_name="Vũ Thị Hoa", sex="F", birth_date=date(1979, 9, 9), card_number="55556666",
        join_date=date(2005, 5, 5)), today=TODAY)
    rows = [HEADER, [1, "Vũ Thị Hoa", "09/09/1979", "Nữ", "55556666", None, "01/01/2004"]]
    plan = plan_import(db.session_factory, read_table(xlsx(tmp_path / "u.xlsx", rows)),
                       today=TODAY)
    assert plan.rows[0].action == "rejected"
    assert "Ngày chính thức phải sau ngày vào Đảng" in plan.rows[0].reasons[0]


def test_all_or_nothing(db: Database, tmp_path: Path) -> None:
    rows = [HEADER] + [[n, f"Người Thứ {n}", "01/01/1980", "Nam", f"{10000000 + n}", None,
                        None, "Đảng ủy Mới", "Khu 99"] for n in range(1, 5000)]
    plan = plan_import(db.session_factory, read_table(xlsx(tmp_path / "big.xlsx", rows)),
                       today=TODAY)
    before = counts(db)
    calls = 0

    def fail(done: int, total: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("ổ đĩa đầy")

    with pytest.raises(RuntimeError):
        apply_import(db.session_factory, plan, progress=fail, today=TODAY)
    assert counts(db) == before
    with pytest.raises(ImportCancelled):
        apply_import(db.session_factory, plan, cancelled=lambda: True, today=TODAY)
    assert counts(db) == before
    apply_import(db.session_factory, plan, today=TODAY)
    assert counts(db)["member"] == before["member"] + 4999


def test_csv_with_bom_and_semicolons(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Danh sách đảng viên"])
        writer.writerow(["Họ và tên", "Ngày sinh", "Giới tính", "SĐT", "Địa chỉ"])
        writer.writerow(["Ngô Thị Hằng", "05-02-1980", "Nữ", "0912 345 678", "Khu 5; tổ 2"])
        writer.writerow(["", "", "", "", ""])
        writer.writerow(["Ngô Văn Hải", "1981-03-04", "nam", "", ""])
    table = read_table(path)
    assert table.header_row == 1
    plan = plan_import(db.session_factory, table, today=TODAY)
    assert [r.action for r in plan.rows] == ["new", "new"]
    apply_import(db.session_factory, plan, today=TODAY)
    with db.session_factory() as session:
        hang = session.scalars(select(Member).where(Member.name_key == "ngo thi hang")).one()
    assert (hang.birth_date, hang.phone, hang.address) == (date(1980, 2, 5), "0912345678",
                                                          "Khu 5; tổ 2")


def test_csv_with_commas_without_bom(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_text("Họ tên,Ngày sinh,Giới tính\nLý Văn Tám,05.02.1980,Nam\n", encoding="utf-8")
    plan = plan_import(db.session_factory, read_table(path), today=TODAY)
    assert [r.action for r in plan.rows] == ["new"]


def write_ods(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    """A minimal OpenDocument spreadsheet written by hand (no office suite needed)."""
    def cell(text: str) -> str:
        if not text:
            return "<table:table-cell/>"
        return (f'<table:table-cell office:value-type="string"><text:p>{text}</text:p>'
                "</table:table-cell>")

    body = "".join("<table:table-row>" + "".join(cell(t) for t in row) + "</table:table-row>"
                   for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Trang1">{body}'
        "</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"),
                         "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


def test_ods(db: Database, tmp_path: Path) -> None:
    path = write_ods(tmp_path / "ds.ods", [["DANH SÁCH"], ["Họ và tên", "Ngày sinh", "Giới tính"],
                                           ["Mai Văn Bốn", "04/04/1984", "Nam"]])
    plan = plan_import(db.session_factory, read_table(path), today=TODAY)
    assert [(r.row_number, r.action) for r in plan.rows] == [(3, "new")]


def test_excel_serial_numbers_and_numeric_identifiers(db: Database, tmp_path: Path) -> None:
    rows = [["Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ", "Ngày vào Đảng", "Điện thoại"],
            ["Số Học", 1980, "Nam", 1234567, 38000, 912345678]]
    plan = plan_import(db.session_factory, read_table(xlsx(tmp_path / "n.xlsx", rows)),
                       today=TODAY)
    data = plan.rows[0].data
    assert data is not None, plan.rows[0].reasons
    assert (data.birth_year, data.card_number, data.phone) == (1980, "01234567", "0912345678")
    assert data.join_date == date(2004, 1, 14)  # Excel's day 38000


def test_numbers_that_are_not_dates_are_refused(db: Database, tmp_path: Path) -> None:
    rows = [["Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng"],
            ["Hai Số", 85, "Nam", None],
            ["Năm Đảng", "1980", "Nam", 2005]]
    plan = plan_import(db.session_factory, read_table(xlsx(tmp_path / "n.xlsx", rows)),
                       today=TODAY)
    assert plan.rows[0].reasons == ["Ngày sinh: «85»: năm phải viết đủ 4 chữ số."]
    assert plan.rows[1].reasons == ["Ngày vào Đảng: «2005» không phải ngày (viết dạng 05/02/1980)."]


# --- command line -------------------------------------------------------------------------------

def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def last_json(out: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def test_cli_import_json_rejects_and_exit_codes(tmp_path: Path) -> None:
    rows = [*messy_rows(), [4, "Sai Ngày", "30/02/1990", "Nam"]]
    source = xlsx(tmp_path / "ds.xlsx", rows)
    target = tmp_path / "new.sqlite"
    rejects = tmp_path / "loi.xlsx"
    result = run("--db", str(target), "import", str(source), "--dry-run", "--json",
                 "--rejects", str(rejects))
    assert result.returncode == 0, result.stderr
    payload = last_json(result.stdout)
    assert (payload["imported"], payload["updated"], payload["rejected"]) == (4, 0, 1)
    assert not target.exists()
    assert [r[-1] for r in openpyxl.load_workbook(rejects).active.values][1:] == [
        "Ngày sinh: «30/02/1990»: không có ngày này trong lịch."]
    result = run("--db", str(target), "import", str(source), "--json")
    assert result.returncode == 0, result.stderr
    assert target.exists()
    payload = last_json(result.stdout)
    assert (payload["imported"], payload["updated"], payload["rejected"]) == (4, 0, 1)
    assert {"new_cells", "new_orgs", "ignored_columns"} <= set(payload)
    size = target.stat().st_size
    # again: the card-numbered rows update, the one without a card is a possible duplicate
    result = run("--db", str(target), "import", str(source), "--json", "--dry-run")
    payload = last_json(result.stdout)
    assert (payload["imported"], payload["updated"], payload["rejected"]) == (0, 2, 3)
    assert target.stat().st_size == size


def test_cli_refusals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "x.sqlite"
    broken = tmp_path / "broken.xls"
    broken.write_bytes(b"\x00" * 100)
    assert main.main(["--db", str(target), "import", str(broken)]) == 1
    assert "Không đọc được" in capsys.readouterr().err
    assert main.main(["--db", str(target), "import", str(tmp_path / "missing.xlsx")]) == 1
    assert not target.exists()
    with pytest.raises(SystemExit) as exit_info:
        main.main(["--db", str(target), "import"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main.main(["--db", str(target), "import", "a.xlsx", "--bogus"])
    assert exit_info.value.code == 2
    # a database that is not ours is refused, not overwritten
    foreign = tmp_path / "foreign.sqlite"
    foreign.write_bytes(b"hello")
    source = xlsx(tmp_path / "ok.xlsx", [["Họ và tên", "Ngày sinh", "Giới tính"],
                                         ["Ai Đó", "1980", "Nam"]])
    assert main.main(["--db", str(foreign), "import", str(source)]) == 1
    assert foreign.read_bytes() == b"hello"


def test_an_update_never_erases_what_the_register_knows(db: Database, tmp_path: Path) -> None:
    """A list that gives only the birth year, or leaves the Nam/Nữ cells blank, updates the
    member by card number without losing the full birth date or the sex already stored."""
    f = db.session_factory
    add_member(f, MemberInput(full_name="Trần Văn An", sex="M", birth_date=date(1981, 1, 19),
                              card_number="12345678"), TODAY)
    add_member(f, MemberInput(full_name="Lê Thị Bình", sex="F", birth_date=date(1985, 5, 2),
                              card_number="87654321"), TODAY)
    path = xlsx(tmp_path / "nam.xlsx", [
        ["Họ và tên", "Năm sinh", "Giới tính", "Số thẻ đảng viên", "Ghi chú"],
        ["Trần Văn An", 1981, "Nam", "12345678", "đã cập nhật"],
        ["Lê Thị Bình", 1986, "Nữ", "87654321", ""],
    ])
    plan = plan_import(f, read_table(path), today=TODAY)
    assert [r.action for r in plan.rows] == ["update", "rejected"]
    assert "Năm sinh 1986 khác ngày sinh đã có trong sổ (02/05/1985)" in plan.rows[1].reasons[0]
    apply_import(f, plan, today=TODAY)
    with f() as session:
        an = session.scalars(select(Member).where(Member.card_number == "12345678")).one()
        assert (an.birth_date, an.notes) == (date(1981, 1, 19), "đã cập nhật")
    # the Nam/Nữ layout with both birth cells blank: the sex stays as stored
    layout = tmp_path / "nam-nu.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "Ngày sinh", None, "Số thẻ", "Ghi chú"])
    ws.append([None, "Nam", "Nữ", None, None])
    ws.merge_cells("B1:C1")
    ws.append(["Lê Thị Bình", None, None, "87654321", "chuyển khu"])
    wb.save(layout)
    plan = plan_import(f, read_table(layout), today=TODAY)
    assert [r.action for r in plan.rows] == ["update"], plan.rows[0].reasons
    apply_import(f, plan, today=TODAY)
    with f() as session:
        binh = session.scalars(select(Member).where(Member.card_number == "87654321")).one()
        assert (binh.sex, binh.birth_date, binh.notes) == ("F", date(1985, 5, 2), "chuyển khu")


def test_semicolon_csv_with_commas_in_the_addresses(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "danh-sach.csv"
    path.write_text("Họ và tên;Ngày sinh;Giới tính;Địa chỉ\n"
                    "Trần Văn An;05/02/1980;Nam;Số 1, tổ 5, khu 3, phường Mạo Khê\n"
                    "Lê Thị Bình;12/12/1985;Nữ;Số 7, tổ 2, khu 5, phường Mạo Khê\n",
                    encoding="utf-8-sig")
    plan = plan_import(db.session_factory, read_table(path), today=TODAY)
    assert [r.action for r in plan.rows] == ["new", "new"]
    assert plan.rows[0].data is not None
    assert plan.rows[0].data.address == "Số 1, tổ 5, khu 3, phường Mạo Khê"
