"""The shipped migrations build exactly the schema the models describe."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from models.db import open_database
from models.entities import Base
from models.migrations import (
    HEAD_REVISION,
    KNOWN_REVISIONS,
    alembic_config,
    include_object,
    upgrade_to_head,
)


def schema(path: Path) -> dict[str, object]:
    """Tables with their columns, foreign keys and indexes, independent of declaration order."""
    result: dict[str, object] = {}
    with sqlite3.connect(path) as con:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            columns = sorted(tuple(r[1:]) for r in con.execute(f"PRAGMA table_info('{table}')"))
            fks = sorted(tuple(r[2:5]) for r in con.execute(f"PRAGMA foreign_key_list('{table}')"))
            indexes = []
            for _seq, name, unique, _origin, _partial in con.execute(
                    f"PRAGMA index_list('{table}')"):
                cols = tuple(r[2] for r in con.execute(f"PRAGMA index_info('{name}')"))
                label = "auto" if name.startswith("sqlite_autoindex") else name
                indexes.append((label, cols, unique))
            result[table] = (columns, fks, sorted(indexes))
        for name, sql in con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"):
            result[f"trigger {name}"] = " ".join(sql.split())
    return result


def test_known_revisions_match_the_scripts() -> None:
    script = ScriptDirectory.from_config(alembic_config())  # type: ignore[arg-type]
    chain = [rev.revision for rev in script.walk_revisions()][::-1]
    assert tuple(chain) == KNOWN_REVISIONS
    assert script.get_current_head() == HEAD_REVISION


def test_migrations_give_the_models_schema(tmp_path: Path) -> None:
    migrated = tmp_path / "migrated.sqlite"
    engine = create_engine(f"sqlite:///{migrated}")
    upgrade_to_head(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object})
        diffs = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diffs == []

    created = tmp_path / "created.sqlite"
    open_database(created, create=True).close()
    built = schema(created)
    assert "member_fts" in built and "trigger member_fts_update" in built
    assert schema(migrated) == built
