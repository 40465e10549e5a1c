"""Opening a database: the one door every caller (GUI, command line, tests) goes through.

The file is first looked at read-only: is it SQLite at all, is it intact, which schema revision does
it carry, and is that revision one this program knows.  A file that fails any check is refused with
a Vietnamese message and left byte-for-byte untouched.  Only an older revision is backed up and then
migrated (holding the writer's lock), and only then is Alembic imported (it costs start-up time the
user would otherwise pay).  What only SQLite does is in ``models.store.sqlite``, behind
``models.store.dialect.Store``.
"""

from __future__ import annotations

import os
from concurrent.futures import Future
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.store import history, locking, output
from models.store.access import Access
from models.store.dbcheck import (
    DatabaseError,
    DatabaseMissing,
    DatabaseReadOnly,
    FileCheck,
    ForeignDatabase,
    check_file,
)
from models.store.dialect import Store, is_server_location, register_stand_in, store_for
from models.store.entities import Base, Regulation
from models.store.migrations import HEAD_REVISION
from models.store.sqlite import write_engine

__all__ = ["Database", "DatabaseError", "check_file", "open_database"]


class Sessions(sessionmaker[Session]):
    """The session factory services use: ``begin()`` is a write transaction, which on SQLite
    takes the write lock at once (BEGIN IMMEDIATE), so what it reads cannot change under it
    before it writes; plain sessions only read."""

    def begin(self) -> AbstractContextManager[Session]:
        bind = self.kw.get("bind")
        if isinstance(bind, Engine):
            return self(bind=write_engine(bind))._maker_context_manager()
        return super().begin()


@dataclass
class Database:
    """An open database: the engine and the session factory services use.

    ``path`` is the file; for a database on a server it is the local stand-in path (never
    opened: its folder holds the backups, which are copies of the ward in a file) and
    ``location`` is the server's address, without any password."""

    path: Path
    engine: Engine
    session_factory: sessionmaker[Session]
    read_only: bool = False
    migrated_from: str | None = None
    backup_path: Path | None = None
    store: Store = field(default=None)  # type: ignore[assignment]
    notices: tuple[str, ...] = ()  # what opening changed that the user should know
    lock: FileLock | None = None  # the writer's lock this database holds until closed
    _access: Access | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.store is None:
            self.store = store_for(self.path)

    @property
    def server(self) -> bool:
        """On a server: many users at once, roles enforced there, no writer's lock."""
        return self.store.server

    @property
    def location(self) -> str:
        """The file, or the server's address (for people: the title bar, messages)."""
        return self.store.location

    @property
    def access(self) -> Access:
        """What the connected user may do (everything on a local file); asked once."""
        if self._access is None:
            with self.engine.connect() as connection:
                self._access = self.store.access(connection)
        return self._access

    def close(self) -> None:
        self.engine.dispose()
        if self.lock is not None and self.lock.is_locked:
            self.lock.release()
        self.lock = None


def default_database_path() -> Path:
    """The built-in database in the per-user data folder (Windows: %LOCALAPPDATA%)."""
    import platformdirs

    folder = Path(platformdirs.user_data_dir("SoDangVien213", appauthor=False))
    return folder / "so-dang-vien.sqlite"


def default_backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    factory = Sessions(engine, expire_on_commit=False)
    history.install(factory)
    return factory


def _create_private_file(path: Path) -> None:
    """Create the empty file readable by its owner only (the register is personal data)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def initialise_schema(store: Store, engine: Engine) -> None:
    """Build a new database at the head revision directly from the models (no Alembic needed);
    a test proves this equals running every migration."""
    with engine.begin() as conn:
        Base.metadata.create_all(conn)
        store.create_extras(conn)
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


def backup_file(source: Path | str, target: Path, *, overwrite: bool = False) -> Path:
    """Copy a database into ``target`` with the store's online backup (safe while another
    connection writes; a server's ward is copied into a register file), through the one output
    function: a killed copy leaves no file that would block the next one.  DatabaseError (its
    message names the file) when refused.  ``source``: a file, a server's URL, or the
    stand-in path of an open server database."""
    from models.store.dbcheck import DatabaseFull

    try:
        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise output.failure(target, exc) from exc
        with output.output_file(target, overwrite=overwrite, backup=True) as temporary:
            store_for(source).backup(temporary)
    except output.OutputError as exc:
        raise (DatabaseFull if exc.disk_full else DatabaseError)(str(exc)) from exc
    return target


def migrate(store: Store, path: Path, revision: str, backup_dir: Path | None, *,
            keep_copy: bool = True) -> tuple[Path | None, list[str]]:
    """Back the database up (unless ``keep_copy`` is False: a scratch copy whose source stays),
    then bring it to the head revision (the caller holds the writer's lock); the backup and what
    the migrations said."""
    backup: Path | None = None
    if keep_copy:
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        folder = backup_dir or default_backup_dir(path)
        backup = backup_file(path, folder / f"{path.stem}-truoc-nang-cap-{revision}-{stamp}"
                                            ".sqlite")
    from models.store.migrations import upgrade_to_head  # imports Alembic: only here

    engine = store.engine(read_only=False)
    try:
        notices = upgrade_to_head(engine)
    finally:
        engine.dispose()
    return backup, notices


RESTORE_SCRATCH = ".khoi-phuc-"  # ".so.sqlite.khoi-phuc-20261126-090000": a restore's scratch copy


def remove_leftovers(path: Path, backup_dir: Path | None = None) -> list[Path]:
    """What killed writes left beside the database and in its backup folder: scratch copies of
    a restore, half-written copies and exports.  Only while nobody holds the writer's lock (a
    restore under way holds it); the files removed."""
    lock = locking.try_acquire(path)
    if lock is None:
        return []
    try:
        scratch = f".{path.name}{RESTORE_SCRATCH}"
        removed = output.remove_leftovers(path.parent, lambda p: p.name.startswith(scratch))
        for folder in {default_backup_dir(path), *([backup_dir] if backup_dir else [])}:
            removed += output.remove_leftovers(folder)
        return removed
    finally:
        lock.release()


def open_database(
    path: Path | str,
    *,
    create: bool = False,
    read_only: bool | None = False,
    backup_dir: Path | None = None,
    precheck: Future[FileCheck] | None = None,
    password: str | None = None,
) -> Database:
    """Open (and, with ``create``, make) a database, checking it first; raise DatabaseError.

    ``path`` is a file or a server's ``postgresql://`` URL (``password``: one the user typed;
    otherwise libpq finds it).  ``read_only`` None: read-only when the file or its folder
    cannot be written, or the server's user may only read.  ``precheck`` is a check of the same
    file already started with ``dbcheck.start_check``.
    """
    if is_server_location(path):
        return _open_server(str(path), read_only=read_only, password=password)
    path = Path(path)
    store = store_for(path)
    created = False
    if not path.exists():
        if not create or read_only:
            raise DatabaseMissing(f"Không tìm thấy tệp cơ sở dữ liệu: {path}")
        try:
            _create_private_file(path)
        except OSError as exc:
            raise store.translate(exc) or DatabaseReadOnly(
                f"Không tạo được tệp cơ sở dữ liệu {path}: {exc}") from exc
        created = True
    check = precheck.result() if precheck is not None and not created else store.check()
    if read_only is None:
        read_only = not check.writable
    if not check.writable and not read_only:
        raise DatabaseReadOnly(
            f"Tệp cơ sở dữ liệu {path.name} (hoặc thư mục chứa nó) chỉ cho phép đọc. "
            "Hãy chép tệp sang một thư mục có quyền ghi, hoặc mở ở chế độ chỉ xem."
        )
    migrated_from: str | None = None
    backup: Path | None = None
    notices: list[str] = []
    if check.revision is None:
        if read_only:
            raise ForeignDatabase(f"Tệp {path.name} là cơ sở dữ liệu trống.")
        if not created and not create:
            raise ForeignDatabase(
                f"Tệp {path.name} là cơ sở dữ liệu SQLite trống, chưa phải của chương trình này."
            )
        engine = store.engine(read_only=False)
        try:
            initialise_schema(store, engine)
        finally:
            engine.dispose()
    elif check.revision != HEAD_REVISION:
        if read_only:
            raise DatabaseReadOnly(
                f"Cơ sở dữ liệu {path.name} cần được nâng cấp trước khi xem, "
                "nhưng đang mở ở chế độ chỉ xem."
            )
        with locking.writing(path):
            check = store.check()  # another program may have migrated it while we waited
            if check.revision != HEAD_REVISION:
                migrated_from = check.revision
                backup, notices = migrate(store, path, str(check.revision), backup_dir)
    if not read_only:
        remove_leftovers(path, backup_dir)
    output.protect(path, (lambda: [backup_dir]) if backup_dir else None)
    engine = store.engine(read_only=read_only)
    return Database(
        path=path,
        engine=engine,
        session_factory=make_session_factory(engine),
        read_only=read_only,
        migrated_from=migrated_from,
        backup_path=backup,
        store=store,
        notices=tuple(notices),
    )



def _open_server(location: str, *, read_only: bool | None, password: str | None) -> Database:
    """A ward database on a server: prepared by ``server init`` (never here: the schema, the
    roles and their policies go together, and only the database's owner makes them), at this
    program's schema revision, opened read-only for a user who may only read."""
    from models.store.dbcheck import NotInitialised, UpgradeNeeded
    from models.store.postgres import PostgresStore

    store = PostgresStore.from_url(location, password=password)
    address = store.address
    check = store.check()
    if check.revision is None:
        raise NotInitialised(
            f"Cơ sở dữ liệu «{address.database}» trên máy chủ {address.server} chưa được khởi "
            f"tạo. Người quản trị chạy: main.py --db {address.shown} server init --ward "
            "\"Đảng ủy phường …\"")
    if check.revision != HEAD_REVISION:
        engine = store.engine(read_only=True)
        try:
            with engine.connect() as connection:
                owner = store.access(connection).owner
        finally:
            engine.dispose()
        older = (f"Cơ sở dữ liệu «{address.database}» trên máy chủ có phiên bản dữ liệu cũ hơn "
                 f"({check.revision}, chương trình này dùng {HEAD_REVISION}). ")
        raise UpgradeNeeded(older + (
            f"Hãy nâng cấp: main.py --db {address.shown} server init" if owner else
            "Hãy nhờ người quản trị máy chủ nâng cấp (lệnh server init) rồi mở lại."))
    if read_only is None:
        read_only = not check.writable
    if not check.writable and not read_only:
        raise DatabaseReadOnly(
            f"Người dùng «{address.user}» chỉ được xem cơ sở dữ liệu «{address.database}» trên "
            "máy chủ, không được ghi.")
    engine = store.engine(read_only=read_only)
    path = address.stand_in()
    register_stand_in(path, store)
    return Database(path=path, engine=engine, session_factory=make_session_factory(engine),
                    read_only=read_only, store=store)
