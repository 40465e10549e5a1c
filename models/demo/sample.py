"""Sample data: a ward of Đông Triều, coal-sector party organisations, members and two years of
meetings with attendance, so a newcomer can try every screen at once (DESIGN.md §3.1, ``demo``).
The tables it draws from are data in ``resources/demo``; ``members`` draws the people,
``schedule`` the meetings, ``writing`` puts them in the database.

Everything comes from one ``random.Random(seed)``, UUIDs and time stamps included, so the same seed
and the same ``today`` give the same database.  Members and their dated rows are written with Core
bulk inserts in one transaction: 100,000 members with their attendance take seconds, and the
change-history hook (which watches ORM objects) stays silent, as it should for generated data.

Dated rows avoid ambiguity on purpose: a closing date, a move between cells and the start or end of
an excused period never falls on (or next to) a meeting day of the member's cell, so "who was on the
list on day D" has the same answer whether an end date is read as inclusive or exclusive.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from models import clock
from models.catalogues.ward import CellInput, WardSetup, setup_ward_in
from models.demo.common import (
    CELL_COUNT,
    CELLS_WITH_COMMITTEE,
    PLACE,
    SET_UP_AT,
    WARD_NAME,
    WARD_PARENT,
    Progress,
    new_uuid,
    table_of,
)
from models.demo.members import Generator, make_members
from models.demo.schedule import busy_days, make_schedule
from models.demo.writing import insert_activities, insert_attendance, insert_dated_rows, insert_orgs
from models.register.service import insert_member_rows
from models.store.entities import Cell, Member, Sex, Ward
from models.text import vntext

REFUSAL = ("Cơ sở dữ liệu đã có đảng viên; dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu chưa có "
           "đảng viên.")


@dataclass(frozen=True)
class DemoSummary:
    """How many rows of each kind the sample data created."""

    members: int
    cells: int
    orgs: int
    activities: int
    attendances: int
    cell_assignments: int
    status_changes: int
    excused_periods: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _count_members(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Member)) or 0)


def fill_demo(
    factory: sessionmaker[Session],
    *,
    members: int = 1800,
    seed: int = 1,
    today: date | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Fill a database without members with the sample ward, organisations, members, two years
    of activities (the previous and the current calendar year; those before ``today`` held, the
    rest planned) and their attendance; return how many rows of each kind were made.

    Raise ValueError (Vietnamese message) when the database already has members.  The ward and
    its cells are set up through ``setup_ward_in`` (cells that already exist under the same name
    are reused), all in one transaction: a failure or a cancel leaves the database as it was.

    Dated rows, read as ``models.membership`` reads them (every period half-open): a member is
    on the list from ``received_date`` until the day before ``closed_date`` (set for every
    status other than active, the retired ones included); a cell assignment covers
    ``start_date`` up to the day before ``end_date`` (a move ends one and starts the next on
    the same day); so does an excused period.  No such boundary falls within a day of a meeting
    of the member's cell.
    """
    if members < 0:
        raise ValueError("Số đảng viên mẫu phải là số không âm.")
    today = today or clock.today()
    with factory() as session:
        if _count_members(session):
            raise ValueError(REFUSAL)
        had_ward = session.scalar(select(func.count()).select_from(Ward)) != 0
        existing_cells = set(session.scalars(select(Cell.name_key)))
    rng = random.Random(seed)
    gen = Generator(rng, today)
    total = 4 * members + 1
    report = progress or (lambda _done, _total: None)

    cell_inputs = tuple(
        CellInput(name=f"Chi bộ khu {n}", area=f"Khu {n}",
                  secretary_name=gen.full_name(Sex.MALE if rng.random() < 0.8 else Sex.FEMALE),
                  front_head_name=gen.full_name(Sex.FEMALE if rng.random() < 0.5 else Sex.MALE),
                  has_committee=n - 1 in CELLS_WITH_COMMITTEE)
        for n in range(1, CELL_COUNT + 1))
    ward_secretary = gen.full_name(Sex.MALE)
    ward_uuid = new_uuid(rng)
    cell_uuids = [new_uuid(rng) for _ in cell_inputs]
    new_cells = tuple(c for c in cell_inputs if vntext.fold(c.name) not in existing_cells)
    years = (today.year - 1, today.year)
    schedule = make_schedule(rng, years)
    busy = busy_days(schedule)

    with factory.begin() as session:
        if _count_members(session):  # someone filled it meanwhile
            raise ValueError(REFUSAL)
        # a ward already set up (the first-run assistant, a server's «server init») keeps its
        # names; the sample fills it
        names = session.scalars(select(Ward)).first() if had_ward else None
        setup_ward_in(session, WardSetup(
            committee_name=names.committee_name if names else WARD_NAME,
            parent_name=names.parent_name if names else WARD_PARENT,
            place_name=names.place_name if names else PLACE, secretary_name=ward_secretary,
            cells=new_cells, valid_from=date(2015, 1, 1)))
        if not had_ward:
            session.execute(update(table_of("ward")).values(uuid=ward_uuid, created_at=SET_UP_AT))
        cell_ids: list[int] = []
        for cell_input, cell_uuid in zip(cell_inputs, cell_uuids, strict=True):
            key = vntext.fold(cell_input.name)
            cell_id = session.scalar(select(Cell.id).where(Cell.name_key == key)
                                     .order_by(Cell.id).limit(1))
            if cell_id is None:  # setup_ward has just created it
                raise RuntimeError(f"Không tìm thấy {cell_input.name} vừa tạo.")
            cell_ids.append(cell_id)
            if key not in existing_cells:
                session.execute(update(table_of("residence_cell"))
                                .where(table_of("residence_cell").c.id == cell_id)
                                .values(uuid=cell_uuid, created_at=SET_UP_AT))
        org_ids = insert_orgs(session, gen)
        activity_ids = insert_activities(session, gen, schedule, cell_ids)
        report(1, total)

        rows, lives = make_members(gen, members, busy, org_ids, cell_ids,
                                    lambda done: report(1 + done, total))
        # the register's one insert path: ids as the inserts return them
        id_by_uuid = insert_member_rows(
            session, rows, lambda done: report(1 + members + done // 2, total))
        member_ids = [id_by_uuid[row["uuid"]] for row in rows]
        counts = insert_dated_rows(session, gen, rows, lives, member_ids, cell_ids)
        report(1 + 2 * members, total)

        attendances = insert_attendance(
            session, rng, schedule, activity_ids, lives, member_ids, today,
            lambda share: report(1 + 2 * members + int(2 * members * share), total))
    report(total, total)
    return DemoSummary(members=len(rows), cells=len(cell_ids), orgs=len(org_ids),
                       activities=len(schedule), attendances=attendances,
                       cell_assignments=counts[0], status_changes=counts[1],
                       excused_periods=counts[2])
