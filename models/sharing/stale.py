"""A save made from stale data is refused, never written over someone else's (DESIGN §4b).

Every record people edit carries a ``version`` (``models.store.entities.Versioned``).  A form
reads the record with its version (``Read``), and the service that saves it is given that
version back: when the record's version moved on meanwhile, someone else saved it first, and the
service raises ``StaleRecord`` carrying the record as it is now, so the form can show the fresh
values beside what the user typed and nothing is lost.  The ORM's own version check
(``StaleDataError``, when another transaction wrote between this one's read and its write) is
turned into the same refusal by ``refuse_stale``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models.store.entities import ChangeLog

T = TypeVar("T")


@dataclass(frozen=True)
class Read(Generic[T]):
    """A record as a form read it: its values and the version they are of."""

    value: T
    version: int


class StaleRecord(ValueError):
    """Someone else saved the record after the form read it; nothing was written.

    ``fresh`` is the record as it is now (the same kind of value the form edits), ``version``
    its version (a save given this version goes through, knowingly over the other's), ``by`` and
    ``at`` who saved it last and when, when the change history knows; ``detail`` what the
    message adds (which rows of a roll call).
    """

    def __init__(self, what: str, fresh: object, version: int, *, by: str = "",
                 at: datetime | None = None, detail: str = "") -> None:
        self.what = what
        self.fresh = fresh
        self.version = version
        self.by = by
        self.at = at
        super().__init__(stale_message(what, by, at) + (f" {detail}" if detail else ""))


def stale_message(what: str, by: str = "", at: datetime | None = None) -> str:
    """'Người khác vừa sửa hồ sơ đảng viên Nguyễn Văn An (lan, lúc 10:32 08/12/2026) …'."""
    who = [part for part in (by, f"lúc {at:%H:%M %d/%m/%Y}" if at else "") if part]
    return (f"Người khác vừa sửa {what}" + (f" ({', '.join(who)})" if who else "")
            + " sau khi bạn mở ra: chưa lưu gì, để không ghi đè lên thay đổi của họ.")


def last_change(session: Session, entity: str, entity_id: int) -> tuple[str, datetime | None]:
    """Who changed the record last and when, from the change history ('' and None when the
    history does not follow that kind of record)."""
    row = session.execute(
        select(ChangeLog.user, ChangeLog.at)
        .where(ChangeLog.entity == entity, ChangeLog.entity_id == entity_id)
        .order_by(ChangeLog.id.desc()).limit(1)).first()
    return (str(row[0] or ""), row[1]) if row is not None else ("", None)


def ensure_current(session: Session, version: int, expected: int | None,
                   stale: Callable[[Session], StaleRecord]) -> None:
    """Raise ``stale(session)`` when the form read another version than the stored one
    (``expected`` None: the caller read no version — a command, an import — and is not
    checked)."""
    if expected is not None and version != expected:
        raise stale(session)


@contextmanager
def refuse_stale(reread: Callable[[], StaleRecord]) -> Iterator[None]:
    """Around a write transaction: the ORM's own refusal of a row another transaction changed
    between this one's read and its write becomes ``reread()`` (made from a new read)."""
    try:
        yield
    except StaleDataError as exc:
        raise reread() from exc


def retried(work: Callable[[], T], attempts: int = 3) -> T:
    """``work()`` (one transaction), done again from a fresh read when another program changed
    a row it wrote between its read and its write: for writes that decide from what they read
    and can decide again (a document number given at first print is then found given)."""
    for attempt in range(attempts):
        try:
            return work()
        except StaleDataError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
