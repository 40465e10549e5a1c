"""The change history is written by one mechanism, inside the same transaction."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models.store import history
from models.store.db import Database
from models.store.entities import ChangeLog, Member
from models.text.vntext import fold, sort_key
from tests.conftest import on_both_databases

db = on_both_databases()


def new_member(name: str) -> Member:
    return Member(full_name=name, name_key=fold(name), sort_key=sort_key(name), sex="M",
                  birth_date=date(1985, 3, 4), birth_year=1985)


def log(db: Database) -> list[tuple[str, str, str, str, str]]:
    with db.session_factory() as s:
        rows = s.scalars(select(ChangeLog).order_by(ChangeLog.id))
        return [(r.entity, r.action, r.field, r.old_value, r.new_value) for r in rows]


def test_create_and_update_are_recorded_with_old_and_new_values(db: Database) -> None:
    history.set_current_user("thu.ky")
    with db.session_factory.begin() as s:
        member = new_member("Lê Văn Tám")
        s.add(member)
    with db.session_factory.begin() as s:
        m = s.get(Member, member.id)
        assert m is not None
        m.phone = "0912000111"
        m.birth_date = date(1985, 3, 5)
        m.name_key = "ignored"  # derived column: not worth a history line
    assert log(db) == [
        ("member", "create", "", "", ""),
        ("member", "update", "birth_date", "1985-03-04", "1985-03-05"),
        ("member", "update", "phone", "", "0912000111"),
    ]
    with db.session_factory() as s:
        users = set(s.scalars(select(ChangeLog.user)))
    assert users == {"thu.ky"}


def test_a_rolled_back_change_leaves_no_history(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session_factory.begin() as s:
        s.add(new_member("Phạm Thị Mười"))
        s.flush()
        raise RuntimeError("the user cancelled")
    assert log(db) == []
