"""What others changed since the window last looked (models.sharing.changes)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from models.activities.service import ActivityInput, add_activity, roster, save_attendance
from models.catalogues.service import list_cell_details, update_cell
from models.catalogues.settings import load_settings, save_settings
from models.register.rules import MemberInput
from models.register.service import add_member, member_input, update_member
from models.sharing import changes
from models.sharing.changes import Changed, changes_since, current_marker
from models.store.db import Database, open_database
from tests.conftest import on_both_databases

TODAY = date(2026, 11, 26)
db = on_both_databases()  # the same one query on a file and on a server


def _add(db: Database, name: str) -> int:
    cell = list_cell_details(db.session_factory)[0].id
    return add_member(db.session_factory, MemberInput(full_name=name, sex="M",
                                                      birth_date=date(1980, 2, 5), cell_id=cell),
                      TODAY)


def test_nothing_changed_nothing_said(db: Database) -> None:
    seen = current_marker(db.session_factory)
    now, changed = changes_since(db.session_factory, seen)
    assert changed == [] and now == seen


def test_each_kind_of_change_is_named_with_the_rows_the_history_knows(db: Database) -> None:
    f = db.session_factory
    an = _add(db, "Trần Văn An")
    seen = current_marker(f)
    # "someone else": another connection to the same database, as another program would have
    other = open_database(db.location)
    try:
        update_member(other.session_factory, an, replace(member_input(f, an), phone="0912345678"))
        cell = list_cell_details(other.session_factory)[0]
        update_cell(other.session_factory, cell.id, replace(cell.input(), area="Khu 5A"))
        activity = add_activity(other.session_factory, ActivityInput(
            TODAY, cell.id, "periodic", "Sinh hoạt định kỳ"))
        save_settings(other.session_factory,
                      replace(load_settings(other.session_factory), margin_top=30.0))
    finally:
        other.close()
    seen, changed = changes_since(f, seen)
    assert changed == [Changed("member", (an,)), Changed("activity", ()),
                       Changed("cells", ()), Changed("settings", ())]

    marks = {line.member_id: ("present", "") for line in roster(f, activity)}
    assert marks
    save_attendance(f, activity, marks)
    seen, changed = changes_since(f, seen)
    assert changed == [Changed("activity", ())]
    assert changes_since(f, seen)[1] == []


def test_many_history_lines_say_any_member_may_have_changed(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    f = db.session_factory
    monkeypatch.setattr(changes, "MANY", 3)
    seen = current_marker(f)
    for name in ("Trần Văn An", "Lê Văn Bình", "Phạm Văn Cường", "Đỗ Văn Dũng"):
        _add(db, name)
    _seen, changed = changes_since(f, seen)
    assert Changed("member", ()) in changed
