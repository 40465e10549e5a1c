"""The print jobs (`reports.print_jobs`): from what to print to a file, the one path the command
line and the window share; what each writes, the numbers it gives, what it warns about."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from models.catalogues.settings import load_settings, save_settings
from models.comments.sheets import get_sheet, list_sheets
from models.store.db import Database
from models.store.entities import Member
from reports import print_jobs
from reports.layout.party_doc import Margins
from tests.paper.conftest import YEAR, Ward
from tests.unit.test_comment_sheet import FREE_TEXT

DAY = date(2026, 12, 5)


def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_a_real_print_numbers_the_sheets_and_a_draft_changes_nothing(
        ward_db: Database, tmp_path: Path) -> None:
    f = ward_db.session_factory
    ids = [s.id for s in list_sheets(f, YEAR)][:5]
    draft = print_jobs.print_sheets(f, ids, tmp_path / "draft.pdf", printed_on=DAY, final=False)
    assert draft.pages >= 5 and draft.long_sheets == ()
    assert all(not s.doc_code and s.status == "draft" for s in list_sheets(f, YEAR)[:5])
    printed = print_jobs.print_sheets(f, ids, tmp_path / "real.pdf", printed_on=DAY)
    rows = {s.id: s for s in list_sheets(f, YEAR)}
    assert all(rows[i].doc_code.endswith("-PNX/CB") and rows[i].status == "printed" for i in ids)
    text = text_of(tmp_path / "real.pdf")
    assert all(rows[i].doc_code in text for i in ids)
    assert printed.pages == len(PdfReader(tmp_path / "real.pdf").pages)


def test_the_editor_asks_whether_the_texts_as_typed_fit(ward_db: Database,
                                                        tmp_path: Path) -> None:
    f = ward_db.session_factory
    sheet = list_sheets(f, YEAR)[0]
    texts = [i.text for i in get_sheet(f, sheet.id).items]
    assert print_jobs.sheet_fits(f, sheet.id, texts).fits
    assert print_jobs.sheet_fits(f, sheet.id, [texts[0] + " " + FREE_TEXT[:600], *texts[1:]]).fits
    much = [texts[0] + " " + FREE_TEXT[:1500], *texts[1:]]
    fit = print_jobs.sheet_fits(f, sheet.id, much)
    assert not fit.fits and "trang 2" in fit.message
    # nothing was saved by asking; printing the same texts gives what the measure said
    assert [i.text for i in get_sheet(f, sheet.id).items] == texts
    from models.comments.sheets import save_sheet

    save_sheet(f, sheet.id, much, sheet.proposal)
    printed = print_jobs.print_sheets(f, [sheet.id], tmp_path / "long.pdf", final=False,
                                      covers=False)
    assert len(printed.long_sheets) == 1 and printed.long_sheets[0].pages == 2
    assert "phiếu dài hơn một trang" in printed.warning()


def test_the_receipt_slip_keeps_its_number(ward_db: Database, sample_ward: Ward,
                                           tmp_path: Path) -> None:
    f = ward_db.session_factory
    member = sample_ward.long_name_member
    first = print_jobs.receipt_slip(f, member, tmp_path / "a.pdf")
    again = print_jobs.receipt_slip(f, member, tmp_path / "b.pdf")
    assert first.pages == again.pages == 1 and first.title == "Phiếu tiếp nhận đảng viên"
    number = next(line for line in text_of(tmp_path / "a.pdf").splitlines() if "-PTN/ĐU" in line)
    assert number in text_of(tmp_path / "b.pdf")
    with f() as session:
        other = session.scalars(select(Member.id).where(Member.id != member)).first()
    assert other is not None
    print_jobs.receipt_slip(f, other, tmp_path / "c.pdf")
    assert number not in text_of(tmp_path / "c.pdf")
    assert first.file_name.startswith("phieu-tiep-nhan-") and " " not in first.file_name


def test_the_record_is_dated_the_day_held_and_warns_before_the_roll_call(
        ward_db: Database, sample_ward: Ward, tmp_path: Path) -> None:
    f = ward_db.session_factory
    from models.activities.service import get_activity

    held = get_activity(f, sample_ward.held)
    written = print_jobs.meeting_record(f, held.id, tmp_path / "held.pdf")
    text = text_of(tmp_path / "held.pdf")
    assert written.warning == ""
    assert f"ngày {held.date.day:02d} tháng {held.date.month:02d} năm {held.date.year}" in text
    assert held.title in text and f"{held.kind_label}: {held.title}" not in text
    early = print_jobs.meeting_record(f, sample_ward.planned, tmp_path / "early.pdf")
    assert early.warning.startswith("Chưa điểm danh xong:") and early.rows > 0
    assert "Không có đồng chí nào vắng mặt" not in text_of(tmp_path / "early.pdf")


def test_the_ward_wide_signature_list_is_grouped_by_cell(ward_db: Database, sample_ward: Ward,
                                                         tmp_path: Path) -> None:
    f = ward_db.session_factory
    written = print_jobs.attendance_sheet(f, sample_ward.ward_wide, tmp_path / "wide.pdf")
    text = text_of(tmp_path / "wide.pdf")
    assert written.rows > 20 and "Chi bộ khu 1 (" in text and "Chi bộ khu 2 (" in text
    assert text.index("Chi bộ khu 2 (") < text.index("Chi bộ khu 10 (")
    assert f"Tổng số: {written.rows} đồng chí." in text


def test_lists_as_pdf_or_workbook_by_the_file_name(ward_db: Database, tmp_path: Path) -> None:
    f = ward_db.session_factory
    book = print_jobs.member_book(f, tmp_path / "book.pdf")
    assert book.pages > 1 and book.rows > 100 and book.scope == "Đảng bộ phường Mạo Khê"
    sheet = print_jobs.member_book(f, tmp_path / "book.xlsx")
    assert sheet.pages == 0 and sheet.rows == book.rows
    assert load_workbook(tmp_path / "book.xlsx").active.max_row > book.rows
    summary = print_jobs.attendance_summary(f, YEAR, tmp_path / "att.pdf")
    assert summary.pages >= 2 and "TỔNG HỢP" in text_of(tmp_path / "att.pdf")
    report = print_jobs.year_summary(f, YEAR, tmp_path / "report.pdf")
    assert report.pages >= 2 and "BÁO CÁO" in text_of(tmp_path / "report.pdf")
    assert print_jobs.file_stem("attendance", YEAR, "Chi bộ khu 5") == (
        "tong-hop-sinh-hoat-2026-chi-bo-khu-5")


def test_every_job_prints_with_the_margins_of_the_settings(ward_db: Database,
                                                           tmp_path: Path) -> None:
    f = ward_db.session_factory
    save_settings(f, {"margin_left": 30.0, "margin_top": 20.0})
    assert load_settings(f).margins_mm == (20.0, 25.0, 30.0, 15.0)
    assert print_jobs.page_margins(f) == Margins(20.0, 25.0, 30.0, 15.0)
    print_jobs.receipt_slip(f, 1, tmp_path / "slip.pdf")
    from tests.unit.test_party_doc import runs

    found = runs(PdfReader(tmp_path / "slip.pdf").pages[0])
    assert 30 * 72 / 25.4 - 1 <= min(r.x for r in found) < 31 * 72 / 25.4


def test_the_command_line_warns_of_a_sheet_over_one_page(
        ward_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import main
    from models.comments.sheets import save_sheet

    f = ward_db.session_factory
    sheet = list_sheets(f, YEAR)[0]
    texts = [i.text for i in get_sheet(f, sheet.id).items]
    save_sheet(f, sheet.id, [texts[0] + " " + FREE_TEXT[:1500], *texts[1:]], sheet.proposal)
    path = ward_db.path
    ward_db.close()
    out = tmp_path / "round.pdf"
    assert main.main(["--db", str(path), "print", "comments", "--year", str(YEAR),
                      "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "phiếu nhận xét năm 2026" in printed.out
    assert printed.err.startswith("Lưu ý: 1 phiếu dài hơn một trang (")
    assert sheet.full_name in printed.err
