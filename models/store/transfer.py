"""A whole ward from one database into another: a file onto a server, a server into a file (an
offline copy, a backup), or a file into a file.

Every table of the models is copied in the order of its foreign keys, ids kept, from one
consistent snapshot of the source (a read transaction; REPEATABLE READ on a server, where others
write meanwhile), into one transaction of the destination; then each table is counted and its
rows digested (SHA-256 over the values in id order) on both sides, and anything that differs
undoes the copy.  On a server the id sequences are moved past the copied ids, so the next
member gets a new id.  A destination that already holds a ward's data is refused unless
``overwrite``; the ward row and catalogue lines ``server init`` made do not count.

Only a user who reads the whole ward copies it from a server: a cell user's copy would be a
part passed off as the whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, func, insert, select, text, update

from models.store.dbcheck import AccessDenied, DatabaseError
from models.store.dialect import store_of
from models.store.entities import Base

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

CHUNK = 5000
# a ward's own data: a destination holding any of these is not empty
CONTENT_TABLES = ("member", "activity", "residence_cell", "workplace_org", "comment_sheet",
                  "import_record", "ward_report")


@dataclass(frozen=True)
class TableCopy:
    table: str
    rows: int
    digest: str  # SHA-256 of the rows in id order, the same on both sides


@dataclass(frozen=True)
class CopyResult:
    tables: tuple[TableCopy, ...]
    replaced: bool  # the destination's earlier data was replaced (overwrite)
    ward: str  # the copied ward's committee
    notes: tuple[str, ...] = ()

    def rows(self, table: str) -> int:
        return next((t.rows for t in self.tables if t.table == table), 0)

    def as_dict(self) -> dict[str, Any]:
        return {"ward": self.ward, "replaced": self.replaced,
                "tables": {t.table: {"rows": t.rows, "sha256": t.digest} for t in self.tables}}


def tables() -> list[Table]:
    """The models' tables, each after the tables it refers to."""
    return list(Base.metadata.sorted_tables)


def _value(value: object) -> str:
    if value is None:
        return "\x00"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _ordered(table: Table) -> Any:
    return select(table).order_by(*table.primary_key.columns)


def _rows(connection: Connection, table: Table) -> Iterator[Any]:
    result = connection.execution_options(yield_per=CHUNK).execute(_ordered(table))
    yield from result


def digest(connection: Connection, table: Table) -> TableCopy:
    """The table's row count and digest, read through the models' types (so a date is a date
    whichever database stored it)."""
    sha = hashlib.sha256()
    count = 0
    for row in _rows(connection, table):
        sha.update("\x1f".join(_value(v) for v in row).encode())
        sha.update(b"\x1e")
        count += 1
    return TableCopy(table.name, count, sha.hexdigest())


def _self_references(table: Table) -> list[str]:
    """Columns of a table that refer to the same table (an organisation merged into another):
    copied as NULL first, filled in once every row is there."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _copy_table(source: Connection, target: Connection, table: Table) -> None:
    later = _self_references(table)
    links: list[tuple[Any, dict[str, Any]]] = []
    batch: list[dict[str, Any]] = []
    key = table.primary_key.columns.keys()[0]

    def flush() -> None:
        if batch:
            target.execute(insert(table), batch)
            batch.clear()

    for row in _rows(source, table):
        values = dict(row._mapping)
        if later:
            link = {name: values[name] for name in later if values[name] is not None}
            if link:
                links.append((values[key], link))
            values.update(dict.fromkeys(later))
        batch.append(values)
        if len(batch) >= CHUNK:
            flush()
    flush()
    for id_value, link in links:
        target.execute(update(table).where(table.c[key] == id_value).values(**link))


def is_empty(connection: Connection) -> bool:
    for name in CONTENT_TABLES:
        if connection.execute(text(f"SELECT 1 FROM {name} LIMIT 1")).first() is not None:
            return False
    return True


def _ward_name(connection: Connection) -> str:
    return str(connection.execute(text("SELECT committee_name FROM ward ORDER BY id LIMIT 1"))
               .scalar() or "")


def _reads_whole_ward(connection: Connection) -> None:
    access = store_of(connection).access(connection)
    if not access.reads_whole_ward:
        raise AccessDenied(f"Người dùng «{access.user}» chỉ đọc được một chi bộ, không sao chép "
                           "được toàn phường.")


def _copy_all(source: Connection, target: Connection) -> list[TableCopy]:
    """Clear the target's tables, copy every table, compare counts and digests."""
    for table in reversed(tables()):
        target.execute(table.delete())
    for table in tables():
        try:
            _copy_table(source, target, table)
        except DatabaseError:
            raise
        except Exception as exc:
            raise DatabaseError(f"Không chép được bảng {table.name}: {exc}") from exc
    copied = []
    for table in tables():
        ours, theirs = digest(source, table), digest(target, table)
        if ours != theirs:
            raise DatabaseError(
                f"Bản chép khác bản gốc ở bảng {table.name} ({theirs.rows} dòng, gốc "
                f"{ours.rows} dòng): chưa ghi gì vào nơi nhận.")
        copied.append(ours)
    return copied


def _snapshot(engine: Engine) -> Any:
    """A read transaction on the source that sees one moment of it."""
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    return connection


def reset_sequences(connection: Connection) -> None:
    """Move each id sequence past the highest copied id (PostgreSQL)."""
    for table in tables():
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        sequence = connection.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                      {"t": table.name}).scalar()
        if sequence:
            top = connection.execute(select(func.max(table.c.id))).scalar()
            connection.execute(text("SELECT setval(CAST(:s AS regclass), :v, :called)"),
                               {"s": sequence, "v": top or 1, "called": top is not None})


def copy_into_file(source: Engine, target: Path) -> CopyResult:
    """The whole ward of ``source`` into ``target``, an empty file (the one output function's
    temporary file, or a backup's), made a register of this program's schema first."""
    from models.store.db import initialise_schema
    from models.store.sqlite import SqliteStore, companion_files, fold_log

    store = SqliteStore(target)
    engine = store.engine(read_only=False)
    try:
        initialise_schema(store, engine)
        with _snapshot(source) as reading, reading.begin():
            _reads_whole_ward(reading)
            with engine.begin() as writing:
                copied = _copy_all(reading, writing)
            ward = _ward_name(reading)
    except BaseException:
        engine.dispose()
        for file in companion_files(target):  # the caller removes the file itself
            file.unlink(missing_ok=True)
        raise
    engine.dispose()
    fold_log(target)
    return CopyResult(tuple(copied), replaced=False, ward=ward)


def copy_into_server(source: Engine, target: Engine, *, overwrite: bool) -> CopyResult:
    """The whole ward of ``source`` into a server database prepared by ``server init``, in one
    transaction; refused when it already holds a ward's data, unless ``overwrite``."""
    with _snapshot(source) as reading, reading.begin():
        _reads_whole_ward(reading)
        with target.begin() as writing:
            access = store_of(writing).access(writing)
            if not access.writes_register:
                raise AccessDenied(f"Người dùng «{access.user}» không được ghi toàn bộ dữ liệu "
                                   "của phường lên máy chủ; cần người dùng cấp phường.")
            empty = is_empty(writing)
            if not empty and not overwrite:
                raise DatabaseError(
                    "Cơ sở dữ liệu trên máy chủ đã có dữ liệu của một phường (đảng viên, chi bộ "
                    "hoặc hoạt động); không chép đè. Thêm --overwrite để THAY THẾ toàn bộ dữ "
                    "liệu đó bằng dữ liệu chép sang.")
            notes = []
            before, ward = _ward_name(writing), _ward_name(reading)
            if before and ward and before != ward:
                notes.append(f"Tên phường trên máy chủ «{before}» được thay bằng «{ward}» của "
                             "dữ liệu chép sang.")
            cells = _users_cells(writing)
            copied = _copy_all(reading, writing)
            notes += _restore_users_cells(writing, cells)
            reset_sequences(writing)
    return CopyResult(tuple(copied), replaced=not empty, ward=ward, notes=tuple(notes))


def _users_cells(connection: Connection) -> dict[str, str]:
    """The cell (by uuid) of each cell user of a server database, before its cells are
    replaced; the users' cells are unset meanwhile (they refer to the cells)."""
    if connection.dialect.name != "postgresql":
        return {}
    rows = connection.execute(text(
        "SELECT u.role_name, c.uuid FROM app_user u JOIN residence_cell c ON c.id = u.cell_id"
    )).all()
    if rows:
        connection.execute(text("UPDATE app_user SET cell_id = NULL WHERE cell_id IS NOT NULL"))
    return {str(name): str(uuid) for name, uuid in rows}


def _restore_users_cells(connection: Connection, cells: dict[str, str]) -> list[str]:
    notes = []
    for name, uuid in sorted(cells.items()):
        cell_id = connection.execute(text("SELECT id FROM residence_cell WHERE uuid = :u"),
                                     {"u": uuid}).scalar()
        if cell_id is None:
            notes.append(f"Người dùng {name}: chi bộ cũ không còn trong dữ liệu mới; hãy xóa và "
                         "thêm lại người dùng này với chi bộ đúng.")
            continue
        connection.execute(text("UPDATE app_user SET cell_id = :c WHERE role_name = :n"),
                           {"c": cell_id, "n": name})
    return notes
