"""A round's comment sheets as one PDF: each workplace organisation's covering list, then its
sheets, every document on new pages with its own page numbers.

A big batch is laid out in chunks on a pool of processes (ReportLab is pure Python, one core
does about 350 sheets a second) and the chunks are joined by copying their objects
(`layout.join`).  The result says which
sheets went over one page, so that printing can warn.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from reportlab import rl_config
from reportlab.platypus import Flowable

from models.chunks import chunked
from models.figures.common import Cancelled
from models.formats import format_int
from reports.documents.comment_sheet import (
    CommentSheetData,
    author,
    comment_sheet_flowables,
)
from reports.documents.covering_list import CoveringList, covering_list_flowables
from reports.layout import party_doc as doc
from reports.layout.join import join_pdfs
from reports.layout.party_doc import DEFAULT_MARGINS, Margins, Out

SINGLE_PROCESS_BELOW = 60  # sheets; under this the pool's start-up costs more than it saves
CHUNK_PAGES = 60  # documents per chunk handed to a worker process

Progress = Callable[[int, int], None]  # (sheets done, sheets in all)
Document = CommentSheetData | CoveringList


@dataclass(frozen=True)
class SheetGroup:
    """The sheets sent to one workplace organisation, in print order, with their covering list."""

    cover: CoveringList | None
    sheets: tuple[CommentSheetData, ...]


@dataclass(frozen=True)
class LongSheet:
    """A sheet that went over one page."""

    full_name: str
    doc_code: str | None
    pages: int

    def describe(self) -> str:
        """'Nguyễn Văn An (số 27-PNX/CB): 2 trang'."""
        number = f" (số {self.doc_code})" if self.doc_code else ""
        return f"{self.full_name}{number}: {self.pages} trang"


@dataclass(frozen=True)
class Printed:
    """What a batch printed: its pages, and the sheets longer than one page."""

    pages: int
    long_sheets: tuple[LongSheet, ...] = ()

    def warning(self, shown: int = 10) -> str:
        """A Vietnamese warning naming the long sheets ('' when every sheet is one page)."""
        if not self.long_sheets:
            return ""
        names = "; ".join(s.describe() for s in self.long_sheets[:shown])
        more = (f"; và {format_int(len(self.long_sheets) - shown)} phiếu khác"
                if len(self.long_sheets) > shown else "")
        return (f"{format_int(len(self.long_sheets))} phiếu dài hơn một trang ({names}{more}). "
                "Trang 2 của các phiếu này ghi họ tên, năm và số phiếu; nên rút gọn nội dung để "
                "phiếu vừa một trang.")


class _Checkpoint(Flowable):  # type: ignore[misc]
    """Drawn after each sheet of a single-process batch: reports progress, honours Cancel."""

    def __init__(self, report: Callable[[], None]) -> None:
        super().__init__()
        self._report = report

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self._report()


def documents_of(groups: Sequence[SheetGroup]) -> list[Document]:
    return [d for g in groups for d in ((g.cover,) if g.cover else ()) + g.sheets]


def _flowables(document: Document, margins: Margins) -> list[Flowable]:
    if isinstance(document, CoveringList):
        return covering_list_flowables(document)
    return comment_sheet_flowables(document, margins)


def _batch_flowables(documents: Sequence[Document], margins: Margins,
                     after_sheet: Callable[[], None] | None = None) -> list[Flowable]:
    flowables: list[Flowable] = []
    for document in documents:
        if flowables:
            flowables += doc.document_break()
        flowables += _flowables(document, margins)
        if after_sheet is not None and isinstance(document, CommentSheetData):
            flowables.append(_Checkpoint(after_sheet))
    return flowables


def _start_worker() -> None:
    """In each worker process: binary streams (no ASCII85 text encoding of the compressed page
    streams: a tenth of the layout time, the parent re-writes them anyway)."""
    rl_config.useA85 = 0


def _render_chunk(documents: Sequence[Document], margins: Margins) -> tuple[bytes, list[int]]:
    """Lay out a chunk of documents in a worker process: the PDF's bytes and the pages of each
    document (top level: picklable)."""
    buffer = io.BytesIO()
    pages: list[int] = []
    doc.build_pdf(buffer, _batch_flowables(documents, margins), margins, title="", author="",
                  document_pages=pages)
    return buffer.getvalue(), pages


def _batch_meta(groups: Sequence[SheetGroup]) -> tuple[str, str]:
    """The batch's title and author (the first sender's name in sentence case)."""
    first = next((g.cover.issuer if g.cover else g.sheets[0].issuer
                  for g in groups if g.cover or g.sheets), None)
    years = sorted({s.year for g in groups for s in g.sheets})
    title = "Phiếu nhận xét đảng viên" + (f" năm {years[0]}" if len(years) == 1 else "")
    return title, author(first) if first else doc.CREATOR


def _pool_context() -> multiprocessing.context.BaseContext:
    """Workers never fork the calling process (the GUI's threads and locks would be copied
    mid-use): on Linux they fork from a forkserver that has imported this module once (so a
    worker starts warm, and later batches start at once); elsewhere they are spawned."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])  # effective until the server has started
    return context


def _render_single(documents: Sequence[Document], target: IO[bytes], margins: Margins,
                   title: str, author_name: str, report: Callable[[], None]) -> list[int]:
    pages: list[int] = []
    doc.build_pdf(target, _batch_flowables(documents, margins, report), margins, title=title,
                  author=author_name, document_pages=pages)
    return pages


def _render_pool(documents: Sequence[Document], target: IO[bytes], margins: Margins,
                 title: str, author_name: str, workers: int, chunk_size: int,
                 report: Callable[[int], None], cancelled: Callable[[], bool]) -> list[int]:
    chunks = [list(c) for c in chunked(documents, chunk_size)]
    results: dict[int, tuple[bytes, list[int]]] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(),
                             initializer=_start_worker) as pool:
        pending: dict[Future[tuple[bytes, list[int]]], int] = {
            pool.submit(_render_chunk, chunk, margins): i for i, chunk in enumerate(chunks)
        }
        try:
            while pending:
                if cancelled():
                    raise Cancelled
                done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in done:
                    index = pending.pop(future)
                    results[index] = future.result()
                    report(sum(isinstance(d, CommentSheetData) for d in chunks[index]))
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    ordered = [results[i] for i in range(len(chunks))]
    join_pdfs((data for data, _ in ordered), target, title=doc.nfc(title),
              author=doc.nfc(author_name), creator=doc.CREATOR)
    return [n for _, pages in ordered for n in pages]


def _long_sheets(documents: Sequence[Document], pages: Sequence[int]) -> tuple[LongSheet, ...]:
    return tuple(LongSheet(d.full_name, d.doc_code, n) for d, n in zip(documents, pages,
                                                                       strict=True)
                 if isinstance(d, CommentSheetData) and n > 1)


def comment_sheets_pdf(groups: Sequence[SheetGroup], out: Out, margins: Margins = DEFAULT_MARGINS,
                       *, progress: Progress | None = None,
                       cancelled: Callable[[], bool] | None = None,
                       workers: int | None = None, chunk_size: int = CHUNK_PAGES) -> Printed:
    """All groups as one PDF (each group's covering list, then its sheets; every document starts
    on a new page with its own page numbers); returns the pages and the sheets longer than one
    page.  Raises Cancelled when `cancelled()` turns true; the output is then not written.

    From SINGLE_PROCESS_BELOW sheets on, chunks of `chunk_size` documents are laid out on
    `workers` processes (default: up to 2) and joined. Safe to call from any thread.
    """
    documents = documents_of(groups)
    total = sum(len(g.sheets) for g in groups)
    title, author_name = _batch_meta(groups)
    is_cancelled = cancelled or (lambda: False)
    done = 0

    def report(count: int = 1) -> None:
        nonlocal done
        if is_cancelled():
            raise Cancelled
        done += count
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    count = min(2, os.cpu_count() or 1) if workers is None else max(1, workers)
    with _Output(out) as target:
        if total < SINGLE_PROCESS_BELOW:  # else chunks, even on one worker: bounded memory
            pages = _render_single(documents, target, margins, title, author_name, report)
        else:
            pages = _render_pool(documents, target, margins, title, author_name, count,
                                 max(1, chunk_size), report, is_cancelled)
    return Printed(sum(pages), _long_sheets(documents, pages))


class _Output:
    """Where a batch is written: a temporary file moved into place (or the caller's stream
    filled) only when the whole batch succeeded."""

    def __init__(self, out: Out) -> None:
        self._path = Path(out) if isinstance(out, (str, os.PathLike)) else None
        self._stream = None if isinstance(out, (str, os.PathLike)) else out
        self._temp: Path | None = None
        self._buffer: IO[bytes] = io.BytesIO()

    def __enter__(self) -> IO[bytes]:
        if self._path is not None:
            handle, name = tempfile.mkstemp(prefix=f".{self._path.name}.", suffix=".part",
                                            dir=self._path.parent)
            os.close(handle)
            self._temp = Path(name)
            self._buffer = self._temp.open("wb")
        return self._buffer

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self._stream is not None:
            if kind is None:
                self._stream.write(self._buffer.getvalue())  # type: ignore[attr-defined]
            return
        self._buffer.close()
        assert self._temp is not None and self._path is not None
        if kind is None:
            os.replace(self._temp, self._path)
        else:
            self._temp.unlink(missing_ok=True)
