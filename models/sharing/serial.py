"""Long writes that decide from what they read run one at a time, whichever PC starts them.

An import plans which rows are new from the members stored, a round lists who gets a sheet from
the sheets made: two of them at once, each blind to the other's uncommitted rows, would make a
member or a sheet twice.  Each takes its named lock first thing in its write transaction and
keeps it to the end (``Store.writer_lock``: an advisory lock on a server; on a file SQLite's
own write lock already does it), so the second one waits and then plans from the first one's
result.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.store.dialect import store_of

IMPORT = "import"  # importing a member list, undoing one
ROUND = "round"  # making a year's sheets, refreshing drafts from the register


def one_at_a_time(session: Session, name: str) -> None:
    """Hold the lock ``name`` for the rest of the session's write transaction."""
    store_of(session).writer_lock(session.connection(), name)
