"""The one way a workbook reaches the disk: every text stays text, never a live formula.

openpyxl stores any string beginning with "=" as a formula, so a member named "=HYPERLINK(…)" or
a note "=WEBSERVICE(…)" would run in the spreadsheet of whoever opens the list.  Every workbook the
program writes is saved by ``save_xlsx``, which turns such cells back into text first; a
write-only workbook (rows streamed to the disk as they are appended) gets its rows through
``text_row``.  Values are kept as typed (an export imported back gives the same text); texts
beginning with + - @, a tab or a carriage return are stored as text cells as well, which no
spreadsheet evaluates.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any


def _is_formula(value: object) -> bool:
    return isinstance(value, str) and len(value) > 1 and value.startswith("=")


def text_only(workbook: Any) -> int:
    """Make every formula cell of an ordinary workbook a text cell; how many there were."""
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    changed += 1
    return changed


def text_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row for a write-only sheet's ``append``: texts that would be formulas become text
    cells."""
    from openpyxl.cell import WriteOnlyCell

    row: list[Any] = []
    for value in values:
        if _is_formula(value):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            value = cell
        elif getattr(value, "data_type", None) == "f":
            value.data_type = "s"
        row.append(value)
    return row


def save_xlsx(workbook: Any, path: Path | str) -> None:
    """Save a workbook with no live formula in it (see the module)."""
    if not getattr(workbook, "write_only", False):
        text_only(workbook)
    workbook.save(Path(path))
