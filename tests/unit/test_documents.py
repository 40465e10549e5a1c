"""Issuers' dated header lines and document numbers."""

from __future__ import annotations

from datetime import date

from models.catalogues.documents import document_code, issuer_lines, next_document_number
from models.catalogues.ward import list_cells
from models.store.db import Database
from models.store.entities import IssuerVersion


def test_lines_follow_the_date(db: Database) -> None:
    cell = list_cells(db.session_factory)[0]
    lines = issuer_lines(db.session_factory, cell.id, date(2026, 12, 5))
    assert (lines.parent_line, lines.name_line) == ("ĐẢNG BỘ PHƯỜNG MẠO KHÊ", "CHI BỘ KHU 5")
    assert (lines.signer_title, lines.signer_role) == ("T/M CHI ỦY", "BÍ THƯ")
    assert lines.place_name == "Đông Triều"
    with db.session_factory.begin() as s:
        s.add(IssuerVersion(issuer_id=lines.issuer_id, valid_from=date(2025, 7, 1),
                            parent_line="ĐẢNG BỘ PHƯỜNG MẠO KHÊ", name_line="CHI BỘ KHU 5",
                            number_suffix="CB", signer_title="T/M CHI BỘ", signer_role="BÍ THƯ",
                            signer_name="Ngô Văn Mới"))
    assert issuer_lines(db.session_factory, cell.id, date(2024, 12, 1)).signer_title == (
        "T/M CHI ỦY")
    assert issuer_lines(db.session_factory, cell.id, date(2025, 7, 1)).signer_name == "Ngô Văn Mới"
    ward = issuer_lines(db.session_factory, None, date(2026, 1, 1))
    assert (ward.parent_line, ward.name_line, ward.number_suffix) == (
        "ĐẢNG BỘ THÀNH PHỐ ĐÔNG TRIỀU", "ĐẢNG ỦY PHƯỜNG MẠO KHÊ", "ĐU")


def test_numbers_count_per_issuer_year_and_kind(db: Database) -> None:
    cell = list_cells(db.session_factory)[0]
    issuer = issuer_lines(db.session_factory, cell.id, date(2026, 1, 1)).issuer_id
    with db.session_factory.begin() as s:
        got = [next_document_number(s, issuer, 2026, "PNX") for _ in range(3)]
        got.append(next_document_number(s, issuer, 2027, "PNX"))
        got.append(next_document_number(s, issuer, 2026, "PTN"))
    assert got == [1, 2, 3, 1, 1]
    assert document_code(27, "PNX", "CB") == "27-PNX/CB"
