"""The window shows what another program saved, without a restart (issue 18 item 4): a real
second process edits the register while the window is open."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from models.register.service import member_input
from models.store.db import Database
from ui.shell.events import Change
from ui.shell.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]

RENAME = """
import sys
from dataclasses import replace
sys.path.insert(0, {root!r})
from models.register.service import member_input, update_member
from models.store.db import open_database
db = open_database(sys.argv[1])
member = int(sys.argv[2])
update_member(db.session_factory, member, replace(member_input(db.session_factory, member),
                                                  full_name=sys.argv[3]))
db.close()
"""


def test_a_name_changed_by_another_program_shows_in_the_list(qtbot: QtBot, demo_db: Database,
                                                             tmp_path: Path) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    model = window.members.model
    model.complete_now()
    qtbot.waitUntil(lambda: window.watch._marker is not None, timeout=10_000)
    member_id = model.member_id_at(0)
    assert member_id is not None
    old = member_input(demo_db.session_factory, member_id).full_name
    script = tmp_path / "rename.py"
    script.write_text(RENAME.format(root=str(ROOT)), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(demo_db.path), str(member_id),
                           old + " Mới"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr

    with qtbot.waitSignal(window.events.data_changed, timeout=10_000) as seen:
        window.watch.look()
    assert seen.args == [Change.MEMBERS, (member_id,)]
    row = model.row_of(member_id)
    qtbot.waitUntil(lambda: model.member_at(row) is not None
                    and model.member_at(row).full_name == old + " Mới", timeout=5_000)
    assert "người khác" in window._others_label.text()
    assert not window._changed  # others' changes are no reason for this window's backup
    window.close()
