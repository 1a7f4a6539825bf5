"""outbox delivery state: pending, sending (claimed), delivered, failed, outbox only

A message is claimed (`sending`) by one process before it goes to the SMTP server, so two
workers, or a worker and `membersync deliver-outbox`, never send it twice; messages that were
delivered keep `delivered`, the others become `pending` (with SMTP) — the app and
`membersync deliver-outbox` send those.

Revision ID: b7e1f0a2c308
Revises: b7e1f0a2c307
Create Date: 2026-11-30 17:35:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = 'b7e1f0a2c308'
down_revision: Union[str, Sequence[str], None] = 'b7e1f0a2c307'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

STATUSES = ("pending", "sending", "delivered", "failed", "outbox_only")


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column(
            "status", sa.Enum(*STATUSES, name="delivery_status", native_enum=False,
                              create_constraint=True, length=16),
            nullable=False, server_default="pending"))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("claimed_at", sqlmodel.sql.sqltypes.UTCDateTime(),
                                   nullable=True))
        batch.add_column(sa.Column("delivered_at", sqlmodel.sql.sqltypes.UTCDateTime(),
                                   nullable=True))
        batch.add_column(sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=500),
                                   nullable=False, server_default=""))
    op.execute("UPDATE outbox_messages SET status = 'delivered', delivered_at = created_at "
               "WHERE delivered")
    # Before this revision an undelivered message was either never meant for SMTP (outbox
    # only) or failed once; neither is sent now, long after the fact.
    op.execute("UPDATE outbox_messages SET status = 'outbox_only' WHERE NOT delivered")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("delivered")
        batch.alter_column("status", server_default=None)
        batch.alter_column("attempts", server_default=None)
        batch.alter_column("last_error", server_default=None)
        batch.create_index("ix_outbox_messages_status", ["status"])


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("delivered", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.execute("UPDATE outbox_messages SET delivered = (status = 'delivered')")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.alter_column("delivered", server_default=None)
        batch.drop_constraint("delivery_status", type_="check")
        batch.drop_index("ix_outbox_messages_status")
        batch.drop_column("last_error")
        batch.drop_column("delivered_at")
        batch.drop_column("claimed_at")
        batch.drop_column("attempts")
        batch.drop_column("status")
