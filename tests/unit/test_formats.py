"""The one way numbers and dates are written for people: window, charts, workbooks and PDFs."""

from __future__ import annotations

from datetime import date

from models.formats import format_date, format_decimal, format_int, format_percent, format_rate


def test_counts_group_thousands_with_dots() -> None:
    assert [format_int(n) for n in (0, 7, 1800, 87185, 1234567, -1234)] == [
        "0", "7", "1.800", "87.185", "1.234.567", "-1.234"]


def test_decimals_and_rates_use_a_comma() -> None:
    assert format_decimal(12345.67) == "12.345,7"
    assert format_decimal(0.05, 2) == "0,05"
    assert format_percent(75.8) == "75,8%"
    assert format_percent(None) == "–"
    assert format_rate(0.6667) == "66,7%"
    assert format_rate(1.0, 0) == "100%"
    assert format_rate(None) == "–"


def test_dates_are_day_month_year_with_two_digits() -> None:
    assert format_date(date(2026, 2, 5)) == "05/02/2026"
    assert format_date(None) == "" and format_date("2026-02-05") == ""
