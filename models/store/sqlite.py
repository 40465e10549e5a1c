"""The SQLite side of the store: every statement and file rule that only SQLite has.

Everything the rest of the program needs from "the database" that is not portable SQL lives here,
behind the small interface of ``models.store.dialect``: connecting and tuning (pragmas, the write
transaction that takes the lock at once), the read-only check of a file (header, integrity,
schema revision, foreign files), the online backup and the folding of the write-ahead log, the
proof that no other connection has the file open, the full-text index over the folded names, the
bulk-insert switch (index rebuilt once instead of row by row) and inserts that hand back their
ids, and the reading of SQLite's error codes (full disk, busy).  A PostgreSQL side goes beside
this module with the same methods.

Only the standard library is imported at the top: the file check runs on a thread at start-up
while SQLAlchemy is still being imported by the main thread.  The migration scripts keep their
own copy of the full-text DDL: a migration must keep doing what it did when it shipped.
"""

from __future__ import annotations

import itertools
import operator
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from models.chunks import id_ranges
from models.store.dbcheck import (
    DISK_FULL_MESSAGE,
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseError,
    DatabaseFull,
    DatabaseLocked,
    DatabaseMissing,
    DatabaseReadOnly,
    DatabaseTooNew,
    FileCheck,
    ForeignDatabase,
    NotADatabase,
    busy_message,
)
from models.store.migrations import HEAD_REVISION, KNOWN_REVISIONS

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection, Table
    from sqlalchemy.engine import Engine, ExceptionContext
    from sqlalchemy.orm import Session

    from models.store.access import Access

NAME = "sqlite"
HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
# a write waits this long for another program's write to end, then says so
WRITE_OPTION = "sdv_write"
# free space below this on the database's disk turns an I/O failure into "the disk is full"
LOW_SPACE_BYTES = 1024 * 1024
# the tables every register of this program has had since its first revision (0001)
SIGNATURE_TABLES = frozenset({
    "alembic_version", "member", "ward", "residence_cell", "workplace_org", "regulation",
    "change_log", "member_status_change", "cell_assignment"})
SIGNATURE_MEMBER_COLUMNS = frozenset({"uuid", "full_name", "name_key", "sort_key",
                                      "card_number", "citizen_id"})
_OUR_REVISION = re.compile(r"\d{4}")


def is_sqlite_file(path: Path) -> bool:
    """True when the file starts with SQLite's header (whatever its name)."""
    try:
        with path.open("rb") as fh:
            return fh.read(len(HEADER)) == HEADER
    except OSError:
        return False


def readonly_uri(path: Path) -> str:
    """A read-only connection's address.  Where nobody can write (a read-only folder, a write-
    protected stick) and SQLite could not make the shared-memory file it reads a write-ahead-log
    database with, the file is opened as immutable: nothing can change it under the reader."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    if not os.access(path.parent, os.W_OK) and not Path(str(path) + "-shm").exists():
        uri += "&immutable=1"
    return uri


def companion_files(path: Path) -> tuple[Path, ...]:
    """The files SQLite keeps beside a database while it is in use."""
    return tuple(Path(str(path) + suffix) for suffix in ("-wal", "-shm", "-journal"))


# --- reading SQLite's errors ---------------------------------------------------------------------

def low_on_space(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < LOW_SPACE_BYTES
    except OSError:
        return False


def is_disk_full(exc: BaseException, folder: Path | None = None) -> bool:
    """SQLite's SQLITE_FULL, the system's "no space left", or an I/O failure on a disk with no
    room left (SQLite reports a full disk met while growing its -shm file as an I/O error)."""
    import errno

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF == sqlite3.SQLITE_FULL:
        return True
    if isinstance(exc, sqlite3.Error) and "database or disk is full" in str(exc):
        return True
    io_failure = (isinstance(exc, OSError) or (isinstance(code, int) and code & 0xFF in (
        sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN)) or "disk I/O error" in str(exc))
    return io_failure and folder is not None and low_on_space(folder)


def is_busy(exc: BaseException) -> bool:
    """Another connection holds the lock SQLite needed (it waited its busy timeout)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return True
    text = str(exc)
    return isinstance(exc, sqlite3.OperationalError) and (
        "database is locked" in text or "database table is locked" in text)


def is_read_only(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return (isinstance(code, int) and code & 0xFF == sqlite3.SQLITE_READONLY) or (
        isinstance(exc, sqlite3.OperationalError) and "readonly database" in str(exc))


def translate(exc: BaseException, path: Path) -> DatabaseError | None:
    """The Vietnamese refusal for an error SQLite raised on ``path``; None for other errors."""
    if is_disk_full(exc, path.parent):
        return DatabaseFull(DISK_FULL_MESSAGE)
    if is_busy(exc):
        return DatabaseBusy(busy_message(path.name))
    if is_read_only(exc):
        return DatabaseReadOnly(f"Tệp cơ sở dữ liệu {path.name} chỉ cho phép đọc: không ghi "
                                "được thay đổi.")
    return None


# --- the read-only look at a file ----------------------------------------------------------------

def _refusal(path: Path, exc: sqlite3.Error) -> DatabaseError:
    known = translate(exc, path)
    if known is not None:
        if isinstance(known, DatabaseBusy):
            return DatabaseLocked(f"Cơ sở dữ liệu {path.name} đang bị khóa bởi một chương trình "
                                  "khác. Hãy đóng chương trình đó rồi thử lại.")
        return known
    return DatabaseCorrupt(f"Tệp cơ sở dữ liệu {path.name} bị hỏng hoặc không đọc được ({exc}).")


def check_file(path: Path, writable: Callable[[Path], bool] | None = None) -> FileCheck:
    """Look at a database file without changing it; raise DatabaseError when it is refused."""
    if not path.exists():
        raise DatabaseMissing(f"Không tìm thấy tệp cơ sở dữ liệu: {path}")
    if path.is_dir():
        raise NotADatabase(f"Đường dẫn là một thư mục, không phải tệp cơ sở dữ liệu: {path}")
    try:
        with path.open("rb") as fh:
            header = fh.read(len(HEADER))
    except PermissionError as exc:
        raise DatabaseReadOnly(f"Không có quyền đọc tệp cơ sở dữ liệu: {path}") from exc
    except OSError as exc:
        raise DatabaseCorrupt(f"Không đọc được tệp cơ sở dữ liệu {path.name}: {exc}") from exc
    if header and header != HEADER:
        raise NotADatabase(
            f"Tệp {path.name} không phải là cơ sở dữ liệu của chương trình (không phải SQLite)."
        )
    can_write = (writable or _writable)(path)
    if not header:
        return FileCheck(revision=None, writable=can_write)
    try:
        con = sqlite3.connect(readonly_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise _refusal(path, exc) from exc
    try:
        try:
            result = con.execute("PRAGMA quick_check").fetchone()
            tables = {r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = _revision(con, path, tables)
        except sqlite3.Error as exc:
            raise _refusal(path, exc) from exc
    finally:
        con.close()
    if not result or result[0] != "ok":
        raise DatabaseCorrupt(
            f"Tệp cơ sở dữ liệu {path.name} bị hỏng (kiểm tra toàn vẹn không đạt). "
            "Hãy khôi phục từ một bản sao lưu."
        )
    return FileCheck(revision=revision, writable=can_write)


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _revision(con: sqlite3.Connection, path: Path, tables: set[str]) -> str | None:
    """The schema revision of a register of this program; refuses other databases (a file whose
    tables only look like ours is foreign, not newer)."""
    if not tables:
        return None
    foreign = ForeignDatabase(
        f"Tệp {path.name} là cơ sở dữ liệu SQLite nhưng không phải của chương trình này.")
    if not tables >= SIGNATURE_TABLES:
        raise foreign
    columns = {r[1] for r in con.execute("PRAGMA table_info('member')")}
    if not columns >= SIGNATURE_MEMBER_COLUMNS:
        raise foreign
    rows = con.execute("SELECT version_num FROM alembic_version").fetchall()
    revision = str(rows[0][0]) if len(rows) == 1 else ""
    if revision in KNOWN_REVISIONS:
        return revision
    if _OUR_REVISION.fullmatch(revision) and revision > HEAD_REVISION:
        raise DatabaseTooNew(
            f"Cơ sở dữ liệu {path.name} được tạo bởi một phiên bản mới hơn của chương trình "
            f"(phiên bản dữ liệu {revision}). Hãy cập nhật chương trình để mở tệp này."
        )
    raise ForeignDatabase(
        f"Tệp {path.name} là cơ sở dữ liệu SQLite nhưng không phải của chương trình này "
        f"(phiên bản dữ liệu «{revision[:40] or 'không rõ'}» không phải của chương trình).")


# --- connecting and tuning -----------------------------------------------------------------------

def _on_connect(read_only: bool) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        # 64 MB page cache instead of 2 MB: big imports and the 100,000-member list stay in memory
        cur.execute("PRAGMA cache_size = -65536")
        if not read_only:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()
        # Python's sqlite3 opens transactions only before INSERT/UPDATE/DELETE and runs DDL
        # outside them; take that over, so every transaction starts at BEGIN and schema changes
        # (migrations, the bulk-insert trigger pause) commit or roll back with the data
        dbapi_connection.isolation_level = None

    return on_connect


def _begin(read_only: bool) -> Callable[[Any], None]:
    def begin(connection: Any) -> None:
        # a write transaction takes the write lock at once (waiting the busy timeout for
        # another writer): what it reads cannot change under it before it writes, and it never
        # fails half-way because another program wrote meanwhile
        write = not read_only and connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return begin


def make_engine(path: Path, read_only: bool) -> Engine:
    """The engine of one database file: pragmas on every connection, errors translated."""
    from sqlalchemy import create_engine, event

    if read_only:
        engine = create_engine(
            "sqlite://", creator=lambda: sqlite3.connect(readonly_uri(path), uri=True,
                                                         check_same_thread=False))
    else:
        engine = create_engine(f"sqlite:///{path.resolve()}")
    event.listen(engine, "connect", _on_connect(read_only))
    event.listen(engine, "begin", _begin(read_only))

    def translate_error(context: ExceptionContext) -> BaseException | None:
        # a full disk or another program's lock reaches every service as a DatabaseError with
        # its Vietnamese message; the transaction it interrupted is rolled back as usual
        return translate(context.original_exception, path)

    event.listen(engine, "handle_error", translate_error)
    return engine


def write_engine(engine: Engine) -> Engine:
    """The same engine (same pool) whose transactions are write transactions."""
    return engine.execution_options(**{WRITE_OPTION: True})


# --- the whole file: backup, log folding, exclusive access ---------------------------------------

def online_backup(source: Path, target: Path) -> None:
    """Copy a database into ``target`` (an existing empty file) with SQLite's online backup:
    consistent even while another connection writes."""
    src = sqlite3.connect(readonly_uri(source), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            # one self-contained file: no log left beside the copy
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    for companion in companion_files(target):
        companion.unlink(missing_ok=True)


def fold_log(path: Path) -> None:
    """Fold the write-ahead log into the file, so that no -wal/-shm outlives a swap."""
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.DatabaseError:
        pass  # a damaged file being replaced: its log goes with it
    finally:
        con.close()
    for companion in companion_files(path)[:2]:
        companion.unlink(missing_ok=True)


def ensure_alone(path: Path) -> None:
    """Raise DatabaseLocked unless no other connection (of any program) has the file open.

    Every open connection keeps a shared lock on the file (in write-ahead-log mode, for as long
    as it is open), so an exclusive lock taken in exclusive locking mode is the proof; nothing
    in the file changes.
    """
    if not path.exists():
        return
    try:
        con = sqlite3.connect(path, timeout=0.2, isolation_level=None)
    except sqlite3.Error as exc:
        raise _refusal(path, exc) from exc
    try:
        con.execute("PRAGMA locking_mode = EXCLUSIVE")
        con.execute("BEGIN EXCLUSIVE")
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        con.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if not is_busy(exc):
            raise _refusal(path, exc) from exc
        raise DatabaseLocked(
            f"Cơ sở dữ liệu {path.name} đang được một chương trình khác mở (đọc hoặc ghi). "
            "Hãy đóng mọi cửa sổ và lệnh đang dùng tệp này rồi thử lại.") from exc
    except sqlite3.DatabaseError:
        pass  # a damaged file: nothing can be reading it usefully, and a restore replaces it
    finally:
        con.close()


# --- the full-text index over the folded names ---------------------------------------------------
# FTS5 finds the members whose name has a word starting with each query word in a millisecond
# when few match; the portable LIKE scan (models.register.members) stays the answer for broad
# queries.  Triggers keep the index in step with every write, bulk ones included.
MEMBER_FTS_DDL = (
    "CREATE VIRTUAL TABLE member_fts USING fts5(name_key, content='member', "
    "content_rowid='id', prefix='1 2 3', tokenize='ascii')",
    "CREATE TRIGGER member_fts_insert AFTER INSERT ON member BEGIN "
    "INSERT INTO member_fts(rowid, name_key) VALUES (new.id, new.name_key); END",
    "CREATE TRIGGER member_fts_delete AFTER DELETE ON member BEGIN "
    "INSERT INTO member_fts(member_fts, rowid, name_key) VALUES ('delete', old.id, old.name_key);"
    " END",
    "CREATE TRIGGER member_fts_update AFTER UPDATE OF name_key ON member BEGIN "
    "INSERT INTO member_fts(member_fts, rowid, name_key) VALUES ('delete', old.id, old.name_key);"
    " INSERT INTO member_fts(rowid, name_key) VALUES (new.id, new.name_key); END",
)
MEMBER_FTS_MATCH = "SELECT rowid FROM member_fts WHERE member_fts MATCH :fts_query"
# up to this many name matches the full-text index answers faster than scanning every name
INDEX_LIMIT = 5000


def create_extras(connection: Connection) -> None:
    """What a new database has beside the models' tables: the full-text index."""
    from sqlalchemy import text

    for statement in MEMBER_FTS_DDL:
        connection.execute(text(statement))


def _fts_query(words: Sequence[str]) -> str:
    """'"dang"* "huong"*': every word a prefix of some word of the name (words are [a-z0-9])."""
    return " ".join(f'"{word}"*' for word in words)


def indexed_name_ids(words: Sequence[str]) -> ColumnElement[bool]:
    """Member.id among the names the full-text index finds for the folded query words."""
    from sqlalchemy import Integer
    from sqlalchemy import text as sql_text

    from models.store.entities import Member

    return Member.id.in_(sql_text(MEMBER_FTS_MATCH).bindparams(fts_query=_fts_query(words))
                         .columns(rowid=Integer))


def few_name_matches(connection: Connection, words: Sequence[str]) -> bool:
    """True when the full-text index exists and finds at most INDEX_LIMIT names (a probe that
    stops early, so it costs a millisecond or two even when most names match)."""
    from sqlalchemy import text as sql_text
    from sqlalchemy.exc import DBAPIError

    if not words:
        return False
    probe = sql_text(f"SELECT count(*) FROM ({MEMBER_FTS_MATCH} LIMIT {INDEX_LIMIT + 1})")
    try:
        found = connection.execute(probe, {"fts_query": _fts_query(words)}).scalar_one()
    except DBAPIError:  # no full-text index in this database: scan instead
        return False
    return int(found) <= INDEX_LIMIT


# --- bulk inserts --------------------------------------------------------------------------------

@contextmanager
def bulk_member_insert(session: Session, rows: int = 0) -> Iterator[Callable[[Sequence[int]],
                                                                              None]]:
    """Around a bulk insert of members in the caller's transaction: index the new names in one
    statement at the end instead of one trigger call per row (4× faster for 10,000 rows).  The
    caller reports the ids it inserted through the function this yields.  When ``rows`` (the
    number about to be inserted, at least 1,000) exceeds the members already stored, the member
    table's indexes are also dropped and built again at the end from their own definitions:
    building an index from sorted data is twice as fast as growing it row by row (100,000
    members: 2.0 s instead of 2.9 s).  Everything happens inside the transaction, so a rollback
    restores the trigger and the indexes."""
    from sqlalchemy import text

    connection = session.connection()
    count = connection.execute(text("SELECT count(*) FROM member")).scalar_one()
    indexes: list[str] = []
    if rows >= 1000 and count < rows:
        for name, sql in connection.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'member' AND sql IS NOT NULL")).all():
            connection.execute(text(f'DROP INDEX "{name}"'))
            indexes.append(sql)
    connection.execute(text("DROP TRIGGER IF EXISTS member_fts_insert"))
    inserted: list[int] = []
    yield inserted.extend
    for sql in indexes:
        connection.execute(text(sql))
    for low, high in id_ranges(inserted):
        connection.execute(text("INSERT INTO member_fts(rowid, name_key) SELECT id, name_key "
                                "FROM member WHERE id BETWEEN :low AND :high"),
                           {"low": low, "high": high})
    connection.execute(text(MEMBER_FTS_DDL[1]))


# SQLite's default limit of bound values per statement is 32,766 (3.32 and later)
_MAX_VARIABLES = 32000
_MEMO_SIZE = 1 << 16  # converted values kept per column


@dataclass
class RowInserter:
    """Insert rows (dicts by column name) with multi-row VALUES statements that return the new
    ids.  The values go through the columns' own bind processors straight to the driver: the
    same stored values as ``session.execute(insert(table).returning(...), rows)``, without
    SQLAlchemy's per-row bookkeeping."""

    session: Session
    table: Table
    columns: tuple[str, ...]

    def __post_init__(self) -> None:
        from sqlalchemy import Boolean, Date, DateTime

        dialect = self.session.connection().dialect
        self._processors: list[tuple[int, Callable[[Any], Any], dict[Any, Any] | None]] = []
        for index, name in enumerate(self.columns):
            kind = self.table.c[name].type
            processor = kind.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                # dates, time stamps and flags repeat from row to row (one time stamp for a
                # whole import): each distinct value is converted once
                memo: dict[Any, Any] | None = (
                    {} if isinstance(kind, Date | DateTime | Boolean) else None)
                self._processors.append((index, processor, memo))
        self._per_statement = max(1, _MAX_VARIABLES // len(self.columns))
        # every column from a full row in one C call; rows missing some go the slow way
        self._pick = operator.itemgetter(*self.columns)
        self._sql: dict[tuple[int, str], str] = {}

    def _statement(self, count: int, key: str) -> str:
        sql = self._sql.get((count, key))
        if sql is None:
            names = ", ".join(f'"{c}"' for c in self.columns)
            one = "(" + ", ".join("?" for _ in self.columns) + ")"
            sql = (f'INSERT INTO "{self.table.name}" ({names}) VALUES '
                   + ", ".join(one for _ in range(count))
                   + f' RETURNING id{f", {chr(34)}{key}{chr(34)}" if key else ""}')
            self._sql[(count, key)] = sql
        return sql

    def insert(self, rows: Sequence[Mapping[str, Any]]) -> list[int]:
        """The ids of the rows inserted (in no particular order: SQLite does not promise one)."""
        return [row[0] for row in self._insert(rows, "")]

    def insert_keyed(self, rows: Sequence[Mapping[str, Any]], key: str) -> dict[Any, int]:
        """The ids of the rows inserted, by the value of their ``key`` column (e.g. uuid)."""
        return {row[1]: row[0] for row in self._insert(rows, key)}

    def lines(self, rows: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
        """The rows as lists of the columns' values, ready for the driver."""
        columns = self.columns
        pick = self._pick
        processors = self._processors
        out: list[list[Any]] = []
        for row in rows:
            try:
                line = list(pick(row))
            except KeyError:  # a row without some columns: those are NULL
                line = [row.get(name) for name in columns]
            for index, processor, memo in processors:
                value = line[index]
                if value is None:
                    continue
                if memo is None:
                    line[index] = processor(value)
                    continue
                done = memo.get(value)
                if done is None:
                    if len(memo) >= _MEMO_SIZE:
                        memo.clear()
                    done = memo[value] = processor(value)
                line[index] = done
            out.append(line)
        return out

    def _insert(self, rows: Sequence[Mapping[str, Any]], key: str) -> list[Any]:
        connection = self.session.connection()
        returned: list[Any] = []
        for start in range(0, len(rows), self._per_statement):
            chunk = rows[start:start + self._per_statement]
            values = tuple(itertools.chain.from_iterable(self.lines(chunk)))
            result = connection.exec_driver_sql(self._statement(len(chunk), key), values)
            returned.extend(result.fetchall())
        return returned


# --- the interface (models.store.dialect.Store) --------------------------------------------------

@dataclass(frozen=True)
class SqliteStore:
    """A database file, as the rest of the program sees it (``models.store.dialect.Store``)."""

    path: Path
    name: str = NAME
    server: bool = False

    @property
    def location(self) -> str:
        return str(self.path)

    def check(self) -> FileCheck:
        return check_file(self.path)

    def engine(self, *, read_only: bool) -> Engine:
        return make_engine(self.path, read_only)

    def backup(self, target: Path) -> None:
        online_backup(self.path, target)

    def ensure_alone(self) -> None:
        ensure_alone(self.path)

    def translate(self, exc: BaseException) -> DatabaseError | None:
        return translate(exc, self.path)

    @staticmethod
    def name_match(connection: Connection, words: Sequence[str]) -> ColumnElement[bool] | None:
        """The full-text condition for the folded query words when it is the fast way (few
        names match), None when a scan of the names is better."""
        return indexed_name_ids(words) if few_name_matches(connection, words) else None

    @staticmethod
    def bulk_members(session: Session, rows: int = 0
                     ) -> AbstractContextManager[Callable[[Sequence[int]], None]]:
        return bulk_member_insert(session, rows)

    @staticmethod
    def inserter(session: Session, table: Table, columns: tuple[str, ...]) -> RowInserter:
        return RowInserter(session, table, columns)

    @staticmethod
    def create_extras(connection: Connection) -> None:
        create_extras(connection)

    @staticmethod
    def access(_connection: Connection) -> Access:
        """The person at the PC does everything in a local file."""
        from models.store.access import FULL_ACCESS

        return FULL_ACCESS
