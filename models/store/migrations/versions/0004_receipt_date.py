"""receipt date: the day a member's receipt slip was first printed, kept with its number

A slip is numbered in the series of the year it is dated and keeps both on every reprint.  Slips
numbered before this revision were numbered in the year of receipt, so that date stands in.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 10:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_date', sa.Date(), nullable=True))
    op.execute("UPDATE member SET receipt_date = received_date "
               "WHERE receipt_code IS NOT NULL AND receipt_date IS NULL")


def downgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('receipt_date')
