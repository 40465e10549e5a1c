"""The shipped migrations build exactly the schema the models describe."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from models.store.db import open_database
from models.store.entities import Base
from models.store.migrations import (
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


def test_a_0001_database_is_backed_up_and_migrated_when_opened(tmp_path: Path) -> None:
    """A register written by the first release (revision 0001, before import records) opens: it
    is backed up, migrated to the head, and keeps its data; imports are then recorded."""
    from alembic import command
    from sqlalchemy import select

    from models.importing.importer import import_file
    from models.store.entities import ImportRecord, Member

    old = tmp_path / "old.sqlite"
    engine = create_engine(f"sqlite:///{old}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection  # type: ignore[attr-defined]
        command.upgrade(config, "0001")  # type: ignore[arg-type]
        connection.exec_driver_sql(
            "INSERT INTO member (uuid, full_name, name_key, sort_key, sex, birth_year, ethnicity, "
            "workplace_cell, employer_unit, job_title, address, letter_number, letter_issuer, "
            "status, excused, excused_reason, notes, archived, created_at, updated_at) VALUES "
            "('u1', 'Nguyễn Văn An', 'nguyen van an', '', 'M', 1980, 'Kinh', '', '', '', '', '', "
            "'', 'active', 0, '', '', 0, '2025-01-01 00:00:00', '2025-01-01 00:00:00')")
        connection.exec_driver_sql(
            "INSERT INTO member_fts(rowid, name_key) SELECT id, name_key FROM member")
    engine.dispose()
    with sqlite3.connect(old) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        assert "import_record" not in {r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}

    db = open_database(old, backup_dir=tmp_path / "backups")
    try:
        assert db.migrated_from == "0001"
        assert db.backup_path is not None and db.backup_path.exists()
        with sqlite3.connect(db.backup_path) as con:
            assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        with db.session_factory() as session:
            assert session.scalars(select(Member.full_name)).all() == ["Nguyễn Văn An"]
        csv_file = tmp_path / "list.csv"
        csv_file.write_text("Họ và tên;Ngày sinh;Giới tính\nLê Thị Bình;02/03/1985;Nữ\n",
                            encoding="utf-8")
        import_file(db.session_factory, csv_file)
        with db.session_factory() as session:
            record = session.scalars(select(ImportRecord)).one()
            assert (record.file_name, record.imported) == ("list.csv", 1)
    finally:
        db.close()
    created = tmp_path / "created.sqlite"
    open_database(created, create=True).close()
    assert schema(old) == schema(created)


def test_0005_keeps_a_number_stored_twice_on_the_first_member_and_says_so(
        tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import select

    from models.store.entities import ChangeLog, Member

    old = tmp_path / "old.sqlite"
    engine = create_engine(f"sqlite:///{old}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection  # type: ignore[attr-defined]
        command.upgrade(config, "0004")  # type: ignore[arg-type]
        for uuid, name in (("u1", "Nguyễn Văn An"), ("u2", "Trần Văn Bình")):
            connection.exec_driver_sql(
                "INSERT INTO member (uuid, full_name, name_key, sort_key, sex, birth_year, "
                "ethnicity, workplace_cell, employer_unit, job_title, address, letter_number, "
                "letter_issuer, status, excused, excused_reason, notes, archived, created_at, "
                "updated_at, card_number, citizen_id) VALUES (?, ?, '', '', 'M', 1980, 'Kinh', "
                "'', '', '', '', '', '', 'active', 0, '', '', 0, '2025-01-01 00:00:00', "
                "'2025-01-01 00:00:00', '12345678', ?)", (uuid, name, f"0220800000{uuid[1]}0"))
    engine.dispose()
    db = open_database(old, backup_dir=tmp_path / "backups")
    try:
        assert db.migrated_from == "0004"
        assert len(db.notices) == 1 and "12345678" in db.notices[0]
        assert "giữ ở Nguyễn Văn An" in db.notices[0]
        with db.session_factory() as s:
            first, second = s.scalars(select(Member).order_by(Member.id)).all()
            assert (first.card_number, second.card_number) == ("12345678", None)
            assert "12345678 trùng với đảng viên Nguyễn Văn An" in second.notes
            logged = s.scalars(select(ChangeLog).where(ChangeLog.field == "card_number")).one()
            assert (logged.entity_id, logged.old_value) == (second.id, "12345678")
    finally:
        db.close()
