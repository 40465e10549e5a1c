"""Giúp › Giới thiệu: the version (the same line ``main.py --version`` prints), where the data,
the backups and the log are, and the licences of what the program bundles."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.catalogues.settings import load_settings
from models.store.db import Database
from models.support.licences import Component, bundled_components, licence_text
from models.support.logs import log_file
from models.support.version import data_folder, version

PROGRAM = "Sổ đảng viên 213"


def about_facts(db: Database | None) -> list[tuple[str, Path]]:
    """The places the dialog names: label and path."""
    places = []
    if db is not None:
        places.append(("Cơ sở dữ liệu", db.path))
    places.append(("Thư mục dữ liệu", data_folder()))
    if db is not None:
        places.append(("Thư mục sao lưu",
                       load_settings(db.session_factory).backup_folder(db.path)))
    places.append(("Tệp nhật ký", log_file()))
    return places


class AboutDialog(QDialog):
    def __init__(self, db: Database | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Giới thiệu {PROGRAM}")
        layout = QVBoxLayout(self)
        title = QLabel(f"<b style='font-size:15pt; color:#8b1a1a'>{PROGRAM}</b>")
        self.version_label = QLabel(f"Phiên bản {version()}")
        self.version_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        purpose = QLabel("Quản lý đảng viên đang công tác giữ mối liên hệ với tổ chức đảng và "
                         "nhân dân nơi cư trú (đảng viên 213).")
        purpose.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(self.version_label)
        layout.addWidget(purpose)

        grid = QGridLayout()
        self.places = about_facts(db)
        for row, (label, path) in enumerate(self.places):
            grid.addWidget(QLabel(f"{label}:"), row, 0, Qt.AlignmentFlag.AlignTop)
            shown = QLabel(str(path))
            shown.setObjectName(f"place{row}")
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(shown, row, 1)
            folder = path if label.startswith("Thư mục") else path.parent
            button = QPushButton("Mở thư mục")
            button.setToolTip(str(folder))
            button.clicked.connect(lambda _=False, f=folder: self._open_folder(f))
            grid.addWidget(button, row, 2, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)

        layout.addWidget(QLabel("<b>Thành phần đi kèm và giấy phép</b>"))
        self.components = bundled_components()
        self.table = QTableWidget(len(self.components), 4)
        self.table.setHorizontalHeaderLabels(["Thành phần", "Phiên bản", "Giấy phép", "Dùng để"])
        for row, component in enumerate(self.components):
            for column, value in enumerate((component.name, component.version,
                                            component.licence, component.role)):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(2, 250)
        self.table.setWordWrap(True)
        self.table.resizeRowsToContents()
        self.table.doubleClicked.connect(lambda index: self._show_licence(index.row()))
        layout.addWidget(self.table, 1)
        note = QLabel("Qt for Python (PySide6) theo giấy phép LGPL-3.0: các thư viện Qt nằm "
                      "riêng trong thư mục chương trình và có thể được thay thế. Bấm đúp vào "
                      "một phông chữ để đọc toàn văn giấy phép.")
        note.setWordWrap(True)
        layout.addWidget(note)

        buttons = QDialogButtonBox()
        copy = buttons.addButton("Sao chép thông tin", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy_facts)
        close = buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        close.setDefault(True)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(860, 560)

    def facts_text(self) -> str:
        lines = [f"{PROGRAM} {version()}"]
        lines += [f"{label}: {path}" for label, path in self.places]
        return "\n".join(lines)

    def copy_facts(self) -> None:
        """For support over the phone: paste the version and the places into a message."""
        QGuiApplication.clipboard().setText(self.facts_text())

    def _open_folder(self, folder: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _show_licence(self, row: int) -> None:
        component: Component = self.components[row]
        text = licence_text(component)
        if not text:
            return
        dialog = QDialog(self)
        dialog.setWindowTitle(f"Giấy phép — {component.name}")
        box = QVBoxLayout(dialog)
        view = QPlainTextEdit(text)
        view.setReadOnly(True)
        box.addWidget(view)
        buttons = QDialogButtonBox()
        buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(dialog.reject)
        box.addWidget(buttons)
        dialog.resize(640, 480)
        dialog.exec()

    @classmethod
    def show_for(cls, parent: QWidget | None, db: Database | None) -> None:
        dialog = cls(db, parent)
        dialog.exec()
        dialog.deleteLater()
