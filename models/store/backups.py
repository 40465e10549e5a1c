"""Manual backup and verified restore of the database file.

A backup is SQLite's online backup, so it is consistent even while the program is open. A restore
checks the copy first (SQLite? intact? a schema this program knows, not a newer one), always saves
the current database before replacing it, brings an older copy up to date on a scratch file, and
only then swaps the files, so a refused or failed restore leaves the current database as it was.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from models import clock
from models.store.db import backup_file, default_backup_dir, open_database
from models.store.dbcheck import (
    DISK_FULL_MESSAGE,
    DatabaseError,
    DatabaseFull,
    DatabaseLocked,
    check_file,
    is_disk_full,
)


def lock_for(path: Path) -> FileLock:
    """The one-program-per-database lock (the window holds it while the file is open)."""
    return FileLock(str(path) + ".lock", timeout=0)


@dataclass(frozen=True)
class RestoreResult:
    restored: Path
    saved_current: Path | None  # the copy of what was there before, if anything was
    migrated_from: str | None  # the copy's older schema revision, brought up to date


def backup_database(path: Path, out: Path) -> Path:
    """Copy the database at ``path`` into ``out`` (which must not exist yet)."""
    check_file(path)
    if out.exists():
        raise DatabaseError(f"Tệp {out} đã có; hãy chọn tên khác để không ghi đè.")
    try:
        return backup_file(path, out)
    except FileExistsError:
        raise DatabaseError(f"Tệp {out} đã có; hãy chọn tên khác để không ghi đè.") from None
    except (OSError, sqlite3.Error) as exc:
        for suffix in ("", "-journal", "-wal", "-shm"):  # no half-written copy is left behind
            Path(str(out) + suffix).unlink(missing_ok=True)
        if is_disk_full(exc):
            raise DatabaseFull(f"Không ghi được bản sao lưu {out}: ổ đĩa đầy. Hãy giải phóng "
                               "chỗ trống hoặc chọn ổ đĩa khác.") from exc
        raise DatabaseError(f"Không ghi được bản sao lưu {out}: {exc}") from exc


def _checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the file, so that no -wal/-shm outlives a swap."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.DatabaseError:
        pass  # a damaged file being replaced: its log goes with it
    finally:
        con.close()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def restore_database(source: Path, target: Path, backup_dir: Path | None = None, *,
                     lock_held: bool = False) -> RestoreResult:
    """Replace ``target`` by a verified copy of ``source``; raise DatabaseError when refused.

    ``lock_held``: the caller (the window restoring its own database, its connections closed)
    already holds the one-program-per-database lock, so nobody else can open the file meanwhile.
    """
    source_check = check_file(source)  # refuses non-SQLite, corrupt, foreign, newer files
    if source_check.revision is None:
        raise DatabaseError(f"Tệp {source.name} là cơ sở dữ liệu trống, không có gì để khôi phục.")
    lock = None if lock_held else lock_for(target)
    if lock is not None:
        try:
            lock.acquire()
        except Timeout:
            raise DatabaseLocked(
                f"Cơ sở dữ liệu {target.name} đang mở trong chương trình. Hãy đóng cửa sổ đó "
                "rồi khôi phục lại.") from None
    try:
        return _replace(source, target, backup_dir)
    except (OSError, sqlite3.Error) as exc:
        # a folder that cannot be written, a disk that fills, a file that vanishes: the
        # current database is still as it was (it is replaced last, in one rename)
        if is_disk_full(exc):
            raise DatabaseFull(DISK_FULL_MESSAGE) from exc
        raise DatabaseError(f"Không khôi phục được từ {source.name}: {exc}. Dữ liệu hiện tại "
                            "không bị thay đổi.") from exc
    finally:
        if lock is not None:
            lock.release()


def _replace(source: Path, target: Path, backup_dir: Path | None) -> RestoreResult:
    """Save the current database, then swap in a checked (and migrated) copy of ``source``."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    saved: Path | None = None
    if target.exists():
        folder = backup_dir or default_backup_dir(target)
        name = f"{target.stem}-truoc-khoi-phuc-{stamp}.sqlite"
        try:
            try:
                check_file(target)
            except DatabaseError:
                # a damaged database is what restores are for: keep its bytes as they are
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                saved = Path(shutil.copy2(target, folder / name))
                saved.chmod(0o600)  # copy2 copies the mode; a backup is for its owner only
            else:
                saved = backup_file(target, folder / name)
        except BaseException:
            if folder.is_dir():
                (folder / name).unlink(missing_ok=True)  # never a half-written copy
            raise
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.parent / f".{target.name}.khoi-phuc-{stamp}"
    try:
        backup_file(source, scratch)
        # an older copy is migrated on the scratch file (its own pre-migration backup goes
        # with the other backups)
        db = open_database(scratch, backup_dir=backup_dir or default_backup_dir(target))
        migrated_from = db.migrated_from
        db.close()
        _checkpoint(scratch)
        if target.exists():
            _checkpoint(target)
        os.replace(scratch, target)
    except BaseException:
        for suffix in ("", "-wal", "-shm"):
            Path(str(scratch) + suffix).unlink(missing_ok=True)
        raise
    return RestoreResult(restored=target, saved_current=saved, migrated_from=migrated_from)


AUTO_TAG = "tu-dong"
KEEP_LATEST = 20
KEEP_MONTHS = 12


def _stamp_of(path: Path, stem: str) -> datetime | None:
    prefix = f"{stem}-{AUTO_TAG}-"
    if not (path.name.startswith(prefix) and path.suffix == ".sqlite"):
        return None
    try:
        return datetime.strptime(path.stem[len(prefix):], "%Y%m%d-%H%M%S")
    except ValueError:
        return None


def backups_to_remove(files: list[Path], stem: str, now: datetime) -> list[Path]:
    """Automatic backups beyond the rotation: keep the newest 20, and the newest of each of
    the last 12 months; manual backups and other files are never touched."""
    dated = sorted(((s, f) for f in files if (s := _stamp_of(f, stem)) is not None),
                   reverse=True)
    keep = {f for _s, f in dated[:KEEP_LATEST]}
    months_seen: set[tuple[int, int]] = set()
    for stamp, f in dated:
        month = (stamp.year, stamp.month)
        age = (now.year - stamp.year) * 12 + now.month - stamp.month
        if age < KEEP_MONTHS and month not in months_seen:
            months_seen.add(month)
            keep.add(f)
    return [f for _s, f in dated if f not in keep]


def automatic_backup(path: Path, folder: Path, now: datetime | None = None) -> Path:
    """The backup taken when the program closes after a change, then the rotation."""
    now = now or clock.now()
    out = backup_file(path, folder / f"{path.stem}-{AUTO_TAG}-{now:%Y%m%d-%H%M%S}.sqlite")
    for old in backups_to_remove(list(folder.glob(f"{path.stem}-{AUTO_TAG}-*.sqlite")),
                                 path.stem, now):
        old.unlink(missing_ok=True)
    return out
