"""A test-only hook that lets the fault tests kill the process at known moments inside a write.

Long writes call ``rows_written(stage, count)`` after each chunk they have written (inside their
transaction).  Normally that is one dictionary lookup and nothing happens.  When the environment
variable ``SDV_TEST_HOOK`` names a file, the call appends "<stage> <count>" to it and, when
``SDV_TEST_HOOK_PAUSE`` is set, sleeps that many seconds so that a test can send SIGKILL while the
transaction is open; with ``SDV_TEST_HOOK_PAUSE_FROM`` = n as well, it sleeps only once ``count``
reaches n (so a test stops the write at a chosen point without waiting at the earlier ones).
Nothing in the program sets these variables.
"""

from __future__ import annotations

import os
import time

_ENV = "SDV_TEST_HOOK"
_PAUSE_ENV = "SDV_TEST_HOOK_PAUSE"
_PAUSE_FROM_ENV = "SDV_TEST_HOOK_PAUSE_FROM"


def rows_written(stage: str, count: int) -> None:
    """Report that ``count`` rows of ``stage`` (import / comments / attendance) are written."""
    target = os.environ.get(_ENV)
    if not target:
        return
    with open(target, "a", encoding="utf-8") as log:
        log.write(f"{stage} {count}\n")
        log.flush()
        os.fsync(log.fileno())
    pause = float(os.environ.get(_PAUSE_ENV) or 0)
    if pause > 0 and count >= int(os.environ.get(_PAUSE_FROM_ENV) or 0):
        time.sleep(pause)
