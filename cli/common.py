"""What every subcommand shares: the refusal it raises, opening the database, JSON output, and
finding a cell by the name typed on the command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models.store.db import Database

PROGRAM = "Sổ đảng viên 213"


class CommandError(Exception):
    """Input refused by a subcommand; the message is shown to the user, exit status 1."""


def year_arg(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"năm không hợp lệ: {value!r}") from None
    from models.dates import FIRST_YEAR, LAST_YEAR

    if not FIRST_YEAR <= number <= LAST_YEAR:
        raise argparse.ArgumentTypeError(
            f"năm phải trong khoảng {FIRST_YEAR}–{LAST_YEAR}: {number}")
    return number


def count_arg(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"không phải số nguyên: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError("phải là số không âm")
    return number


def database_path(args: argparse.Namespace) -> Path:
    if args.db is not None:
        return Path(args.db)
    from models.store.db import default_database_path

    return default_database_path()


def open_db(args: argparse.Namespace, *, create: bool = False) -> Database:
    path = database_path(args)
    # the integrity check runs on a thread while SQLAlchemy is being imported
    from models.store.dbcheck import start_check

    precheck = start_check(path) if path.is_file() else None
    from models.store.db import open_database

    return open_database(path, create=create, precheck=precheck)


def emit_json(payload: dict[str, Any]) -> None:
    print(json.dumps(payload, ensure_ascii=False, default=str))


def cell_id_arg(db: Database, name: str | None) -> int | None:
    """The id of the cell named on the command line (accents optional); None for no name."""
    if name is None:
        return None
    from models.catalogues.ward import find_cell_id

    cell_id = find_cell_id(db.session_factory, name)
    if cell_id is None:
        raise CommandError(f"Không có chi bộ «{name}».")
    return cell_id


def cell_phrase(db: Database, cell_id: int | None) -> str:
    """' của Chi bộ khu 5' as stored (the user may have typed it without accents)."""
    if cell_id is None:
        return ""
    from models.catalogues.ward import list_cells

    names = {c.id: c.name for c in list_cells(db.session_factory, include_inactive=True)}
    return f" của {names.get(cell_id, '')}"
