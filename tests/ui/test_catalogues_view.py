"""Danh mục: the three tabs drive the catalogue services; modal dialogs are patched."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from models import clock
from models.catalogues.documents import issuer_lines
from models.catalogues.issuers import IssuerVersionInput
from models.catalogues.service import (
    OrgDetail,
    OrgInput,
    list_cell_details,
    list_issuers,
    list_org_details,
)
from models.catalogues.ward import CellInput
from models.store.db import Database
from ui.catalogues.catalogue_dialogs import (
    CellDialog,
    IssuerVersionDialog,
    MergeOrgDialog,
    OrgDialog,
)
from ui.catalogues.catalogues_view import INACTIVE_COLOUR, CataloguesView, CatalogueTableModel
from ui.shell import messages


def make_view(qtbot: QtBot, db: Database) -> CataloguesView:
    view = CataloguesView(db.session_factory)
    qtbot.addWidget(view)
    return view


def column_texts(model: CatalogueTableModel, column: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def select_org(view: CataloguesView, org_id: int) -> None:
    view.tabs.setCurrentWidget(view.orgs_tab)
    view.orgs_tab.select_id(org_id)


def test_tabs_and_labels(qtbot: QtBot, db: Database) -> None:
    view = make_view(qtbot, db)
    assert [view.tabs.tabText(i) for i in range(view.tabs.count())] == [
        "Chi bộ nơi cư trú", "Tổ chức đảng nơi công tác", "Cơ quan ban hành văn bản"]
    assert column_texts(view.cells_tab.model, 0) == ["Chi bộ khu 5", "Chi bộ khu 6"]
    assert view.orgs_tab.merge_button.text() == "Gộp vào…"


def test_model_passes_qt_model_tester(qtmodeltester: ModelTester, demo_db: Database) -> None:
    view = CataloguesView(demo_db.session_factory)
    qtmodeltester.check(view.orgs_tab.model, force_py=True)
    view.deleteLater()


def test_add_a_cell(qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    view = make_view(qtbot, db)
    monkeypatch.setattr(CellDialog, "add", classmethod(
        lambda cls, parent, others, commit: commit(CellInput("Chi bộ khu 7", "Khu 7",
                                                             "Đoàn Văn Hải"))))
    with qtbot.waitSignal(view.changed) as blocker:
        qtbot.mouseClick(view.cells_tab.add_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["cells"]
    assert column_texts(view.cells_tab.model, 0)[-1] == "Chi bộ khu 7"
    current = view.cells_tab.current()
    assert current is not None and current.name == "Chi bộ khu 7"  # the new row is selected
    assert column_texts(view.issuers_tab.issuer_model, 0)[-1] == "Chi bộ khu 7"
    assert "Đã thêm «Chi bộ khu 7»" in view.status_label.text()


def test_a_refused_cell_keeps_the_dialog_open_and_changes_nothing(
        qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    view = make_view(qtbot, db)
    seen: dict[str, object] = {}

    def exec_(dialog: CellDialog) -> int:
        dialog.name.setText("chi bo khu 5")
        seen["saved"] = dialog.save()
        seen["line"] = dialog.message_line.text()
        seen["typed"] = dialog.name.text()
        monkeypatch.setattr(messages, "ask_unsaved", lambda *_a: messages.Unsaved.DISCARD)
        dialog.reject()  # Hủy, then «Không lưu»
        return dialog.result()

    monkeypatch.setattr(CellDialog, "exec", exec_)
    with qtbot.assertNotEmitted(view.changed):
        view.cells_tab.add_button.click()
    assert seen == {"saved": False, "line": "Đã có chi bộ «Chi bộ khu 5».",
                    "typed": "chi bo khu 5"}
    assert len(list_cell_details(db.session_factory)) == 2


def test_a_refusal_of_the_service_shows_in_the_dialog(
        qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A save the database refuses (here: a service rule) leaves the dialog open."""
    from models.catalogues.service import CatalogueError

    def refuse(_value: object) -> None:
        raise CatalogueError({"name": "Đã có chi bộ «Chi bộ khu 9»."})

    dialog = CellDialog(list_cell_details(db.session_factory), commit=refuse)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Chi bộ khu 9")
    assert not dialog.save()
    assert dialog.isVisible() and dialog.message_line.text() == (
        "Chưa lưu: Đã có chi bộ «Chi bộ khu 9».")
    assert dialog.name.property("invalid") is True and dialog.name.text() == "Chi bộ khu 9"


def test_deactivate_a_cell_greys_it_and_asks_first(
        qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    view = make_view(qtbot, db)
    tab = view.cells_tab
    tab.select_id(list_cell_details(db.session_factory)[1].id)
    answers = [False, True]
    asked: list[str] = []

    def confirm(parent: object, title: str, text: str) -> bool:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(messages, "confirm", confirm)
    assert tab.toggle_button.text() == "Ngừng sử dụng"
    with qtbot.assertNotEmitted(view.changed):
        tab.toggle_button.click()  # answered "Không"
    assert list_cell_details(db.session_factory)[1].active
    with qtbot.waitSignal(view.changed):
        tab.toggle_button.click()
    assert "Ngừng sử dụng «Chi bộ khu 6»?" in asked[0]
    assert not list_cell_details(db.session_factory)[1].active
    index = tab.model.index(1, 0)
    assert tab.model.data(index, Qt.ItemDataRole.ForegroundRole) == INACTIVE_COLOUR
    assert tab.model.data(tab.model.index(1, 7)) == "Ngừng sử dụng"
    assert tab.toggle_button.text() == "Sử dụng lại"


def test_edit_an_org_with_enter(qtbot: QtBot, demo_db: Database,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    view = make_view(qtbot, demo_db)
    org = next(o for o in list_org_details(demo_db.session_factory)
               if o.name == "Đảng ủy Công ty Than Mạo Khê")
    seen: list[OrgDetail] = []

    def edit(cls: object, parent: object, detail: OrgDetail, others: object,
             commit: Any) -> object:
        seen.append(detail)
        return commit(OrgInput(detail.name, "Đảng bộ Tập đoàn TKV", "Công ty Than Mạo Khê - TKV",
                               detail.address, "Văn phòng Đảng ủy, 0203 3871 234"))

    monkeypatch.setattr(OrgDialog, "edit", classmethod(edit))
    view.show()
    select_org(view, org.id)
    view.orgs_tab.table.setFocus()
    with qtbot.waitSignal(view.changed) as blocker:
        qtbot.keyClick(view.orgs_tab.table, Qt.Key.Key_Return)
    assert blocker.args == ["orgs"]
    assert [d.id for d in seen] == [org.id]
    edited = next(o for o in list_org_details(demo_db.session_factory) if o.id == org.id)
    assert (edited.company, edited.contact) == ("Công ty Than Mạo Khê - TKV",
                                                "Văn phòng Đảng ủy, 0203 3871 234")
    current = view.orgs_tab.current()
    assert current is not None and current.contact == "Văn phòng Đảng ủy, 0203 3871 234"


def test_merge_two_orgs_moves_the_members(qtbot: QtBot, demo_db: Database,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    view = make_view(qtbot, demo_db)
    orgs = {o.name: o for o in list_org_details(demo_db.session_factory)}
    source = orgs["Đảng ủy Công ty Than Hòn Gai"]
    target = orgs["Đảng ủy Công ty Than Hạ Long"]
    assert source.member_count > 0
    chosen: list[tuple[int, list[int]]] = []

    def choose(cls: object, parent: object, src: OrgDetail, all_orgs: list[OrgDetail]) -> int:
        chosen.append((src.id, [o.id for o in all_orgs]))
        return target.id

    asked: list[str] = []
    monkeypatch.setattr(MergeOrgDialog, "choose", classmethod(choose))

    def confirm(parent: object, title: str, text: str) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(messages, "confirm", confirm)
    select_org(view, source.id)
    with qtbot.waitSignal(view.changed) as blocker:
        qtbot.mouseClick(view.orgs_tab.merge_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["orgs"]
    assert chosen[0][0] == source.id
    assert f"{source.member_count} đảng viên sẽ chuyển sang «{target.name}»" in asked[0]
    after = {o.name: o for o in list_org_details(demo_db.session_factory)}
    assert after[target.name].member_count == target.member_count + source.member_count
    assert after[source.name].member_count == 0
    rows = {r.name: r for r in view.orgs_tab.model.rows()}
    assert rows[target.name].member_count == target.member_count + source.member_count
    row = view.orgs_tab.model.row_of(source.id)
    assert view.orgs_tab.model.data(view.orgs_tab.model.index(row, 5)) == (
        f"Đã gộp vào «{target.name}»")
    current = view.orgs_tab.current()
    assert current is not None and current.id == target.id
    assert f"chuyển {source.member_count} đảng viên" in view.status_label.text()
    # a merged entry offers neither merging again nor coming back
    view.orgs_tab.select_id(source.id)
    assert not view.orgs_tab.merge_button.isEnabled()
    assert not view.orgs_tab.toggle_button.isEnabled()


def test_add_an_issuer_version(qtbot: QtBot, db: Database,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    view = make_view(qtbot, db)
    tab = view.issuers_tab
    view.tabs.setCurrentWidget(tab)
    tab.issuer_table.selectRow(2)  # Chi bộ khu 6
    issuer = tab.current_issuer()
    assert issuer is not None and issuer.name == "Chi bộ khu 6"
    assert tab.version_model.rowCount() == 1
    new = IssuerVersionInput(date(2025, 7, 1), "ĐẢNG BỘ PHƯỜNG MẠO KHÊ", "CHI BỘ KHU 6", "CB",
                             "T/M CHI ỦY", "BÍ THƯ", "Hoàng Văn Minh")
    starts: list[object] = []

    def add(cls: object, parent: object, row: object, start: object, commit: Any) -> object:
        starts.append(start)
        return commit(new)

    monkeypatch.setattr(IssuerVersionDialog, "add", classmethod(add))
    with qtbot.waitSignal(view.changed) as blocker:
        tab.add_button.click()
    assert blocker.args == ["issuers"]
    assert starts == [issuer.versions[-1]]  # prefilled from the version in force
    assert column_texts(tab.version_model, 0) == ["01/01/2000", "01/07/2025"]
    assert tab.current_version() is not None
    assert tab.current_version().signer_name == "Hoàng Văn Minh"  # type: ignore[union-attr]
    assert issuer.cell_id is not None
    assert issuer_lines(db.session_factory, issuer.cell_id, date(2026, 1, 1)).signer_name == (
        "Hoàng Văn Minh")


# --- the dialogs themselves --------------------------------------------------------------------


def test_cell_dialog_shows_the_error_on_its_field(qtbot: QtBot, db: Database) -> None:
    cells = list_cell_details(db.session_factory)
    dialog = CellDialog(cells)
    qtbot.addWidget(dialog)
    assert dialog.checks.message("name") == ""  # a new, empty form is not all red
    assert dialog.errors()  # but it is not right yet
    dialog.name.setText("Chi bộ Khu 5")
    assert dialog.checks.message("name") == "Đã có chi bộ «Chi bộ khu 5»."
    assert dialog.name.property("invalid") is True
    assert dialog.message_line.text() == "Đã có chi bộ «Chi bộ khu 5»."
    dialog.name.setText("Chi bộ khu 9")
    dialog.secretary.setText("Trần Văn Dũng")
    assert dialog.errors() == {} and dialog.checks.message("name") == ""
    assert dialog.name.property("invalid") is False
    assert dialog.values() == CellInput("Chi bộ khu 9", "", "Trần Văn Dũng", "", False)


def test_cell_dialog_offers_new_document_lines_when_name_or_signer_change(
        qtbot: QtBot, db: Database) -> None:
    cells = list_cell_details(db.session_factory)
    dialog = CellDialog(cells, cells[1])
    qtbot.addWidget(dialog)
    assert dialog.edit_values().issuer_from is None
    dialog.secretary.setText("Hoàng Văn Minh")
    assert dialog.update_issuer.isChecked()
    assert dialog.edit_values().issuer_from == clock.today()
    dialog.secretary.setText("Phạm Thị Hoa")
    assert dialog.edit_values().issuer_from is None


def test_issuer_version_dialog_suggests_capitals_and_warns_of_a_replacement(
        qtbot: QtBot, db: Database) -> None:
    issuer = list_issuers(db.session_factory)[1]
    dialog = IssuerVersionDialog(issuer, issuer.versions[-1])
    qtbot.addWidget(dialog)
    assert not dialog.replaces.isHidden()  # same date as the stored version
    dialog.name_line.setText("Chi bộ khu 5")
    assert not dialog.capitals_button.isHidden()
    dialog.capitals_button.click()
    assert dialog.values().name_line == "CHI BỘ KHU 5"
    assert dialog.capitals_button.isHidden()
    dialog.signer_role.setCurrentText("")
    assert not dialog.save()
    assert dialog.checks.message("signer_role") == "Chưa nhập chức vụ người ký (ví dụ BÍ THƯ)."


def test_merge_dialog_filters_and_needs_a_choice(qtbot: QtBot, demo_db: Database) -> None:
    orgs = list_org_details(demo_db.session_factory)
    source = orgs[0]
    dialog = MergeOrgDialog(source, orgs)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == len(orgs) - 1  # never itself
    assert not dialog.ok_button.isEnabled()
    dialog.search.setText("mao khe")
    visible = [dialog.list.item(r) for r in range(dialog.list.count())
               if not dialog.list.item(r).isHidden()]
    assert [item.text().split("  —")[0] for item in visible] == ["Đảng ủy Công ty Than Mạo Khê"]
    dialog.list.setCurrentItem(visible[0])
    assert dialog.ok_button.isEnabled()
    assert orgs[[o.name for o in orgs].index("Đảng ủy Công ty Than Mạo Khê")].id == (
        dialog.target_id())
