"""The receipt slip for an introduction letter (DOMAIN.md §3.2): the ward committee confirms it
received the member the workplace committee introduced, and names the cell it assigned."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer, Table

from models.catalogues.documents import DocumentKind, IssuerLines
from models.formats import format_date
from reports.layout import party_doc as doc
from reports.layout.blocks import WidthDependent, grid
from reports.layout.fonts import SERIF
from reports.layout.party_doc import DEFAULT_MARGINS, Margins, Out

BLANK_DATE = "……/……/……"
KEPT_BY = "Lưu Văn phòng Đảng ủy"
KIND = DocumentKind.RECEIPT
TITLE = "Phiếu tiếp nhận"
SUBTITLE = ("đảng viên đang công tác giữ mối liên hệ với tổ chức đảng",
            "và nhân dân nơi cư trú")


@dataclass(frozen=True)
class ReceiptData:
    """What one slip prints; None or blank values print as dots to fill in by hand."""

    issuer: IssuerLines  # the ward committee on the printing date
    number: str | None  # document code "12-PTN/ĐU", None before one is assigned
    printed_on: date
    full_name: str
    sex: str | None = None  # label: "Nam" / "Nữ"
    birth: str | None = None  # "12/05/1978" or "1978"
    joined_on: date | None = None
    workplace_cell: str | None = None  # Chi bộ Phân xưởng Khai thác 1
    workplace_organisation: str | None = None  # Đảng ủy Công ty Than Mạo Khê
    job_title: str | None = None  # chức vụ
    employer_unit: str | None = None  # đơn vị công tác
    address: str | None = None
    letter_number: str | None = None
    letter_date: date | None = None
    letter_issuer: str | None = None  # the workplace committee that wrote the letter
    received_on: date | None = None
    assigned_cell: str | None = None  # Chi bộ khu 5
    committee_name: str | None = None  # "Đảng ủy phường Mạo Khê"; else from the header line


def _date(value: date | None) -> str | None:
    return format_date(value) if value else None


def _joined(*parts: str | None, sep: str = ", ") -> str | None:
    kept = [p.strip() for p in parts if p and p.strip()]
    return sep.join(kept) or None


def _name_row(data: ReceiptData, birth_label: str, birth: str) -> list[Flowable]:
    """'Họ và tên' beside 'Nam/nữ', then the birth beside the join date: the short field as
    wide as its text, the name the rest (a long name wraps inside its own box)."""
    sex = doc.field("Nam/nữ", data.sex, dots=doc.DOTS[:4])
    sex_width = stringWidth(f"Nam/nữ: {doc.or_dots(data.sex, doc.DOTS[:4])}", SERIF,
                            doc.SIZE) + 6 * mm

    def names(width: float) -> Table:
        return grid([[doc.field("Họ và tên", data.full_name, bold=True), sex]],
                        [width - sex_width, sex_width], below=doc.LINE_STYLE.spaceAfter)

    return [WidthDependent(names),
            doc.side_by_side([doc.field(birth_label, birth),
                              doc.field("Ngày vào Đảng", _date(data.joined_on),
                                        dots=BLANK_DATE)])]


def receipt_flowables(data: ReceiptData) -> list[Flowable]:
    """The slip as flowables, for one PDF or a batch joined with `party_doc.document_break()`."""
    committee = data.committee_name or doc.sentence_case(data.issuer.name_line)
    short = doc.DOTS[:5]
    intro = (
        f"{doc.escape(committee)} đã tiếp nhận Giấy giới thiệu số "
        f"{doc.escape(doc.or_dots(data.letter_number, short))} ngày "
        f"{doc.escape(doc.or_dots(_date(data.letter_date), BLANK_DATE))} của "
        f"{doc.escape(doc.or_dots(data.letter_issuer, doc.DOTS[:10]))} giới thiệu đồng chí có "
        "tên dưới đây về sinh hoạt nơi cư trú:"
    )
    birth = doc.or_dots(data.birth, BLANK_DATE)
    birth_label = "Năm sinh" if re.fullmatch(r"\d{4}", birth) else "Sinh ngày"
    block = doc.SignatureBlock((data.issuer.signer_title,), data.issuer.signer_role,
                               data.issuer.signer_name)
    recipients = [r for r in (data.letter_issuer, data.assigned_cell) if r and r.strip()]
    return [
        doc.header(doc.DocHeader.for_issuer(data.issuer, data.number, KIND, data.printed_on)),
        *doc.title(TITLE, SUBTITLE),
        doc.centred(f"Kính gửi: {doc.or_dots(data.letter_issuer)}", bold=True),
        Spacer(1, 3 * mm),
        doc.body_markup(intro, indent=True),
        *_name_row(data, birth_label, birth),
        doc.field("Đang sinh hoạt đảng tại",
                  _joined(data.workplace_cell, data.workplace_organisation, sep=" – ")),
        doc.field("Chức vụ, đơn vị công tác", _joined(data.job_title, data.employer_unit)),
        doc.field("Hiện cư trú tại", data.address),
        doc.field("Tiếp nhận ngày", _date(data.received_on), dots=BLANK_DATE),
        doc.field("Đã giới thiệu về sinh hoạt tại", data.assigned_cell, bold=True,
                  dots=f"Chi bộ {doc.DOTS}"),
        doc.closing(recipients, KEPT_BY, block),
    ]


def receipt_slip_pdf(data: ReceiptData, out: Out, margins: Margins = DEFAULT_MARGINS) -> int:
    """Write the receipt slip as a PDF (path or binary file); returns the number of pages."""
    author = data.committee_name or doc.sentence_case(data.issuer.name_line)
    return doc.build_pdf(
        out, receipt_flowables(data), margins,
        title=f"Phiếu tiếp nhận đảng viên – {data.full_name}", author=author,
    )
