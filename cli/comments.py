"""The yearly comment round on the command line: creating the sheets, printing them."""

from __future__ import annotations

import argparse

from cli.common import CommandError, cell_id_arg, cell_phrase, emit_json, open_db, output_path


def cmd_comments(args: argparse.Namespace) -> int:
    db = open_db(args, write=True)
    from models.comments.common import CommentError
    from models.comments.rounds import create_round

    try:
        cell_id = cell_id_arg(db, args.cell)
        where = cell_phrase(db, cell_id)
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
        emit_json({"year": result.year, "created": result.created, "existing": result.existing,
                    "excused": result.excused, "total": result.created + result.existing,
                    "reference_date": result.reference_date.isoformat(),
                    "deadline": result.deadline.isoformat() if result.deadline else None})
    return 0


def cmd_print_comments(args: argparse.Namespace) -> int:
    db = open_db(args, write=True)  # the sheets printed get their numbers
    import sys

    from models.comments.common import CommentError
    from models.comments.printing import year_sheet_ids
    from models.formats import format_int
    from reports.print_jobs import print_sheets

    try:
        cell_id = cell_id_arg(db, args.cell)
        ids = year_sheet_ids(db.session_factory, args.year, cell_id)
        if not ids:
            raise CommandError(f"Năm {args.year} chưa có phiếu nhận xét nào"
                               + (f" của {args.cell}" if args.cell else "")
                               + f" (tạo bằng: comments create --year {args.year}).")
        try:
            with output_path(args, args.out) as target:
                printed = print_sheets(db.session_factory, ids, target)
        except CommentError as exc:
            raise CommandError(str(exc)) from exc
    finally:
        db.close()
    print(f"Đã in {format_int(len(ids))} phiếu nhận xét năm {args.year} "
          f"({format_int(printed.pages)} trang) ra {args.out}.")
    if printed.long_sheets:
        print(f"Lưu ý: {printed.warning()}", file=sys.stderr)
    return 0
