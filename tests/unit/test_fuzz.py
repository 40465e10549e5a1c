"""Bad input never crashes (issue 8): random bytes, text, dates, numbers, encodings and truncated
files thrown at the importer, the member rules, the date readers and the search.

Each may answer or refuse with its documented error class (ImportFileError, DateError,
RegisterError), nothing else, and a refusal writes nothing.  Bounded: a few hundred examples in all.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from models.dates import DateError, parse_birth, parse_date
from models.demo.sample import fill_demo
from models.importing.importer import plan_import, read_table
from models.importing.read import CellValue, ImportFileError, RawTable, build_table
from models.register.members import MemberFilter, query_member_ids, search_members
from models.register.rules import MemberInput, validate_member
from models.register.service import RegisterError, add_member
from models.store.db import Database, open_database

pytestmark = pytest.mark.slow  # thousands of random inputs; CI runs them

FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TODAY = date(2026, 3, 1)
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên", "Số CCCD",
          "Điện thoại", "Ngày vào Đảng", "Ngày chính thức", "Ngày tiếp nhận", "Chi bộ",
          "Đảng bộ", "Nơi cư trú"]


def file_digest(path: Path) -> str:
    """The database's content (the log folded in first), to prove a refusal wrote nothing."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    # hypothesis reruns a test many times: one folder for the module, not tmp_path per example
    path = Path(tempfile.mkdtemp(prefix="sdv-fuzz-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def ward(folder: Path) -> Iterator[Database]:
    db = open_database(folder / "phuong.sqlite", create=True)
    fill_demo(db.session_factory, members=150, seed=5)
    yield db
    db.close()


# --- files ------------------------------------------------------------------------------------

def real_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["DANH SÁCH ĐẢNG VIÊN"])
    ws.append(HEADER)
    for n in range(30):
        ws.append([n + 1, f"Nguyễn Văn Thử {n}", date(1970 + n, 1 + n % 12, 1 + n % 28), "Nam",
                   f"7{n:07d}", f"0{n:011d}", f"09{n:08d}", "05/02/2005", None, None,
                   f"Khu {n % 4 + 1}", "Đảng bộ Công ty Than Mạo Khê", "Tổ 3"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


REAL_XLSX = real_xlsx()
CSV_TEXT = "\n".join([
    ";".join(HEADER),
    "1;Trần Thị Bình;05/02/1980;Nữ;12345678;001234567890;0912345678;01/01/2005;;;Khu 5;"
    "Đảng bộ Công ty Than Mạo Khê;Tổ 3",
    "2;Lê Văn Cường;1975;Nam;;;;;;;Khu 6;;",
]) + "\n"


def read_and_plan(path: Path, db: Database) -> None:
    """What the import window does with a file: read it, then plan it against the register."""
    before = file_digest(db.path)
    try:
        table = read_table(path)
    except ImportFileError as exc:
        assert str(exc)  # a message for the user
        return
    plan = plan_import(db.session_factory, table, TODAY)
    for row in plan.rows:
        assert (row.action == "rejected") == bool(row.reasons)
        assert row.action == "rejected" or row.data is not None
    plan.summary()
    assert file_digest(db.path) == before  # planning writes nothing


@FUZZ
@given(content=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".xlsx", ".xls",
                                                                 ".ods", ".CSV", ".txt"]))
@example(content=b"\xef\xbb\xbf", suffix=".csv")
@example(content=b"PK\x03\x04", suffix=".xlsx")
@example(content=b"", suffix=".xlsx")
def test_any_bytes_are_read_or_refused(content: bytes, suffix: str, folder: Path,
                                       ward: Database) -> None:
    path = folder / f"danh-sach{suffix}"
    path.write_bytes(content)
    read_and_plan(path, ward)


@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(REAL_XLSX)),
       flips=st.lists(st.tuples(st.integers(min_value=0, max_value=len(REAL_XLSX) - 1),
                                st.integers(min_value=1, max_value=255)), max_size=3))
def test_truncated_or_damaged_spreadsheets_are_read_or_refused(
        cut: int, flips: list[tuple[int, int]], folder: Path, ward: Database) -> None:
    content = bytearray(REAL_XLSX[:cut])
    for position, mask in flips:
        if position < len(content):
            content[position] ^= mask
    path = folder / "hong.xlsx"
    path.write_bytes(bytes(content))
    read_and_plan(path, ward)


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "cp1258", "cp1252",
             "latin-1", "windows-1250", "shift_jis"]


@FUZZ
@given(encoding=st.sampled_from(ENCODINGS),
       extra=st.text(max_size=200),
       cut=st.integers(min_value=0, max_value=600))
def test_a_list_in_any_encoding_is_read_or_refused(encoding: str, extra: str, cut: int,
                                                   folder: Path, ward: Database) -> None:
    content = (CSV_TEXT + extra).encode(encoding, errors="replace")
    path = folder / "danh-sach.csv"
    path.write_bytes(content[:max(cut, len(content) // 2)])
    read_and_plan(path, ward)


# --- cell values ------------------------------------------------------------------------------

def digits(low: int, high: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789 .-", min_size=low, max_size=high)


DATE_LIKE = st.one_of(
    st.from_regex(r"\A\s*\d{1,3}\s*[/.\-]\s*\d{1,3}\s*[/.\-]\s*\d{1,6}\s*\Z"),
    st.from_regex(r"\A\d{4,5}-\d{1,3}-\d{1,3}\Z"),
    st.from_regex(r"\A\d{1,40}\Z"),
)
CELL: st.SearchStrategy[CellValue] = st.one_of(
    st.none(), st.text(max_size=40), DATE_LIKE, digits(0, 14),
    st.integers(min_value=-2**63, max_value=2**63 - 1),  # what a file can hold
    st.integers(min_value=10**300, max_value=10**400),  # beyond a float: must not overflow
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.dates(), st.datetimes(), st.times(),
    st.timedeltas(min_value=timedelta(days=-10**6), max_value=timedelta(days=10**6)),
    st.sampled_from(["Nam", "Nữ", "nu", "Khu 5", "Chi bộ khu 6", "31/02/1980", "1980",
                     "00/00/0000", "29/02/2000", "1/1/1899", "12345678", "0912345678"]),
)


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=0, max_size=len(HEADER) + 2), max_size=12),
       sexes=st.booleans())
def test_random_cells_are_planned_never_crash(rows: list[list[CellValue]], sexes: bool,
                                              folder: Path, ward: Database) -> None:
    header: list[CellValue] = list(HEADER)
    table_rows: list[list[CellValue]] = [["DANH SÁCH"], header]
    if sexes:  # the birth date split into Nam / Nữ columns, as on the paper forms
        header.insert(3, None)
        table_rows.append([None, None, "Nam", "Nữ"])
    table_rows.extend(rows)
    table: RawTable = build_table(folder / "o-nho.xlsx", table_rows)
    before = file_digest(ward.path)
    plan = plan_import(ward.session_factory, table, TODAY)
    plan.summary()
    for row in plan.rows:
        assert (row.action == "rejected") == bool(row.reasons)
    assert file_digest(ward.path) == before


# --- dates ------------------------------------------------------------------------------------

DATE_TEXT = st.one_of(st.text(max_size=30), DATE_LIKE,
                      st.from_regex(r"\A\d{1,2}/\d{1,2}/\d{4300,4400}\Z"))


@FUZZ
@given(text=DATE_TEXT)
@example(text="1/1/" + "9" * 5000)
@example(text="9" * 5000 + "-1-1")
def test_dates_are_read_or_refused(text: str) -> None:
    try:
        found = parse_date(text)
    except DateError as exc:
        assert str(exc)
    else:
        assert found is None or isinstance(found, date)
    try:
        birth = parse_birth(text)
    except DateError as exc:
        assert str(exc)
    else:
        assert birth is None or birth.year >= 1900


# --- the member rules -------------------------------------------------------------------------

OPTIONAL_DATE = st.one_of(st.none(), st.dates())
MEMBER = st.builds(
    MemberInput,
    full_name=st.one_of(st.text(max_size=250), st.sampled_from(["Nguyễn Văn An", "Lê Thị Hoa"])),
    sex=st.sampled_from(["M", "F", "", "X", "Nam"]),
    birth_date=OPTIONAL_DATE,
    birth_year=st.one_of(st.none(), st.integers(min_value=-10**6, max_value=10**6)),
    ethnicity=st.text(max_size=20),
    citizen_id=st.one_of(digits(0, 14), st.text(max_size=14)),
    phone=st.one_of(digits(0, 14), st.text(max_size=14)),
    card_number=st.one_of(digits(0, 10), st.text(max_size=10)),
    party_file_number=st.text(max_size=12),
    join_date=OPTIONAL_DATE, official_date=OPTIONAL_DATE, letter_date=OPTIONAL_DATE,
    received_date=OPTIONAL_DATE,
    address=st.text(max_size=100), notes=st.text(max_size=100),
    excused=st.booleans(), excused_reason=st.text(max_size=20),
)


@FUZZ
@given(data=MEMBER)
@example(data=MemberInput(full_name="An", sex="M", birth_year=1, join_date=date(1, 1, 1)))
@example(data=MemberInput(full_name="An", sex="M", birth_year=10**6))
def test_member_rules_answer_with_messages(data: MemberInput) -> None:
    errors = validate_member(data, TODAY)
    assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in errors.items())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=MEMBER)
def test_a_refused_member_writes_nothing(data: MemberInput, ward: Database) -> None:
    before = file_digest(ward.path)
    try:
        add_member(ward.session_factory, data, TODAY)
    except RegisterError as exc:
        assert str(exc)
        assert file_digest(ward.path) == before
    else:
        assert not validate_member(data, TODAY)


# --- search -----------------------------------------------------------------------------------

QUERY = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(['"', "*", "NEAR", "NEAR(", "-", ":", "(", ")", "^", "AND", "OR",
                              "NOT", "nguyen", "văn", "0912", "'", "%", "_", "\\", "{", "}",
                              "member_fts:", "rowid", "\x00", " ", "đ", "12345678"]),
             max_size=8).map("".join),
)


@FUZZ
@given(text=QUERY)
@example(text='"nguyen" NEAR("van" "an", 2) -thi')
@example(text="name_key: a* OR b")
def test_any_search_answers(text: str, ward: Database) -> None:
    rows = search_members(ward.session_factory, text)
    assert all(row.full_name for row in rows)
    ids = query_member_ids(ward.session_factory, MemberFilter(text=text), limit=50)
    assert len(ids) <= 50

