"""A self-check of a built program (packaging/smoke.py sets SDV_SELF_CHECK to a file name):
once the window is up, check that what the build must carry is there and works — the bundled
fonts, the chart, PDF, print and image plugins of Qt, the user guide and its pictures, the
migrations Alembic reads from disk — write the results as JSON to that file and quit."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from models.support.logs import log


def _fonts() -> bool:
    from ui.shell.fonts import register_fonts

    return {"Liberation Sans", "Liberation Serif", "DejaVu Sans"} <= set(register_fonts())


def _charts() -> bool:
    from PySide6.QtCharts import QBarSeries, QChart

    chart = QChart()
    chart.addSeries(QBarSeries())
    return len(chart.series()) == 1


def _guide_pdf_and_preview() -> bool:
    """The guide laid out by ReportLab (fonts, pictures), then opened and drawn by QtPdf."""
    from PySide6.QtCore import QSize
    from PySide6.QtPdf import QPdfDocument

    from reports.print_jobs import user_guide

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "huong-dan.pdf"
        pages = user_guide(out, title="Kiểm tra", subtitle="Kiểm tra").pages
        document = QPdfDocument()
        document.load(str(out))
        image = document.render(1, QSize(400, 560))
        ok = pages > 3 and document.pageCount() == pages and not image.isNull()
        document.close()
    return ok


def _printing() -> bool:
    from PySide6.QtGui import QPainter
    from PySide6.QtPrintSupport import QPrinter

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "in.pdf"
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        painter = QPainter()
        if not painter.begin(printer):
            return False
        painter.drawText(100, 100, "Sổ đảng viên 213")
        painter.end()
        return out.stat().st_size > 500


def _images() -> bool:
    from PySide6.QtGui import QImage, QImageReader

    from models.support.guide import Figure, guide_blocks, image_bytes

    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    figures = [b for b in guide_blocks() if isinstance(b, Figure)]
    return {"png", "jpg"} <= formats and bool(figures) and all(
        not QImage.fromData(image_bytes(f.source)).isNull() for f in figures)


def _migrations() -> bool:
    from alembic.script import ScriptDirectory

    from models.store.migrations import HEAD_REVISION, KNOWN_REVISIONS, alembic_config

    folder = files("models.store.migrations")
    if not folder.joinpath("env.py").is_file():
        return False
    script = ScriptDirectory.from_config(alembic_config())  # type: ignore[arg-type]
    revisions = [r.revision for r in script.walk_revisions()]
    return script.get_current_head() == HEAD_REVISION and set(revisions) == set(KNOWN_REVISIONS)


CHECKS: dict[str, Callable[[], bool]] = {
    "fonts": _fonts, "charts": _charts, "guide_pdf_preview": _guide_pdf_and_preview,
    "printing": _printing, "images": _images, "migrations": _migrations,
}


def run_checks() -> dict[str, object]:
    results: dict[str, object] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:
            log.exception("Tự kiểm tra %s", name)
            results[name] = f"{type(exc).__name__}: {exc}"
    return results


def check_after_start(window: QWidget, out: Path) -> None:
    """Once the event loop runs (the window is shown), check, write ``out``, and quit."""

    def check() -> None:
        results = run_checks()
        results["window"] = window.isVisible()
        out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        QApplication.exit(0 if all(v is True for v in results.values()) else 1)

    QTimer.singleShot(0, check)
