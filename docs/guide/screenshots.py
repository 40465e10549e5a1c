"""Remake the user guide's screenshots (resources/guide/images/*.png) from the sample ward.

    python docs/guide/screenshots.py             # every picture the guide shows
    python docs/guide/screenshots.py diem-danh   # only some

Run it again whenever a screen changes.  It needs no display: Qt draws offscreen.  It builds the
sample ward in a temporary folder (the clock pinned to 01/12/2026, the comment round under way),
opens the real main window at 1180×700, and reaches every screen the way a user does — through
the sidebar, the menus and the buttons, found by their Vietnamese labels — so that a reworked
layout is pictured as it now is.  Every dialog the program would open modally is shown, pictured
and closed instead.  A picture that cannot be made is reported (with the reason) and the others
are still made; the exit status is then 1.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path, PureWindowsPath
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "resources" / "guide" / "images"
WINDOW_SIZE = (1180, 700)
DAY = "2026-12-01T09:00"
WINDOWS_HOME = PureWindowsPath(r"C:\Users\VanPhong")
WINDOWS_DATA = WINDOWS_HOME / "AppData" / "Local" / "SoDangVien213"

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["SDV_TODAY"] = DAY
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QTableView,
    QWidget,
)

Prepare = Callable[[QDialog], None]


def settle(seconds: float = 0.3) -> None:
    """Let the event loop run a while (pages load, workers report back, layouts settle)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def wait_until(condition: Callable[[], object], timeout: float = 30.0) -> None:
    """Wait for ``condition`` to hold; a LookupError it raises means "not yet"."""
    end = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except LookupError:
            if time.monotonic() > end:
                raise
        if time.monotonic() > end:
            raise TimeoutError("the screen did not become ready")
        settle(0.05)


def label(text: str) -> str:
    return text.replace("&", "").rstrip("…").rstrip(".").strip()


def find_action(root: QWidget, text: str) -> Callable[[], None]:
    """Something the user can click whose label is ``text``: an action or a button."""
    wanted = label(text)
    for action in root.findChildren(QAction):
        if label(action.text()) == wanted and action.isEnabled():
            return action.trigger
    for button in root.findChildren(QAbstractButton):
        if label(button.text()) == wanted and button.isEnabled() and button.isVisibleTo(root):
            return button.click
    raise LookupError(f"no enabled action or button «{text}»")


def first_filled_table(root: QWidget) -> QTableView:
    for table in root.findChildren(QTableView):
        model = table.model()
        if table.isVisible() and model is not None and model.rowCount() > 0:
            return table
    raise LookupError("no table with rows on this screen")


def select_row(root: QWidget, *texts: str) -> None:
    """Select the first row showing every one of ``texts`` (the first row when none does)."""
    table = first_filled_table(root)
    model = table.model()
    chosen = 0
    for row in range(min(model.rowCount(), 500)):
        shown = {str(model.index(row, column).data() or "")
                 for column in range(model.columnCount())}
        if all(text in shown for text in texts):
            chosen = row
            break
    table.setFocus()
    table.setCurrentIndex(model.index(chosen, 0))
    table.selectRow(chosen)
    table.scrollTo(model.index(chosen, 0))
    settle(0.5)


class DialogCatcher:
    """Stands in for QDialog.exec: shows the dialog, prepares it, pictures it, closes it."""

    def __init__(self) -> None:
        self.prepare: Prepare | None = None
        self.pictured: dict[str, Path] = {}
        self.target: Path | None = None
        self.original = QDialog.exec

    def exec(self, dialog: QDialog) -> int:
        if self.target is None:  # a dialog nobody asked for (a message, a question): No
            dialog.close()
            return 0
        target, self.target = self.target, None
        dialog.show()
        settle(0.5)
        if self.prepare is not None:
            self.prepare(dialog)
        settle(0.5)
        dialog.grab().save(str(target))
        self.pictured[target.stem] = target
        dialog.close()
        return 0


class Shots:
    def __init__(self, window: Any, catcher: DialogCatcher, sample_file: Path) -> None:
        self.window = window
        self.catcher = catcher
        self.sample_file = sample_file

    def page(self, name: str) -> QWidget:
        from ui.shell.main_window import PAGES

        self.window.sidebar.setCurrentRow(PAGES.index(name))
        settle(1.0)
        page: QWidget = self.window.pages.currentWidget()
        return page

    def dialogs(self) -> list[QDialog]:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog)]
        return [d for d in found + self.window.findChildren(QDialog) if d.isVisible()]

    def picture_window(self, name: str) -> None:
        settle(0.5)
        self.window.grab().save(str(OUT / f"{name}.png"))

    def picture_dialog(self, name: str, open_it: Callable[[], None],
                       prepare: Prepare | None = None) -> None:
        before = set(self.dialogs())
        self.catcher.target = OUT / f"{name}.png"
        self.catcher.prepare = prepare
        try:
            open_it()
            settle(0.3)
            if name not in self.catcher.pictured:  # opened without exec(): open() or show()
                opened = [d for d in self.dialogs() if d not in before]
                if not opened:
                    raise LookupError("the dialog did not open")
                self.catcher.exec(opened[0])
        finally:
            self.catcher.target = None
            self.catcher.prepare = None
            self.catcher.pictured.pop(name, None)

    # --- one method per picture, named as the guide names the file --------------------------

    def lan_dau(self) -> None:
        from ui.settings.setup_wizard import FirstRunDialog

        self.picture_dialog("lan-dau", lambda: FirstRunDialog.ask(self.window))

    def dang_vien(self) -> None:
        page = self.page("Đảng viên")
        wait_until(lambda: first_filled_table(page))
        select_row(page)
        self.picture_window("dang-vien")

    def them_dang_vien(self) -> None:
        self.page("Đảng viên")
        self.picture_dialog("them-dang-vien", find_action(self.window, "Thêm đảng viên…"))

    def nhap_excel(self) -> None:
        from ui.shell import messages

        page = self.page("Đảng viên")

        def choose_file(dialog: QDialog) -> None:
            messages.open_file = lambda *_args: str(self.sample_file)  # type: ignore[assignment]
            find_action(dialog, "Chọn tệp…")()
            wait_until(lambda: first_filled_table(dialog))
            settle(1.0)

        self.picture_dialog("nhap-excel", find_action(page, "Nhập từ Excel…"), choose_file)

    def hoat_dong(self) -> None:
        page = self.page("Hoạt động")
        wait_until(lambda: first_filled_table(page))
        select_row(page, "Sinh hoạt định kỳ", "Đã tổ chức")
        self.picture_window("hoat-dong")

    def diem_danh(self) -> None:
        page = self.page("Hoạt động")
        select_row(page, "Sinh hoạt định kỳ", "Đã tổ chức")
        self.picture_dialog("diem-danh", find_action(page, "Điểm danh…"))

    def tong_quan(self) -> None:
        page = self.page("Tổng quan")
        wait_until(lambda: getattr(page, "shown", 1) > 0)
        settle(1.0)
        self.picture_window("tong-quan")

    def nhan_xet(self) -> None:
        page = self.page("Nhận xét hằng năm")
        wait_until(lambda: first_filled_table(page))
        select_row(page)
        self.picture_window("nhan-xet")

    def bao_cao(self) -> None:
        self.page("Báo cáo")
        self.picture_window("bao-cao")

    def danh_muc(self) -> None:
        self.page("Danh mục")
        self.picture_window("danh-muc")

    def cai_dat(self) -> None:
        self.page("Cài đặt")
        self.picture_window("cai-dat")

    def trao_doi(self) -> None:
        self.page("Tổng quan")

        def windows_folder(dialog: QDialog) -> None:
            for edit in dialog.findChildren(QLineEdit):
                if edit.text() == str(Path.home()):
                    edit.setText(str(WINDOWS_HOME / "Documents"))

        self.picture_dialog("trao-doi", find_action(
            self.window, "Xuất gói gửi tổ chức đảng nơi công tác, Thành ủy…"), windows_folder)

    def gioi_thieu(self) -> None:
        self.picture_dialog("gioi-thieu", find_action(self.window, "Giới thiệu"))


def show_windows_places(db_path: Path) -> None:
    """The pictures show the places of an ordinary Windows office PC, where most readers are,
    rather than this run's temporary folder."""
    from ui.shell import about

    places = {"Cơ sở dữ liệu": WINDOWS_DATA / "so-dang-vien.sqlite",
              "Thư mục dữ liệu": WINDOWS_DATA, "Thư mục sao lưu": WINDOWS_DATA / "backups",
              "Tệp nhật ký": WINDOWS_DATA / "logs" / "so-dang-vien.log"}
    real = about.about_facts

    def pictured(db: Any) -> list[tuple[str, Any]]:
        return [(name, places.get(name, path)) for name, path in real(db)]

    about.about_facts = pictured  # type: ignore[assignment]


def guide_pictures() -> list[str]:
    """Every picture the guide shows, by name (each has its method in Shots)."""
    from models.support.guide import Figure, guide_blocks

    return [Path(b.source).stem for b in guide_blocks() if isinstance(b, Figure)]


def sample_workbook(folder: Path) -> Path:
    """A small list as offices keep them: a title row, a header, one row with a wrong date."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH ĐẢNG VIÊN 213 KHU 5"])
    sheet.append(["STT", "Họ và tên", "Năm sinh", "Giới tính", "Số thẻ", "Ngày vào Đảng",
                  "Đảng bộ", "Khu", "SĐT"])
    rows = [
        ("Trần Văn Hải", "1979", "Nam", "01234567", "15/06/2005", "Đảng ủy Công ty Than Mạo Khê"),
        ("Lê Thị Thu Hà", "12/03/1985", "Nữ", "01234568", "02/09/2010",
         "Đảng ủy Công ty Than Mạo Khê"),
        ("Phạm Quốc Khánh", "1990", "Nam", "01234569", "31/02/2015",
         "Đảng ủy Công ty Than Uông Bí"),
        ("Nguyễn Minh Tuấn", "05/11/1982", "Nam", "01234570", "19/05/2008",
         "Đảng ủy Công ty Than Hòn Gai"),
    ]
    for n, row in enumerate(rows, 1):
        sheet.append([n, *row, "Khu 5", f"09123456{n:02d}"])
    path = folder / "danh-sach-khu-5.xlsx"
    book.save(path)
    return path


def main(argv: list[str]) -> int:
    from cli.main import main as cli

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sdv-anh-") as work:
        folder = Path(work)
        os.environ["XDG_DATA_HOME"] = str(folder / "data")
        db_path = folder / "mau.sqlite"
        started = time.monotonic()
        assert cli(["--db", str(db_path), "demo"]) == 0
        assert cli(["--db", str(db_path), "comments", "create", "--year", "2026"]) == 0
        print(f"sample ward ready in {time.monotonic() - started:.0f} s", flush=True)

        from models.store.db import open_database
        from ui.shell import messages
        from ui.shell.app import application
        from ui.shell.main_window import MainWindow

        app = application()
        for name in ("info", "error"):
            setattr(messages, name, lambda *_args: None)
        messages.confirm = lambda *_args: False  # type: ignore[assignment]
        catcher = DialogCatcher()
        QDialog.exec = lambda dialog: catcher.exec(dialog)  # type: ignore[method-assign]
        db = open_database(db_path)
        show_windows_places(db_path)
        window = MainWindow(db)
        window.resize(*WINDOW_SIZE)
        window.show()
        for shown in window.statusBar().findChildren(QLabel):
            if shown.text() == str(db_path):
                shown.setText(str(WINDOWS_DATA / "so-dang-vien.sqlite"))
            elif shown.text().startswith("Ngày giả định"):  # the pinned clock: not for readers
                shown.hide()
        settle(2.0)
        shots = Shots(window, catcher, sample_workbook(folder))
        wanted = argv or guide_pictures()
        failed = []
        for name in wanted:
            try:
                getattr(shots, name.replace("-", "_"))()
                size = (OUT / f"{name}.png").stat().st_size // 1024
                print(f"{name}.png ({size} KB)", flush=True)
            except Exception:
                failed.append(name)
                print(f"{name}.png NOT MADE:\n{traceback.format_exc()}", file=sys.stderr)
        window.close()
        db.close()
        QTimer.singleShot(0, app.quit)
        app.exec()
    if failed:
        print(f"not made: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
