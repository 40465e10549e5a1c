"""The overview page: figures as charts that open the filtered lists.  What the page shows is
checked against counts made another way (the member list's own query, the rosters), written the
Vietnamese way."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from models import clock
from models.activities.service import list_activities, roster
from models.catalogues.ward import list_cells
from models.comments.rounds import create_round
from models.formats import format_int, format_percent
from models.register.members import MemberFilter, query_member_ids
from models.store.db import Database
from models.store.entities import ActivityStatus
from ui.overview.overview_charts import CALCULATING, nice_ticks, short_label
from ui.shell.main_window import MainWindow


def active(db: Database, **where: object) -> int:
    return len(query_member_ids(db.session_factory, MemberFilter(status="active", **where)))


def test_charts_show_the_figures_and_open_the_lists(qtbot: QtBot, demo_db: Database) -> None:
    create_round(demo_db.session_factory, clock.today().year)
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    window.sidebar.setCurrentRow(0)
    overview = window.overview
    # read on a worker: meanwhile every box says so instead of standing empty
    assert overview.reading
    assert all(label.text() == CALCULATING for label in overview.tile_numbers)
    assert overview.by_cell.empty.text() == CALCULATING and overview.by_cell.view.isHidden()
    qtbot.waitUntil(lambda: overview.shown > 0, timeout=20000)
    everyone = len(query_member_ids(demo_db.session_factory, MemberFilter()))
    assert overview.tile_numbers[0].text() == format_int(everyone)
    assert overview.tile_numbers[1].text() == format_int(active(demo_db))
    # each cell's bar: its active members as the member list counts them, written 1.234
    by_cell = dict(zip(overview.by_cell.keys, overview.by_cell.value_labels, strict=True))
    cells = {c.id for c in list_cells(demo_db.session_factory)}
    assert set(by_cell) == cells
    for cell_id, shown in by_cell.items():
        assert shown == format_int(active(demo_db, cell_id=cell_id))
    by_org = dict(zip(overview.by_org.keys, overview.by_org.value_labels, strict=True))
    for org_id, shown in by_org.items():
        if org_id not in (None, -1):
            assert shown == format_int(active(demo_db, workplace_org_id=org_id))
    # the attendance rates, counted from the rosters of the year's held meetings
    year = clock.today().year
    for cell_id, shown in zip(overview.attendance.keys, overview.attendance.value_labels,
                              strict=True):
        lines = [line for a in list_activities(demo_db.session_factory, year=year,
                                               cell_id=cell_id)
                 if a.status == ActivityStatus.HELD and a.cell_id == cell_id
                 for line in roster(demo_db.session_factory, a.id)]
        present = sum(1 for line in lines if line.state == "present")
        assert shown == format_percent(round(100 * present / len(lines), 1))
        assert shown.endswith("%") and "." not in shown  # 75,8% never 75.8 %
    # the round's legend counts its sheets, thousands grouped
    assert any(label.startswith("Nháp (") for label in overview.round.value_labels)
    # a click on the first organisation's bar opens the member list filtered to it
    series = overview.by_org.view.chart().series()[0]
    series.clicked.emit(len(overview.by_org.keys) - 1, series.barSets()[0])
    assert window.pages.currentWidget() is window.members
    flt = window.members.current_filter()
    assert flt.workplace_org_id == overview.by_org.keys[0] and flt.status == "active"
    qtbot.waitUntil(lambda: window.members.model.is_complete)
    assert format_int(window.members.model.rowCount()) == overview.by_org.value_labels[0]
    # the round's progress: a click on "draft" opens the comment page on the drafts
    window.sidebar.setCurrentRow(0)
    overview._on_round_clicked(0)
    assert window.comments is not None and window.pages.currentWidget() is window.comments
    assert window.comments.status.currentData() == "draft"
    assert window.comments.model.rowCount() > 0
    assert all(r.status == "draft" for r in window.comments.model.rows)


def test_short_labels_and_axis_ticks() -> None:
    assert short_label("Đảng ủy Công ty Than Mạo Khê") == "Than Mạo Khê"
    assert short_label("Chi bộ khu 5") == "Khu 5"
    assert short_label("Đảng bộ Tổng công ty Đông Bắc") == "Đông Bắc"
    assert nice_ticks(100) == [0, 50, 100]
    assert nice_ticks(1868) == [0, 500, 1000, 1500, 2000]
