"""Print jobs: one path from "what to print" to a file, for the command line and the window.

This is the only part of `reports` that reads the database.  Each job asks the services in
`models` for plain data, hands it to a writer in `reports.documents` (plain data in, a PDF or a
workbook out, never a query) and says what it wrote.  The window shows the file in its preview;
the command line names it.  Numbers a document takes at its first print (comment sheets,
receipt slips) are given by the services these jobs call, in their own transactions.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.activities.service import ActivityRow, get_activity, roster
from models.catalogues.documents import IssuerLines, issuer_lines
from models.catalogues.settings import load_settings
from models.figures.common import Cancelled
from models.labels import ATTENDANCE
from models.store.entities import AttendanceState
from models.text.vntext import fold
from reports.documents.attendance import (
    UNMARKED,
    AttendanceSheetData,
    MeetingRecordData,
    Person,
    attendance_sheet_pdf,
    meeting_record_pdf,
    unmarked_names,
)
from reports.documents.comment_batch import Printed, comment_sheets_pdf
from reports.documents.comment_sheet import SheetFit, SheetItem, sheet_fit
from reports.layout.party_doc import Margins, Out

__all__ = ["Cancelled", "Printed", "SheetFit", "Written", "attendance_sheet",
           "attendance_summary", "file_stem", "meeting_record", "member_book", "page_margins",
           "print_sheets", "receipt_slip", "sheet_fits", "slug", "town_members", "town_report",
           "user_guide", "year_summary"]

Factory = sessionmaker[Session]
Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]
Format = Literal["pdf", "xlsx"]


@dataclass(frozen=True)
class Written:
    """What a job wrote: its pages (0 for a workbook), the lines of a list, and a Vietnamese
    warning the user should read ('' when there is none)."""

    pages: int = 0
    rows: int = 0
    warning: str = ""
    title: str = ""  # what the window's preview calls it
    file_name: str = ""  # a name to offer when saving it
    scope: str = ""  # whose list: 'Chi bộ khu 5', 'Đảng bộ phường Mạo Khê' …


def page_margins(factory: Factory) -> Margins:
    """The margins of every printout, from the settings."""
    return Margins(*load_settings(factory).margins_mm)


def _format(out: Out, excel: bool | None) -> Format:
    if excel is not None:
        return "xlsx" if excel else "pdf"
    is_path = isinstance(out, (str, os.PathLike))
    return "xlsx" if is_path and str(out).lower().endswith(".xlsx") else "pdf"


def _path(out: Out) -> Path:
    """Where a workbook goes: workbooks are written to files only."""
    if isinstance(out, (str, os.PathLike)):
        return Path(out)
    raise TypeError("a workbook is written to a file path")


def slug(text: str) -> str:
    """'Chi bộ khu 5' → 'chi-bo-khu-5': a file name part without accents or spaces."""
    return "-".join(fold(text).split())


_STEMS = {"members": "danh-sach-dang-vien", "attendance": "tong-hop-sinh-hoat-{year}",
          "summary": "bao-cao-tong-hop-{year}"}


def file_stem(report: str, year: int, scope: str = "") -> str:
    """The name offered for a list or report ('tong-hop-sinh-hoat-2026-chi-bo-khu-5')."""
    return _STEMS[report].format(year=year) + (f"-{slug(scope)}" if scope else "")


# --- comment sheets ------------------------------------------------------------------------------

def print_sheets(factory: Factory, sheet_ids: Sequence[int], out: Out, *,
                 printed_on: date | None = None, final: bool = True, mark: bool | None = None,
                 covers: bool = True, progress: Progress | None = None,
                 cancelled: IsCancelled | None = None) -> Printed:
    """Write the sheets as one PDF, grouped by workplace organisation, each group after its
    covering list when `covers`; returns the pages and the sheets longer than one page (their
    warning: `Printed.warning()`).  `final` is a real print: numbers are given to sheets
    without one and, unless `mark` is False (the window marks them when the user really prints
    or saves), the sheets are marked printed once the PDF is written.  A draft
    (`final=False`) changes nothing in the database."""
    from models.comments.printing import mark_printed, prepare_print
    from reports.documents.comment_print import sheet_groups

    printed_on = printed_on or clock.today()
    sheets = prepare_print(factory, list(sheet_ids), printed_on, assign_numbers=final)
    printed = comment_sheets_pdf(sheet_groups(sheets, printed_on, covers=covers), out,
                                 page_margins(factory), progress=progress, cancelled=cancelled)
    if final and (mark is None or mark):
        mark_printed(factory, [s.sheet_id for s in sheets])
    return printed


def sheet_fits(factory: Factory, sheet_id: int, texts: Sequence[str],
               proposal: str | None = None) -> SheetFit:
    """Whether one sheet, with these item texts (as the editor holds them, not yet saved),
    still prints on one page: quick enough to ask on each pause in typing (a few ms)."""
    from models.comments.printing import prepare_print
    from reports.documents.comment_print import sheet_data

    (sheet,) = prepare_print(factory, [sheet_id], clock.today(), assign_numbers=False)
    data = sheet_data(sheet, clock.today())
    items = tuple(SheetItem(i.number, i.title, text if i.text or text else "")
                  for i, text in zip(data.items, [*texts, *[""] * len(data.items)],
                                     strict=False))
    data = replace(data, items=items, proposal=proposal or data.proposal)
    return sheet_fit(data, page_margins(factory))


# --- the receipt slip ----------------------------------------------------------------------------

def receipt_slip(factory: Factory, member_id: int, out: Out, *,
                 today: date | None = None) -> Written:
    """The receipt slip of a member's introduction letter (numbered at its first print)."""
    from models.register.receipts import receipt_facts
    from reports.documents.receipt import ReceiptData, receipt_slip_pdf

    facts = receipt_facts(factory, member_id, today or clock.today())
    data = ReceiptData(
        issuer=facts.issuer, number=facts.code, printed_on=facts.dated, full_name=facts.full_name,
        sex=facts.sex, birth=facts.birth, joined_on=facts.join_date,
        workplace_cell=facts.workplace_cell or None,
        workplace_organisation=facts.workplace_org or None, job_title=facts.job_title or None,
        employer_unit=facts.employer_unit or None, address=facts.address or None,
        letter_number=facts.letter_number or None, letter_date=facts.letter_date,
        letter_issuer=facts.letter_issuer or None, received_on=facts.received_date,
        assigned_cell=facts.cell or None, committee_name=facts.committee_name or None,
    )
    pages = receipt_slip_pdf(data, out, page_margins(factory))
    return Written(pages, title="Phiếu tiếp nhận đảng viên",
                   file_name=f"phieu-tiep-nhan-{slug(facts.full_name)}.pdf")


# --- an activity's sheet and record --------------------------------------------------------------

def _activity(factory: Factory, activity_id: int) -> tuple[ActivityRow, IssuerLines,
                                                           tuple[Person, ...]]:
    activity = get_activity(factory, activity_id)
    issuer = issuer_lines(factory, activity.cell_id, activity.date)
    people = tuple(
        Person(full_name=line.full_name, birth_text=line.birth_text,
               workplace=line.workplace_org, cell=line.cell,
               state_label="" if line.state == AttendanceState.INVITED
               else ATTENDANCE[AttendanceState(line.state)], note=line.note)
        for line in roster(factory, activity_id))
    return activity, issuer, people


def _activity_stem(activity: ActivityRow) -> str:
    return slug(f"{activity.date.isoformat()} {activity.title}")[:60]


def attendance_sheet(factory: Factory, activity_id: int, out: Out, *,
                     today: date | None = None) -> Written:
    """The list the invited members sign at an activity (printed before it)."""
    activity, issuer, people = _activity(factory, activity_id)
    data = AttendanceSheetData(
        issuer=issuer, number=None, printed_on=today or clock.today(),
        activity_date=activity.date, activity_title=activity.title,
        kind_label=activity.kind_label, place=activity.place, cell_name=activity.cell_name,
        ward_wide=activity.cell_id is None, people=people)
    pages = attendance_sheet_pdf(data, out, page_margins(factory))
    return Written(pages, len(people), title="Danh sách ký dự sinh hoạt",
                   file_name=f"danh-sach-ky-{_activity_stem(activity)}.pdf")


def meeting_record(factory: Factory, activity_id: int, out: Out, *,
                   full_list: bool = False) -> Written:
    """The record of an activity, dated the day it was held; the warning names the invited
    members whose attendance is not marked yet (the record prints them as such)."""
    activity, issuer, people = _activity(factory, activity_id)
    data = MeetingRecordData(
        issuer=issuer, number=None, activity_date=activity.date,
        activity_title=activity.title, kind_label=activity.kind_label, place=activity.place,
        cell_name=activity.cell_name, content=activity.content, people=people,
        chair=issuer.signer_name)
    pages = meeting_record_pdf(data, out, page_margins(factory), full_list=full_list)
    unmarked = unmarked_names(people)
    warning = ""
    if unmarked:
        names = ", ".join(unmarked[:10]) + (f" và {len(unmarked) - 10} đồng chí khác"
                                            if len(unmarked) > 10 else "")
        warning = (f"Chưa điểm danh xong: {len(unmarked)} đồng chí chưa được đánh dấu có mặt "
                   f"hay vắng ({names}). Biên bản ghi các đồng chí này là “{UNMARKED.lower()}”.")
    return Written(pages, len(people), warning, title="Biên bản sinh hoạt",
                   file_name=f"bien-ban-{_activity_stem(activity)}.pdf")


# --- lists and reports ---------------------------------------------------------------------------

def member_book(factory: Factory, out: Out, *, cell_id: int | None = None,
                org_id: int | None = None, excel: bool | None = None,
                today: date | None = None, progress: Progress | None = None,
                cancelled: IsCancelled | None = None) -> Written:
    """The member list / tracking book of a cell, an organisation or the ward (PDF, or a
    workbook when `excel` or the file ends in .xlsx)."""
    from models.figures.member_list import member_list
    from reports.documents.member_list import member_list_pdf, member_list_xlsx

    on = today or clock.today()
    data = member_list(factory, cell_id=cell_id, workplace_org_id=org_id, progress=progress,
                       cancelled=cancelled)
    name = file_stem("members", on.year, data.scope if cell_id or org_id else "")
    if _format(out, excel) == "xlsx":
        rows = member_list_xlsx(data, _path(out), made_on=on, progress=progress,
                                cancelled=cancelled)
        return Written(0, rows, file_name=f"{name}.xlsx", scope=data.scope)
    pages = member_list_pdf(data, issuer_lines(factory, cell_id, on), out,
                            page_margins(factory), printed_on=on, progress=progress,
                            cancelled=cancelled)
    return Written(pages, len(data.rows), title="Sổ theo dõi đảng viên",
                   file_name=f"{name}.pdf", scope=data.scope)


def attendance_summary(factory: Factory, year: int, out: Out, *, cell_id: int | None = None,
                       excel: bool | None = None, today: date | None = None,
                       progress: Progress | None = None,
                       cancelled: IsCancelled | None = None) -> Written:
    """The attendance summary of a year, for a cell or the ward."""
    from models.figures.attendance import attendance_summary as figures
    from reports.documents.attendance_summary import (
        attendance_summary_pdf,
        attendance_summary_xlsx,
    )

    on = today or clock.today()
    data = figures(factory, year, cell_id=cell_id, progress=progress)
    name = file_stem("attendance", year, data.scope if cell_id else "")
    if _format(out, excel) == "xlsx":
        rows = attendance_summary_xlsx(data, _path(out), made_on=on)
        return Written(0, rows, file_name=f"{name}.xlsx")
    pages = attendance_summary_pdf(data, issuer_lines(factory, cell_id, on), out,
                                   page_margins(factory), printed_on=on, progress=progress,
                                   cancelled=cancelled)
    return Written(pages, len(data.members), title="Tổng hợp tham gia sinh hoạt",
                   file_name=f"{name}.pdf")


def year_summary(factory: Factory, year: int, out: Out, *, excel: bool | None = None,
                 today: date | None = None, progress: Progress | None = None,
                 data: object | None = None) -> Written:
    """The yearly summary report of the ward (`data`: figures already read for that day)."""
    from models.figures.summary import YearSummary
    from models.figures.summary import year_summary as figures
    from reports.documents.summary_report import summary_pdf, summary_xlsx

    on = today or clock.today()
    summary = data if isinstance(data, YearSummary) else figures(factory, year, today=on,
                                                                 progress=progress)
    name = file_stem("summary", year)
    if _format(out, excel) == "xlsx":
        summary_xlsx(summary, _path(out), made_on=on)
        return Written(0, file_name=f"{name}.xlsx")
    pages = summary_pdf(summary, issuer_lines(factory, None, on), out, page_margins(factory),
                        printed_on=on)
    return Written(pages, title="Báo cáo tổng hợp năm", file_name=f"{name}.pdf")


def town_report(factory: Factory, year: int, out: Out, *, excel: bool | None = None,
                today: date | None = None, data: object | None = None) -> Written:
    """The town-wide report from the wards' imported packages (LookupError: none imported;
    `data`: the figures already read)."""
    from models.exchange.town import TownSummary, town_summary
    from reports.documents.town_report import town_pdf, town_xlsx

    on = today or clock.today()
    town = data if isinstance(data, TownSummary) else town_summary(factory, year)
    if _format(out, excel) == "xlsx":
        town_xlsx(town, _path(out), made_on=on)
        return Written(0, len(town.wards))
    pages = town_pdf(town, issuer_lines(factory, None, on), out, page_margins(factory),
                     printed_on=on)
    return Written(pages, len(town.wards), title="Báo cáo tổng hợp toàn đảng bộ")


def town_members(factory: Factory, year: int, out: Out, *, excel: bool | None = None,
                 today: date | None = None, data: object | None = None) -> Written:
    """The wards' member lists as one book (`data`: the list already read, e.g. with the wards
    read from the server)."""
    from models.exchange.town import town_member_list
    from models.figures.member_list import MemberList
    from reports.documents.member_list import member_list_pdf, member_list_xlsx

    on = today or clock.today()
    members = data if isinstance(data, MemberList) else town_member_list(factory, year)
    if _format(out, excel) == "xlsx":
        return Written(0, member_list_xlsx(members, _path(out), made_on=on))
    pages = member_list_pdf(members, issuer_lines(factory, None, on), out,
                            page_margins(factory), printed_on=on)
    return Written(pages, len(members.rows))


# --- the user guide ------------------------------------------------------------------------------

def user_guide(out: Out, *, title: str, subtitle: str) -> Written:
    """The user guide as a PDF (from the guide's own text and pictures; no database)."""
    from models.support.guide import guide_blocks, image_bytes
    from reports.documents.user_guide import write_guide_pdf

    target = Path(out) if isinstance(out, (str, os.PathLike)) else out
    pages = write_guide_pdf(target, guide_blocks(), image_bytes, title=title, subtitle=subtitle)
    return Written(pages, title=title, file_name="Huong-dan-su-dung-SoDangVien213.pdf")
