"""Remake the README's screenshots (docs/screenshots/*.png) from the sample ward, on the office
screen the program is made for: 1366×768, at 100 % and at Windows' 125 % (1093×614 logical
pixels, the files ending in -125).

    python docs/screenshots/make.py              # every picture, both scales
    python docs/screenshots/make.py members      # only some (names as below)

It needs no display (Qt draws offscreen, or on the X server in $DISPLAY if one is set).  It builds
the sample ward in a temporary folder with the clock pinned to 26/11/2026 and this year's comment
round created, opens the real main window at the screen's size, and pictures each page; a dialog
is pictured over the window that opens it, as the user sees it.  Run it again whenever a screen
changes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path, PureWindowsPath

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
SCREEN = (1366, 768)
SCALES = {"": 1.0, "-125": 1.25}
DAY = "2026-11-26T09:00"
WINDOWS_DATA = PureWindowsPath(r"C:\Users\VanPhong\AppData\Local\SoDangVien213\so-dang-vien.sqlite")

os.environ.setdefault("SDV_TODAY", DAY)
for variable in ("USER", "USERNAME", "LOGNAME"):  # the name the history records
    os.environ[variable] = "VanPhong"
if not os.environ.get("DISPLAY"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QPoint  # noqa: E402
from PySide6.QtGui import QColor, QPainter, QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402


def settle(seconds: float = 0.4) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def wait_until(condition: Callable[[], object], timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the screen did not become ready")
        settle(0.05)


def picture(window: QWidget, dialog: QWidget | None = None) -> QPixmap:
    """The window (and a dialog over it, centred, the window dimmed as behind a modal box)."""
    shot = window.grab()
    if dialog is None:
        return shot
    painter = QPainter(shot)
    painter.fillRect(shot.rect(), QColor(0, 0, 0, 60))
    front = dialog.grab()
    ratio = shot.devicePixelRatio()
    left = int((shot.width() / ratio - front.width() / ratio) / 2)
    top = int((shot.height() / ratio - front.height() / ratio) / 2)
    painter.drawPixmap(QPoint(max(0, left), max(0, top)), front)
    painter.end()
    return shot


def sample_ward(folder: Path) -> Path:
    from models.comments.rounds import create_round
    from models.comments.sheets import set_status, year_sheets
    from models.demo.sample import fill_demo
    from models.store.db import open_database

    path = folder / "phuong-mau.sqlite"
    db = open_database(path, create=True)
    fill_demo(db.session_factory)
    create_round(db.session_factory, 2026)
    sheets = year_sheets(db.session_factory, 2026)
    set_status(db.session_factory, [s.id for s in sheets[:300]], "finished")
    db.close()
    return path


def sample_list(folder: Path) -> Path:
    """A short list as a ward receives it, with organisations spelled in several ways."""
    import openpyxl

    path = folder / "danh-sach-nhan-tu-cong-ty.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ", "Đảng bộ", "Khu"])
    sheet.append(["Vương Văn Minh", "12/03/1984", "Nam", "71234560", "Than Uông Bí", "Khu 3"])
    sheet.append(["Lương Thị Hoa", "1990", "Nữ", "", "Đảng uỷ Cty Than Mạo Khê", "khu 5"])
    sheet.append(["Tạ Quang Huy", "31/02/1988", "Nam", "123", "Công ty Cơ khí Mạo Khê", "5"])
    sheet.append(["Hà Văn Bình", "04/04/1979", "Nam", "", "Than Hồng Thái", "Khu 12"])
    book.save(path)
    return path


def shots(db_path: Path, folder: Path) -> dict[str, Callable[[], QPixmap]]:
    """Each picture: how to reach its screen, as the user would."""
    from models.register.members import search_members
    from models.store.db import open_database
    from ui.activities.roster_view import RosterDialog
    from ui.importing.import_wizard import ImportWizardDialog
    from ui.register.member_dialog import MemberDialog
    from ui.shell.main_window import MainWindow

    db = open_database(db_path)
    window = MainWindow(db)
    # an office PC's data file, not this machine's temporary one; and no "pinned date" notice
    window._path_label.setText(str(WINDOWS_DATA))
    if hasattr(window, "_clock_label"):
        window._clock_label.hide()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    scale = float(os.environ.get("QT_SCALE_FACTOR", "1"))
    window.resize(round(SCREEN[0] / scale), round(SCREEN[1] / scale))
    window.show()
    settle()

    def page(row: int) -> QPixmap:
        window.sidebar.setCurrentRow(row)
        settle()
        if row == 0:
            wait_until(lambda: window.overview.shown > 0)
            settle()
        return picture(window)

    def member_form() -> QPixmap:
        from models.catalogues.ward import list_cells, list_orgs

        window.sidebar.setCurrentRow(1)
        dialog = MemberDialog(list_cells(db.session_factory), list_orgs(db.session_factory),
                              parent=window)
        dialog.full_name.setText("Vương Thị Ngọc Ánh")
        dialog.birth.setText("31/02/1985")
        dialog.card_number.setText("1234")
        dialog.show()
        dialog.save()  # the messages of every field, in the line above the buttons
        dialog.birth.setFocus()
        settle()
        shot = picture(window, dialog)
        dialog.mark_clean()
        dialog.reject()
        return shot

    def roster() -> QPixmap:
        from models.activities.service import list_activities

        window.sidebar.setCurrentRow(2)
        settle()
        activity = max(list_activities(db.session_factory, year=2026), key=lambda a: a.invited)
        dialog = RosterDialog(db.session_factory, activity.id, window)
        dialog.show()
        wait_until(lambda: not dialog.reading)
        dialog.search.setText("nguyen thanh")
        settle()
        shot = picture(window, dialog)
        dialog.search.clear()
        dialog.done(0)
        return shot

    def import_preview() -> QPixmap:
        window.sidebar.setCurrentRow(1)
        wizard = ImportWizardDialog(db.session_factory, window)
        wizard.show()
        wizard.load(str(sample_list(folder)))
        wait_until(lambda: wizard.pages.currentIndex() == 1)
        wizard.preview_tabs.setCurrentIndex(1)
        settle()
        shot = picture(window, wizard)
        wizard.reject()
        return shot

    def search() -> QPixmap:
        window.sidebar.setCurrentRow(1)
        window.members.search_edit.setText("Hường")
        settle()
        window.members.search_keys.enter_list()
        settle()
        shot = picture(window)
        window.members.search_edit.clear()
        settle()
        return shot

    assert search_members(db.session_factory, "huong")
    return {
        "overview": lambda: page(0),
        "members": lambda: page(1),
        "search": search,
        "member-form": member_form,
        "activities": lambda: page(2),
        "roster": roster,
        "comments": lambda: page(3),
        "reports": lambda: page(4),
        "catalogues": lambda: page(5),
        "settings": lambda: page(6),
        "import-preview": import_preview,
    }


def make(names: list[str], suffix: str) -> int:
    from ui.shell.app import application

    app = application()
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, take in shots(sample_ward(folder), folder).items():
            if names and name not in names:
                continue
            try:
                out = OUT / f"{name}{suffix}.png"
                take().save(str(out))
                print(f"{out.relative_to(ROOT)}")
            except Exception as exc:  # one picture lost is said, the others are still made
                print(f"{name}{suffix}: {type(exc).__name__}: {exc}", file=sys.stderr)
                failed += 1
        for widget in app.topLevelWidgets():
            widget.close()
    return 1 if failed else 0


def main() -> int:
    names = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--scale" in sys.argv:  # a child run at one scale (Qt reads it before it starts)
        return make(names, os.environ.get("SDV_SHOT_SUFFIX", ""))
    status = 0
    for suffix, factor in SCALES.items():
        env = dict(os.environ, QT_SCALE_FACTOR=str(factor), SDV_SHOT_SUFFIX=suffix)
        run = subprocess.run([sys.executable, __file__, "--scale", *names], env=env, check=False)
        status = status or run.returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
