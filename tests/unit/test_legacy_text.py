"""TCVN3 (ABC) and VNI text from old lists: decoding, column detection, and an import."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from models.importing.importer import apply_import, plan_import, read_table
from models.store.db import Database
from models.store.entities import Member, WorkplaceOrg
from models.text.legacy_text import (
    TCVN3,
    VNI,
    convert_columns,
    detect_encoding,
    is_vietnamese,
    tcvn3_to_unicode,
    vni_to_unicode,
)

# An independent encoder, written from the published code charts (not from models.text.legacy_text):
# each base vowel with its tones in the order ngang, sắc, huyền, hỏi, ngã, nặng.
TCVN3_CHART = {
    "a": "a¸µ¶·¹", "ă": "¨¾»¼½Æ", "â": "©ÊÇÈÉË", "e": "eÐÌÎÏÑ", "ê": "ªÕÒÓÔÖ",
    "i": "iÝ×ØÜÞ", "o": "oãßáâä", "ô": "«èåæçé", "ơ": "¬íêëìî", "u": "uóïñòô",
    "ư": "\u00adøõö÷ù", "y": "yýúûüþ",
}
TCVN3_CAPITALS = {"Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§", "đ": "®"}
VNI_CHART = {
    "a": ("a", "aù", "aø", "aû", "aõ", "aï"), "ă": ("aê", "aé", "aè", "aú", "aü", "aë"),
    "â": ("aâ", "aá", "aà", "aå", "aã", "aä"), "e": ("e", "eù", "eø", "eû", "eõ", "eï"),
    "ê": ("eâ", "eá", "eà", "eå", "eã", "eä"), "i": ("i", "í", "ì", "æ", "ó", "ò"),
    "o": ("o", "où", "oø", "oû", "oõ", "oï"), "ô": ("oâ", "oá", "oà", "oå", "oã", "oä"),
    "ơ": ("ô", "ôù", "ôø", "ôû", "ôõ", "ôï"), "u": ("u", "uù", "uø", "uû", "uõ", "uï"),
    "ư": ("ö", "öù", "öø", "öû", "öõ", "öï"), "y": ("y", "yù", "yø", "yû", "yõ", "î"),
}
MARKS = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # ngang sắc huyền hỏi ngã nặng


def _split(char: str) -> tuple[str, int]:
    """'ế' -> ('ê', 1): the base vowel (with its hat/breve/horn) and the tone index."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = next((MARKS.index(c) for c in decomposed if c in MARKS[1:]), 0)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in MARKS[1:]))
    return base, tone


def to_tcvn3(text: str) -> str:
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in TCVN3_CAPITALS:
            out.append(TCVN3_CAPITALS[char])
            continue
        base, tone = _split(char.lower())
        if base in TCVN3_CHART and (tone or base not in "aeiouy"):
            code = TCVN3_CHART[base][tone]
            # toned capitals have no code: the capital font shows the lower-case code as one
            out.append(code)
        else:
            out.append(char)
    return "".join(out)


def to_vni(text: str) -> str:
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in "đĐ":
            out.append("ñ" if char == "đ" else "Ñ")
            continue
        base, tone = _split(char.lower())
        if base in VNI_CHART and (tone or base not in "aeiouy"):
            code = VNI_CHART[base][tone]
            out.append(code.upper() if char.isupper() else code)
        else:
            out.append(char)
    return "".join(out)


NAMES = [
    "Nguyễn Văn An", "Trần Thị Bình", "Đặng Thị Hường", "Lê Văn Cường", "Phạm Quang Huy",
    "Hoàng Thị Thủy", "Vũ Đức Thắng", "Bùi Thị Ngọc Ánh", "Đỗ Xuân Trường", "Dương Thị Yến",
    "Ngô Quốc Việt", "Lý Thị Hồng Nhung", "Nguyễn Khuyến", "Quách Thị Quỳnh", "Triệu Văn Ước",
    "Phùng Thị Nguyệt", "Giáp Văn Khiêm", "Nghiêm Thị Mỹ Hạnh", "Ưng Văn Ỷ", "Âu Thị Ẩn",
]
ADDRESSES = [
    "Tổ 5, khu 3, phường Mạo Khê, thành phố Đông Triều, tỉnh Quảng Ninh",
    "Số nhà 12, đường Hoàng Quốc Việt, khu Vĩnh Trung",
    "Đảng ủy Công ty Than Mạo Khê - TKV",
    "Phân xưởng khai thác số 8, Công ty cổ phần Than Hà Lầm",
]
TEXTS = NAMES + ADDRESSES


def every_letter() -> list[str]:
    letters = []
    for base in "aăâeêioôơuưy":
        for mark in MARKS:
            letters.append(unicodedata.normalize("NFC", base + mark))
    return letters


def test_every_letter_with_every_tone_round_trips_in_both_encodings() -> None:
    for letter in [*every_letter(), "đ"]:
        assert tcvn3_to_unicode(to_tcvn3(letter)) == letter, letter
        assert vni_to_unicode(to_vni(letter)) == letter, letter
        upper = letter.upper()
        assert vni_to_unicode(to_vni(upper)) == upper, upper
    for capital in "ĂÂÊÔƠƯĐ":
        assert tcvn3_to_unicode(to_tcvn3(capital)) == capital


@pytest.mark.parametrize("text", TEXTS)
def test_names_and_addresses_round_trip(text: str) -> None:
    assert tcvn3_to_unicode(to_tcvn3(text)) == text
    assert vni_to_unicode(to_vni(text)) == text
    assert tcvn3_to_unicode(to_tcvn3(text)) == unicodedata.normalize("NFC", text)


def test_the_issue_example_and_capital_font_text() -> None:
    assert tcvn3_to_unicode("NguyÔn V¨n An") == "Nguyễn Văn An"
    # capitals typed in the .VnTimeH font arrive with lower-case codes
    assert tcvn3_to_unicode(to_tcvn3("NGUYỄN VĂN AN")) == "NGUYỄN VĂN AN"
    assert tcvn3_to_unicode(to_tcvn3("ĐẶNG THỊ HƯỜNG")) == "ĐẶNG THỊ HƯỜNG"
    assert vni_to_unicode(to_vni("NGUYỄN VĂN AN")) == "NGUYỄN VĂN AN"


def test_detection_finds_legacy_columns() -> None:
    assert detect_encoding([to_tcvn3(t) for t in TEXTS])[0] == TCVN3
    assert detect_encoding([to_vni(t) for t in TEXTS])[0] == VNI
    # mostly legacy with a few cells retyped in Unicode still counts as legacy
    assert detect_encoding([to_tcvn3(t) for t in NAMES[:15]] + NAMES[15:])[0] == TCVN3


def test_detection_does_not_trigger_on_unicode_or_ascii() -> None:
    for values in (TEXTS, [unicodedata.normalize("NFD", t) for t in TEXTS],
                   ["Nguyen Van An", "Tran Thi Binh", "TKV", "Khu 5"],
                   ["José García", "Café Münster", "Hà Nội", "Bình", "Tú", "Lý"]):
        assert detect_encoding(values)[0] is None, values
    rows: list[list[object]] = [[n, 1980, "Khu 5"] for n in NAMES]
    assert convert_columns(rows) == {}
    assert [r[0] for r in rows] == NAMES


def test_is_vietnamese() -> None:
    assert all(is_vietnamese(t) for t in TEXTS)
    assert not is_vietnamese("NguyÔn")
    assert not is_vietnamese("Nguyeãn")
    assert is_vietnamese("TKV 2024")


def test_import_of_a_tcvn3_workbook(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "abc.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([to_tcvn3("DANH SÁCH ĐẢNG VIÊN")])
    ws.append([to_tcvn3(h) for h in ("STT", "Họ và tên", "Năm sinh", "Giới tính",
                                     "Tổ chức đảng nơi sinh hoạt", "Nơi cư trú")])
    ws.append([1, to_tcvn3("Nguyễn Văn An"), 1980, "Nam",
               to_tcvn3("Đảng ủy Công ty Than Mạo Khê"), to_tcvn3(ADDRESSES[0])])
    ws.append([2, to_tcvn3("ĐẶNG THỊ HƯỜNG"), "05/02/1985", to_tcvn3("Nữ"),
               to_tcvn3("Đảng ủy Công ty Than Mạo Khê"), to_tcvn3("Tổ 3, khu 5")])
    ws.append([3, to_tcvn3("Lê Văn Cường"), "1975", "Nam", None, None])
    wb.save(path)
    table = read_table(path)
    plan = plan_import(db.session_factory, table)
    summary = plan.summary()
    assert summary["legacy_columns"] == ["Họ và tên (TCVN3)", "Giới tính (TCVN3)",
                                         "Tổ chức đảng nơi sinh hoạt (TCVN3)",
                                         "Nơi cư trú (TCVN3)"]
    assert [r.reasons for r in plan.rows] == [[], [], []]
    apply_import(db.session_factory, plan)
    with db.session_factory() as session:
        names = session.scalars(select(Member.full_name).order_by(Member.id)).all()
        addresses = session.scalars(select(Member.address).order_by(Member.id)).all()
        orgs = session.scalars(select(WorkplaceOrg.name)).all()
    assert names == ["Nguyễn Văn An", "Đặng Thị Hường", "Lê Văn Cường"]
    assert addresses[0] == ADDRESSES[0]
    assert orgs == ["Đảng ủy Công ty Than Mạo Khê"]


def test_cli_reports_the_converted_columns(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "vni.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "Ngày sinh", "Giới tính"])
    for name in NAMES[:5]:
        ws.append([to_vni(name), "01/01/1980", "Nữ" if " Thị " in name else "Nam"])
    wb.save(path)
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "main.py", "--db", str(tmp_path / "db.sqlite"),
                             "import", str(path), "--json"], cwd=root, capture_output=True,
                            text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Họ và tên (VNI)" in result.stdout
    assert '"legacy_columns": ["Họ và tên (VNI)"]' in result.stdout.splitlines()[-1]
