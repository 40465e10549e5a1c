"""Numbers and dates as Vietnamese users write them, the same on every screen, chart, workbook and
printed page (DESIGN.md §6): 1.800 (a dot groups thousands), 75,8% (a comma before decimals, the
percent sign close up), 05/02/2026.  Nothing else formats a count, a rate or a date for people.
"""

from __future__ import annotations

from datetime import date

NO_RATE = "–"  # a rate with nobody invited


def format_int(value: int) -> str:
    """1800 → '1.800'; -1234 → '-1.234'."""
    return f"{value:,}".replace(",", ".")


def format_decimal(value: float, places: int = 1) -> str:
    """12345.67 → '12.345,7': thousands grouped with dots, decimals after a comma."""
    text = f"{value:,.{places}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def format_percent(value: float | None, places: int = 1) -> str:
    """A value already in percent: 75.8 → '75,8%'; '–' for None."""
    if value is None:
        return NO_RATE
    return f"{format_decimal(value, places)}%"


def format_rate(rate: float | None, places: int = 1) -> str:
    """A fraction: 0.6667 → '66,7%'; '–' when there is no rate (nobody invited)."""
    return format_percent(None if rate is None else rate * 100, places)


def ratio(part: int, whole: int) -> float | None:
    """part / whole, None when whole is 0."""
    return part / whole if whole else None


def format_date(value: object) -> str:
    """dd/mm/yyyy, as every screen and printout shows dates; '' for anything not a date."""
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    return ""
