"""The read-only look at a database file, before anything else touches it.

Kept apart from ``models.store.db`` and free of SQLAlchemy so that it can start on a thread at the
very beginning of the program: the integrity check reads the whole file (a third of a second for a
100,000-member ward) while the main thread is still importing libraries.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from models.store.migrations import KNOWN_REVISIONS

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


class DatabaseError(Exception):
    """A database the program refuses to open or to write; ``str()`` is the Vietnamese message
    for the user."""


class DatabaseMissing(DatabaseError):
    pass


class NotADatabase(DatabaseError):
    pass


class DatabaseCorrupt(DatabaseError):
    pass


class DatabaseTooNew(DatabaseError):
    pass


class ForeignDatabase(DatabaseError):
    pass


class DatabaseReadOnly(DatabaseError):
    pass


class DatabaseLocked(DatabaseError):
    pass


class DatabaseFull(DatabaseError):
    """The disk (or the database's size limit) is full: the write was rolled back."""


DISK_FULL_MESSAGE = (
    "Ổ đĩa đầy hoặc cơ sở dữ liệu đã đạt giới hạn dung lượng; chưa ghi gì. "
    "Dữ liệu đã lưu trước đó vẫn còn nguyên. Hãy giải phóng chỗ trống trên ổ đĩa "
    "(xóa bớt tệp không cần) rồi làm lại."
)


def is_disk_full(exc: BaseException) -> bool:
    """SQLite's SQLITE_FULL ("database or disk is full") or the system's "no space left"."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF == sqlite3.SQLITE_FULL:
        return True
    return isinstance(exc, sqlite3.Error) and "database or disk is full" in str(exc)


@dataclass(frozen=True)
class FileCheck:
    """What the read-only look at a file found."""

    revision: str | None  # None: an empty SQLite file with no tables yet
    writable: bool


def readonly_uri(path: Path) -> str:
    return f"file:{quote(str(path.resolve()))}?mode=ro"


def check_file(path: Path) -> FileCheck:
    """Look at a database file without changing it; raise DatabaseError when it is refused."""
    if not path.exists():
        raise DatabaseMissing(f"Không tìm thấy tệp cơ sở dữ liệu: {path}")
    if path.is_dir():
        raise NotADatabase(f"Đường dẫn là một thư mục, không phải tệp cơ sở dữ liệu: {path}")
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except PermissionError as exc:
        raise DatabaseReadOnly(f"Không có quyền đọc tệp cơ sở dữ liệu: {path}") from exc
    if header and header != SQLITE_HEADER:
        raise NotADatabase(
            f"Tệp {path.name} không phải là cơ sở dữ liệu của chương trình (không phải SQLite)."
        )
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    if not header:
        return FileCheck(revision=None, writable=writable)
    try:
        con = sqlite3.connect(readonly_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise DatabaseCorrupt(f"Không mở được tệp cơ sở dữ liệu {path.name}: {exc}") from exc
    try:
        try:
            result = con.execute("PRAGMA quick_check").fetchone()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise DatabaseLocked(
                    f"Cơ sở dữ liệu {path.name} đang bị khóa bởi một chương trình khác. "
                    "Hãy đóng chương trình đó rồi thử lại."
                ) from exc
            raise DatabaseCorrupt(
                f"Tệp cơ sở dữ liệu {path.name} bị hỏng hoặc không đọc được ({exc})."
            ) from exc
        except sqlite3.DatabaseError as exc:
            raise DatabaseCorrupt(
                f"Tệp cơ sở dữ liệu {path.name} bị hỏng hoặc không đọc được ({exc})."
            ) from exc
        if not result or result[0] != "ok":
            raise DatabaseCorrupt(
                f"Tệp cơ sở dữ liệu {path.name} bị hỏng (kiểm tra toàn vẹn không đạt). "
                "Hãy khôi phục từ một bản sao lưu."
            )
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            return FileCheck(revision=None, writable=writable)
        if "alembic_version" not in tables or "member" not in tables:
            raise ForeignDatabase(
                f"Tệp {path.name} là cơ sở dữ liệu SQLite nhưng không phải của chương trình này."
            )
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        con.close()
    revision = row[0] if row else ""
    if revision not in KNOWN_REVISIONS:
        raise DatabaseTooNew(
            f"Cơ sở dữ liệu {path.name} được tạo bởi một phiên bản mới hơn của chương trình "
            f"(phiên bản dữ liệu {revision or 'không rõ'}). "
            "Hãy cập nhật chương trình để mở tệp này."
        )
    return FileCheck(revision=revision, writable=writable)


def start_check(path: Path) -> Future[FileCheck]:
    """Run check_file on a worker thread; the caller passes the future to open_database."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-check")
    future = executor.submit(check_file, path)
    executor.shutdown(wait=False)
    return future
