"""ward reports: the yearly summary packages of wards, imported by the town committee

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 23:20:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('ward_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ward_uuid', sa.String(length=36), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('committee_name', sa.String(length=200), nullable=False),
    sa.Column('party_org_name', sa.String(length=200), nullable=False),
    sa.Column('parent_name', sa.String(length=200), nullable=False),
    sa.Column('package_created_at', sa.DateTime(), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('package_sha256', sa.String(length=64), nullable=False),
    sa.Column('figures_json', sa.Text(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ward_report')),
    sa.UniqueConstraint('ward_uuid', 'year', name=op.f('uq_ward_report_ward_uuid'))
    )
    op.create_table('ward_report_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('member_uuid', sa.String(length=36), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('sort_key', sa.String(length=1000), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('join_date', sa.Date(), nullable=True),
    sa.Column('job', sa.String(length=400), nullable=False),
    sa.Column('party_unit', sa.String(length=400), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('cell', sa.String(length=200), nullable=False),
    sa.Column('workplace_org', sa.String(length=200), nullable=False),
    sa.Column('received_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('excused', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['ward_report.id'],
                            name=op.f('fk_ward_report_member_report_id_ward_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ward_report_member'))
    )
    with op.batch_alter_table('ward_report_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ward_report_member_report_id'), ['report_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ward_report_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ward_report_member_report_id'))
    op.drop_table('ward_report_member')
    op.drop_table('ward_report')
