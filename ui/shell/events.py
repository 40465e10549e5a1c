"""Change propagates as data: after a mutation the caller announces it once, with the ids that
changed; views refresh themselves (STYLE.md §7)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from PySide6.QtCore import QObject, Signal


class Change(StrEnum):
    """What kind of record changed.  A ``StrEnum``: code that still compares with the plain
    words keeps working while it moves over."""

    MEMBERS = "member"
    CELLS = "cells"
    ORGS = "orgs"
    ISSUERS = "issuers"
    ACTIVITIES = "activity"
    COMMENTS = "comments"
    SETTINGS = "settings"
    WARD = "ward"


class AppEvents(QObject):
    # a Change, and the tuple of ids that changed (empty: anything of that kind may have)
    data_changed = Signal(object, object)
    # True while the change being announced is someone else's, seen by ui.shell.watch
    from_others = False

    def announce(self, kind: Change, ids: Iterable[int] = ()) -> None:
        self.data_changed.emit(Change(kind), tuple(ids))
