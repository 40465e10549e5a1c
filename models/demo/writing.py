"""Writing the sample data with Core bulk inserts: organisations, activities, the members' dated
rows and their attendance."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models.demo.common import (
    BATCH,
    CELL_COUNT,
    SET_UP_AT,
    Row,
    new_uuid,
    pairs_of,
    stamp,
    table_of,
)
from models.demo.members import Generator, Life
from models.demo.schedule import SampleActivity
from models.demo.tables import EXCUSED_NOTES, ORGS
from models.formats import format_date
from models.membership import covers
from models.store.entities import ActivityStatus, AttendanceState, MemberStatus, WorkplaceOrg
from models.text import vntext


def insert_orgs(session: Session, gen: Generator) -> list[int]:
    """The workplace organisations of ORGS (reusing any of the same name); their ids."""
    rng = gen.rng
    table = table_of("workplace_org")
    rows: list[Row] = []
    for company, parent, _kind, address, _weight in ORGS:
        name = f"Đảng ủy {company}"
        rows.append({
            "uuid": new_uuid(rng), "name": name, "name_key": vntext.fold(name),
            "parent_name": parent, "company": company, "address": f"{address}, tỉnh Quảng Ninh",
            "contact": f"Văn phòng Đảng ủy, ĐT 0203 3{gen.digits(3)} {gen.digits(3)}",
            "active": True, "merged_into_id": None, "created_at": SET_UP_AT,
        })
    existing = pairs_of(session, select(WorkplaceOrg.name_key, WorkplaceOrg.id))
    missing = [r for r in rows if r["name_key"] not in existing]
    if missing:
        session.execute(insert(table), missing)
    ids = pairs_of(session, select(WorkplaceOrg.name_key, WorkplaceOrg.id))
    return [ids[r["name_key"]] for r in rows]


def insert_activities(session: Session, gen: Generator, schedule: Sequence[SampleActivity],
                       cell_ids: Sequence[int]) -> list[int]:
    rng = gen.rng
    table = table_of("activity")
    rows: list[Row] = []
    for activity in schedule:
        created = stamp(activity.day - timedelta(days=rng.randint(7, 20)), rng)
        held = activity.day < gen.today
        rows.append({
            "uuid": new_uuid(rng), "date": activity.day,
            "cell_id": None if activity.cell is None else cell_ids[activity.cell],
            "kind": activity.kind.value, "title": activity.title, "place": activity.place,
            "content": activity.content,
            "status": (ActivityStatus.HELD if held else ActivityStatus.PLANNED).value,
            "created_at": created,
            "updated_at": stamp(activity.day + timedelta(days=rng.randint(0, 3)), rng)
            if held else created,
        })
    if not rows:
        return []
    session.execute(insert(table), rows)
    ids = pairs_of(session, select(table.c.uuid, table.c.id))
    return [ids[r["uuid"]] for r in rows]


def insert_dated_rows(session: Session, gen: Generator, rows: list[Row], lives: list[Life],
                       member_ids: Sequence[int], cell_ids: Sequence[int]
                       ) -> tuple[int, int, int]:
    """Cell assignments, status changes and excused periods; (counts of each)."""
    assignments: list[Row] = []
    changes: list[Row] = []
    excused: list[Row] = []
    for row, life, member_id in zip(rows, lives, member_ids, strict=True):
        for cell, start, end in life.stints:
            assignments.append({"member_id": member_id, "cell_id": cell_ids[cell],
                                "start_date": date.fromordinal(start),
                                "end_date": None if end is None else date.fromordinal(end)})
        changes.append({
            "member_id": member_id, "status": MemberStatus.ACTIVE.value,
            "date": row["received_date"],
            "reason": f"Tiếp nhận theo Giấy giới thiệu số {row['letter_number']} ngày "
                      f"{format_date(row['letter_date'])} của {row['letter_issuer']}.",
            "created_at": row["created_at"]})
        if life.closing is not None and life.closed is not None:
            closed = date.fromordinal(life.closed)
            changes.append({"member_id": member_id, "status": life.closing[0].value,
                            "date": closed, "reason": life.closing[1],
                            "created_at": stamp(closed, gen.rng)})
        if life.excused is not None:
            start, end = life.excused
            excused.append({"member_id": member_id, "start_date": date.fromordinal(start),
                            "end_date": None if end is None else date.fromordinal(end),
                            "reason": life.excuse_reason})
    for name, batch in (("cell_assignment", assignments), ("member_status_change", changes),
                        ("excused_period", excused)):
        table = table_of(name)
        for start_at in range(0, len(batch), BATCH):
            session.execute(insert(table), batch[start_at:start_at + BATCH])
    return len(assignments), len(changes), len(excused)


def insert_attendance(session: Session, rng: random.Random, schedule: Sequence[SampleActivity],
                       activity_ids: Sequence[int], lives: Sequence[Life],
                       member_ids: Sequence[int], today: date,
                       report: Callable[[float], None]) -> int:
    """Invite everyone on the cell's list (not excused) on each activity's day; tick the held.

    Rows go in member by member (ids ascending): then the member index only grows at its end and
    the (activity, member) index at one point per activity, which keeps SQLite's page cache warm;
    activity by activity would rewrite the whole member index once per activity.
    """
    # per cell: (day, activity id, held) of its own activities and the ward's, in date order
    per_cell: list[list[tuple[int, int, bool]]] = [[] for _ in range(CELL_COUNT)]
    for activity, activity_id in zip(schedule, activity_ids, strict=True):
        entry = (activity.day.toordinal(), activity_id, activity.day < today)
        for cell in range(CELL_COUNT) if activity.cell is None else (activity.cell,):
            per_cell[cell].append(entry)
    table = table_of("attendance")
    present, excused_state, absent = (AttendanceState.PRESENT.value,
                                      AttendanceState.EXCUSED.value, AttendanceState.ABSENT.value)
    invited = AttendanceState.INVITED.value
    notes = EXCUSED_NOTES
    random_ = rng.random
    batch: list[Row] = []
    total = 0
    step = max(1, len(lives) // 20)
    for index, (life, member_id) in enumerate(zip(lives, member_ids, strict=True)):
        excused = life.excused
        present_below, excused_below = life.present_below, life.excused_below
        for cell, start, end in life.stints:
            for day, activity_id, held in per_cell[cell]:
                # counted that day, as models.membership reads the rows written
                if not covers(start, end, day) or (
                        excused is not None and covers(excused[0], excused[1], day)):
                    continue
                note = ""
                if not held:
                    state = invited
                else:
                    draw = random_()
                    if draw < present_below:
                        state = present
                    elif draw < excused_below:
                        state = excused_state
                        if random_() < 0.4:
                            note = notes[int(random_() * len(notes))]
                    else:
                        state = absent
                batch.append({"activity_id": activity_id, "member_id": member_id,
                              "state": state, "note": note})
        if len(batch) >= BATCH:
            session.execute(insert(table), batch)
            total += len(batch)
            batch = []
        if index % step == step - 1:
            report((index + 1) / len(lives))
    if batch:
        session.execute(insert(table), batch)
        total += len(batch)
    report(1.0)
    return total
