"""throttle: failed sign-in and link-token attempts counted per key in the database

One row per key ("account:<login>", "address:<ip>", "link:<ip>"), so every backend worker
sees the same counts and locks. Rows are plain counters: nothing else refers to them, and
dropping the table on downgrade only forgets recent failures and current locks.

Revision ID: b7e1f0a2c302
Revises: b7e1f0a2c301
Create Date: 2026-11-30 18:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = 'b7e1f0a2c302'
down_revision: Union[str, Sequence[str], None] = 'b7e1f0a2c301'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('throttle_counters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_failure_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('locked_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('throttle_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_throttle_counters_key'), ['key'], unique=True)
        batch_op.create_index(batch_op.f('ix_throttle_counters_last_failure_at'), ['last_failure_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('throttle_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_throttle_counters_last_failure_at'))
        batch_op.drop_index(batch_op.f('ix_throttle_counters_key'))

    op.drop_table('throttle_counters')
