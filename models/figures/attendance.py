"""The attendance summary of a year: per cell and per member, the counted attendance of
``models.membership`` (held activities of the year, inside the member's active spans, outside
excused periods), grouped by the activity's cell (None: the ward's own activities) — so the
per-cell and per-member figures add up to the same totals, and a member's line equals the sum of
their participation groups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, func, select

from models.activities.service import WHOLE_WARD
from models.dates import format_birth
from models.figures.common import (
    Factory,
    Progress,
    WardNames,
    scope_of,
)
from models.membership import (
    GROUP_KINDS,
    GROUPS,
    Participation,
    counted_attendance,
    counts_from,
    on_register_during,
    state_counts,
    total,
)
from models.store.entities import (
    Activity,
    ActivityStatus,
    Attendance,
    Cell,
    Member,
    WorkplaceOrg,
)


def attendance_statement(year: int, *, by_member: bool) -> Select[Any]:
    """The counted attendance of the year, grouped by the activity's cell (and the member)."""
    keys: list[Any] = [Activity.cell_id, *([Attendance.member_id] if by_member else [])]
    return counted_attendance(year, *keys, *state_counts()).group_by(*keys)


@dataclass(frozen=True)
class CellActivities:
    """A cell's (None: the ward's own) activities held in a year and the attendance at them."""

    cell_id: int | None
    cell: str  # WHOLE_WARD for the ward's own activities
    held: Mapping[str, int]  # per participation group (activities.GROUPS): activities held
    counts: Participation

    @property
    def held_total(self) -> int:
        return sum(self.held.values())


@dataclass(frozen=True, slots=True)
class MemberAttendance:
    member_id: int
    full_name: str
    birth_text: str
    cell: str  # the member's cell now
    workplace_org: str
    counts: Participation  # every group of participation_many, added


@dataclass(frozen=True)
class AttendanceSummary:
    """Attendance of a year per cell and per member (the members of one cell, or all)."""

    ward: WardNames
    year: int
    scope: str  # the cell, or the ward's party organisation
    cells: tuple[CellActivities, ...]
    members: tuple[MemberAttendance, ...]

    @property
    def total(self) -> Participation:
        return total(m.counts for m in self.members)


def held_activities(connection: Connection, year: int) -> dict[int | None, dict[str, int]]:
    group_of = {kind: group for group, kinds in GROUP_KINDS.items() for kind in kinds}
    held: dict[int | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(GROUPS, 0))
    for cell_id, kind, count in connection.execute(
            select(Activity.cell_id, Activity.kind, func.count())
            .where(Activity.status == ActivityStatus.HELD.value,
                   Activity.date >= date(year, 1, 1), Activity.date < date(year + 1, 1, 1))
            .group_by(Activity.cell_id, Activity.kind)):
        if kind in group_of:
            held[cell_id][group_of[kind]] += int(count)
    return held


def activities_by_cell(connection: Connection, held: Mapping[int | None, Mapping[str, int]],
               counts: Mapping[int | None, Participation],
               only: int | None = None) -> tuple[CellActivities, ...]:
    """One line per cell (the cells in their order, then the ward's own activities)."""
    def shown(cell_id: int | None, active: bool) -> bool:
        if only is not None:  # one cell's members: that cell, and where they were invited
            return cell_id == only or cell_id in counts
        return active or cell_id in held or cell_id in counts

    cells: list[tuple[int | None, str]] = [
        (cell_id, name) for cell_id, name, active in connection.execute(
            select(Cell.id, Cell.name, Cell.active).order_by(Cell.position, Cell.id))
        if shown(cell_id, active)]
    if None in counts or (only is None and None in held):
        cells.append((None, WHOLE_WARD))
    return tuple(CellActivities(cell_id, name, dict(held.get(cell_id, dict.fromkeys(GROUPS, 0))),
                                counts.get(cell_id, Participation()))
                 for cell_id, name in cells)


def attendance_summary(factory: Factory, year: int, *, cell_id: int | None = None,
                       progress: Progress | None = None) -> AttendanceSummary:
    """Invited / present / excused / absent and the rate, per cell and per member, for a year.

    The members listed are those of the cell now (every cell when None) who were invited to a
    counted activity that year or were on the register some day of it.  Per cell, the counts are
    those members' attendance at that cell's activities (a member who moved counts at both).
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    report = progress or (lambda _done, _total: None)
    with factory() as session:
        connection = session.connection()
        ward, scope = scope_of(session, cell_id)
        report(0, 3)
        per_member: dict[int, Participation] = {}
        per_cell: dict[int | None, Participation] = {}
        wanted = None
        if cell_id is not None:
            wanted = set(session.scalars(select(Member.id).where(Member.cell_id == cell_id)))
        for row in connection.execute(attendance_statement(year, by_member=True)):
            if wanted is not None and row[1] not in wanted:
                continue
            counts = counts_from(row, 2)
            per_member[row[1]] = per_member.get(row[1], Participation()) + counts
            per_cell[row[0]] = per_cell.get(row[0], Participation()) + counts
        report(1, 3)
        listed = (select(Member.id, Member.full_name, Member.birth_date, Member.birth_year,
                         Cell.name, WorkplaceOrg.name)
                  .outerjoin(Cell, Cell.id == Member.cell_id)
                  .outerjoin(WorkplaceOrg, WorkplaceOrg.id == Member.workplace_org_id)
                  .order_by(Member.sort_key, Member.id))
        if cell_id is not None:
            listed = listed.where(Member.cell_id == cell_id)
        during = set(connection.execute(on_register_during(first, last)).scalars())
        members = tuple(
            MemberAttendance(r[0], r[1], format_birth(r[2], r[3]), r[4] or "", r[5] or "",
                             per_member.get(r[0], Participation()))
            for r in connection.execute(listed)
            if r[0] in per_member or r[0] in during)
        report(2, 3)
        cells = activities_by_cell(connection, held_activities(connection, year), per_cell, cell_id)
    report(3, 3)
    return AttendanceSummary(ward=ward, year=year, scope=scope, cells=cells, members=members)
