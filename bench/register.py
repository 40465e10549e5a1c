"""Benchmark: the register at 100,000 members, in the real widgets (offscreen).

Run by hand (not a test):  python bench/register.py [--members 100000] [--rounds 5]

Measures, inside one process on a database built with ``main.py demo``:
- keystroke → updated list: from a key press in the search box (QTest.keyClick) until the table
  shows the new result and has repainted its viewport (repaint() is forced, so the painting of
  the visible rows is inside); each keystroke of "nguyen van an" then of "dang huong", typed one
  letter at a time, is one sample. The table shows a new result's first screenful at once and
  appends the rest right after; the second figure runs on until the whole list is in (the
  count shown, the scroll bar at its full length).
- re-sort by name: clicking the name column header twice (descending, then ascending), each
  until the repaint is done;
- sort by "Tham gia năm nay": this year's participation of every member read and sorted (on a
  worker for a long list), then the repaint (both orders); and how long the window is held;
- member dialog open: constructing the dialog for an existing member (with the lists of cells
  and organisations read from the database) until its first paint.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build(size: int) -> Path:
    path = ROOT / "bench" / "data" / f"demo-{size}.sqlite"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "main.py", "--db", str(path), "demo", "--members",
                        str(size)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return path


def time_keystrokes(app: Any, view: Any, rounds: int) -> tuple[list[float], list[float]]:
    """Each keystroke of "nguyen van an" then "dang huong" in the member page's search box,
    ``rounds`` times: until the new first screenful is painted, and until the whole list is in.
    The search box is left empty."""
    from PySide6.QtTest import QTest

    table = view.table

    def settle(expected_text: str) -> None:
        while view.model.member_filter.text != expected_text:
            app.processEvents()
        table.viewport().repaint()

    painted_at: list[float] = []

    def on_reset() -> None:
        # paint the new first screenful right away and note when it is on screen
        if view.model.member_filter.text == view.search_edit.text():
            table.viewport().repaint()
            painted_at.append(time.perf_counter())

    view.model.modelReset.connect(on_reset)
    firsts: list[float] = []
    wholes: list[float] = []
    for _ in range(rounds):
        for query in ("nguyen van an", "dang huong"):
            view.search_edit.clear()
            settle("")
            for char in query:
                started = time.perf_counter()
                painted_at.clear()
                QTest.keyClick(view.search_edit, char)
                while not painted_at:
                    app.processEvents()
                firsts.append(painted_at[0] - started)
                while not view.model.is_complete:
                    app.processEvents()
                table.viewport().repaint()
                wholes.append(time.perf_counter() - started)
    view.model.modelReset.disconnect(on_reset)
    view.search_edit.clear()
    settle("")
    return firsts, wholes


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    path = build(args.members)

    from PySide6.QtCore import Qt

    from models.catalogues.ward import list_cells, list_orgs
    from models.register.service import member_input
    from models.store.db import open_database
    from ui.register.member_dialog import MemberDialog
    from ui.shell.app import application
    from ui.shell.main_window import MainWindow

    app = application()
    db = open_database(path)
    window = MainWindow(db)
    window.show()
    app.processEvents()
    view = window.members
    table = view.table

    keystrokes, completes = time_keystrokes(app, view, args.rounds)

    sorts: list[float] = []
    header = table.horizontalHeader()
    for _ in range(args.rounds):
        for _order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder):
            started = time.perf_counter()
            header.sectionClicked.emit(0)
            header.setSortIndicator(0, _order)
            table.viewport().repaint()
            sorts.append(time.perf_counter() - started)

    from ui.register.member_table import PARTICIPATION_COLUMN

    by_participation: list[float] = []
    blocked: list[float] = []
    for _ in range(args.rounds):
        for _order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder):
            started = time.perf_counter()
            view.model.sort(PARTICIPATION_COLUMN, _order)
            blocked.append(time.perf_counter() - started)
            while view.model.ordering:  # made on a worker: the window stays usable meanwhile
                app.processEvents()
            table.viewport().repaint()
            by_participation.append(time.perf_counter() - started)
    view.model.sort(0, Qt.SortOrder.AscendingOrder)

    view.model.complete_now()
    member_id = view.model.member_id_at(500)
    assert member_id is not None
    dialogs: list[float] = []
    for _ in range(args.rounds * 2):
        started = time.perf_counter()
        dialog = MemberDialog(list_cells(db.session_factory), list_orgs(db.session_factory),
                              member_input(db.session_factory, member_id))
        dialog.show()
        dialog.repaint()
        dialogs.append(time.perf_counter() - started)
        dialog.close()
        dialog.deleteLater()
        app.processEvents()

    print(f"members: {view.model.rowCount():,}")
    print("| measure | samples | median | min | max |")
    print("|---|---:|---:|---:|---:|")
    for name, values in (("keystroke → updated list", keystrokes),
                         ("keystroke → whole list in", completes),
                         ("re-sort by name (header click)", sorts),
                         ("sort by «Tham gia năm nay» (whole list)", by_participation),
                         ("  of which the window is held", blocked),
                         ("member dialog open", dialogs)):
        print(f"| {name} | {len(values)} | {1000 * statistics.median(values):.1f} ms "
              f"| {1000 * min(values):.1f} ms | {1000 * max(values):.1f} ms |")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
