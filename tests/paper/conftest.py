"""A small sample ward, made once per session on the suite's fixed day, that the paper tests
print from; each test gets a fresh copy (printing numbers sheets and receipt slips)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models.comments.rounds import create_one_off, create_round
from models.demo.sample import fill_demo
from models.store.db import Database, open_database
from models.store.entities import Activity, ActivityStatus, Member

MEMBERS = 160
SEED = 11
YEAR = 2026


@dataclass(frozen=True)
class Ward:
    """The sample's landmarks: what the paper tests print."""

    path: Path
    one_off: int  # the sheet made for the member with the longest name
    long_name_member: int
    held: int  # a cell's meeting, held and marked
    planned: int  # a cell's meeting not held yet (no roll call)
    ward_wide: int  # a ward-wide activity, held


@pytest.fixture(scope="session")
def sample_ward(tmp_path_factory: pytest.TempPathFactory) -> Ward:
    path = tmp_path_factory.mktemp("paper") / "ward.sqlite"
    db = open_database(path, create=True)
    f = db.session_factory
    fill_demo(f, members=MEMBERS, seed=SEED)
    create_round(f, YEAR)
    with f() as session:
        longest = session.scalars(select(Member.id).order_by(
            func.length(Member.full_name).desc(), Member.id)).first()
        assert longest is not None

        def activity(status: ActivityStatus, *, ward_wide: bool = False) -> int:
            where = Activity.cell_id.is_(None) if ward_wide else Activity.cell_id.is_not(None)
            found = session.scalars(select(Activity.id).where(
                Activity.status == status.value, where).order_by(
                Activity.date.desc(), Activity.id)).first()
            assert found is not None
            return int(found)

        held, planned = activity(ActivityStatus.HELD), activity(ActivityStatus.PLANNED)
        wide = activity(ActivityStatus.HELD, ward_wide=True)
    one_off = create_one_off(f, longest, YEAR, "Đề nghị khen thưởng")
    db.close()
    return Ward(path, one_off, longest, held, planned, wide)


@pytest.fixture
def ward_db(sample_ward: Ward, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "ward.sqlite"
    shutil.copyfile(sample_ward.path, path)
    database = open_database(path)
    yield database
    database.close()
