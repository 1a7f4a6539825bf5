"""case-insensitive unique usernames

Sign-in and the "username taken" check compare lower-cased usernames; this index serves them
(instead of a scan of every user) and makes the database refuse "Ann" beside "ann". Existing
duplicates that differ only in case must be renamed first: the upgrade stops and names them.

Revision ID: 7cd62dd7959e
Revises: 6901aa3ae666
Create Date: 2026-11-23 11:18:07.960889

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '7cd62dd7959e'
down_revision: Union[str, Sequence[str], None] = '6901aa3ae666'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    clashes = op.get_bind().execute(sa.text(
        "SELECT lower(username) FROM users GROUP BY lower(username) HAVING count(*) > 1"
    )).scalars().all()
    if clashes:
        raise RuntimeError(
            "These usernames exist more than once when case is ignored; rename all but one "
            f"of each, then migrate again: {', '.join(sorted(clashes))}"
        )
    op.create_index(
        "uq_users_username_lower", "users", [sa.text("lower(username)")], unique=True
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("uq_users_username_lower", table_name="users")
