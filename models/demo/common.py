"""What the parts of the sample data share: the ward's shape, and drawing numbers, UUIDs and
time stamps from the one random generator."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, Table
from sqlalchemy.orm import Session

from models.store.entities import Base

Progress = Callable[[int, int], None]
Row = dict[str, Any]

BATCH = 20_000
WARD_NAME = "Đảng ủy phường Mạo Khê"
WARD_PARENT = "Đảng bộ thành phố Đông Triều"
PLACE = "Đông Triều"
CELL_COUNT = 10
CELL_WEIGHTS = (1.2, 0.8, 1.1, 0.9, 1.5, 1.0, 0.7, 1.3, 0.6, 0.9)
CELLS_WITH_COMMITTEE = frozenset({0, 2, 4, 7})
ADDRESS_TAIL = "phường Mạo Khê, thành phố Đông Triều, tỉnh Quảng Ninh"
FIRST_RECEIVED = date(2015, 1, 1)
SPECIAL_NAME = "Đặng Thị Hường"
SET_UP_AT = datetime(2015, 1, 5, 8, 0)  # when the sample ward "started" its register


def randint(rng: random.Random, low: int, high: int) -> int:
    """rng.randint's range, from one random() call: about four times faster, as deterministic."""
    return low + int(rng.random() * (high - low + 1))


def new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def stamp(day: date, rng: random.Random) -> datetime:
    """A time stamp on an office day: 7:30 to 16:30."""
    return datetime.combine(day, time(7, 30)) + timedelta(minutes=randint(rng, 0, 539))


def table_of(name: str) -> Table:
    return Base.metadata.tables[name]


def pairs_of(session: Session, stmt: Select[str, int]) -> dict[str, int]:
    """A two-column query as a dict (key -> id)."""
    return {key: value for key, value in session.execute(stmt)}
