"""Joining the chunks of a batch by copying ReportLab's objects (`reports.layout.join`): the
pages in order, readable by pypdf and poppler, the fonts embedded, the metadata in Vietnamese."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab import rl_config
from reportlab.platypus import PageBreak

from reports.layout import party_doc as doc
from reports.layout.join import join_pdfs
from tests.unit.test_party_doc import assert_fonts_embedded_and_ours


def chunk(first: int, pages: int, *, binary: bool = True) -> bytes:
    was = rl_config.useA85
    rl_config.useA85 = 0 if binary else 1  # the workers write binary streams
    try:
        buffer = io.BytesIO()
        story = []
        for n in range(first, first + pages):
            story += [doc.body(f"Trang số {n} – Đặng Thị Hường, Nguyễn Văn Ánh"), PageBreak()]
        doc.build_pdf(buffer, story[:-1], title="", author="")
        return buffer.getvalue()
    finally:
        rl_config.useA85 = was


@pytest.mark.parametrize("binary", [True, False])
def test_the_pages_come_in_order_and_read_everywhere(tmp_path: Path, binary: bool) -> None:
    parts = [chunk(1, 3, binary=binary), chunk(4, 1, binary=binary),
             chunk(5, 120, binary=binary)]
    out = tmp_path / "joined.pdf"
    with out.open("wb") as target:
        assert join_pdfs(parts, target, title="Phiếu nhận xét đảng viên năm 2026",
                         author="Đảng ủy phường Mạo Khê", creator="Sổ đảng viên 213") == 124
    reader = PdfReader(out)
    assert [p.extract_text().split("–")[0].strip() for p in reader.pages] == [
        f"Trang số {n}" for n in range(1, 125)]
    assert reader.metadata is not None
    assert reader.metadata.title == "Phiếu nhận xét đảng viên năm 2026"
    assert reader.metadata.author == "Đảng ủy phường Mạo Khê"
    assert_fonts_embedded_and_ours(reader)
    shown = subprocess.run(["pdftoppm", "-r", "8", "-png", str(out), str(tmp_path / "p")],
                           capture_output=True, text=True)
    assert shown.returncode == 0 and "Error" not in shown.stderr
    assert len(list(tmp_path.glob("p-*.png"))) == 124


def test_anything_else_is_refused() -> None:
    with pytest.raises(ValueError):
        join_pdfs([b"%PDF-1.7\nnot what ReportLab writes"], io.BytesIO(), title="t",
                  author="a", creator="c")
