"""Small rules written once (issue 17, item 7): the version in force on a date, the years the
register works in, and cutting id lists into pieces."""

from __future__ import annotations

from datetime import date

from models.chunks import chunked
from models.dates import FIRST_YEAR, LAST_YEAR, in_force, year_error


def test_the_version_in_force() -> None:
    versions = [(date(2020, 1, 1), "b"), (date(2000, 1, 1), "a"), (date(2025, 7, 1), "c")]

    def on(day: date) -> str | None:
        found = in_force(versions, day, lambda v: v[0])
        return found[1] if found else None

    assert on(date(2019, 12, 31)) == "a"
    assert on(date(2020, 1, 1)) == "b"  # in force from its own first day
    assert on(date(2025, 6, 30)) == "b"
    assert on(date(2030, 1, 1)) == "c"
    assert on(date(1995, 1, 1)) == "a"  # before them all: the earliest
    assert in_force([], date(2026, 1, 1), lambda v: v) is None
    assert in_force([2000, 2020], 2019, lambda y: y) == 2000  # regulations by year


def test_the_years_of_the_register() -> None:
    assert (FIRST_YEAR, LAST_YEAR) == (1990, 2100)
    assert year_error(FIRST_YEAR) is None and year_error(LAST_YEAR) is None
    assert year_error(1989, "Năm nhận xét") == "Năm nhận xét phải từ 1990 đến 2100 (đã nhập 1989)."
    assert year_error(2101) is not None and year_error("2026") is not None
    assert year_error(True) is not None


def test_chunks_keep_order_and_size() -> None:
    ids = list(range(1203))
    pieces = list(chunked(ids))
    assert [len(p) for p in pieces] == [500, 500, 203]
    assert [i for p in pieces for i in p] == ids
    assert list(chunked([], 10)) == []
