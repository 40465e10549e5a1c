"""The refusals a database can meet, and the read-only look at it before anything else touches it.

The look itself is the store's (``models.store.sqlite.check_file`` for a file); this module keeps
what every kind of database shares — the errors with their Vietnamese messages, what the look
found — and starts the look on a thread at the very beginning of the program: the integrity check
reads the whole file (a third of a second for a 100,000-member ward) while the main thread is
still importing libraries.  Free of SQLAlchemy for that reason.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path


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
    """Another program has the database: it holds the writer's lock, or (for a restore) has the
    file open at all."""


class DatabaseBusy(DatabaseError):
    """A write waited for another program's write and gave up: nothing was written; try again."""


class DatabaseFull(DatabaseError):
    """The disk (or the database's size limit) is full: the write was rolled back."""


class ServerUnavailable(DatabaseError):
    """A server that cannot be reached, or that dropped the connection: nothing was written."""


class PasswordRequired(DatabaseError):
    """The server wants a password it was not given, or refused the one it was given: the
    window asks for it (again)."""


class AccessDenied(DatabaseError):
    """The server refused what the connected user's role may not do: nothing was written."""


class NotInitialised(DatabaseError):
    """A server database that ``server init`` has not prepared yet."""


class UpgradeNeeded(DatabaseError):
    """A server database of an older schema: only its owner upgrades it (``server init``)."""


DISK_FULL_MESSAGE = (
    "Ổ đĩa đầy hoặc cơ sở dữ liệu đã đạt giới hạn dung lượng; chưa ghi gì. "
    "Dữ liệu đã lưu trước đó vẫn còn nguyên. Hãy giải phóng chỗ trống trên ổ đĩa "
    "(xóa bớt tệp không cần) rồi làm lại."
)


def busy_message(name: str) -> str:
    return (f"Cơ sở dữ liệu {name} đang bận: một chương trình khác đang ghi vào sổ. Chưa ghi gì; "
            "dữ liệu đã lưu vẫn còn nguyên. Hãy đợi chương trình đó xong rồi thử lại.")


@dataclass(frozen=True)
class FileCheck:
    """What the read-only look at a file found."""

    revision: str | None  # None: an empty SQLite file with no tables yet
    writable: bool


def check_file(path: Path) -> FileCheck:
    """Look at a database file without changing it; raise DatabaseError when it is refused."""
    from models.store.sqlite import check_file as check

    return check(path)


def start_check(path: Path) -> Future[FileCheck]:
    """Run check_file on a worker thread; the caller passes the future to open_database."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-check")
    future = executor.submit(check_file, path)
    executor.shutdown(wait=False)
    return future
