"""Opening a database: the one door every caller (GUI, command line, tests) goes through.

The file is first looked at read-only: is it SQLite at all, is it intact, which schema revision does
it carry, and is that revision one this program knows.  A file that fails any check is refused with
a Vietnamese message and left byte-for-byte untouched.  Only an older revision is backed up and then
migrated, and only then is Alembic imported (it costs start-up time the user would otherwise pay).

This module and ``models/migrations`` are the one clearly marked place with SQLite-specific code
(pragmas, the file header, the online backup API).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.store import history
from models.store.dbcheck import (
    BUSY_TIMEOUT_MS,
    DISK_FULL_MESSAGE,
    DatabaseError,
    DatabaseFull,
    DatabaseMissing,
    DatabaseReadOnly,
    FileCheck,
    ForeignDatabase,
    check_file,
    is_disk_full,
    readonly_uri,
)
from models.store.entities import Base, Regulation
from models.store.migrations import HEAD_REVISION

__all__ = ["Database", "DatabaseError", "check_file", "open_database"]

@dataclass
class Database:
    """An open database: the engine and the session factory services use."""

    path: Path
    engine: Engine
    session_factory: sessionmaker[Session]
    read_only: bool = False
    migrated_from: str | None = None
    backup_path: Path | None = None

    def close(self) -> None:
        self.engine.dispose()


def default_database_path() -> Path:
    """The built-in database in the per-user data folder (Windows: %LOCALAPPDATA%)."""
    import platformdirs

    folder = Path(platformdirs.user_data_dir("SoDangVien213", appauthor=False))
    return folder / "so-dang-vien.sqlite"


def default_backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def _set_pragmas(read_only: bool) -> Callable[[Any, Any], None]:
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


def _make_engine(path: Path, read_only: bool) -> Engine:
    if read_only:
        engine = create_engine(
            "sqlite://", creator=lambda: sqlite3.connect(readonly_uri(path), uri=True)
        )
    else:
        engine = create_engine(f"sqlite:///{path.resolve()}")
    event.listen(engine, "connect", _set_pragmas(read_only))
    event.listen(engine, "begin", _begin)
    event.listen(engine, "handle_error", _translate_error)
    return engine


def _begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def _translate_error(context: ExceptionContext) -> BaseException | None:
    """A full disk reaches every service as DatabaseFull, with its Vietnamese message; the
    transaction it interrupted is rolled back by the service's ``begin()`` block as usual."""
    if is_disk_full(context.original_exception):
        return DatabaseFull(DISK_FULL_MESSAGE)
    return None


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    factory = sessionmaker(engine, expire_on_commit=False)
    history.install(factory)
    return factory


def _create_private_file(path: Path) -> None:
    """Create the empty file readable by its owner only (the register is personal data)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


# --- SQLite only: a full-text prefix index over the folded names -------------------------------
# FTS5 finds the members whose name has a word starting with each query word in a millisecond
# when few match; the portable LIKE scan (models.register.members) stays the answer for broad
# queries and for other databases. Triggers keep the index in step with every write, bulk ones
# included.
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


@contextmanager
def bulk_member_insert(session: Session, rows: int = 0) -> Iterator[None]:
    """Around a bulk insert of members in the caller's transaction: index the new names in one
    statement at the end instead of one trigger call per row (4× faster for 10,000 rows).
    When ``rows`` (the number about to be inserted, at least 1,000) exceeds the members already
    stored, the member table's indexes are also dropped and built again at the end from their own
    definitions: building an index from sorted data is twice as fast as growing it row by row
    (100,000 members: 2.0 s instead of 2.9 s).  Everything happens inside the transaction, so a
    rollback restores the trigger and the indexes."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before, count = connection.execute(
        text("SELECT coalesce(max(id), 0), count(*) FROM member")).one()
    indexes: list[str] = []
    if rows >= 1000 and count < rows:
        for name, sql in connection.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'member' AND sql IS NOT NULL")).all():
            connection.execute(text(f'DROP INDEX "{name}"'))
            indexes.append(sql)
    connection.execute(text("DROP TRIGGER IF EXISTS member_fts_insert"))
    yield
    for sql in indexes:
        connection.execute(text(sql))
    connection.execute(text("INSERT INTO member_fts(rowid, name_key) "
                            "SELECT id, name_key FROM member WHERE id > :before"),
                       {"before": before})
    connection.execute(text(MEMBER_FTS_DDL[1]))


def fts_query(words: list[str]) -> str:
    """'"dang"* "huong"*': every word a prefix of some word of the name (words are [a-z0-9])."""
    return " ".join(f'"{word}"*' for word in words)


def _initialise_schema(engine: Engine) -> None:
    """Build a new database at the head revision directly from the models (no Alembic needed);
    a test proves this equals running every migration."""
    with engine.begin() as conn:
        Base.metadata.create_all(conn)
        for statement in MEMBER_FTS_DDL:
            conn.execute(text(statement))
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                          "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"),
                     {"v": HEAD_REVISION})
    factory = sessionmaker(engine)
    with factory.begin() as session:
        seed_reference_data(session)


def seed_reference_data(session: Session) -> None:
    """Reference rows every database starts with; all of them are editable later."""
    session.add_all([
        Regulation(
            from_year=2000,
            code="76-QĐ/TW",
            basis_line="Thực hiện Quy định số 76-QĐ/TW ngày 15/6/2000 của Bộ Chính trị về việc "
            "đảng viên đang công tác ở cơ quan, đơn vị thường xuyên giữ mối liên hệ với tổ chức "
            "đảng và nhân dân nơi cư trú",
        ),
        Regulation(
            from_year=2020,
            code="213-QĐ/TW",
            basis_line="Thực hiện Quy định số 213-QĐ/TW ngày 02/01/2020 của Bộ Chính trị về trách "
            "nhiệm của đảng viên đang công tác thường xuyên giữ mối liên hệ với tổ chức đảng và "
            "nhân dân nơi cư trú",
        ),
    ])


def backup_file(source: Path, target: Path) -> Path:
    """Copy a database with SQLite's online backup (safe while another connection writes)."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if target.exists():
        raise FileExistsError(target)
    _create_private_file(target)
    src = sqlite3.connect(readonly_uri(source), uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def _migrate(path: Path, revision: str, backup_dir: Path | None) -> Path:
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    folder = backup_dir or default_backup_dir(path)
    backup = backup_file(path, folder / f"{path.stem}-truoc-nang-cap-{revision}-{stamp}.sqlite")
    from models.store.migrations import upgrade_to_head  # imports Alembic: only here

    engine = _make_engine(path, read_only=False)
    try:
        upgrade_to_head(engine)
    finally:
        engine.dispose()
    return backup


def open_database(
    path: Path | str,
    *,
    create: bool = False,
    read_only: bool = False,
    backup_dir: Path | None = None,
    precheck: Future[FileCheck] | None = None,
) -> Database:
    """Open (and, with ``create``, make) a database, checking it first; raise DatabaseError.

    ``precheck`` is a check of the same file already started with ``dbcheck.start_check``.
    """
    path = Path(path)
    created = False
    if not path.exists():
        if not create or read_only:
            raise DatabaseMissing(f"Không tìm thấy tệp cơ sở dữ liệu: {path}")
        try:
            _create_private_file(path)
        except OSError as exc:
            raise DatabaseReadOnly(f"Không tạo được tệp cơ sở dữ liệu {path}: {exc}") from exc
        created = True
    check = precheck.result() if precheck is not None and not created else check_file(path)
    if not check.writable and not read_only:
        raise DatabaseReadOnly(
            f"Tệp cơ sở dữ liệu {path.name} (hoặc thư mục chứa nó) chỉ cho phép đọc. "
            "Hãy chép tệp sang một thư mục có quyền ghi, hoặc mở ở chế độ chỉ xem."
        )
    migrated_from: str | None = None
    backup: Path | None = None
    if check.revision is None:
        if read_only:
            raise ForeignDatabase(f"Tệp {path.name} là cơ sở dữ liệu trống.")
        if not created and not create:
            raise ForeignDatabase(
                f"Tệp {path.name} là cơ sở dữ liệu SQLite trống, chưa phải của chương trình này."
            )
        engine = _make_engine(path, read_only=False)
        _initialise_schema(engine)
        engine.dispose()
    elif check.revision != HEAD_REVISION:
        if read_only:
            raise DatabaseReadOnly(
                f"Cơ sở dữ liệu {path.name} cần được nâng cấp trước khi xem, "
                "nhưng đang mở ở chế độ chỉ xem."
            )
        migrated_from = check.revision
        backup = _migrate(path, check.revision, backup_dir)
    engine = _make_engine(path, read_only=read_only)
    return Database(
        path=path,
        engine=engine,
        session_factory=make_session_factory(engine),
        read_only=read_only,
        migrated_from=migrated_from,
        backup_path=backup,
    )
