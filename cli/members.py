"""Members on the command line: the sample ward, search, import and export."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.common import (
    CommandError,
    cell_id_arg,
    database_path,
    emit_json,
    open_db,
    output_path,
    server_url,
)

if TYPE_CHECKING:
    from models.register.members import MemberRow
    from models.store.db import Database


def _remove_if_new(created: bool, path: Path) -> None:
    """A database this command made and could not fill is not left behind."""
    if created:
        from models.store.sqlite import companion_files

        for file in (path, *companion_files(path)):
            file.unlink(missing_ok=True)


def cmd_demo(args: argparse.Namespace) -> int:
    path = database_path(args)
    created = server_url(args) is None and not path.exists()
    done = False
    try:
        db = open_db(args, create=True, write=True)
        from models.demo.sample import fill_demo
        from models.register.members import count_members

        try:
            if count_members(db.session_factory):
                raise CommandError(
                    f"Cơ sở dữ liệu {db.location} đã có dữ liệu; dữ liệu mẫu chỉ nạp vào cơ sở "
                    "dữ liệu trống.")
            summary = fill_demo(db.session_factory, members=args.members, seed=args.seed)
            done = True
        finally:
            db.close()
    finally:
        if not done:  # refused, failed or stopped: a database this command made is not kept
            _remove_if_new(created, path)
    print(f"Đã tạo dữ liệu mẫu trong {db.location}: {summary.members} đảng viên, "
          f"{summary.cells} chi bộ, {summary.orgs} tổ chức đảng nơi công tác, "
          f"{summary.activities} hoạt động, {summary.attendances} lượt mời dự.")
    if args.json:
        emit_json({"database": db.location, **summary.as_dict()})
    return 0


def _member_json(row: MemberRow) -> dict[str, Any]:
    return {
        "id": row.uuid,
        "full_name": row.full_name,
        "birth_date": row.birth_date.isoformat() if row.birth_date else None,
        "birth_year": row.birth_year,
        "sex": row.sex_label,
        "card_number": row.card_number or None,
        "citizen_id": row.citizen_id or None,
        "phone": row.phone or None,
        "cell": row.cell or None,
        "workplace_org": row.workplace_org or None,
        "status": row.status_label,
        "excused": row.excused,
        "archived": row.archived,
    }


def cmd_search(args: argparse.Namespace) -> int:
    db = open_db(args)
    from models.register.members import search_members

    try:
        rows = search_members(db.session_factory, args.text)
    finally:
        db.close()
    for row in rows:
        parts = [row.full_name, row.birth_text, row.cell, row.workplace_org, row.status_label]
        print(" | ".join(p for p in parts if p))
    if not args.json:
        print(f"({len(rows)} kết quả)")
    else:
        emit_json({"query": args.text, "count": len(rows),
                    "results": [_member_json(r) for r in rows]})
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    import threading

    from models.importing.files import ImportFileError, read_sheet

    # python-calamine parses the file without the GIL: read it while the models load
    read: dict[str, Any] = {}

    def read_file() -> None:
        try:
            read["rows"], read["sheet"] = read_sheet(args.file)
        except ImportFileError as exc:
            read["error"] = exc
        except MemoryError:
            read["error"] = ImportFileError(f"Tệp {args.file.name} quá lớn để đọc.")

    reader = threading.Thread(target=read_file, daemon=True)
    reader.start()
    # a one-shot process that allocates ~30 objects per row and frees them at exit: the cyclic
    # garbage collector would walk them again and again (a tenth of the time) and find nothing
    import gc

    gc.disable()
    from models.importing.importer import ImportPlan, import_now, plan_import, read_table

    reader.join()
    if "error" in read:
        raise CommandError(str(read["error"]))
    try:
        table = read_table(args.file, read["rows"], read["sheet"])
    except ImportFileError as exc:
        raise CommandError(str(exc)) from exc

    def write_rejects(plan: ImportPlan, factory: Any) -> None:
        if args.rejects is not None:
            from reports.workbooks.member_export import write_rejects

            with output_path(args, args.rejects) as target:
                write_rejects(plan, target, factory)

    path = database_path(args)
    server = server_url(args) is not None
    if args.dry_run:
        db: Database | None = None
        if server or path.exists():  # a dry run writes nothing, not even a migration
            db = open_db(args, read_only=True)
        # else: a dry run never creates the database; it plans against an empty register
        try:
            plan = plan_import(db.session_factory if db else None, table)
            write_rejects(plan, db.session_factory if db else None)
        finally:
            if db is not None:
                db.close()
    else:
        created = not server and not path.exists()
        db = open_db(args, create=True, write=True)
        done = False
        try:
            factory = db.session_factory
            try:
                plan, _result = import_now(factory, table, file_name=args.file.name,
                                           before_write=lambda p: write_rejects(p, factory))
            except ImportFileError as exc:
                raise CommandError(str(exc)) from exc
            done = True
        finally:
            db.close()
            if not done:
                _remove_if_new(created, path)
    summary = plan.summary()
    verb = "Sẽ nhập" if args.dry_run else "Đã nhập"
    print(f"{verb} từ {args.file.name} (tiêu đề ở dòng {summary['header_row']}): "
          f"{summary['imported']} đảng viên mới, {summary['updated']} cập nhật, "
          f"{summary['rejected']} dòng bị từ chối.")
    for row in plan.rejected[:20]:
        print(f"  Dòng {row.row_number}: {' '.join(row.reasons)}")
    if len(plan.rejected) > 20:
        print(f"  ... và {len(plan.rejected) - 20} dòng khác.")
    legacy = summary["legacy_columns"]
    if isinstance(legacy, list) and legacy:
        print(f"Đã chuyển từ mã cũ (TCVN3/VNI) sang Unicode các cột: {', '.join(legacy)}.")
    if summary["year_only_births"]:
        print(f"{summary['year_only_births']} đảng viên chỉ có năm sinh (không có ngày sinh).")
    for key, text in (("ignored_columns", "Cột bỏ qua"), ("new_cells", "Chi bộ mới"),
                      ("new_orgs", "Tổ chức đảng mới")):
        names = summary[key]
        if isinstance(names, list) and names:
            print(f"{text}: {', '.join(str(n) for n in names)}")
    if args.json:
        emit_json({"file": str(args.file), "dry_run": args.dry_run, **summary})
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    db = open_db(args)
    from reports.workbooks.member_export import export_members

    try:
        cell_id = cell_id_arg(db, args.cell)
        with output_path(args, args.out) as target:
            count = export_members(db.session_factory, target, cell_id=cell_id)
    finally:
        db.close()
    print(f"Đã xuất {count} đảng viên ra {args.out}.")
    return 0
