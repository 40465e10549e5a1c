"""Dates as Vietnamese users write them, read strictly: never guessed.

Accepted: dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy and yyyy-mm-dd.  A two-digit year or an
impossible date (31/02/1980) is refused with a message saying why.  A birth may be a year alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, TypeVar

_DMY = re.compile(r"(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d+)")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_YEAR = re.compile(r"\d{4}")
MIN_YEAR = 1900  # the earliest year of any date written (old lists: births from 1900 on)
# The years the register works in: comment rounds, reports, activities, regulations, issuers'
# versions, exchange packages, and every year box of the window and the command line.
FIRST_YEAR, LAST_YEAR = 1990, 2100


class DateError(ValueError):
    """A date the program refuses; the message is Vietnamese and says why."""


def parse_date(text: str | None) -> date | None:
    """The date written in ``text``; None for a blank text; DateError when it is not a date."""
    value = (text or "").strip()
    if not value:
        return None
    match = _YMD.fullmatch(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DMY.fullmatch(value)
        if not match:
            raise DateError(f"«{value}» không phải ngày (viết dạng 05/02/1980).")
        if len(match.group(4)) != 4:  # before int(): thousands of digits would not convert
            raise DateError(f"«{value}»: năm phải viết đủ 4 chữ số.")
        day, month, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
    if year < MIN_YEAR:
        raise DateError(f"«{value}»: năm {year} không hợp lệ.")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"«{value}»: không có ngày này trong lịch.") from None


@dataclass(frozen=True)
class Birth:
    """A birth date, or only its year when that is all the old lists give."""

    year: int
    exact: date | None = None

    @property
    def year_only(self) -> bool:
        return self.exact is None


def parse_birth(text: str | None) -> Birth | None:
    """'05/02/1980' or '1980'; None for blank; DateError otherwise."""
    value = (text or "").strip()
    if not value:
        return None
    if _YEAR.fullmatch(value):
        year = int(value)
        if year < MIN_YEAR:
            raise DateError(f"«{value}»: năm sinh không hợp lệ.")
        return Birth(year=year)
    exact = parse_date(value)
    assert exact is not None
    return Birth(year=exact.year, exact=exact)


def format_birth(exact: date | None, year: int | None) -> str:
    if exact is not None:
        return f"{exact.day:02d}/{exact.month:02d}/{exact.year:04d}"
    return str(year) if year else ""


def birthday_in(birth: date, year: int) -> date:
    """The day someone born on ``birth`` has their birthday in ``year``: 1 March in a common year
    for someone born on 29 February (the day after 28 February, as the civil age is counted)."""
    try:
        return birth.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 3, 1)


def age_on(birth: date, day: date) -> int:
    """Completed years of age on ``day``."""
    return day.year - birth.year - (day < birthday_in(birth, day.year))


def year_error(year: object, what: str = "Năm") -> str | None:
    """Why ``year`` is not a year the register works in (FIRST_YEAR–LAST_YEAR), or None; the
    message starts with ``what``."""
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        return f"{what} phải từ {FIRST_YEAR} đến {LAST_YEAR} (đã nhập {year})."
    return None


class Ordered(Protocol):
    """Anything compared with < and <=: dates, years, day ordinals."""

    def __lt__(self, other: Any, /) -> bool: ...
    def __le__(self, other: Any, /) -> bool: ...


_V = TypeVar("_V")
_K = TypeVar("_K", bound=Ordered)


def in_force(versions: Sequence[_V], day: _K, start: Callable[[_V], _K]) -> _V | None:
    """Of dated versions, the one in force on ``day``: the latest starting on or before it, or
    the earliest for a day before them all; None when there are none.  Issuers' header lines
    (by date) and the regulations (by year) follow this rule."""
    started = [v for v in versions if start(v) <= day]
    if started:
        return max(started, key=start)
    return min(versions, key=start, default=None)
