"""Printing lists and reports from the command line, as PDF or workbook."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from cli.comments import cmd_print_comments
from cli.common import CommandError, cell_id_arg, open_db, output_path
from models import clock

if TYPE_CHECKING:
    from collections.abc import Callable

    from models.catalogues.documents import IssuerLines
    from models.store.db import Database
    from reports.layout.party_doc import Margins


def _write_report(db: Database, args: argparse.Namespace, out: Path, cell_id: int | None,
                  xlsx: Callable[[Path], object],
                  pdf: Callable[[Path, IssuerLines, Margins], int]) -> str:
    """Write a report as a workbook (OUT.xlsx) or a PDF in the party-document layout of the
    issuer (the cell's, or the ward committee's); '260 trang' or 'bảng tính'."""

    from models.catalogues.documents import NoIssuer, issuer_lines
    from models.catalogues.settings import load_settings
    from reports.layout.party_doc import Margins

    try:
        if out.suffix.lower() == ".xlsx":
            with output_path(args, out) as target:
                xlsx(target)
            return "bảng tính"
        issuer = issuer_lines(db.session_factory, cell_id, clock.today())
        margins = Margins(*load_settings(db.session_factory).margins_mm)
        with output_path(args, out) as target:
            pages = pdf(target, issuer, margins)
        return f"{pages} trang"
    except NoIssuer as exc:
        raise CommandError(str(exc)) from exc


def cmd_print_members(args: argparse.Namespace) -> int:
    db = open_db(args)
    from models.figures.member_list import member_list
    from reports.documents.member_list import member_list_pdf, member_list_xlsx

    out = Path(args.out)
    try:
        cell_id = cell_id_arg(db, args.cell)
        data = member_list(db.session_factory, cell_id=cell_id)
        what = _write_report(db, args, out, cell_id, lambda path: member_list_xlsx(data, path),
                             lambda path, issuer, margins: member_list_pdf(
                                 data, issuer, path, margins))
    finally:
        db.close()
    print(f"Đã in danh sách {len(data.rows)} đảng viên ({data.scope}) ra {out} ({what}).")
    return 0


def cmd_print_summary(args: argparse.Namespace) -> int:
    db = open_db(args)
    from models.figures.summary import year_summary
    from reports.documents.summary_report import summary_pdf, summary_xlsx

    out = Path(args.out)
    try:
        data = year_summary(db.session_factory, args.year)
        _write_report(db, args, out, None, lambda path: summary_xlsx(data, path),
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
