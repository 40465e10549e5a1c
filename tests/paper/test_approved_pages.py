"""Every kind of document the program prints, printed from the sample ward on the suite's fixed
day and compared, page image against page image, with the images approved by looking at them
(`tests/paper/approved/`; see `tests/paper/pages.py` for how to approve a deliberate change).

A test here fails when a document's layout moves: a line, a column, a word.  It says which page
and where the rendered page and an image of the differences are.
"""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from models.comments.rounds import refresh_drafts
from models.comments.sheets import get_sheet, list_sheets, save_sheet
from models.comments.templates import load_form_options, save_form_options
from models.exchange.format import SHEETS_PDF, WARD_REPORT_PDF
from models.store.db import Database
from reports import print_jobs
from tests.paper.conftest import YEAR, Ward
from tests.paper.pages import check_page
from tests.unit.test_comment_sheet import FREE_TEXT

DAY = date(2026, 12, 5)
Job = Callable[[Database, Ward, Path], None]


def _sheet(db: Database, ward: Ward, out: Path) -> None:
    first = list_sheets(db.session_factory, YEAR)[0]
    print_jobs.print_sheets(db.session_factory, [first.id], out, printed_on=DAY, covers=False)


def _one_off(db: Database, ward: Ward, out: Path) -> None:
    print_jobs.print_sheets(db.session_factory, [ward.one_off], out, printed_on=DAY,
                            covers=False)


def _sheet_600_more(db: Database, ward: Ward, out: Path) -> None:
    """Over 600 more characters (whole sentences) in items 1, 2 and 4: too long for the form's
    arrangement, the sheet prints compact, on one page."""
    f = db.session_factory
    sheet = list_sheets(f, YEAR)[2]
    texts = [i.text for i in get_sheet(f, sheet.id).items]
    sentence = FREE_TEXT[:FREE_TEXT.index(". ") + 1]
    more = {0: f"{sentence} {sentence}", 1: "Gia đình hòa thuận, nuôi dạy con cái tốt.",
            3: sentence}
    for index, text in more.items():
        texts[index] = f"{texts[index]} {text}"
    assert sum(len(t) + 1 for t in more.values()) >= 600
    save_sheet(f, sheet.id, texts, sheet.proposal)
    print_jobs.print_sheets(f, [sheet.id], out, printed_on=DAY, covers=False)


def _sheet_without_certification(db: Database, ward: Ward, out: Path) -> None:
    """Cài đặt › Mẫu nội dung with the ward's certification off: the two signers only."""
    f = db.session_factory
    save_form_options(f, dataclasses.replace(load_form_options(f), ward_certifies=False))
    first = list_sheets(f, YEAR)[0]
    refresh_drafts(f, YEAR, [first.id])
    print_jobs.print_sheets(f, [first.id], out, printed_on=DAY, covers=False)


def _long_sheet(db: Database, ward: Ward, out: Path) -> None:
    f = db.session_factory
    sheet = list_sheets(f, YEAR)[1]
    texts = [i.text for i in get_sheet(f, sheet.id).items]
    texts[0] = f"{texts[0]} {FREE_TEXT[:1200]}"
    save_sheet(f, sheet.id, texts, sheet.proposal)
    print_jobs.print_sheets(f, [sheet.id], out, printed_on=DAY, covers=False)


def _covering_list(db: Database, ward: Ward, out: Path) -> None:
    f = db.session_factory
    rows = list_sheets(f, YEAR)
    largest = max({r.org_id for r in rows}, key=lambda o: sum(r.org_id == o for r in rows))
    print_jobs.print_sheets(f, [r.id for r in rows if r.org_id == largest], out, printed_on=DAY)


def _exchange(name: str) -> Job:
    def job(db: Database, ward: Ward, out: Path) -> None:
        from reports.workbooks.exchange_export import export_packages

        folder = out.parent / "packages"
        export_packages(db.session_factory, YEAR, folder, made_at=datetime(2026, 12, 5, 9))
        for package in sorted(folder.glob("*.zip")):
            with zipfile.ZipFile(package) as archive:
                if name in archive.namelist():
                    out.write_bytes(archive.read(name))
                    return
        raise AssertionError(f"no package holds {name}")

    return job


DOCUMENTS: dict[str, tuple[Job, tuple[int, ...]]] = {
    "sheet": (_sheet, (1,)),
    "sheet-600-more": (_sheet_600_more, (1,)),
    "sheet-without-certification": (_sheet_without_certification, (1,)),
    "one-off-sheet": (_one_off, (1,)),
    "long-sheet": (_long_sheet, (1, 2)),
    "covering-list": (_covering_list, (1, 2)),
    "receipt-slip": (lambda db, w, out: print_jobs.receipt_slip(
        db.session_factory, w.long_name_member, out, today=DAY), (1,)),
    "signature-list": (lambda db, w, out: print_jobs.attendance_sheet(
        db.session_factory, w.held, out, today=DAY), (1,)),
    "signature-list-ward": (lambda db, w, out: print_jobs.attendance_sheet(
        db.session_factory, w.ward_wide, out, today=DAY), (1, 2)),
    "meeting-record": (lambda db, w, out: print_jobs.meeting_record(
        db.session_factory, w.held, out), (1,)),
    "meeting-record-before-roll-call": (lambda db, w, out: print_jobs.meeting_record(
        db.session_factory, w.planned, out), (1,)),
    "member-book": (lambda db, w, out: print_jobs.member_book(
        db.session_factory, out, today=DAY), (1, 2)),
    "attendance-summary": (lambda db, w, out: print_jobs.attendance_summary(
        db.session_factory, YEAR, out, today=DAY), (1, 2)),
    "yearly-summary": (lambda db, w, out: print_jobs.year_summary(
        db.session_factory, YEAR, out, today=DAY), (1, 2)),
    "exchange-organisation-sheets": (_exchange(SHEETS_PDF), (1, 2)),
    "exchange-ward-report": (_exchange(WARD_REPORT_PDF), (1,)),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_the_page_looks_as_approved(name: str, ward_db: Database, sample_ward: Ward,
                                    tmp_path: Path) -> None:
    job, pages = DOCUMENTS[name]
    pdf = tmp_path / f"{name}.pdf"
    job(ward_db, sample_ward, pdf)
    count = len(PdfReader(pdf).pages)
    assert count >= max(pages), f"{name}: {count} page(s), the test looks at page {max(pages)}"
    problems = [check_page(pdf, page, f"{name}-{page}", tmp_path) for page in pages]
    assert not any(problems), "\n".join(p for p in problems if p)


def test_every_approved_image_belongs_to_a_document() -> None:
    from tests.paper.pages import APPROVED

    expected = {f"{name}-{page}.png" for name, (_, pages) in DOCUMENTS.items() for page in pages}
    assert {p.name for p in APPROVED.glob("*.png")} == expected


def test_the_comparison_sees_a_changed_word_but_not_a_shade(tmp_path: Path) -> None:
    """The tolerance, checked: a word changed fails, the same page a shade lighter passes."""
    from PIL import Image, ImageEnhance
    from reportlab.platypus import Paragraph

    from reports.layout import party_doc as doc
    from tests.paper.pages import compare, render

    def page(word: str, name: str) -> Path:
        pdf = tmp_path / f"{name}.pdf"
        body = [doc.body("Số đảng viên được mời: 60 đồng chí. " * 4)] * 6
        doc.build_pdf(pdf, [*body, Paragraph(f"Có mặt: {word} đồng chí.", doc.BODY_STYLE)],
                      title="t", author="a")
        return render(pdf, 1, tmp_path / f"{name}.png")

    one, same, other = page("36", "one"), page("36", "same"), page("63", "other")
    assert compare(same, one).same
    lighter = tmp_path / "lighter.png"
    with Image.open(one) as image:
        ImageEnhance.Brightness(image).enhance(1.08).save(lighter)
    assert compare(lighter, one).same
    assert not compare(other, one).same
