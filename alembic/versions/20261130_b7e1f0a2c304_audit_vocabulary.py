"""one audit vocabulary: "org.*" and "org_type.*" become "organization.*" and "organization_type.*"

The audit log filters by action; renaming the stored values lets one filter find old and new
events alike.

Revision ID: b7e1f0a2c304
Revises: b7e1f0a2c303
Create Date: 2026-11-30 17:20:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = 'b7e1f0a2c304'
down_revision: Union[str, Sequence[str], None] = 'b7e1f0a2c303'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

RENAMED = {
    "org.add_seats": "organization.add_seats",
    "org.transfer_ownership": "organization.transfer_ownership",
    "org.update_settings": "organization.update_settings",
    "org_type.create": "organization_type.create",
    "org_type.update": "organization_type.update",
    "org_type.delete": "organization_type.delete",
}


def _rename(pairs) -> None:
    statement = sa.text("UPDATE audit_events SET action = :new WHERE action = :old")
    for old, new in pairs:
        op.get_bind().execute(statement, {"old": old, "new": new})


def upgrade() -> None:
    _rename(RENAMED.items())


def downgrade() -> None:
    _rename((new, old) for old, new in RENAMED.items())
