"""reports (issue 10): report_reminders, one reminder per member per course per day

Revision ID: b7e1f0a2c306
Revises: b7e1f0a2c305
Create Date: 2026-11-30 18:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = 'b7e1f0a2c306'
down_revision: Union[str, Sequence[str], None] = 'b7e1f0a2c305'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('report_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'course_id', 'day', name='uq_report_reminder_user_course_day')
    )
    with op.batch_alter_table('report_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_reminders_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_reminders_organization_id'), ['organization_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('report_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_reminders_organization_id'))
        batch_op.drop_index(batch_op.f('ix_report_reminders_course_id'))

    op.drop_table('report_reminders')
