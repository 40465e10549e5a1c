"""The town-wide summary report: the wards' yearly summary added up (``models.exchange.town``),
printed as the ward's own report (``reports.documents.summary_report``) with one more table, the
per-ward breakdown, before the signature; and the same as a workbook with a «Theo phường» sheet.

Coupling to the ward report is kept to its public functions: ``summary_flowables`` (whose last
flowable is the closing block: 'Nơi nhận' and the signature) and ``summary_xlsx``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph

from models import clock
from models.catalogues.documents import IssuerLines
from models.exchange.town import TownSummary, WardEntry, ward_attendance
from models.formats import format_date, format_int, format_rate
from reports.documents.summary_report import STYLE, SUBTITLE, TOTAL, summary_flowables, summary_xlsx
from reports.layout import party_doc as doc
from reports.layout.fonts import SERIF_BOLD
from reports.layout.party_doc import DEFAULT_MARGINS, Margins, Out
from reports.layout.tables import Column, PagedGrid, set_widths, write_table
from reports.workbooks.writing import save_xlsx

WARD_SECTION = "6. Theo đảng bộ phường, xã"
SOURCES = "Số liệu tổng hợp từ gói báo cáo của {count} đảng bộ phường, xã: {names}."
LIVE_SOURCES = ("Số liệu tổng hợp của {count} đảng bộ phường, xã: {names} (đọc trực tiếp "
                "trên máy chủ lúc in); {packages}.")
PACKAGES = "{count} đảng bộ từ gói báo cáo: {names}"
HEADINGS = ("STT", "Đảng bộ phường, xã", "Đầu năm", "Tiếp nhận", "Thôi sinh hoạt", "Cuối kỳ",
            "Miễn sinh hoạt", "Lượt mời", "Có mặt", "Tỷ lệ có mặt", "Phiếu nhận xét",
            "Gói lập ngày")

Value = int | float | str | None
_SECTION = ParagraphStyle("town-section", parent=doc.LINE_STYLE, fontName=SERIF_BOLD,
                          spaceBefore=6, spaceAfter=3)


def ward_rows(town: TownSummary) -> list[list[Value]]:
    """One line per ward, then the total (equal to the town figures)."""
    rows: list[list[Value]] = []
    for n, w in enumerate(town.wards, start=1):
        s = w.summary
        att = ward_attendance(s)
        rows.append([n, w.party_org_name, s.movements.at_start, s.movements.received,
                     s.movements.left_total, s.movements.at_end, s.excused, att.invited,
                     att.present, att.rate, s.comments.total, _made(w)])
    t = town.total
    att = t.attendance
    rows.append([None, TOTAL, t.movements.at_start, t.movements.received, t.movements.left_total,
                 t.movements.at_end, t.excused, att.invited, att.present, att.rate,
                 t.comments.total, ""])
    return rows


def _made(ward: WardEntry) -> str:
    if ward.live:
        return f"{format_date(ward.package_created_at.date())} (máy chủ)"
    return format_date(ward.package_created_at.date())


def sources_line(town: TownSummary) -> str:
    """Where the figures come from: the wards' packages, and the wards read from the server."""
    live = [w.party_org_name for w in town.wards if w.live]
    packed = [w.party_org_name for w in town.wards if not w.live]
    if not live:
        return SOURCES.format(count=len(packed), names=", ".join(packed))
    packages = (PACKAGES.format(count=len(packed), names=", ".join(packed)) if packed
                else "không có gói báo cáo nào")
    return LIVE_SOURCES.format(count=len(town.wards), names=", ".join(live), packages=packages)


def _printed(value: Value) -> str:
    if isinstance(value, float):
        return format_rate(value)
    if isinstance(value, int):
        return format_int(value)
    return "" if value is None else str(value)


def town_flowables(town: TownSummary, issuer: IssuerLines, printed_on: date) -> list[Flowable]:
    flows = summary_flowables(town.total, issuer, printed_on)
    sources = doc.body(sources_line(town), indent=True)
    # the package dates stay in the workbook: the page has no room for them
    columns = [Column(h, align="CENTER" if i == 0 else "LEFT" if i == 1 else "RIGHT",
                      wrap=i == 1, grow=i != 0) for i, h in enumerate(HEADINGS[:-1])]
    rows = ward_rows(town)
    grid = PagedGrid(columns, [[_printed(v) for v in row[:-1]] for row in rows], style=STYLE,
                     bold_rows={len(rows) - 1})
    section: list[Flowable] = [CondPageBreak(30 * mm), Paragraph(doc.escape(WARD_SECTION),
                                                                _SECTION), grid]
    # the sources after the text, before the first table; the per-ward table before signing
    first_table = next((i for i, f in enumerate(flows) if isinstance(f, CondPageBreak)),
                       len(flows) - 1)
    return [*flows[:first_table], sources, *flows[first_table:-1], *section, flows[-1]]


def town_pdf(town: TownSummary, issuer: IssuerLines, out: Out,
             margins: Margins = DEFAULT_MARGINS, *, printed_on: date | None = None) -> int:
    """The town-wide report as an A4 PDF; returns its pages."""
    on = printed_on or clock.today()
    return doc.build_pdf(out, town_flowables(town, issuer, on), margins,
                         title=SUBTITLE.format(year=town.year).capitalize() + " (toàn đảng bộ)",
                         author=town.total.ward.committee or doc.sentence_case(issuer.name_line),
                         page_numbers="from_second")


def town_xlsx(town: TownSummary, out_path: Path | str, *, made_on: date | None = None) -> None:
    """The ward report's workbook of the town figures, with a «Theo phường» sheet."""
    from openpyxl import load_workbook

    path = Path(out_path)
    summary_xlsx(town.total, path, made_on=made_on)
    workbook = load_workbook(path)
    sheet = workbook.create_sheet("Theo phường", 1)
    rows = ward_rows(town)
    write_table(sheet, 1, list(HEADINGS), rows, percent_columns={9}, bold_rows={len(rows) - 1})
    set_widths(sheet, (6, 34, 10, 10, 10, 10, 10, 10, 10, 10, 10, 12))
    sheet.freeze_panes = "A2"
    save_xlsx(workbook, path)
