"""A throw-away PostgreSQL cluster for the tests.

Started once per test session in a temporary folder, on a free port of 127.0.0.1, by Debian's
``initdb``/``pg_ctl`` (package ``postgresql``); stopped and removed at the end.  PostgreSQL refuses
to run as root, so when the tests run as root (as CI does) the server runs as the unprivileged
``postgres`` user that the Debian package creates.  Password authentication (SCRAM) is on, so role
tests log in the way a user would.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

SUPERUSER = "postgres"
SUPERUSER_PASSWORD = "sieu-mat-khau"  # a throw-away cluster on 127.0.0.1 only
MISSING = ("PostgreSQL 15 is not installed (Debian package 'postgresql'); install it, or leave "
           "out the server tests with -m 'not postgres'.")


class ClusterUnavailable(RuntimeError):
    pass


def _bindir() -> Path:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True)
        candidate = Path(out.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    raise ClusterUnavailable(MISSING)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    folder: Path
    port: int
    bindir: Path
    as_user: str | None  # the system user the server runs as (None: this process's user)
    host: str = "127.0.0.1"

    def url(self, database: str, user: str = SUPERUSER, password: str | None = None,
            *, driver: bool = False) -> str:
        """postgresql://user[:password]@127.0.0.1:port/database (the program's form)."""
        secret = SUPERUSER_PASSWORD if user == SUPERUSER and password is None else password
        auth = quote(user, safe="") + (f":{quote(secret, safe='')}" if secret else "")
        scheme = "postgresql+psycopg" if driver else "postgresql"
        return f"{scheme}://{auth}@{self.host}:{self.port}/{database}"

    def admin(self, sql: str, database: str = "postgres") -> None:
        """Run statements as the superuser (autocommit: CREATE DATABASE cannot run in a
        transaction)."""
        import psycopg

        with psycopg.connect(host=self.host, port=self.port, user=SUPERUSER,
                             password=SUPERUSER_PASSWORD, dbname=database,
                             autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[call-overload]

    def create_database(self, name: str) -> str:
        self.admin(f'CREATE DATABASE "{name}"')
        return name

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / tool), *args]
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)


def start_cluster(folder: Path, *, durable: bool = False) -> Cluster:
    """initdb + pg_ctl start in ``folder``; raises ClusterUnavailable with the reason.
    ``durable``: PostgreSQL's own settings (a benchmark); otherwise nothing is flushed to the
    disk (a test's data is thrown away)."""
    bindir = _bindir()
    as_user = "postgres" if getattr(os, "geteuid", lambda: -1)() == 0 else None  # root: drop
    folder.mkdir(parents=True, exist_ok=True)
    password_file = folder / "pw"
    password_file.write_text(SUPERUSER_PASSWORD + "\n", encoding="utf-8")
    if as_user:
        shutil.chown(folder, as_user)
        shutil.chown(password_file, as_user)
    cluster = Cluster(folder, _free_port(), bindir, as_user)
    init = cluster._run("initdb", "-D", str(folder / "data"), "-U", SUPERUSER,
                        "-A", "scram-sha-256", f"--pwfile={password_file}", "-E", "UTF8",
                        "--locale=C.UTF-8", *(() if durable else ("--no-sync",)))
    if init.returncode != 0:
        raise ClusterUnavailable(f"initdb failed: {init.stderr.strip() or init.stdout.strip()}")
    settings = f"-k {folder} -c listen_addresses=127.0.0.1"
    if not durable:
        settings += (" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                     " -c max_connections=60")
    for attempt in range(3):  # a port taken meanwhile (the suite's workers start together)
        if attempt:
            cluster.port = _free_port()
        start = cluster._run("pg_ctl", "-D", str(folder / "data"), "-o",
                             f"-p {cluster.port} {settings}", "-l", str(folder / "server.log"),
                             "-w", "start")
        if start.returncode == 0:
            break
    if start.returncode != 0:
        log = (folder / "server.log").read_text(errors="replace") \
            if (folder / "server.log").exists() else ""
        raise ClusterUnavailable(f"pg_ctl start failed: {start.stderr.strip()} {log[-2000:]}")
    return cluster
