"""unique identifiers: one member per card number and per citizen ID number

Until this revision only the program's checks kept card numbers and citizen ID numbers apart, and
two imports running together could store a member twice.  The database now refuses a second
member with the same non-empty number (a unique index over the non-empty values).

Numbers already stored twice are not guessed at: the member registered first (the lowest id) keeps
the number; on every later one the number is cleared and written into the member's notes, the
change history records it (user "nâng cấp dữ liệu"), and the program tells the user which members
to check (``notices``).  The backup taken before the migration keeps everything as it was.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 10:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

USER = "nâng cấp dữ liệu"
COLUMNS = (("card_number", "Số thẻ đảng viên"), ("citizen_id", "Số CCCD"))


def _clear_duplicates(column: str, label: str, notices: list[str]) -> None:
    from models import clock

    bind = op.get_bind()
    bind.execute(sa.text(f"UPDATE member SET {column} = NULL WHERE {column} = ''"))
    stamp = clock.now().replace(microsecond=0)
    rows = bind.execute(sa.text(
        f"SELECT id, full_name, {column} FROM member WHERE {column} IN ("
        f"SELECT {column} FROM member WHERE {column} IS NOT NULL GROUP BY {column} "
        f"HAVING count(*) > 1) ORDER BY {column}, id")).all()
    keeper: dict[str, tuple[int, str]] = {}
    for member_id, name, value in rows:
        if value not in keeper:
            keeper[value] = (member_id, name)
            continue
        first_id, first_name = keeper[value]
        note = (f"[{stamp:%d/%m/%Y}] {label} {value} trùng với đảng viên {first_name} (mã "
                f"{first_id}); đã bỏ ở đây khi nâng cấp dữ liệu — hãy kiểm tra và ghi lại số "
                "đúng.")
        bind.execute(sa.text(
            f"UPDATE member SET {column} = NULL, notes = CASE WHEN notes = '' THEN :note "
            "ELSE notes || char(10) || :note END WHERE id = :id"
            if bind.dialect.name == "sqlite" else
            f"UPDATE member SET {column} = NULL, notes = CASE WHEN notes = '' THEN :note "
            "ELSE notes || chr(10) || :note END WHERE id = :id"), {"note": note, "id": member_id})
        bind.execute(sa.text(
            "INSERT INTO change_log (at, \"user\", entity, entity_id, action, field, old_value, "
            "new_value) VALUES (:at, :user, 'member', :id, 'update', :field, :old, '')"),
            {"at": stamp, "user": USER, "id": member_id, "field": column, "old": value})
        notices.append(f"{label} {value} có ở cả {first_name} (mã {first_id}) và {name} (mã "
                       f"{member_id}): giữ ở {first_name}, bỏ ở {name} (đã ghi vào ghi chú). "
                       "Hãy kiểm tra lại.")


def upgrade() -> None:
    notices: list[str] = context.config.attributes.get("notices", [])
    for column, label in COLUMNS:
        _clear_duplicates(column, label, notices)
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_index('ix_member_card_number')
        batch_op.drop_index('ix_member_citizen_id')
        # PostgreSQL: a plain unique index, as the models make it (an empty number is NULL,
        # and NULLs may repeat); no PostgreSQL database had this revision before
        batch_op.create_index('uq_member_card_number', ['card_number'], unique=True,
                              sqlite_where=sa.text("card_number IS NOT NULL AND card_number <> ''"))
        batch_op.create_index('uq_member_citizen_id', ['citizen_id'], unique=True,
                              sqlite_where=sa.text("citizen_id IS NOT NULL AND citizen_id <> ''"))


def downgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_index('uq_member_citizen_id')
        batch_op.drop_index('uq_member_card_number')
        batch_op.create_index('ix_member_citizen_id', ['citizen_id'], unique=False)
        batch_op.create_index('ix_member_card_number', ['card_number'], unique=False)
