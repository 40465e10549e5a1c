"""The receipt slip for an introduction letter (DOMAIN.md §3.2)."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.units import mm

from models.catalogues.documents import IssuerLines
from reports.documents.receipt import ReceiptData, receipt_slip_pdf
from reports.layout.party_doc import Margins
from tests.unit.test_party_doc import (
    A4_PORTRAIT,
    all_text,
    assert_fonts_embedded_and_ours,
    is_size,
    run_with,
    runs,
)

WARD = IssuerLines(
    issuer_id=1, parent_line="ĐẢNG BỘ THÀNH PHỐ ĐÔNG TRIỀU", name_line="ĐẢNG ỦY PHƯỜNG MẠO KHÊ",
    number_suffix="ĐU", signer_title="T/M ĐẢNG ỦY", signer_role="BÍ THƯ",
    signer_name="Lê Văn Cường", place_name="Đông Triều",
)
FULL = ReceiptData(
    issuer=WARD, number="12-PTN/ĐU", printed_on=date(2026, 12, 5), full_name="Nguyễn Văn An",
    sex="Nam", birth="12/05/1978", joined_on=date(2005, 2, 3),
    workplace_cell="Chi bộ Phân xưởng Khai thác 1",
    workplace_organisation="Đảng ủy Công ty Than Mạo Khê", job_title="Quản đốc",
    employer_unit="Phân xưởng Khai thác 1", address="Số 12, tổ 3, khu 5, phường Mạo Khê",
    letter_number="15-GGT/ĐU", letter_date=date(2026, 12, 1),
    letter_issuer="Đảng ủy Công ty Than Mạo Khê", received_on=date(2026, 12, 4),
    assigned_cell="Chi bộ khu 5", committee_name="Đảng ủy phường Mạo Khê",
)


def make(tmp_path: Path, data: ReceiptData, margins: Margins | None = None) -> PdfReader:
    path = tmp_path / "receipt.pdf"
    if margins is None:
        receipt_slip_pdf(data, path)
    else:
        receipt_slip_pdf(data, path, margins)
    return PdfReader(path)


def lines(reader: PdfReader) -> list[str]:
    return [line.strip() for line in all_text(reader).splitlines()]


def test_the_slip_prints_the_header_the_member_and_the_signature(tmp_path: Path) -> None:
    reader = make(tmp_path, FULL)
    assert len(reader.pages) == 1
    assert is_size(reader, A4_PORTRAIT)
    found = lines(reader)
    for expected in (
        # the parent line keeps 14 pt and takes two lines beside the date
        "ĐẢNG BỘ THÀNH PHỐ", "ĐÔNG TRIỀU", "ĐẢNG ỦY PHƯỜNG MẠO KHÊ", "*", "Số 12-PTN/ĐU",
        "ĐẢNG CỘNG SẢN VIỆT NAM", "Đông Triều, ngày 05 tháng 12 năm 2026", "PHIẾU TIẾP NHẬN",
        "Kính gửi: Đảng ủy Công ty Than Mạo Khê", "Nam/nữ: Nam", "Sinh ngày: 12/05/1978",
        "Ngày vào Đảng: 03/02/2005",
        "Chức vụ, đơn vị công tác: Quản đốc, Phân xưởng Khai thác 1",
        "Hiện cư trú tại: Số 12, tổ 3, khu 5, phường Mạo Khê",
        "Tiếp nhận ngày: 04/12/2026", "Đã giới thiệu về sinh hoạt tại: Chi bộ khu 5",
        "T/M ĐẢNG ỦY", "BÍ THƯ", "Lê Văn Cường", "Nơi nhận:",
        "- Đảng ủy Công ty Than Mạo Khê;", "- Chi bộ khu 5;", "- Lưu Văn phòng Đảng ủy.",
    ):
        assert expected in found, (expected, found)
    text = " ".join(found)
    assert ("Đảng ủy phường Mạo Khê đã tiếp nhận Giấy giới thiệu số 15-GGT/ĐU ngày 01/12/2026 "
            "của Đảng ủy Công ty Than Mạo Khê giới thiệu đồng chí có tên dưới đây về sinh hoạt "
            "nơi cư trú:") in text
    assert "về sinh hoạt nơi cư trú." not in found  # no stray line of its own
    assert "Họ và tên: Nguyễn Văn An" in text
    assert "Đang sinh hoạt đảng tại: Chi bộ Phân xưởng Khai thác 1 – Đảng ủy Công ty" in text
    assert "None" not in text


def test_name_and_signer_are_bold(tmp_path: Path) -> None:
    page = make(tmp_path, FULL).pages[0]
    for text in ("Nguyễn Văn An", "Lê Văn Cường", "T/M ĐẢNG ỦY", "ĐẢNG ỦY PHƯỜNG MẠO KHÊ"):
        assert run_with(page, text).font.endswith("LiberationSerif-Bold"), text
    assert run_with(page, "Đông Triều, ngày 05 tháng 12 năm 2026").font.endswith("-Italic")
    # the signature stands in the right half, below the body, beside "Nơi nhận"
    signer = run_with(page, "Lê Văn Cường")
    body = run_with(page, "Đã giới thiệu về sinh hoạt tại:")
    recipients = run_with(page, "Nơi nhận:")
    assert signer.x > (35 + (210 - 50) / 2) * mm and signer.y < body.y
    assert recipients.x < 40 * mm and recipients.y < body.y
    assert recipients.font.endswith("-BoldItalic")


def test_missing_values_print_dots_never_none(tmp_path: Path) -> None:
    bare = ReceiptData(issuer=WARD, number=None, printed_on=date(2026, 2, 5),
                       full_name="Trần Thị Bình", sex="", address="   ")
    reader = make(tmp_path, bare)
    text = all_text(reader).replace("\xa0", " ")
    assert "None" not in text
    assert re.search(r"Số {5,}-PTN/ĐU", text), text
    assert "Đông Triều, ngày 05 tháng 02 năm 2026" in text
    for label in ("Nam/nữ", "Sinh ngày", "Ngày vào Đảng", "Đang sinh hoạt đảng tại",
                  "Chức vụ, đơn vị công tác", "Hiện cư trú tại", "Tiếp nhận ngày"):
        assert re.search(re.escape(label) + r": …", text), label
    assert "Giấy giới thiệu số …" in text
    assert "Đã giới thiệu về sinh hoạt tại: Chi bộ ……" in text
    # without the committee's own name the sentence uses the header line in sentence case
    assert "Đảng ủy phường Mạo Khê đã tiếp nhận" in text


def test_a_year_of_birth_alone_is_labelled_as_a_year(tmp_path: Path) -> None:
    text = all_text(make(tmp_path, dataclasses.replace(FULL, birth="1978")))
    assert "Năm sinh: 1978" in text and "Sinh ngày" not in text


def test_fonts_metadata_and_margins(tmp_path: Path) -> None:
    margins = Margins(top_mm=20, bottom_mm=20, left_mm=30, right_mm=15)
    reader = make(tmp_path, FULL, margins)
    assert_fonts_embedded_and_ours(reader)
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Phiếu tiếp nhận đảng viên – Nguyễn Văn An"
    assert meta.author == "Đảng ủy phường Mạo Khê"
    assert meta.creator == "Sổ đảng viên 213"
    found = runs(reader.pages[0])
    assert margins.left_mm * mm - 1 <= min(r.x for r in found) <= margins.left_mm * mm + 1
    top = A4_PORTRAIT[1] - margins.top_mm * mm
    assert top - 20 < max(r.y for r in found) < top  # the header starts right at the margin


def test_writes_to_a_binary_file(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    assert receipt_slip_pdf(FULL, buffer) == 1
    assert "Nguyễn Văn An" in all_text(PdfReader(io.BytesIO(buffer.getvalue())))


def test_a_long_name_wraps_in_its_own_box(tmp_path: Path) -> None:
    """A name long enough for three lines stays left of "Nam/nữ" (it used to run into it)."""
    import subprocess

    name = ("Nguyễn Thị Phương Thảo Hoàng Lan Anh Ngọc Bích Thùy Dương Minh Châu Bảo Ngọc "
            "Hồng Nhung")
    make(tmp_path, dataclasses.replace(FULL, full_name=name, sex="Nữ"))
    html = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "receipt.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = [(float(a), float(b), float(c), w) for a, b, c, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
        html)]
    sex = next(w for w in words if w[3] == "Nam/nữ:")
    mine = [w for w in words if w[3] in name.split() and abs(w[1] - sex[1]) < 45]
    assert len({round(w[1]) for w in mine}) >= 2  # it wraps …
    assert all(w[2] < sex[0] for w in mine)  # … inside its own box
