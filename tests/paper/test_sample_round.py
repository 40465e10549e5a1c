"""The whole sample round (the ward `demo` makes: 1,800 members, seed 1) printed as the office
prints it: every sheet on one page, in the arrangement `sheet_fit` said (the form's for nearly
all), every document number whole on its line, and every sheet still on one page with 600 more
characters of comments."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from models.comments.printing import prepare_print, year_sheet_ids
from models.comments.rounds import create_round
from models.demo.sample import fill_demo
from models.store.db import Database, open_database
from reports import print_jobs
from reports.documents.comment_print import sheet_groups
from reports.documents.comment_sheet import Arrangement, CommentSheetData, sheet_fit
from tests.unit.test_comment_sheet import with_more_text

YEAR = 2026
DAY = date(2026, 12, 5)
CODE = re.compile(r"\b(\d+)-PNX/CB\b")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("round") / "sample.sqlite"
    db = open_database(path, create=True)
    fill_demo(db.session_factory, members=1800, seed=1)
    create_round(db.session_factory, YEAR)
    yield db
    db.close()


def test_every_sheet_of_the_round_is_one_page_and_no_number_breaks(
        sample: Database, tmp_path: Path) -> None:
    f = sample.session_factory
    ids = year_sheet_ids(f, YEAR)
    assert len(ids) > 1500
    out = tmp_path / "round.pdf"
    printed = print_jobs.print_sheets(f, ids, out, printed_on=DAY)
    assert printed.long_sheets == (), printed.warning()
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    codes = Counter(s.doc_code for s in prepare_print(f, ids, DAY, assign_numbers=False))
    assert None not in codes and sum(codes.values()) == len(ids)
    whole = Counter(f"{n}-PNX/CB" for n in CODE.findall(text))
    # each number stands whole twice: in its sheet's header and in its covering list (numbers
    # count per cell, so several sheets share one)
    short = {code: (whole[code], n) for code, n in codes.items() if whole[code] < 2 * n}
    assert short == {}
    # and nothing of a number is left at the end of a line or starts the next one
    lines = text.splitlines()
    assert not [line for line in lines if re.search(r"\d+-PNX/?\s*$|\d+-\s*$", line)]
    assert not [line for line in lines if re.match(r"\s*(PNX/CB|/CB|CB)\b", line)]
    # each sheet printed in the arrangement its measure named (the sheets' pages, in order)
    printed_as = [Arrangement.REFERENCE if "(ký tên, đóng dấu)" in page else Arrangement.COMPACT
                  for page in text.split("\f") if "Họ và tên:" in page]
    measured = [sheet_fit(d).arrangement for d in sheets(sample)]
    assert printed_as == measured
    assert measured.count(Arrangement.REFERENCE) > 0.9 * len(measured)


def sheets(db: Database) -> list[CommentSheetData]:
    f = db.session_factory
    found = prepare_print(f, year_sheet_ids(f, YEAR), DAY, assign_numbers=False)
    return [s for group in sheet_groups(found, DAY, covers=False) for s in group.sheets]


@pytest.mark.parametrize("items", [(1, 2, 4), (1, 2, 3, 4, 5, 7), (5,)])
def test_every_sheet_takes_600_more_characters_on_its_one_page(
        sample: Database, items: tuple[int, ...]) -> None:
    datas = sheets(sample)
    assert all(d.certification is not None for d in datas if d.issuer.issuer_id)
    too_long = [d.full_name for d in datas if not sheet_fit(with_more_text(d, 600, items)).fits]
    assert too_long == []
