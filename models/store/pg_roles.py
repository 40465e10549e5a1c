"""Who may see and change what on a PostgreSQL server, enforced by the server itself.

Each ward has its own database.  ``install`` (run by ``server init``, again after every upgrade)
creates three group roles for that database — ward, cell and viewer — and one group for the whole
town, grants them what they may do, and turns on row-level security with a policy per role, so a
user who connects with psql gets exactly what the program would give them:

- **ward**: everything in its ward;
- **viewer**: reads its ward;
- **cell**: reads the catalogues, the members of its own cell (and their dated rows and sheets),
  and writes the activities and roll calls of its own cell, nothing else;
- **town**: reads every ward (the town committee's summary reads the wards directly).

Login roles are made by ``add_user`` (a member of one group; the cell is kept in ``app_user``) and
removed by ``remove_user``.  The password is turned into a SCRAM verifier on this side, so it never
travels or lands in a server log in clear.  Role names are cluster-wide in PostgreSQL, which is why
the group names carry the database's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

ROLES = ("ward", "cell", "viewer", "town")
TOWN_GROUP = "sdv_town"
USER_NAME = re.compile(r"[a-z_][a-z0-9_]{0,39}")

# catalogue tables every role reads
CATALOGUES = ("ward", "setting", "regulation", "residence_cell", "workplace_org", "issuer",
              "issuer_version", "comment_round", "round_deadline")
# tables whose rows belong to one member (reached through member_id)
MEMBER_ROWS = ("member_status_change", "cell_assignment", "excused_period", "comment_sheet")


class RoleError(ValueError):
    """A request about users refused; the message is Vietnamese."""


@dataclass(frozen=True)
class ServerUser:
    name: str
    role: str  # one of ROLES
    cell_id: int | None
    cell_name: str


@dataclass(frozen=True)
class Access:
    """What the connected user may do in the program (all of it on a local file)."""

    role: str  # ward / cell / viewer / town
    cell_id: int | None = None
    user: str = ""

    @property
    def writes_register(self) -> bool:
        return self.role == "ward"

    @property
    def writes_activities(self) -> bool:
        return self.role in ("ward", "cell")


FULL_ACCESS = Access("ward")


def _slug(database: str) -> str:
    slug = re.sub(r"[^a-z0-9_]+", "_", database.lower()).strip("_")
    return slug[:40] or "ward"


def group_names(database: str) -> dict[str, str]:
    """The group role of each app role for this ward database."""
    slug = _slug(database)
    return {"ward": f"sdv_{slug}_ward", "cell": f"sdv_{slug}_cell",
            "viewer": f"sdv_{slug}_viewer", "town": TOWN_GROUP}


def _q(name: str) -> str:
    """A quoted identifier (names here come from group_names or USER_NAME, never free text)."""
    return '"' + name.replace('"', '""') + '"'


def _tables(connection: Connection) -> list[str]:
    return list(connection.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "AND tablename <> 'alembic_version' ORDER BY tablename")).scalars())


def _ensure_group(connection: Connection, name: str) -> None:
    exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                                {"n": name}).first()
    if exists is None:
        connection.execute(text(f"CREATE ROLE {_q(name)} NOLOGIN"))


def install(connection: Connection) -> None:
    """Create (or bring up to date) the roles, grants and policies of the connected ward
    database.  Idempotent; run by the database's owner inside one transaction."""
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    groups = group_names(database)
    for name in groups.values():
        _ensure_group(connection, name)
    ward, cell, viewer, town = (_q(groups[r]) for r in ROLES)
    everyone = f"{ward}, {cell}, {viewer}, {town}"
    connection.execute(text(
        "CREATE TABLE IF NOT EXISTS app_user ("
        " role_name name PRIMARY KEY,"
        " app_role text NOT NULL CHECK (app_role IN ('ward', 'cell', 'viewer', 'town')),"
        " cell_id integer REFERENCES residence_cell(id))"))
    connection.execute(text(
        "CREATE OR REPLACE FUNCTION sdv_cell() RETURNS integer LANGUAGE sql STABLE "
        "SECURITY DEFINER SET search_path = pg_catalog, public AS "
        "$$ SELECT cell_id FROM public.app_user WHERE role_name = session_user $$"))
    connection.execute(text(
        "CREATE OR REPLACE FUNCTION sdv_role() RETURNS text LANGUAGE sql STABLE "
        "SECURITY DEFINER SET search_path = pg_catalog, public AS "
        "$$ SELECT app_role FROM public.app_user WHERE role_name = session_user $$"))
    connection.execute(text(f'REVOKE ALL ON DATABASE {_q(database)} FROM PUBLIC'))
    connection.execute(text(f'GRANT CONNECT ON DATABASE {_q(database)} TO {everyone}'))
    connection.execute(text("REVOKE ALL ON SCHEMA public FROM PUBLIC"))
    connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {everyone}"))
    connection.execute(text("REVOKE ALL ON FUNCTION sdv_cell(), sdv_role() FROM PUBLIC"))
    connection.execute(text(f"GRANT EXECUTE ON FUNCTION sdv_cell(), sdv_role() TO {everyone}"))

    tables = _tables(connection)
    for table in tables:
        t = _q(table)
        connection.execute(text(f"REVOKE ALL ON {t} FROM PUBLIC, {everyone}"))
        connection.execute(text(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY"))
        for policy in connection.execute(text(
                "SELECT policyname FROM pg_policies WHERE schemaname = current_schema() "
                "AND tablename = :t"), {"t": table}).scalars():
            connection.execute(text(f"DROP POLICY {_q(policy)} ON {t}"))
        connection.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {t} TO {ward}"))
        connection.execute(text(f"GRANT SELECT ON {t} TO {viewer}, {town}"))
        connection.execute(text(f"CREATE POLICY ward_all ON {t} FOR ALL TO {ward} "
                                "USING (true) WITH CHECK (true)"))
        connection.execute(text(f"CREATE POLICY read_all ON {t} FOR SELECT TO {viewer}, {town} "
                                "USING (true)"))
    connection.execute(text(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public "
                            f"TO {ward}"))

    # the cell: catalogues read, its members read, its activities and roll calls written
    for table in (t for t in CATALOGUES if t in tables):
        connection.execute(text(f"GRANT SELECT ON {_q(table)} TO {cell}"))
        connection.execute(text(f"CREATE POLICY cell_read ON {_q(table)} FOR SELECT TO {cell} "
                                "USING (true)"))
    connection.execute(text(f"GRANT SELECT ON app_user TO {cell}"))
    connection.execute(text(f"CREATE POLICY cell_own ON app_user FOR SELECT TO {cell} "
                            "USING (role_name = session_user)"))
    connection.execute(text(f"GRANT SELECT ON member TO {cell}"))
    connection.execute(text(f"CREATE POLICY cell_members ON member FOR SELECT TO {cell} "
                            "USING (cell_id = sdv_cell())"))
    for table in (t for t in MEMBER_ROWS if t in tables):
        connection.execute(text(f"GRANT SELECT ON {_q(table)} TO {cell}"))
        connection.execute(text(
            f"CREATE POLICY cell_members ON {_q(table)} FOR SELECT TO {cell} USING "
            f"(EXISTS (SELECT 1 FROM member m WHERE m.id = {_q(table)}.member_id))"))
    connection.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON activity TO {cell}"))
    connection.execute(text(f"CREATE POLICY cell_read ON activity FOR SELECT TO {cell} "
                            "USING (cell_id = sdv_cell() OR cell_id IS NULL)"))
    for command in ("INSERT", "UPDATE", "DELETE"):
        using = "" if command == "INSERT" else " USING (cell_id = sdv_cell())"
        check = "" if command == "DELETE" else " WITH CHECK (cell_id = sdv_cell())"
        connection.execute(text(f"CREATE POLICY cell_{command.lower()} ON activity "
                                f"FOR {command} TO {cell}{using}{check}"))
    own_activity = ("EXISTS (SELECT 1 FROM activity a WHERE a.id = attendance.activity_id "
                    "AND a.cell_id = sdv_cell()) AND EXISTS (SELECT 1 FROM member m "
                    "WHERE m.id = attendance.member_id)")
    connection.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON attendance TO {cell}"))
    connection.execute(text(f"CREATE POLICY cell_rollcall ON attendance FOR ALL TO {cell} "
                            f"USING ({own_activity}) WITH CHECK ({own_activity})"))
    connection.execute(text(f"GRANT SELECT, INSERT ON change_log TO {cell}"))
    connection.execute(text(
        f"CREATE POLICY cell_history_write ON change_log FOR INSERT TO {cell} "
        "WITH CHECK (entity IN ('activity', 'attendance'))"))
    connection.execute(text(
        f"CREATE POLICY cell_history_read ON change_log FOR SELECT TO {cell} USING ("
        "(entity = 'member' AND EXISTS (SELECT 1 FROM member m WHERE m.id = entity_id)) OR "
        "(entity = 'attendance' AND EXISTS (SELECT 1 FROM attendance x WHERE x.id = entity_id))"
        " OR (entity = 'activity' AND EXISTS (SELECT 1 FROM activity a WHERE a.id = entity_id)))"))
    for sequence in ("activity_id_seq", "attendance_id_seq", "change_log_id_seq"):
        connection.execute(text(f"GRANT USAGE ON SEQUENCE {_q(sequence)} TO {cell}"))
    connection.execute(text(f"GRANT SELECT ON app_user TO {ward}, {viewer}"))


def _verifier(connection: Connection, name: str, password: str) -> str:
    """The SCRAM verifier of the password, computed by libpq on this side."""
    raw: Any = connection.connection.driver_connection
    return bytes(raw.pgconn.encrypt_password(password.encode(), name.encode(),
                                             b"scram-sha-256")).decode()


def add_user(connection: Connection, name: str, password: str, role: str,
             cell_id: int | None = None) -> None:
    """A login role for one person, member of the ward's group for ``role``."""
    if not USER_NAME.fullmatch(name):
        raise RoleError(f"Tên người dùng «{name}» không hợp lệ: chỉ dùng chữ thường không dấu, "
                        "chữ số và dấu gạch dưới, bắt đầu bằng chữ (tối đa 40 ký tự).")
    if role not in ROLES:
        raise RoleError(f"Vai trò «{role}» không có; chọn một trong: {', '.join(ROLES)}.")
    if (role == "cell") != (cell_id is not None):
        raise RoleError("Người dùng vai trò cell phải gắn với một chi bộ (--cell); "
                        "vai trò khác thì không.")
    if len(password) < 8:
        raise RoleError("Mật khẩu phải có ít nhất 8 ký tự.")
    if connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                          {"n": name}).first() is not None:
        raise RoleError(f"Người dùng «{name}» đã có trên máy chủ.")
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    group = group_names(database)[role]
    verifier = _verifier(connection, name, password)
    # DDL takes no bound parameters; the verifier is base64 and '$'/':' only
    assert "'" not in verifier
    connection.exec_driver_sql(f"CREATE ROLE {_q(name)} LOGIN PASSWORD '{verifier}' "
                               f"IN ROLE {_q(group)}")
    connection.execute(text("INSERT INTO app_user (role_name, app_role, cell_id) "
                            "VALUES (:n, :r, :c)"), {"n": name, "r": role, "c": cell_id})


def list_users(connection: Connection) -> list[ServerUser]:
    rows = connection.execute(text(
        "SELECT u.role_name, u.app_role, u.cell_id, coalesce(c.name, '') FROM app_user u "
        "LEFT JOIN residence_cell c ON c.id = u.cell_id ORDER BY u.app_role, u.role_name"))
    return [ServerUser(str(n), str(r), c, str(cn)) for n, r, c, cn in rows]


def remove_user(connection: Connection, name: str) -> None:
    found = connection.execute(text("DELETE FROM app_user WHERE role_name = :n RETURNING 1"),
                               {"n": name}).first()
    if found is None:
        raise RoleError(f"Không có người dùng «{name}» trong phường này.")
    connection.execute(text(f"DROP ROLE {_q(name)}"))


def current_access(connection: Connection) -> Access:
    """The connected user's role: the owner of the database and superusers are the ward."""
    row = connection.execute(text(
        "SELECT sdv_role(), sdv_cell(), session_user, "
        "pg_has_role(session_user, (SELECT datdba FROM pg_database "
        "WHERE datname = current_database()), 'MEMBER'), "
        "EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :town) "
        "AND pg_has_role(session_user, :town, 'MEMBER')"), {"town": TOWN_GROUP}).one()
    role, cell_id, user, owner, town = row
    if owner:
        return Access("ward", None, str(user))
    if role is None:  # a town user registered in another ward's database
        return Access("town" if town else "viewer", None, str(user))
    return Access(str(role), cell_id, str(user))
