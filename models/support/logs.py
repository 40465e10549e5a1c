"""The log: the standard ``logging`` to a rotating file in the per-user data folder.

Set up once when the program starts (window or command line) by ``setup_logging``.  The log is
what a user sends with a problem report, so the program writes ids and counts to it, never a
member's name, number or address; ``models.support.problem_report`` still scrubs it on the way
out.  Several processes may share the file (a second, read-only window; the comment batch's
workers do not log): a rollover that another process prevents is skipped, not an error.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
from pathlib import Path
from types import TracebackType

from models.support.version import data_folder, is_frozen, version

LOG_NAME = "so-dang-vien.log"
MAX_BYTES = 1_000_000
BACKUPS = 4  # so-dang-vien.log.1 … .4: five files, about 5 MB at most
FORMAT = "%(asctime)s %(levelname)s [%(process)d %(threadName)s] %(name)s: %(message)s"

log = logging.getLogger("sdv")

_lock = threading.Lock()
_installed: Path | None = None


def log_folder() -> Path:
    return data_folder() / "logs"


def log_file() -> Path:
    """Where the log is written (whether or not anything was written yet)."""
    return _installed or log_folder() / LOG_NAME


def log_files() -> list[Path]:
    """The log and its rotated predecessors that exist, newest first."""
    current = log_file()
    candidates = [current, *(current.with_name(f"{current.name}.{n}")
                             for n in range(1, BACKUPS + 1))]
    return [path for path in candidates if path.is_file()]


class _SharedRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Rotates like its parent, but when the rename is refused (Windows keeps a file that another
    process has open) it goes on writing to the current file instead of reporting an error."""

    def doRollover(self) -> None:
        try:
            super().doRollover()
        except OSError:
            if self.stream is None:
                self.stream = self._open()


def setup_logging(folder: Path | None = None, *, level: int = logging.INFO) -> Path | None:
    """Send the program's log records to the rotating file; the file's path, or None when the
    folder cannot be written (the program then runs without a log rather than not at all).

    Only the first call does anything: the window and the command line both call it at start.
    """
    global _installed
    with _lock:
        if _installed is not None:
            return _installed
        target = (folder or log_folder()) / LOG_NAME
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handler = _SharedRotatingFileHandler(target, maxBytes=MAX_BYTES,
                                                 backupCount=BACKUPS, encoding="utf-8")
        except OSError as exc:
            print(f"Không ghi được nhật ký vào {target}: {exc}", file=sys.stderr)
            return None
        handler.setFormatter(logging.Formatter(FORMAT))
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(level)
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # a line per plugin
        logging.captureWarnings(True)
        _installed = target
    log.info("Sổ đảng viên 213 %s bắt đầu (%s, Python %s, %s)", version(),
             "bản đóng gói" if is_frozen() else "chạy từ mã nguồn",
             sys.version.split()[0], sys.platform)
    return target


def teardown_logging() -> None:
    """Remove the file handler again (tests that set the log up in their own folder)."""
    global _installed
    with _lock:
        root = logging.getLogger()
        for handler in list(root.handlers):
            if isinstance(handler, _SharedRotatingFileHandler):
                root.removeHandler(handler)
                handler.close()
        _installed = None


def log_unexpected(exc_type: type[BaseException], exc: BaseException,
                   tb: TracebackType | None, where: str = "") -> None:
    """Write an error nobody caught, with its traceback, to the log."""
    log.error("Lỗi không mong đợi%s", f" ({where})" if where else "",
              exc_info=(exc_type, exc, tb))


def unexpected_error_text(exc: BaseException) -> str:
    """What the user is told about an error nobody caught: what it was and where the log is."""
    where = log_file()
    return (f"Lỗi không mong đợi: {type(exc).__name__}: {exc}\n"
            f"Chi tiết đã được ghi vào tệp nhật ký {where}.\n"
            "Những gì đã lưu trước đó vẫn còn nguyên. Hãy gửi báo cáo lỗi cho người hỗ trợ "
            "(trong cửa sổ chương trình: Giúp › Gửi báo cáo lỗi…).")
