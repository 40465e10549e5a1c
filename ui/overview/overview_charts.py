"""The overview's charts (QtCharts): horizontal bars that open the filtered list when clicked.

QtCharts writes numbers with a printf format ("75.8 %", "42683"); every number here is written by
models.formats instead (75,8%, 42.683): the bar values are text items placed at the bar ends, and
the value axis is a category axis whose labels are formatted ticks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QFrame, QGraphicsSimpleTextItem, QLabel, QVBoxLayout, QWidget

from models.figures.overview import Bar
from models.formats import format_int, format_percent

BAR_COLOUR = QColor("#b8322a")
STATUS_COLOURS = ("#bdbdbd", "#f0b429", "#4a90d9", "#2e9d5b", "#1b5e20")
MAX_BARS = 12
ROW_HEIGHT = 24
CALCULATING = "Đang tính…"


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


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """0 and a few round steps (1, 2 or 5 × 10ⁿ) reaching at least ``top``."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < top - 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks


def value_text(value: float, *, percent: bool) -> str:
    return format_percent(value) if percent else format_int(round(value))


def value_axis(ticks: Sequence[float], *, percent: bool) -> QCategoryAxis:
    """A value axis whose tick labels are written the Vietnamese way."""
    axis = QCategoryAxis()
    axis.setMin(ticks[0])
    axis.setMax(ticks[-1])
    axis.setStartValue(ticks[0])
    for tick in ticks[1:]:
        text = format_percent(tick, 0) if percent else format_int(round(tick))
        axis.append(text, tick)
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    return axis


class ChartCard(QFrame):
    """A titled card holding one chart; ``on_click(key)`` says which bar the user chose."""

    def __init__(self, title: str, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.title = QLabel(title)
        self.title.setObjectName("sectionTitle")
        self.title.setWordWrap(True)
        self.hint = QLabel(hint)
        self.hint.setObjectName("pageSubtitle")
        self.hint.setWordWrap(True)
        self.view = QChartView()
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setStyleSheet("background: transparent;")
        self.view.setMinimumWidth(200)
        self.empty = QLabel(CALCULATING)  # until the figures are read; then "no data" if so
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMinimumHeight(80)
        self.empty.setStyleSheet("color: #777;")
        self.view.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.empty)
        layout.addWidget(self.view, 1)
        self.keys: list[int | None] = []
        self.value_labels: list[str] = []  # the texts at the bar ends, top bar first
        self._labels: list[str] = []
        self._values: list[float] = []
        self._percent = False
        self._series: QHorizontalBarSeries | None = None
        self._items: list[QGraphicsSimpleTextItem] = []
        self.on_click: Callable[[int | None], None] | None = None

    def set_calculating(self) -> None:
        """Say the figures are being read, instead of showing an empty box."""
        self.empty.setText(CALCULATING)
        self.empty.show()
        self.view.hide()

    def _show(self, anything: bool) -> None:
        self.empty.setText("Chưa có số liệu.")
        self.empty.setVisible(not anything)
        self.view.setVisible(anything)

    def _chart(self) -> QChart:
        chart = QChart()
        chart.legend().hide()
        chart.setMargins(QMargins(0, 0, 0, 0))
        chart.setBackgroundVisible(False)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        return chart

    def set_bars(self, bars: Sequence[Bar], *, percent: bool = False,
                 maximum: float | None = None, other_label: str = "Khác") -> None:
        """Largest bars first; beyond MAX_BARS the rest are summed in one 'Khác' bar.
        ``percent``: the values are rates in percent (all bars shown, 0–100)."""
        shown = list(bars) if maximum is not None else list(bars[:MAX_BARS])
        if len(bars) > MAX_BARS and maximum is None:
            shown[-1] = Bar(other_label, sum(b.value for b in bars[MAX_BARS - 1:]), -1)
        self.keys = [b.key for b in shown]
        self._show(bool(shown))
        chart = self._chart()
        chart.setMargins(QMargins(0, 0, 56, 0))  # room for the value after the longest bar
        series = QHorizontalBarSeries()
        values = QBarSet("")
        values.setColor(BAR_COLOUR)
        for bar in reversed(shown):  # the first bar on top
            values.append(bar.value)
        series.append(values)
        series.setLabelsVisible(False)  # written by formats, below
        series.setBarWidth(0.7)
        series.clicked.connect(self._on_clicked)
        series.hovered.connect(self._on_hovered)
        self._labels = [b.label or "(chưa ghi)" for b in shown]
        self._percent = percent
        self._values = [b.value for b in shown]
        self.value_labels = [value_text(v, percent=percent) for v in self._values]
        chart.addSeries(series)
        axis_y = QBarCategoryAxis()
        axis_y.append([short_label(b.label) or "(chưa ghi)" for b in reversed(shown)])
        axis_y.setTruncateLabels(False)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        top = maximum if maximum is not None else max([b.value for b in shown] or [1]) * 1.15
        axis_x = value_axis(nice_ticks(max(top, 1)), percent=percent)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        self.view.setChart(chart)
        self._series = series
        self._items = []
        for text in reversed(self.value_labels):  # bottom-up, as the bars
            item = QGraphicsSimpleTextItem(text, chart)
            item.setBrush(QColor("#222"))
            item.setZValue(10)  # above the grid lines
            self._items.append(item)
        chart.plotAreaChanged.connect(lambda _area: self._place_value_labels())
        self._place_value_labels()
        self.view.setMinimumHeight(60 + ROW_HEIGHT * max(len(shown), 2))
        self.view.setCursor(Qt.CursorShape.PointingHandCursor)

    def _place_value_labels(self) -> None:
        """Each value just after the end of its bar."""
        series = self._series
        if series is None:
            return
        chart = self.view.chart()
        for index, (item, value) in enumerate(zip(self._items, reversed(self._values),
                                                   strict=True)):
            end = chart.mapToPosition(QPointF(value, index), series)
            height = item.boundingRect().height()
            item.setPos(end.x() + 4, end.y() - height / 2)

    def set_stack(self, parts: Sequence[tuple[str, int]], keys: Sequence[str]) -> None:
        """One horizontal bar split into parts (the round's sheets by status); a click on a part
        gives its position in `keys` (as the key)."""
        total = sum(n for _, n in parts)
        self.keys = list(range(len(keys)))
        self._series = None
        self._items = []
        self.value_labels = [f"{label} ({format_int(count)})" for label, count in parts]
        self._show(total > 0)
        chart = self._chart()
        chart.legend().show()
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        series = QHorizontalStackedBarSeries()
        for text, colour, (_label, count) in zip(self.value_labels, STATUS_COLOURS, parts,
                                                 strict=False):
            part = QBarSet(text)
            part.setColor(QColor(colour))
            part.append(count)
            series.append(part)
        series.setBarWidth(0.6)
        series.clicked.connect(lambda _index, part: self._on_part(series.barSets().index(part)))
        chart.addSeries(series)
        axis_x = value_axis(nice_ticks(max(total, 1)), percent=False)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        self.view.setChart(chart)
        self.view.setMinimumHeight(150)

    def _on_hovered(self, status: bool, index: int, _set: QBarSet) -> None:
        position = len(self._labels) - 1 - index
        if status and 0 <= position < len(self._labels):
            self.view.setToolTip(f"{self._labels[position]}: "
                                 f"{value_text(self._values[position], percent=self._percent)}")
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
