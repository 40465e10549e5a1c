"""The yearly comment sheet (phiếu nhận xét, DOMAIN.md §3.3) of one member, on one A4 page.

Pure data in, flowables or a PDF out: `reports.documents.comment_print` turns a stored sheet into
`CommentSheetData`; `reports.documents.comment_batch` prints a round.  `sheet_fit` measures a sheet
without printing it, fast enough for the editor to ask on every pause in typing.

Each sheet is measured, then laid out in the first of two arrangements that keeps it on one page
(at the user's margins):

- **the form's** (`Arrangement.REFERENCE`, form-reference-comment-sheet.png): the subtitle, then
  "Năm 2026" on its own italic line; the Front head and the cell side by side with room to sign
  and their names; then, centred below, the ward's certification ("XÁC NHẬN CỦA ĐẢNG ỦY PHƯỜNG
  MẠO KHÊ", "T/M ĐẢNG ỦY", "BÍ THƯ", "(ký tên, đóng dấu)") with 30 mm left free for its
  signature and seal above its signer's name;
- **the compact one** (`Arrangement.COMPACT`), for sheets too long for that: the year at the end
  of the subtitle's line and the certification beside the two signers ("XÁC NHẬN CỦA ĐẢNG ỦY",
  three blocks in one row), its 30 mm shared with the room to sign.  It is what holds the
  promise that a sheet with the default texts and 600 more characters over items 1–7 still
  prints on one page, with a 13 pt body (HD 36 allows 13–14).

A sheet too long even compact goes on to a second page that names the member, the year and the
sheet's number at its top, and printing says so.  `sheet_fit` measures the arrangement printed.
"""

from __future__ import annotations

import functools
import math
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from models.catalogues.documents import DocumentKind, IssuerLines
from models.comments.common import PROPOSAL_ITEM  # the item printed as the three proposal boxes
from models.labels import PROPOSAL
from reports.layout import party_doc as doc
from reports.layout.blocks import (
    SplittableWidthDependent,
    frame_spare,
    grid,
    measured,
    remembered,
    shared_block,
    short_paragraph,
)
from reports.layout.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC
from reports.layout.names import without_addressee
from reports.layout.party_doc import DEFAULT_MARGINS, Margins, Out

KIND = DocumentKind.COMMENT_SHEET
TITLE = "Phiếu nhận xét"
SUBTITLE = "đảng viên đang công tác giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú"
BLANK_DATE = "……/……/……"

BODY_SIZE = 13
BODY_LEADING = BODY_SIZE * 1.1
_BODY = ParagraphStyle("sheet-body", parent=doc.BODY_STYLE, fontSize=BODY_SIZE,
                       leading=BODY_LEADING, spaceAfter=0)
_LINE = ParagraphStyle("sheet-line", parent=doc.LINE_STYLE, fontSize=BODY_SIZE,
                       leading=BODY_LEADING, spaceAfter=0)
_CENTRED_BOLD = ParagraphStyle("sheet-to", parent=_LINE, fontName=SERIF_BOLD, alignment=TA_CENTER)
_TITLE = ParagraphStyle("sheet-title", parent=doc.TITLE_STYLE, leading=16.5)
_YEAR = ParagraphStyle("sheet-year", parent=_LINE, fontName=SERIF_ITALIC, alignment=TA_CENTER)

SIGN_SPACE_MM = 14  # room to sign for the Front head and the cell, without the certification
CERTIFY_ROOM_MM = 30  # free under the certification's lines, for the signature and the seal
CERTIFY_NOTE = "(ký tên, đóng dấu)"


class Arrangement(Enum):
    """How a sheet places its year and the ward's certification (see the module's doc)."""

    REFERENCE = "reference"  # as the form: the year on its own line, the certification below
    COMPACT = "compact"  # the year on the subtitle's line, the certification beside the signers


@dataclass(frozen=True)
class Signer:
    """One signature block: title lines, role, name (blank: room to write it), optional note."""

    title_lines: tuple[str, ...]  # ("T/M BAN CÔNG TÁC MẶT TRẬN",) or ("T/M CHI ỦY",)
    role: str  # "TRƯỞNG BAN" / "BÍ THƯ"
    name: str  # "Trần Thị Bình"; "" leaves the space blank
    note: str | None = None  # "(ký tên, đóng dấu)"


@dataclass(frozen=True)
class Certification:
    """The ward committee's certification of the sheet, in both arrangements' words."""

    heading: str  # "XÁC NHẬN CỦA ĐẢNG ỦY PHƯỜNG MẠO KHÊ" (the form's, centred below)
    short_heading: str  # "XÁC NHẬN CỦA ĐẢNG ỦY" (compact: beside the signers, a narrow column)
    title: str  # "T/M ĐẢNG ỦY"
    role: str  # "BÍ THƯ"
    name: str = ""  # the ward's signer, under the room for the seal; "" leaves it blank

    def signer(self, arrangement: Arrangement) -> Signer:
        if arrangement is Arrangement.REFERENCE:
            return Signer((self.heading, self.title), self.role, self.name, CERTIFY_NOTE)
        return Signer((self.short_heading, self.title), self.role, "")


@dataclass(frozen=True)
class SheetItem:
    number: int  # 1..7
    title: str  # "Giữ gìn phẩm chất chính trị, đạo đức, lối sống; nêu gương trước nhân dân"
    text: str  # the comment; may be long and hold line breaks


@dataclass(frozen=True)
class CommentSheetData:
    """Everything one sheet prints (from the sheet's snapshot, its items and its proposal)."""

    issuer: IssuerLines  # the cell's header lines and number suffix
    doc_code: str | None  # "27-PNX/CB"; None prints a blank number to fill in
    printed_on: date | None  # the date line; None prints dots
    year: int
    addressee: str  # "Đảng ủy Công ty Than Mạo Khê" after "Kính gửi:"; "" prints dots
    basis_line: str  # the regulation sentence ("Thực hiện Quy định số 213-QĐ/TW ... nơi cư trú,")
    commenters: str  # "Chi ủy Chi bộ khu 5 phối hợp với Ban công tác Mặt trận khu 5"
    full_name: str
    sex: str  # "Nam" / "Nữ"
    birth: str  # "12/05/1978", or "1978" when only the year is known
    job: str  # "Đơn vị công tác, chức vụ": "Quản đốc Phân xưởng Khai thác 1, Công ty Than Mạo Khê"
    party_unit: str  # "Sinh hoạt đảng tại": "Chi bộ Phân xưởng Khai thác 1 – Đảng ủy Công ty …"
    address: str  # "Nơi cư trú"
    items: tuple[SheetItem, ...]  # the 7 items; item 6's text is replaced by the proposal boxes
    proposal: str  # "praise" / "none" / "discipline" (models.store.entities.Proposal values)
    signers: tuple[Signer, ...]  # side by side: the Front head (left) and the cell (right)
    certification: Certification | None  # the ward committee's, when it certifies
    member_key: str = ""  # the member's uuid; not printed (lets callers find the sheet's pages)


# --- layout helpers -----------------------------------------------------------------------------

def _line(markup: str) -> Paragraph:
    return short_paragraph(markup, _LINE)


def _birth_label(birth: str) -> tuple[str, str]:
    """('Sinh ngày', '12/05/1978'), or ('Năm sinh', '1978') when only the year is known."""
    value = doc.or_dots(birth, BLANK_DATE)
    return ("Năm sinh" if re.fullmatch(r"\d{4}", value) else "Sinh ngày"), value


def _identity_row(data: CommentSheetData) -> Flowable:
    """Name, sex and birth on one line: sex and birth as wide as their text, the name the rest
    (a long name wraps inside its own box)."""
    label, birth = _birth_label(data.birth)
    sex_text = f"Nam/nữ: {doc.or_dots(data.sex, doc.DOTS[:4])}"
    birth_text = f"{label}: {birth}"
    gap = 4 * mm

    def make(width: float) -> Table:
        sex_width = stringWidth(doc.nfc(sex_text), SERIF, BODY_SIZE) + gap
        birth_width = stringWidth(doc.nfc(birth_text), SERIF, BODY_SIZE) + 1
        name_width = max(width - sex_width - birth_width, width * 0.4)
        return grid([[doc.field("Họ và tên", data.full_name, bold=True, style=_LINE),
                      Paragraph(doc.escape(sex_text), _LINE),
                      Paragraph(doc.escape(birth_text), _LINE)]],
                    [name_width, sex_width, width - name_width - sex_width])

    return SplittableWidthDependent(make)


def _intro(data: CommentSheetData) -> str:
    """'{basis}, {commenters} nhận xét đảng viên như sau:' whatever punctuation ends the basis."""
    basis = doc.nfc(data.basis_line).strip().rstrip(",.;").rstrip()
    commenters = doc.or_dots(data.commenters)
    return f"{basis}, {commenters} nhận xét đảng viên như sau:" if basis else (
        f"{commenters} nhận xét đảng viên như sau:")


def _item_label(item: SheetItem) -> str:
    """'1. Giữ gìn phẩm chất …:' in markup (a title that already ends with ':' keeps one)."""
    return doc.escape(f"{item.number}. {doc.nfc(item.title).strip().rstrip(':').rstrip()}:")


def _item(item: SheetItem) -> Paragraph:
    """'N. title: text', the text's line breaks kept; a long one splits across pages."""
    text = item.text.strip("\n ")
    return doc.body_markup(f"{_item_label(item)} {doc.escape(text) if text else doc.DOTS}",
                           style=_BODY)


_PROPOSAL_LABEL_MAX = 110  # points; a longer item title stands on its own line above the boxes


def _proposal(item: SheetItem, chosen: str) -> list[Flowable]:
    """'6. Đề nghị:' and the three boxes on one line, ☒ before the chosen one."""
    label = _item_label(item)
    boxes: list[Flowable | str] = [
        _line(f"{doc.checkbox_markup(key == chosen)} {doc.escape(text)}")
        for key, text in PROPOSAL.items()
    ]
    label_width = stringWidth(doc.nfc(f"{item.number}. {item.title}:"), SERIF, BODY_SIZE)
    if label_width <= _PROPOSAL_LABEL_MAX:
        def one_row(width: float) -> Table:
            head = max(0.18 * width, label_width + 6)
            rest = (width - head) / 3
            return grid([[_line(label), *boxes]], [head, rest, rest, rest])

        return [measured(lambda: SplittableWidthDependent(one_row))]
    return [_line(label), measured(lambda: SplittableWidthDependent(
        lambda width: grid([boxes], [width / 3] * 3)))]


_SUBTITLE_MIN = 11  # the subtitle shrinks to one line, as on the form, before it wraps


class _OneLine(Flowable):  # type: ignore[misc]
    """A centred bold line shrunk (down to 11 pt) to the frame's width."""

    def __init__(self, text: str, size: float = BODY_SIZE) -> None:
        super().__init__()
        self.text, self.size = doc.nfc(text), size
        self._inner: Paragraph | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        size = self.size
        while size > _SUBTITLE_MIN and stringWidth(self.text, SERIF_BOLD, size) > avail_width:
            size -= 0.5
        style = ParagraphStyle(f"one-line-{size}", fontName=SERIF_BOLD, fontSize=size,
                               leading=size * 1.15, alignment=TA_CENTER)
        self._inner = Paragraph(doc.escape(self.text), style)
        self.width, self.height = self._inner.wrap(avail_width, avail_height)
        return self.width, self.height

    def draw(self) -> None:
        assert self._inner is not None
        self._inner.drawOn(self.canv, 0, 0)


# the blocks a thread's sheets share; flowables hold drawing state, so never across threads
_SHARED = threading.local()
_SHARED_MAX = 200


def _shared(key: object, make: Callable[[], list[Flowable]]) -> list[Flowable]:
    """Blocks every sheet of a cell prints alike (header, title, signatures …) are laid out once,
    drawn once per PDF as a form object and placed on each sheet (`blocks.shared_block`);
    none of them ever splits."""
    shared: dict[object, list[Flowable]] = _SHARED.__dict__.setdefault("blocks", {})
    found = shared.get(key)
    if found is None:
        if len(shared) >= _SHARED_MAX:
            shared.clear()
        parts = make()
        block = shared_block(parts)
        block.keepWithNext = any(getattr(p, "keepWithNext", False) for p in parts)
        found = shared[key] = [block]
    return found


def _blocks(signers: Sequence[Signer], space_mm: float) -> list[doc.SignatureBlock]:
    return [doc.SignatureBlock(s.title_lines, s.role, s.name, s.note, space_mm) for s in signers]


def _need(signer: Signer) -> float:
    """The width a signer's column asks: its name and role on one line, and its first title
    line whole when that is short enough to stand alone ('XÁC NHẬN CỦA ĐẢNG ỦY')."""
    lines = [signer.name, signer.role] + [t for t in signer.title_lines[:1]
                                          if stringWidth(t, SERIF_BOLD, BODY_SIZE) < 65 * mm]
    widest: float = max(stringWidth(doc.nfc(t), SERIF_BOLD, BODY_SIZE) for t in lines)
    return float(widest + 3 * mm)


def _signers_row(signers: Sequence[Signer]) -> list[Flowable]:
    """The Front head (left) and the cell (right) side by side, with room to sign."""
    return doc.signature_rows(_blocks(signers, SIGN_SPACE_MM), gap_mm=3, size=BODY_SIZE,
                              leading=BODY_LEADING)


def _certified_below(signers: Sequence[Signer], certification: Certification) -> list[Flowable]:
    """The form's arrangement: the signers side by side, the certification centred under them
    with its note, CERTIFY_ROOM_MM free for the signature and seal, then its signer's name."""
    ward = certification.signer(Arrangement.REFERENCE)
    block = doc.SignatureBlock(ward.title_lines, ward.role, ward.name, ward.note, CERTIFY_ROOM_MM)
    return [*(_signers_row(signers) if signers else []),
            *doc.signature_rows([block], single="centre", gap_mm=2 if signers else 3,
                                size=BODY_SIZE, leading=BODY_LEADING)]


def _certified_beside(signers: Sequence[Signer], certification: Certification) -> list[Flowable]:
    """The compact arrangement: three blocks in one row, the certification first (a higher
    body certifies on the left), each column as wide as its lines ask and the Front's the rest
    (its title wraps); the certification's column keeps CERTIFY_ROOM_MM free under its lines,
    the names' line included."""
    ordered = [certification.signer(Arrangement.COMPACT), *signers]
    needs = [_need(s) for s in ordered]
    if len(ordered) == 3:  # the middle one (the Front) takes what the other two leave
        needs[1] = max(needs[1], 160 * mm - needs[0] - needs[2])
    blocks = _blocks(ordered, CERTIFY_ROOM_MM - BODY_LEADING / mm)
    return doc.signature_rows(blocks, gap_mm=1.5, size=BODY_SIZE, leading=BODY_LEADING,
                              shares=needs, single="centre")


def _signatures(signers: Sequence[Signer], certification: Certification | None,
                arrangement: Arrangement) -> list[Flowable]:
    if not signers and certification is None:
        return []

    def make() -> list[Flowable]:
        if certification is None:
            return _signers_row(signers)
        if arrangement is Arrangement.REFERENCE:
            return _certified_below(signers, certification)
        return _certified_beside(signers, certification)

    return _shared(("signatures", tuple(signers), certification, arrangement), make)


def _make_title(year: int, arrangement: Arrangement) -> list[Flowable]:
    """PHIẾU NHẬN XÉT, the subtitle on one line (shrunk to fit, down to 11 pt), and the year in
    italics on the next (the form), or at the end of the subtitle (compact); tighter than
    `doc.title`."""
    if arrangement is Arrangement.REFERENCE:
        lines = [_OneLine(SUBTITLE), short_paragraph(doc.escape(f"Năm {year}"), _YEAR)]
    else:
        lines = [_OneLine(f"{SUBTITLE} năm {year}")]
    out: list[Flowable] = [Spacer(1, 1 * mm), Paragraph(doc.escape(TITLE.upper()), _TITLE),
                           *lines, Spacer(1, 1 * mm)]
    for flowable in out:
        flowable.keepWithNext = True
    return out


def continuation_text(data: CommentSheetData) -> str:
    """What the top of a second page says: whose sheet, which year, which number."""
    number = f", số {data.doc_code}" if data.doc_code else ""
    return (f"Phiếu nhận xét năm {data.year} của đồng chí {doc.nfc(data.full_name).strip()}"
            f"{number} (tiếp theo)")


def _member_part(data: CommentSheetData) -> list[Flowable]:
    """What only this sheet prints, from the identity line to the last item, each paragraph
    measured once per width (the sheet is measured before it is laid out)."""
    flowables: list[Flowable] = [
        _identity_row(data),
        remembered(doc.field("Đơn vị công tác, chức vụ",
                             without_addressee(data.job, data.addressee), style=_LINE)),
        remembered(doc.field("Sinh hoạt đảng tại",
                             without_addressee(data.party_unit, data.addressee), style=_LINE)),
        remembered(doc.field("Nơi cư trú", data.address, style=_LINE)),
        Spacer(1, 0.5 * mm),
    ]
    for item in data.items:
        if item.number == PROPOSAL_ITEM:
            flowables += _shared(("proposal", item.title, data.proposal),
                                 functools.partial(_proposal, item, data.proposal))
        else:
            flowables.append(remembered(_item(item)))
    return flowables


def _arranged(data: CommentSheetData, member: list[Flowable],
              arrangement: Arrangement) -> list[Flowable]:
    """The whole sheet in one arrangement around the member's part (not copied: the part's
    flowables go into the list returned)."""
    head = doc.DocHeader.for_issuer(data.issuer, data.doc_code, KIND, data.printed_on)
    intro = _intro(data)
    addressee = f"Kính gửi: {doc.or_dots(data.addressee)}"
    flowables: list[Flowable] = [
        # what the sheets of one cell share is laid out once: the header without its number,
        # the title, the addressee, the introduction, the proposal row and the signatures
        *_shared(("header", replace(head, number_text="")),
                 lambda: [doc.header(head, with_number=False)]),
        doc.number_line(head),
        doc.continued(continuation_text(data)),
        *_shared(("title", data.year, arrangement),
                 lambda: _make_title(data.year, arrangement)),
        *_shared(("to", addressee), lambda: [
            measured(lambda: Paragraph(doc.escape(addressee), _CENTRED_BOLD)),
            Spacer(1, 1 * mm)]),
        *_shared(("intro", intro), lambda: [measured(lambda: doc.body(intro, style=_BODY))]),
        *member,
    ]
    signatures = _signatures(data.signers, data.certification, arrangement)
    if signatures:
        # the signatures and the last item share a page: a signature never stands alone
        flowables.append(KeepTogether([flowables.pop(), *signatures]))
    return flowables


def _frame_size(margins: Margins) -> tuple[float, float]:
    return (A4[0] - (margins.left_mm + margins.right_mm) * mm,
            A4[1] - (margins.top_mm + margins.bottom_mm) * mm)


def _laid_out(data: CommentSheetData, margins: Margins, *, measure_both: bool = False
              ) -> tuple[list[Flowable], float, float | None]:
    """The sheet in the form's arrangement when that fits one page, else compact; the room (mm)
    left under the form's arrangement and under the compact one (None when the form's fits and
    not `measure_both`).  The member's paragraphs are measured once for both."""
    width, height = _frame_size(margins)
    member = _member_part(data)
    reference = _arranged(data, member, Arrangement.REFERENCE)
    spare = frame_spare(reference, width, height) / mm
    if spare >= 0 and not measure_both:
        return reference, spare, None
    compact = _arranged(data, member, Arrangement.COMPACT)
    compact_spare = frame_spare(compact, width, height) / mm
    return (reference if spare >= 0 else compact), spare, compact_spare


def comment_sheet_flowables(data: CommentSheetData,
                            margins: Margins = DEFAULT_MARGINS) -> list[Flowable]:
    """One sheet as flowables (DESIGN.md §3.5, form-reference-comment-sheet.png), in the
    arrangement that keeps it on one page at `margins` (the margins it is printed with)."""
    return _laid_out(data, margins)[0]


def sheet_title(data: CommentSheetData) -> str:
    return f"Phiếu nhận xét đảng viên năm {data.year} – {doc.nfc(data.full_name).strip()}"


def author(issuer: IssuerLines) -> str:
    return doc.sentence_case(issuer.name_line)


def comment_sheet_pdf(data: CommentSheetData, out: Out, margins: Margins = DEFAULT_MARGINS) -> int:
    """One sheet as a PDF; returns its pages."""
    return doc.build_pdf(out, comment_sheet_flowables(data, margins), margins,
                         title=sheet_title(data), author=author(data.issuer))


# --- does it fit one page? ----------------------------------------------------------------------

@dataclass(frozen=True)
class SheetFit:
    """Whether a sheet prints on one page, in which arrangement, and by how much room."""

    reference_spare_mm: float  # room left at the page's foot as the form; negative: too long
    compact_spare_mm: float  # the same, compact
    certified: bool  # the ward certifies (compact then prints it beside the signers)

    @property
    def arrangement(self) -> Arrangement:
        """The one printed: the form's whenever it fits."""
        return Arrangement.REFERENCE if self.reference_spare_mm >= 0 else Arrangement.COMPACT

    @property
    def spare_mm(self) -> float:
        """The room left under the arrangement printed; negative: how much too long."""
        if self.arrangement is Arrangement.REFERENCE:
            return self.reference_spare_mm
        return self.compact_spare_mm

    @property
    def fits(self) -> bool:
        return self.spare_mm >= 0

    @property
    def lines(self) -> int:
        """The spare room (or the excess) in lines of the sheet's text, rounded down (up)."""
        return _in_lines(self.spare_mm, up=not self.fits)

    @property
    def message(self) -> str:
        """What the editor shows: the room left as the form and compact ('Vừa một trang (còn
        khoảng 2 dòng theo mẫu, 11 dòng nếu in gọn).'); when compact is needed, what it changes
        and how much to cut to print as the form; or a warning."""
        if not self.fits:
            return (f"Quá một trang khoảng {self.lines} dòng: phiếu sẽ in sang trang 2. "
                    "Hãy rút gọn nội dung.")
        if self.arrangement is Arrangement.REFERENCE:
            compact = _in_lines(self.compact_spare_mm, up=False)
            return (f"Vừa một trang (còn khoảng {self.lines} dòng theo mẫu, {compact} dòng nếu "
                    "in gọn).")
        moved = ("xác nhận của Đảng ủy in bên cạnh chữ ký" if self.certified
                 else "năm in cùng dòng tiêu đề")
        cut = _in_lines(self.reference_spare_mm, up=True)
        return (f"Vừa một trang khi in gọn: {moved} (còn khoảng {self.lines} dòng). "
                f"Bớt khoảng {cut} dòng thì phiếu in theo mẫu.")


def _in_lines(height_mm: float, *, up: bool) -> int:
    count = abs(height_mm) / (BODY_LEADING / mm)
    return math.ceil(count) if up else int(count)


def sheet_fit(data: CommentSheetData, margins: Margins = DEFAULT_MARGINS) -> SheetFit:
    """Measure the sheet as the page frame stacks it, in the arrangement it would print in,
    without printing (about a millisecond): `comment_sheet_flowables` lays out exactly what
    this measures, which a test holds over the whole sample round."""
    _, reference, compact = _laid_out(data, margins, measure_both=True)
    assert compact is not None  # (measured both)
    return SheetFit(reference, compact, data.certification is not None)
