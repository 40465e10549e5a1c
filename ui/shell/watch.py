"""The window shows what others changed, without a restart (issue 18 item 4).

Every few seconds a worker asks the database what changed since the last look
(``models.sharing.changes``: one cheap query) and the window announces it as it announces its
own saves, so every view refreshes the way it already does.  Nothing a user is typing is thrown
away by it: the views that hold unsaved work keep it (see ``ui.comments.comments_view`` and the
settings page).  A database that cannot be read for a moment (a server out of reach) is said once
in the status bar; the watch keeps trying.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from models.sharing.changes import Changed, Marker, changes_since, current_marker
from ui.shell import messages
from ui.shell.events import AppEvents, Change
from ui.shell.tasks import Background

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
INTERVAL_MS = 3000


class ChangeWatch(QObject):
    """Polls for others' changes and announces them on ``events``."""

    seen = Signal(int)  # how many kinds of record others changed, after a look that found some
    trouble = Signal(str)  # the database could not be read ("" once it can again)

    def __init__(self, factory: sessionmaker[Session], events: AppEvents,
                 parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._factory = factory
        self._events = events
        self._marker: Marker | None = None
        self._looking: Background | None = None
        self._failing = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.look)

    def start(self) -> None:
        """Take the picture the window starts from, then look every interval."""
        self._run(lambda: (current_marker(self._factory), []))
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        if self._looking is not None:
            self._looking.cancel()
            self._looking = None

    @property
    def looking(self) -> bool:
        return self._looking is not None

    def look(self) -> None:
        """One look now (the timer's; tests call it)."""
        if self._looking is not None:
            return  # the last one has not come back yet (a slow server): no pile-up
        seen = self._marker
        if seen is None:
            self._run(lambda: (current_marker(self._factory), []))
            return
        self._run(lambda: changes_since(self._factory, seen))

    def _run(self, work: Callable[[], tuple[Marker, list[Changed]]]) -> None:
        # bound methods: tasks.Background does not call them once this object is deleted
        self._looking = Background(lambda _p, _c: work(), self._on_looked, self._on_failed)

    def _on_looked(self, result: tuple[Marker, list[Changed]]) -> None:
        if self._looking is None:
            return  # stopped meanwhile
        self._looking = None
        self._marker, changed = result
        if self._failing:
            self._failing = False
            self.trouble.emit("")
        self._announce(changed)

    def _on_failed(self, exc: BaseException) -> None:
        if self._looking is None:
            return
        self._looking = None
        if not isinstance(exc, messages.REFUSED):
            raise exc
        if not self._failing:
            self._failing = True
            log.warning("could not look for others' changes", exc_info=exc)
            self.trouble.emit(messages.refusal(exc))

    def _announce(self, changed: list[Changed]) -> None:
        if not changed:
            return
        self._events.from_others = True
        try:
            for change in changed:
                self._events.announce(Change(change.kind), change.ids)
        finally:
            self._events.from_others = False
        self.seen.emit(len(changed))
