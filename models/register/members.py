"""The member register: finding members and reading them as plain rows.

Lists are ids first (one indexed query in the wanted order) and rows later, in batches, for what is
on screen; both work the same for 1,800 and for 100,000 members.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, case, or_, select
from sqlalchemy.orm import Session, sessionmaker

from models.chunks import chunked
from models.formats import format_date
from models.labels import MEMBER_STATUS, SEX, label
from models.store.dialect import store_of, words_start_name_words
from models.store.entities import Cell, Member, WorkplaceOrg
from models.text.vntext import base_letters, clean, fold, fold_query, tone_of

SORT_COLUMNS = ("name", "birth", "sex", "card", "org", "cell", "status", "received")


@dataclass(frozen=True)
class MemberFilter:
    """What the list shows: a search text plus filters; all members of every status by default."""

    text: str = ""
    cell_id: int | None = None
    workplace_org_id: int | None = None
    status: str | None = None
    excused: bool | None = None
    include_archived: bool = False
    sort: str = "name"
    descending: bool = False


@dataclass(frozen=True)
class MemberRow:
    """One line of a member list."""

    id: int
    uuid: str
    full_name: str
    sex: str
    birth_date: date | None
    birth_year: int
    card_number: str
    citizen_id: str
    phone: str
    workplace_org: str
    job_title: str
    cell: str
    address: str
    status: str
    excused: bool
    received_date: date | None
    archived: bool

    @property
    def birth_text(self) -> str:
        """dd/mm/yyyy, or the year alone when only the year is known."""
        return format_date(self.birth_date) if self.birth_date else str(self.birth_year)

    @property
    def sex_label(self) -> str:
        return label(SEX, self.sex)

    @property
    def status_label(self) -> str:
        return label(MEMBER_STATUS, self.status)


def identifier_query(text: str) -> str | None:
    """The query as a card number / citizen ID / phone (digits only), or None if it is not one."""
    digits = clean(text).replace(" ", "").replace(".", "").replace("-", "")
    return digits if digits.isdigit() else None


def search_condition(text: str, *, indexed: ColumnElement[bool] | None = None
                     ) -> ColumnElement[bool] | None:
    """Every query word starts a word of the folded name (any order), or the query is an id.

    ``indexed`` is the store's full-text condition for the same words, when the store has one
    and few members match (much faster then, slower when most do: see query_member_ids).
    """
    words = fold_query(text)
    if not words:
        return None
    name_match = indexed if indexed is not None else words_start_name_words(words)
    number = identifier_query(text)
    if number is None:
        return name_match
    return or_(name_match, Member.card_number == number, Member.citizen_id == number,
               Member.phone == number)


_TONE_MARKS = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # by tone_of()
_VOWELS = frozenset("aăâeêioôơuưy")


def _spellings(word: str) -> set[str]:
    """The word as typed, with its tone mark on any of its vowels ("Thủy" and "Thuỷ" are one
    name), in lower case and capitalised."""
    base, tone = base_letters(word), _TONE_MARKS[tone_of(word)]
    forms = {base}
    if tone:
        forms = {unicodedata.normalize("NFC", base[:i + 1] + tone + base[i + 1:])
                 for i, letter in enumerate(base) if letter in _VOWELS} or {base}
    return {f for form in forms for f in (form, form[:1].upper() + form[1:])}


def _exact_first(text: str) -> list[Any]:
    """For a query typed with accents ("Hường"), the names holding those words as typed come
    before the other accent-free matches (Hương, Hưởng…): how many typed words a name lacks."""
    words = [w for w in clean(text).split() if fold(w) and fold(w) != w.lower()]
    misses = [case((or_(*(Member.full_name.contains(form, autoescape=True)
                          for form in sorted(_spellings(w)))), 0), else_=1)
              for w in words]
    return [sum(misses[1:], misses[0])] if misses else []


def _order(stmt: Select[Any], sort: str, descending: bool, text: str = "") -> Select[Any]:
    def direction(col: Any) -> Any:
        return col.desc() if descending else col.asc()

    keys: list[Any]

    if sort == "birth":
        keys = [Member.birth_year, Member.birth_date]
    elif sort == "sex":
        keys = [Member.sex]
    elif sort == "card":
        keys = [Member.card_number]
    elif sort == "org":
        stmt = stmt.outerjoin(WorkplaceOrg, WorkplaceOrg.id == Member.workplace_org_id)
        keys = [WorkplaceOrg.name_key]
    elif sort == "cell":
        stmt = stmt.outerjoin(Cell, Cell.id == Member.cell_id)
        keys = [Cell.position]
    elif sort == "status":
        keys = [Member.status]
    elif sort == "received":
        keys = [Member.received_date]
    else:
        keys = _exact_first(text) if not descending else []
    # Vietnamese name order breaks every tie, so equal keys still list in a stable order
    return stmt.order_by(*(direction(k) for k in keys), direction(Member.sort_key),
                         direction(Member.id))


def member_ids_statement(flt: MemberFilter, *,
                         indexed: ColumnElement[bool] | None = None) -> Select[Any]:
    stmt = select(Member.id)
    condition = search_condition(flt.text, indexed=indexed)
    if condition is not None:
        stmt = stmt.where(condition)
    if flt.cell_id is not None:
        stmt = stmt.where(Member.cell_id == flt.cell_id)
    if flt.workplace_org_id is not None:
        stmt = stmt.where(Member.workplace_org_id == flt.workplace_org_id)
    if flt.status is not None:
        stmt = stmt.where(Member.status == flt.status)
    if flt.excused is not None:
        stmt = stmt.where(Member.excused.is_(flt.excused))
    if not flt.include_archived:
        stmt = stmt.where(Member.archived.is_(False))
    return _order(stmt, flt.sort, flt.descending, flt.text)


def query_member_ids(factory: sessionmaker[Session], flt: MemberFilter,
                     limit: int | None = None) -> list[int]:
    """The ids of the filter's members in its order; with ``limit``, only the first ones (the
    index scan then stops early, so a first screenful comes back at once even when half of
    100,000 members match)."""
    with factory() as session:
        connection = session.connection()
        words = fold_query(flt.text)
        indexed = store_of(connection).name_match(connection, words) if words else None
        stmt = member_ids_statement(flt, indexed=indexed)
        if limit is not None:
            stmt = stmt.limit(limit)
        result = connection.execute(stmt)
        # read the DB-API cursor directly: 100,000 ids without per-row Result bookkeeping
        return [row[0] for row in result.cursor.fetchall()]


_ROW_COLUMNS = (
    Member.id, Member.uuid, Member.full_name, Member.sex, Member.birth_date, Member.birth_year,
    Member.card_number, Member.citizen_id, Member.phone, WorkplaceOrg.name, Member.job_title,
    Cell.name, Member.address, Member.status, Member.excused, Member.received_date,
    Member.archived,
)


def fetch_rows(factory: sessionmaker[Session], ids: Sequence[int]) -> dict[int, MemberRow]:
    """The rows of the given members (any order), by id; unknown ids are simply absent."""
    rows: dict[int, MemberRow] = {}
    with factory() as session:
        connection = session.connection()
        for chunk in chunked(ids):
            stmt = (select(*_ROW_COLUMNS)
                    .outerjoin(WorkplaceOrg, WorkplaceOrg.id == Member.workplace_org_id)
                    .outerjoin(Cell, Cell.id == Member.cell_id)
                    .where(Member.id.in_(chunk)))
            result = connection.execute(stmt)
            for r in result:
                rows[r[0]] = MemberRow(
                    id=r[0], uuid=r[1], full_name=r[2], sex=r[3], birth_date=r[4],
                    birth_year=r[5], card_number=r[6] or "", citizen_id=r[7] or "",
                    phone=r[8] or "", workplace_org=r[9] or "", job_title=r[10] or "",
                    cell=r[11] or "", address=r[12] or "", status=r[13], excused=bool(r[14]),
                    received_date=r[15], archived=bool(r[16]),
                )
    return rows


def rows_in_order(factory: sessionmaker[Session], ids: Iterable[int]) -> list[MemberRow]:
    id_list = list(ids)
    by_id = fetch_rows(factory, id_list)
    return [by_id[i] for i in id_list if i in by_id]


def search_members(factory: sessionmaker[Session], text: str) -> list[MemberRow]:
    """Members of every status (archived too) matching the text, in Vietnamese name order."""
    if not fold_query(text):
        return []
    ids = query_member_ids(factory, MemberFilter(text=text, include_archived=True))
    return rows_in_order(factory, ids)


def count_members(factory: sessionmaker[Session]) -> int:
    from sqlalchemy import func

    with factory() as session:
        return int(session.scalar(select(func.count(Member.id))) or 0)
