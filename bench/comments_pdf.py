"""Benchmark: a whole round's comment sheets as one PDF.

Run by hand (not a test):  python bench/comments_pdf.py [--sheets 1800] [--groups 20]
                                  [--workers N] [--without-certification] [--longer 0]
                                  [--rounds 3]

Builds synthetic sheets (Vietnamese names, the default item texts, the Front head and the cell
signing, the ward's certification unless `--without-certification`) in organisation groups,
each with its covering list, and times `comment_sheets_pdf` from the call until the file is
written: process start-up, layout, joining.  Each sheet is measured and printed in the form's
arrangement when that fits one page, else compact; `--longer P` gives P % of the sheets 600
more characters (too long for the form's arrangement: they print compact, still one page).
Peak memory is the parent's maximum resident set size plus the largest child's
(getrusage RUSAGE_SELF + RUSAGE_CHILDREN), both for the whole run.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.catalogues.documents import IssuerLines  # noqa: E402
from reports.documents.comment_batch import SheetGroup, comment_sheets_pdf  # noqa: E402
from reports.documents.comment_sheet import (  # noqa: E402
    Certification,
    CommentSheetData,
    SheetItem,
    Signer,
)
from reports.documents.covering_list import CoveringList, CoverRow  # noqa: E402

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Hồng", "Xuân")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hường", "Lan", "Nam", "Thủy", "Tuấn", "Yến", "Khải")
ITEMS = (
    ("Giữ gìn phẩm chất chính trị, đạo đức, lối sống; nêu gương trước nhân dân",
     "Có lập trường tư tưởng vững vàng, lối sống giản dị, gương mẫu."),
    ("Thực hiện nghĩa vụ công dân và quy định nơi cư trú; vận động gia đình cùng thực hiện",
     "Chấp hành tốt; gia đình đạt danh hiệu gia đình văn hóa."),
    ("Tham gia sinh hoạt với chi bộ nơi cư trú",
     "Năm 2026 được mời dự 2 buổi sinh hoạt, có mặt 2 buổi."),
    ("Dự họp tổ dân phố, giữ mối liên hệ với chi ủy, trưởng khu và Ban công tác Mặt trận",
     "Thường xuyên giữ mối liên hệ; tham gia góp ý xây dựng khu dân cư."),
    ("Tham gia các phong trào, cuộc vận động ở nơi cư trú; chịu sự giám sát của chi bộ và "
     "nhân dân", "Tích cực tham gia vệ sinh môi trường, ủng hộ quỹ khuyến học."),
    ("Đề nghị", ""),
    ("Ý kiến khác", "Không."),
)
BASIS = ("Thực hiện Quy định số 213-QĐ/TW ngày 02/01/2020 của Bộ Chính trị về trách nhiệm của "
         "đảng viên đang công tác thường xuyên giữ mối liên hệ với tổ chức đảng và nhân dân nơi "
         "cư trú,")
PRINTED_ON = date(2026, 12, 5)
MORE = ("Đồng chí gương mẫu chấp hành chủ trương của Đảng, chính sách, pháp luật của Nhà nước, "
        "tích cực tham gia các hoạt động của khu dân cư và vận động gia đình cùng thực hiện tốt "
        "các quy định nơi cư trú. ") * 4
CERTIFICATION = Certification("XÁC NHẬN CỦA ĐẢNG ỦY PHƯỜNG MẠO KHÊ", "XÁC NHẬN CỦA ĐẢNG ỦY",
                              "T/M ĐẢNG ỦY", "BÍ THƯ", "Phạm Văn Dũng")


def cell(number: int) -> IssuerLines:
    return IssuerLines(
        issuer_id=number, parent_line="ĐẢNG BỘ PHƯỜNG MẠO KHÊ", name_line=f"CHI BỘ KHU {number}",
        number_suffix="CB", signer_title="T/M CHI ỦY", signer_role="BÍ THƯ",
        signer_name="Lê Văn Cường", place_name="Đông Triều",
    )


def sheet(n: int, organisation: str, certification: bool, longer: bool) -> CommentSheetData:
    area = n % 9 + 1
    texts = [text for _, text in ITEMS]
    if longer:  # 600 more characters over items 1, 2 and 4
        for index in (0, 1, 3):
            texts[index] = f"{texts[index]} {MORE[:199]}"
    name = f"{FAMILY[n % 10]} {MIDDLE[n % 8]} {GIVEN[n % 11]}"
    return CommentSheetData(
        issuer=cell(area), doc_code=f"{n + 1}-PNX/CB", printed_on=PRINTED_ON, year=2026,
        addressee=organisation, basis_line=BASIS,
        commenters=f"Chi ủy Chi bộ khu {area} phối hợp với Ban công tác Mặt trận khu {area}",
        full_name=name, sex="Nữ" if MIDDLE[n % 8] == "Thị" else "Nam",
        birth=f"{n % 28 + 1:02d}/{n % 12 + 1:02d}/{1960 + n % 40}",
        job=f"Công nhân Phân xưởng Khai thác {n % 7 + 1}, {organisation.split(' ', 2)[2]}",
        party_unit=f"Chi bộ Phân xưởng Khai thác {n % 7 + 1} – {organisation}",
        address=f"Số {n % 90 + 1}, tổ {n % 12 + 1}, khu {area}, phường Mạo Khê",
        items=tuple(SheetItem(i, title, text)
                    for i, ((title, _), text) in enumerate(zip(ITEMS, texts, strict=True),
                                                           start=1)),
        proposal=("praise", "none", "discipline")[n % 3 and 1],
        signers=(Signer(("T/M BAN CÔNG TÁC MẶT TRẬN",), "TRƯỞNG BAN", "Trần Thị Bình"),
                 Signer(("T/M CHI ỦY",), "BÍ THƯ", "Lê Văn Cường")),
        certification=CERTIFICATION if certification else None,
        member_key=f"member-{n}",
    )


def groups(sheets: int, count: int, certification: bool = True,
           longer: float = 0) -> list[SheetGroup]:
    out: list[SheetGroup] = []
    ward = IssuerLines(
        issuer_id=100, parent_line="ĐẢNG BỘ THÀNH PHỐ ĐÔNG TRIỀU",
        name_line="ĐẢNG ỦY PHƯỜNG MẠO KHÊ", number_suffix="ĐU", signer_title="T/M ĐẢNG ỦY",
        signer_role="BÍ THƯ", signer_name="Phạm Văn Dũng", place_name="Đông Triều",
    )
    for g in range(count):
        organisation = f"Đảng ủy Công ty Than {('Mạo Khê', 'Uông Bí', 'Hòn Gai', 'Hạ Long')[g % 4]}"
        members = [sheet(n, organisation, certification, n % 100 < longer)
                   for n in range(g, sheets, count)]
        rows = tuple(CoverRow(s.full_name, s.birth, s.job, f"Chi bộ khu {s.issuer.issuer_id}",
                              s.doc_code or "") for s in members)
        cover = CoveringList(ward, PRINTED_ON, 2026, organisation, rows,
                             Signer(("T/M ĐẢNG ỦY",), "BÍ THƯ", "Phạm Văn Dũng"))
        out.append(SheetGroup(cover, tuple(members)))
    return out


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024  # kilobytes on Linux


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sheets", type=int, default=1800)
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--without-certification", action="store_true")
    parser.add_argument("--certification", action="store_true",
                        help="the default (kept for earlier command lines)")
    parser.add_argument("--longer", type=float, default=0, metavar="PERCENT")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    batch = groups(args.sheets, args.groups, not args.without_certification, args.longer)
    out = Path(tempfile.mkdtemp()) / "phieu-nhan-xet.pdf"
    times: list[float] = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        pages = comment_sheets_pdf(batch, out, workers=args.workers).pages
        times.append(time.perf_counter() - start)
        print(f"{times[-1]:.2f} s, {pages} pages, {out.stat().st_size / 1e6:.1f} MB file")
    print(f"{args.sheets} sheets in {args.groups} groups with covering lists: median "
          f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}), "
          f"{pages} pages, peak memory {peak_mb():.0f} MB (parent + largest child)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
