"""Joining the PDFs that ReportLab wrote for the chunks of a batch (laid out by worker processes)
into one, by copying their objects renumbered.

pypdf clones every page object by object in Python, about 0.8 ms a page: 1.6 s of the parent's
CPU for a round of 1,900 pages, on one of the two cores the workers need.  ReportLab's files are
plain and regular (a classic cross-reference table, one flat page tree, binary streams), so the
objects can be copied as bytes: only the object numbers in their dictionaries change.  Anything
else is refused with ValueError, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import IO

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF = re.compile(rb"xref\s+0 (\d+)\s+")
_REF = re.compile(rb"(\d+) 0 R\b")
_HEADER = re.compile(rb"(\d+) 0 obj")
_TYPE = re.compile(rb"/Type /(\w+)")
_KIDS = re.compile(rb"/Kids \[([^\]]*)\]")
_STREAM = b"\nstream\n"


class _Chunk:
    """One ReportLab PDF: its objects by number, its root, its page objects in order."""

    def __init__(self, data: bytes) -> None:
        found = _STARTXREF.search(data)
        if found is None:
            raise ValueError("not a PDF with a cross-reference table")
        start = int(found.group(1))
        table = _XREF.match(data, start)
        if table is None:
            raise ValueError("no classic cross-reference table")
        count, first = int(table.group(1)), table.end()
        offsets: dict[int, int] = {}
        for number in range(1, count):
            entry = data[first + 20 * number:first + 20 * number + 20]
            if entry[17:18] == b"n":
                offsets[number] = int(entry[:10])
        order = sorted(offsets, key=offsets.__getitem__)
        ends = [offsets[n] for n in order[1:]] + [start]
        self.objects = {n: data[offsets[n]:end] for n, end in zip(order, ends, strict=True)}
        trailer = data[start:]
        root = re.search(rb"/Root (\d+) 0 R", trailer)
        if root is None:
            raise ValueError("no catalog")
        catalog = self.objects[int(root.group(1))]
        pages = re.search(rb"/Pages (\d+) 0 R", catalog)
        if pages is None:
            raise ValueError("no page tree")
        self.trees: set[int] = set()
        self.pages = self._leaves(int(pages.group(1)))
        info = re.search(rb"/Info (\d+) 0 R", trailer)
        self.dropped = {int(root.group(1)), *self.trees} | ({int(info.group(1))} if info else set())

    def _leaves(self, number: int) -> list[int]:
        """The page objects under a page tree node, in order."""
        node = self.objects[number]
        kind = _TYPE.search(node)
        if kind is None or kind.group(1) != b"Pages":
            return [number]
        self.trees.add(number)
        kids = _KIDS.search(node)
        if kids is None:
            raise ValueError("a page tree node without kids")
        return [page for ref in _REF.findall(kids.group(1)) for page in self._leaves(int(ref))]


def _renumbered(obj: bytes, numbers: dict[int, int]) -> bytes:
    """The object with its own number and every reference in its dictionary mapped; a
    stream's bytes are copied as they are."""
    header = _HEADER.match(obj)
    if header is None:
        raise ValueError("an object without its header")
    at = obj.find(_STREAM)
    head, tail = (obj, b"") if at < 0 else (obj[:at], obj[at:])

    def mapped(ref: re.Match[bytes]) -> bytes:
        return b"%d 0 R" % numbers[int(ref.group(1))]

    body = _REF.sub(mapped, head[header.end():])
    return b"%d 0 obj" % numbers[int(header.group(1))] + body + tail


def _text(value: str) -> bytes:
    """A PDF text string for any Vietnamese text: UTF-16BE with its byte-order mark, in hex."""
    return b"<" + ("\ufeff" + value).encode("utf-16-be").hex().upper().encode() + b">"


def join_pdfs(chunks: Iterable[bytes], out: IO[bytes], *, title: str, author: str,
              creator: str, lang: str = "vi") -> int:
    """Write the chunks' pages, in order, as one PDF; returns its pages."""
    body = bytearray(b"%PDF-1.4\n%\x93\x8c\x8b\x9e\n")
    offsets: list[int] = []
    kids: list[int] = []
    tree = 1  # the joined page tree; the catalog and the info follow the copied objects
    number = 1
    for data in chunks:
        chunk = _Chunk(data)
        numbers = {n: tree for n in chunk.trees}
        for old in sorted(set(chunk.objects) - chunk.dropped):
            number += 1
            numbers[old] = number
        for old in sorted(set(chunk.objects) - chunk.dropped):
            offsets.append(len(body))
            obj = _renumbered(chunk.objects[old], numbers)
            body += obj if obj.endswith(b"\n") else obj + b"\n"
        kids += [numbers[page] for page in chunk.pages]
    catalog, info = number + 1, number + 2
    tree_at = len(body)
    refs = b" ".join(b"%d 0 R" % kid for kid in kids)
    body += b"%d 0 obj\n<< /Type /Pages /Count %d /Kids [ %s ] >>\nendobj\n" % (
        tree, len(kids), refs)
    catalog_at = len(body)
    body += b"%d 0 obj\n<< /Type /Catalog /Pages %d 0 R /Lang %s >>\nendobj\n" % (
        catalog, tree, _text(lang))
    info_at = len(body)
    body += (b"%d 0 obj\n<< /Title %s /Author %s /Creator %s /Producer %s >>\nendobj\n" % (
        info, _text(title), _text(author), _text(creator), _text(creator)))
    xref_at = len(body)
    entries = [tree_at, *offsets, catalog_at, info_at]
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(entries) + 1)
    body += b"".join(b"%010d 00000 n \n" % at for at in entries)
    body += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(entries) + 1, catalog, info, xref_at)
    out.write(bytes(body))
    return len(kids)
