"""Preparing and administering a ward's database on the town's PostgreSQL server.

``initialise`` is ``server init``: on an empty database it builds the schema through the same
migrations as a file, adds the reference rows and the ward, and installs the roles, grants and
row-level security policies (``models.store.pg_roles``); run again it upgrades an older schema
and renews the policies (tables a newer version added get theirs).  Everything in one
transaction, by the database's owner only: an upgrade or a change of who may do what is the
administrator's.  Two runs at once wait for each other (an advisory lock).

The users (``users add / list / remove``) are login roles of the server, each a member of one of
the ward's group roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from models.store import pg_roles
from models.store.dbcheck import AccessDenied, DatabaseError, UpgradeNeeded
from models.store.migrations import HEAD_REVISION
from models.store.postgres import PostgresStore

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

# pg_advisory_xact_lock key of "server init" (any constant both runs share)
INIT_LOCK = 0x5D_0213
DEFAULT_PARENT = "Đảng bộ thành phố Đông Triều"
DEFAULT_PLACE = "Đông Triều"


@dataclass(frozen=True)
class InitResult:
    database: str
    ward: str
    created: bool  # the schema was built now
    upgraded_from: str | None  # the older revision brought to the head
    ward_created: bool
    groups: dict[str, str]  # app role -> the server's group role
    notices: tuple[str, ...] = ()


def _must_own(connection: Connection, store: PostgresStore) -> None:
    owner = connection.execute(text(
        "SELECT pg_has_role(session_user, datdba, 'MEMBER') FROM pg_database "
        "WHERE datname = current_database()")).scalar_one()
    if not owner:
        raise AccessDenied(
            f"Chỉ chủ sở hữu cơ sở dữ liệu «{store.address.database}» (người quản trị máy chủ) "
            "mới khởi tạo, nâng cấp hay phân quyền được. Hãy nhờ người quản trị chạy lệnh này.")


def initialise(location: str, ward: str | None, *, parent: str = DEFAULT_PARENT,
               place: str = DEFAULT_PLACE, password: str | None = None) -> InitResult:
    """``server init``: see the module.  ``ward`` is needed the first time; later it must name
    the same ward (accents and case aside) or be left out."""
    from models.catalogues.ward import WardSetup, setup_ward_in
    from models.store.db import seed_reference_data
    from models.store.entities import Ward
    from models.store.migrations import upgrade_on
    from models.text.vntext import clean, fold

    store = PostgresStore.from_url(location, password=password)
    database = store.address.database
    pg_roles.check_database_name(database)
    store.check()  # refuses a foreign or newer database before anything is written
    engine = store.engine(read_only=False)
    try:
        with engine.begin() as connection:
            _must_own(connection, store)
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": INIT_LOCK})
            revision = connection.execute(text(
                "SELECT version_num FROM alembic_version")).scalar() if connection.execute(
                text("SELECT to_regclass('alembic_version')")).scalar() else None
            notices = upgrade_on(connection) if revision != HEAD_REVISION else []
            store.create_extras(connection)
            with Session(bind=connection) as session:
                if revision is None:
                    seed_reference_data(session)
                existing = session.scalars(select(Ward)).first()
                if existing is None:
                    if not ward or not clean(ward):
                        raise DatabaseError("Cơ sở dữ liệu mới: hãy ghi tên Đảng ủy phường "
                                            "(--ward \"Đảng ủy phường …\").")
                    setup_ward_in(session, WardSetup(committee_name=ward, parent_name=parent,
                                                     place_name=place))
                elif ward and fold(ward) != fold(existing.committee_name):
                    raise DatabaseError(
                        f"Cơ sở dữ liệu «{database}» là của «{existing.committee_name}», không "
                        f"phải «{clean(ward)}». Mỗi phường một cơ sở dữ liệu: hãy tạo cơ sở dữ "
                        "liệu khác cho phường này.")
                session.flush()
                ward_name = existing.committee_name if existing else clean(ward or "")
            pg_roles.install(connection)
            groups = pg_roles.group_names(database)
    finally:
        engine.dispose()
    return InitResult(database, ward_name, created=revision is None,
                      upgraded_from=revision if revision not in (None, HEAD_REVISION) else None,
                      ward_created=existing is None, groups=groups, notices=tuple(notices))


def _admin_engine(location: str, password: str | None) -> Engine:
    """An engine on an initialised ward database at this program's schema revision."""
    store = PostgresStore.from_url(location, password=password)
    revision = store.check().revision
    if revision is None:
        raise DatabaseError(f"Cơ sở dữ liệu «{store.address.database}» chưa được khởi tạo: "
                            "chạy server init trước.")
    if revision != HEAD_REVISION:
        raise UpgradeNeeded(f"Cơ sở dữ liệu «{store.address.database}» cần nâng cấp: chạy "
                            "server init trước.")
    return store.engine(read_only=False)


def add_user(location: str, name: str, password_of_user: str, role: str,
             cell: str | None = None, *, password: str | None = None) -> pg_roles.ServerUser:
    """A login for one person; ``cell`` (a cell user's) by name, accents optional."""
    from models.store.entities import Cell
    from models.text.vntext import fold

    engine = _admin_engine(location, password)
    try:
        with engine.begin() as connection:
            cell_id = None
            cell_name = ""
            if cell is not None:
                found = connection.execute(select(Cell.id, Cell.name).where(
                    Cell.name_key == fold(cell))).first()
                if found is None:
                    names = ", ".join(connection.execute(
                        select(Cell.name).order_by(Cell.position)).scalars())
                    raise pg_roles.RoleError(f"Không có chi bộ «{cell}» trong phường này"
                                             + (f" (có: {names})." if names else "."))
                cell_id, cell_name = int(found[0]), str(found[1])
            pg_roles.add_user(connection, name, password_of_user, role, cell_id)
    finally:
        engine.dispose()
    return pg_roles.ServerUser(name, role, cell_id, cell_name)


def list_users(location: str, *, password: str | None = None) -> list[pg_roles.ServerUser]:
    engine = _admin_engine(location, password)
    try:
        with engine.connect() as connection:
            return pg_roles.list_users(connection)
    finally:
        engine.dispose()


def remove_user(location: str, name: str, *, password: str | None = None) -> None:
    engine = _admin_engine(location, password)
    try:
        with engine.begin() as connection:
            pg_roles.remove_user(connection, name)
    finally:
        engine.dispose()
