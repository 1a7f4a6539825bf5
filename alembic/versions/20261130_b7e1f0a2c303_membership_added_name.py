"""membership added_name: the name the adder typed, shown until the member signs in

Add Member used to show the existing account's own full name right away, so an owner could
learn whose account an address is. The members table now shows `added_name` (what the adder
typed) until the person signs in, which sets it back to NULL. Existing memberships keep NULL:
they show the account's name as before.

Revision ID: b7e1f0a2c303
Revises: b7e1f0a2c302
Create Date: 2026-11-30 19:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = 'b7e1f0a2c303'
down_revision: Union[str, Sequence[str], None] = 'b7e1f0a2c302'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('added_name', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_column('added_name')
