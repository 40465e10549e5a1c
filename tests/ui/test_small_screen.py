"""Every page and dialog is usable on the smallest office screen: 1366×768 at 125 % leaves
1093×614 logical pixels, less a title bar and a frame.  A window whose minimum size is larger
cannot be shrunk onto it (Windows keeps the minimum): its buttons end off the screen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from models import clock
from models.activities.service import list_activities
from models.catalogues.service import list_cell_details, list_issuers, list_org_details
from models.catalogues.settings import list_regulations
from models.catalogues.ward import list_cells, list_orgs
from models.comments.rounds import create_round
from models.register.detail import member_detail
from models.register.members import search_members
from models.register.service import member_input
from models.store.db import Database
from ui.shell import screen
from ui.shell.main_window import MainWindow
from ui.shell.screen import FRAME, SMALLEST

LIMIT = SMALLEST - FRAME  # what a window may take: 1077 × 566


def needed(widget: QWidget) -> QSize:
    """The smallest size the window can be given."""
    layout = widget.layout()
    if layout is not None:
        layout.activate()
    return widget.minimumSizeHint().expandedTo(widget.minimumSize())


@pytest.fixture
def small_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The windows size themselves for 1093×614."""
    monkeypatch.setattr(screen, "available",
                        lambda widget=None: QRect(0, 0, SMALLEST.width(), SMALLEST.height()))


def fits(qtbot: QtBot, widget: QWidget) -> tuple[str, QSize, QSize] | None:
    """None when the window fits; else its title, what it needs and what it opens at."""
    qtbot.addWidget(widget)
    widget.show()
    minimum, opened = needed(widget), widget.size()
    widget.hide()
    if minimum.width() > LIMIT.width() or minimum.height() > LIMIT.height() \
            or opened.width() > LIMIT.width() or opened.height() > LIMIT.height():
        return widget.windowTitle(), minimum, opened
    return None


def test_the_main_window_with_every_page_fits(qtbot: QtBot, demo_db: Database,
                                              small_screen: None) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    for row in range(window.sidebar.count()):  # build every page
        window.sidebar.setCurrentRow(row)
        page = window.pages.currentWidget()
        assert needed(page).width() <= LIMIT.width() - window.sidebar.width(), row
        assert needed(page).height() <= LIMIT.height(), row
    assert window.pages.currentWidget() is window.settings
    minimum = needed(window)
    assert minimum.width() <= LIMIT.width() and minimum.height() <= LIMIT.height(), minimum
    window.resize(LIMIT)  # and it can really be that small
    assert window.size() == LIMIT
    qtbot.waitUntil(lambda: window.overview.shown > 0 or not window.overview.reading)


def dialogs(db: Database, pdf: Path) -> Iterator[tuple[str, Callable[[], QWidget]]]:
    """Every dialog of the program, built on the sample ward."""
    from ui.activities.activity_dialog import ActivityDialog
    from ui.activities.roster_view import RosterDialog
    from ui.catalogues.catalogue_dialogs import (
        CellDialog,
        IssuerVersionDialog,
        MergeOrgDialog,
        OrgDialog,
        RegulationDialog,
    )
    from ui.comments.options_dialogs import DeadlinesDialog, TemplatesDialog
    from ui.comments.round_dialogs import DateOrgDialog, OneOffDialog
    from ui.exchange.exchange_dialogs import (
        ExportDialog,
        ImportPreviewDialog,
        OrgChoice,
        Preview,
    )
    from ui.importing.import_history import ImportHistoryDialog
    from ui.importing.import_wizard import ImportWizardDialog
    from ui.register.member_dialog import MemberDialog
    from ui.register.member_page import MemberPageDialog
    from ui.register.status_dialog import StatusDialog
    from ui.settings.setup_wizard import FirstRunDialog
    from ui.shell.about import AboutDialog
    from ui.shell.connect import ServerChoice, ServerDialog
    from ui.shell.help import GuideDialog
    from ui.shell.pdf_preview import PdfPreviewDialog

    f = db.session_factory
    cells, orgs = list_cells(f), list_orgs(f)
    member = search_members(f, "dang huong")[0]
    detail = member_detail(f, member.id)
    assert detail is not None
    activity = list_activities(f, year=clock.today().year)[0]
    org_details = list_org_details(f)
    issuer = list_issuers(f)[1]
    year = clock.today().year
    yield "member, new", lambda: MemberDialog(cells, orgs)
    yield "member, edit", lambda: MemberDialog(cells, orgs, member_input(f, member.id))
    yield "member, edit, saved meanwhile by another", lambda: _after_another_save(
        MemberDialog(cells, orgs, member_input(f, member.id), version=1))
    yield "status", lambda: StatusDialog(member.full_name, member.status)
    yield "member page", lambda: MemberPageDialog(detail)
    yield "activity", lambda: ActivityDialog(cells)
    yield "roster", lambda: RosterDialog(f, activity.id)
    yield "one-off sheet", lambda: OneOffDialog(year, lambda text: search_members(f, text))
    yield "sent", lambda: DateOrgDialog("Ghi đã gửi", "Ngày gửi", date(2026, 12, 1), orgs)
    yield "deadlines", lambda: DeadlinesDialog(f, year, clock.today())
    yield "templates", lambda: TemplatesDialog(f)
    yield "cell", lambda: CellDialog(list_cell_details(f), list_cell_details(f)[0])
    yield "organisation", lambda: OrgDialog(org_details, org_details[0])
    yield "merge", lambda: MergeOrgDialog(org_details[0], org_details)
    yield "issuer version", lambda: IssuerVersionDialog(issuer, issuer.versions[-1])
    yield "regulation", lambda: RegulationDialog(list_regulations(f))
    yield "import wizard", lambda: ImportWizardDialog(f)
    yield "import history", lambda: ImportHistoryDialog(f)
    yield "export packages", lambda: ExportDialog(
        [OrgChoice(o.id, o.name, o.member_count) for o in org_details], year, "")
    rows = tuple((str(n), "Nguyễn Văn An", "Phiếu nhận xét đã nhận", "Đã gửi", "Đã nhận")
                 for n in range(40))
    yield "package preview", lambda: ImportPreviewDialog(
        "goi.zip", Preview("<b>Trả lời</b>", rows, ("Ghi chú",) * 30, True, "Ghi vào sổ"))
    yield "first run", lambda: FirstRunDialog()
    yield "print preview", lambda: PdfPreviewDialog(pdf, "Phiếu nhận xét", "phieu.pdf")
    yield "server connection", lambda: ServerDialog(
        ServerChoice("may-chu-thanh-uy", 5432, "phuong_mao_khe", "cb_khu5"))
    yield "about", lambda: AboutDialog(db)
    yield "guide", lambda: GuideDialog()


def _after_another_save(dialog: Any) -> QWidget:
    """The member form once another person's save was refused into it: the panel that says
    what they changed stands above the buttons."""
    from dataclasses import replace

    from models.sharing.stale import StaleRecord

    mine = dialog.value()
    theirs = replace(mine, phone="0911000111", address="Tổ 3, khu 5, phường Mạo Khê, thành phố "
                     "Đông Triều", job_title="Tổ trưởng tổ sản xuất", notes="Đã chuyển tổ.")
    dialog.phone.setText("0988777666")
    dialog._on_stale(StaleRecord(f"hồ sơ đảng viên {mine.full_name}", theirs, 2,
                                 by="Phạm Thị Lan"))
    return dialog


def test_every_dialog_fits(qtbot: QtBot, demo_db: Database, tmp_path: Path,
                           small_screen: None) -> None:
    from tests.ui.test_pdf_preview import make_pdf

    create_round(demo_db.session_factory, clock.today().year)
    pdf = make_pdf(tmp_path / "p.pdf")
    too_big = {}
    for name, make in dialogs(demo_db, pdf):
        widget = make()
        if isinstance(widget, QDialog) and hasattr(widget, "mark_clean"):
            widget.mark_clean()  # closing it must not ask anything
        problem = fits(qtbot, widget)
        if problem is not None:
            too_big[name] = problem
    assert not too_big, "\n".join(f"{k}: {v}" for k, v in too_big.items())


def test_the_window_opens_maximised_on_a_small_screen(qtbot: QtBot, demo_db: Database,
                                                      small_screen: None) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show_for_screen()
    assert window.isMaximized() or window.geometry() == screen.available(window)
