"""Two programs writing the same register at the same moment (issue 18 item 4), as two real
processes started together, on a file and on a server: document numbers never repeat, a sheet
printed by both keeps one number, two rounds make every sheet once, and a member saved from a
stale form is refused.

Each worker waits for a start file, so both are inside their writes together."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import clock
from models.store.db import open_database
from models.store.entities import CommentSheet, DocumentCounter
from tests.conftest import DATABASES, copy_database

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120.0

WORKER = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from models.store.db import open_database

location, action, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
args = json.loads(sys.argv[4])
db = open_database(location)
f = db.session_factory
with db.engine.connect():
    pass  # connected: the start is only the work itself
Path(sys.argv[5]).touch()  # ready
while not go.exists():
    time.sleep(0.005)
out = None
if action == "numbers":
    from models.catalogues.documents import next_document_number
    out = []
    for _ in range(args["count"]):
        with f.begin() as session:
            out.append(next_document_number(session, args["issuer"], 2026, "PTN"))
elif action == "round":
    from models.comments.rounds import create_round
    out = create_round(f, 2026).created
elif action == "print":
    from datetime import date
    from models.comments.printing import prepare_print
    sheets = prepare_print(f, args["sheets"], date(2026, 11, 26), assign_numbers=True)
    out = {{str(s.sheet_id): s.doc_code for s in sheets}}
elif action == "edit":
    from dataclasses import replace
    from models.register.service import member_input, update_member
    from models.sharing.stale import StaleRecord
    data = replace(member_input(f, args["member"]), phone=args["phone"])
    try:
        update_member(f, args["member"], data, version=args["version"])
        out = "saved"
    except StaleRecord as exc:
        out = str(exc)
elif action == "receipt":
    from models.register.receipts import receipt_facts
    out = receipt_facts(f, args["member"]).code
db.close()
print(json.dumps(out))
"""


def run_together(location: str, tmp_path: Path, jobs: Sequence[tuple[str, dict[str, object]]]
                 ) -> list[object]:
    """Start one process per job, let them go at once, return what each printed."""
    script = tmp_path / "worker.py"
    script.write_text(WORKER.format(root=str(ROOT)), encoding="utf-8")
    go = tmp_path / "go"
    go.unlink(missing_ok=True)
    ready = [tmp_path / f"ready-{n}" for n in range(len(jobs))]
    for flag in ready:
        flag.unlink(missing_ok=True)
    procs = [subprocess.Popen([sys.executable, str(script), location, action, str(go),
                               json.dumps(args), str(flag)], cwd=ROOT, text=True,
                              encoding="utf-8", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for (action, args), flag in zip(jobs, ready, strict=True)]
    # every worker has imported, opened the database and said so: then all go at once
    deadline = time.monotonic() + TIMEOUT
    while not all(flag.exists() for flag in ready):
        assert all(proc.poll() is None for proc in procs), [p.communicate() for p in procs]
        assert time.monotonic() < deadline, "the workers never got ready"
        time.sleep(0.005)
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=TIMEOUT)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


@pytest.fixture(scope="module", params=DATABASES)
def sample(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> tuple[str, str]:
    """A small sample ward made once per module by the real program, in a file or on a
    server: (kind, the file or the server database's name)."""
    if request.param == "sqlite":
        where = str(tmp_path_factory.mktemp("mau") / "mau.sqlite")
        location = where
    else:
        cluster = request.getfixturevalue("pg_cluster")
        where = copy_database(cluster, request.getfixturevalue("pg_template"))
        location = cluster.url(where)
    made = subprocess.run([sys.executable, "main.py", "--db", location, "demo", "--members",
                           "120", "--seed", "5"], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=TIMEOUT)
    assert made.returncode == 0, made.stderr
    return request.param, where


@pytest.fixture
def ward(sample: tuple[str, str], request: pytest.FixtureRequest,
         tmp_path: Path) -> Iterator[str]:
    """A copy of the sample ward for one test: its file or its server database."""
    kind, where = sample
    if kind == "sqlite":
        path = tmp_path / "w.sqlite"
        source, target = sqlite3.connect(where), sqlite3.connect(path)
        source.backup(target)
        target.close()
        source.close()
        yield str(path)
        return
    cluster = request.getfixturevalue("pg_cluster")
    name = copy_database(cluster, where)
    yield cluster.url(name)
    cluster.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_document_numbers_taken_by_two_programs_at_once_never_repeat(
        ward: str, tmp_path: Path) -> None:
    from models.catalogues.documents import issuer_lines

    db = open_database(ward)
    issuer = issuer_lines(db.session_factory, None, clock.today()).issuer_id
    db.close()
    first, second = run_together(ward, tmp_path, [("numbers", {"issuer": issuer, "count": 40})] * 2)
    assert isinstance(first, list) and isinstance(second, list)
    taken = first + second
    assert sorted(taken) == list(range(1, 81))  # 80 numbers, none twice, none skipped
    assert first == sorted(first) and second == sorted(second)


def test_a_sheet_printed_by_two_programs_at_once_keeps_one_number(
        ward: str, tmp_path: Path) -> None:
    from models.comments.rounds import create_round
    from models.comments.sheets import year_sheets

    db = open_database(ward)
    create_round(db.session_factory, 2026)
    sheets = [r.id for r in year_sheets(db.session_factory, 2026)][:30]
    db.close()
    # the two prints share the middle ten sheets
    one, two = run_together(ward, tmp_path, [("print", {"sheets": sheets[:20]}),
                                             ("print", {"sheets": sheets[10:]})])
    assert isinstance(one, dict) and isinstance(two, dict)
    for shared in map(str, sheets[10:20]):
        assert one[shared] == two[shared]  # the second print found the first one's number
    codes = {**one, **two}
    assert len(codes) == 30 and all(codes.values())
    db = open_database(ward)
    with db.session_factory() as session:
        numbered = session.execute(select(
            CommentSheet.id, CommentSheet.doc_code, CommentSheet.doc_number,
            CommentSheet.snapshot_json).where(CommentSheet.doc_code.is_not(None))).all()
        counters = session.scalars(select(DocumentCounter.last_number).where(
            DocumentCounter.kind == "PNX")).all()
    db.close()
    assert {str(r[0]): r[1] for r in numbered} == codes
    # numbers count per issuer (each cell): no number twice within one
    per_issuer = [(json.loads(r[3])["issuer"]["issuer_id"], r[2]) for r in numbered]
    assert len(set(per_issuer)) == 30
    assert sum(counters) == 30  # no number taken and lost


def test_two_rounds_started_at_once_make_each_sheet_once(ward: str, tmp_path: Path) -> None:
    made = run_together(ward, tmp_path, [("round", {}), ("round", {})])
    db = open_database(ward)
    with db.session_factory() as session:
        total = session.scalar(select(func.count(CommentSheet.id)))
        distinct = session.scalar(select(func.count(func.distinct(CommentSheet.member_id))))
    db.close()
    assert total == distinct and total is not None and total > 0
    assert sorted(made) == [0, total]  # one made them all; the other waited and found them


def test_a_receipt_printed_twice_at_once_gets_one_number(ward: str, tmp_path: Path) -> None:
    from models.register.members import MemberFilter, query_member_ids

    db = open_database(ward)
    member = query_member_ids(db.session_factory, MemberFilter(status="active"))[0]
    db.close()
    one, two = run_together(ward, tmp_path, [("receipt", {"member": member})] * 2)
    assert one == two and isinstance(one, str) and one.endswith("-PTN/ĐU")


def test_two_forms_saving_one_member_at_once_one_is_refused(ward: str, tmp_path: Path) -> None:
    from models.register.members import MemberFilter, query_member_ids
    from models.register.service import member_edit

    db = open_database(ward)
    member = query_member_ids(db.session_factory, MemberFilter(status="active"))[0]
    read = member_edit(db.session_factory, member)
    db.close()
    results = run_together(ward, tmp_path, [
        ("edit", {"member": member, "version": read.version, "phone": phone})
        for phone in ("0912000001", "0912000002")])
    assert sorted(results, key=lambda r: r != "saved")[0] == "saved"
    refused = next(r for r in results if r != "saved")
    assert isinstance(refused, str) and refused.startswith("Người khác vừa sửa hồ sơ đảng viên")
    db = open_database(ward)
    stored = member_edit(db.session_factory, member)
    db.close()
    winner = ("0912000001", "0912000002")[results.index("saved")]
    assert (stored.value.phone, stored.version) == (winner, read.version + 1)
