"""record versions: a record saved from stale data is refused, never silently overwritten

Several people may now edit one register at once (cells' secretaries on their own PCs, the ward
office on a server).  Every record people edit gets a ``version`` that each write increments; a
save names the version its form read and is refused when the record moved on meanwhile
(``models.sharing.stale``).  Existing rows start at version 1.  The column is added in place on
SQLite and PostgreSQL alike (no table is rebuilt, so the member table's full-text triggers stay).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 09:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the records people edit, each with a form or a screen of its own
TABLES = ("ward", "setting", "regulation", "residence_cell", "workplace_org", "issuer_version",
          "member", "activity", "attendance", "comment_sheet")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1',
                                          nullable=False))


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
