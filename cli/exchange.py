"""Exchange packages on the command line: export, import of answers and ward packages, the town's
report, the wards imported."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from cli.common import CommandError, emit_json, open_db, output_path

if TYPE_CHECKING:
    from models.store.db import Database


def _exchange_export(db: Database, args: argparse.Namespace) -> int:
    from models.catalogues.ward import find_org_ids
    from reports.workbooks.exchange_export import export_packages

    org_ids = None
    if args.org:
        org_ids = []
        for name in args.org:
            found = find_org_ids(db.session_factory, name)
            if len(found) != 1:
                raise CommandError(f"Không có tổ chức đảng «{name}»." if not found else
                                   f"«{name}» khớp {len(found)} tổ chức đảng; ghi đủ tên.")
            org_ids += found
    result = export_packages(db.session_factory, args.year, args.out, org_ids=org_ids,
                             orgs=args.only != "town", town=args.only != "orgs",
                             overwrite=args.overwrite)
    for p in result.packages:
        what = "báo cáo tổng hợp" if p.kind == "ward-summary" else "tổ chức đảng"
        print(f"{p.path.name}: {what} {p.name} — {p.members} đảng viên, {p.sheets} phiếu.")
    print(f"Đã lập {len(result.packages)} gói năm {args.year} trong {result.folder}.")
    if args.json:
        emit_json({"year": args.year, "folder": str(result.folder), "packages": [
            {"file": p.path.name, "kind": p.kind, "name": p.name, "members": p.members,
             "sheets": p.sheets} for p in result.packages]})
    return 0


def _exchange_import(db: Database, args: argparse.Namespace) -> int:
    from models.exchange.answers import apply_answers, plan_answers
    from models.exchange.format import KIND_WARD, open_package
    from models.exchange.packages import ward_identity
    from models.exchange.town import import_ward_package

    package = open_package(args.file)
    if package.kind == KIND_WARD:
        done = import_ward_package(db.session_factory, package,
                                   ward_identity(db.session_factory).uuid, dry_run=args.dry_run)
        verb = "Sẽ nhập" if args.dry_run else "Đã nhập"
        again = (f" (thay gói lập ngày {done.replaces:%d/%m/%Y %H:%M})" if done.replaces else "")
        print(f"{verb} báo cáo tổng hợp năm {done.year} của {done.ward_name}: {done.at_end} đảng "
              f"viên cuối kỳ, danh sách {done.members} dòng{again}.")
        if args.json:
            emit_json({"kind": KIND_WARD, "ward": done.ward_name, "year": done.year,
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
        emit_json({**plan.as_dict(), "dry_run": args.dry_run})
    return 0


def _exchange_town(db: Database, args: argparse.Namespace) -> int:

    from models.catalogues.documents import NoIssuer
    from models.exchange.town import town_member_list, town_summary
    from models.store.postgres import PostgresStore, ServerAddress
    from reports import print_jobs

    if args.server is not None and not isinstance(args.server, str):
        raise CommandError("--server cần địa chỉ máy chủ postgresql://NGƯỜI_DÙNG@MÁY_CHỦ:CỔNG/TÊN.")
    server = ServerAddress.parse(args.server) if args.server else (
        db.store.address if isinstance(db.store, PostgresStore) else None)
    live: tuple[Any, ...] = ()
    lists: tuple[Any, ...] = ()
    if server is not None:
        from models.catalogues.ward import get_ward
        from models.exchange.server_wards import read_server_wards

        own = get_ward(db.session_factory)
        wards = read_server_wards(server, args.year, own_ward_uuid=own.uuid if own else "",
                                  with_lists=args.members is not None)
        live, lists = wards.entries, wards.lists
        for reason in wards.skipped:
            print(f"Lưu ý: không đọc được {reason}", file=sys.stderr)
    town = town_summary(db.session_factory, args.year, live)
    try:
        with output_path(args, args.out) as target:
            print_jobs.town_report(db.session_factory, args.year, target, data=town)
        if args.members is not None:
            members = town_member_list(db.session_factory, args.year, lists)
            with output_path(args, args.members) as target:
                print_jobs.town_members(db.session_factory, args.year, target, data=members)
    except NoIssuer as exc:
        raise CommandError(str(exc)) from exc
    t = town.total
    print(f"Đã in báo cáo tổng hợp năm {args.year} của {len(town.wards)} phường ra {args.out}: "
          f"{t.movements.at_end} đảng viên đến ngày {t.as_of:%d/%m/%Y}.")
    for w in town.wards:
        source = "trực tiếp trên máy chủ" if w.live else \
            f"gói lập ngày {w.package_created_at:%d/%m/%Y}"
        print(f"  {w.party_org_name}: {w.summary.movements.at_end} đảng viên ({source})")
    if args.json:
        emit_json({"year": args.year, "wards": [
            {"ward": w.party_org_name, "at_end": w.summary.movements.at_end,
             "received": w.summary.movements.received, "left": w.summary.movements.left_total,
             "sheets": w.summary.comments.total, "live": w.live} for w in town.wards],
            "at_start": t.movements.at_start, "received": t.movements.received,
            "left": t.movements.left_total, "at_end": t.movements.at_end,
            "sheets": t.comments.total})
    return 0


def _exchange_wards(db: Database, args: argparse.Namespace) -> int:
    from models.exchange.town import list_ward_reports

    entries = list_ward_reports(db.session_factory)
    for e in entries:
        made = f"{e.package_created_at:%d/%m/%Y %H:%M}"
        print(f"{e.summary.year} | {e.party_org_name} | gói lập {made} | "
              f"{e.summary.movements.at_end} đảng viên")
    print(f"({len(entries)} gói báo cáo của phường)")
    if args.json:
        emit_json({"reports": [{"year": e.summary.year, "ward": e.party_org_name,
                                 "ward_uuid": e.ward_uuid,
                                 "created_at": e.package_created_at.isoformat(),
                                 "at_end": e.summary.movements.at_end} for e in entries]})
    return 0


def cmd_exchange(args: argparse.Namespace) -> int:
    writes = args.action == "import" and not args.dry_run
    db = open_db(args, write=writes, read_only=args.action == "import" and args.dry_run)
    actions = {"export": _exchange_export, "import": _exchange_import, "town": _exchange_town,
               "wards": _exchange_wards}
    try:
        return actions[args.action](db, args)
    except (ValueError, LookupError) as exc:  # a package or a request refused, with the reason
        raise CommandError(str(exc)) from exc
    finally:
        db.close()
