"""Member validation rules and date parsing: one message per broken rule, naming the field."""

from __future__ import annotations

from datetime import date

import pytest

from models.dates import Birth, DateError, parse_birth, parse_date
from models.register.rules import MemberInput, validate_member

TODAY = date(2026, 11, 26)
VALID = MemberInput(full_name="Nguyễn Văn An", sex="M", birth_date=date(1980, 2, 5))


@pytest.mark.parametrize("text", ["05/02/1980", "5/2/1980", "05-02-1980", "05.02.1980",
                                  "1980-02-05", " 5 / 2 / 1980 "])
def test_usual_vietnamese_date_forms(text: str) -> None:
    assert parse_date(text) == date(1980, 2, 5)


@pytest.mark.parametrize(("text", "reason"), [
    ("31/02/1980", "không có ngày này"),
    ("05/02/80", "4 chữ số"),
    ("5 tháng 2", "không phải ngày"),
    ("00/01/1980", "không có ngày này"),
    ("01/13/1980", "không có ngày này"),
    ("05/02/1880", "không hợp lệ"),
])
def test_impossible_dates_are_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(DateError, match=reason):
        parse_date(text)


def test_birth_may_be_a_year_alone() -> None:
    assert parse_birth("1978") == Birth(year=1978)
    assert parse_birth("12/05/1978") == Birth(year=1978, exact=date(1978, 5, 12))
    assert parse_birth("") is None
    assert Birth(year=1978).year_only


def test_a_valid_member_has_no_errors() -> None:
    assert validate_member(VALID, TODAY) == {}


@pytest.mark.parametrize(("changes", "field", "text"), [
    ({"full_name": "  "}, "full_name", "Chưa nhập họ và tên"),
    ({"full_name": "123"}, "full_name", "phải có chữ"),
    ({"sex": ""}, "sex", "giới tính"),
    ({"birth_date": None}, "birth", "ngày sinh"),
    ({"birth_date": date(2027, 1, 1)}, "birth", "sau ngày hôm nay"),
    ({"birth_date": None, "birth_year": 1850}, "birth", "Năm sinh phải từ 1900"),
    ({"card_number": "1234567"}, "card_number", "8 chữ số"),
    ({"card_number": "12a45678"}, "card_number", "8 chữ số"),
    ({"citizen_id": "02208000123"}, "citizen_id", "12 chữ số"),
    ({"party_file_number": "12345QN"}, "party_file_number", "6 chữ số"),
    ({"phone": "12345"}, "phone", "điện thoại"),
    ({"join_date": date(2026, 12, 1)}, "join_date", "sau ngày hôm nay"),
    ({"join_date": date(1979, 1, 1)}, "join_date", "sau ngày sinh"),
    ({"official_date": date(2010, 1, 1)}, "official_date", "phải có ngày vào Đảng"),
    ({"join_date": date(2010, 5, 1), "official_date": date(2010, 5, 1)}, "official_date",
     "sau ngày vào Đảng"),
    ({"letter_date": date(2020, 5, 1), "received_date": date(2020, 4, 30)}, "received_date",
     "trước ngày của giấy giới thiệu"),
    ({"excused": True, "excused_reason": " "}, "excused_reason", "lý do"),
])
def test_each_rule_names_its_field(changes: dict[str, object], field: str, text: str) -> None:
    from dataclasses import replace

    errors = validate_member(replace(VALID, **changes), TODAY)  # type: ignore[arg-type]
    assert field in errors
    assert text in errors[field]


def test_identifiers_may_be_typed_with_spaces_and_dots() -> None:
    from dataclasses import replace

    data = replace(VALID, card_number="1234 5678", citizen_id="022.080.001.234",
                   phone="0912 345 678", party_file_number="123456 qn")
    assert validate_member(data, TODAY) == {}
