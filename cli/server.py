"""The server on the command line: preparing a ward's database, its users, and copying a whole
ward between a file and a server."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import CommandError, database_location, emit_json, open_db, server_url
from models.store.access import ROLE_LABELS


def _server_only(args: argparse.Namespace) -> str:
    url = server_url(args)
    if url is None:
        raise CommandError(f"Lệnh «{args.command}» dùng cho cơ sở dữ liệu trên máy chủ: "
                           "--db postgresql://NGƯỜI_DÙNG@MÁY_CHỦ:CỔNG/TÊN.")
    return url


def cmd_server(args: argparse.Namespace) -> int:
    from models.store import server
    from models.store.pg_roles import RoleError

    url = _server_only(args)
    try:
        result = server.initialise(url, args.ward,
                                   parent=args.parent or server.DEFAULT_PARENT,
                                   place=args.place or server.DEFAULT_PLACE)
    except RoleError as exc:
        raise CommandError(str(exc)) from exc
    if result.created:
        print(f"Đã khởi tạo cơ sở dữ liệu «{result.database}» cho {result.ward}.")
    elif result.upgraded_from:
        print(f"Đã nâng cấp cơ sở dữ liệu «{result.database}» ({result.ward}) từ phiên bản dữ "
              f"liệu {result.upgraded_from}.")
    else:
        print(f"Cơ sở dữ liệu «{result.database}» ({result.ward}) đã ở phiên bản mới nhất.")
    for notice in result.notices:
        print(f"Lưu ý: {notice}")
    groups = ", ".join(f"{role}: {name}" for role, name in result.groups.items())
    print(f"Đã áp dụng quyền (nhóm trên máy chủ — {groups}).")
    if args.json:
        emit_json({"database": result.database, "ward": result.ward, "created": result.created,
                   "upgraded_from": result.upgraded_from, "groups": result.groups})
    return 0


def read_password(name: str) -> str:
    """The new user's password from standard input: asked twice, unseen, at a terminal; the
    first line otherwise (a pipe or a file)."""
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass(f"Mật khẩu cho {name}: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != first:
            raise CommandError("Hai lần nhập mật khẩu không giống nhau; chưa thêm người dùng.")
        return first
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise CommandError("Chưa có mật khẩu: ghi mật khẩu vào đầu vào chuẩn "
                           "(ví dụ: echo 'mật-khẩu' | main.py … users add TÊN …).")
    return password


def cmd_users(args: argparse.Namespace) -> int:
    from models.store import server
    from models.store.pg_roles import RoleError

    url = _server_only(args)
    try:
        if args.action == "add":
            if args.role == "cell" and not args.cell:
                raise CommandError("Người dùng vai trò cell cần --cell \"Chi bộ …\".")
            if args.role != "cell" and args.cell:
                raise CommandError("Chỉ người dùng vai trò cell mới gắn với một chi bộ (--cell).")
            user = server.add_user(url, args.name, read_password(args.name), args.role,
                                   args.cell)
            where = f" — {user.cell_name}" if user.cell_name else ""
            print(f"Đã thêm người dùng {user.name}: {ROLE_LABELS[user.role]}{where}.")
        elif args.action == "remove":
            server.remove_user(url, args.name)
            print(f"Đã bỏ người dùng {args.name}.")
        else:
            users = server.list_users(url)
            for u in users:
                where = f" | {u.cell_name}" if u.cell_name else ""
                print(f"{u.name} | {u.role}: {ROLE_LABELS[u.role]}{where}")
            print(f"({len(users)} người dùng)")
            if args.json:
                emit_json({"users": [{"name": u.name, "role": u.role, "cell": u.cell_name or None}
                                     for u in users]})
    except RoleError as exc:
        raise CommandError(str(exc)) from exc
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    from models.store.dialect import is_server_location
    from models.store.transfer import copy_into_file, copy_into_server

    dest = args.dest
    source = database_location(args)
    if str(dest) == str(source) or (not is_server_location(dest)
                                    and not is_server_location(source)
                                    and Path(dest).resolve() == Path(source).resolve()):
        raise CommandError("Nơi nhận chính là nơi chép đi.")
    db = open_db(args)
    try:
        if is_server_location(dest):
            from models.store.db import open_database

            target = open_database(str(dest), read_only=False)
            try:
                result = copy_into_server(db.engine, target.engine, overwrite=args.overwrite)
            finally:
                target.close()
            shown = target.location
        else:
            from models.store.output import output_file

            with output_file(Path(dest), overwrite=args.overwrite) as temporary:
                result = copy_into_file(db.engine, temporary)
            shown = str(dest)
    finally:
        db.close()
    for note in result.notes:
        print(f"Lưu ý: {note}")
    print(f"Đã chép {result.ward or 'dữ liệu'} từ {db.location} sang {shown}"
          f"{' (thay thế dữ liệu cũ)' if result.replaced else ''}: "
          f"{result.rows('member')} đảng viên, {result.rows('activity')} hoạt động, "
          f"{result.rows('attendance')} lượt điểm danh, {result.rows('comment_sheet')} phiếu "
          f"nhận xét; {len(result.tables)} bảng, số dòng và mã kiểm tra khớp từng bảng.")
    if args.json:
        emit_json({"source": db.location, "dest": shown, **result.as_dict()})
    return 0
