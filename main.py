"""Sổ đảng viên 213: entry point.

Parses the command line, opens the database and either starts the window or runs a subcommand.
Subcommands never import Qt, and the heavy libraries are imported inside the branch that needs them,
so ``python main.py search ...`` starts quickly.  Exit status: 0 success, 1 input or database
refused (message on stderr), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models import clock

if TYPE_CHECKING:
    from collections.abc import Callable

    from models.db import Database
    from models.documents import IssuerLines
    from models.members import MemberRow
    from reports.party_doc import Margins

PROGRAM = "Sổ đảng viên 213"


class CommandError(Exception):
    """Input refused by a subcommand; the message is shown to the user, exit status 1."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description=f"{PROGRAM} — quản lý đảng viên đang công tác giữ mối liên hệ nơi cư trú.",
    )
    parser.add_argument("--db", type=Path, metavar="PATH",
                        help="tệp cơ sở dữ liệu (mặc định: thư mục dữ liệu của người dùng)")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")

    demo = sub.add_parser("demo", help="tạo / nạp dữ liệu mẫu")
    demo.add_argument("--members", type=_positive_int, default=1800, metavar="N",
                      help="số đảng viên mẫu (mặc định 1800)")
    demo.add_argument("--seed", type=int, default=1, metavar="S",
                      help="hạt giống ngẫu nhiên: cùng hạt giống, cùng dữ liệu")
    demo.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    imp = sub.add_parser("import", help="nhập đảng viên từ tệp .xlsx, .xls, .ods hoặc .csv")
    imp.add_argument("file", type=Path, metavar="FILE", help="tệp danh sách đảng viên")
    imp.add_argument("--dry-run", action="store_true",
                     help="chỉ kiểm tra và báo cáo, không ghi gì vào cơ sở dữ liệu")
    imp.add_argument("--rejects", type=Path, metavar="OUT.xlsx",
                     help="ghi các dòng bị từ chối (kèm cột «Lý do») ra tệp này")
    imp.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    export = sub.add_parser("export", help="xuất danh sách ra tệp .xlsx")
    what = export.add_subparsers(dest="what", metavar="DANH_SÁCH", required=True)
    members = what.add_parser("members", help="danh sách đảng viên")
    members.add_argument("out", type=Path, metavar="OUT.xlsx", help="tệp .xlsx sẽ ghi")
    members.add_argument("--cell", metavar="NAME", help="chỉ chi bộ này (không cần gõ dấu)")

    search = sub.add_parser("search", help="tìm đảng viên (không cần gõ dấu)")
    search.add_argument("text", metavar="TEXT", help="họ tên, số thẻ, số CCCD hoặc điện thoại")
    search.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    backup = sub.add_parser("backup", help="sao lưu cơ sở dữ liệu ra một tệp")
    backup.add_argument("out", metavar="OUT.sqlite", help="tệp sao lưu (chưa có)")
    restore = sub.add_parser("restore", help="khôi phục từ một bản sao lưu (có kiểm tra)")
    restore.add_argument("source", metavar="IN.sqlite", help="tệp sao lưu")

    comments = sub.add_parser("comments", help="phiếu nhận xét đảng viên hằng năm")
    action = comments.add_subparsers(dest="action", metavar="VIỆC", required=True)
    create = action.add_parser("create", help="tạo phiếu nhận xét của một năm")
    create.add_argument("--year", type=_year, required=True, metavar="Y", help="năm nhận xét")
    create.add_argument("--cell", metavar="NAME", help="chỉ chi bộ này (không cần gõ dấu)")
    create.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    printing = sub.add_parser("print", help="in ra tệp PDF")
    what = printing.add_subparsers(dest="what", metavar="VĂN_BẢN", required=True)
    print_comments = what.add_parser("comments", help="phiếu nhận xét của một năm, một tệp PDF")
    print_comments.add_argument("--year", type=_year, required=True, metavar="Y")
    print_comments.add_argument("--cell", metavar="NAME", help="chỉ chi bộ này")
    print_comments.add_argument("--out", type=Path, required=True, metavar="OUT.pdf")
    print_members = what.add_parser("members", help="danh sách / sổ theo dõi đảng viên")
    print_members.add_argument("--cell", metavar="NAME", help="chỉ chi bộ này")
    print_members.add_argument("--out", type=Path, required=True, metavar="OUT.pdf")
    print_summary = what.add_parser("summary", help="báo cáo tổng hợp năm")
    print_summary.add_argument("--year", type=_year, required=True, metavar="Y")
    print_summary.add_argument("--out", type=Path, required=True, metavar="OUT.pdf")
    _exchange_parser(sub)
    return parser


def _exchange_parser(sub: Any) -> None:
    exchange = sub.add_parser("exchange", help="gói trao đổi với tổ chức đảng nơi công tác và "
                                               "Thành ủy / Thị ủy (tệp .zip)")
    action = exchange.add_subparsers(dest="action", metavar="VIỆC", required=True)
    ex_export = action.add_parser("export", help="lập gói của một năm: một gói cho mỗi tổ chức "
                                                 "đảng nơi công tác và gói báo cáo tổng hợp")
    ex_export.add_argument("--year", type=_year, required=True, metavar="Y")
    ex_export.add_argument("--out", type=Path, required=True, metavar="FOLDER",
                           help="thư mục ghi các tệp .zip")
    ex_export.add_argument("--org", action="append", metavar="NAME",
                           help="chỉ tổ chức đảng này (có thể ghi nhiều lần; không cần gõ dấu)")
    ex_export.add_argument("--only", choices=("orgs", "town"),
                           help="orgs: chỉ gói cho các tổ chức đảng; town: chỉ gói báo cáo "
                                "tổng hợp gửi Thành ủy / Thị ủy")
    ex_export.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    ex_import = action.add_parser("import", help="nhập một gói: trả lời của tổ chức đảng, hoặc "
                                                 "báo cáo tổng hợp của một phường")
    ex_import.add_argument("file", type=Path, metavar="FILE.zip")
    ex_import.add_argument("--dry-run", action="store_true",
                           help="chỉ kiểm tra và liệt kê thay đổi, không ghi gì")
    ex_import.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    ex_town = action.add_parser("town", help="báo cáo tổng hợp toàn đảng bộ từ các gói của "
                                             "các phường đã nhập")
    ex_town.add_argument("--year", type=_year, required=True, metavar="Y")
    ex_town.add_argument("--out", type=Path, required=True, metavar="OUT.pdf",
                         help="báo cáo (.pdf, hoặc .xlsx)")
    ex_town.add_argument("--members", type=Path, metavar="LIST.xlsx",
                         help="danh sách đảng viên của các phường (.xlsx hoặc .pdf)")
    ex_town.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    ex_wards = action.add_parser("wards", help="các gói báo cáo của phường đã nhập")
    ex_wards.add_argument("--json", action="store_true", help="in kết quả dạng JSON")


def _year(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"năm không hợp lệ: {value!r}") from None
    if not 1990 <= number <= 2100:
        raise argparse.ArgumentTypeError(f"năm phải trong khoảng 1990–2100: {number}")
    return number


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"không phải số nguyên: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError("phải là số không âm")
    return number


def _database_path(args: argparse.Namespace) -> Path:
    if args.db is not None:
        return Path(args.db)
    from models.db import default_database_path

    return default_database_path()


def _open(args: argparse.Namespace, *, create: bool = False) -> Database:
    path = _database_path(args)
    # the integrity check runs on a thread while SQLAlchemy is being imported
    from models.dbcheck import start_check

    precheck = start_check(path) if path.is_file() else None
    from models.db import open_database

    return open_database(path, create=create, precheck=precheck)


def _emit_json(payload: dict[str, Any]) -> None:
    print(json.dumps(payload, ensure_ascii=False, default=str))


def cmd_demo(args: argparse.Namespace) -> int:
    db = _open(args, create=True)
    from models.demo import fill_demo
    from models.members import count_members

    try:
        if count_members(db.session_factory):
            raise CommandError(
                f"Cơ sở dữ liệu {db.path} đã có dữ liệu; dữ liệu mẫu chỉ nạp vào tệp trống."
            )
        summary = fill_demo(db.session_factory, members=args.members, seed=args.seed)
    finally:
        db.close()
    print(f"Đã tạo dữ liệu mẫu trong {db.path}: {summary.members} đảng viên, "
          f"{summary.cells} chi bộ, {summary.orgs} tổ chức đảng nơi công tác, "
          f"{summary.activities} hoạt động, {summary.attendances} lượt mời dự.")
    if args.json:
        _emit_json({"database": str(db.path), **summary.as_dict()})
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
    db = _open(args)
    from models.members import search_members

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
        _emit_json({"query": args.text, "count": len(rows),
                    "results": [_member_json(r) for r in rows]})
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    import threading

    from models.import_files import ImportFileError, read_rows

    # python-calamine parses the file without the GIL: read it while the models load
    read: dict[str, Any] = {}

    def read_file() -> None:
        try:
            read["rows"] = read_rows(args.file)
        except ImportFileError as exc:
            read["error"] = exc

    reader = threading.Thread(target=read_file, daemon=True)
    reader.start()
    # a one-shot process that allocates ~30 objects per row and frees them at exit: the cyclic
    # garbage collector would walk them again and again (a tenth of the time) and find nothing
    import gc

    gc.disable()
    from models.importer import apply_import, plan_import, read_table

    reader.join()
    if "error" in read:
        raise CommandError(str(read["error"]))
    try:
        table = read_table(args.file, read["rows"])
    except ImportFileError as exc:
        raise CommandError(str(exc)) from exc
    path = _database_path(args)
    db: Database | None = None
    if not args.dry_run:
        db = _open(args, create=True)
    elif path.exists():  # a dry run writes nothing, not even a migration
        from models.db import open_database

        db = open_database(path, read_only=True)
    # else: a dry run never creates the database; it plans against an empty register
    try:
        plan = plan_import(db.session_factory if db else None, table)
        if args.rejects is not None:
            from reports.member_export import write_rejects

            try:
                write_rejects(plan, args.rejects, db.session_factory if db else None)
            except OSError as exc:
                raise CommandError(f"Không ghi được tệp {args.rejects}: {exc}") from exc
        if not args.dry_run and db is not None:
            apply_import(db.session_factory, plan, file_name=args.file.name)
    finally:
        if db is not None:
            db.close()
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
        _emit_json({"file": str(args.file), "dry_run": args.dry_run, **summary})
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    db = _open(args)
    from reports.member_export import export_members

    try:
        cell_id = _cell_id(db, args.cell)
        try:
            count = export_members(db.session_factory, args.out, cell_id=cell_id)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {args.out}: {exc}") from exc
    finally:
        db.close()
    print(f"Đã xuất {count} đảng viên ra {args.out}.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from models.backups import backup_database

    path = _database_path(args)
    out = backup_database(path, Path(args.out))
    print(f"Đã sao lưu {path.name} vào {out}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from models.backups import restore_database

    result = restore_database(Path(args.source), _database_path(args))
    if result.saved_current is not None:
        print(f"Đã lưu cơ sở dữ liệu hiện tại vào {result.saved_current}.")
    if result.migrated_from is not None:
        print(f"Bản sao lưu (phiên bản dữ liệu {result.migrated_from}) đã được nâng cấp.")
    print(f"Đã khôi phục {result.restored} từ {args.source}.")
    return 0


def _cell_id(db: Database, name: str | None) -> int | None:
    """The id of the cell named on the command line (accents optional); None for no name."""
    if name is None:
        return None
    from models.ward import find_cell_id

    cell_id = find_cell_id(db.session_factory, name)
    if cell_id is None:
        raise CommandError(f"Không có chi bộ «{name}».")
    return cell_id


def _cell_phrase(db: Database, cell_id: int | None) -> str:
    """' của Chi bộ khu 5' as stored (the user may have typed it without accents)."""
    if cell_id is None:
        return ""
    from models.ward import list_cells

    names = {c.id: c.name for c in list_cells(db.session_factory, include_inactive=True)}
    return f" của {names.get(cell_id, '')}"


def cmd_comments(args: argparse.Namespace) -> int:
    db = _open(args)
    from models.comments import CommentError, create_round

    try:
        cell_id = _cell_id(db, args.cell)
        where = _cell_phrase(db, cell_id)
        try:
            result = create_round(db.session_factory, args.year, cell_id)
        except CommentError as exc:
            raise CommandError(str(exc)) from exc
    finally:
        db.close()
    print(f"Năm {result.year}{where}: đã tạo {result.created} phiếu nhận xét mới "
          f"(đã có {result.existing} phiếu; {result.excused} đảng viên miễn sinh hoạt nơi cư trú "
          f"không lập phiếu). Danh sách chốt ngày {result.reference_date:%d/%m/%Y}"
          + (f", hạn gửi {result.deadline:%d/%m/%Y}." if result.deadline else "."))
    for cell in result.missing_issuer:
        print(f"Lưu ý: {cell} chưa có dòng tiêu đề văn bản (Danh mục › Cơ quan ban hành).")
    if args.json:
        _emit_json({"year": result.year, "created": result.created, "existing": result.existing,
                    "excused": result.excused, "total": result.created + result.existing,
                    "reference_date": result.reference_date.isoformat(),
                    "deadline": result.deadline.isoformat() if result.deadline else None})
    return 0


def cmd_print_comments(args: argparse.Namespace) -> int:
    db = _open(args)
    from models.comments import CommentError, year_sheet_ids
    from reports.comment_print import print_sheets

    try:
        cell_id = _cell_id(db, args.cell)
        ids = year_sheet_ids(db.session_factory, args.year, cell_id)
        if not ids:
            raise CommandError(f"Năm {args.year} chưa có phiếu nhận xét nào"
                               + (f" của {args.cell}" if args.cell else "")
                               + f" (tạo bằng: comments create --year {args.year}).")
        try:
            pages = print_sheets(db.session_factory, ids, args.out)
        except CommentError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {args.out}: {exc}") from exc
    finally:
        db.close()
    print(f"Đã in {len(ids)} phiếu nhận xét năm {args.year} ({pages} trang) ra {args.out}.")
    return 0


def _write_report(db: Database, out: Path, cell_id: int | None,
                  xlsx: Callable[[Path], object],
                  pdf: Callable[[Path, IssuerLines, Margins], int]) -> str:
    """Write a report as a workbook (OUT.xlsx) or a PDF in the party-document layout of the
    issuer (the cell's, or the ward committee's); '260 trang' or 'bảng tính'."""

    from models.documents import NoIssuer, issuer_lines
    from models.settings import load_settings
    from reports.party_doc import Margins

    try:
        if out.suffix.lower() == ".xlsx":
            xlsx(out)
            return "bảng tính"
        issuer = issuer_lines(db.session_factory, cell_id, clock.today())
        margins = Margins(*load_settings(db.session_factory).margins_mm)
        return f"{pdf(out, issuer, margins)} trang"
    except NoIssuer as exc:
        raise CommandError(str(exc)) from exc
    except OSError as exc:
        raise CommandError(f"Không ghi được tệp {out}: {exc}") from exc


def cmd_print_members(args: argparse.Namespace) -> int:
    db = _open(args)
    from models.summary import member_list
    from reports.member_list import member_list_pdf, member_list_xlsx

    out = Path(args.out)
    try:
        cell_id = _cell_id(db, args.cell)
        data = member_list(db.session_factory, cell_id=cell_id)
        what = _write_report(db, out, cell_id, lambda path: member_list_xlsx(data, path),
                             lambda path, issuer, margins: member_list_pdf(
                                 data, issuer, path, margins))
    finally:
        db.close()
    print(f"Đã in danh sách {len(data.rows)} đảng viên ({data.scope}) ra {out} ({what}).")
    return 0


def cmd_print_summary(args: argparse.Namespace) -> int:
    db = _open(args)
    from models.summary import year_summary
    from reports.summary_report import summary_pdf, summary_xlsx

    out = Path(args.out)
    try:
        data = year_summary(db.session_factory, args.year)
        _write_report(db, out, None, lambda path: summary_xlsx(data, path),
                      lambda path, issuer, margins: summary_pdf(data, issuer, path, margins))
    finally:
        db.close()
    print(f"Đã in báo cáo tổng hợp năm {args.year} ra {out}: {data.movements.at_end} đảng viên "
          f"đến ngày {data.as_of:%d/%m/%Y}.")
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    printers = {"comments": cmd_print_comments, "members": cmd_print_members,
                "summary": cmd_print_summary}
    return printers[args.what](args)


def _exchange_export(db: Database, args: argparse.Namespace) -> int:
    from models.vntext import fold
    from models.ward import list_orgs
    from reports.exchange_export import export_packages

    org_ids = None
    if args.org:
        orgs = list_orgs(db.session_factory, include_inactive=True)
        org_ids = []
        for name in args.org:
            found = [o.id for o in orgs if fold(o.name) == fold(name)] or [
                o.id for o in orgs if fold(name) in fold(o.name)]
            if len(found) != 1:
                raise CommandError(f"Không có tổ chức đảng «{name}»." if not found else
                                   f"«{name}» khớp {len(found)} tổ chức đảng; ghi đủ tên.")
            org_ids += found
    try:
        result = export_packages(db.session_factory, args.year, args.out, org_ids=org_ids,
                                 orgs=args.only != "town", town=args.only != "orgs")
    except OSError as exc:
        raise CommandError(f"Không ghi được vào {args.out}: {exc}") from exc
    for p in result.packages:
        what = "báo cáo tổng hợp" if p.kind == "ward-summary" else "tổ chức đảng"
        print(f"{p.path.name}: {what} {p.name} — {p.members} đảng viên, {p.sheets} phiếu.")
    print(f"Đã lập {len(result.packages)} gói năm {args.year} trong {result.folder}.")
    if args.json:
        _emit_json({"year": args.year, "folder": str(result.folder), "packages": [
            {"file": p.path.name, "kind": p.kind, "name": p.name, "members": p.members,
             "sheets": p.sheets} for p in result.packages]})
    return 0


def _exchange_import(db: Database, args: argparse.Namespace) -> int:
    from models.exchange import ward_identity
    from models.exchange_answers import apply_answers, plan_answers
    from models.exchange_format import KIND_WARD, open_package
    from models.exchange_town import import_ward_package

    package = open_package(args.file)
    if package.kind == KIND_WARD:
        done = import_ward_package(db.session_factory, package,
                                   ward_identity(db.session_factory).uuid, dry_run=args.dry_run)
        verb = "Sẽ nhập" if args.dry_run else "Đã nhập"
        again = (f" (thay gói lập ngày {done.replaces:%d/%m/%Y %H:%M})" if done.replaces else "")
        print(f"{verb} báo cáo tổng hợp năm {done.year} của {done.ward_name}: {done.at_end} đảng "
              f"viên cuối kỳ, danh sách {done.members} dòng{again}.")
        if args.json:
            _emit_json({"kind": KIND_WARD, "ward": done.ward_name, "year": done.year,
                        "members": done.members, "at_end": done.at_end,
                        "replaced": done.replaces is not None, "applied": done.applied})
        return 0
    plan = (plan_answers if args.dry_run else apply_answers)(db.session_factory, package)
    print(f"Gói trả lời của {plan.org_name} (năm {plan.year}): {plan.rows_read} đảng viên.")
    if not plan.answered:
        print("Bảng tính chưa được sửa: gói chưa có trả lời.")
    for c in plan.changes:
        print(f"Dòng {c.row} | {c.member_name} | {c.what}: {c.before or '—'} → {c.after}")
    for text in plan.problems:
        print(f"Không ghi nhận: {text}")
    for text in plan.ignored:
        print(f"Bỏ qua: {text}")
    print(("Sẽ ghi" if args.dry_run else "Đã ghi") + f" {len(plan.changes)} thay đổi"
          + (" (chạy thử, chưa ghi gì)." if args.dry_run else " vào sổ."))
    if args.json:
        _emit_json({**plan.as_dict(), "dry_run": args.dry_run})
    return 0


def _exchange_town(db: Database, args: argparse.Namespace) -> int:

    from models.documents import NoIssuer, issuer_lines
    from models.exchange_town import town_member_list, town_summary
    from models.settings import load_settings
    from reports.member_list import member_list_pdf, member_list_xlsx
    from reports.party_doc import Margins
    from reports.town_report import town_pdf, town_xlsx

    town = town_summary(db.session_factory, args.year)
    margins = Margins(*load_settings(db.session_factory).margins_mm)
    try:
        if Path(args.out).suffix.lower() == ".xlsx":
            town_xlsx(town, args.out)
        else:
            town_pdf(town, issuer_lines(db.session_factory, None, clock.today()), args.out,
                     margins)
        if args.members is not None:
            members = town_member_list(db.session_factory, args.year)
            if Path(args.members).suffix.lower() == ".pdf":
                member_list_pdf(members, issuer_lines(db.session_factory, None, clock.today()),
                                args.members, margins)
            else:
                member_list_xlsx(members, args.members)
    except NoIssuer as exc:
        raise CommandError(str(exc)) from exc
    except OSError as exc:
        raise CommandError(f"Không ghi được tệp: {exc}") from exc
    t = town.total
    print(f"Đã in báo cáo tổng hợp năm {args.year} của {len(town.wards)} phường ra {args.out}: "
          f"{t.movements.at_end} đảng viên đến ngày {t.as_of:%d/%m/%Y}.")
    for w in town.wards:
        print(f"  {w.party_org_name}: {w.summary.movements.at_end} đảng viên")
    if args.json:
        _emit_json({"year": args.year, "wards": [
            {"ward": w.party_org_name, "at_end": w.summary.movements.at_end,
             "received": w.summary.movements.received, "left": w.summary.movements.left_total,
             "sheets": w.summary.comments.total} for w in town.wards],
            "at_start": t.movements.at_start, "received": t.movements.received,
            "left": t.movements.left_total, "at_end": t.movements.at_end,
            "sheets": t.comments.total})
    return 0


def _exchange_wards(db: Database, args: argparse.Namespace) -> int:
    from models.exchange_town import list_ward_reports

    entries = list_ward_reports(db.session_factory)
    for e in entries:
        made = f"{e.package_created_at:%d/%m/%Y %H:%M}"
        print(f"{e.summary.year} | {e.party_org_name} | gói lập {made} | "
              f"{e.summary.movements.at_end} đảng viên")
    print(f"({len(entries)} gói báo cáo của phường)")
    if args.json:
        _emit_json({"reports": [{"year": e.summary.year, "ward": e.party_org_name,
                                 "ward_uuid": e.ward_uuid,
                                 "created_at": e.package_created_at.isoformat(),
                                 "at_end": e.summary.movements.at_end} for e in entries]})
    return 0


def cmd_exchange(args: argparse.Namespace) -> int:
    db = _open(args)
    actions = {"export": _exchange_export, "import": _exchange_import, "town": _exchange_town,
               "wards": _exchange_wards}
    try:
        return actions[args.action](db, args)
    except (ValueError, LookupError) as exc:  # a package or a request refused, with the reason
        raise CommandError(str(exc)) from exc
    finally:
        db.close()


COMMANDS = {"demo": cmd_demo, "import": cmd_import, "export": cmd_export,
            "search": cmd_search, "backup": cmd_backup, "restore": cmd_restore,
            "comments": cmd_comments, "print": cmd_print, "exchange": cmd_exchange}


def _use_utf8_output() -> None:
    # A Windows console may default to a legacy code page that cannot print Vietnamese.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower() not in ("utf-8", "utf8"):
            reconfigure(encoding="utf-8", errors="replace")


def main(argv: list[str] | None = None) -> int:
    _use_utf8_output()
    args = build_parser().parse_args(argv)
    if args.command is None:
        path = _database_path(args)
        from models.dbcheck import start_check

        precheck = start_check(path) if path.is_file() else None
        from ui.app import run_gui

        return run_gui(path, precheck)
    from models.dbcheck import DatabaseError

    try:
        return COMMANDS[args.command](args)
    except (DatabaseError, CommandError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
