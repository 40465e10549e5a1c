"""Backing up and restoring the database from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import _waiting, database_location, database_path, server_url


def cmd_backup(args: argparse.Namespace) -> int:
    from models.store.backups import backup_database

    location = database_location(args)
    out = backup_database(location, Path(args.out), overwrite=args.overwrite)
    shown = location.name if isinstance(location, Path) else location
    print(f"Đã sao lưu {shown} vào {out}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from models.store.backups import compare_registers, restore_database
    from models.store.dbcheck import DatabaseError

    url = server_url(args)
    if url is not None:
        from models.store.dialect import store_for

        store_for(url).ensure_alone()  # a server is never restored over: its refusal says how
    path = database_path(args)
    source = Path(args.source)
    try:
        lines = compare_registers(path, source)
    except DatabaseError:
        lines = []  # the restore itself says why it refuses either file
    for line in lines:
        print(line, file=sys.stderr)
    result = restore_database(source, path, waiting=lambda: _waiting(path))
    if result.saved_current is not None:
        print(f"Đã lưu cơ sở dữ liệu hiện tại vào {result.saved_current}.")
    if result.migrated_from is not None:
        print(f"Bản sao lưu (phiên bản dữ liệu {result.migrated_from}) đã được nâng cấp.")
    print(f"Đã khôi phục {result.restored} từ {args.source}.")
    return 0
