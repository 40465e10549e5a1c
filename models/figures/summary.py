"""The yearly summary report for the town committee and the coal party committees (DESIGN.md
§3.6), as plain data; ``reports`` draws its PDF and workbook.  The member list is in
``models.figures.member_list``, the attendance summary in ``models.figures.attendance``.

The rules are the register's own:
- *on the register on day D*, the cell of that day and *excused* that day: as
  ``models.membership`` says;
- *movements of a year*: status changes dated from 1 January to the report date that turn an
  active member into a non-active one (or back: received), so that
  at the start + received − left = at the end, exactly;
- *attendance*: per cell, as the attendance summary counts it (``models.figures.attendance``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Connection, func, select

from models import clock
from models.figures.attendance import (
    CellActivities,
    activities_by_cell,
    attendance_statement,
    held_activities,
)
from models.figures.common import (
    LEFT_STATUSES,
    Factory,
    Progress,
    WardNames,
    ward_names,
)
from models.membership import (
    GROUPS,
    Participation,
    assignments_on,
    counts_from,
    excused_members_on,
    on_register,
    total,
)
from models.store.entities import (
    Cell,
    CellAssignment,
    CommentSheet,
    Member,
    MemberStatus,
    MemberStatusChange,
    Proposal,
    SheetStatus,
    WorkplaceOrg,
)
from models.text.vntext import fold

NO_CELL = "(Chưa phân chi bộ)"
NO_ORG = "(Chưa rõ tổ chức đảng nơi công tác)"


@dataclass(frozen=True)
class Movements:
    """Members on the register at the start and at the end, and the changes between."""

    at_start: int  # on 31 December of the year before
    received: int
    left: Mapping[str, int]  # per MemberStatus of LEFT_STATUSES
    at_end: int  # on the report date

    @property
    def left_total(self) -> int:
        return sum(self.left.values())


@dataclass(frozen=True)
class GroupFigures:
    """One workplace organisation's or one cell's members (None: not known / not assigned)."""

    key: int | None
    name: str
    members: int  # on the register on the report date
    excused: int  # of them, excused on that date
    received: int = 0  # during the year (organisations only)
    left: int = 0


@dataclass(frozen=True)
class CommentFigures:
    """The year's comment sheets by status and proposal."""

    counts: Mapping[tuple[str, str], int] = field(default_factory=dict)

    def count(self, status: str | None = None, proposal: str | None = None) -> int:
        return sum(n for (s, p), n in self.counts.items()
                   if status in (None, s) and proposal in (None, p))

    @property
    def total(self) -> int:
        return self.count()


@dataclass(frozen=True)
class YearSummary:
    """The yearly summary report for the town committee and the coal party committees."""

    ward: WardNames
    year: int
    as_of: date  # 31 December, or today for the current year
    movements: Movements
    by_org: tuple[GroupFigures, ...]
    by_cell: tuple[GroupFigures, ...]
    activities: tuple[CellActivities, ...]
    comments: CommentFigures
    recipients: tuple[str, ...]  # the ward's parent and the organisations' parents

    @property
    def excused(self) -> int:
        return sum(g.excused for g in self.by_cell)

    @property
    def attendance(self) -> Participation:
        return total(c.counts for c in self.activities)

    @property
    def held(self) -> Mapping[str, int]:
        return {g: sum(c.held[g] for c in self.activities) for g in GROUPS}


Tally = dict[int | None, tuple[int, int]]  # key -> (members, excused)


def _by_org_and_cell(connection: Connection, day: date) -> tuple[Tally, Tally]:
    """Members on the register on `day` and, of them, the excused ones: per workplace
    organisation and per cell (the assignment covering the day; None when there is none)."""
    # three plain reads joined here: SQLite would run two correlated subqueries per member
    cell_of = {member_id: cell_id for member_id, cell_id in connection.execute(
        assignments_on(day).order_by(CellAssignment.start_date, CellAssignment.id))}
    excused = set(connection.execute(excused_members_on(day)).scalars())
    orgs: Tally = {}
    cells: Tally = {}
    for member_id, org_id in connection.execute(
            on_register(day, Member.id, Member.workplace_org_id)):
        ex = member_id in excused
        for table, key in ((orgs, org_id), (cells, cell_of.get(member_id))):
            members, count = table.get(key, (0, 0))
            table[key] = (members + 1, count + ex)
    return orgs, cells


def _transitions(connection: Connection, first: date, last: date
                 ) -> list[tuple[int | None, str, bool]]:
    """(organisation, new status, was active before) of each status change from `first` to
    `last` that turns a member on or off the register."""
    change = MemberStatusChange
    ordered = (select(change.member_id, change.status, change.date,
                      func.lag(change.status).over(partition_by=change.member_id,
                                                   order_by=(change.date, change.id))
                      .label("before"))
               .where(change.date <= last).subquery("ordered"))
    active = MemberStatus.ACTIVE.value
    out = []
    for org_id, status, before in connection.execute(
            select(Member.workplace_org_id, ordered.c.status, ordered.c.before)
            .join(Member, Member.id == ordered.c.member_id)
            .where(ordered.c.date >= first, Member.archived.is_(False))):
        was_active = before == active
        if (status == active) != was_active:
            out.append((org_id, status, was_active))
    return out


def _comments(connection: Connection, year: int) -> CommentFigures:
    counts = {(s, p): int(n) for s, p, n in connection.execute(
        select(CommentSheet.status, CommentSheet.proposal, func.count())
        .where(CommentSheet.year == year)
        .group_by(CommentSheet.status, CommentSheet.proposal))}
    return CommentFigures(counts)


def _named(rows: Iterable[tuple[int | None, str]], figures: Mapping[int | None, tuple[int, int]],
           moves: Mapping[int | None, tuple[int, int]], missing: str) -> tuple[GroupFigures, ...]:
    out = []
    for key, name in [*rows, (None, missing)]:
        members, excused = figures.get(key, (0, 0))
        received, left = moves.get(key, (0, 0))
        if key is None and not (members or received or left):
            continue
        out.append(GroupFigures(key, name, members, excused, received, left))
    return tuple(out)


def year_summary(factory: Factory, year: int, *, today: date | None = None,
                 progress: Progress | None = None) -> YearSummary:
    """The figures of the yearly summary report (see the module for the rules)."""
    today = today or clock.today()
    first, last = date(year, 1, 1), date(year, 12, 31)
    as_of = min(last, max(today, first))
    report = progress or (lambda _done, _total: None)
    with factory() as session:
        connection = session.connection()
        ward = ward_names(session)
        report(0, 5)
        at_start = len(connection.execute(on_register(first - timedelta(days=1))).all())
        orgs, cells = _by_org_and_cell(connection, as_of)
        report(1, 5)
        moves: dict[int | None, tuple[int, int]] = {}
        received, left = 0, Counter[str]()
        for org_id, status, was_active in _transitions(connection, first, as_of):
            r, lft = moves.get(org_id, (0, 0))
            if was_active:
                left[status] += 1
                moves[org_id] = (r, lft + 1)
            else:
                received += 1
                moves[org_id] = (r + 1, lft)
        report(2, 5)
        per_cell = {row[0]: counts_from(row, 1) for row in connection.execute(
            attendance_statement(year, by_member=False))}
        report(3, 5)
        held = held_activities(connection, year)
        org_rows = [(i, n) for i, n, a in connection.execute(
            select(WorkplaceOrg.id, WorkplaceOrg.name, WorkplaceOrg.active)
            .order_by(WorkplaceOrg.name_key, WorkplaceOrg.id)) if a or i in orgs or i in moves]
        cell_rows = [(i, n) for i, n, a in connection.execute(
            select(Cell.id, Cell.name, Cell.active).order_by(Cell.position, Cell.id))
            if a or i in cells]
        parents = sorted({p.strip() for p in connection.execute(
            select(WorkplaceOrg.parent_name).where(WorkplaceOrg.active.is_(True))).scalars()
            if p and p.strip()}, key=fold)
        summary = YearSummary(
            ward=ward, year=year, as_of=as_of,
            movements=Movements(
                at_start=at_start, received=received,
                left={s.value: left[s.value] for s in LEFT_STATUSES},
                at_end=sum(m for m, _ in orgs.values())),
            by_org=_named(org_rows, orgs, moves, NO_ORG),
            by_cell=_named(cell_rows, cells, {}, NO_CELL),
            activities=activities_by_cell(connection, held, per_cell),
            comments=_comments(connection, year),
            recipients=tuple(p for p in [ward.parent, *parents] if p))
        report(4, 5)
    report(5, 5)
    return summary


STATUS_ORDER = tuple(s.value for s in SheetStatus)
PROPOSAL_ORDER = tuple(p.value for p in Proposal)
