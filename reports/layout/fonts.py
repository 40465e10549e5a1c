"""The bundled fonts, registered with ReportLab once.

Times New Roman is what party documents use (DOMAIN.md §3.1); Liberation Serif has the same metrics
and a free licence. DejaVu Sans supplies the ballot boxes ☐ / ☒ that Liberation Serif lacks.
Fonts are read through importlib.resources (they also load from a one-file build) and embedded
as TrueType subsets, so a PDF looks the same on a machine without them.
"""

from __future__ import annotations

import io
import threading
from importlib.resources import files

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

SERIF = "Serif"
SERIF_BOLD = "Serif-Bold"
SERIF_ITALIC = "Serif-Italic"
SERIF_BOLD_ITALIC = "Serif-BoldItalic"
# Not "Symbol": that name belongs to a base-14 PDF font and would be shadowed for every caller.
SYMBOLS = "Symbols"

_FILES = {
    SERIF: "LiberationSerif-Regular.ttf",
    SERIF_BOLD: "LiberationSerif-Bold.ttf",
    SERIF_ITALIC: "LiberationSerif-Italic.ttf",
    SERIF_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
    SYMBOLS: "DejaVuSans.ttf",
}

_lock = threading.Lock()
_registered = False


def font_bytes(file_name: str) -> bytes:
    """The bytes of a bundled font file (resources/fonts)."""
    return files("resources").joinpath("fonts").joinpath(file_name).read_bytes()


def register_fonts() -> None:
    """Register the serif family (so <b> and <i> work in Paragraphs) and the symbol font.

    Safe to call any number of times, from any thread.
    """
    global _registered
    with _lock:
        if _registered:
            return
        for name, file_name in _FILES.items():
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, io.BytesIO(font_bytes(file_name))))
        # Paragraph markup looks fonts up by (family, bold, italic); the reverse map also lets
        # <i> inside a bold style give bold italic.
        pdfmetrics.registerFontFamily(
            SERIF, normal=SERIF, bold=SERIF_BOLD, italic=SERIF_ITALIC, boldItalic=SERIF_BOLD_ITALIC
        )
        pdfmetrics.registerFontFamily(SYMBOLS, normal=SYMBOLS)
        _registered = True
