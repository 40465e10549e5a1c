"""Manual backup and verified restore of the database file.

A backup is the store's online backup, so it is consistent even while the program is open, and it
is written through the one output function (a killed copy leaves nothing that blocks the next).
A restore checks the copy first (SQLite? intact? a schema this program knows, not a newer one),
takes the writer's lock and proves that no other connection has the file open, always saves the
current database before replacing it, brings an older copy up to date on a scratch file, and
only then swaps the files, so a refused or failed restore leaves the current database as it was.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from filelock import FileLock

from models import clock
from models.store import locking, output
from models.store.db import RESTORE_SCRATCH, backup_file, default_backup_dir, migrate
from models.store.dbcheck import (
    DISK_FULL_MESSAGE,
    DatabaseError,
    DatabaseFull,
    DatabaseLocked,
    check_file,
)
from models.store.dialect import store_for
from models.store.migrations import HEAD_REVISION
from models.store.sqlite import companion_files, fold_log, is_disk_full


def lock_for(path: Path) -> FileLock:
    """The one-writer-per-database lock (the window holds it while the file is open)."""
    return locking.writer_lock(path)


@dataclass(frozen=True)
class RestoreResult:
    restored: Path
    saved_current: Path | None  # the copy of what was there before, if anything was
    migrated_from: str | None  # the copy's older schema revision, brought up to date


def backup_database(path: Path | str, out: Path, *, overwrite: bool = False) -> Path:
    """Copy the database at ``path`` (a file, a server's URL or the stand-in path of an open
    server database) into ``out`` (a new file, or with ``overwrite`` any file that is not a
    database)."""
    store_for(path).check()
    return backup_file(path, out, overwrite=overwrite)


def restore_database(source: Path, target: Path, backup_dir: Path | None = None, *,
                     lock_held: bool = False, wait: float = locking.WAIT_SECONDS,
                     waiting: Callable[[], None] | None = None) -> RestoreResult:
    """Replace ``target`` by a verified copy of ``source``; raise DatabaseError when refused.

    ``lock_held``: the caller (the window restoring its own database, its connections closed)
    already holds the writer's lock.  Refused while another program holds that lock or has the
    file open at all.
    """
    source_check = check_file(source)  # refuses non-SQLite, corrupt, foreign, newer files
    if source_check.revision is None:
        raise DatabaseError(f"Tệp {source.name} là cơ sở dữ liệu trống, không có gì để khôi phục.")
    if target.exists() and source.resolve() == target.resolve():
        raise DatabaseError("Đây chính là cơ sở dữ liệu đang dùng, không phải một bản sao lưu.")
    # through a link, the register it points to is restored (and locked), never the link
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = None if lock_held else locking.acquire(target, wait, waiting)
    try:
        store_for(target).ensure_alone()
        return _replace(source, target, backup_dir)
    except DatabaseLocked:
        raise
    except DatabaseError as exc:
        raise type(exc)(f"{exc} Dữ liệu hiện tại không bị thay đổi.") from exc
    except output.OutputError as exc:
        raise DatabaseError(f"Không khôi phục được từ {source.name}: {exc} Dữ liệu hiện tại "
                            "không bị thay đổi.") from exc
    except (OSError, sqlite3.Error) as exc:
        # a folder that cannot be written, a disk that fills, a file that vanishes: the
        # current database is still as it was (it is replaced last, in one rename)
        if is_disk_full(exc, target.parent):
            raise DatabaseFull(DISK_FULL_MESSAGE) from exc
        raise DatabaseError(f"Không khôi phục được từ {source.name}: {exc}. Dữ liệu hiện tại "
                            "không bị thay đổi.") from exc
    finally:
        if lock is not None:
            lock.release()


def _save_current(target: Path, folder: Path, stamp: str) -> Path:
    """The current database, copied into the backup folder before it is replaced."""
    out = folder / f"{target.stem}-truoc-khoi-phuc-{stamp}.sqlite"
    try:
        check_file(target)
    except DatabaseError:
        # a damaged database is what restores are for: keep its bytes as they are
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with output.output_file(out, overwrite=False, backup=True) as temporary:
            shutil.copyfile(target, temporary)
        return out
    return backup_file(target, out)


def _replace(source: Path, target: Path, backup_dir: Path | None) -> RestoreResult:
    """Save the current database, then swap in a checked (and migrated) copy of ``source``."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    folder = backup_dir or default_backup_dir(target)
    saved = _save_current(target, folder, stamp) if target.exists() else None
    scratch = target.parent / f".{target.name}{RESTORE_SCRATCH}{stamp}"
    migrated_from: str | None = None
    try:
        fd = os.open(scratch, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        os.close(fd)
        store = store_for(scratch)
        store_for(source).backup(scratch)
        revision = store.check().revision
        if revision != HEAD_REVISION:
            # an older copy is migrated on the scratch file (its own pre-migration backup goes
            # with the other backups)
            migrated_from = revision
            migrate(store, scratch, str(revision), folder, keep_copy=False)
        fold_log(scratch)
        if target.exists():
            store_for(target).ensure_alone()  # again: nobody may have opened it meanwhile
            fold_log(target)
        os.replace(scratch, target)
    finally:
        for file in (scratch, *companion_files(scratch)):
            file.unlink(missing_ok=True)
    return RestoreResult(restored=target, saved_current=saved, migrated_from=migrated_from)


@dataclass(frozen=True)
class RegisterFacts:
    """Whose data a database file holds, as a restore shows it before asking."""

    path: Path
    ward: str  # the committee's name; "" before the ward is set up
    ward_uuid: str
    members: int
    last_change: datetime | None  # the latest change the history recorded
    saved_at: datetime  # the file's own time

    def line(self) -> str:
        from models.formats import format_int

        when = self.last_change or self.saved_at
        return (f"{self.ward or '(chưa thiết lập phường)'}, {format_int(self.members)} đảng "
                f"viên, thay đổi gần nhất lúc {when:%H:%M ngày %d/%m/%Y}")


def register_facts(path: Path) -> RegisterFacts | None:
    """The facts of a register file (None when there is no such file); DatabaseError when it is
    not a register this program can read."""
    from sqlalchemy import func, select

    from models.store.entities import ChangeLog, Member, Ward

    if not path.exists():
        return None
    check_file(path)
    engine = store_for(path).engine(read_only=True)
    try:
        with engine.connect() as connection:
            ward = connection.execute(select(Ward.committee_name, Ward.uuid).limit(1)).first()
            members = connection.execute(select(func.count(Member.id))).scalar_one()
            last = connection.execute(select(func.max(ChangeLog.at))).scalar_one()
    finally:
        engine.dispose()
    return RegisterFacts(path, ward[0] if ward else "", ward[1] if ward else "", int(members),
                         last, datetime.fromtimestamp(path.stat().st_mtime))


def compare_registers(current: Path, backup: Path) -> list[str]:
    """What a restore of ``backup`` over ``current`` brings, beside what is there now: the lines
    to show before asking, a warning first when the wards differ."""
    theirs = register_facts(backup)
    if theirs is None:
        return []
    ours = register_facts(current) if current.exists() else None
    lines = []
    if ours is not None and ours.ward_uuid and theirs.ward_uuid != ours.ward_uuid:
        lines.append(f"CẢNH BÁO: bản sao lưu là dữ liệu của «{theirs.ward or 'một phường khác'}», "
                     f"không phải của «{ours.ward}» đang dùng.")
    lines.append(f"Bản sao lưu: {theirs.line()}.")
    if ours is not None:
        lines.append(f"Đang dùng: {ours.line()}.")
    return lines


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
