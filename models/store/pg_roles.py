"""Who may see and change what on a PostgreSQL server, enforced by the server itself.

Each ward has its own database.  ``install`` (run by ``server init``, again after every upgrade)
creates three group roles for that database — ward, cell and viewer — and one group for the whole
town, grants them what they may do, and turns on row-level security with a policy per role, so a
user who connects with psql gets exactly what the program would give them:

- **ward**: everything in its ward (but not the list of users: only the owner manages it);
- **viewer**: reads its ward;
- **cell**: reads the catalogues, the members of its own cell (and their dated rows, sheets,
  roll calls and history), the ward's and its own cell's activities, and writes the activities
  and roll calls of its own cell, nothing else; every other table reads as empty;
- **town**: reads every ward (the town committee's summary reads the wards directly).

Login roles are made by ``add_user`` (a member of one group; a cell user's cell is kept in
``app_user``) and removed by ``remove_user``; both need the CREATEROLE right, which the database's
owner (the administrator) has.  The password is turned into a SCRAM verifier on this side, so it
never travels or lands in a server log in clear.  Role names are cluster-wide in PostgreSQL,
which is why the group names carry the database's name, and why a ward database's name is kept to
lower-case letters, digits and underscores (two names must never share groups).

The policies call ``sdv_cell()`` as ``(SELECT sdv_cell())``: the server then evaluates it once
per query instead of once per row (a SECURITY DEFINER function is never inlined).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from models.store.access import CELL, ROLES, TOWN, VIEWER, WARD, Access

TOWN_GROUP = "sdv_town"
USER_NAME = re.compile(r"[a-z_][a-z0-9_]{0,39}")
DATABASE_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")

# catalogue tables every role reads whole
CATALOGUES = ("ward", "setting", "regulation", "residence_cell", "workplace_org", "issuer",
              "issuer_version", "comment_round", "round_deadline")
# tables whose rows belong to one member (reached through member_id)
MEMBER_ROWS = ("member_status_change", "cell_assignment", "excused_period", "comment_sheet")
# read by everyone who may connect: which schema revision the database has
SHARED = ("alembic_version",)
USERS_TABLE = "app_user"
CELL_OF_USER = "(SELECT sdv_cell())"
VISIBLE_MEMBER = "EXISTS (SELECT 1 FROM member m WHERE m.id = {table}.member_id)"


class RoleError(ValueError):
    """A request about users refused; the message is Vietnamese."""


@dataclass(frozen=True)
class ServerUser:
    name: str
    role: str  # one of ROLES
    cell_id: int | None
    cell_name: str


def check_database_name(database: str) -> None:
    if not DATABASE_NAME.fullmatch(database):
        raise RoleError(
            f"Tên cơ sở dữ liệu «{database}» không dùng được cho một phường: chỉ dùng chữ thường "
            "không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ, tối đa 40 ký tự "
            "(ví dụ: maokhe). Tên nhóm quyền trên máy chủ mang tên này.")


def group_names(database: str) -> dict[str, str]:
    """The group role of each app role for this ward database."""
    check_database_name(database)
    return {WARD: f"sdv_{database}_ward", CELL: f"sdv_{database}_cell",
            VIEWER: f"sdv_{database}_viewer", TOWN: TOWN_GROUP}


def _q(name: str) -> str:
    """A quoted identifier (names here come from group_names, USER_NAME or the catalogue)."""
    return '"' + name.replace('"', '""') + '"'


def _tables(connection: Connection) -> list[str]:
    return list(connection.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "ORDER BY tablename")).scalars())


def _ensure_group(connection: Connection, name: str) -> None:
    row = connection.execute(text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :n"),
                             {"n": name}).first()
    if row is None:
        connection.execute(text(f"CREATE ROLE {_q(name)} NOLOGIN"))
    elif row[0]:
        raise RoleError(f"Trên máy chủ đã có người dùng đăng nhập tên «{name}»; tên này dành "
                        "cho nhóm quyền của chương trình. Hãy đổi tên người dùng đó.")


def _run(connection: Connection, *statements: str) -> None:
    for statement in statements:
        connection.execute(text(statement))


def install(connection: Connection) -> None:
    """Create (or bring up to date) the roles, grants and policies of the connected ward
    database.  Idempotent; run by the database's owner inside one transaction."""
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    groups = group_names(database)
    for name in groups.values():
        _ensure_group(connection, name)
    ward, cell, viewer, town = (_q(groups[r]) for r in ROLES)
    everyone = f"{ward}, {cell}, {viewer}, {town}"
    _run(connection,
         f"CREATE TABLE IF NOT EXISTS {USERS_TABLE} ("
         " role_name name PRIMARY KEY,"
         " app_role text NOT NULL CHECK (app_role IN ('ward', 'cell', 'viewer', 'town')),"
         " cell_id integer REFERENCES residence_cell(id))",
         "CREATE OR REPLACE FUNCTION sdv_cell() RETURNS integer LANGUAGE sql STABLE "
         "SECURITY DEFINER SET search_path = pg_catalog, public AS "
         f"$$ SELECT cell_id FROM public.{USERS_TABLE} WHERE role_name = session_user $$",
         f"REVOKE ALL ON DATABASE {_q(database)} FROM PUBLIC",
         f"GRANT CONNECT, TEMPORARY ON DATABASE {_q(database)} TO {everyone}",
         "REVOKE ALL ON SCHEMA public FROM PUBLIC",
         f"GRANT USAGE ON SCHEMA public TO {everyone}",
         "REVOKE ALL ON FUNCTION sdv_cell() FROM PUBLIC",
         f"GRANT EXECUTE ON FUNCTION sdv_cell() TO {everyone}")
    # an earlier groundwork also had sdv_role(); the groups are the truth now
    _run(connection, "DROP FUNCTION IF EXISTS sdv_role()")

    _revoke_strangers(connection, set(groups.values()))
    tables = _tables(connection)
    for table in tables:
        t = _q(table)
        _run(connection, f"REVOKE ALL ON {t} FROM PUBLIC, {everyone}")
        for policy in connection.execute(text(
                "SELECT policyname FROM pg_policies WHERE schemaname = current_schema() "
                "AND tablename = :t"), {"t": table}).scalars():
            _run(connection, f"DROP POLICY {_q(policy)} ON {t}")
        if table in SHARED:
            _run(connection, f"GRANT SELECT ON {t} TO {everyone}")
            continue
        # every role may SELECT every table; the policies decide which rows it sees (a cell
        # user's screens then show nothing rather than fail where it has no business)
        _run(connection,
             f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY",
             f"GRANT SELECT ON {t} TO {everyone}",
             f"CREATE POLICY read_all ON {t} FOR SELECT TO {ward}, {viewer}, {town} USING (true)")
        if table != USERS_TABLE:
            _run(connection,
                 f"GRANT INSERT, UPDATE, DELETE ON {t} TO {ward}",
                 f"CREATE POLICY ward_write ON {t} FOR ALL TO {ward} USING (true) "
                 "WITH CHECK (true)")
    _run(connection,
         f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {ward}")
    _cell_policies(connection, cell, tables)


def _revoke_strangers(connection: Connection, ours: set[str]) -> None:
    """Take back what other roles were granted on this database's tables and sequences (a
    database copied from another ward's, with that ward's groups in its grants)."""
    strangers = set(connection.execute(text(
        "SELECT DISTINCT r.rolname FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a "
        "JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE c.relnamespace = current_schema()::regnamespace AND a.grantee <> c.relowner"
    )).scalars()) - ours
    for role in sorted(strangers):
        _run(connection, f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {_q(role)}",
             f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {_q(role)}")


def _cell_policies(connection: Connection, cell: str, tables: list[str]) -> None:
    """A cell user: its own cell's members and what hangs on them; its own cell's activities and
    roll calls, which it writes; the catalogues; nothing of any other table."""
    mine = CELL_OF_USER
    for table in (t for t in CATALOGUES if t in tables):
        _run(connection, f"CREATE POLICY cell_read ON {_q(table)} FOR SELECT TO {cell} "
                         "USING (true)")
    _run(connection,
         f"CREATE POLICY cell_own ON {USERS_TABLE} FOR SELECT TO {cell} "
         "USING (role_name = session_user)",
         f"CREATE POLICY cell_members ON member FOR SELECT TO {cell} USING (cell_id = {mine})")
    for table in (t for t in MEMBER_ROWS if t in tables):
        _run(connection, f"CREATE POLICY cell_members ON {_q(table)} FOR SELECT TO {cell} "
                         f"USING ({VISIBLE_MEMBER.format(table=_q(table))})")
    # activities: the ward's own (cell_id NULL) are read, its cell's are read and written
    _run(connection,
         f"GRANT INSERT, UPDATE, DELETE ON activity TO {cell}",
         f"CREATE POLICY cell_read ON activity FOR SELECT TO {cell} "
         f"USING (cell_id = {mine} OR cell_id IS NULL)",
         f"CREATE POLICY cell_insert ON activity FOR INSERT TO {cell} "
         f"WITH CHECK (cell_id = {mine})",
         f"CREATE POLICY cell_update ON activity FOR UPDATE TO {cell} "
         f"USING (cell_id = {mine}) WITH CHECK (cell_id = {mine})",
         f"CREATE POLICY cell_delete ON activity FOR DELETE TO {cell} USING (cell_id = {mine})")
    # roll calls: its members' attendance is read (at the ward's activities too); only its own
    # cell's activities take roll calls from it
    member = VISIBLE_MEMBER.format(table="attendance")
    own = ("EXISTS (SELECT 1 FROM activity a WHERE a.id = attendance.activity_id "
           f"AND a.cell_id = {mine})")
    _run(connection,
         f"GRANT INSERT, UPDATE, DELETE ON attendance TO {cell}",
         f"CREATE POLICY cell_read ON attendance FOR SELECT TO {cell} USING ({member})",
         f"CREATE POLICY cell_insert ON attendance FOR INSERT TO {cell} "
         f"WITH CHECK ({own} AND {member})",
         f"CREATE POLICY cell_update ON attendance FOR UPDATE TO {cell} "
         f"USING ({own} AND {member}) WITH CHECK ({own} AND {member})",
         f"CREATE POLICY cell_delete ON attendance FOR DELETE TO {cell} USING ({own})")
    # the change history of what it may read; it records its own roll calls
    _run(connection,
         f"GRANT INSERT ON change_log TO {cell}",
         f"CREATE POLICY cell_history_write ON change_log FOR INSERT TO {cell} "
         "WITH CHECK (entity IN ('activity', 'attendance'))",
         f"CREATE POLICY cell_history_read ON change_log FOR SELECT TO {cell} USING ("
         "(entity = 'member' AND EXISTS (SELECT 1 FROM member m WHERE m.id = entity_id)) OR "
         "(entity = 'attendance' AND EXISTS (SELECT 1 FROM attendance x "
         "WHERE x.id = entity_id)) OR "
         "(entity = 'activity' AND EXISTS (SELECT 1 FROM activity a WHERE a.id = entity_id)))")
    for table in ("activity", "attendance", "change_log"):
        sequence = connection.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                      {"t": table}).scalar_one()
        if sequence:
            _run(connection, f"GRANT USAGE ON SEQUENCE {sequence} TO {cell}")


# --- users ----------------------------------------------------------------------------------------

def _verifier(connection: Connection, name: str, password: str) -> str:
    """The SCRAM verifier of the password, computed by libpq on this side."""
    raw: Any = connection.connection.driver_connection
    return bytes(raw.pgconn.encrypt_password(password.encode(), name.encode(),
                                             b"scram-sha-256")).decode()


def _may_manage(connection: Connection) -> None:
    allowed = connection.execute(text(
        "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
    )).scalar_one()
    if not allowed:
        raise RoleError("Chỉ người quản trị máy chủ (chủ sở hữu cơ sở dữ liệu, có quyền "
                        "CREATEROLE) mới thêm hoặc bỏ người dùng.")


def add_user(connection: Connection, name: str, password: str, role: str,
             cell_id: int | None = None) -> None:
    """A login role for one person, member of the ward's group for ``role``."""
    if not USER_NAME.fullmatch(name):
        raise RoleError(f"Tên người dùng «{name}» không hợp lệ: chỉ dùng chữ thường không dấu, "
                        "chữ số và dấu gạch dưới, bắt đầu bằng chữ (tối đa 40 ký tự).")
    if name.startswith("sdv_") or name in ("postgres", "public"):
        raise RoleError(f"Tên người dùng «{name}» dành cho máy chủ hoặc chương trình; hãy chọn "
                        "tên khác.")
    if role not in ROLES:
        raise RoleError(f"Vai trò «{role}» không có; chọn một trong: {', '.join(ROLES)}.")
    if (role == CELL) != (cell_id is not None):
        raise RoleError("Người dùng vai trò cell phải gắn với một chi bộ (--cell); "
                        "vai trò khác thì không.")
    if len(password) < 8:
        raise RoleError("Mật khẩu phải có ít nhất 8 ký tự.")
    _may_manage(connection)
    if connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                          {"n": name}).first() is not None:
        raise RoleError(f"Người dùng «{name}» đã có trên máy chủ.")
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    group = group_names(database)[role]
    if connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                          {"n": group}).first() is None:
        raise RoleError(f"Cơ sở dữ liệu «{database}» chưa được phân quyền: chạy server init "
                        "trước.")
    verifier = _verifier(connection, name, password)
    # DDL takes no bound parameters; a SCRAM verifier is base64, digits, '$', ':' and '='
    if not re.fullmatch(r"SCRAM-SHA-256\$[A-Za-z0-9+/=:$]+", verifier):
        raise RoleError("Không tạo được mã hóa mật khẩu.")
    connection.exec_driver_sql(f"CREATE ROLE {_q(name)} LOGIN PASSWORD '{verifier}' "
                               f"IN ROLE {_q(group)}")
    connection.execute(text(f"INSERT INTO {USERS_TABLE} (role_name, app_role, cell_id) "
                            "VALUES (:n, :r, :c)"), {"n": name, "r": role, "c": cell_id})


def list_users(connection: Connection) -> list[ServerUser]:
    """The users added in this ward database (a town user added in another ward's database
    reads this one too, but is listed there)."""
    rows = connection.execute(text(
        f"SELECT u.role_name, u.app_role, u.cell_id, coalesce(c.name, '') FROM {USERS_TABLE} u "
        "JOIN pg_roles r ON r.rolname = u.role_name "
        "LEFT JOIN residence_cell c ON c.id = u.cell_id ORDER BY u.app_role, u.role_name"))
    return [ServerUser(str(n), str(r), c, str(cn)) for n, r, c, cn in rows]


def remove_user(connection: Connection, name: str) -> None:
    _may_manage(connection)
    found = connection.execute(text(f"DELETE FROM {USERS_TABLE} WHERE role_name = :n "
                                    "RETURNING 1"), {"n": name}).first()
    if found is None:
        raise RoleError(f"Không có người dùng «{name}» trong phường này.")
    if connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                          {"n": name}).first() is not None:
        _run(connection, f"DROP ROLE {_q(name)}")


def current_access(connection: Connection) -> Access:
    """The connected user's role, from the groups the server enforces: the owner of the
    database and superusers are the ward (and manage users)."""
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    groups = group_names(database)
    row = connection.execute(text(
        "SELECT session_user, pg_has_role(session_user, d.datdba, 'MEMBER') "
        "FROM pg_database d WHERE d.datname = current_database()")).one()
    user, owner = str(row[0]), bool(row[1])
    if owner:
        return Access(WARD, None, user, owner=True)
    member_of = set(connection.execute(text(
        "SELECT rolname FROM pg_roles WHERE rolname = ANY(:names) "
        "AND pg_has_role(session_user, oid, 'MEMBER')"), {"names": list(groups.values())}
    ).scalars())
    for role in ROLES:
        if groups[role] in member_of:
            cell_id = None
            if role == CELL:
                cell_id = connection.execute(text("SELECT sdv_cell()")).scalar_one()
            return Access(role, cell_id, user)
    return Access(VIEWER, None, user)  # none of the groups: the server shows it nothing
