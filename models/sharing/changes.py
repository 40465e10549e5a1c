"""What others changed since the window last looked: one cheap query, asked every few seconds.

The change history (``change_log``) already records every write to members, comment sheets and
roll calls, with the row's id: the lines after the last one seen say which members and sheets
changed.  The other records people edit (activities, cells, organisations, issuer lines,
settings, the ward, the rounds) are few, and each has a version: a table's row count, highest id
and sum of versions change with every insert, update and delete.  All of it is read in one
statement that works the same on SQLite and PostgreSQL (and, under row-level security, only over
the rows the user may see).  The kinds are the words of ``ui.shell.events.Change``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Table, func, select
from sqlalchemy.orm import Session, sessionmaker

from models.store.entities import Base, ChangeLog

# the kinds of ui.shell.events.Change
MEMBERS, CELLS, ORGS, ISSUERS = "member", "cells", "orgs", "issuers"
ACTIVITIES, COMMENTS, SETTINGS, WARD = "activity", "comments", "settings", "ward"

# history lines: entity -> kind (the member and sheet lines carry the changed row's id)
LOGGED = {"member": MEMBERS, "comment_sheet": COMMENTS, "attendance": ACTIVITIES}
# small tables watched by their signature, and the kind a change there is
WATCHED: tuple[tuple[str, str], ...] = (
    ("activity", ACTIVITIES), ("residence_cell", CELLS), ("workplace_org", ORGS),
    ("issuer", ISSUERS), ("issuer_version", ISSUERS), ("setting", SETTINGS),
    ("regulation", SETTINGS), ("ward", WARD), ("comment_round", COMMENTS),
    ("round_deadline", COMMENTS), ("comment_sheet", COMMENTS))
# more history lines than this since the last look: say "anything of that kind" instead
MANY = 500


@dataclass(frozen=True)
class Marker:
    """Where the window's picture of the register stands."""

    log_id: int  # the last change_log line seen
    signatures: tuple[tuple[int, ...], ...]  # per WATCHED table


@dataclass(frozen=True)
class Changed:
    kind: str  # a Change word
    ids: tuple[int, ...]  # the rows that changed; empty: any of that kind may have


def _signature(table: Table) -> list[ColumnElement[int]]:
    parts: list[ColumnElement[int]] = [select(func.count()).select_from(table).scalar_subquery()]
    if "id" in table.c:
        parts.append(select(func.coalesce(func.max(table.c.id), 0)).scalar_subquery())
    if "version" in table.c:
        parts.append(select(func.coalesce(func.sum(table.c.version), 0)).scalar_subquery())
    return parts


def _statement() -> tuple[object, list[int]]:
    columns: list[ColumnElement[int]] = [
        select(func.coalesce(func.max(ChangeLog.id), 0)).scalar_subquery()]
    widths = []
    for name, _kind in WATCHED:
        parts = _signature(Base.metadata.tables[name])
        widths.append(len(parts))
        columns += parts
    return select(*columns), widths


_STATEMENT, _WIDTHS = _statement()


def _read(session: Session) -> Marker:
    row = session.execute(_STATEMENT).one()  # type: ignore[call-overload]
    values = [int(v or 0) for v in row]
    signatures, at = [], 1
    for width in _WIDTHS:
        signatures.append(tuple(values[at:at + width]))
        at += width
    return Marker(values[0], tuple(signatures))


def current_marker(factory: sessionmaker[Session]) -> Marker:
    with factory() as session:
        return _read(session)


def changes_since(factory: sessionmaker[Session], seen: Marker
                  ) -> tuple[Marker, list[Changed]]:
    """The marker now, and what changed after ``seen`` (one entry per kind, in WATCHED order
    after the logged kinds)."""
    with factory() as session:
        now = _read(session)
        logged: dict[str, set[int]] = defaultdict(set)
        broad: set[str] = set()
        if now.log_id > seen.log_id:
            lines = session.execute(
                select(ChangeLog.entity, ChangeLog.entity_id)
                .where(ChangeLog.id > seen.log_id, ChangeLog.id <= now.log_id)
                .order_by(ChangeLog.id).limit(MANY + 1)).all()
            if len(lines) > MANY:
                broad.update(LOGGED.values())
            for entity, entity_id in lines[:MANY]:
                kind = LOGGED.get(entity)
                if kind is not None:
                    logged[kind].add(int(entity_id))
    for (_name, kind), before, after in zip(WATCHED, seen.signatures, now.signatures,
                                            strict=True):
        if before != after:
            broad.add(kind)
    changed: list[Changed] = []
    for kind in dict.fromkeys([*LOGGED.values(), *(k for _n, k in WATCHED)]):
        if kind in broad:
            changed.append(Changed(kind, ()))
        elif kind in logged:
            # a roll call's lines name attendance rows, not activities: any activity
            ids = () if kind == ACTIVITIES else tuple(sorted(logged[kind]))
            changed.append(Changed(kind, ids))
    return now, changed


def kinds(changed: Sequence[Changed]) -> list[str]:
    return [c.kind for c in changed]
