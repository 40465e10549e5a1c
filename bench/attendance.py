"""Benchmark: the attendance roster of a ward-wide meeting with 2,000 invited members.

Run by hand (not a test):  python bench/attendance.py [--rounds 5]

Works on a copy of bench/data/demo-100000.sqlite (built by bench/startup.py or here). For each
round it records a new ward-wide meeting, invites 2,000 members, then measures in the real
widgets (offscreen):
- open: building the roster dialog (reading the 2,000 lines) until its first paint;
- save: "Tất cả có mặt" already applied, the Ctrl+S save (one transaction writing 2,000
  attendance rows with their change history) until the dialog has repainted.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models import clock  # noqa: E402  (this checkout's, not an installed copy's)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    source = ROOT / "bench" / "data" / "demo-100000.sqlite"
    if not source.exists():
        source.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "main.py", "--db", str(source), "demo", "--members",
                        "100000"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    path = Path(tempfile.mkdtemp()) / "roster.sqlite"
    shutil.copyfile(source, path)

    from models.activities.service import ActivityInput, add_activity, invite
    from models.register.members import MemberFilter, query_member_ids
    from models.store.db import open_database
    from ui.activities.roster_view import RosterDialog
    from ui.shell.app import application

    app = application()
    db = open_database(path)
    gc.freeze()  # as the program does once its window is built
    ids = query_member_ids(db.session_factory, MemberFilter(status="active", excused=False))
    opens: list[float] = []
    saves: list[float] = []
    for n in range(args.rounds):
        activity_id = add_activity(db.session_factory, ActivityInput(
            clock.today() - timedelta(days=n + 1), None, "periodic", f"Hội nghị toàn phường {n}",
            "Hội trường", "", "held"), invite_default=False)
        invite(db.session_factory, activity_id, ids[n * 2000:(n + 1) * 2000])
        started = time.perf_counter()
        dialog = RosterDialog(db.session_factory, activity_id)
        dialog.show()
        dialog.repaint()
        opens.append(time.perf_counter() - started)
        assert dialog.model.rowCount() == 2000
        dialog.mark_all_present()
        started = time.perf_counter()
        assert dialog.save()
        dialog.repaint()
        saves.append(time.perf_counter() - started)
        dialog.hide()
        dialog.deleteLater()
        app.processEvents()
    print("| measure | samples | median | min | max |")
    print("|---|---:|---:|---:|---:|")
    for name, values in (("open the roster of 2,000", opens), ("save 2,000 marks", saves)):
        print(f"| {name} | {len(values)} | {1000 * statistics.median(values):.1f} ms "
              f"| {1000 * min(values):.1f} ms | {1000 * max(values):.1f} ms |")
    db.close()
    shutil.rmtree(path.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
