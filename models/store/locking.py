"""One writer at a time, across programs: the lock file beside the database.

The window holds the lock for as long as it has the register open; every command that changes
the database takes the same lock for its whole run (waiting a few seconds for another program,
then refusing with a message); a restore takes it and also proves that no other connection is
open.  Within one program the lock is one object per database, taken again freely (the window's
own restore, a migration while the window opens the file).  ``filelock`` works the same on
Windows and Linux.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from models.store.dbcheck import DatabaseLocked, DatabaseReadOnly

LOCK_SUFFIX = ".lock"
WAIT_SECONDS = 5.0

_locks: dict[Path, FileLock] = {}
_guard = threading.Lock()


def lock_path(database: Path) -> Path:
    """The lock file beside the register itself: a link to the register (or a path through a
    linked folder) names the same lock as the register's own path."""
    return Path(str(Path(database).resolve()) + LOCK_SUFFIX)


def writer_lock(database: Path) -> FileLock:
    """This program's one lock object for the database (timeout 0 unless asked otherwise)."""
    key = Path(database).resolve()
    with _guard:
        lock = _locks.get(key)
        if lock is None:
            lock = _locks[key] = FileLock(str(lock_path(Path(database))), timeout=0,
                                            thread_local=False)
        return lock


def busy_writer_message(database: Path) -> str:
    return (f"Một chương trình khác đang ghi vào sổ này ({database.name}): một cửa sổ chương "
            "trình đang mở sổ, hoặc một lệnh khác đang chạy. Hãy đợi lệnh đó xong hoặc đóng cửa "
            "sổ rồi thử lại.")


def acquire(database: Path, wait: float = WAIT_SECONDS,
            waiting: Callable[[], None] | None = None) -> FileLock:
    """Take the writer's lock, waiting up to ``wait`` seconds (``waiting`` is told once when the
    wait begins); DatabaseLocked when another program keeps it."""
    lock = writer_lock(database)
    try:
        lock.acquire(timeout=0)
        return lock
    except Timeout:
        pass
    except OSError as exc:  # the folder cannot be written: nor can the database
        reason = exc.strerror or str(exc)
        raise DatabaseReadOnly(f"Không ghi được vào thư mục của {database.name} ({reason}): "
                               "cơ sở dữ liệu chỉ đọc được.") from exc
    if waiting is not None:
        waiting()
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise DatabaseLocked(busy_writer_message(database)) from None
    return lock


@contextmanager
def writing(database: Path, wait: float = WAIT_SECONDS,
            waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the writer's lock for the block."""
    lock = acquire(database, wait, waiting)
    try:
        yield
    finally:
        lock.release()


def try_acquire(database: Path) -> FileLock | None:
    """The lock if nobody else holds it right now (released by the caller), else None."""
    lock = writer_lock(database)
    try:
        lock.acquire(timeout=0)
    except (Timeout, OSError):
        return None
    return lock
