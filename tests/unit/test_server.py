"""The town's server (issue 18): preparing a ward database, the refusals of a server, and who
may see and change what — checked with raw SQL as each role, the way a user with psql would."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from models.store.db import Database, open_database
from models.store.dbcheck import (
    AccessDenied,
    DatabaseError,
    DatabaseTooNew,
    NotInitialised,
    PasswordRequired,
    ServerUnavailable,
    UpgradeNeeded,
)
from models.store.pg_roles import RoleError
from models.store.postgres import ServerAddress
from models.store.server import add_user, initialise, list_users, remove_user
from tests.conftest import SAMPLE_SETUP, copy_database
from tests.pg_cluster import Cluster

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-du-dai"


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> Result:
    """A ``main.py`` command run in this process, as the command line runs it (without the
    interpreter's start-up, which would cost most of these tests' time); the two-process test
    below starts real processes."""
    from contextlib import redirect_stderr, redirect_stdout

    from cli.main import main

    out, err = io.StringIO(), io.StringIO()
    saved = {key: os.environ.get(key) for key in env or {}}
    os.environ.update(env or {})
    stdin_before = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:
                code = int(exc.code or 0)
    finally:
        sys.stdin = stdin_before
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return Result(code, out.getvalue(), err.getvalue())


def shown(url: str) -> str:
    """The URL without the password, as a user types it."""
    return ServerAddress.parse(url).shown


@dataclass
class Ward:
    cluster: Cluster
    url: str
    database: str
    cells: dict[str, int]  # name -> id

    def connect(self, user: str, password: str = PASSWORD, database: str | None = None
                ) -> psycopg.Connection[Any]:
        return psycopg.connect(host=self.cluster.host, port=self.cluster.port, user=user,
                               password=password, dbname=database or self.database,
                               autocommit=True)

    def scalar(self, sql: str, user: str = "postgres") -> Any:
        password = None if user == "postgres" else PASSWORD
        with (self.connect(user, password or os.environ["PGPASSWORD"]) as conn,
              conn.cursor() as cur):
            cur.execute(sql)
            row = cur.fetchone()
            return row[0] if row else None


_users = iter(range(1, 10_000))


@pytest.fixture(scope="module")
def sample_ward(pg_cluster: Cluster, pg_template: str) -> str:
    """The template ward filled with 200 sample members, once for this module."""
    from models.demo.sample import fill_demo

    name = copy_database(pg_cluster, pg_template)
    db = open_database(pg_cluster.url(name))
    fill_demo(db.session_factory, members=200)
    db.close()
    return name


@pytest.fixture
def ward(pg_cluster: Cluster, sample_ward: str) -> Iterator[Ward]:
    """A copy of the sample ward with its own groups and policies (``server init``)."""
    name = copy_database(pg_cluster, sample_ward)
    url = pg_cluster.url(name)
    initialise(url, None)
    db = open_database(url)
    with db.engine.connect() as conn:
        cells = {str(n): int(i) for i, n in conn.execute(text(
            "SELECT id, name FROM residence_cell"))}
    db.close()
    yield Ward(pg_cluster, url, name, cells)
    pg_cluster.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def users_of(ward: Ward) -> dict[str, str]:
    n = next(_users)
    names = {"ward": f"phuong{n}", "k5": f"khu5_{n}", "k6": f"khu6_{n}", "viewer": f"xem{n}",
             "town": f"thanhuy{n}"}
    add_user(ward.url, names["ward"], PASSWORD, "ward")
    add_user(ward.url, names["k5"], PASSWORD, "cell", "chi bo khu 5")
    add_user(ward.url, names["k6"], PASSWORD, "cell", "Chi bộ khu 6")
    add_user(ward.url, names["viewer"], PASSWORD, "viewer")
    add_user(ward.url, names["town"], PASSWORD, "town")
    return names


# --- server init ---------------------------------------------------------------------------------

def test_init_builds_the_schema_with_the_migrations_and_is_idempotent(pg_cluster: Cluster
                                                                      ) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from models.store.entities import Base
    from models.store.migrations import HEAD_REVISION, include_object

    name = pg_cluster.create_database("sdv_init")
    url = pg_cluster.url(name)
    first = initialise(url, "Đảng ủy phường Mạo Khê")
    assert first.created and first.ward_created and first.ward == "Đảng ủy phường Mạo Khê"
    again = initialise(url, "dang uy phuong mao khe")  # the same ward, typed without accents
    assert not again.created and not again.ward_created and again.upgraded_from is None
    with pytest.raises(DatabaseError, match="là của «Đảng ủy phường Mạo Khê»"):
        initialise(url, "Đảng ủy phường Tràng An")
    engine = create_engine(pg_cluster.url(name, driver=True))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() \
            == HEAD_REVISION
        context = MigrationContext.configure(conn, opts={"include_object": include_object,
                                                         "compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        indexes = set(conn.execute(text(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'member'")).scalars())
        assert "ix_member_name_words" in indexes
        assert conn.execute(text("SELECT count(*) FROM regulation")).scalar() == 2
    engine.dispose()


def test_init_upgrades_an_older_schema_with_the_same_migrations(pg_cluster: Cluster) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from models.store.migrations import HEAD_REVISION, alembic_config

    name = pg_cluster.create_database("sdv_old")
    url = pg_cluster.url(name)
    engine = create_engine(pg_cluster.url(name, driver=True))
    with engine.begin() as conn:
        config: Any = alembic_config()
        config.attributes["connection"] = conn
        config.attributes["notices"] = []
        command.upgrade(config, "0004")
    engine.dispose()
    # the program refuses the older schema, pointing to server init
    with pytest.raises(UpgradeNeeded, match="server init"):
        open_database(url)
    result = initialise(url, "Đảng ủy phường Mạo Khê")
    assert result.upgraded_from == "0004" and result.ward_created
    db = open_database(url)
    assert db.store.check().revision == HEAD_REVISION
    db.close()


def test_a_non_owner_opening_an_older_schema_is_told_to_ask_the_administrator(ward: Ward
                                                                               ) -> None:
    names = users_of(ward)
    ward.cluster.admin("UPDATE alembic_version SET version_num = '0004'", ward.database)
    viewer = ward.cluster.url(ward.database, names["viewer"], PASSWORD)
    with pytest.raises(UpgradeNeeded, match="nhờ người quản trị"):
        open_database(viewer)
    with pytest.raises(AccessDenied, match="Chỉ chủ sở hữu"):
        initialise(ward.cluster.url(ward.database, names["ward"], PASSWORD), None)


def test_refusals_of_a_server_are_vietnamese_and_exit_1(pg_cluster: Cluster, ward: Ward) -> None:
    base = f"postgresql://postgres@{pg_cluster.host}:{pg_cluster.port}"
    empty = pg_cluster.create_database("sdv_trong")
    cases = [
        (f"{base}/{empty}", {}, "chưa được khởi tạo"),
        (f"{base}/khong_co", {}, "không có cơ sở dữ liệu «khong_co»"),
        (f"postgresql://postgres@{pg_cluster.host}:1/x", {}, "Không kết nối được máy chủ"),
        (shown(ward.url), {"PGPASSWORD": "sai"}, "sai mật khẩu"),
        (shown(ward.url), {"PGPASSWORD": "", "PGPASSFILE": os.devnull}, "cần mật khẩu"),
    ]
    for url, env, message in cases:
        result = run("--db", url, "search", "an", env=env)
        assert result.returncode == 1, result.stdout
        assert message in result.stderr and "Traceback" not in result.stderr, result.stderr
    ward.cluster.admin("UPDATE alembic_version SET version_num = '9999'", ward.database)
    with pytest.raises(DatabaseTooNew):
        open_database(ward.url)


def test_refusal_classes_the_window_acts_on(pg_cluster: Cluster, ward: Ward) -> None:
    with pytest.raises(PasswordRequired):
        open_database(pg_cluster.url(ward.database, "postgres", "sai"))
    with pytest.raises(ServerUnavailable):
        open_database(f"postgresql://postgres@{pg_cluster.host}:1/x")
    empty = pg_cluster.create_database("sdv_trong2")
    with pytest.raises(NotInitialised):
        open_database(pg_cluster.url(empty))
    # the window passes a typed password
    address = ServerAddress.parse(pg_cluster.url(ward.database))
    db = open_database(address.shown, password=os.environ["PGPASSWORD"])
    assert db.access.owner and db.server and "sieu" not in db.location
    db.close()


def test_database_names_that_would_share_groups_are_refused(pg_cluster: Cluster) -> None:
    pg_cluster.admin('CREATE DATABASE "Mao-Khe"')
    with pytest.raises(RoleError, match="chữ thường"):
        initialise(pg_cluster.url("Mao-Khe"), "Đảng ủy phường Mạo Khê")


# --- users and what each role may do -------------------------------------------------------------

def test_users_add_list_remove_on_the_command_line(ward: Ward) -> None:
    url = shown(ward.url)
    n = next(_users)
    added = run("--db", url, "users", "add", f"bt{n}", "--role", "cell", "--cell", "chi bo khu 5",
                stdin=f"{PASSWORD}\n")
    assert added.returncode == 0, added.stderr
    assert "Chi bộ khu 5" in added.stdout
    short = run("--db", url, "users", "add", f"x{n}", "--role", "viewer", stdin="ngan\n")
    assert short.returncode == 1 and "ít nhất 8 ký tự" in short.stderr
    no_cell = run("--db", url, "users", "add", f"y{n}", "--role", "cell", stdin=f"{PASSWORD}\n")
    assert no_cell.returncode == 1 and "--cell" in no_cell.stderr
    wrong_cell = run("--db", url, "users", "add", f"z{n}", "--role", "cell", "--cell", "khu 99",
                     stdin=f"{PASSWORD}\n")
    assert wrong_cell.returncode == 1 and "Không có chi bộ" in wrong_cell.stderr
    listed = run("--db", url, "users", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert f"bt{n}" in listed.stdout and f"x{n}" not in listed.stdout
    # the user logs in with that password and the program knows its role
    db = open_database(ward.cluster.url(ward.database, f"bt{n}", PASSWORD))
    assert (db.access.role, db.access.cell_id) == ("cell", ward.cells["Chi bộ khu 5"])
    db.close()
    removed = run("--db", url, "users", "remove", f"bt{n}")
    assert removed.returncode == 0, removed.stderr
    assert ward.scalar(f"SELECT count(*) FROM pg_roles WHERE rolname = 'bt{n}'") == 0
    with pytest.raises(PasswordRequired):
        open_database(ward.cluster.url(ward.database, f"bt{n}", PASSWORD))


def test_a_cell_user_sees_and_writes_only_its_cell(ward: Ward) -> None:
    names = users_of(ward)
    k5, k6 = ward.cells["Chi bộ khu 5"], ward.cells["Chi bộ khu 6"]
    ward.cluster.admin("INSERT INTO import_record (file_name, at, \"user\", imported, updated, "
                       "rejected, legacy_columns, last_change_id, last_attendance_id, "
                       "last_sheet_id, undone_by) VALUES ('a.xlsx', now(), 'x', 1, 0, 0, '', 0, "
                       "0, 0, '')", ward.database)
    in_cell = ward.scalar(f"SELECT count(*) FROM member WHERE cell_id = {k5}")
    their_attendance = ward.scalar(
        f"SELECT count(*) FROM attendance t JOIN member m ON m.id = t.member_id "
        f"WHERE m.cell_id = {k5}")
    assert in_cell > 0 and their_attendance > 0
    with ward.connect(names["k5"]) as conn:
        assert conn.execute("SELECT count(*) FROM member").fetchone() == (in_cell,)
        assert conn.execute("SELECT count(DISTINCT cell_id) FROM member").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM attendance").fetchone() == (their_attendance,)
        assert conn.execute("SELECT count(*) FROM residence_cell").fetchone()[0] == 10
        for table in ("import_record", "ward_report", "document_counter"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
        assert conn.execute("SELECT role_name FROM app_user").fetchall() == [(names["k5"],)]
        assert conn.execute(
            "SELECT count(*) FROM activity WHERE cell_id IS NOT NULL AND cell_id <> "
            f"{k5}").fetchone() == (0,)
        # writes: its own cell's activities and roll calls
        activity = conn.execute(
            "INSERT INTO activity (uuid, date, cell_id, kind, title, place, content, status, "
            f"created_at, updated_at) VALUES (gen_random_uuid(), '2026-12-01', {k5}, "
            "'periodic', 'Họp chi bộ', '', '', 'planned', now(), now()) RETURNING id"
        ).fetchone()[0]
        member = conn.execute("SELECT min(id) FROM member").fetchone()[0]
        conn.execute(f"INSERT INTO attendance (activity_id, member_id, state, note) "
                     f"VALUES ({activity}, {member}, 'present', '')")
        other_member = ward.scalar(f"SELECT min(id) FROM member WHERE cell_id = {k6}")
        refused = [
            (f"INSERT INTO activity (uuid, date, cell_id, kind, title, place, content, status, "
             f"created_at, updated_at) VALUES (gen_random_uuid(), '2026-12-01', {k6}, "
             "'periodic', 'x', '', '', 'planned', now(), now())"),
            (f"INSERT INTO attendance (activity_id, member_id, state, note) "
             f"VALUES ({activity}, {other_member}, 'present', '')"),
            "UPDATE member SET notes = 'x'",
            "INSERT INTO residence_cell (uuid, name, name_key, area, secretary_name, "
            "front_head_name, has_committee, active, position, created_at) VALUES "
            "('u', 'x', 'x', '', '', '', false, true, 99, now())",
            "DELETE FROM change_log",
            "UPDATE app_user SET cell_id = NULL",
        ]
        for sql in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
        # another cell's activity is not even there to change
        assert conn.execute(f"UPDATE activity SET title = 'x' WHERE cell_id = {k6}"
                            ).rowcount == 0
        assert conn.execute("UPDATE activity SET title = 'x' WHERE cell_id IS NULL"
                            ).rowcount == 0
    # nothing of another cell was touched
    assert ward.scalar(f"SELECT count(*) FROM activity WHERE cell_id = {k6} AND title = 'x'") == 0


def test_viewer_ward_and_town_users(ward: Ward, pg_cluster: Cluster) -> None:
    names = users_of(ward)
    members = ward.scalar("SELECT count(*) FROM member")
    with ward.connect(names["viewer"]) as conn:
        assert conn.execute("SELECT count(*) FROM member").fetchone() == (members,)
        for sql in ("UPDATE member SET notes = 'x'", "DELETE FROM attendance",
                    "INSERT INTO setting (key, value) VALUES ('x', '1')"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
    with ward.connect(names["ward"]) as conn:
        assert conn.execute("UPDATE member SET notes = 'ghi chú'").rowcount == members
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM app_user")
    with pytest.raises(RoleError, match="người quản trị"):
        add_user(ward.cluster.url(ward.database, names["ward"], PASSWORD), "ai_do", PASSWORD,
                 "viewer")
    # the town user reads a second ward too, where nobody added it
    other = pg_cluster.create_database(f"sdv_khac{next(_users)}")
    initialise(pg_cluster.url(other), "Đảng ủy phường Tràng An")
    with ward.connect(names["town"], database=other) as conn:
        assert conn.execute("SELECT committee_name FROM ward").fetchone() == (
            "Đảng ủy phường Tràng An",)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE ward SET place_name = 'x'")
    # a ward's users may not even connect to another ward's database
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        ward.connect(names["ward"], database=other)
    db = open_database(pg_cluster.url(other, names["town"], PASSWORD), read_only=None)
    assert db.read_only and db.access.role == "town"
    db.close()


def test_the_program_gives_a_cell_user_no_more_than_psql(ward: Ward) -> None:
    names = users_of(ward)
    url = ward.cluster.url(ward.database, names["k5"])
    env = {"PGPASSWORD": PASSWORD}
    found = run("--db", shown(url), "search", "van", "--json", env=env)
    assert found.returncode == 0, found.stderr
    import json

    cells = {r["cell"] for r in json.loads(found.stdout.splitlines()[-1])["results"]}
    assert cells == {"Chi bộ khu 5"}
    imported = run("--db", shown(url), "comments", "create", "--year", "2026", env=env)
    assert imported.returncode == 1
    assert "không có quyền" in imported.stderr and "Traceback" not in imported.stderr
    listed = run("--db", shown(url), "users", "list", env=env)
    assert len(list_users(ward.url)) == 5
    assert listed.returncode == 0 and "(1 người dùng)" in listed.stdout  # itself only


def test_removing_a_user_that_is_not_there(ward: Ward) -> None:
    with pytest.raises(RoleError, match="Không có người dùng"):
        remove_user(ward.url, "khong_ai")


# --- copying a ward ------------------------------------------------------------------------------

def test_copy_a_file_onto_the_server_and_back(tmp_path: Path, pg_cluster: Cluster) -> None:
    source = tmp_path / "phuong.sqlite"
    made = run("--db", str(source), "demo", "--members", "150")
    assert made.returncode == 0, made.stderr
    name = pg_cluster.create_database(f"sdv_chep{next(_users)}")
    url = shown(pg_cluster.url(name))
    assert run("--db", url, "server", "init", "--ward", "Đảng ủy phường Mạo Khê").returncode == 0
    up = run("--db", str(source), "copy", url, "--json")
    assert up.returncode == 0, up.stderr
    again = run("--db", str(source), "copy", url)
    assert again.returncode == 1 and "--overwrite" in again.stderr
    back = tmp_path / "ve.sqlite"
    down = run("--db", url, "copy", str(back), "--json")
    assert down.returncode == 0, down.stderr
    import json

    up_tables = json.loads(up.stdout.splitlines()[-1])["tables"]
    down_tables = json.loads(down.stdout.splitlines()[-1])["tables"]
    assert up_tables == down_tables and up_tables["member"]["rows"] == 150
    onto_itself = run("--db", url, "copy", str(back))
    assert onto_itself.returncode == 1 and "cơ sở dữ liệu" in onto_itself.stderr
    # the sequences moved past the copied ids: a new member on the server gets a new id
    from models.register.rules import MemberInput
    from models.register.service import add_member

    db = open_database(url)
    add_member(db.session_factory, MemberInput(full_name="Đỗ Thị Mới", sex="F", birth_year=1990))
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM member")).scalar() == 151
    db.close()
    replaced = run("--db", str(back), "copy", url, "--overwrite")
    assert replaced.returncode == 0, replaced.stderr
    assert "thay thế" in replaced.stdout


def test_a_cell_user_cannot_copy_the_ward(ward: Ward, tmp_path: Path) -> None:
    names = users_of(ward)
    url = shown(ward.cluster.url(ward.database, names["k5"]))
    result = run("--db", url, "copy", str(tmp_path / "x.sqlite"), env={"PGPASSWORD": PASSWORD})
    assert result.returncode == 1 and "chỉ đọc được một chi bộ" in result.stderr
    assert not (tmp_path / "x.sqlite").exists()
    assert list(tmp_path.iterdir()) == []


def test_backup_of_an_open_server_database_is_a_copy_in_a_file(pg_url: str, tmp_path: Path
                                                                ) -> None:
    from models.store.backups import backup_database

    db: Database = open_database(pg_url)
    out = backup_database(db.path, tmp_path / "sao-luu.sqlite")  # as the window calls it
    db.close()
    copy = open_database(out, read_only=True)
    assert copy.store.name == "sqlite"
    with copy.engine.connect() as conn:
        assert conn.execute(text("SELECT committee_name FROM ward")).scalar() == \
            SAMPLE_SETUP.committee_name
    copy.close()
    restored = run("--db", shown(pg_url), "restore", str(out))
    assert restored.returncode == 1 and "copy" in restored.stderr


# --- many at once ---------------------------------------------------------------------------------

def test_two_imports_at_once_in_two_processes_store_each_member_once(pg_url: str,
                                                                     tmp_path: Path) -> None:
    """Writes on a server are serialised per ward database, as in a file: the second import
    waits for the first and then finds every member there (updates, no duplicates)."""
    from tests.unit.test_safety import member_list

    listing = member_list(tmp_path / "ds.xlsx", 400)
    url = shown(pg_url)
    children = [subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", url, "import",
                                  str(listing), "--json"], cwd=ROOT, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for _ in range(2)]
    results = [c.communicate(timeout=180) for c in children]
    assert [c.returncode for c in children] == [0, 0], results
    import json

    summaries = [json.loads(out.splitlines()[-1]) for out, _err in results]
    assert sorted(s["imported"] for s in summaries) == [0, 400]
    db = open_database(pg_url)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM member")).scalar() == 400
        assert conn.execute(text(
            "SELECT count(*) FROM (SELECT card_number FROM member WHERE card_number IS NOT NULL "
            "GROUP BY card_number HAVING count(*) > 1) x")).scalar() == 0
    db.close()


# --- the town reads the wards on the server ------------------------------------------------------

def test_the_town_summary_reads_every_ward_on_the_server_and_the_offline_packages(
        pg_cluster: Cluster, tmp_path: Path) -> None:
    import json

    from models.catalogues.ward import WardSetup, setup_ward

    n = next(_users)
    wards = {f"sdv_mk{n}": "Đảng ủy phường Mạo Khê", f"sdv_ta{n}": "Đảng ủy phường Tràng An"}
    for name, committee in wards.items():
        url = shown(pg_cluster.url(pg_cluster.create_database(name)))
        assert run("--db", url, "server", "init", "--ward", committee).returncode == 0
        made = run("--db", url, "demo", "--members", "60", "--seed", str(len(name)))
        assert made.returncode == 0, made.stderr
        assert committee in made.stdout or "Đã tạo" in made.stdout
    town_user = f"thi_uy{n}"
    add_user(pg_cluster.url(next(iter(wards))), town_user, PASSWORD, "town")
    # a ward that stays offline sends its package; the town imports it into its own file
    offline = tmp_path / "binh-khe.sqlite"
    assert run("--db", str(offline), "demo", "--members", "40", "--seed", "97").returncode == 0
    exported = run("--db", str(offline), "exchange", "export", "--year", "2026", "--only",
                   "town", "--out", str(tmp_path / "goi"))
    assert exported.returncode == 0, exported.stderr
    town = tmp_path / "thi-uy.sqlite"
    db = open_database(town, create=True)
    setup_ward(db.session_factory, WardSetup("Thị ủy Đông Triều", "Tỉnh ủy Quảng Ninh",
                                             "Đông Triều"))
    db.close()
    package = next((tmp_path / "goi").glob("*.zip"))
    assert run("--db", str(town), "exchange", "import", str(package)).returncode == 0
    server = shown(pg_cluster.url(next(iter(wards)), town_user))
    result = run("--db", str(town), "exchange", "town", "--year", "2026", "--server", server,
                 "--out", str(tmp_path / "town.pdf"), "--members", str(tmp_path / "ds.xlsx"),
                 "--json", env={"PGPASSWORD": PASSWORD})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    # every ward database of the cluster the town user may enter (other tests' too)
    live = {w["ward"] for w in report["wards"] if w["live"]}
    assert {"Đảng bộ phường Mạo Khê", "Đảng bộ phường Tràng An"} <= live
    assert [w["live"] for w in report["wards"]].count(False) == 1  # the offline package
    assert report["at_end"] == sum(w["at_end"] for w in report["wards"])
    text_of = subprocess.run(["pdftotext", str(tmp_path / "town.pdf"), "-"],
                             capture_output=True, text=True, check=True).stdout
    assert "đọc trực tiếp" in " ".join(text_of.split())
    # the town user may read every ward but write none
    refused = run("--db", server, "demo", env={"PGPASSWORD": PASSWORD})
    assert refused.returncode == 1 and "chỉ được xem" in refused.stderr


def test_every_subcommand_on_a_server(ward: Ward, tmp_path: Path) -> None:
    """The command line's contract holds on a server as on a file."""
    url = shown(ward.url)
    commands = [
        ("search", "nguyen van", "--json"),
        ("export", "members", str(tmp_path / "ds.xlsx"), "--cell", "khu 5"),
        ("comments", "create", "--year", "2026", "--cell", "chi bo khu 6", "--json"),
        ("print", "members", "--cell", "khu 6", "--out", str(tmp_path / "so.pdf")),
        ("print", "summary", "--year", "2026", "--out", str(tmp_path / "bao-cao.xlsx")),
        ("exchange", "export", "--year", "2026", "--only", "town", "--out", str(tmp_path / "g")),
        ("exchange", "wards"),
        ("backup", str(tmp_path / "sao-luu.sqlite")),
        ("import", str(ROOT / "tests" / "data" / "khong-co.xlsx")),
    ]
    for command in commands:
        result = run("--db", url, *command)
        if command[0] == "import":
            assert result.returncode == 1 and "Không tìm thấy tệp" in result.stderr
            continue
        assert result.returncode == 0, (command, result.stderr)
    for made in ("ds.xlsx", "so.pdf", "bao-cao.xlsx", "sao-luu.sqlite"):
        assert (tmp_path / made).stat().st_size > 0
    # the change history names the server's login that made the sheets, not the PC's account
    assert ward.scalar("SELECT string_agg(DISTINCT \"user\", ',') FROM change_log "
                       "WHERE entity = 'comment_sheet'") == ServerAddress.parse(url).user
    assert list((tmp_path / "g").glob("*.zip"))


def test_writers_wait_for_each_other_but_not_for_another_cell(ward: Ward) -> None:
    """Writes in a ward's database are serialised as in a file, except cell users of different
    cells, whose writes never touch the same rows."""
    import threading

    names = users_of(ward)
    k5 = open_database(ward.cluster.url(ward.database, names["k5"], PASSWORD))
    others = {who: open_database(ward.cluster.url(ward.database, *user), read_only=None)
              for who, user in (("k6", (names["k6"], PASSWORD)),
                                ("k5 again", (names["k5"], PASSWORD)),
                                ("owner", ("postgres", None)))}
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with k5.session_factory.begin() as session:
            session.execute(text("SELECT 1"))
            holding.set()
            release.wait(60)  # until the other writer has shown whether it waits

    through_while_held = {}
    for who, db in others.items():
        holding.clear()
        release.clear()
        holder = threading.Thread(target=hold)
        holder.start()
        assert holding.wait(60)
        done = threading.Event()

        def write(db: Database = db, done: threading.Event = done) -> None:
            with db.session_factory.begin() as session:
                session.execute(text("SELECT 1"))
            done.set()

        writer = threading.Thread(target=write)
        writer.start()
        # another cell's writer must get through while k5 holds its write (however slow the
        # machine); the ward's own writers must still be waiting half a second later
        through_while_held[who] = done.wait(60 if who == "k6" else 0.5)
        release.set()
        holder.join(60)
        writer.join(60)
        assert done.is_set(), who  # and each got through once k5 had finished
    for db in (k5, *others.values()):
        db.close()
    assert through_while_held == {"k6": True, "k5 again": False, "owner": False}
