"""Settings declared once, stored as JSON, checked by one set of rules; regulations by year."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from models.catalogues.settings import (
    OPTIONS,
    RegulationError,
    RegulationInput,
    Settings,
    SettingsError,
    WardNames,
    delete_regulation,
    list_regulations,
    load_settings,
    load_ward_names,
    os_user,
    regulation_for_year,
    save_regulation,
    save_settings,
    validate_regulation,
    validate_settings,
    validate_ward_names,
)
from models.store import history
from models.store.db import Database
from models.store.entities import Setting, Ward


@pytest.fixture(autouse=True)
def keep_history_user() -> Iterator[None]:
    before = history._current_user
    yield
    history._current_user = before


def test_every_setting_is_declared_once_with_a_label() -> None:
    keys = [o.key for o in OPTIONS]
    assert keys == [f.name for f in dataclasses.fields(Settings)]
    assert all(o.label for o in OPTIONS)
    top = next(o for o in OPTIONS if o.key == "margin_top")
    assert (top.type, top.default(), top.minimum, top.unit) == (float, 25.0, 20, "mm")


def test_defaults_for_a_new_database(db: Database) -> None:
    s = load_settings(db.session_factory)
    assert (s.margin_top, s.margin_bottom, s.margin_left, s.margin_right) == (25, 25, 35, 15)
    assert s.margins_mm == (25, 25, 35, 15)
    assert s.backup_dir == ""
    assert (s.reference_day, s.reference_month) == (30, 11)
    assert (s.deadline_day, s.deadline_month) == (15, 12)
    assert s.user_name == os_user()
    assert s.reference_date(2026) == date(2026, 11, 30)
    assert s.default_deadline(2026) == date(2026, 12, 15)
    assert s.backup_folder(Path("/data/register.sqlite")) == Path("/data/backups")


def test_deadline_before_the_reference_day_falls_in_the_next_year() -> None:
    s = Settings(deadline_day=10, deadline_month=1)
    assert s.default_deadline(2026) == date(2027, 1, 10)


def test_round_trip_stores_json_and_reloads(db: Database) -> None:
    wanted = dataclasses.replace(
        Settings(), margin_top=22.5, margin_left=31, backup_dir="  /srv/sao lưu ",
        reference_day=1, reference_month=12, deadline_day=20, deadline_month=12,
        user_name="  Nguyễn   Thị Thư ")
    saved = save_settings(db.session_factory, wanted)
    loaded = load_settings(db.session_factory)
    assert saved == loaded
    assert loaded.margin_top == 22.5 and loaded.margin_left == 31.0
    assert loaded.backup_dir == "/srv/sao lưu"
    assert loaded.user_name == "Nguyễn Thị Thư"
    with db.session_factory() as s:
        stored = {row.key: row.value for row in s.scalars(select(Setting))}
    assert stored["margin_top"] == "22.5"
    assert stored["user_name"] == '"Nguyễn Thị Thư"'
    assert history.current_user() == "Nguyễn Thị Thư"  # the change history uses it at once


def test_partial_save_keeps_the_other_keys(db: Database) -> None:
    save_settings(db.session_factory, {"margin_right": 18})
    save_settings(db.session_factory, {"deadline_day": 5, "deadline_month": 12})
    s = load_settings(db.session_factory)
    assert (s.margin_right, s.deadline_day, s.margin_top) == (18.0, 5, 25.0)


def test_a_stored_value_this_version_cannot_read_gives_the_default(db: Database) -> None:
    with db.session_factory.begin() as s:
        s.add(Setting(key="margin_top", value='"abc"'))
        s.add(Setting(key="margin_left", value="5"))  # below the minimum
        s.add(Setting(key="unknown_key", value="1"))
    loaded = load_settings(db.session_factory)
    assert (loaded.margin_top, loaded.margin_left) == (25.0, 35.0)


@pytest.mark.parametrize(("key", "value", "message"), [
    ("margin_top", 19.9, "Lề trên không được nhỏ hơn 20 mm."),
    ("margin_bottom", 10, "Lề dưới không được nhỏ hơn 20 mm."),
    ("margin_left", 29, "Lề trái không được nhỏ hơn 30 mm."),
    ("margin_right", 14.5, "Lề phải không được nhỏ hơn 15 mm."),
    ("margin_right", 81, "Lề phải không được lớn hơn 80 mm."),
    ("margin_top", "hai mươi", "Lề trên: giá trị không hợp lệ."),
    ("reference_month", 13, "Tháng chốt danh sách nhận xét không được lớn hơn 12."),
    ("user_name", "   ", "Chưa nhập tên người dùng ghi trong lịch sử thay đổi."),
    ("backup_dir", "sao-luu", "Thư mục sao lưu phải là đường dẫn đầy đủ (ví dụ D:\\SaoLuu)."),
])
def test_validation_messages_name_the_field(key: str, value: object, message: str) -> None:
    assert validate_settings({key: value}) == {key: message}


def test_minimum_margins_themselves_are_accepted() -> None:
    values = dataclasses.replace(Settings(), margin_top=20, margin_bottom=20, margin_left=30,
                                 margin_right=15)
    assert validate_settings(values) == {}


def test_impossible_day_and_month() -> None:
    assert validate_settings({"reference_day": 31, "reference_month": 11}) == {
        "reference_day": "Ngày chốt danh sách nhận xét: ngày 31/11 không có trong năm."}
    assert "deadline_day" in validate_settings({"deadline_day": 29, "deadline_month": 2})


def test_invalid_save_raises_with_every_message_and_saves_nothing(db: Database) -> None:
    values = dataclasses.replace(Settings(), margin_top=10, margin_left=12)
    with pytest.raises(SettingsError) as caught:
        save_settings(db.session_factory, values)
    assert isinstance(caught.value, ValueError)
    assert set(caught.value.errors) == {"margin_top", "margin_left"}
    assert "Lề trên" in str(caught.value)
    with db.session_factory() as s:
        assert s.scalars(select(Setting)).all() == []


def test_ward_names_saved_with_the_settings_in_one_transaction(db: Database) -> None:
    names = WardNames("Đảng ủy phường  Hồng Phong", "Đảng ủy tỉnh Quảng Ninh", "Đông Triều")
    assert names.party_org_name == "Đảng bộ phường Hồng Phong"
    save_settings(db.session_factory, {"margin_top": 21}, names)
    assert load_ward_names(db.session_factory) == WardNames(
        "Đảng ủy phường Hồng Phong", "Đảng ủy tỉnh Quảng Ninh", "Đông Triều")
    with db.session_factory() as s:
        ward = s.scalars(select(Ward)).one()
        assert ward.party_org_name == "Đảng bộ phường Hồng Phong"
    # a bad ward name refuses the margins as well
    with pytest.raises(SettingsError) as caught:
        save_settings(db.session_factory, {"margin_top": 24},
                      WardNames("", "Đảng ủy tỉnh Quảng Ninh", "Đông Triều"))
    assert caught.value.errors == {"committee_name": "Chưa nhập tên Đảng ủy phường (xã)."}
    assert load_settings(db.session_factory).margin_top == 21


def test_ward_names_use_the_assistants_rules() -> None:
    assert set(validate_ward_names(WardNames(" ", "", ""))) == {
        "committee_name", "parent_name", "place_name"}


def test_seeded_regulations_by_year(db: Database) -> None:
    codes = [r.code for r in list_regulations(db.session_factory)]
    assert codes == ["76-QĐ/TW", "213-QĐ/TW"]
    assert regulation_for_year(db.session_factory, 2017).code == "76-QĐ/TW"
    assert regulation_for_year(db.session_factory, 2019).code == "76-QĐ/TW"
    assert regulation_for_year(db.session_factory, 2020).code == "213-QĐ/TW"
    assert regulation_for_year(db.session_factory, 2031).code == "213-QĐ/TW"
    assert regulation_for_year(db.session_factory, 1995).code == "76-QĐ/TW"  # the earliest


def test_add_and_edit_a_regulation(db: Database) -> None:
    added = save_regulation(db.session_factory, RegulationInput(
        2030, " 999-QĐ/TW ", "Thực hiện Quy định số 999-QĐ/TW"))
    assert added.code == "999-QĐ/TW"
    assert regulation_for_year(db.session_factory, 2030).id == added.id
    edited = save_regulation(db.session_factory, RegulationInput(
        2031, "999-QĐ/TW", "Căn cứ Quy định số 999-QĐ/TW"), added.id)
    assert (edited.id, edited.from_year) == (added.id, 2031)
    assert regulation_for_year(db.session_factory, 2030).code == "213-QĐ/TW"


def test_regulation_rules(db: Database) -> None:
    rows = list_regulations(db.session_factory)
    assert validate_regulation(RegulationInput(1989, "", " ")) == {
        "from_year": "Năm áp dụng phải từ 1990 đến 2100 (đã nhập 1989).",
        "code": "Chưa nhập số hiệu quy định (ví dụ 213-QĐ/TW).",
        "basis_line": "Chưa nhập dòng căn cứ in trên văn bản.",
    }
    assert validate_regulation(RegulationInput(2020, "X", "Y"), rows) == {
        "from_year": "Đã có quy định áp dụng từ năm 2020 (213-QĐ/TW)."}
    assert validate_regulation(RegulationInput(2020, "X", "Y"), rows, rows[1].id) == {}
    with pytest.raises(RegulationError):
        save_regulation(db.session_factory, RegulationInput(2000, "X", "Y"))


def test_the_last_regulation_cannot_be_deleted(db: Database) -> None:
    first, second = list_regulations(db.session_factory)
    delete_regulation(db.session_factory, first.id)
    assert regulation_for_year(db.session_factory, 2010).code == "213-QĐ/TW"
    with pytest.raises(RegulationError, match="cuối cùng"):
        delete_regulation(db.session_factory, second.id)
    assert len(list_regulations(db.session_factory)) == 1
