"""The program's one clock: every "today" and "now" comes from here, so tests and demos can pin it.

Nothing else in ``models/``, ``reports/``, ``ui/`` or ``main.py`` reads the calendar (a test
greps for it).  Code that measures how long something takes uses ``time.perf_counter`` or
``time.monotonic`` directly: durations are not dates.

The environment variable ``SDV_TODAY`` pins the clock for a whole process and its children
(demos, support, the test suite): ``2027-12-31`` starts the clock at 08:00 that day,
``2027-12-31T23:59`` or ``2027-12-31 23:59:30`` at that moment; from there time runs on as usual,
so two backups a minute apart still get different names.  Tests that are about one moment use
``pinned(moment)``, which stops the clock there until the block ends.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

ENV = "SDV_TODAY"
_DAY_START = (8, 0)  # a pinned day alone starts in office hours, far from midnight

_frozen: datetime | None = None
_env_cache: tuple[str, datetime, float] | None = None  # (value, pinned start, monotonic then)


class ClockError(ValueError):
    """``SDV_TODAY`` holds something that is not a date."""


def parse_pin(text: str) -> datetime:
    """The moment ``SDV_TODAY`` names: a date (08:00 that day) or a date and a time."""
    value = text.strip().replace(" ", "T", 1)
    try:
        if "T" in value:
            return datetime.fromisoformat(value).replace(tzinfo=None, microsecond=0)
        return datetime.combine(date.fromisoformat(value), datetime.min.time()).replace(
            hour=_DAY_START[0], minute=_DAY_START[1])
    except ValueError:
        raise ClockError(f"{ENV}={text!r}: không phải ngày (viết dạng 2027-12-31 hoặc "
                         "2027-12-31T23:59).") from None


def _from_env() -> datetime | None:
    global _env_cache
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    if _env_cache is None or _env_cache[0] != value:
        _env_cache = (value, parse_pin(value), time.monotonic())
    _, start, started = _env_cache
    return start + timedelta(seconds=int(time.monotonic() - started))


def now() -> datetime:
    """The current local time, to the second."""
    if _frozen is not None:
        return _frozen
    pinned = _from_env()
    if pinned is not None:
        return pinned
    return datetime.now().replace(microsecond=0)  # the one real read of the calendar


def today() -> date:
    """The current local date."""
    return now().date()


def is_pinned() -> bool:
    """Whether the clock is not the machine's (shown in the window so nobody is misled)."""
    return _frozen is not None or bool(os.environ.get(ENV, "").strip())


@contextmanager
def pinned(moment: datetime | date) -> Iterator[datetime]:
    """Stop the clock at ``moment`` (a date means 08:00 that day) until the block ends."""
    global _frozen
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, datetime.min.time()).replace(
            hour=_DAY_START[0], minute=_DAY_START[1])
    before, _frozen = _frozen, moment.replace(microsecond=0)
    try:
        yield _frozen
    finally:
        _frozen = before
