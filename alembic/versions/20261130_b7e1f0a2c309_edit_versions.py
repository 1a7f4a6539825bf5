"""edit versions: organizations, organization types, courses, licenses, seat types and users
get a `version` (1, then one more at every update), so an edit form opened earlier can tell
that someone saved since (services/edits.py). Existing rows start at version 1.

Revision ID: b7e1f0a2c309
Revises: b7e1f0a2c308
Create Date: 2026-11-30 20:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = 'b7e1f0a2c309'
down_revision: Union[str, Sequence[str], None] = 'b7e1f0a2c308'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLES = ("organizations", "organization_types", "courses", "licenses", "seat_types", "users")


def upgrade() -> None:
    # A plain ADD COLUMN with a default on every database (SQLite too): no table is rebuilt,
    # so the users table's expression index and the organizations' AUTOINCREMENT stay as they are.
    for table in TABLES:
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False,
                                       server_default="1"))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+ has it): a batch rebuild would lose the expression index.
    for table in TABLES:
        op.drop_column(table, "version")
