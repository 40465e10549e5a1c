"""The import wizard driven as a user would, on a messy list; the history dialog's undo; the
"Nhập / Xuất" menu of the member list."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from models.store.db import Database
from models.store.entities import Cell, ImportRecord, Member
from ui.importing.import_history import ImportHistoryDialog
from ui.importing.import_wizard import ImportWizardDialog
from ui.register.members_view import MembersView
from ui.shell import messages

TCVN3 = str.maketrans({"ổ": "æ", "ư": "\u00ad", "ờ": "ê", "ạ": "¹", "ê": "ª", "Đ": "§",
                       "ô": "«", "ề": "Ò", "ả": "¶", "à": "µ", "ố": "è", "ệ": "Ö"})


def messy_list(path: Path) -> Path:
    """Titles above the header, blank rows, mixed date forms, capitals, decomposed text, an
    address column typed in TCVN3, an unknown column, and rows that must be rejected."""
    wb = openpyxl.Workbook()
    ws = wb.active
    rows: list[list[Any]] = [
        ["ĐẢNG BỘ PHƯỜNG MẠO KHÊ"],
        ["DANH SÁCH ĐẢNG VIÊN ĐANG CÔNG TÁC GIỮ MỐI LIÊN HỆ VỚI NƠI CƯ TRÚ (QĐ 213)"],
        [],
        ["STT", "Họ  và  tên", "Ngày, tháng, năm sinh", "Nam/Nữ", "Số thẻ ĐV", "Ngày kết nạp",
         "Ngày chính thức", "Đơn vị công tác", "Đảng bộ", "Địa chỉ", "Khu", "Ghi chú thêm"],
        [1, "NGUYỄN VĂN AN", date(1980, 2, 5), "nam", "1234 5678", "05/02/2005", "05.02.2006",
         "PX Khai thác 1", "Đảng uỷ Công ty Than Mạo Khê", "Tổ 5, khu 5, phường Mạo Khê", "5",
         "Quản đốc"],
        [],
        [2, "Tra\u0302\u0300n Thi\u0323 Bi\u0300nh", "1985", "NU", None, "2010-03-01", None,
         "Trường THCS Mạo Khê II", "Đảng bộ Công ty Than Mạo Khê",
         "Tổ 3, khu 6, phường Mạo Khê".translate(TCVN3), "khu 6", None],
        [3, "lê   văn cường", "5/2/1990", "Nữ", "87.654.321", datetime(2015, 1, 2),
         datetime(2016, 1, 2), "Phòng Kỹ thuật", "Đảng ủy công ty than Mạo Khê",
         "Đường Hoàng Quốc Việt".translate(TCVN3), "Khu 9", None],
        [4, "Phạm Văn Sai", "31/02/1980", "Nam", "123", None, None, None, None, None, None,
         None],
        [5, "Đỗ Thị Hoa", "12/12/75", "Nữ", None, None, None, None, None, None, "Khu 5", None],
        [None] * 12,
        [6, "Đinh Văn Tư", "04-04-1984", "Nam", "23456789", None, None, None, None, None,
         "Chi bộ khu 5", None],
    ]
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, list[str]]:
    said: dict[str, list[str]] = {"info": [], "error": [], "confirm": []}
    monkeypatch.setattr(messages, "info", lambda _p, _t, text: said["info"].append(text))
    monkeypatch.setattr(messages, "error", lambda _p, _t, text: said["error"].append(text))

    def confirm(_p: object, _t: str, text: str) -> bool:
        said["confirm"].append(text)
        return True

    monkeypatch.setattr(messages, "confirm", confirm)
    monkeypatch.setattr(messages, "open_file",
                        lambda *_a: str(messy_list(tmp_path / "danh sách cũ.xlsx")))
    monkeypatch.setattr(messages, "save_file",
                        lambda _p, _t, suggested, _f: str(tmp_path / Path(suggested).name))
    return said


def cell(table: Any, row: int, column: int) -> Any:
    item = table.item(row, column)
    assert item is not None, (row, column)
    return item


def cell_header(wizard: ImportWizardDialog) -> str:
    item = wizard.preview.horizontalHeaderItem(0)
    assert item is not None
    return item.text()


def members(db: Database) -> list[str]:
    with db.session_factory() as session:
        return list(session.scalars(select(Member.full_name).order_by(Member.id)))


def test_wizard_imports_a_messy_list_saves_rejects_and_undoes(
        qtbot: QtBot, db: Database, tmp_path: Path, dialogs: dict[str, list[str]]) -> None:
    wizard = ImportWizardDialog(db.session_factory)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.pages.currentIndex() == 0
    wizard.browse()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 1, timeout=10_000)
    plan = wizard.plan
    assert plan is not None and plan.table.header_row == 3
    assert [r.row_number for r in plan.rows] == [5, 7, 8, 9, 10, 12]
    assert [r.action for r in plan.rows] == ["new", "new", "new", "rejected", "rejected", "new"]
    # the preview: mapping combos in the first row, problems in red with their reasons
    assert wizard.combos[1].currentData() == "full_name"
    assert wizard.combos[11].currentData() is None  # "Ghi chú thêm" is not known
    assert not wizard.legacy_label.isHidden()
    assert "Địa chỉ (TCVN3)" in wizard.legacy_label.text()
    assert cell_header(wizard) == "Lý do"
    rejected = cell(wizard.preview, 4, 0)
    assert "31/02/1980" in rejected.text() and "8 chữ số" in rejected.text()
    assert cell(wizard.preview, 4, 2).text() == "Phạm Văn Sai"
    assert cell(wizard.preview, 4, 2).toolTip() == rejected.text()
    assert cell(wizard.preview, 4, 2).background().color().name() == "#fde2e1"
    assert "năm phải viết đủ 4 chữ số" in cell(wizard.preview, 5, 0).text()
    assert cell(wizard.preview, 2, 0).text() == "Chỉ có năm sinh."
    assert cell(wizard.preview, 2, 10).text() == "Tổ 3, khu 6, phường Mạo Khê"
    wizard.only_problems.setChecked(True)
    assert wizard.preview.rowCount() == 3
    wizard.only_problems.setChecked(False)

    # the user maps the unknown column to "Ghi chú": planned again
    wizard.combos[11].setCurrentIndex(wizard.combos[11].findData("notes"))
    qtbot.waitUntil(lambda: wizard.task is None and wizard.plan is not None
                    and "notes" in wizard.plan.table.columns, timeout=10_000)
    assert wizard.combos[11].currentData() == "notes"
    assert wizard.plan is not None and "Ghi chú thêm" not in wizard.plan.table.ignored

    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 2, timeout=10_000)
    assert wizard.import_result is not None
    assert (wizard.import_result.imported, wizard.import_result.rejected) == (4, 2)
    assert "Đã nhập 4 đảng viên mới" in wizard.result_label.text()
    assert members(db) == ["Nguyễn Văn An", "Trần Thị Bình", "lê văn cường", "Đinh Văn Tư"]
    with db.session_factory() as session:
        an = session.scalars(select(Member).where(Member.card_number == "12345678")).one()
        assert an.notes == "Quản đốc" and an.address == "Tổ 5, khu 5, phường Mạo Khê"
        binh = session.scalars(select(Member).where(Member.full_name == "Trần Thị Bình")).one()
        assert binh.birth_date is None and binh.birth_year == 1985
        assert binh.address == "Tổ 3, khu 6, phường Mạo Khê"
        assert session.scalars(select(Cell.name).where(Cell.name == "Chi bộ khu 9")).one()
        record = session.scalars(select(ImportRecord)).one()
        assert record.file_name == "danh sách cũ.xlsx" and record.legacy_columns

    # the rejected rows, with the reasons
    assert wizard.rejects_button.isEnabled()
    wizard.save_rejects()
    rejects = tmp_path / "danh sách cũ-dong-loi.xlsx"
    ws = openpyxl.load_workbook(rejects).active
    assert ws["A1"].value == "Dòng" and ws.cell(1, ws.max_column).value == "Lý do"
    assert [ws.cell(r, 3).value for r in (2, 3)] == ["Phạm Văn Sai", "Đỗ Thị Hoa"]
    assert "31/02/1980" in ws.cell(2, ws.max_column).value
    assert dialogs["info"][-1].startswith("Đã lưu 2 dòng")

    # undo from the history dialog
    history = ImportHistoryDialog(db.session_factory)
    qtbot.addWidget(history)
    assert history.table.rowCount() == 1 and not history.undo_button.isEnabled()
    history.table.selectRow(0)
    assert history.undo_button.isEnabled()
    history.undo_selected()
    assert "4 đảng viên đã thêm sẽ bị xóa" in dialogs["confirm"][-1]
    assert members(db) == []
    assert "Đã hoàn tác" in cell(history.table, 0, 6).text()
    assert not history.undo_button.isEnabled()


def test_undo_refused_names_the_member(qtbot: QtBot, db: Database,
                                       dialogs: dict[str, list[str]]) -> None:
    from models.importing.importer import import_file
    from models.register.service import set_archived

    wizard_file = messages.open_file(None, "", "")
    assert wizard_file is not None
    import_file(db.session_factory, wizard_file)
    with db.session_factory() as session:
        an = session.scalars(select(Member.id).where(Member.card_number == "12345678")).one()
    set_archived(db.session_factory, [an], True)
    history = ImportHistoryDialog(db.session_factory)
    qtbot.addWidget(history)
    history.table.selectRow(0)
    history.undo_selected()
    assert "Nguyễn Văn An" in dialogs["error"][-1]
    assert len(members(db)) == 4


def test_member_list_menu_exports_the_filtered_list(
        qtbot: QtBot, db: Database, tmp_path: Path, dialogs: dict[str, list[str]]) -> None:
    view = MembersView(db.session_factory)
    qtbot.addWidget(view)
    texts = [a.text() for a in view.exchange.menu.actions() if a.text()]
    assert texts == ["Nhập từ Excel…", "Xuất danh sách đang lọc ra Excel…",
                     "Tải mẫu Excel để điền…", "Lịch sử nhập / Hoàn tác lần nhập…"]
    view.exchange.import_action.trigger()
    wizard = view.exchange.wizard
    assert wizard is not None
    wizard.browse()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 1, timeout=10_000)
    wizard.go_next()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 2, timeout=10_000)
    view.search_edit.setText("cuong")
    qtbot.mouseClick(wizard.open_list_button,  # type: ignore[no-untyped-call]
                     Qt.MouseButton.LeftButton)
    assert view.search_edit.text() == ""
    view.model.complete_now()
    assert view.model.rowCount() == 4

    view.search_edit.setText("binh")
    view.apply_filter()
    view.exchange.export_action.trigger()
    qtbot.waitUntil(lambda: bool(dialogs["info"]) and "Đã xuất" in dialogs["info"][-1],
                    timeout=10_000)
    out = next(tmp_path.glob("danh-sach-dang-vien-*.xlsx"))
    names = [r[1] for r in openpyxl.load_workbook(out).active.iter_rows(min_row=2,
                                                                        values_only=True)]
    assert names == ["Trần Thị Bình"]

    view.exchange.template_action.trigger()
    template = tmp_path / "mau-danh-sach-dang-vien.xlsx"
    assert openpyxl.load_workbook(template).active["B1"].value == "Họ và tên"
    with db.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(ImportRecord)) == 1


def test_the_preview_names_the_sheet_and_offers_the_other_visible_ones(
        qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "Cũ"
    hidden.append(["Họ và tên", "Ngày sinh", "Giới tính"])
    hidden.append(["Người Trong Trang Ẩn", "01/01/1970", "Nam"])
    hidden.sheet_state = "hidden"
    for title, name in (("Danh sách 2026", "Lê Thị Hiện"), ("Nháp", "Trần Văn Nháp")):
        sheet = wb.create_sheet(title)
        sheet.append(["Họ và tên", "Ngày sinh", "Giới tính"])
        sheet.append([name, "02/02/1980", "Nữ"])
    wb.active = 1
    path = tmp_path / "nhieu-trang.xlsx"
    wb.save(path)
    wizard = ImportWizardDialog(db.session_factory)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.path_edit.setText(str(path))
    wizard.go_next()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 1, timeout=10_000)
    assert "«Danh sách 2026»" in wizard.sheet_label.text()
    assert [wizard.sheet_combo.itemText(i) for i in range(wizard.sheet_combo.count())] == [
        "Danh sách 2026", "Nháp"]  # the hidden sheet is not offered
    assert wizard.plan is not None and wizard.plan.rows[0].data is not None
    assert wizard.plan.rows[0].data.full_name == "Lê Thị Hiện"
    wizard.sheet_combo.setCurrentIndex(1)
    wizard.sheet_combo.activated.emit(1)
    qtbot.waitUntil(lambda: wizard.base_table is not None and wizard.base_table.sheet == "Nháp",
                    timeout=10_000)
    assert wizard.plan.rows[0].data is not None
    assert wizard.plan.rows[0].data.full_name == "Trần Văn Nháp"
    assert "«Nháp»" in wizard.sheet_label.text()
    wizard.grab().save(str(tmp_path / "wizard.png"))

def test_the_preview_shows_and_changes_what_each_organisation_matched(
        qtbot: QtBot, demo_db: Database, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """«Than Uông Bí» in a list used to become a new organisation; the preview shows what each
    name goes to and lets the user send it to the existing one."""
    from models.catalogues.ward import list_orgs
    from models.store.entities import WorkplaceOrg
    from ui.importing.match_table import NEW

    path = tmp_path / "ds.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "Ngày sinh", "Giới tính", "Đảng bộ", "Khu"])
    ws.append(["Vương Văn Một", "01/02/1980", "Nam", "Than Uông Bí XYZ", "Khu 3"])
    ws.append(["Vương Văn Hai", "01/02/1981", "Nam", "Đảng ủy Công ty Than Mạo Khê", "Khu 3"])
    wb.save(path)
    monkeypatch.setattr(messages, "info", lambda *_a: None)
    monkeypatch.setattr(messages, "open_file", lambda *_a: str(path))
    wizard = ImportWizardDialog(demo_db.session_factory)
    qtbot.addWidget(wizard)
    wizard.browse()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 1, timeout=10_000)
    table = wizard.matches
    texts = {v.text: (v, c) for v, c in zip(table.values, table.combos, strict=True)}
    assert set(texts) == {"Than Uông Bí XYZ", "Đảng ủy Công ty Than Mạo Khê", "Khu 3"}
    odd, odd_combo = texts["Than Uông Bí XYZ"]
    assert odd.matched_id is None and odd_combo.currentData() == NEW  # not in the catalogue
    assert "Than Uông Bí XYZ" in wizard.preview_summary.text()  # "to be created"
    _known, known_combo = texts["Đảng ủy Công ty Than Mạo Khê"]
    orgs = {o.name: o.id for o in list_orgs(demo_db.session_factory)}
    assert known_combo.currentData() == orgs["Đảng ủy Công ty Than Mạo Khê"]
    assert known_combo.findData(NEW) < 0  # the same name: no second one can be made
    # the user sends the odd spelling to the existing organisation
    odd_combo.setCurrentIndex(odd_combo.findData(orgs["Đảng ủy Công ty Than Uông Bí"]))
    assert "Than Uông Bí XYZ" not in wizard.preview_summary.text()
    with demo_db.session_factory() as session:
        before = session.scalar(select(func.count(WorkplaceOrg.id)))
    wizard.go_next()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 2, timeout=10_000)
    with demo_db.session_factory() as session:
        assert session.scalar(select(func.count(WorkplaceOrg.id))) == before
        org_id = session.scalar(select(Member.workplace_org_id).where(
            Member.full_name == "Vương Văn Một"))
    assert org_id == orgs["Đảng ủy Công ty Than Uông Bí"]
