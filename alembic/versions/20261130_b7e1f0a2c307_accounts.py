"""accounts (issue 12): which browser a session is and when it was last seen; account links
for "reset your password" and "confirm your new e-mail address"

`password_set_tokens` gains `purpose` (existing rows are "set_password" links) and `new_email`
(the address an e-mail change confirms); `auth_sessions` gains `user_agent` and `last_seen_at`
(existing sessions count as last seen when they started).

Revision ID: b7e1f0a2c307
Revises: b7e1f0a2c306
Create Date: 2026-11-30 17:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = 'b7e1f0a2c307'
down_revision: Union[str, Sequence[str], None] = 'b7e1f0a2c306'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=300),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('last_seen_at', sqlmodel.sql.sqltypes.UTCDateTime(),
                                      nullable=True))
    op.execute("UPDATE auth_sessions SET last_seen_at = activated_at")
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.alter_column('user_agent', server_default=None)

    with op.batch_alter_table('password_set_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'purpose',
            sa.Enum('set_password', 'reset_password', 'change_email', name='link_purpose',
                    native_enum=False, create_constraint=True, length=16),
            nullable=False, server_default='set_password'))
        batch_op.add_column(sa.Column('new_email', sqlmodel.sql.sqltypes.AutoString(length=254),
                                      nullable=True))
    with op.batch_alter_table('password_set_tokens', schema=None) as batch_op:
        batch_op.alter_column('purpose', server_default=None)


def downgrade() -> None:
    # Reset and e-mail-change links cannot be told apart from set-password links once the
    # column is gone: they go (they live an hour or a day; a person can ask again).
    op.execute("DELETE FROM password_set_tokens WHERE purpose <> 'set_password'")
    with op.batch_alter_table('password_set_tokens', schema=None) as batch_op:
        batch_op.drop_constraint('link_purpose', type_='check')
        batch_op.drop_column('new_email')
        batch_op.drop_column('purpose')

    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')
        batch_op.drop_column('user_agent')
