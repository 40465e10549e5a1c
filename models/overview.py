"""Figures for the overview page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.entities import Activity, ActivityStatus, Cell, Member, MemberStatus, WorkplaceOrg


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
