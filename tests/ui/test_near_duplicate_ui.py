"""Adding an organisation or a cell by hand warns about a near-duplicate name, without refusing
it (issue 16, item 6)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from models.catalogues.service import OrgInput, add_org, list_cell_details, list_org_details
from models.store.db import Database
from ui.catalogues.catalogue_dialogs import CellDialog, OrgDialog


def test_org_dialog_warns_about_a_near_duplicate(qtbot: QtBot, db: Database) -> None:
    add_org(db.session_factory, OrgInput(name="Đảng ủy Công ty Than Mạo Khê"))
    dialog = OrgDialog(list_org_details(db.session_factory))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.similar.isHidden()
    dialog.name.setText("Đảng uỷ Cty Than Mạo Khê")
    assert dialog.similar.isVisible()
    assert "«Đảng ủy Công ty Than Mạo Khê»" in dialog.similar.text()
    assert dialog.save_button.isEnabled()  # a warning, not a refusal
    dialog.name.setText("Đảng ủy Công ty Than Hà Lầm")
    assert dialog.similar.isHidden()


def test_cell_dialog_warns_about_a_near_duplicate(qtbot: QtBot, db: Database) -> None:
    dialog = CellDialog(list_cell_details(db.session_factory))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Khu 5")
    assert dialog.similar.isVisible() and "«Chi bộ khu 5»" in dialog.similar.text()
    dialog.name.setText("Chi bộ khu 9")
    assert dialog.similar.isHidden()
