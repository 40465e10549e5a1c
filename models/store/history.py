"""Change history (who, when, what) written by one mechanism for every tracked entity.

An ``after_flush`` hook on the session factory turns each new or changed member, comment sheet and
attendance row into ``ChangeLog`` rows inside the same transaction, so no screen or service has to
remember to log, and a rolled-back change leaves no history behind.
"""

from __future__ import annotations

import getpass
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.base import NO_VALUE

from models.store.entities import Attendance, ChangeLog, CommentSheet, Member, now

TRACKED: dict[type[Any], str] = {
    Member: "member",
    CommentSheet: "comment_sheet",
    Attendance: "attendance",
}
# Derived or bookkeeping columns whose changes say nothing to a reader of the history.
# A comment sheet's snapshot is a copy of the register, renewed by "refresh": not a user's edit.
IGNORED_FIELDS = frozenset({"name_key", "sort_key", "updated_at", "created_at", "snapshot_json"})

_current_user: str | None = None


def current_user() -> str:
    global _current_user
    if _current_user is None:
        try:
            _current_user = getpass.getuser()
        except Exception:  # no user name on some locked-down Windows sessions
            _current_user = ""
    return _current_user


def set_current_user(name: str) -> None:
    global _current_user
    _current_user = name


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


_COLUMN_ORDER: dict[type[Any], dict[str, int]] = {}


def _column_order(cls: type[Any]) -> dict[str, int]:
    """Column attributes of a tracked class in declaration order (history lines follow it)."""
    order = _COLUMN_ORDER.get(cls)
    if order is None:
        order = {a.key: n for n, a in enumerate(inspect(cls).column_attrs)}
        _COLUMN_ORDER[cls] = order
    return order


def _log_changes(session: Session, _context: object) -> None:
    # after_flush: ids of new rows are known, and attribute history still shows the change.
    user = current_user()
    at = now()
    rows: list[dict[str, object]] = []

    def row(entity: str, entity_id: int, action: str, field: str = "", old: str = "",
            new: str = "") -> None:
        rows.append({"at": at, "user": user, "entity": entity, "entity_id": entity_id,
                     "action": action, "field": field, "old_value": old, "new_value": new})

    for obj in session.new:
        entity = TRACKED.get(type(obj))
        if entity is not None:
            row(entity, obj.id, "create")
    for obj in session.dirty:
        entity = TRACKED.get(type(obj))
        if entity is None:
            continue
        state = inspect(obj)
        # committed_state holds the loaded value of just the attributes set since the load:
        # reading it instead of every column's history keeps a 2,000-row save fast
        order = _column_order(type(obj))
        changed = sorted((k for k in state.committed_state if k in order), key=order.__getitem__)
        for key in changed:
            if key in IGNORED_FIELDS:
                continue
            before = state.committed_state[key]
            old = "" if before is NO_VALUE else _text(before)
            new = _text(getattr(obj, key))
            if old != new:
                row(entity, obj.id, "update", key, old, new)
    if rows:
        session.connection().execute(insert(ChangeLog), rows)


def install(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "after_flush", _log_changes)
