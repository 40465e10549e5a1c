"""What every subcommand shares: the refusal it raises, opening the database, JSON output, and
finding a cell by the name typed on the command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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


def server_url(args: argparse.Namespace) -> str | None:
    """The server's ``postgresql://`` URL when ``--db`` names one, else None."""
    from models.store.dialect import is_server_location

    return str(args.db) if is_server_location(args.db) else None


def database_location(args: argparse.Namespace) -> Path | str:
    """What ``--db`` names: a server's URL, or the file (the per-user one by default)."""
    return server_url(args) or database_path(args)


def database_path(args: argparse.Namespace) -> Path:
    """The database file; for a server, its local stand-in path (its backups' folder)."""
    url = server_url(args)
    if url is not None:
        from models.store.postgres import ServerAddress

        return ServerAddress.parse(url).stand_in()
    if args.db is not None:
        return Path(args.db)
    from models.store.db import default_database_path

    return default_database_path()


def _waiting(path: Path) -> None:
    print(f"Đang chờ chương trình khác ghi xong vào {path.name}…", file=sys.stderr, flush=True)


def open_db(args: argparse.Namespace, *, create: bool = False, write: bool = False,
            read_only: bool = False) -> Database:
    """The database of the command.  ``write``: the command changes it, so it takes the
    writer's lock first (waiting a few seconds for another program) and holds it until the
    database is closed.  A command that only reads works on a read-only file too;
    ``read_only`` opens it so even when it could be written (nothing, not even a migration)."""
    url = server_url(args)
    if url is not None:  # the server serialises writers itself: no lock file, no file check
        from models.store import history
        from models.store.db import open_database

        db = open_database(url, read_only=False if write or create else (
            True if read_only else None))
        if db.access.user:  # the change history names the server's login, as the window does
            history.set_current_user(db.access.user)
        return db
    path = database_path(args)
    from models.store import locking

    lock = locking.acquire(path, waiting=lambda: _waiting(path)) if write else None
    try:
        # the integrity check runs on a thread while SQLAlchemy is being imported
        from models.store.dbcheck import start_check

        precheck = start_check(path) if path.is_file() else None
        from models.store.db import open_database

        db = open_database(path, create=create, precheck=precheck,
                           read_only=False if write or create else (True if read_only else None))
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    db.lock = lock
    for notice in db.notices:
        print(f"Lưu ý: {notice}", file=sys.stderr)
    _protect_backups(db)
    return db


def _protect_backups(db: Database) -> None:
    """No file the command writes may land in the register's backup folder."""
    from models.catalogues.settings import load_settings
    from models.store import output

    try:
        folder = load_settings(db.session_factory).backup_folder(db.path)
    except Exception:  # a register without settings yet: the default folder is guarded anyway
        return
    output.protect(db.path, lambda: [folder])


@contextmanager
def output_path(args: argparse.Namespace, target: Path | str) -> Iterator[Path]:
    """Where a writer puts the command's output file (models.store.output.output_file)."""
    from models.store.output import output_file

    with output_file(target, overwrite=bool(getattr(args, "overwrite", False))) as temporary:
        yield temporary


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
