"""The member page: details, dated history, attendance and the change history of one member."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models.formats import format_date, format_int, format_rate
from models.register.detail import DatedEntry, MemberDetail
from ui.shell.screen import fit_to_screen

PAGE_STYLE = """
<style>
 body { font-size: 10pt; }
 h2 { color: #8b1a1a; margin: 0 0 6px 0; }
 table { border-collapse: collapse; }
 td, th { padding: 3px 8px; border-bottom: 1px solid #e0d6c2; vertical-align: top; }
 th { text-align: left; background: #fbf4e8; }
 td.label { color: #555; white-space: nowrap; }
</style>
"""


def _period(entry: DatedEntry) -> str:
    start = format_date(entry.start) if entry.start else "…"
    end = format_date(entry.end) if entry.end else "nay"
    return f"{start} – {end}"


def details_html(detail: MemberDetail) -> str:
    rows = "".join(
        f"<tr><td class='label'>{escape(k)}</td><td>{escape(v) if v else '—'}</td></tr>"
        for k, v in detail.facts)
    flags = []
    if detail.archived:
        flags.append("Đã lưu trữ (ẩn khỏi danh sách)")
    title = escape(detail.full_name) + (f" <small>({'; '.join(flags)})</small>" if flags else "")
    return f"{PAGE_STYLE}<h2>{title}</h2><table>{rows}</table>"


def periods_html(detail: MemberDetail) -> str:
    def table(title: str, entries: tuple[DatedEntry, ...], dated_single: bool) -> str:
        if not entries:
            return f"<h3>{title}</h3><p>—</p>"
        body = "".join(
            f"<tr><td>{format_date(e.start) if dated_single else _period(e)}</td>"
            f"<td>{escape(e.text)}</td><td>{escape(e.note)}</td></tr>"
            for e in entries)
        return (f"<h3>{title}</h3><table><tr><th>{'Ngày' if dated_single else 'Thời gian'}</th>"
                f"<th>Nội dung</th><th>Ghi chú</th></tr>{body}</table>")

    return (PAGE_STYLE + table("Trạng thái", detail.statuses, True)
            + table("Chi bộ nơi cư trú", detail.cells, False)
            + table("Miễn sinh hoạt nơi cư trú", detail.excused_periods, False))


GROUP_LABELS = {"cell_meetings": "Sinh hoạt chi bộ (định kỳ, chuyên đề)",
                "residents": "Họp tổ dân phố / khu dân cư",
                "movements": "Phong trào, hoạt động cộng đồng", "other": "Khác"}


def participation_html(detail: MemberDetail) -> str:
    """Per year and kind: only meetings held, within the member's dated membership."""
    rows = []
    for year, groups in detail.participation:
        for group, label in GROUP_LABELS.items():
            p = groups.get(group)
            if p is None or not p.invited:
                continue
            rate = format_rate(p.rate, 0) if p.rate is not None else "—"
            counts = "".join(f"<td>{format_int(n)}</td>"
                             for n in (p.invited, p.present, p.excused, p.absent))
            rows.append(f"<tr><td>{year}</td><td>{escape(label)}</td>{counts}"
                        f"<td>{rate}</td></tr>")
    if not rows:
        return "<p>Chưa được mời buổi nào đã tổ chức.</p>"
    return ("<table><tr><th>Năm</th><th>Loại</th><th>Được mời</th><th>Có mặt</th>"
            "<th>Vắng có lý do</th><th>Vắng không lý do</th><th>Tỉ lệ</th></tr>"
            + "".join(rows) + "</table><br>")


def attendance_html(detail: MemberDetail) -> str:
    # the figures are the per-year table (the one rule, models.activities.service); below it, every
    # invitation as recorded, planned meetings included
    body = "".join(
        f"<tr><td>{format_date(a.on)}</td><td>{escape(a.kind)}</td><td>{escape(a.title)}</td>"
        f"<td>{escape(a.state)}</td><td>{escape(a.note)}</td></tr>" for a in detail.attendance)
    return (f"{PAGE_STYLE}{participation_html(detail)}"
            f"<table><tr><th>Ngày</th><th>Loại</th><th>Nội dung</th>"
            f"<th>Tham gia</th><th>Ghi chú</th></tr>{body}</table>")


def history_html(detail: MemberDetail) -> str:
    body = "".join(
        f"<tr><td>{format_date(h.at)} {h.at:%H:%M}</td><td>{escape(h.user)}</td>"
        f"<td>{escape(h.text)}</td></tr>"
        for h in detail.history)
    return (f"{PAGE_STYLE}<table><tr><th>Thời điểm</th><th>Người sửa</th><th>Thay đổi</th></tr>"
            f"{body}</table>")


class MemberPageDialog(QDialog):
    """Read-only page of a member with buttons for the actions on it; ``requested`` says which
    action the user chose ("edit", "status", "receipt") when the page closed."""

    def __init__(self, detail: MemberDetail, parent: QWidget | None = None,
                 read_only: bool = False) -> None:
        super().__init__(parent)
        self.detail = detail
        self.requested: str | None = None
        self.setWindowTitle(f"Hồ sơ đảng viên — {detail.full_name}")
        self.tabs = QTabWidget()
        for title, html in (("Thông tin", details_html(detail)),
                            ("Quá trình", periods_html(detail)),
                            ("Tham gia sinh hoạt", attendance_html(detail)),
                            ("Lịch sử thay đổi", history_html(detail))):
            view = QTextBrowser()
            view.setHtml(html)
            self.tabs.addTab(view, title)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        buttons.rejected.connect(self.reject)
        if not read_only:
            for text, action in (("Sửa…", "edit"), ("Đổi trạng thái…", "status"),
                                 ("In phiếu tiếp nhận…", "receipt")):
                button = QPushButton(text)
                button.setObjectName(f"action_{action}")
                button.clicked.connect(lambda _c=False, a=action: self._request(a))
                buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(760, 620))

    def _request(self, action: str) -> None:
        self.requested = action
        self.accept()

    @classmethod
    def show_member(cls, parent: QWidget | None, detail: MemberDetail,
                    read_only: bool = False) -> str | None:
        dialog = cls(detail, parent, read_only)
        dialog.exec()
        return dialog.requested
