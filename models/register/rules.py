"""The rules a member record must follow, written once.

The member dialog calls ``validate_member`` on every keystroke to show messages next to the fields;
the register service calls it again before writing, as the real guard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from models import clock
from models.dates import MIN_YEAR, age_on
from models.store.entities import Sex
from models.text.vntext import clean, fold

CARD_NUMBER = re.compile(r"\d{8}")
CITIZEN_ID = re.compile(r"\d{12}")
PARTY_FILE_NUMBER = re.compile(r"\d{6}[A-Z]{1,3}")
PHONE = re.compile(r"(0|\+?84)\d{8,10}")
ADMISSION_AGE = 18


@dataclass(frozen=True)
class MemberInput:
    """What the member dialog returns and the register service stores."""

    full_name: str
    sex: str  # Sex
    birth_date: date | None = None
    birth_year: int | None = None  # set alone when only the year is known
    ethnicity: str = "Kinh"
    citizen_id: str = ""
    phone: str = ""
    card_number: str = ""
    party_file_number: str = ""
    join_date: date | None = None
    official_date: date | None = None  # empty: probationary (dự bị)
    workplace_org_id: int | None = None
    workplace_cell: str = ""
    employer_unit: str = ""
    job_title: str = ""
    address: str = ""
    cell_id: int | None = None
    letter_number: str = ""
    letter_date: date | None = None
    letter_issuer: str = ""
    received_date: date | None = None
    excused: bool = False
    excused_reason: str = ""
    notes: str = ""


_SEPARATORS = re.compile(r"[\s.\-]")


def digits_only(text: str) -> str:
    """Identifiers as typed or pasted: spaces, dots and dashes removed."""
    if not text or text.isdigit():  # the common case: nothing to clean
        return text or ""
    text = clean(text)
    return text if not text or text.isdigit() else _SEPARATORS.sub("", text)


def validate_member(data: MemberInput, today: date | None = None) -> dict[str, str]:
    """Field name -> Vietnamese message for every rule the input breaks (empty when valid)."""
    today = today or clock.today()
    errors: dict[str, str] = {}
    name = clean(data.full_name)
    if not name:
        errors["full_name"] = "Chưa nhập họ và tên."
    elif not any(ch.isalpha() for ch in name):
        errors["full_name"] = "Họ và tên phải có chữ."
    elif len(name) > 200:
        errors["full_name"] = "Họ và tên quá dài (tối đa 200 ký tự)."
    elif not fold(name):
        # a name nobody could find again: search and sorting read Vietnamese (Latin) letters
        errors["full_name"] = ("Họ và tên phải viết bằng chữ cái tiếng Việt (chữ Latinh): tên "
                               "này không tìm kiếm được trong sổ.")
    if data.sex not in (Sex.MALE, Sex.FEMALE):
        errors["sex"] = "Chưa chọn giới tính (Nam / Nữ)."
    if data.birth_date is None and data.birth_year is None:
        errors["birth"] = "Chưa nhập ngày sinh (hoặc ít nhất năm sinh)."
    elif data.birth_date is not None and data.birth_date > today:
        errors["birth"] = "Ngày sinh không được sau ngày hôm nay."
    elif data.birth_year is not None and not MIN_YEAR <= data.birth_year <= today.year:
        errors["birth"] = f"Năm sinh phải từ {MIN_YEAR} đến {today.year}."
    card = digits_only(data.card_number)
    if card and not CARD_NUMBER.fullmatch(card):
        errors["card_number"] = "Số thẻ đảng viên gồm đúng 8 chữ số."
    citizen = digits_only(data.citizen_id)
    if citizen and not CITIZEN_ID.fullmatch(citizen):
        errors["citizen_id"] = "Số CCCD gồm đúng 12 chữ số."
    file_number = clean(data.party_file_number).replace(" ", "").upper()
    if file_number and not PARTY_FILE_NUMBER.fullmatch(file_number):
        errors["party_file_number"] = "Số lý lịch gồm 6 chữ số và 1–3 chữ cái in hoa (vd 123456QN)."
    phone = digits_only(data.phone)
    if phone and not PHONE.fullmatch(phone):
        errors["phone"] = "Số điện thoại không đúng (10 chữ số, bắt đầu bằng 0)."
    year = data.birth_year  # outside the calendar (already refused above) it is no floor
    birth_floor = data.birth_date or (
        date(year, 1, 1) if year and date.min.year <= year <= date.max.year else None)
    for field, value, label in (
        ("join_date", data.join_date, "Ngày vào Đảng"),
        ("official_date", data.official_date, "Ngày chính thức"),
        ("letter_date", data.letter_date, "Ngày giấy giới thiệu"),
        ("received_date", data.received_date, "Ngày tiếp nhận"),
    ):
        if value is None:
            continue
        if value > today:
            errors[field] = f"{label} không được sau ngày hôm nay."
        elif birth_floor is not None and value <= birth_floor:
            errors[field] = f"{label} phải sau ngày sinh."
    if data.join_date is not None and "join_date" not in errors and "birth" not in errors:
        # Điều lệ Đảng, Điều 1: a citizen is admitted from the age of eighteen
        if data.birth_date is not None:
            young = age_on(data.birth_date, data.join_date) < ADMISSION_AGE
        else:  # a year alone: refused only when even 1 January makes the member too young
            young = data.birth_year is not None and (
                data.join_date.year - data.birth_year < ADMISSION_AGE)
        if young:
            errors["join_date"] = (f"Ngày vào Đảng: khi kết nạp phải đủ {ADMISSION_AGE} tuổi "
                                   "(theo ngày sinh đã nhập).")
    if data.official_date is not None and "official_date" not in errors:
        if data.join_date is None:
            errors["official_date"] = "Có ngày chính thức thì phải có ngày vào Đảng."
        elif data.official_date <= data.join_date:
            errors["official_date"] = "Ngày chính thức phải sau ngày vào Đảng."
    if (data.received_date is not None and data.letter_date is not None
            and "received_date" not in errors and data.received_date < data.letter_date):
        errors["received_date"] = "Ngày tiếp nhận không được trước ngày của giấy giới thiệu."
    if data.excused and not clean(data.excused_reason):
        errors["excused_reason"] = "Cần ghi lý do miễn sinh hoạt nơi cư trú."
    return errors
