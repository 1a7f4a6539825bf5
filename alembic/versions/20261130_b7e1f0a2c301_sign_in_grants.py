"""sign-in grants: a session is activated by a server route that sets an HttpOnly cookie

A new session row starts as a short single-use grant; the server route that sets the cookie
swaps it for the real token and stamps `activated_at`. Sessions that existed before this
revision were set by the page itself and count as activated when they were created.

Revision ID: b7e1f0a2c301
Revises: 7cd62dd7959e
Create Date: 2026-11-30 17:05:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = 'b7e1f0a2c301'
down_revision: Union[str, Sequence[str], None] = '7cd62dd7959e'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("auth_sessions") as batch:
        batch.add_column(sa.Column("activated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.execute("UPDATE auth_sessions SET activated_at = created_at")


def downgrade() -> None:
    # Grants that were never activated would become full sessions without the column.
    op.execute("DELETE FROM auth_sessions WHERE activated_at IS NULL")
    with op.batch_alter_table("auth_sessions") as batch:
        batch.drop_column("activated_at")
