"""The audit trail: one row per change, written in the same transaction as the change."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from .timeutil import utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL", index=True
    )
    # No foreign key: the trail of a deleted organization must outlive it.
    organization_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=64, index=True)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class OutboxMessage(SQLModel, table=True):
    """Every e-mail the app sends: the demo works offline, and staff can see what went out."""

    __tablename__ = "outbox_messages"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    recipient: str = Field(max_length=254, index=True)
    subject: str = Field(max_length=255)
    body: str
    delivered: bool = Field(default=False)  # True when an SMTP server accepted it
