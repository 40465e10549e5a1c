"""What the program needs from a database beyond portable SQL, and which side provides it.

Services write portable SQLAlchemy; the few things every database does its own way sit behind
``Store``: connecting and tuning, the read-only look at a database before it is used, the online
backup, proving nobody else has it open (restore), the full-text search over the folded names,
the bulk-insert switch, inserts that hand back their ids, and what the connected user may do.
``store_for`` picks the side from what ``--db`` names: a file is SQLite (``models.store.sqlite``),
a ``postgresql://USER@HOST:PORT/DATABASE`` URL is a ward database on a server
(``models.store.postgres``); ``store_of`` finds it from the connection a service already holds.

A server database has no file, but the program keeps a local stand-in path for it
(``Database.path``): its folder holds the backups (copies of the ward in a file) and its name
names them.  ``store_for`` given that stand-in returns the server's store, so code written for
files (backup, the automatic backup on close) works on a server unchanged.
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

    from models.store.access import Access
    from models.store.dbcheck import DatabaseError, FileCheck


class Inserter(Protocol):
    def insert(self, rows: Sequence[Mapping[str, Any]]) -> list[int]: ...

    def insert_keyed(self, rows: Sequence[Mapping[str, Any]], key: str) -> dict[Any, int]: ...


class Store(Protocol):
    """One database, whatever its kind."""

    @property
    def name(self) -> str: ...  # "sqlite" or "postgresql"

    @property
    def location(self) -> str: ...  # for people: the file, or the URL without any password

    @property
    def server(self) -> bool: ...  # a database on a server (many users at once)

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

    def access(self, connection: Connection) -> Access: ...


def words_start_name_words(words: Sequence[str]) -> ColumnElement[bool]:
    """Every folded query word starts the folded name or one of its words — the portable form of
    the search, which each store's index condition keeps beside its own (a cheap filter where
    the database walks the names in order).  fold() leaves only [a-z0-9 ], so the words need no
    LIKE escaping; two LIKEs beat concatenating a space on every row."""
    from sqlalchemy import and_, or_

    from models.store.entities import Member

    return and_(*(or_(Member.name_key.like(f"{word}%"), Member.name_key.like(f"% {word}%"))
                  for word in words))


SERVER_SCHEMES = ("postgresql://", "postgres://")
_stand_ins: dict[Path, Store] = {}


def is_server_location(location: Path | str | None) -> bool:
    """True for a ``postgresql://`` URL (what ``--db`` or the window's connection names)."""
    return isinstance(location, str) and location.lower().startswith(SERVER_SCHEMES)


def store_for(location: Path | str, *, password: str | None = None) -> Store:
    """The store of what ``--db`` names: a server URL (``password``: one typed in the window;
    otherwise libpq reads PGPASSWORD or ~/.pgpass), the stand-in path of an open server
    database, or a file path (SQLite)."""
    if is_server_location(location):
        from models.store.postgres import PostgresStore

        return PostgresStore.from_url(str(location), password=password)
    text = str(location)
    if "://" in text:
        from models.store.dbcheck import DatabaseError

        raise DatabaseError(f"Không hỗ trợ loại cơ sở dữ liệu «{text.split('://', 1)[0]}»; "
                            "hãy dùng một tệp cơ sở dữ liệu hoặc một địa chỉ "
                            "postgresql://NGƯỜI_DÙNG@MÁY_CHỦ:CỔNG/CƠ_SỞ_DỮ_LIỆU.")
    stand_in = _stand_ins.get(Path(location))
    if stand_in is not None:
        return stand_in
    from models.store.sqlite import SqliteStore

    return SqliteStore(Path(location))


def register_stand_in(path: Path, store: Store) -> None:
    """Let ``store_for(path)`` find an open server database by its local stand-in path."""
    _stand_ins[path] = store


def store_of(connection: Connection | Session) -> Store:
    """The store behind a connection or session a service holds."""
    from models.store.sqlite import SqliteStore

    bind = connection.get_bind() if hasattr(connection, "get_bind") else connection
    engine = bind.engine if hasattr(bind, "engine") else None
    if engine is not None and engine.dialect.name == "postgresql":
        from models.store.postgres import PostgresStore

        return PostgresStore.of_engine(engine)
    url = engine.url if engine is not None else None
    database = url.database if url is not None else None
    return SqliteStore(Path(database or ""))
