"""Register the bundled fonts, so Vietnamese looks the same on a bare office PC."""

from __future__ import annotations

from importlib import resources

from PySide6.QtGui import QFont, QFontDatabase

UI_FAMILY = "Liberation Sans"


def register_fonts() -> list[str]:
    """Add every bundled .ttf to the application and return the families that loaded."""
    families: list[str] = []
    folder = resources.files("resources") / "fonts"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".ttf"):
            continue
        font_id = QFontDatabase.addApplicationFontFromData(entry.read_bytes())
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return sorted(set(families))


def ui_font(point_size: float = 10.0) -> QFont:
    font = QFont(UI_FAMILY)
    font.setPointSizeF(point_size)
    return font
