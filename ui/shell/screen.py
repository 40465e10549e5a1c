"""Fitting windows to small office screens: 1366×768 at 125 % leaves 1093×614 logical pixels
(less the taskbar), and every page and dialog must be usable there (DESIGN.md §6)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

# the smallest screen the program is made for, in logical pixels (a test holds every page and
# dialog to it)
SMALLEST = QSize(1093, 614)
# a screen below this gets a maximised main window
ROOMY = QSize(1300, 800)
# what a window leaves free around itself on the screen (title bar, frame)
FRAME = QSize(16, 48)


def available(widget: QWidget | None = None) -> QRect:
    """The usable part of the screen the widget is on (of the primary screen if none)."""
    screen = widget.screen() if widget is not None else None
    if screen is None:
        screen = QGuiApplication.primaryScreen()
    if screen is None:  # no screen at all (never on a desktop): assume the smallest
        return QRect(0, 0, SMALLEST.width(), SMALLEST.height())
    return screen.availableGeometry()


def is_small(widget: QWidget | None = None) -> bool:
    area = available(widget)
    return area.width() < ROOMY.width() or area.height() < ROOMY.height()


def fitted(wanted: QSize, widget: QWidget | None = None) -> QSize:
    """``wanted``, made small enough for the screen (its frame included)."""
    area = available(widget)
    return QSize(min(wanted.width(), area.width() - FRAME.width()),
                 min(wanted.height(), area.height() - FRAME.height()))


def fit_to_screen(window: QWidget, wanted: QSize | None = None) -> None:
    """Resize a window to ``wanted`` (its size hint by default) but never beyond the screen."""
    window.resize(fitted(wanted if wanted is not None else window.sizeHint(), window))


def scrolling(content: QWidget) -> QScrollArea:
    """The content in a frameless vertical scroll area: a long form stays usable on a short
    screen instead of pushing its buttons off it."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(content)
    return scroll
