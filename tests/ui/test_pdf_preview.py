"""The preview-and-print dialog on a real three-page PDF with Vietnamese text."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QToolButton, QWidget

from ui.shell import messages
from ui.shell.pdf_preview import PdfPreviewDialog, print_pdf

TITLE = "Phiếu nhận xét đảng viên"


def make_pdf(path: Path, pages: int = 3, landscape_page: int | None = None) -> Path:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = resources.files("resources") / "fonts" / "LiberationSerif-Regular.ttf"
    with resources.as_file(font) as font_path:
        pdfmetrics.registerFont(TTFont("PreviewSerif", str(font_path)))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle(TITLE)
    for number in range(1, pages + 1):
        if number == landscape_page:
            pdf.setPageSize(landscape(A4))
        else:
            pdf.setPageSize(A4)
        pdf.setFont("PreviewSerif", 24)
        pdf.drawString(72, 500, f"Trang {number} — Đảng ủy phường Mạo Khê")
        pdf.rect(72, 72, 200, 100, fill=1)
        pdf.showPage()
    pdf.save()
    return path


@pytest.fixture
def pdf_path(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "phieu.pdf")


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, title, text: shown.append(text))
    return shown


@pytest.fixture
def dialog(qtbot, pdf_path: Path, errors: list[str]) -> PdfPreviewDialog:
    dlg = PdfPreviewDialog(pdf_path, TITLE, "phieu-nhan-xet.pdf")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def loaded(path: Path) -> QPdfDocument:
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    return document


def test_shows_title_and_page_count(dialog: PdfPreviewDialog, errors: list[str]) -> None:
    assert TITLE in dialog.windowTitle()
    labels = {button.text() for button in dialog.toolbar.findChildren(QToolButton)}
    assert {"In…", "Lưu PDF…", "Đóng", "Trang trước", "Trang sau"} <= labels
    assert "Ctrl+P" in dialog.print_action.toolTip()
    assert dialog.page_total.text().strip() == "/ 3"
    assert dialog.page_spin.value() == 1
    assert dialog.view.pageMode() == QPdfView.PageMode.MultiPage
    assert not errors


def test_next_prev_and_spin_move_the_view(qtbot, dialog: PdfPreviewDialog,
                                          errors: list[str]) -> None:
    navigator = dialog.view.pageNavigator()
    assert not dialog.prev_action.isEnabled()
    dialog.next_action.trigger()
    assert navigator.currentPage() == 1
    assert dialog.page_spin.value() == 2
    dialog.next_action.trigger()
    assert navigator.currentPage() == 2
    assert not dialog.next_action.isEnabled()
    dialog.prev_action.trigger()
    assert navigator.currentPage() == 1
    dialog.page_spin.setValue(3)
    assert navigator.currentPage() == 2
    dialog.page_spin.setValue(1)
    assert navigator.currentPage() == 0
    assert not errors


def test_keyboard_navigates_and_zooms(qtbot, dialog: PdfPreviewDialog) -> None:
    navigator = dialog.view.pageNavigator()
    dialog.view.setFocus()
    qtbot.keyClick(dialog.view, Qt.Key.Key_End)
    assert navigator.currentPage() == 2
    qtbot.keyClick(dialog.view, Qt.Key.Key_PageUp)
    assert navigator.currentPage() == 1
    qtbot.keyClick(dialog.view, Qt.Key.Key_Home)
    assert navigator.currentPage() == 0
    qtbot.keyClick(dialog.view, Qt.Key.Key_PageDown)
    assert navigator.currentPage() == 1
    dialog.zoom_combo.setCurrentIndex(2)  # 100%
    dialog.zoom_combo.activated.emit(2)
    qtbot.keyClick(dialog.view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert dialog.view.zoomFactor() == pytest.approx(1.25)
    qtbot.keyClick(dialog.view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert dialog.view.zoomFactor() == pytest.approx(1.0)


def test_zoom_buttons_and_fit_modes(dialog: PdfPreviewDialog) -> None:
    view = dialog.view
    assert view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert dialog.zoom_combo.currentText() == "Vừa chiều rộng"
    dialog.zoom_combo.activated.emit(dialog.zoom_combo.findText("100%"))
    assert view.zoomMode() == QPdfView.ZoomMode.Custom
    dialog.zoom_in_action.trigger()
    assert view.zoomFactor() == pytest.approx(1.25)
    assert dialog.zoom_combo.currentText() == "125%"
    dialog.zoom_out_action.trigger()
    dialog.zoom_out_action.trigger()
    assert view.zoomFactor() == pytest.approx(0.75)
    for _ in range(5):
        dialog.zoom_out_action.trigger()
    assert view.zoomFactor() == pytest.approx(0.5)
    dialog.zoom_combo.activated.emit(dialog.zoom_combo.findText("Cả trang"))
    assert view.zoomMode() == QPdfView.ZoomMode.FitInView
    dialog.zoom_combo.activated.emit(dialog.zoom_combo.findText("Vừa chiều rộng"))
    assert view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert dialog.zoom_combo.currentText() == "Vừa chiều rộng"
    before = dialog._effective_zoom()
    dialog.zoom_in_action.trigger()  # from a fit mode, the next step above what is shown
    assert view.zoomMode() == QPdfView.ZoomMode.Custom
    assert view.zoomFactor() > before


def test_save_copies_the_bytes(qtbot, dialog: PdfPreviewDialog, pdf_path: Path,
                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out" / "ban-sao.pdf"
    target.parent.mkdir()
    asked: list[str] = []

    def save_file(parent: QWidget | None, title: str, suggested: str, filters: str) -> str:
        asked.append(suggested)
        return str(target)

    monkeypatch.setattr(messages, "save_file", save_file)
    with qtbot.waitSignal(dialog.saved) as blocker:
        dialog.save_action.trigger()
    assert blocker.args == [str(target)]
    assert asked == ["phieu-nhan-xet.pdf"]
    assert target.read_bytes() == pdf_path.read_bytes()


def test_save_cancelled_writes_nothing(qtbot, dialog: PdfPreviewDialog, pdf_path: Path,
                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def files() -> dict[Path, bytes]:
        return {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    before = files()
    asked: list[str] = []
    monkeypatch.setattr(messages, "save_file", lambda _p, _t, suggested, _f: asked.append(
        suggested))  # the user cancels: None
    with qtbot.assertNotEmitted(dialog.saved):
        dialog.save_action.trigger()
    assert asked == ["phieu-nhan-xet.pdf"]  # the question was asked
    assert files() == before and pdf_path in before  # and nothing was written or changed


def test_save_to_unwritable_place_shows_error(dialog: PdfPreviewDialog, tmp_path: Path,
                                              errors: list[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(messages, "save_file",
                        lambda *args: str(tmp_path / "missing-folder" / "x.pdf"))
    dialog.save_action.trigger()
    assert errors and errors[0].startswith("Không lưu được tệp PDF")


def test_print_pdf_prints_every_page(pdf_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "printed.pdf"
    document = loaded(pdf_path)
    assert print_pdf(document, pdf_printer(out), 1, 3) == 3
    assert len(PdfReader(out).pages) == 3


def test_print_pdf_respects_the_range(pdf_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "printed.pdf"
    printer = pdf_printer(out)
    printer.setFromTo(2, 3)
    assert print_pdf(loaded(pdf_path), printer, printer.fromPage(), printer.toPage()) == 2
    assert len(PdfReader(out).pages) == 2
    assert print_pdf(loaded(pdf_path), pdf_printer(tmp_path / "none.pdf"), 5, 9) == 0


def test_print_pdf_stops_when_cancelled(pdf_path: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    printed = print_pdf(loaded(pdf_path), pdf_printer(tmp_path / "cancelled.pdf"), 1, 3,
                        progress=lambda done, total: seen.append((done, total)),
                        cancelled=lambda: bool(seen))
    assert printed == 1
    assert seen == [(1, 3)]


def test_print_pdf_makes_copies_the_printer_cannot(pdf_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "copies.pdf"
    printer = pdf_printer(out)
    printer.setResolution(150)  # only the count matters here
    printer.setCopyCount(2)
    assert not printer.supportsMultipleCopies()  # a PDF file cannot hold "2 copies"
    assert print_pdf(loaded(pdf_path), printer, 1, 3) == 6
    assert len(PdfReader(out).pages) == 6


def test_print_pdf_draws_the_page_at_its_place(tmp_path: Path) -> None:
    # a landscape page is turned onto the portrait sheet instead of being shrunk
    source = make_pdf(tmp_path / "mixed.pdf", pages=2, landscape_page=2)
    out = tmp_path / "printed.pdf"
    printer = pdf_printer(out)
    printer.setFullPage(True)
    assert print_pdf(loaded(source), printer, 1, 2) == 2
    printed = loaded(out)
    for page in range(2):
        size = printed.pagePointSize(page)
        assert size.width() < size.height()  # every sheet is portrait A4
        image = printed.render(page, size.toSize())
        assert ink(image) > 0.02
    # the filled box of page 1 sits at the bottom left, as in the source
    first = printed.render(0, printed.pagePointSize(0).toSize())
    assert first.pixelColor(150, 842 - 120).value() < 64


def ink(image: QImage) -> float:
    """The share of dark pixels, sampled."""
    dark = total = 0
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            color = image.pixelColor(x, y)
            total += 1
            dark += color.alpha() > 0 and color.value() < 128
    return dark / total


class FakePrintDialog:
    """Accepts at once and sends the job to a PDF file, as a user choosing 'Print to file'."""

    def __init__(self, out: Path, pages: tuple[int, int] | None = None) -> None:
        self.out = out
        self.pages = pages
        self.page_count = 0

    def __call__(self, printer: QPrinter, page_count: int, parent: QWidget) -> FakePrintDialog:
        self.page_count = page_count
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(self.out))
        if self.pages:
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(*self.pages)
        return self

    def exec(self) -> int:
        return QDialog.DialogCode.Accepted


def test_print_action_prints_and_emits_printed(qtbot, pdf_path: Path, tmp_path: Path,
                                               errors: list[str]) -> None:
    out = tmp_path / "job.pdf"
    fake = FakePrintDialog(out)
    dialog = PdfPreviewDialog(pdf_path, TITLE, "phieu.pdf", print_dialog_factory=fake)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.printed, timeout=20_000):
        dialog.print_action.trigger()
    assert fake.page_count == 3
    assert len(PdfReader(out).pages) == 3
    assert dialog.print_action.isEnabled()
    assert not errors


def test_printing_some_pages_is_not_printing_the_document(qtbot, pdf_path: Path,
                                                          tmp_path: Path,
                                                          errors: list[str]) -> None:
    """Pages 2–3 printed again: the pages go out, but `printed` (the whole document went to
    the printer, e.g. every comment sheet of a batch) is not said."""
    out = tmp_path / "part.pdf"
    dialog = PdfPreviewDialog(pdf_path, TITLE, "phieu.pdf",
                              print_dialog_factory=FakePrintDialog(out, pages=(2, 3)))
    qtbot.addWidget(dialog)
    with qtbot.assertNotEmitted(dialog.printed, wait=100):
        dialog.print_action.trigger()
        qtbot.waitUntil(lambda: dialog._printing is None and out.exists(), timeout=20_000)
    assert len(PdfReader(out).pages) == 2
    assert not errors


def test_print_dialog_cancelled_prints_nothing(qtbot, dialog: PdfPreviewDialog,
                                               tmp_path: Path) -> None:
    class Cancel(FakePrintDialog):
        def exec(self) -> int:
            return QDialog.DialogCode.Rejected

    dialog._print_dialog_factory = Cancel(tmp_path / "never.pdf")
    with qtbot.assertNotEmitted(dialog.printed, wait=100):
        dialog.print_action.trigger()
    assert not (tmp_path / "never.pdf").exists()


def test_printer_that_cannot_start_shows_error(qtbot, dialog: PdfPreviewDialog, tmp_path: Path,
                                              errors: list[str]) -> None:
    dialog._print_dialog_factory = FakePrintDialog(tmp_path / "no-such-folder" / "job.pdf")
    dialog.print_action.trigger()
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert errors[0].startswith("Không in được")
    assert dialog.print_action.isEnabled()


def test_broken_file_shows_error(qtbot, tmp_path: Path, errors: list[str]) -> None:
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not a real document")
    dialog = PdfPreviewDialog(broken, "Hỏng", "hong.pdf")
    qtbot.addWidget(dialog)
    assert errors and errors[0].startswith("Không mở được tệp PDF")
    assert dialog.document is None
    assert not dialog.print_action.isEnabled()
    assert not dialog.save_action.isEnabled()
    dialog.next_action.trigger()  # nothing to do, nothing raised
    errors.clear()
    PdfPreviewDialog.show_pdf(None, tmp_path / "missing.pdf", "Thiếu", "thieu.pdf")
    assert errors and "Không mở được tệp PDF" in errors[0]


def test_set_document_keeps_the_page(qtbot, dialog: PdfPreviewDialog, tmp_path: Path,
                                     errors: list[str]) -> None:
    dialog.page_spin.setValue(3)
    dialog.zoom_combo.activated.emit(dialog.zoom_combo.findText("150%"))
    bigger = make_pdf(tmp_path / "ca-dot.pdf", pages=5)
    assert dialog.set_document(bigger)
    assert dialog.page_total.text().strip() == "/ 5"
    assert dialog.view.pageNavigator().currentPage() == 2
    assert dialog.view.zoomFactor() == pytest.approx(1.5)
    assert dialog.next_action.isEnabled()
    assert dialog.page_spin.maximum() == 5
    smaller = make_pdf(tmp_path / "mot-trang.pdf", pages=1)
    assert dialog.set_document(smaller)
    assert dialog.view.pageNavigator().currentPage() == 0
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"not a pdf")
    assert not dialog.set_document(broken)
    assert errors
    assert dialog.page_count() == 1  # the shown document stays


def test_show_pdf_runs_modally(qtbot, pdf_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[PdfPreviewDialog] = []

    def exec_(self: PdfPreviewDialog) -> int:
        shown.append(self)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(PdfPreviewDialog, "exec", exec_)
    PdfPreviewDialog.show_pdf(None, pdf_path, TITLE, "phieu.pdf")
    assert len(shown) == 1
    assert shown[0].page_count() == 3


def test_page_renders_in_the_view(qtbot, dialog: PdfPreviewDialog, tmp_path: Path) -> None:
    dialog.resize(900, 800)
    center = dialog.view.viewport().rect().center()

    def page_drawn() -> bool:
        image = dialog.view.viewport().grab().toImage()
        return ink(image) > 0.002 and image.pixelColor(center).value() > 200  # white paper

    qtbot.waitUntil(page_drawn, timeout=10_000)
    shot = tmp_path / "preview_dialog.png"
    assert dialog.grab().save(str(shot))
    assert shot.stat().st_size > 5_000


def test_a_print_jobs_warning_stands_above_the_pages(dialog: PdfPreviewDialog) -> None:
    assert not dialog.notice.isVisible()
    dialog.set_notice("1 phiếu dài hơn một trang (Nguyễn Văn An (số 1-PNX/CB): 2 trang).")
    assert dialog.notice.isVisible() and "dài hơn một trang" in dialog.notice.text()
    assert dialog.notice.geometry().bottom() <= dialog.view.geometry().top()
    dialog.set_notice(None)
    assert not dialog.notice.isVisible()
