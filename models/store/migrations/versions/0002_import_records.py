"""import records: every import of a member list, and the members it created or updated

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 16:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('import_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user', sa.String(length=100), nullable=False),
    sa.Column('imported', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('legacy_columns', sa.String(length=500), nullable=False),
    sa.Column('last_change_id', sa.Integer(), nullable=False),
    sa.Column('last_attendance_id', sa.Integer(), nullable=False),
    sa.Column('last_sheet_id', sa.Integer(), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.Column('undone_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_record'))
    )
    op.create_table('import_record_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_record_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('old_values', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['import_record_id'], ['import_record.id'],
                            name=op.f('fk_import_record_member_import_record_id_import_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_record_member'))
    )
    with op.batch_alter_table('import_record_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_record_member_import_record_id'),
                              ['import_record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_record_member_member_id'), ['member_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('import_record_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_record_member_member_id'))
        batch_op.drop_index(batch_op.f('ix_import_record_member_import_record_id'))
    op.drop_table('import_record_member')
    op.drop_table('import_record')
