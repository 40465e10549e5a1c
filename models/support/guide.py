"""The user guide ("Hướng dẫn sử dụng"): read from resources/guide/huong-dan.md, shown in the
window as HTML and printed as a PDF (reports/documents/user_guide.py) from the same blocks.

The text is a small, plain subset of Markdown that also reads well on its own:

- ``<a id="name"></a>`` on its own line names the heading below it (F1 opens the guide there);
- ``#``, ``##``, ``###`` headings; paragraphs of consecutive lines; ``- `` and ``1. `` lists;
- ``![caption](images/file.png)`` on its own line: a screenshot with its caption;
- ``> text``: a note set apart; ``| a | b |`` rows: a table (the second row is ``|---|---|``);
- inside a line: ``**bold**``, ``*italic*``, ```keys or menu```, ``[text](#name)``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

GUIDE_PACKAGE = "resources"
GUIDE_FOLDER = "guide"
GUIDE_FILE = "huong-dan.md"


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[str, ...]


@dataclass(frozen=True)
class Figure:
    source: str  # relative to resources/guide
    caption: str


@dataclass(frozen=True)
class Note:
    text: str


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Paragraph | ListBlock | Figure | Note | Table

_ANCHOR = re.compile(r'^<a id="([a-z0-9-]+)"></a>$')
_HEADING = re.compile(r"^(#{1,3}) +(.+)$")
_FIGURE = re.compile(r"^!\[([^\]]*)\]\(([^)]+)\)$")
_BULLET = re.compile(r"^- +(.+)$")
_NUMBERED = re.compile(r"^\d+\. +(.+)$")


def _cells(line: str) -> tuple[str, ...]:
    return tuple(cell.strip() for cell in line.strip().strip("|").split("|"))


def parse(text: str) -> list[Block]:
    """The blocks of the guide's text, in order."""
    blocks: list[Block] = []
    anchor = ""
    lines = text.splitlines()
    n = 0

    def take(pattern: re.Pattern[str]) -> list[str]:
        nonlocal n
        items: list[str] = []
        while n < len(lines) and lines[n].strip():
            line = lines[n].strip()
            match = pattern.match(line)
            if match:
                items.append(match.group(1))
            elif items:  # a continuation line of the item above
                items[-1] += " " + line
            n += 1
        return items

    while n < len(lines):
        line = lines[n].strip()
        if not line:
            n += 1
        elif match := _ANCHOR.match(line):
            anchor = match.group(1)
            n += 1
        elif match := _HEADING.match(line):
            blocks.append(Heading(len(match.group(1)), match.group(2).strip(), anchor))
            anchor = ""
            n += 1
        elif match := _FIGURE.match(line):
            blocks.append(Figure(match.group(2), match.group(1)))
            n += 1
        elif _BULLET.match(line):
            blocks.append(ListBlock(False, tuple(take(_BULLET))))
        elif _NUMBERED.match(line):
            blocks.append(ListBlock(True, tuple(take(_NUMBERED))))
        elif line.startswith(">"):
            quoted = []
            while n < len(lines) and lines[n].strip().startswith(">"):
                quoted.append(lines[n].strip().lstrip(">").strip())
                n += 1
            blocks.append(Note(" ".join(quoted)))
        elif line.startswith("|"):
            rows = []
            while n < len(lines) and lines[n].strip().startswith("|"):
                rows.append(_cells(lines[n]))
                n += 1
            body = tuple(r for r in rows[1:] if not all(set(c) <= set("-: ") for c in r))
            blocks.append(Table(rows[0], body))
        else:
            words = []
            while n < len(lines) and lines[n].strip() and not any(
                    p.match(lines[n].strip()) for p in (_HEADING, _FIGURE, _ANCHOR)):
                words.append(lines[n].strip())
                n += 1
            blocks.append(Paragraph(" ".join(words)))
    return blocks


@cache
def guide_blocks() -> tuple[Block, ...]:
    return tuple(parse(_resource(GUIDE_FILE).read_text(encoding="utf-8")))


def image_bytes(source: str) -> bytes:
    """A screenshot of the guide, read through importlib.resources."""
    return _resource(*source.split("/")).read_bytes()


def _resource(*parts: str) -> Traversable:
    # one name at a time: the frozen build's resources are a MultiplexedPath, whose joinpath
    # takes a single name on Python 3.11
    place = files(GUIDE_PACKAGE).joinpath(GUIDE_FOLDER)
    for part in parts:
        place = place.joinpath(part)
    return place


def anchors(blocks: tuple[Block, ...] | list[Block]) -> list[str]:
    return [b.anchor for b in blocks if isinstance(b, Heading) and b.anchor]


def sections(blocks: tuple[Block, ...] | list[Block]) -> list[Heading]:
    """The headings of levels 1–2 that carry an anchor: the guide's table of contents."""
    return [b for b in blocks if isinstance(b, Heading) and b.anchor and b.level <= 2]


# --- inline markup ------------------------------------------------------------------------------

_INLINE = re.compile(r"\*\*(?P<b>.+?)\*\*|\*(?P<i>[^*]+?)\*|`(?P<k>[^`]+)`"
                     r"|\[(?P<lt>[^\]]+)\]\(#(?P<la>[a-z0-9-]+)\)")


def inline(text: str, *, bold: str, italic: str, key: str, link: str) -> str:
    """``text`` with its inline markup replaced by the given templates ({} is the content; the
    link template takes {text} and {anchor}); the plain parts are escaped for HTML/ReportLab."""
    out: list[str] = []
    end = 0
    for match in _INLINE.finditer(text):
        out.append(html.escape(text[end:match.start()], quote=False))
        if match.group("b") is not None:
            out.append(bold.format(inline(match.group("b"), bold="{}", italic=italic, key=key,
                                          link=link)))
        elif match.group("i") is not None:
            out.append(italic.format(html.escape(match.group("i"), quote=False)))
        elif match.group("k") is not None:
            out.append(key.format(html.escape(match.group("k"), quote=False)))
        else:
            out.append(link.format(text=html.escape(match.group("lt"), quote=False),
                                   anchor=match.group("la")))
        end = match.end()
    out.append(html.escape(text[end:], quote=False))
    return "".join(out)


def _html_inline(text: str) -> str:
    return inline(text, bold="<b>{}</b>", italic="<i>{}</i>",
                  key="<span style='font-weight:600; color:#6b1010'>{}</span>",
                  link="<a href='#{anchor}'>{text}</a>")


def guide_html(blocks: tuple[Block, ...] | list[Block], image_url: str = "images/") -> str:
    """The guide as HTML for QTextBrowser (images are looked up relative to ``image_url``)."""
    parts = ["<html><body style='font-size:11pt'>"]
    for block in blocks:
        if isinstance(block, Heading):
            name = f"<a name='{block.anchor}'></a>" if block.anchor else ""
            color = "#8b1a1a" if block.level <= 2 else "#333"
            parts.append(f"<h{block.level} style='color:{color}'>{name}"
                         f"{_html_inline(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{_html_inline(block.text)}</p>")
        elif isinstance(block, ListBlock):
            tag = "ol" if block.ordered else "ul"
            items = "".join(f"<li>{_html_inline(item)}</li>" for item in block.items)
            parts.append(f"<{tag}>{items}</{tag}>")
        elif isinstance(block, Figure):
            source = image_url + block.source.removeprefix("images/")
            parts.append(f"<p align='center'><img src='{html.escape(source)}' width='640'><br>"
                         f"<i>{_html_inline(block.caption)}</i></p>")
        elif isinstance(block, Note):
            parts.append("<table width='100%' cellpadding='8' style='background:#fff8e1; "
                         f"border:1px solid #f0d68a'><tr><td>{_html_inline(block.text)}"
                         "</td></tr></table>")
        else:
            head = "".join(f"<th align='left'>{_html_inline(c)}</th>" for c in block.header)
            body = "".join("<tr>" + "".join(f"<td>{_html_inline(c)}</td>" for c in row)
                           + "</tr>" for row in block.rows)
            parts.append("<table cellpadding='4' cellspacing='0' border='1' "
                         f"style='border-color:#ccc'><tr>{head}</tr>{body}</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
