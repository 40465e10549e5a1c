"""Figures for the overview page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, sessionmaker

from models.store.entities import (
    Activity,
    ActivityStatus,
    Attendance,
    AttendanceState,
    Cell,
    Member,
    MemberStatus,
    WorkplaceOrg,
)


@dataclass(frozen=True)
class WardFigures:
    members: int
    active: int
    excused: int
    left: int  # moved away, transferred out, retired to the cell, deceased
    probationary: int
    birth_year_only: int
    cells: int
    orgs: int
    activities_held: int


def ward_figures(factory: sessionmaker[Session]) -> WardFigures:
    with factory() as session:
        def count(*where: object) -> int:
            return int(session.scalar(select(func.count(Member.id)).where(
                Member.archived.is_(False), *where)) or 0)  # type: ignore[arg-type]

        active = Member.status == MemberStatus.ACTIVE
        return WardFigures(
            members=count(),
            active=count(active),
            excused=count(active, Member.excused.is_(True)),
            left=count(Member.status != MemberStatus.ACTIVE),
            probationary=count(active, Member.official_date.is_(None)),
            birth_year_only=count(Member.birth_date.is_(None)),
            cells=int(session.scalar(select(func.count(Cell.id)).where(Cell.active.is_(True)))
                      or 0),
            orgs=int(session.scalar(select(func.count(WorkplaceOrg.id)).where(
                WorkplaceOrg.active.is_(True))) or 0),
            activities_held=int(session.scalar(select(func.count(Activity.id)).where(
                Activity.status == ActivityStatus.HELD)) or 0),
        )


@dataclass(frozen=True)
class Bar:
    """One bar of an overview chart: what it counts and the filter a click opens."""

    label: str
    value: float
    key: int | None  # the cell or organisation id (None: no cell / no organisation)


def _bars(session: Session, column: Any, entity: Any) -> list[Bar]:
    counts = session.execute(
        select(column, func.count(Member.id))
        .where(Member.archived.is_(False), Member.status == MemberStatus.ACTIVE)
        .group_by(column)).all()
    names: dict[int, str] = dict(session.execute(select(entity.id, entity.name)).all())
    bars = [Bar(names.get(key, "") if key is not None else "", float(n), key)
            for key, n in counts]
    return sorted(bars, key=lambda b: (-b.value, b.label))


def members_by_org(factory: sessionmaker[Session]) -> list[Bar]:
    """Active members per workplace organisation, largest first ('' label: none recorded)."""
    with factory() as session:
        return _bars(session, Member.workplace_org_id, WorkplaceOrg)


def members_by_cell(factory: sessionmaker[Session]) -> list[Bar]:
    """Active members per residence cell, in the cells' own order."""
    with factory() as session:
        bars = {b.key: b for b in _bars(session, Member.cell_id, Cell)}
        order = [c for (c,) in session.execute(
            select(Cell.id).where(Cell.active.is_(True)).order_by(Cell.position, Cell.id))]
    ordered = [bars.pop(c) for c in order if c in bars]
    return ordered + sorted(bars.values(), key=lambda b: b.label)


def attendance_by_cell(factory: sessionmaker[Session], year: int) -> list[Bar]:
    """Per cell, the share (0–100) of invitations to its activities held in the year that were
    answered by presence, as the rosters show them; cells without any invitation are left out."""
    present = func.sum(case((Attendance.state == AttendanceState.PRESENT.value, 1), else_=0))
    with factory() as session:
        rows = session.execute(
            select(Cell.id, Cell.name, func.count(Attendance.id), present)
            .join(Activity, Activity.cell_id == Cell.id)
            .join(Attendance, Attendance.activity_id == Activity.id)
            .where(Activity.status == ActivityStatus.HELD.value,
                   Activity.date >= date(year, 1, 1), Activity.date < date(year + 1, 1, 1))
            .group_by(Cell.id, Cell.name).order_by(Cell.position, Cell.id)).all()
    return [Bar(name, round(100 * (here or 0) / invited, 1), cell_id)
            for cell_id, name, invited, here in rows if invited]


@dataclass(frozen=True)
class OverviewData:
    """Everything the overview page shows, read in one go (off the window's thread)."""

    figures: WardFigures
    by_org: list[Bar]
    by_cell: list[Bar]
    attendance: list[Bar]
    progress: Any  # models.comments.rounds.RoundProgress of the year
    reminders: Any  # models.activities.service.Reminders of the year
    today: date
    round_year: int  # the comment round under way (last year's until its deadline has passed)


def overview_data(factory: sessionmaker[Session], today: date) -> OverviewData:
    from models.activities.service import reminders
    from models.comments.deadlines import current_round_year
    from models.comments.rounds import round_progress

    round_year = current_round_year(factory, today)
    return OverviewData(ward_figures(factory), members_by_org(factory), members_by_cell(factory),
                        attendance_by_cell(factory, today.year),
                        round_progress(factory, round_year),
                        reminders(factory, today.year, today), today, round_year)
