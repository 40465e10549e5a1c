"""The receipt slip (phiếu tiếp nhận) of an introduction letter: what it prints, and its number.

The slip is dated the day it is first printed and numbered in the ward committee's series of that
year; number and date are stored on the member, so every reprint shows the same ones (DOMAIN.md
§3.1), and the series starts again at 1 each year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.catalogues.documents import (
    DocumentKind,
    IssuerLines,
    document_code,
    issuer_lines_in,
    next_document_number,
)
from models.dates import format_birth
from models.labels import SEX, label
from models.sharing.stale import retried
from models.store.entities import Cell, Member, Ward, WorkplaceOrg

RECEIPT_KIND = DocumentKind.RECEIPT


@dataclass(frozen=True)
class ReceiptFacts:
    issuer: IssuerLines
    code: str
    dated: date  # the slip's date, the day of its first print
    committee_name: str
    full_name: str
    sex: str
    birth: str
    join_date: date | None
    workplace_cell: str
    workplace_org: str
    job_title: str
    employer_unit: str
    address: str
    letter_number: str
    letter_date: date | None
    letter_issuer: str
    received_date: date | None
    cell: str


def receipt_facts(factory: sessionmaker[Session], member_id: int,
                  today: date | None = None) -> ReceiptFacts:
    """Everything the slip prints; assigns the slip's number on the first call (once, even
    when two programs print the slip at the same moment: see ``models.sharing.stale.retried``).
    """
    return retried(lambda: _receipt_facts(factory, member_id, today or clock.today()))


def _receipt_facts(factory: sessionmaker[Session], member_id: int, today: date) -> ReceiptFacts:
    with factory.begin() as session:
        member = session.get(Member, member_id)
        if member is None:
            raise LookupError("Không tìm thấy đảng viên này.")
        if not member.receipt_code:
            issuer = issuer_lines_in(session, None, today)
            number = next_document_number(session, issuer.issuer_id, today.year, RECEIPT_KIND)
            member.receipt_code = document_code(number, RECEIPT_KIND, issuer.number_suffix)
            member.receipt_date = today
        dated = member.receipt_date or member.received_date or today
        issuer = issuer_lines_in(session, None, dated)
        ward = session.scalars(select(Ward)).first()
        org = session.get(WorkplaceOrg, member.workplace_org_id) if member.workplace_org_id \
            else None
        cell = session.get(Cell, member.cell_id) if member.cell_id else None
        return ReceiptFacts(
            issuer=issuer, code=member.receipt_code, dated=dated, committee_name=ward.committee_name
            if ward else "", full_name=member.full_name, sex=label(SEX, member.sex),
            birth=format_birth(member.birth_date, member.birth_year),
            join_date=member.join_date, workplace_cell=member.workplace_cell,
            workplace_org=org.name if org else "", job_title=member.job_title,
            employer_unit=member.employer_unit, address=member.address,
            letter_number=member.letter_number, letter_date=member.letter_date,
            letter_issuer=member.letter_issuer, received_date=member.received_date,
            cell=cell.name if cell else "",
        )
