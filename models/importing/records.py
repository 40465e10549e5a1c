"""The record of every import, and undoing one.

Undo deletes the members the import created and gives the members it updated their old values
back (through the ORM, so the change history shows the undo), in one transaction.  It is refused,
naming the members in the way, when anything touched those members after the import: a change in
the history, an attendance row or a comment sheet written since, or a later import that has not
been undone.  The cells and organisations the import created are kept (they may be used since).
Undo the newest import first: undoing a later import that changed the same members writes history
lines of its own, and those then count as later changes for the earlier import.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from models.chunks import chunked
from models.store.entities import (
    Attendance,
    CellAssignment,
    ChangeLog,
    CommentSheet,
    ExcusedPeriod,
    ImportRecord,
    ImportRecordMember,
    Member,
    MemberStatusChange,
    now,
)
from models.store.history import current_user

SHOWN_NAMES = 10


class UndoRefused(Exception):
    """The import cannot be undone; the message (Vietnamese) says why and names the members."""


@dataclass(frozen=True)
class ImportRecordRow:
    id: int
    file_name: str
    at: datetime
    user: str
    imported: int
    updated: int
    rejected: int
    legacy_columns: str
    undone_at: datetime | None

    @property
    def undone(self) -> bool:
        return self.undone_at is not None


def list_imports(factory: sessionmaker[Session]) -> list[ImportRecordRow]:
    """Every import, newest first."""
    with factory() as session:
        return [ImportRecordRow(r.id, r.file_name, r.at, r.user, r.imported, r.updated,
                                r.rejected, r.legacy_columns, r.undone_at)
                for r in session.scalars(select(ImportRecord).order_by(ImportRecord.id.desc()))]


def _blocking(session: Session, record: ImportRecord, ids: list[int]) -> dict[int, str]:
    """Member id -> why undoing would overwrite a later change."""
    why: dict[int, str] = {}
    for part in chunked(ids):
        for member_id in session.scalars(select(ChangeLog.entity_id).distinct().where(
                ChangeLog.entity == "member", ChangeLog.entity_id.in_(part),
                ChangeLog.id > record.last_change_id)):
            why.setdefault(member_id, "đã được sửa sau lần nhập")
        for member_id in session.scalars(select(Attendance.member_id).distinct().where(
                Attendance.member_id.in_(part), Attendance.id > record.last_attendance_id)):
            why.setdefault(member_id, "đã có điểm danh sinh hoạt sau lần nhập")
        for member_id in session.scalars(select(CommentSheet.member_id).distinct().where(
                CommentSheet.member_id.in_(part), or_(
                    CommentSheet.id > record.last_sheet_id, CommentSheet.updated_at > record.at))):
            why.setdefault(member_id, "đã có phiếu nhận xét sau lần nhập")
        for member_id in session.scalars(
                select(ImportRecordMember.member_id).distinct()
                .join(ImportRecord, ImportRecord.id == ImportRecordMember.import_record_id)
                .where(ImportRecordMember.member_id.in_(part), ImportRecord.id > record.id,
                       ImportRecord.undone_at.is_(None))):
            why.setdefault(member_id, "đã được một lần nhập sau cập nhật")
    return why


def _names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for part in chunked(list(ids)):
        found.update((member_id, name) for member_id, name in session.execute(
            select(Member.id, Member.full_name).where(Member.id.in_(part))))
    return found


def _from_json(member: Member, name: str, value: Any) -> Any:
    """A stored JSON value back to the column's Python type (dates were written as ISO text)."""
    column = Member.__table__.c[name]
    python_type = column.type.python_type if value is not None else None
    if python_type is datetime and isinstance(value, str):
        return datetime.fromisoformat(value)
    if python_type is date and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def undo_import(factory: sessionmaker[Session], record_id: int) -> tuple[int, int]:
    """Undo an import: (members deleted, members restored).  UndoRefused when it cannot be."""
    with factory.begin() as session:
        record = session.get(ImportRecord, record_id)
        if record is None:
            raise UndoRefused("Không tìm thấy lần nhập này.")
        if record.undone_at is not None:
            raise UndoRefused(f"Lần nhập tệp {record.file_name} đã được hoàn tác "
                              f"lúc {record.undone_at:%H:%M %d/%m/%Y}.")
        lines = session.execute(select(
            ImportRecordMember.member_id, ImportRecordMember.action,
            ImportRecordMember.old_values).where(
            ImportRecordMember.import_record_id == record.id)).all()
        created = [m for m, action, _ in lines if action == "create"]
        updated = {m: old for m, action, old in lines if action == "update"}
        why = _blocking(session, record, created + list(updated))
        if why:
            names = _names(session, why)
            shown = [f"• {names.get(m, f'mã {m}')} (mã {m}): {reason}"
                     for m, reason in sorted(why.items())[:SHOWN_NAMES]]
            more = len(why) - len(shown)
            raise UndoRefused(
                f"Không hoàn tác được lần nhập tệp {record.file_name} "
                f"({record.at:%H:%M %d/%m/%Y}): {len(why)} đảng viên đã thay đổi sau đó.\n"
                + "\n".join(shown) + (f"\n… và {more} đảng viên khác." if more else ""))
        at, user = now(), current_user()
        # created members: their dated rows, then themselves; a "delete" history line each
        for part in chunked(created):
            for model in (MemberStatusChange, CellAssignment, ExcusedPeriod):
                session.execute(delete(model).where(model.member_id.in_(part)))
            names = _names(session, part)
            session.execute(insert(ChangeLog), [
                {"at": at, "user": user, "entity": "member", "entity_id": m, "action": "delete",
                 "field": "", "old_value": names.get(m, ""),
                 "new_value": f"Hoàn tác lần nhập {record.file_name}"} for m in part])
            session.execute(delete(Member).where(Member.id.in_(part)))
        # updated members: their old values back (the history hook writes the lines)
        restored = 0
        for member_id, old_values in updated.items():
            if not old_values:
                continue
            old = json.loads(old_values)
            member = session.get(Member, member_id)
            if member is None:
                continue
            for name, value in old.get("fields", {}).items():
                setattr(member, name, _from_json(member, name, value))
            closed = old.get("closed_assignments", [])
            if closed:  # the import moved the member to another cell: undo the move
                session.execute(delete(CellAssignment).where(
                    CellAssignment.member_id == member_id, CellAssignment.end_date.is_(None),
                    CellAssignment.id.not_in(closed)))
                session.execute(update(CellAssignment).where(CellAssignment.id.in_(closed))
                                .values(end_date=None))
            restored += 1
        record.undone_at = at
        record.undone_by = user
    return len(created), restored
