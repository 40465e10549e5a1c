"""The overview's charts (QtCharts): horizontal bars that open the filtered list when clicked."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from models.figures.overview import Bar

BAR_COLOUR = QColor("#b8322a")
STATUS_COLOURS = ("#bdbdbd", "#f0b429", "#4a90d9", "#2e9d5b", "#1b5e20")
MAX_BARS = 12
ROW_HEIGHT = 24


_PREFIXES = ("đảng ủy ", "đảng uỷ ", "đảng bộ ", "chi bộ ", "công ty ", "tổng công ty ")


def short_label(name: str) -> str:
    """'Đảng ủy Công ty Than Mạo Khê' → 'Than Mạo Khê', 'Chi bộ khu 5' → 'Khu 5': the axis has
    little room, the full name is in the tooltip."""
    text = name.strip()
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if text.lower().startswith(prefix) and len(text) > len(prefix):
                text = text[len(prefix):]
                changed = True
    text = text[:1].upper() + text[1:]
    return text if len(text) <= 24 else text[:23] + "…"


class ChartCard(QFrame):
    """A titled card holding one chart; `clicked(key)` says which bar the user chose."""

    def __init__(self, title: str, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.title = QLabel(title)
        self.title.setObjectName("sectionTitle")
        self.hint = QLabel(hint)
        self.hint.setObjectName("pageSubtitle")
        self.hint.setWordWrap(True)
        self.view = QChartView()
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setStyleSheet("background: transparent;")
        self.view.setMinimumWidth(240)
        self.empty = QLabel("Chưa có số liệu.")
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.empty)
        layout.addWidget(self.view, 1)
        self.keys: list[int | None] = []
        self._labels: list[str] = []
        self._values: list[float] = []
        self._unit = ""
        self.on_click: Callable[[int | None], None] | None = None

    def _chart(self) -> QChart:
        chart = QChart()
        chart.legend().hide()
        chart.setMargins(QMargins(0, 0, 0, 0))
        chart.setBackgroundVisible(False)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        return chart

    def set_bars(self, bars: Sequence[Bar], *, unit: str = "", maximum: float | None = None,
                 other_label: str = "Khác") -> None:
        """Largest bars first; beyond MAX_BARS the rest are summed in one 'Khác' bar."""
        shown = list(bars) if maximum is not None else list(bars[:MAX_BARS])  # rates: all
        if len(bars) > MAX_BARS and maximum is None:
            shown[-1] = Bar(other_label, sum(b.value for b in bars[MAX_BARS - 1:]), -1)
        self.keys = [b.key for b in shown]
        self.empty.setVisible(not shown)
        self.view.setVisible(bool(shown))
        chart = self._chart()
        series = QHorizontalBarSeries()
        values = QBarSet("")
        values.setColor(BAR_COLOUR)
        values.setLabelColor(QColor("#222"))
        for bar in reversed(shown):  # the first bar on top
            values.append(bar.value)
        series.append(values)
        series.setLabelsVisible(True)
        series.setLabelsFormat(f"@value{unit}")
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setBarWidth(0.7)
        series.clicked.connect(self._on_clicked)
        series.hovered.connect(self._on_hovered)
        self._labels = [b.label or "(chưa ghi)" for b in shown]
        self._unit = unit
        self._values = [b.value for b in shown]
        chart.addSeries(series)
        axis_y = QBarCategoryAxis()
        axis_y.append([short_label(b.label) or "(chưa ghi)" for b in reversed(shown)])
        axis_y.setTruncateLabels(False)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        axis_x = QValueAxis()
        top = maximum if maximum is not None else max([b.value for b in shown] or [1]) * 1.2
        axis_x.setRange(0, max(top, 1))
        axis_x.setLabelFormat("%d")
        axis_x.setTickCount(5)
        if maximum is None:
            axis_x.applyNiceNumbers()
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        self.view.setChart(chart)
        self.view.setMinimumHeight(60 + ROW_HEIGHT * max(len(shown), 2))
        self.view.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_stack(self, parts: Sequence[tuple[str, int]], keys: Sequence[str]) -> None:
        """One horizontal bar split into parts (the round's sheets by status); a click on a part
        gives its position in `keys` (as the key)."""
        total = sum(n for _, n in parts)
        self.keys = list(range(len(keys)))
        self.empty.setVisible(total == 0)
        self.view.setVisible(total > 0)
        chart = self._chart()
        chart.legend().show()
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        series = QHorizontalStackedBarSeries()
        for (label, count), colour in zip(parts, STATUS_COLOURS, strict=False):
            part = QBarSet(f"{label} ({count})")
            part.setColor(QColor(colour))
            part.append(count)
            series.append(part)
        series.setBarWidth(0.6)
        series.clicked.connect(lambda _index, part: self._on_part(series.barSets().index(part)))
        chart.addSeries(series)
        axis_x = QValueAxis()
        axis_x.setRange(0, max(total, 1))
        axis_x.setLabelFormat("%d")
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        self.view.setChart(chart)
        self.view.setMinimumHeight(150)

    def _on_hovered(self, status: bool, index: int, _set: QBarSet) -> None:
        position = len(self._labels) - 1 - index
        if status and 0 <= position < len(self._labels):
            value = self._values[position]
            shown = f"{value:.1f}" if value != int(value) else f"{int(value)}"
            self.view.setToolTip(f"{self._labels[position]}: {shown}{self._unit}")
        else:
            self.view.setToolTip("")

    def _on_clicked(self, index: int, _set: QBarSet) -> None:
        position = len(self.keys) - 1 - index  # bars were added bottom-up
        if self.on_click is not None and 0 <= position < len(self.keys):
            key = self.keys[position]
            if key not in (-1, None):  # "Khác" and "(chưa ghi)" have no list of their own
                self.on_click(key)

    def _on_part(self, position: int) -> None:
        if self.on_click is not None and 0 <= position < len(self.keys):
            self.on_click(position)
