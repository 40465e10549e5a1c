"""The overview page: figures as charts that open the filtered lists."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from models import clock
from models.comments.rounds import create_round
from models.figures.overview import attendance_by_cell, members_by_cell, members_by_org
from models.register.members import query_member_ids
from models.store.db import Database
from ui.overview.overview_charts import short_label
from ui.shell.main_window import MainWindow


def test_charts_show_the_figures_and_open_the_lists(qtbot: QtBot, demo_db: Database) -> None:
    create_round(demo_db.session_factory, clock.today().year)
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    window.sidebar.setCurrentRow(0)
    overview = window.overview
    qtbot.waitUntil(lambda: overview.shown > 0, timeout=20000)  # read on a worker
    by_org = members_by_org(demo_db.session_factory)
    by_cell = members_by_cell(demo_db.session_factory)
    # every active member counted once in each chart
    assert sum(b.value for b in by_org) == sum(b.value for b in by_cell)
    assert len(overview.by_cell.keys) == len(by_cell)
    rates = attendance_by_cell(demo_db.session_factory, clock.today().year)
    assert rates and all(0 <= b.value <= 100 for b in rates)
    # a click on the first organisation's bar opens the member list filtered to it
    series = overview.by_org.view.chart().series()[0]
    series.clicked.emit(len(overview.by_org.keys) - 1, series.barSets()[0])
    assert window.pages.currentWidget() is window.members
    flt = window.members.current_filter()
    assert flt.workplace_org_id == by_org[0].key and flt.status == "active"
    qtbot.waitUntil(lambda: window.members.model.is_complete)
    assert window.members.model.rowCount() == int(by_org[0].value) == len(
        query_member_ids(demo_db.session_factory, flt))
    # the round's progress: a click on "draft" opens the comment page on the drafts
    window.sidebar.setCurrentRow(0)
    overview._on_round_clicked(0)
    assert window.comments is not None and window.pages.currentWidget() is window.comments
    assert window.comments.status.currentData() == "draft"
    assert window.comments.model.rowCount() > 0
    assert all(r.status == "draft" for r in window.comments.model.rows)


def test_short_labels() -> None:
    assert short_label("Đảng ủy Công ty Than Mạo Khê") == "Than Mạo Khê"
    assert short_label("Chi bộ khu 5") == "Khu 5"
    assert short_label("Đảng bộ Tổng công ty Đông Bắc") == "Đông Bắc"
