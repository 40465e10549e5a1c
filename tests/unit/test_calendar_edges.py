"""The date-sensitive rules on the calendar's edges: the last minute of a year, the first day of
the next, 29 February 2028, and the days around the round's reference date and deadline.

Every test here says which day it runs on: the clock is stopped there with ``clock.pinned`` and
the services are called without a date of their own, so they read it from the one clock.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from models import clock
from models.activities.service import ActivityInput, add_activity, list_activities
from models.catalogues.settings import load_settings, regulation_for_year
from models.catalogues.ward import list_cells
from models.comments.deadlines import current_round_year, days_left_text, set_deadline
from models.comments.rounds import create_round
from models.comments.sheets import get_sheet, list_sheets
from models.dates import age_on, birthday_in
from models.membership import default_invitees, participation
from models.register.receipts import receipt_facts
from models.register.rules import MemberInput, validate_member
from models.register.service import add_member, change_status
from models.store.db import Database, open_database
from models.store.entities import ActivityKind, ActivityStatus, MemberStatus, Sex

ROOT = Path(__file__).resolve().parents[2]
NEW_YEARS_EVE = datetime(2027, 12, 31, 23, 59)
NEW_YEARS_DAY = datetime(2028, 1, 1, 0, 0)
LEAP_DAY = date(2028, 2, 29)


def member(name: str, received: date, cell_id: int | None, **extra: object) -> MemberInput:
    values: dict[str, object] = {
        "full_name": name, "sex": Sex.MALE, "birth_date": date(1985, 6, 1),
        "join_date": date(2010, 5, 19), "official_date": date(2011, 5, 19),
        "received_date": received, "cell_id": cell_id}
    values.update(extra)
    return MemberInput(**values)  # type: ignore[arg-type]


def held(factory: object, day: date, cell_id: int | None, kind: str = ActivityKind.PERIODIC,
         title: str = "Sinh hoạt định kỳ") -> int:
    return add_activity(factory, ActivityInput(  # type: ignore[arg-type]
        date=day, cell_id=cell_id, kind=kind, title=title, status=ActivityStatus.HELD.value))


@pytest.fixture
def cell_id(db: Database) -> int:
    return list_cells(db.session_factory)[0].id


# --- the one clock ----------------------------------------------------------------------------

def test_the_suite_runs_on_its_fixed_day() -> None:
    """tests/conftest.py pins the day through SDV_TODAY, as a support person would."""
    assert clock.today() == date(2026, 11, 26)
    assert clock.is_pinned()


def test_a_pinned_moment_on_new_years_eve_stays_in_the_old_year() -> None:
    with clock.pinned(NEW_YEARS_EVE):
        assert clock.today() == date(2027, 12, 31)
        assert clock.now() == NEW_YEARS_EVE
    with clock.pinned(NEW_YEARS_DAY):
        assert clock.today() == date(2028, 1, 1)


def test_the_environment_pin_runs_on_from_its_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENV, "2027-12-31T23:59")
    first = clock.now()
    assert first.date() == date(2027, 12, 31) and (first.hour, first.minute) == (23, 59)
    monkeypatch.setenv(clock.ENV, "2028-02-29")
    assert clock.now() == datetime(2028, 2, 29, 8, 0)  # a day alone starts in office hours
    monkeypatch.setenv(clock.ENV, "29/02/2028")
    with pytest.raises(clock.ClockError, match="không phải ngày"):
        clock.today()


# --- who is on a cell's list ------------------------------------------------------------------

def test_a_member_received_on_new_years_eve_is_on_the_list_that_day(db: Database,
                                                                     cell_id: int) -> None:
    f = db.session_factory
    with clock.pinned(NEW_YEARS_EVE):
        new = add_member(f, member("Nguyễn Văn An", clock.today(), cell_id))
        assert new in default_invitees(f, cell_id, clock.today())
        assert new not in default_invitees(f, cell_id, clock.today() - timedelta(days=1))


def test_a_member_who_leaves_on_new_years_day_is_off_the_list_from_that_day(
        db: Database, cell_id: int) -> None:
    f = db.session_factory
    with clock.pinned(NEW_YEARS_DAY):
        new = add_member(f, member("Trần Văn Bình", date(2027, 3, 1), cell_id))
        change_status(f, new, MemberStatus.MOVED_AWAY, clock.today(), "Chuyển nơi cư trú")
        assert new in default_invitees(f, cell_id, date(2027, 12, 31))
        assert new not in default_invitees(f, cell_id, date(2028, 1, 1))


# --- participation of the year -----------------------------------------------------------------

def test_meetings_on_both_sides_of_midnight_count_in_their_own_year(db: Database,
                                                                    cell_id: int) -> None:
    f = db.session_factory
    with clock.pinned(datetime(2027, 12, 30, 9, 0)):
        new = add_member(f, member("Lê Thị Cúc", date(2027, 1, 10), cell_id, sex=Sex.FEMALE))
    with clock.pinned(NEW_YEARS_EVE):
        held(f, clock.today(), cell_id)
        assert participation(f, new, 2027)["cell_meetings"].invited == 1
    with clock.pinned(NEW_YEARS_DAY):
        held(f, clock.today(), cell_id)
        assert participation(f, new, 2027)["cell_meetings"].invited == 1
        assert participation(f, new, 2028)["cell_meetings"].invited == 1


def test_a_meeting_cannot_be_held_tomorrow(db: Database, cell_id: int) -> None:
    from models.activities.service import ActivityError

    f = db.session_factory
    with clock.pinned(NEW_YEARS_EVE), pytest.raises(ActivityError, match="sau hôm nay"):
        held(f, date(2028, 1, 1), cell_id)
    with clock.pinned(LEAP_DAY):
        assert held(f, LEAP_DAY, cell_id) > 0


# --- the round: reference date, deadline, default year ------------------------------------------

@pytest.mark.parametrize(("received", "on_the_round"), [
    (date(2027, 11, 29), True),  # the day before the reference date
    (date(2027, 11, 30), True),  # the reference date itself
    (date(2027, 12, 1), False),  # the day after: next year's round
])
def test_the_round_lists_who_is_on_the_list_on_its_reference_date(
        db: Database, cell_id: int, received: date, on_the_round: bool) -> None:
    f = db.session_factory
    with clock.pinned(datetime(2027, 12, 2, 9, 0)):
        new = add_member(f, member("Phạm Văn Dũng", received, cell_id))
        result = create_round(f, 2027)
    assert result.reference_date == date(2027, 11, 30)
    assert result.deadline == date(2027, 12, 15)
    names = {row.member_id for row in list_sheets(f, 2027)}
    assert (new in names) is on_the_round


def test_a_member_who_leaves_on_the_reference_date_gets_no_sheet(db: Database,
                                                                 cell_id: int) -> None:
    f = db.session_factory
    with clock.pinned(datetime(2027, 12, 2, 9, 0)):
        leaving = add_member(f, member("Hoàng Văn Em", date(2027, 1, 5), cell_id))
        staying = add_member(f, member("Hoàng Văn Giang", date(2027, 1, 5), cell_id))
        change_status(f, leaving, MemberStatus.TRANSFERRED_OUT, date(2027, 11, 30), "Chuyển đi")
        change_status(f, staying, MemberStatus.TRANSFERRED_OUT, date(2027, 12, 1), "Chuyển đi")
        create_round(f, 2027)
    ids = {row.member_id for row in list_sheets(f, 2027)}
    assert leaving not in ids and staying in ids


@pytest.mark.parametrize(("today", "text"), [
    (date(2027, 12, 14), "còn 1 ngày"),
    (date(2027, 12, 15), "hôm nay là hạn"),
    (date(2027, 12, 16), "quá hạn 1 ngày"),
])
def test_days_left_around_the_deadline(today: date, text: str) -> None:
    with clock.pinned(today):
        assert days_left_text(date(2027, 12, 15), clock.today()) == text


def test_a_deadline_before_the_reference_month_falls_in_the_next_year(db: Database) -> None:
    from models.catalogues.settings import save_settings

    f = db.session_factory
    save_settings(f, {"deadline_day": 10, "deadline_month": 1})
    settings = load_settings(f)
    assert settings.reference_date(2027) == date(2027, 11, 30)
    assert settings.default_deadline(2027) == date(2028, 1, 10)


def test_the_default_year_of_the_round_follows_the_deadline(db: Database) -> None:
    f = db.session_factory
    for moment, year in ((NEW_YEARS_EVE, 2027), (NEW_YEARS_DAY, 2028), (LEAP_DAY, 2028)):
        with clock.pinned(moment):
            assert current_round_year(f) == year, moment
    # last year's round given until 10 January: it stays the round under way until then
    with clock.pinned(datetime(2027, 12, 1, 9, 0)):
        create_round(f, 2027)
    set_deadline(f, 2027, date(2028, 1, 10))
    with clock.pinned(datetime(2028, 1, 10, 23, 59)):
        assert current_round_year(f) == 2027
    with clock.pinned(datetime(2028, 1, 11, 0, 0)):
        assert current_round_year(f) == 2028


# --- the regulation by year -------------------------------------------------------------------

def test_the_regulation_changes_on_new_years_day_2020(db: Database, cell_id: int) -> None:
    f = db.session_factory
    assert "76" in regulation_for_year(f, 2019).code
    assert "213" in regulation_for_year(f, 2020).code
    with clock.pinned(datetime(2020, 1, 1, 0, 0)):
        new = add_member(f, member("Vũ Văn Hải", date(2019, 6, 1), cell_id))
        sheet_2019 = create_round(f, 2019)
        sheet_2020 = create_round(f, 2020)
    assert sheet_2019.created == sheet_2020.created == 1
    by_year = {year: next(r for r in list_sheets(f, year) if r.member_id == new)
               for year in (2019, 2020)}
    assert "76-QĐ/TW" in get_sheet(f, by_year[2019].id).snapshot["basis_line"]
    assert "213-QĐ/TW" in get_sheet(f, by_year[2020].id).snapshot["basis_line"]


# --- document numbers restart each year ---------------------------------------------------------

def test_receipt_numbers_restart_on_new_years_day(db: Database, cell_id: int) -> None:
    f = db.session_factory
    with clock.pinned(datetime(2027, 12, 20, 9, 0)):
        first = add_member(f, member("Đỗ Văn Khánh", date(2027, 12, 20), cell_id))
        second = add_member(f, member("Đỗ Văn Lâm", date(2027, 12, 20), cell_id))
        third = add_member(f, member("Đỗ Văn Minh", date(2027, 12, 20), cell_id))
    with clock.pinned(NEW_YEARS_EVE):
        assert receipt_facts(f, first).code == "1-PTN/ĐU"
        assert receipt_facts(f, second).code == "2-PTN/ĐU"
    with clock.pinned(NEW_YEARS_DAY):
        slip = receipt_facts(f, third)
        assert (slip.code, slip.dated) == ("1-PTN/ĐU", date(2028, 1, 1))
        # a reprint in the new year keeps the old number and the date it was given
        again = receipt_facts(f, first)
        assert (again.code, again.dated) == ("1-PTN/ĐU", date(2027, 12, 31))


# --- no future dates, ages, year-only births ----------------------------------------------------

def test_no_date_after_today_on_new_years_eve() -> None:
    with clock.pinned(NEW_YEARS_EVE):
        today = clock.today()
        ok = member("Ngô Văn Nam", today, None, letter_date=today)
        assert validate_member(ok) == {}
        late = member("Ngô Văn Nam", today + timedelta(days=1), None)
        assert "received_date" in validate_member(late)
        born_now = member("Ngô Văn Nam", today, None, birth_date=None, birth_year=2027,
                          join_date=None, official_date=None)
        assert "birth" not in validate_member(born_now)
        assert "birth" in validate_member(
            MemberInput(full_name="Ngô Văn Nam", sex=Sex.MALE, birth_year=2028))
    with clock.pinned(NEW_YEARS_DAY):
        assert "birth" not in validate_member(
            MemberInput(full_name="Ngô Văn Nam", sex=Sex.MALE, birth_year=2028))


def test_a_leap_day_birthday_comes_on_1_march_in_a_common_year() -> None:
    born = date(2008, 2, 29)
    assert birthday_in(born, 2026) == date(2026, 3, 1)
    assert birthday_in(born, 2028) == LEAP_DAY
    assert age_on(born, date(2026, 2, 28)) == 17
    assert age_on(born, date(2026, 3, 1)) == 18
    assert age_on(born, LEAP_DAY) == 20
    assert age_on(date(2010, 2, 28), LEAP_DAY) == 18


def test_admission_at_eighteen_on_the_leap_day(db: Database) -> None:
    def joining(birth: date | None, join: date, year: int | None = None) -> MemberInput:
        return MemberInput(full_name="Lý Văn Phúc", sex=Sex.MALE, birth_date=birth,
                           birth_year=year, join_date=join)

    with clock.pinned(date(2028, 3, 5)):
        assert validate_member(joining(date(2010, 2, 28), LEAP_DAY)) == {}
        assert "join_date" in validate_member(joining(date(2010, 3, 1), LEAP_DAY))
        assert validate_member(joining(date(2010, 2, 29 - 1), date(2028, 2, 28))) == {}
        # a year alone: refused only when even 1 January of it is too young
        assert validate_member(joining(None, date(2028, 1, 1), year=2010)) == {}
        assert "join_date" in validate_member(joining(None, LEAP_DAY, year=2011))


# --- the program under a clock pinned by the environment ----------------------------------------

def test_the_program_pinned_by_sdv_today_dates_its_paper_that_day(tmp_path: Path) -> None:
    """A support person runs the program as on 29 February 2028: the sample data stops there,
    the printed date line says so, and the round's defaults are that year's."""
    env = {**os.environ, clock.ENV: "2028-02-29"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "main.py", "--db", str(tmp_path / "w.sqlite"),
                               *args], cwd=ROOT, env=env, capture_output=True, text=True,
                              encoding="utf-8", timeout=120)

    assert run("demo", "--members", "40", "--seed", "2").returncode == 0
    printed = run("print", "members", "--out", str(tmp_path / "list.pdf"))
    assert printed.returncode == 0, printed.stderr
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "list.pdf").pages)
    assert "ngày 29 tháng 02 năm 2028" in text
    # and the file's own dates (what a file manager or a PDF reader shows) are that day's
    assert str(PdfReader(tmp_path / "list.pdf").metadata["/CreationDate"]).startswith(
        "D:20280229")
    created = run("comments", "create", "--year", "2028", "--json")
    assert created.returncode == 0, created.stderr
    payload = json.loads(created.stdout.strip().splitlines()[-1])
    assert payload["reference_date"] == "2028-11-30"
    db = open_database(tmp_path / "w.sqlite")
    try:
        activities = list_activities(db.session_factory, year=2028)
        assert activities and all(a.status == ActivityStatus.PLANNED for a in activities
                                  if a.date > LEAP_DAY)
        assert any(a.status == ActivityStatus.HELD for a in activities)
    finally:
        db.close()
