"""The PostgreSQL side of the store: a ward's register in its own database on the town's server.

Beside ``models.store.sqlite`` with the same methods (``models.store.dialect.Store``): connecting
(psycopg 3; the password from the window, or as libpq finds it: ``PGPASSWORD``, ``~/.pgpass``),
the read-only look before use (can we connect, is it a register of this program, which schema
revision), the refusals in Vietnamese (server down, wrong password, no such database, not
initialised, newer or older schema, what the role may not do), the word-prefix search over the
folded names served by a GIN index, the bulk-insert switch, inserts that hand back their ids, and
what the connected user may do (``models.store.pg_roles``).

There is no file: a backup is a copy of the whole ward into a register file
(``models.store.transfer``), and a restore onto a server is the ``copy`` command's job.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from models.store.dbcheck import (
    DISK_FULL_MESSAGE,
    AccessDenied,
    DatabaseBusy,
    DatabaseError,
    DatabaseFull,
    DatabaseReadOnly,
    DatabaseTooNew,
    FileCheck,
    ForeignDatabase,
    PasswordRequired,
    ServerUnavailable,
)
from models.store.migrations import HEAD_REVISION, KNOWN_REVISIONS
from models.store.sqlite import SIGNATURE_TABLES, WRITE_OPTION, RowInserter

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection, Table
    from sqlalchemy.engine import Engine, ExceptionContext
    from sqlalchemy.orm import Session

    from models.store.access import Access

NAME = "postgresql"
DEFAULT_PORT = 5432
CONNECT_TIMEOUT_S = 5
# a write waits this long for a row another user is writing, then says so (SQLite: busy timeout)
LOCK_TIMEOUT_MS = 5000
APPLICATION = "SoDangVien213"
# the advisory lock every write transaction of a ward database takes (any constant; each ward
# has its own database, so its own lock)
WRITER_LOCK = 0x5D_0214
CELL_LOCKS = 0x5D_0215  # (this, cell id): the lock of one cell's writers
_OUR_REVISION = re.compile(r"\d{4}")

# Word-prefix search over the folded names: every query word must start a word of name_key.
# The 'simple' configuration keeps every word as it is (no stemming, no stop words), and
# to_tsquery's "word:*" is a prefix match the GIN index answers directly; name_key holds only
# [a-z0-9 ], so its words are exactly the tsvector's.  (pg_trgm would also find substrings in
# the middle of a word, which the program does not want, and needs an extension.)
NAME_INDEX = "ix_member_name_words"
NAME_INDEX_DDL = (f"CREATE INDEX IF NOT EXISTS {NAME_INDEX} ON member "
                  "USING gin (to_tsvector('simple', name_key))")
# A cell user's list is its cell's members in name order (row-level security adds the cell):
# this index walks just that cell, in order, without touching the table (a tenth of the ward's
# index otherwise, with a visit to the table for each member's cell).
CELL_INDEX = "ix_member_cell_sort"
CELL_INDEX_DDL = (f"CREATE INDEX IF NOT EXISTS {CELL_INDEX} ON member "
                  "(cell_id, sort_key, id, name_key, archived)")


# --- the address ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ServerAddress:
    """postgresql://USER@HOST:PORT/DATABASE, as typed after ``--db`` or in the window."""

    database: str
    user: str = ""  # "": libpq's default (the system user's name)
    host: str = ""  # "": libpq's default (the local socket)
    port: int = DEFAULT_PORT
    options: tuple[tuple[str, str], ...] = ()  # ?sslmode=require and the like, for libpq
    password: str | None = field(default=None, repr=False, compare=False)

    @classmethod
    def parse(cls, text: str, password: str | None = None) -> ServerAddress:
        parts = urlsplit(text.strip())
        if parts.scheme.lower() not in ("postgresql", "postgres"):
            raise DatabaseError(f"«{text}» không phải địa chỉ máy chủ postgresql://…")
        try:
            port = parts.port or DEFAULT_PORT
        except ValueError:
            raise DatabaseError(f"Cổng trong địa chỉ «{_without_password(text)}» không hợp lệ."
                                ) from None
        database = unquote(parts.path.lstrip("/"))
        if not database or "/" in database:
            raise DatabaseError(
                f"Địa chỉ «{_without_password(text)}» thiếu tên cơ sở dữ liệu: viết "
                "postgresql://NGƯỜI_DÙNG@MÁY_CHỦ:CỔNG/CƠ_SỞ_DỮ_LIỆU.")
        given = unquote(parts.password) if parts.password is not None else None
        return cls(database=database, user=unquote(parts.username or ""),
                   host=parts.hostname or "", port=port,
                   options=tuple(parse_qsl(parts.query)),
                   password=password if password is not None else given)

    @property
    def shown(self) -> str:
        """The address for people and logs: never the password."""
        user = f"{quote(self.user, safe='')}@" if self.user else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"postgresql://{user}{host}:{self.port}/{quote(self.database, safe='')}"

    @property
    def server(self) -> str:
        return f"{self.host or 'localhost'}:{self.port}"

    def with_database(self, database: str) -> ServerAddress:
        return ServerAddress(database, self.user, self.host, self.port, self.options,
                             self.password)

    def connect_kwargs(self) -> dict[str, Any]:
        """psycopg.connect()'s arguments (libpq finds a missing password itself)."""
        kwargs: dict[str, Any] = {"dbname": self.database, "port": self.port,
                                  "connect_timeout": CONNECT_TIMEOUT_S,
                                  "application_name": APPLICATION, **dict(self.options)}
        if self.user:
            kwargs["user"] = self.user
        if self.host:
            kwargs["host"] = self.host
        if self.password is not None:
            kwargs["password"] = self.password
        return kwargs

    def stand_in(self) -> Path:
        """The local path standing for this database (its backups go beside it)."""
        from models.store.db import default_database_path

        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{self.database}@{self.host or 'localhost'}"
                      f"-{self.port}")
        return default_database_path().parent / "may-chu" / f"{name}.sqlite"


def _without_password(text: str) -> str:
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1@", text)


# --- reading the server's refusals ----------------------------------------------------------------

def _sqlstate(exc: BaseException) -> str:
    state = getattr(exc, "sqlstate", None)
    return state if isinstance(state, str) else ""


def connect_refusal(exc: BaseException, address: ServerAddress) -> DatabaseError | None:
    """The Vietnamese refusal for a failed connection; None when it is not one."""
    text = str(exc)
    lowered = text.lower()
    who = f"«{address.user}»" if address.user else "(tên người dùng của máy)"
    if "no password supplied" in lowered:
        return PasswordRequired(
            f"Máy chủ {address.server} cần mật khẩu của người dùng {who}: đặt biến môi trường "
            "PGPASSWORD, ghi vào tệp ~/.pgpass (Windows: %APPDATA%\\postgresql\\pgpass.conf), "
            "hoặc nhập khi cửa sổ hỏi.")
    if "password authentication failed" in lowered or "authentication failed" in lowered:
        return PasswordRequired(f"Máy chủ {address.server} từ chối đăng nhập: sai tên người "
                                f"dùng {who} hoặc sai mật khẩu.")
    if "does not exist" in lowered and "database" in lowered:
        return DatabaseError(f"Trên máy chủ {address.server} không có cơ sở dữ liệu "
                             f"«{address.database}». Hãy kiểm tra tên, hoặc nhờ người quản trị "
                             "tạo cơ sở dữ liệu rồi chạy «server init».")
    if "permission denied for database" in lowered or "connect privilege" in lowered:
        return AccessDenied(f"Người dùng {who} không được vào cơ sở dữ liệu "
                            f"«{address.database}» trên máy chủ {address.server}.")
    if "no pg_hba.conf entry" in lowered:
        return AccessDenied(f"Máy chủ {address.server} không cho máy này kết nối (pg_hba.conf). "
                            "Hãy nhờ người quản trị máy chủ cho phép.")
    if any(s in lowered for s in ("connection refused", "could not connect", "timeout expired",
                                  "could not translate host name", "no route to host",
                                  "name or service not known", "network is unreachable",
                                  "the database system is starting up",
                                  "the database system is shutting down",
                                  "server closed the connection", "connection failed")):
        return ServerUnavailable(
            f"Không kết nối được máy chủ {address.server}: máy chủ chưa chạy, sai địa chỉ hoặc "
            "cổng, hoặc mạng không thông. Chưa đọc hay ghi gì; hãy thử lại sau.")
    return None


def translate(exc: BaseException, address: ServerAddress) -> DatabaseError | None:
    """The Vietnamese refusal for an error the server (or the way to it) raised."""
    state = _sqlstate(exc)
    if state == "42501":
        user = f"«{address.user}»" if address.user else "này"
        return AccessDenied(f"Người dùng {user} không có quyền làm việc này trên máy chủ (vai trò "
                            "của người dùng không cho phép). Chưa ghi gì.")
    if state in ("40001", "40P01", "55P03"):
        return DatabaseBusy(f"Cơ sở dữ liệu {address.database} đang bận: một người dùng khác "
                            "đang ghi đúng những dòng này. Chưa ghi gì; dữ liệu đã lưu vẫn còn "
                            "nguyên. Hãy thử lại.")
    if state in ("53100", "53200"):
        return DatabaseFull(DISK_FULL_MESSAGE.replace("Ổ đĩa", "Ổ đĩa của máy chủ"))
    if state == "25006":
        return DatabaseReadOnly(f"Cơ sở dữ liệu {address.database} đang mở ở chế độ chỉ xem: "
                                "không ghi được thay đổi.")
    if state.startswith("08") or state in ("57P01", "57P02", "57P03"):
        return ServerUnavailable(f"Mất kết nối tới máy chủ {address.server}. Việc đang làm chưa "
                                 "được ghi; hãy thử lại khi máy chủ hoạt động.")
    if not state:
        import psycopg

        if isinstance(exc, psycopg.OperationalError):
            return connect_refusal(exc, address)
    return None


# --- the read-only look before use ----------------------------------------------------------------

@contextmanager
def raw_connection(address: ServerAddress, *, autocommit: bool = False) -> Iterator[Any]:
    """A psycopg connection, refusals translated."""
    import psycopg

    try:
        connection = psycopg.connect(autocommit=autocommit, **address.connect_kwargs())
    except psycopg.Error as exc:
        raise (translate(exc, address) or ServerUnavailable(
            f"Không kết nối được máy chủ {address.server}: {exc}")) from exc
    try:
        yield connection
    except psycopg.Error as exc:
        known = translate(exc, address)
        if known is None:
            raise
        raise known from exc
    finally:
        connection.close()


def revision_of(cursor: Any, address: ServerAddress) -> str | None:
    """The schema revision of the connected database (None: no tables at all yet); refuses a
    database of another program and one made by a newer version of this one."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    tables = {row[0] for row in cursor.fetchall()}
    if not tables:
        return None
    if not tables >= SIGNATURE_TABLES:
        raise ForeignDatabase(f"Cơ sở dữ liệu «{address.database}» trên máy chủ {address.server} "
                              "không phải của chương trình này.")
    cursor.execute("SELECT version_num FROM alembic_version")
    rows = cursor.fetchall()
    revision = str(rows[0][0]) if len(rows) == 1 else ""
    if revision in KNOWN_REVISIONS:
        return revision
    if _OUR_REVISION.fullmatch(revision) and revision > HEAD_REVISION:
        raise DatabaseTooNew(
            f"Cơ sở dữ liệu «{address.database}» trên máy chủ được một phiên bản mới hơn của "
            f"chương trình nâng cấp (phiên bản dữ liệu {revision}). Hãy cập nhật chương trình "
            "trên máy này.")
    raise ForeignDatabase(f"Cơ sở dữ liệu «{address.database}» trên máy chủ {address.server} "
                          f"không phải của chương trình này (phiên bản dữ liệu "
                          f"«{revision[:40] or 'không rõ'}»).")


def check_server(address: ServerAddress) -> FileCheck:
    """Connect, read the revision; ``writable``: the user may write something (a viewer or a
    town user may not)."""
    with raw_connection(address) as connection, connection.cursor() as cursor:
        revision = revision_of(cursor, address)
        writable = True
        if revision is not None:
            cursor.execute("SELECT has_table_privilege('activity', 'INSERT')")
            writable = bool(cursor.fetchone()[0])
        connection.rollback()
    return FileCheck(revision=revision, writable=writable)


def databases_of(address: ServerAddress) -> list[str]:
    """The databases of the server the user may connect to (templates aside), by name."""
    with raw_connection(address) as connection:
        rows = connection.execute(
            "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate "
            "AND has_database_privilege(datname, 'CONNECT') ORDER BY datname").fetchall()
    return [str(r[0]) for r in rows]


# --- connecting -----------------------------------------------------------------------------------

_stores: weakref.WeakKeyDictionary[Any, PostgresStore] = weakref.WeakKeyDictionary()


def make_engine(store: PostgresStore, read_only: bool) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import URL

    address = store.address
    url = URL.create("postgresql+psycopg", username=address.user or None,
                     password=address.password, host=address.host or None,
                     port=address.port, database=address.database,
                     query=dict(address.options))
    options = f"-c lock_timeout={LOCK_TIMEOUT_MS}"
    if read_only:
        options += " -c default_transaction_read_only=on"
    engine = create_engine(url, pool_pre_ping=True, pool_size=4, max_overflow=8,
                           connect_args={"connect_timeout": CONNECT_TIMEOUT_S,
                                         "application_name": APPLICATION, "options": options})

    def translate_error(context: ExceptionContext) -> BaseException | None:
        return translate(context.original_exception, address)

    cell_of_user: list[int | None] = []  # asked once: this engine's user is always the same

    def begin(connection: Any) -> None:
        # one writer at a time in a ward's database, as in a file (BEGIN IMMEDIATE): what a
        # write transaction reads cannot change under it before it writes, so every service
        # keeps its guarantees (two imports, two rounds, two numberings at once are
        # serialised); a writer waits lock_timeout for the one before it, then says so.  A cell
        # user writes only its own cell's activities and roll calls, which no other cell's
        # writes touch: cell users of different cells write side by side (each holds the
        # ward's lock shared and its cell's lock alone), and wait only for the ward's writers.
        if not connection.get_execution_options().get(WRITE_OPTION):
            return
        if not cell_of_user:
            cell_of_user.append(connection.exec_driver_sql("SELECT sdv_cell()").scalar())
        cell = cell_of_user[0]
        if cell is None:
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK,))
        else:
            connection.exec_driver_sql(
                "SELECT pg_advisory_xact_lock_shared(%s), pg_advisory_xact_lock(%s, %s)",
                (WRITER_LOCK, CELL_LOCKS, cell))

    event.listen(engine, "handle_error", translate_error)
    if not read_only:
        event.listen(engine, "begin", begin)
    _stores[engine] = store
    return engine


# --- the folded names' word-prefix search ---------------------------------------------------------

def ts_query(words: Sequence[str]) -> str:
    """'dang:* & huong:*' (the words are [a-z0-9] only)."""
    return " & ".join(f"{word}:*" for word in words)


def name_condition(words: Sequence[str]) -> ColumnElement[bool]:
    """Every word a prefix of a word of the folded name, in the form the GIN index serves (the
    configuration written as a literal, so the expression is the index's own), and the same in
    LIKEs: where the server walks the names in order instead (a broad query, a cell user's
    list), it checks the cheap LIKEs first and parses a name into words only when they pass —
    a cell user's "dang huong" in 3 ms instead of 30 at 100,000 members."""
    from sqlalchemy import and_, func, literal_column

    from models.store.dialect import words_start_name_words
    from models.store.entities import Member

    simple: ColumnElement[str] = literal_column("'simple'")
    return and_(func.to_tsvector(simple, Member.name_key).bool_op("@@")(
        func.to_tsquery(simple, ts_query(words))), words_start_name_words(words))


def create_extras(connection: Connection) -> None:
    """What a server's ward database has beside the models' tables: the name index and the
    cell users' index (``server init`` makes them, again after every upgrade)."""
    from sqlalchemy import text

    connection.execute(text(NAME_INDEX_DDL))
    connection.execute(text(CELL_INDEX_DDL))


# --- bulk inserts ---------------------------------------------------------------------------------

@contextmanager
def bulk_member_insert(session: Session, rows: int = 0) -> Iterator[Callable[[Sequence[int]],
                                                                              None]]:
    """Around a bulk insert of members: when more rows come than are stored (the first load of
    a ward) and the user owns the table, its plain indexes are dropped and built again at the
    end, which is several times faster than growing them row by row; the table's statistics are
    then renewed so the next queries are planned for its real size.  All in the caller's
    transaction: a rollback restores everything."""
    from sqlalchemy import text

    connection = session.connection()
    count = connection.execute(text("SELECT count(*) FROM member")).scalar_one()
    owner = connection.execute(text(
        "SELECT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = 'member'::regclass"
    )).scalar_one()
    indexes: list[str] = []
    if rows >= 1000 and count < rows and owner:
        for name, ddl in connection.execute(text(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename = 'member' "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        )).all():
            connection.execute(text(f'DROP INDEX "{name}"'))
            indexes.append(ddl)
    yield lambda _ids: None
    for ddl in indexes:
        connection.execute(text(ddl))
    if rows >= 1000 and owner:
        connection.execute(text("ANALYZE member"))


class PgRowInserter(RowInserter):
    """RowInserter for PostgreSQL: ``INSERT … SELECT * FROM unnest(%s::type[], …)`` with one
    array per column, so a statement of 20,000 rows has as many parameters as columns (psycopg
    parses a query of 60,000 placeholders on every call: two seconds for 10,000 members)."""

    rows_per_statement: ClassVar[int] = 20_000

    def _insert(self, rows: Sequence[Mapping[str, Any]], key: str) -> list[Any]:
        connection = self.session.connection()
        dialect = connection.dialect
        types = [self.table.c[name].type.compile(dialect) for name in self.columns]
        names = ", ".join(f'"{c}"' for c in self.columns)
        arrays = ", ".join(f"%s::{t}[]" for t in types)
        returning = f', "{key}"' if key else ""
        sql = (f'INSERT INTO "{self.table.name}" ({names}) SELECT * FROM unnest({arrays}) '
               f"RETURNING id{returning}")
        returned: list[Any] = []
        for start in range(0, len(rows), self.rows_per_statement):
            lines = self.lines(rows[start:start + self.rows_per_statement])
            columns = tuple(list(values) for values in zip(*lines, strict=True))
            returned.extend(connection.exec_driver_sql(sql, columns).fetchall())
        return returned


# --- the interface (models.store.dialect.Store) ---------------------------------------------------

@dataclass(frozen=True)
class PostgresStore:
    """A ward database on a server, as the rest of the program sees it."""

    address: ServerAddress
    name: str = NAME
    server: bool = True

    @classmethod
    def from_url(cls, url: str, password: str | None = None) -> PostgresStore:
        return cls(ServerAddress.parse(url, password))

    @classmethod
    def of_engine(cls, engine: Engine) -> PostgresStore:
        """The store that made the engine (or one rebuilt from its URL)."""
        store = _stores.get(engine)
        if store is not None:
            return store
        url = engine.url
        return cls(ServerAddress(url.database or "", url.username or "", url.host or "",
                                 url.port or DEFAULT_PORT, password=url.password))

    @property
    def location(self) -> str:
        return self.address.shown

    @property
    def path(self) -> Path:
        return self.address.stand_in()

    def check(self) -> FileCheck:
        return check_server(self.address)

    def engine(self, *, read_only: bool) -> Engine:
        return make_engine(self, read_only)

    def backup(self, target: Path) -> None:
        """A copy of the whole ward into the register file ``target`` (an empty file)."""
        from models.store.transfer import copy_into_file

        engine = self.engine(read_only=True)
        try:
            copy_into_file(engine, target)
        finally:
            engine.dispose()

    def ensure_alone(self) -> None:
        raise DatabaseError(
            f"Không khôi phục đè lên cơ sở dữ liệu trên máy chủ ({self.location}). Để đưa dữ "
            "liệu của một tệp lên máy chủ, dùng lệnh: main.py --db TỆP copy ĐỊA_CHỈ_MÁY_CHỦ "
            "--overwrite.")

    def translate(self, exc: BaseException) -> DatabaseError | None:
        return translate(exc, self.address)

    @staticmethod
    def name_match(_connection: Connection, words: Sequence[str]) -> ColumnElement[bool] | None:
        """Always the index's condition: the server's planner itself chooses between the GIN
        index (few matches) and a scan in name order (most names match)."""
        return name_condition(words) if words else None

    @staticmethod
    def bulk_members(session: Session, rows: int = 0
                     ) -> AbstractContextManager[Callable[[Sequence[int]], None]]:
        return bulk_member_insert(session, rows)

    @staticmethod
    def inserter(session: Session, table: Table, columns: tuple[str, ...]) -> PgRowInserter:
        return PgRowInserter(session, table, columns)

    @staticmethod
    def create_extras(connection: Connection) -> None:
        create_extras(connection)

    @staticmethod
    def access(connection: Connection) -> Access:
        from models.store.pg_roles import current_access

        return current_access(connection)

