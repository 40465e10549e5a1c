"""The round's deadline and the organisations' own ones, and which round is under way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import EllipsisType

from sqlalchemy import select

from models import clock
from models.catalogues.settings import _load_in as _load_settings_in
from models.comments.common import CommentError, Factory, get_round
from models.comments.sheets import sheet_rows
from models.store.entities import (
    RoundDeadline,
    WorkplaceOrg,
)
from models.text.vntext import fold

# --- deadlines ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    org_id: int | None  # None: the round's own
    org_name: str
    deadline: date | None
    overridden: bool


def days_left_text(deadline: date | None, today: date) -> str:
    """'còn 19 ngày', 'hôm nay là hạn', 'quá hạn 3 ngày' ('' without a deadline)."""
    if deadline is None:
        return ""
    days = (deadline - today).days
    if days > 0:
        return f"còn {days} ngày"
    if days == 0:
        return "hôm nay là hạn"
    return f"quá hạn {-days} ngày"


def current_round_year(factory: Factory, today: date | None = None) -> int:
    """The year whose comment round is under way on ``today``: last year's while its deadline
    (the round's own or an organisation's later one; the settings' default when the round was
    never opened) has not passed, this year's otherwise."""
    today = today or clock.today()
    last = today.year - 1
    with factory() as session:
        round_ = get_round(session, last, create=False)
        ends: list[date | None]
        if round_ is None:
            ends = [_load_settings_in(session).default_deadline(last)]
        else:
            ends = [round_.deadline, *session.scalars(
                select(RoundDeadline.deadline).where(RoundDeadline.round_id == round_.id))]
    return last if any(d is not None and today <= d for d in ends) else today.year


def set_deadline(factory: Factory, year: int, deadline: date | None,
                 org_id: int | None = None) -> None:
    """The round's deadline, or (org_id) an organisation's own; None removes an override."""
    if org_id is None:
        set_deadlines(factory, year, deadline, {})
    else:
        set_deadlines(factory, year, ..., {org_id: deadline})


def set_deadlines(factory: Factory, year: int, deadline: date | EllipsisType | None,
                  own: Mapping[int, date | None]) -> None:
    """The round's deadline (`...`: unchanged) and organisations' own deadlines (None removes
    one), all checked, then written in one transaction."""
    with factory.begin() as session:
        round_ = get_round(session, year)
        assert round_ is not None
        names = dict(session.execute(select(WorkplaceOrg.id, WorkplaceOrg.name)
                                     .where(WorkplaceOrg.id.in_(list(own)))).all())
        first = f"{round_.reference_date:%d/%m/%Y}"
        for org_id, day in [(None, deadline), *own.items()]:
            if isinstance(day, date) and day < round_.reference_date:
                who = "của cả đợt" if org_id is None else f"của {names.get(org_id, '')}"
                raise CommentError(f"Hạn gửi nhận xét {who} không được trước ngày chốt danh "
                                   f"sách ({first}).")
        if isinstance(deadline, date) or deadline is None:
            round_.deadline = deadline
        rows = {r.workplace_org_id: r for r in session.scalars(
            select(RoundDeadline).where(RoundDeadline.round_id == round_.id))}
        for org_id, day in own.items():
            row = rows.get(org_id)
            if day is None:
                if row is not None:
                    session.delete(row)
            elif row is None:
                session.add(RoundDeadline(round_id=round_.id, workplace_org_id=org_id,
                                          deadline=day))
            else:
                row.deadline = day


def deadlines(factory: Factory, year: int) -> list[Deadline]:
    """The round's deadline first, then every organisation with sheets this year (its own
    deadline or the round's), in name order."""
    with factory() as session:
        round_ = get_round(session, year, create=False)
        if round_ is None:
            return []
        own = dict(session.execute(select(RoundDeadline.workplace_org_id, RoundDeadline.deadline)
                                   .where(RoundDeadline.round_id == round_.id)).all())
        org_ids = {r.org_id for r in sheet_rows(session, year) if r.org_id is not None}
        names = dict(session.execute(select(WorkplaceOrg.id, WorkplaceOrg.name)
                                     .where(WorkplaceOrg.id.in_(org_ids | set(own)))).all())
    out = [Deadline(None, "Cả đợt", round_.deadline, False)]
    for org_id in sorted(names, key=lambda i: fold(names[i])):
        out.append(Deadline(org_id, names[org_id], own.get(org_id, round_.deadline),
                            org_id in own))
    return out
