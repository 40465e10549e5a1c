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
    from sqlalchemy.engine import Engine

KNOWN_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005")
HEAD_REVISION = KNOWN_REVISIONS[-1]
# found through importlib.resources, as every shipped file is: a wheel installs the scripts
# beside this module, the frozen build places them where its resource reader looks
SCRIPT_LOCATION = Path(str(resources.files(__name__)))


def include_object(_obj: object, name: str | None, type_: str, _reflected: bool,
                   _compare_to: object) -> bool:
    """Autogenerate ignores the SQLite full-text index and its shadow tables (not in the models)."""
    return not (type_ == "table" and (name or "").startswith("member_fts"))


def alembic_config() -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return config


def upgrade_to_head(engine: Engine) -> list[str]:
    """Run every missing migration in one connection (Alembic's env.py reuses it); what the
    migrations changed that the user should know (a migration appends to
    ``context.config.attributes["notices"]``)."""
    from alembic import command

    config = alembic_config()
    notices: list[str] = []
    with engine.begin() as connection:
        config.attributes["connection"] = connection  # type: ignore[attr-defined]
        config.attributes["notices"] = notices  # type: ignore[attr-defined]
        command.upgrade(config, "head")  # type: ignore[arg-type]
    return notices
