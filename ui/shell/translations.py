"""Qt's own texts in Vietnamese: the context menus of text fields, the standard buttons, key names
in menus ("Enter", not "Return"), the file dialog.  Qt ships no Vietnamese translation, so the
texts live in resources/translations/qtbase_vi.json (by Qt's translation context and source text)
and a small QTranslator answers from it."""

from __future__ import annotations

import json
from importlib import resources

from PySide6.QtCore import QCoreApplication, QLocale, QObject, QTranslator

VIETNAMESE = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)


def qt_texts() -> dict[str, dict[str, str]]:
    """Context → source text → Vietnamese text."""
    data = (resources.files("resources") / "translations" / "qtbase_vi.json").read_text("utf-8")
    loaded = json.loads(data)
    return {context: dict(texts) for context, texts in loaded.items()
            if not context.startswith("_")}


class QtVietnamese(QTranslator):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._texts = qt_texts()

    def isEmpty(self) -> bool:
        return False

    def language(self) -> str:
        return "vi"

    def translate(self, context: str, source_text: str,
                  disambiguation: str | None = None, n: int = -1) -> str | None:
        """The Vietnamese text; None (a null string for Qt) keeps Qt's own text.  An empty
        string would replace it with nothing."""
        return self._texts.get(context, {}).get(source_text)


def install(app: QCoreApplication) -> QtVietnamese:
    """Speak Vietnamese in Qt's own widgets, and write dates the Vietnamese way in pickers."""
    QLocale.setDefault(VIETNAMESE)
    translator = QtVietnamese(app)
    app.installTranslator(translator)
    return translator
