"""What the program needs from a database beyond portable SQL, and which side provides it.

Services write portable SQLAlchemy; the few things every database does its own way sit behind
``Store``: connecting and tuning, the read-only look at a database before it is used, the online
backup, proving nobody else has it open (restore), the full-text search over the folded names,
the bulk-insert switch, and inserts that hand back their ids.  ``store_for`` picks the side from
what ``--db`` names (today a file: SQLite, ``models.store.sqlite``); ``store_of`` from the
connection a service already holds.  A PostgreSQL side is a second class with the same methods,
chosen for ``postgresql://`` URLs, without a change in the services.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection, Table
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    from models.store.dbcheck import DatabaseError, FileCheck


class Inserter(Protocol):
    def insert(self, rows: Sequence[Mapping[str, Any]]) -> list[int]: ...

    def insert_keyed(self, rows: Sequence[Mapping[str, Any]], key: str) -> dict[Any, int]: ...


class Store(Protocol):
    """One database, whatever its kind."""

    @property
    def name(self) -> str: ...

    @property
    def location(self) -> str: ...

    def check(self) -> FileCheck: ...

    def engine(self, *, read_only: bool) -> Engine: ...

    def backup(self, target: Path) -> None: ...

    def ensure_alone(self) -> None: ...

    def translate(self, exc: BaseException) -> DatabaseError | None: ...

    def name_match(self, connection: Connection,
                   words: Sequence[str]) -> ColumnElement[bool] | None: ...

    def bulk_members(self, session: Session, rows: int = 0
                     ) -> AbstractContextManager[Callable[[Sequence[int]], None]]: ...

    def inserter(self, session: Session, table: Table, columns: tuple[str, ...]) -> Inserter: ...

    def create_extras(self, connection: Connection) -> None: ...


def store_for(location: Path | str) -> Store:
    """The store of what ``--db`` names: a file path (SQLite)."""
    from models.store.sqlite import SqliteStore

    text = str(location)
    if "://" in text:
        from models.store.dbcheck import DatabaseError

        raise DatabaseError(f"Chưa hỗ trợ loại cơ sở dữ liệu «{text.split('://', 1)[0]}»; "
                            "hãy dùng một tệp cơ sở dữ liệu.")
    return SqliteStore(Path(location))


def store_of(connection: Connection | Session) -> Store:
    """The store behind a connection or session a service holds."""
    from models.store.sqlite import SqliteStore

    bind = connection.get_bind() if hasattr(connection, "get_bind") else connection
    url = bind.engine.url if hasattr(bind, "engine") else None
    database = url.database if url is not None else None
    return SqliteStore(Path(database or ""))
