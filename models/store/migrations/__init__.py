"""Schema migrations shipped inside the program (Alembic, batch mode for SQLite).

``KNOWN_REVISIONS`` lists every revision in order, so that opening a database can tell an older file
(migrate it) from a newer one (refuse it) without importing Alembic; a test checks that it matches
the scripts in ``versions/``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.engine import Engine

KNOWN_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006")
HEAD_REVISION = KNOWN_REVISIONS[-1]
# found through importlib.resources, as every shipped file is: a wheel installs the scripts
# beside this module, the frozen build places them where its resource reader looks
SCRIPT_LOCATION = Path(str(resources.files(__name__)))


# what each database has beside the models (models.store.sqlite / postgres / pg_roles)
EXTRA_TABLES = ("member_fts", "app_user")
EXTRA_INDEXES = ("ix_member_name_words", "ix_member_cell_sort")


def include_object(_obj: object, name: str | None, type_: str, _reflected: bool,
                   _compare_to: object) -> bool:
    """Autogenerate ignores what is not in the models: SQLite's full-text index and its shadow
    tables, PostgreSQL's word index, the server's table of users."""
    if type_ == "table":
        return not (name or "").startswith(EXTRA_TABLES)
    return not (type_ == "index" and name in EXTRA_INDEXES)


def alembic_config() -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return config


def upgrade_to_head(engine: Engine) -> list[str]:
    """Run every missing migration in one connection (Alembic's env.py reuses it); what the
    migrations changed that the user should know (a migration appends to
    ``context.config.attributes["notices"]``)."""
    with engine.begin() as connection:
        return upgrade_on(connection)


def upgrade_on(connection: Connection) -> list[str]:
    """upgrade_to_head inside the caller's transaction (a server's ``server init`` upgrades
    and renews the roles' policies in one transaction)."""
    from alembic import command

    config = alembic_config()
    notices: list[str] = []
    config.attributes["connection"] = connection  # type: ignore[attr-defined]
    config.attributes["notices"] = notices  # type: ignore[attr-defined]
    command.upgrade(config, "head")  # type: ignore[arg-type]
    return notices
