"""Organisations and cells matched as a person would match them (issue 16, item 6).

"Than Uông Bí", "Đảng uỷ Cty Than Uông Bí" and "Đảng ủy Công ty Than Uông Bí - TKV" are one
organisation to a secretary, so their keys are equal: case, accents and the placement of a tone
mark ("uỷ"/"ủy") are ignored (``fold``), punctuation too, and so are the words that say what kind
of body a name is ("Đảng ủy", "Đảng bộ", "Công ty", "Cty", "TNHH", "MTV", "Cổ phần") at its start
and the group's name after a dash at its end ("- TKV", "- Vinacomin").  A cell's key drops
"Chi bộ", and a bare number is the area: "Chi bộ khu 5", "Khu 5" and "5" are one cell.

The importer resolves names with these keys, and the catalogue warns when a name typed by hand
has the key of another entry (an exact duplicate is refused by the catalogue's own rules).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from models.text.vntext import fold

_ORG_PREFIXES = (("dang", "uy"), ("dang", "bo"), ("cong", "ty"), ("cty",), ("tnhh",), ("mtv",),
                 ("mot", "thanh", "vien"), ("co", "phan"), ("cp",))
_ORG_GROUPS = frozenset({"tkv", "vinacomin"})
_CELL_PREFIXES = (("chi", "bo"),)
_GROUP_SUFFIX = re.compile(r"[-–—]\s*(\w+)\s*$")


def _words(name: str) -> list[str]:
    return fold(name).split()  # fold: ASCII lower case, accents gone, punctuation separates


def _without_prefixes(words: list[str], prefixes: Sequence[tuple[str, ...]]) -> list[str]:
    rest = words
    stripped = True
    while stripped:
        stripped = False
        for prefix in prefixes:
            if len(rest) > len(prefix) and tuple(rest[:len(prefix)]) == prefix:
                rest = rest[len(prefix):]
                stripped = True
    return rest


def org_key(name: str) -> str:
    """The key two spellings of one workplace organisation share ('' for a blank name)."""
    words = _without_prefixes(_words(name), _ORG_PREFIXES)
    dash = _GROUP_SUFFIX.search(name or "")
    if dash and fold(dash.group(1)) in _ORG_GROUPS and len(words) > 1:
        words = words[:-1]
    return " ".join(words)


def cell_key(name: str) -> str:
    """The key two spellings of one residence cell share ('' for a blank name)."""
    words = _without_prefixes(_words(name), _CELL_PREFIXES)
    if len(words) == 1 and words[0].isdigit():
        words = ["khu", words[0]]
    return " ".join(words)


class _Named(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...


_N = TypeVar("_N", bound=_Named)


def similar_orgs(name: str, others: Iterable[_N], own_id: int | None = None) -> list[_N]:
    """The organisations among ``others`` (not ``own_id``) that a person would take for the one
    named ``name``, but spelled otherwise (an exact duplicate is another rule's business)."""
    key, folded = org_key(name), fold(name)
    return [o for o in others if key and o.id != own_id and fold(o.name) != folded
            and org_key(o.name) == key]


def similar_cells(name: str, others: Iterable[_N], own_id: int | None = None) -> list[_N]:
    """The cells among ``others`` (not ``own_id``) that a person would take for ``name``, by
    their name or their area, spelled otherwise."""
    key, folded = cell_key(name), fold(name)
    return [c for c in others if key and c.id != own_id and fold(c.name) != folded
            and key in (cell_key(c.name), cell_key(getattr(c, "area", "") or ""))]


def near_duplicate_warning(kind: str, name: str, similar: Sequence[_Named]) -> str:
    """'Có thể trùng với tổ chức đảng đã có: «…».' ('' when there is none)."""
    if not similar:
        return ""
    names = ", ".join(f"«{s.name}»" for s in similar[:3])
    return (f"Có thể trùng với {kind} đã có: {names}. Nếu đúng là một, hãy dùng mục đã có "
            f"thay vì thêm «{name.strip()}».")
