"""Who issues a document and under which number (DOMAIN.md §3.1).

An issuer is the ward committee or one residence cell; its header lines, number suffix and signer
are dated, so a document printed today for last year uses the lines valid on its own date.
Numbers count per issuer, year and kind ("27-PNX/CB"), and a printed document keeps its number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models.dates import in_force
from models.store.entities import Base, Issuer, IssuerVersion, Ward


class DocumentKind(StrEnum):
    """The kind in a document's number ("27-PNX/CB"): numbers count per issuer, year and kind."""

    COMMENT_SHEET = "PNX"  # phiếu nhận xét
    RECEIPT = "PTN"  # phiếu tiếp nhận (of an introduction letter)
    LIST = "DS"  # danh sách: a covering list of sheets, an attendance sheet
    RECORD = "BB"  # biên bản: the record of a meeting
    REPORT = "BC"  # báo cáo


@dataclass(frozen=True)
class IssuerLines:
    """Everything the party-document header and signature need from an issuer on a date."""

    issuer_id: int
    parent_line: str  # ĐẢNG BỘ PHƯỜNG MẠO KHÊ
    name_line: str  # CHI BỘ KHU 5
    number_suffix: str  # CB
    signer_title: str  # T/M CHI ỦY
    signer_role: str  # BÍ THƯ
    signer_name: str
    place_name: str  # Đông Triều, printed before the date


class NoIssuer(LookupError):
    """No header lines are set for this issuer on that date."""


def issuer_lines(factory: sessionmaker[Session], cell_id: int | None, on: date) -> IssuerLines:
    """The lines of the ward committee (cell_id None) or of a cell in force on the given date
    (``models.dates.in_force``)."""
    with factory() as session:
        return issuer_lines_in(session, cell_id, on)


def issuer_lines_in(session: Session, cell_id: int | None, on: date) -> IssuerLines:
    condition = Issuer.cell_id.is_(None) if cell_id is None else Issuer.cell_id == cell_id
    issuer = session.scalars(select(Issuer).where(condition)).first()
    if issuer is None:
        raise NoIssuer("Chưa thiết lập cơ quan ban hành văn bản (Danh mục › Cơ quan ban hành).")
    versions = session.scalars(
        select(IssuerVersion).where(IssuerVersion.issuer_id == issuer.id)).all()
    version = in_force(versions, on, lambda v: v.valid_from)
    if version is None:
        raise NoIssuer("Chưa nhập dòng tiêu đề của cơ quan ban hành văn bản.")
    ward = session.scalars(select(Ward)).first()
    return IssuerLines(
        issuer_id=issuer.id, parent_line=version.parent_line, name_line=version.name_line,
        number_suffix=version.number_suffix, signer_title=version.signer_title,
        signer_role=version.signer_role, signer_name=version.signer_name,
        place_name=ward.place_name if ward else "",
    )


def next_document_number(session: Session, issuer_id: int, year: int, kind: str) -> int:
    """Take the next number for (issuer, year, kind) inside the caller's transaction."""
    return reserve_document_numbers(session, issuer_id, year, kind, 1)


_COUNTER = Base.metadata.tables["document_counter"]  # Core: no ORM identity to keep in step


def _counter_key(issuer_id: int, year: int, kind: str) -> ColumnElement[bool]:
    return and_(_COUNTER.c.issuer_id == issuer_id, _COUNTER.c.year == year,
                _COUNTER.c.kind == kind)


def reserve_document_numbers(session: Session, issuer_id: int, year: int, kind: str,
                             count: int) -> int:
    """Take `count` consecutive numbers for (issuer, year, kind) in one step, inside the caller's
    transaction; returns the first of them.

    The counter moves in one statement (``UPDATE … SET last_number = last_number + n …
    RETURNING``): the row stays locked by this transaction until it ends, so two programs
    numbering at once — two PCs on the server — get different numbers, never the same one read
    twice.  A counter's first number inserts its row inside a savepoint; when another program
    inserted it meanwhile, the update runs again on theirs."""
    if count < 1:
        raise ValueError("count must be positive")
    bump = (update(_COUNTER).where(_counter_key(issuer_id, year, kind))
            .values(last_number=_COUNTER.c.last_number + count)
            .returning(_COUNTER.c.last_number))
    for _attempt in range(3):
        last = session.execute(bump).scalar_one_or_none()
        if last is not None:
            return int(last) - count + 1
        try:
            with session.begin_nested():
                session.execute(insert(_COUNTER).values(
                    issuer_id=issuer_id, year=year, kind=kind, last_number=count))
            return 1
        except IntegrityError:
            continue  # another program made the counter first: take the next of theirs
    raise RuntimeError("document counter could not be taken")  # pragma: no cover


def give_back_document_numbers(session: Session, issuer_id: int, year: int, kind: str,
                               numbers: Sequence[int]) -> bool:
    """Give back the last numbers of a counter (a print the user abandoned), inside the
    caller's transaction; only when they are still the last ones taken — one statement that
    checks and moves the counter together, so a number another program took meanwhile is
    never handed out twice.  True when given back."""
    ordered = sorted(numbers)
    if not ordered or ordered != list(range(ordered[0], ordered[-1] + 1)):
        return False
    result = session.execute(
        update(_COUNTER).where(_counter_key(issuer_id, year, kind),
                               _COUNTER.c.last_number == ordered[-1])
        .values(last_number=ordered[0] - 1))
    return bool(getattr(result, "rowcount", 0) == 1)


def document_code(number: int, kind: str, suffix: str) -> str:
    """'27-PNX/CB': the number, the kind of document and the issuer's suffix."""
    return f"{number}-{kind}/{suffix}"
