"""The one preview-and-print dialog: every printout of the program is shown and printed here.

QtPdf has no vector print path, so printing renders each page with PDFium at the printer's
resolution (in bands, to keep memory small) and paints it on the printer, one page per sheet.
The dialog keeps the PDF's bytes in memory: what is shown is exactly what is printed and saved,
and the source file stays free to be overwritten or deleted (Windows locks open files).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QObject,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QIcon,
    QImage,
    QKeySequence,
    QPageSize,
    QPainter,
    QWheelEvent,
)
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from models.formats import format_int
from models.store.output import write_bytes
from ui.shell import messages
from ui.shell.tasks import Task

# Above this, printing renders at an integer fraction of the printer's resolution: 600 dpi is
# already sharper than the toner, and a 1200 dpi A4 page would be 140 million pixels.
MAX_RENDER_DPI = 600
BAND_PIXELS = 4_000_000  # pixels rendered at once while printing (~16 MB)
ZOOM_STEPS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class PrintError(RuntimeError):
    """The printer refused to start a job or a new sheet; the message is for the user."""


def print_pdf(document: QPdfDocument, printer: QPrinter, first: int, last: int, *,
              progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
    """Print pages ``first``..``last`` (1-based, inclusive, as in the print dialog), one per sheet.

    Each page is scaled to fit the printer's page rect with its aspect kept, centred, and turned a
    quarter when its orientation differs from the sheet's.  Copies are made here only when the
    printer cannot make them itself.  Returns the number of pages sent to the printer; when
    ``cancelled()`` turns true the job is aborted and the count so far returned.
    Safe to call from a worker thread (QtPdf serialises PDFium calls).
    """
    first, last = max(1, first), min(last, document.pageCount())
    if first > last:
        return 0
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    pages = list(range(first - 1, last))
    if printer.collateCopies():
        order = pages * copies
    else:
        order = [page for page in pages for _ in range(copies)]
    grayscale = printer.colorMode() == QPrinter.ColorMode.GrayScale
    step = max(1, math.ceil(printer.resolution() / MAX_RENDER_DPI))
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError("Không bắt đầu được lệnh in "
                         "(máy in không sẵn sàng hoặc không ghi được tệp).")
    done = 0
    try:
        for index, page in enumerate(order):
            if cancelled is not None and cancelled():
                printer.abort()
                return done
            if index and not printer.newPage():
                raise PrintError("Máy in không nhận thêm trang mới.")
            _paint_page(document, page, painter, step, grayscale)
            done += 1
            if progress is not None:
                progress(done, len(order))
    finally:
        painter.end()
    return done


def _paint_page(document: QPdfDocument, page: int, painter: QPainter, step: int,
                grayscale: bool) -> None:
    target = QRectF(painter.viewport())  # the printer's page rect, in device pixels
    points = document.pagePointSize(page)
    if points.isEmpty() or target.isEmpty():
        return
    turned = (points.width() > points.height()) != (target.width() > target.height())
    width, height = points.width(), points.height()
    if turned:
        width, height = height, width
    scale = min(target.width() / width, target.height() / height)
    out_w, out_h = width * scale, height * scale  # on the sheet, in the sheet's orientation
    painter.save()
    painter.translate(target.center())
    if turned:
        painter.rotate(90)
        out_w, out_h = out_h, out_w  # now in the page's own orientation
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    full = QSize(max(1, round(out_w / step)), max(1, round(out_h / step)))
    band = max(1, BAND_PIXELS // full.width())
    for top in range(0, full.height(), band):
        rows = min(band, full.height() - top)
        options = QPdfDocumentRenderOptions()
        options.setScaledSize(full)
        options.setScaledClipRect(QRect(0, top, full.width(), rows))
        image = _on_white(document.render(page, QSize(full.width(), rows), options), grayscale)
        painter.drawImage(QRectF(-out_w / 2, -out_h / 2 + top * step, full.width() * step,
                                 rows * step), image)
    painter.restore()


def _on_white(image: QImage, grayscale: bool) -> QImage:
    # PDFium renders onto transparency; an alpha channel would become a soft mask in the job
    sheet = QImage(image.size(), QImage.Format.Format_RGB32)
    sheet.fill(QColor("white"))
    painter = QPainter(sheet)
    painter.drawImage(0, 0, image)
    painter.end()
    return sheet.convertToFormat(QImage.Format.Format_Grayscale8) if grayscale else sheet


class PrintDialogLike(Protocol):
    def exec(self) -> int: ...


PrintDialogFactory = Callable[[QPrinter, int, QWidget], PrintDialogLike]


def system_print_dialog(printer: QPrinter, page_count: int, parent: QWidget) -> QPrintDialog:
    """The platform's print dialog: printer, all pages / a range / the current page, copies."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("In")
    dialog.setMinMax(1, max(1, page_count))
    option = QAbstractPrintDialog.PrintDialogOption
    dialog.setOption(option.PrintPageRange, True)
    dialog.setOption(option.PrintCurrentPage, True)
    dialog.setOption(option.PrintCollateCopies, True)
    dialog.setOption(option.PrintSelection, False)
    return dialog


F = TypeVar("F", bound=Callable[..., Any])


def _slot(what: str) -> Callable[[F], F]:
    """A slot never raises: whatever goes wrong is told to the user in Vietnamese."""
    def wrap(method: F) -> F:
        @functools.wraps(method)
        def guarded(self: PdfPreviewDialog, *args: Any) -> Any:
            try:
                return method(self, *args)
            except Exception as exc:
                messages.error(self, "Xem trước bản in", f"{what}: {exc}")
                return None
        return guarded  # type: ignore[return-value]
    return wrap


def _load_pdf(data: bytes, parent: QObject) -> QPdfDocument:
    """A document over an in-memory copy of ``data``, owned by ``parent``.

    Qt owns it, not Python: a document freed by the garbage collector while a view still shows
    it makes the view emit into a half-destroyed dialog (a segfault).  Its buffer is its child,
    so the bytes outlive the document.
    """
    document = QPdfDocument(parent)
    buffer = QBuffer(document)
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)  # synchronous for an in-memory buffer
    return document


class PdfPreviewDialog(QDialog):
    """Shows a PDF (continuous pages), prints it on the system printer and saves a copy."""

    printed = Signal()
    saved = Signal(str)

    def __init__(self, path: str | Path, title: str = "", suggested_name: str = "",
                 parent: QWidget | None = None, *,
                 print_dialog_factory: PrintDialogFactory = system_print_dialog) -> None:
        super().__init__(parent)
        self._title = title
        self._suggested = suggested_name
        self._print_dialog_factory = print_dialog_factory
        self._printer: QPrinter | None = None
        self._printing: Task | None = None
        self._retired_task: Task | None = None
        self._document: QPdfDocument | None = None
        self._data = b""
        self._parked: list[QPdfDocument] = []  # replaced while a print job still reads them
        self._pending = ""  # while set, only part of the document is shown: no print, no save
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)

        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.view.viewport().installEventFilter(self)
        self._build_toolbar()
        # what the print job wants read before printing (a sheet over one page, a roll call
        # not finished): above the pages, never in a box the user must click away
        self.notice = QLabel("", self)
        self.notice.setWordWrap(True)
        self.notice.setObjectName("printNotice")
        self.notice.setStyleSheet("background: #fff4ce; color: #5c3c00; padding: 6px 8px;")
        self.notice.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.pending_bar)
        layout.addWidget(self.notice)
        layout.addWidget(self.view, 1)
        self.view.pageNavigator().currentPageChanged.connect(self._on_navigator_page_changed)
        self.view.zoomFactorChanged.connect(self._on_view_zoom_changed)
        self.view.zoomModeChanged.connect(self._on_view_zoom_changed)
        self._fit_to_screen()
        self.set_document(path)
        self._update_actions()

    # ----------------------------------------------------------------- public API

    @classmethod
    def show_pdf(cls, parent: QWidget | None, path: str | Path, title: str,
                 suggested_name: str, *, on_printed: Callable[[], None] | None = None,
                 on_saved: Callable[[str], None] | None = None, notice: str = "") -> None:
        """Preview ``path`` modally, `notice` (a warning of the print job) above the pages;
        the callbacks say what the user did with it."""
        dialog = cls(path, title, suggested_name, parent)
        try:
            if dialog.document is None:
                return  # the error has been shown
            dialog.set_notice(notice)
            if on_printed is not None:
                dialog.printed.connect(on_printed)
            if on_saved is not None:
                dialog.saved.connect(on_saved)
            dialog.exec()
        finally:
            dialog.deleteLater()

    @property
    def document(self) -> QPdfDocument | None:
        return self._document

    def page_count(self) -> int:
        return self._document.pageCount() if self._document is not None else 0

    def current_page(self) -> int:
        """0-based, as QPdfPageNavigator counts."""
        return self.view.pageNavigator().currentPage()

    def set_document(self, path: str | Path) -> bool:
        """Show another PDF (e.g. the whole batch once it is ready), staying on the same page."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            messages.error(self, "Xem trước bản in", f"Không mở được tệp PDF {path}:\n{exc}")
            return False
        document = _load_pdf(data, self)
        if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
            document.deleteLater()
            messages.error(self, "Xem trước bản in",
                           f"Không mở được tệp PDF {path}: tệp hỏng hoặc không phải PDF.")
            return False
        page = self.current_page() if self._document is not None else 0
        self.view.setDocument(document)
        if self._document is not None:
            if self._printing is not None:
                self._parked.append(self._document)
            else:
                self._document.deleteLater()
        self._document, self._data = document, data
        count = document.pageCount()
        self.page_spin.blockSignals(True)
        self.page_spin.setRange(1, count)
        self.page_spin.blockSignals(False)
        self.page_total.setText(f"/ {format_int(count)}")
        self._go_to(min(page, count - 1))
        title = (self._title or document.metaData(QPdfDocument.MetaDataField.Title)
                 or Path(path).stem)
        self._title = str(title)
        self.setWindowTitle(f"{self._title} — Xem trước bản in")
        self._update_actions()
        return True

    def set_pending(self, text: str | None, done: int = 0, total: int = 0) -> None:
        """Say that only the first part is shown yet ("Đang chuẩn bị … 40/1.568 phiếu"), with
        a progress bar when ``total`` is known: printing and saving wait until
        ``set_pending(None)``, when the whole document is in place.  The line sits under the
        toolbar, never in its overflow menu, with a Hủy button beside it."""
        self._pending = text or ""
        self.pending_label.setText(self._pending)
        self.pending_bar.setVisible(bool(self._pending))
        self.pending_progress.setVisible(total > 0)
        if total > 0:
            self.pending_progress.setRange(0, total)
            self.pending_progress.setValue(min(done, total))
        self._update_actions()

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def set_notice(self, text: str | None) -> None:
        """Show (or, with None or '', hide) a warning above the pages."""
        self.notice.setText(text or "")
        self.notice.setVisible(bool(text))

    # ----------------------------------------------------------------- building

    def _action(self, text: str, tip: str, slot: Callable[[], Any],
                keys: tuple[QKeySequence | QKeySequence.StandardKey | str, ...] = (),
                icon: tuple[QIcon.ThemeIcon, QStyle.StandardPixmap | None] | None = None,
                in_toolbar: bool = True) -> QAction:
        action = QAction(text, self)
        action.setIconText(text)  # keep the "…" Qt strips from buttons: it says a dialog follows
        shown: list[QKeySequence] = []
        for key in keys:  # a standard key may equal a literal one; twice would be ambiguous
            sequence = QKeySequence(key)
            if not sequence.isEmpty() and sequence not in shown:
                shown.append(sequence)
        action.setShortcuts(shown)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        hint = shown[0].toString(QKeySequence.SequenceFormat.NativeText) if shown else ""
        action.setToolTip(f"{tip} ({hint})" if hint else tip)
        if icon is not None:
            # the desktop's own icon (Windows 11, Linux themes), else Qt's built-in one if apt
            theme, fallback = icon
            shown_icon = QIcon.fromTheme(theme)
            if shown_icon.isNull() and fallback is not None:
                shown_icon = self.style().standardIcon(fallback)
            action.setIcon(shown_icon)
        action.triggered.connect(slot)
        self.addAction(action)
        if in_toolbar:
            self.toolbar.addAction(action)
        return action

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        pixmap = QStyle.StandardPixmap
        theme = QIcon.ThemeIcon
        key = QKeySequence.StandardKey
        self.prev_action = self._action("Trang trước", "Về trang trước", self._on_prev_triggered,
                                        ("PgUp",), (theme.GoUp, pixmap.SP_ArrowUp))
        self.next_action = self._action("Trang sau", "Sang trang sau", self._on_next_triggered,
                                        ("PgDown",), (theme.GoDown, pixmap.SP_ArrowDown))
        self._action("Trang đầu", "Về trang đầu", self._on_first_triggered, ("Home",),
                     in_toolbar=False)
        self._action("Trang cuối", "Đến trang cuối", self._on_last_triggered, ("End",),
                     in_toolbar=False)
        self.toolbar.addWidget(QLabel(" Trang "))
        self.page_spin = QSpinBox(self)
        self.page_spin.setKeyboardTracking(False)  # typing "12" must not jump to page 1 first
        self.page_spin.setToolTip("Số trang đang xem; gõ số rồi nhấn Enter để đến trang đó")
        self.page_spin.setMinimumWidth(64)
        self.page_spin.valueChanged.connect(self._on_page_spin_value_changed)
        self.toolbar.addWidget(self.page_spin)
        self.page_total = QLabel("/ 0 ")
        self.toolbar.addWidget(self.page_total)
        self.toolbar.addSeparator()
        self.zoom_out_action = self._action("−", "Thu nhỏ", self._on_zoom_out_triggered,
                                            ("Ctrl+-", key.ZoomOut))
        self.zoom_combo = QComboBox(self)
        self.zoom_combo.setToolTip("Cỡ hiển thị trang")
        for factor in ZOOM_STEPS:
            self.zoom_combo.addItem(f"{round(factor * 100)}%", factor)
        self.zoom_combo.addItem("Vừa chiều rộng", QPdfView.ZoomMode.FitToWidth)
        self.zoom_combo.addItem("Cả trang", QPdfView.ZoomMode.FitInView)
        self.zoom_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.zoom_combo.activated.connect(self._on_zoom_combo_activated)
        self.toolbar.addWidget(self.zoom_combo)
        self.zoom_in_action = self._action("+", "Phóng to", self._on_zoom_in_triggered,
                                           ("Ctrl+=", key.ZoomIn))
        for action in (self.zoom_out_action, self.zoom_in_action):
            button = self.toolbar.widgetForAction(action)  # a lone "−" is easy to miss
            font = button.font()
            font.setPointSizeF(font.pointSizeF() * 1.4)
            font.setBold(True)
            button.setFont(font)
        self.toolbar.addSeparator()
        self.print_action = self._action("In…", "In ra máy in", self._on_print_triggered,
                                         ("Ctrl+P",), (theme.DocumentPrint, None))
        self.save_action = self._action("Lưu PDF…", "Lưu một bản PDF vào máy",
                                        self._on_save_triggered, ("Ctrl+S",),
                                        (theme.DocumentSave, pixmap.SP_DialogSaveButton))
        self.pending_bar = QWidget(self)
        self.pending_label = QLabel("", self.pending_bar)
        self.pending_label.setStyleSheet("color: #8a5a00;")
        self.pending_label.setWordWrap(True)
        self.pending_progress = QProgressBar(self.pending_bar)
        self.pending_progress.setTextVisible(False)
        self.pending_progress.setMaximumWidth(220)
        self.pending_cancel = QPushButton("Hủy", self.pending_bar)
        self.pending_cancel.setToolTip("Dừng chuẩn bị bản in và đóng cửa sổ xem trước")
        self.pending_cancel.clicked.connect(self.reject)
        pending_row = QHBoxLayout(self.pending_bar)
        pending_row.setContentsMargins(8, 2, 8, 2)
        pending_row.addWidget(self.pending_label, 1)
        pending_row.addWidget(self.pending_progress)
        pending_row.addWidget(self.pending_cancel)
        self.pending_bar.hide()
        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.close_action = self._action("Đóng", "Đóng cửa sổ xem trước", self.reject, (),
                                         (theme.WindowClose, pixmap.SP_DialogCloseButton))
        self._sync_zoom_combo()

    def _fit_to_screen(self) -> None:
        from ui.shell.screen import available

        screen = available(self)
        self.resize(min(1000, int(screen.width() * 0.9)), int(screen.height() * 0.9))

    # ----------------------------------------------------------------- navigation

    def _go_to(self, page: int) -> None:
        if self.page_count():
            page = max(0, min(page, self.page_count() - 1))
            self.view.pageNavigator().jump(page, QPointF(), self.view.pageNavigator().currentZoom())
            self._on_navigator_page_changed(self.current_page())

    @_slot("Không chuyển được trang")
    def _on_prev_triggered(self) -> None:
        self._go_to(self.current_page() - 1)

    @_slot("Không chuyển được trang")
    def _on_next_triggered(self) -> None:
        self._go_to(self.current_page() + 1)

    @_slot("Không chuyển được trang")
    def _on_first_triggered(self) -> None:
        self._go_to(0)

    @_slot("Không chuyển được trang")
    def _on_last_triggered(self) -> None:
        self._go_to(self.page_count() - 1)

    @_slot("Không chuyển được trang")
    def _on_page_spin_value_changed(self, value: int) -> None:
        if value - 1 != self.current_page():
            self._go_to(value - 1)

    def _on_navigator_page_changed(self, page: int) -> None:
        self.page_spin.blockSignals(True)
        self.page_spin.setValue(page + 1)
        self.page_spin.blockSignals(False)
        self._update_actions()

    def _update_actions(self) -> None:
        count, page = self.page_count(), self.current_page()
        self.prev_action.setEnabled(page > 0)
        self.next_action.setEnabled(page < count - 1)
        printing = self._printing is not None
        ready = count > 0 and not self._pending
        self.print_action.setEnabled(ready and not printing)
        self.save_action.setEnabled(ready)
        self.close_action.setEnabled(not printing)
        self.page_spin.setEnabled(count > 0)

    # ----------------------------------------------------------------- zoom

    def _effective_zoom(self) -> float:
        """The factor the view shows at, also when it fits the width or the page."""
        mode = self.view.zoomMode()
        if mode == QPdfView.ZoomMode.Custom or not self.page_count():
            return self.view.zoomFactor()
        document = self.document
        assert document is not None
        sizes = [document.pagePointSize(i) for i in range(self.page_count())]
        to_pixels = self.view.logicalDpiX() / 72
        margins = self.view.documentMargins()
        viewport = self.view.viewport().size()
        widest = max(s.width() for s in sizes) * to_pixels
        factor = (viewport.width() - margins.left() - margins.right()) / widest
        if mode == QPdfView.ZoomMode.FitInView:
            tallest = max(s.height() for s in sizes) * to_pixels
            factor = min(factor, (viewport.height() - margins.top() - margins.bottom()) / tallest)
        return max(0.01, factor)

    def _zoom_to(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(factor)

    @_slot("Không đổi được cỡ hiển thị")
    def _on_zoom_in_triggered(self) -> None:
        now = self._effective_zoom()
        self._zoom_to(next((f for f in ZOOM_STEPS if f > now * 1.01), ZOOM_STEPS[-1]))

    @_slot("Không đổi được cỡ hiển thị")
    def _on_zoom_out_triggered(self) -> None:
        now = self._effective_zoom()
        self._zoom_to(next((f for f in reversed(ZOOM_STEPS) if f < now * 0.99), ZOOM_STEPS[0]))

    @_slot("Không đổi được cỡ hiển thị")
    def _on_zoom_combo_activated(self, index: int) -> None:
        choice = self.zoom_combo.itemData(index)
        if isinstance(choice, QPdfView.ZoomMode):
            self.view.setZoomMode(choice)
        else:
            self._zoom_to(float(choice))

    def _on_view_zoom_changed(self, *_: object) -> None:
        self._sync_zoom_combo()

    def _sync_zoom_combo(self) -> None:
        mode = self.view.zoomMode()
        wanted: object = mode if mode != QPdfView.ZoomMode.Custom else self.view.zoomFactor()
        for index in range(self.zoom_combo.count()):
            data = self.zoom_combo.itemData(index)
            if data == wanted and type(data) is type(wanted):
                self.zoom_combo.setCurrentIndex(index)
                return
        self.zoom_combo.setCurrentIndex(-1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Ctrl + wheel zooms, as in every viewer the users know
        if (event.type() == QEvent.Type.Wheel and isinstance(event, QWheelEvent)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            if event.angleDelta().y() > 0:
                self._on_zoom_in_triggered()
            elif event.angleDelta().y() < 0:
                self._on_zoom_out_triggered()
            return True
        return super().eventFilter(watched, event)

    # ----------------------------------------------------------------- print and save

    def _make_printer(self) -> QPrinter:
        if self._printer is None:
            self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            self._printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
            # the PDF already carries the party-document margins: print it at its real size
            self._printer.setFullPage(True)
        self._printer.setDocName(self._title)
        return self._printer

    @_slot("Không in được")
    def _on_print_triggered(self) -> None:
        document = self._document
        if document is None or self._printing is not None:
            return
        printer = self._make_printer()
        count = document.pageCount()
        if self._print_dialog_factory(printer, count, self).exec() != QDialog.DialogCode.Accepted:
            return
        first, last = 1, count
        print_range = printer.printRange()
        if print_range == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first, last = printer.fromPage(), printer.toPage() or count
        elif print_range == QPrinter.PrintRange.CurrentPage:
            first = last = self.current_page() + 1
        wanted = max(0, min(last, count) - max(1, first) + 1)
        if not printer.supportsMultipleCopies():
            wanted *= max(1, printer.copyCount())

        def work(progress: Progress, cancelled: Cancelled) -> int:
            # set_document parks this document, instead of deleting it, until the job ends
            return print_pdf(document, printer, first, last,
                             progress=progress, cancelled=cancelled)

        whole = max(1, first) == 1 and min(last, count) == count  # every page, not a part
        self._printing = Task(self, "Đang in…", work,
                              lambda done: self._on_print_done(done, wanted, whole),
                              self._on_print_failed)
        self._update_actions()

    def _retire_print_task(self) -> None:
        # Dropping the last reference to a Task inside its own callback frees its signal
        # object mid-emission and segfaults at its deleteLater; keep it until the next print.
        self._retired_task = self._printing
        self._printing = None
        for document in self._parked:
            document.deleteLater()
        self._parked.clear()
        self._update_actions()

    def _on_print_done(self, done: object, wanted: int, whole: bool = True) -> None:
        """`printed` says the whole document went to the printer; a part (some pages, the
        current page) is a reprint of those pages and says nothing."""
        self._retire_print_task()
        if done == wanted and wanted > 0 and whole:
            self.printed.emit()

    def _on_print_failed(self, exc: BaseException) -> None:
        self._retire_print_task()
        messages.error(self, "Xem trước bản in", f"Không in được: {exc}")

    @_slot("Không lưu được tệp PDF")
    def _on_save_triggered(self) -> None:
        if self._document is None:
            return
        suggested = self._suggested or f"{self._title or 'ban-in'}.pdf"
        target = messages.save_file(self, "Lưu PDF", suggested, "Tệp PDF (*.pdf)")
        if not target:
            return
        path = Path(target)
        if not path.suffix:
            path = path.with_suffix(".pdf")
        write_bytes(path, self._data, overwrite=True)  # the save dialog asked already
        self.saved.emit(str(path))

    # ----------------------------------------------------------------- closing

    def reject(self) -> None:
        if self._printing is not None:
            return  # the worker still reads the document; the progress dialog offers Cancel
        super().reject()
