"""Change propagates as data: after a mutation the caller announces it once; views refresh
themselves (STYLE.md §7)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class AppEvents(QObject):
    # kind ("member", "cells", "orgs", "settings", ...), and the ids that changed (may be empty)
    data_changed = Signal(str, object)

    def announce(self, kind: str, ids: list[int] | None = None) -> None:
        self.data_changed.emit(kind, list(ids or []))
