"""Flowable building blocks the documents share: cells without rules, blocks sized to the frame's
width, short lines parsed once, and blocks drawn once per PDF and placed wherever they repeat.

They exist for speed as much as for layout: a round of 1,800 comment sheets repeats the same
header, title and signatures on every page, and ReportLab would otherwise parse, measure and draw
each of them 1,800 times.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from reports.layout.fonts import SERIF

_PARSED = threading.local()  # per thread: parsed lines are reused by that thread's documents
_PARSED_MAX = 4000


def short_paragraph(markup: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of a short line that repeats from document to document (header lines,
    signatures, labels): its markup is parsed once per style name, then reused, which saves a
    sixth of the layout time of a batch of forms.  Styles must be named by what they set."""
    key = (markup, style.name)
    cache: dict[tuple[str, str], tuple[ParagraphStyle, Any]] = \
        _PARSED.__dict__.setdefault("lines", {})
    parsed = cache.get(key)
    if parsed is None:
        paragraph = Paragraph(markup, style)
        if len(cache) >= _PARSED_MAX:
            cache.clear()
        cache[key] = (paragraph.style, paragraph.frags)
        return paragraph
    return Paragraph(markup, parsed[0], frags=parsed[1])


class WidthDependent(Flowable):  # type: ignore[misc]
    """A flowable built once the frame width is known (tables sized to the text width); it
    never splits: it moves to the next page whole."""

    def __init__(self, build: Callable[[float], Flowable]) -> None:
        super().__init__()
        self._build = build
        self._inner: Flowable | None = None
        self._built_for: float | None = None
        self._size: tuple[float, float] = (0, 0)

    @property
    def built_for(self) -> float | None:
        return self._built_for

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # layout asks again and again (KeepTogether, page ends): build and measure once per
        # width (the inner table never splits, so its size does not depend on the height)
        if self._inner is None or self._built_for != avail_width:
            self._inner, self._built_for = self._build(avail_width), avail_width
            self._size = self._inner.wrap(avail_width, avail_height)
        self.width, self.height = self._size
        return self.width, self.height

    def draw(self) -> None:
        assert self._inner is not None
        self._inner.drawOn(self.canv, 0, 0)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return []


class SplittableWidthDependent(WidthDependent):
    """Like `WidthDependent`, for a table that may split across pages (a long list)."""

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        parts = list(self._build(avail_width).split(avail_width, avail_height))
        # splitting may change what was split (a paragraph none of whose lines fit forgets
        # them): the next wrap measures again
        self._inner = None
        return parts


def grid(rows: list[list[Any]], widths: list[float], valign: str = "TOP",
         below: float = 0, extra: Sequence[tuple[Any, ...]] = ()) -> Table:
    """Cells without padding or rules (`below` points under each row), in our fonts; `extra`
    table style commands (spans, per-cell alignment)."""
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), valign),
        ("FONTNAME", (0, 0), (-1, -1), SERIF),  # empty cells set a font too: never Helvetica
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), below),
        *extra,
    ]))
    return table


def measured(make: Callable[[], Flowable]) -> Flowable:
    """A flowable that never splits, built and measured once per width: for blocks shared by
    the documents of a batch (drawn again and again, laid out once)."""
    return WidthDependent(lambda _width: make())


_FORM_NUMBERS = itertools.count()
_FORM_MARGIN = 12  # points around a block kept inside its form's box (overhangs, underlines)


class _FormBlock(Flowable):  # type: ignore[misc]
    """A block drawn once per PDF as a form object and then placed wherever it repeats."""

    def __init__(self, inner: WidthDependent) -> None:
        super().__init__()
        self._inner = inner
        self._name = f"block{next(_FORM_NUMBERS)}"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = self._inner.wrap(avail_width, avail_height)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        name = f"{self._name}w{self._inner.built_for:.2f}"
        defined: set[str] = canvas.__dict__.setdefault("_shared_forms", set())
        if name not in defined:
            canvas.beginForm(name, -_FORM_MARGIN, -_FORM_MARGIN,
                             self.width + _FORM_MARGIN, self.height + _FORM_MARGIN)
            self._inner.drawOn(canvas, 0, 0)
            canvas.endForm()
            defined.add(name)
        canvas.doForm(name)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return []


def shared_block(flowables: Sequence[Flowable]) -> Flowable:
    """Flowables that repeat unchanged in every document of a batch (a header without its
    number, signatures), stacked into one block: laid out once per width, drawn once per PDF
    as a form object and placed on each page that shows it. Never splits."""
    items = list(flowables)

    def build(width: float) -> Flowable:
        return items[0] if len(items) == 1 else grid([[f] for f in items], [width])

    return _FormBlock(WidthDependent(build))


def remembered(flowable: Flowable) -> Flowable:
    """`flowable` (a paragraph that may split across pages) measured once per width: a document
    measured before it is laid out (`frame_spare`) breaks its lines once, not at every ask."""
    return SplittableWidthDependent(lambda _width: flowable)


def _flattened(flowables: Sequence[Flowable]) -> list[Flowable]:
    out: list[Flowable] = []
    for flowable in flowables:
        if isinstance(flowable, KeepTogether):
            out += _flattened(flowable._content)
        else:
            out.append(flowable)
    return out


def frame_spare(flowables: Sequence[Flowable], width: float, height: float) -> float:
    """The height (points) left under the flowables stacked from the top of an empty frame of
    `width` × `height`, as platypus stacks them (`Frame._add`): the space before a flowable is
    dropped at the top of the frame and overlaps the space after the one above; the last
    flowable's space after takes no room.  Negative: by how much they overflow the frame.
    Flowables whose height depends on the room left (tables split, KeepInFrame) are measured
    whole; a KeepTogether is measured as its content."""
    y, after, at_top = height, 0.0, True
    bottom = height
    for flowable in _flattened(flowables):
        if getattr(flowable, "frameAction", None):
            continue  # (SetPageTopFlowables, page breaks): acts on the frame, takes no room
        before = 0.0
        if not at_top:
            own = after if getattr(flowable, "_SPACETRANSFER", False) or getattr(
                flowable, "_ZEROSIZE", False) else flowable.getSpaceBefore()
            before = max(own - after, 0)
        _, tall = flowable.wrap(width, height)
        bottom = y - before - tall
        space_after = flowable.getSpaceAfter()
        if not getattr(flowable, "_SPACETRANSFER", False):
            after = space_after
        if before + tall + space_after:
            at_top = False
        y = bottom - space_after
    return bottom
