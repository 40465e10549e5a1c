"""Printing lists and reports from the command line, as PDF or workbook (OUT.xlsx), through the
print jobs the window uses too (`reports.print_jobs`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from cli.comments import cmd_print_comments
from cli.common import CommandError, cell_id_arg, open_db, output_path

if TYPE_CHECKING:
    from collections.abc import Callable

    from reports.print_jobs import Written


def written_as(args: argparse.Namespace, out: Path,
               write: Callable[[Path], Written]) -> Written:
    """Run a print job into ``out`` through the one output function (models.store.output:
    never onto the register, replacing a file only with --overwrite), its refusals turned into
    the command's clear message."""
    from models.catalogues.documents import NoIssuer

    try:
        with output_path(args, out) as target:
            return write(target)
    except (NoIssuer, LookupError) as exc:
        raise CommandError(str(exc)) from exc


def what_was_written(written: Written) -> str:
    """'120 trang' for a PDF, 'bảng tính' for a workbook."""
    from models.formats import format_int

    return f"{format_int(written.pages)} trang" if written.pages else "bảng tính"


def cmd_print_members(args: argparse.Namespace) -> int:
    db = open_db(args)
    from models.formats import format_int
    from reports import print_jobs

    out = Path(args.out)
    try:
        cell_id = cell_id_arg(db, args.cell)
        written = written_as(args, out, lambda target: print_jobs.member_book(
            db.session_factory, target, cell_id=cell_id))
    finally:
        db.close()
    print(f"Đã in danh sách {format_int(written.rows)} đảng viên ({written.scope}) ra {out} "
          f"({what_was_written(written)}).")
    return 0


def cmd_print_summary(args: argparse.Namespace) -> int:
    db = open_db(args)
    from models.figures.summary import year_summary
    from models.formats import format_date, format_int
    from reports import print_jobs

    out = Path(args.out)
    try:
        data = year_summary(db.session_factory, args.year)
        written = written_as(args, out, lambda target: print_jobs.year_summary(
            db.session_factory, args.year, target, data=data))
    finally:
        db.close()
    print(f"Đã in báo cáo tổng hợp năm {args.year} ra {out} ({what_was_written(written)}): "
          f"{format_int(data.movements.at_end)} đảng viên đến ngày {format_date(data.as_of)}.")
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    printers = {"comments": cmd_print_comments, "members": cmd_print_members,
                "summary": cmd_print_summary}
    return printers[args.what](args)
