"""back office (issue 11): Organization admin is the manager role; staff blocks; deleted titles

- `memberships.is_org_admin` goes: the back office's "Organization admin" is the manager role
  (one source of truth). A member whose flag was set becomes a manager (the same seat).
  Downgrade sets the flag again for every manager.
- `staff_blocks`: people staff blocked whose membership an owner or manager then removed; they
  may not be added back except by staff.
- `deleted_organizations`: the title of a deleted or merged-away organization under its old id,
  so its audit events (which have no foreign key) stay readable.
- `organizations` ids are never reused (SQLite: AUTOINCREMENT), so a new organization never
  inherits a deleted one's audit events.

Revision ID: b7e1f0a2c305
Revises: b7e1f0a2c304
Create Date: 2026-11-30 17:20:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = 'b7e1f0a2c305'
down_revision: Union[str, Sequence[str], None] = 'b7e1f0a2c304'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _organization_ids_never_reused(on: bool) -> None:
    """SQLite hands a deleted row's id to the next row unless the table is AUTOINCREMENT: a
    new organization would inherit a deleted one's audit trail. PostgreSQL sequences never
    reuse ids."""
    if op.get_bind().dialect.name != 'sqlite':
        return
    with op.batch_alter_table('organizations', recreate='always',
                              table_kwargs={'sqlite_autoincrement': on}):
        pass


def upgrade() -> None:
    _organization_ids_never_reused(True)
    op.execute("UPDATE memberships SET role = 'manager' "
               "WHERE is_org_admin = true AND role = 'member'")
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_column('is_org_admin')

    op.create_table(
        'staff_blocks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('removed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('organization_id', 'user_id', name='uq_staff_block'),
    )
    with op.batch_alter_table('staff_blocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_blocks_organization_id'), ['organization_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_staff_blocks_user_id'), ['user_id'], unique=False)

    op.create_table(
        'deleted_organizations',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('deleted_by_id', sa.Integer(), nullable=True),
        sa.Column('merged_into_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    _organization_ids_never_reused(False)
    op.drop_table('deleted_organizations')
    with op.batch_alter_table('staff_blocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_blocks_user_id'))
        batch_op.drop_index(batch_op.f('ix_staff_blocks_organization_id'))
    op.drop_table('staff_blocks')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_org_admin', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute("UPDATE memberships SET is_org_admin = (role = 'manager')")
