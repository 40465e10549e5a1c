"""Writing a file for people: the one way every file the program makes reaches the disk.

``output_file(target, overwrite=...)`` checks the target, hands the writer a temporary path in the
same folder, and only when the writer has finished moves the file into place (flushed to the disk
first, readable by its owner only whatever the umask: lists and reports carry members' personal
data).  A failed or killed write leaves the target as it was and, at worst, a temporary file that
the next start of the program removes (``remove_leftovers``).

Refused, with a Vietnamese message naming the file: the database this program has open and the
files SQLite and the program keep beside it (-wal, -shm, -journal, .lock), any SQLite database
(whatever its name), anything inside a backup folder (only a backup may go there, and never over
another file), a folder, and any other existing file unless ``overwrite`` — on the command line
``--overwrite``; in the window the save dialog has already asked.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from models.store.sqlite import companion_files, is_disk_full, is_sqlite_file

TEMP_MARK = ".dang-ghi-"  # in the names of files being written: ".bao-cao.dang-ghi-123-ab12.pdf"


class OutputError(OSError):
    """A file the program refuses to write, or could not write; the message is Vietnamese and
    names the file.  An OSError, so that every caller that reports a failed write reports this
    one too."""

    def __init__(self, message: str, *, disk_full: bool = False) -> None:
        super().__init__(message)
        self.disk_full = disk_full


_databases: dict[Path, Callable[[], list[Path]]] = {}
_guard = threading.Lock()


def protect(database: Path, backup_folders: Callable[[], list[Path]] | None = None) -> None:
    """Guard an open database (and its backup folders, asked for when a file is written: the
    setting may change) against every write this program makes."""
    folders = backup_folders or (lambda: [])
    default = database.parent / "backups"
    with _guard:
        _databases[_resolved(database)] = lambda: [default, *folders()]


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def check_target(target: Path | str, *, overwrite: bool, backup: bool = False) -> Path:
    """The target, checked (see the module); OutputError when it is refused.  ``backup``: the
    file is a backup copy of a database, which may go into a backup folder."""
    path = Path(target)
    if not path.name:
        raise OutputError(f"«{target}» không phải tên tệp.")
    resolved = _resolved(path)
    shown = str(path)
    if resolved.is_dir():
        raise OutputError(f"«{shown}» là một thư mục, không phải tệp; hãy ghi tên tệp.")
    with _guard:
        databases = dict(_databases)
    for database, folders in databases.items():
        if resolved == database:
            raise OutputError(f"Không ghi vào «{shown}»: đó là cơ sở dữ liệu đang mở. Hãy chọn "
                              "tên tệp khác.")
        if resolved in (*companion_files(database), Path(str(database) + ".lock")):
            raise OutputError(f"Không ghi vào «{shown}»: đó là tệp đi kèm cơ sở dữ liệu "
                              f"{database.name}. Hãy chọn tên tệp khác.")
        if not backup:
            for folder in folders():
                if _inside(resolved, _resolved(folder)):
                    raise OutputError(
                        f"Không ghi vào «{shown}»: tệp nằm trong thư mục sao lưu {folder}, nơi "
                        "chỉ để các bản sao lưu. Hãy chọn thư mục khác.")
    if resolved.exists() and is_sqlite_file(resolved):
        raise OutputError(f"Không ghi đè «{shown}»: đó là một cơ sở dữ liệu. Hãy chọn tên tệp "
                          "khác.")
    for companion in ("-wal", "-shm", "-journal", ".lock"):
        if resolved.name.endswith(companion):
            owner = resolved.with_name(resolved.name[:-len(companion)])
            if owner.exists() and is_sqlite_file(owner):
                raise OutputError(f"Không ghi vào «{shown}»: đó là tệp đi kèm cơ sở dữ liệu "
                                  f"{owner.name}. Hãy chọn tên tệp khác.")
    if resolved.exists() and not overwrite:
        raise OutputError(f"Tệp «{shown}» đã có; không ghi đè. Hãy chọn tên khác, hoặc thêm "
                          "--overwrite để ghi đè.")
    if not resolved.parent.is_dir():
        raise OutputError(f"Không ghi được tệp «{path}»: không có thư mục «{path.parent}».")
    return path


def _temporary(path: Path) -> Path:
    name = f".{path.stem}{TEMP_MARK}{os.getpid()}-{os.urandom(4).hex()}{path.suffix}"
    return path.with_name(name[:255])


def _sync_folder(folder: Path) -> None:
    if sys.platform.startswith("win"):
        return  # Windows has no handle on a folder to flush; the rename itself is durable
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (network shares) cannot flush a folder
    finally:
        os.close(fd)


def failure(path: Path, exc: OSError) -> OutputError:
    """The message for a file that could not be written."""
    if is_disk_full(exc, path.parent):
        return OutputError(f"Ổ đĩa đầy: không ghi được tệp «{path}». Chưa ghi gì; hãy giải phóng "
                           "chỗ trống trên ổ đĩa hoặc chọn ổ đĩa khác rồi làm lại.", disk_full=True)
    return OutputError(f"Không ghi được tệp «{path}»: {exc.strerror or exc}.")


@contextmanager
def output_file(target: Path | str, *, overwrite: bool, backup: bool = False
                ) -> Iterator[Path]:
    """Check ``target``, yield a temporary path in its folder for the writer, then move the
    written file into place (see the module).  OutputError when refused or not written."""
    path = check_target(target, overwrite=overwrite, backup=backup)
    remove_leftovers(path.parent)  # what killed writes left here before
    temporary = _temporary(path)
    try:
        try:
            fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
        except OSError as exc:
            raise failure(path, exc) from exc
        yield temporary
        try:
            # the writer may have replaced the file: the mode is set again, then flushed
            os.chmod(temporary, 0o600)
            fd = os.open(temporary, os.O_RDWR)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            if not overwrite and path.exists():  # someone made it meanwhile
                raise OutputError(f"Tệp «{path}» vừa được tạo bởi chương trình khác; không ghi "
                                  "đè.")
            os.replace(temporary, path)
            _sync_folder(path.parent)
        except OutputError:
            raise
        except OSError as exc:
            raise failure(path, exc) from exc
    except OutputError:
        raise
    except OSError as exc:
        raise failure(path, exc) from exc
    finally:
        temporary.unlink(missing_ok=True)


def write_bytes(target: Path | str, data: bytes, *, overwrite: bool) -> Path:
    """Write ``data`` as a file (through output_file)."""
    with output_file(target, overwrite=overwrite) as temporary:
        temporary.write_bytes(data)
    return Path(target)


def _alive(pid: int) -> bool | None:
    """Whether the process runs; None where that cannot be asked cheaply (Windows)."""
    if sys.platform.startswith("win"):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, under another user
    return True


def remove_leftovers(folder: Path, extra: Callable[[Path], bool] | None = None) -> list[Path]:
    """Remove the temporary files of writes that were killed (their process is gone; where that
    cannot be asked, Windows refuses to remove a file still being written), and the files
    ``extra`` claims; the files removed."""
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (extra is not None and extra(entry)):
            if not name.startswith(".") or TEMP_MARK not in name:
                continue
            pid_text = name.split(TEMP_MARK, 1)[1].split("-", 1)[0]
            if pid_text.isdigit() and _alive(int(pid_text)):
                continue
        try:
            entry.unlink()
        except OSError:
            continue
        removed.append(entry)
    return removed
