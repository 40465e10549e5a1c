"""Shared fixtures: every test gets a fresh database in its own tmp_path."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# Headless everywhere (CI has no screen); set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The whole suite runs on one fixed day, whatever the calendar says, and so do the programs it
# starts (they inherit the variable).  Tests about another day say which one with clock.pinned().
os.environ["SDV_TODAY"] = "2026-11-26T09:00"

from models.catalogues.ward import CellInput, WardSetup, setup_ward
from models.store.db import Database, open_database

if TYPE_CHECKING:
    from tests.pg_cluster import Cluster

TEST_DAY = date(2026, 11, 26)  # the day SDV_TODAY above names

SAMPLE_SETUP = WardSetup(
    committee_name="Đảng ủy phường Mạo Khê",
    parent_name="Đảng bộ thành phố Đông Triều",
    place_name="Đông Triều",
    secretary_name="Lê Văn Cường",
    cells=(
        CellInput("Chi bộ khu 5", "Khu 5", "Trần Văn Bình", "Trần Thị Bình", True),
        CellInput("Chi bộ khu 6", "Khu 6", "Phạm Thị Hoa", "Đỗ Văn Nam"),
    ),
)


@pytest.fixture(autouse=True, scope="session")
def _suite_data_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The per-user data folder of the programs the suite runs (their log, a default database)
    is a temporary one, never the user's own (Linux: platformdirs follows XDG_DATA_HOME)."""
    previous = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("data-home"))
    yield
    if previous is None:
        os.environ.pop("XDG_DATA_HOME", None)
    else:
        os.environ["XDG_DATA_HOME"] = previous


@pytest.fixture
def own_log(tmp_path: Path) -> Iterator[Path]:
    """The program's log in the test's own folder, closed again after the test."""
    from models.support import logs

    logs.teardown_logging()
    path = logs.setup_logging(tmp_path / "logs")
    assert path is not None
    yield path
    logs.teardown_logging()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "register.sqlite"


def file_database(path: Path) -> Database:
    database = open_database(path, create=True)
    setup_ward(database.session_factory, SAMPLE_SETUP)
    return database


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = file_database(db_path)
    yield database
    database.close()


@pytest.fixture
def file_db(db_path: Path) -> Iterator[Database]:
    """The ``db`` of a file, for a test about what only SQLite has, in a module whose ``db``
    runs on both databases."""
    database = file_database(db_path)
    yield database
    database.close()


# --- PostgreSQL (issue 18): one throw-away cluster per session, a database per test ------------

@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """The session's throw-away PostgreSQL cluster (tests/pg_cluster.py).  Without PostgreSQL
    installed the server tests FAIL, with the reason: deselect them with -m "not postgres"."""
    from tests.pg_cluster import SUPERUSER_PASSWORD, ClusterUnavailable, start_cluster

    folder = Path(tempfile.mkdtemp(prefix="sdv-pg-"))  # under /tmp: the server's user reaches it
    try:
        cluster = start_cluster(folder)
    except ClusterUnavailable as exc:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"PostgreSQL tests cannot run: {exc}", pytrace=False)
    # the programs a test starts log in as the cluster's superuser the way a user would
    previous = os.environ.get("PGPASSWORD")
    os.environ["PGPASSWORD"] = SUPERUSER_PASSWORD
    yield cluster
    cluster.stop()
    if previous is None:
        os.environ.pop("PGPASSWORD", None)
    else:
        os.environ["PGPASSWORD"] = previous


@pytest.fixture(scope="session")
def pg_template(pg_cluster: Cluster) -> str:
    """A ward database made once by ``server init`` and set up as the file fixture's ward; each
    test gets a copy (CREATE DATABASE … TEMPLATE, a few tens of milliseconds)."""
    from models.store.server import initialise

    name = pg_cluster.create_database("sdv_mau")
    url = pg_cluster.url(name)
    initialise(url, SAMPLE_SETUP.committee_name, parent=SAMPLE_SETUP.parent_name,
               place=SAMPLE_SETUP.place_name)
    database = open_database(url)
    setup_ward(database.session_factory, SAMPLE_SETUP)
    database.close()
    return name


_pg_databases = itertools.count(1)


@pytest.fixture
def pg_url(pg_cluster: Cluster, pg_template: str) -> Iterator[str]:
    """The URL of a fresh ward database (a copy of the template), dropped after the test."""
    name = copy_database(pg_cluster, pg_template)
    yield pg_cluster.url(name)
    pg_cluster.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_database(cluster: Cluster, template: str) -> str:
    """A new database copied from ``template`` (file by file: twice as fast as through the
    write-ahead log for these small databases); its name."""
    name = f"sdv_t{next(_pg_databases)}"
    cluster.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
    return name


def _open_either(request: pytest.FixtureRequest) -> Database:
    if request.param == "sqlite":
        return file_database(request.getfixturevalue("db_path"))
    return open_database(request.getfixturevalue("pg_url"))


DATABASES = ("sqlite", pytest.param("postgresql", marks=pytest.mark.postgres))


def on_both_databases() -> Any:
    """A ``db`` fixture for a test module whose tests run on a file and on a server alike:
    ``db = on_both_databases()`` at the top of the module."""

    @pytest.fixture(params=DATABASES, name="db")
    def both(request: pytest.FixtureRequest) -> Iterator[Database]:
        database = _open_either(request)
        yield database
        database.close()

    return both
