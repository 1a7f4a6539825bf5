"""The audit trail: one row per change, written in the same transaction as the change."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from .columns import enum_column
from .timeutil import utcnow


class AuditAction(StrEnum):
    """Every kind of change the audit trail records: one vocabulary, `<thing>.<verb>`."""

    AUTH_SIGN_IN = "auth.sign_in"
    AUTH_SIGN_IN_FAILED = "auth.sign_in_failed"
    AUTH_SIGN_OUT = "auth.sign_out"
    AUTH_LOCKED = "auth.locked"
    AUTH_UNLOCKED = "auth.unlocked"
    DEMO_LOAD = "demo.load"
    COURSE_CREATE = "course.create"
    COURSE_UPDATE = "course.update"
    COURSE_DELETE = "course.delete"
    LICENSE_CREATE = "license.create"
    LICENSE_UPDATE = "license.update"
    LICENSE_DELETE = "license.delete"
    SEAT_TYPE_CREATE = "seat_type.create"
    SEAT_TYPE_UPDATE = "seat_type.update"
    SEAT_TYPE_DELETE = "seat_type.delete"
    ORGANIZATION_TYPE_CREATE = "organization_type.create"
    ORGANIZATION_TYPE_UPDATE = "organization_type.update"
    ORGANIZATION_TYPE_DELETE = "organization_type.delete"
    ORGANIZATION_CREATE = "organization.create"
    ORGANIZATION_UPDATE = "organization.update"
    ORGANIZATION_UPDATE_SETTINGS = "organization.update_settings"
    ORGANIZATION_ADD_SEATS = "organization.add_seats"
    ORGANIZATION_TRANSFER_OWNERSHIP = "organization.transfer_ownership"
    MEMBER_ADD = "member.add"
    MEMBER_REMOVE = "member.remove"
    MEMBER_SET_ROLE = "member.set_role"
    INVITATION_CREATE = "invitation.create"
    INVITATION_RESEND = "invitation.resend"
    INVITATION_REVOKE = "invitation.revoke"
    INVITATION_ACCEPT = "invitation.accept"
    PROGRESS_COMPLETE_LESSON = "progress.complete_lesson"
    USER_CREATE = "user.create"
    USER_RESET_PASSWORD = "user.reset_password"
    USER_SET_ACTIVE = "user.set_active"
    USER_SET_STAFF = "user.set_staff"
    USER_SET_PASSWORD_FROM_INVITATION = "user.set_password_from_invitation"
    USER_SET_PASSWORD_FROM_LINK = "user.set_password_from_link"
    # back office (issue 11)
    MEMBERSHIP_ASSIGN = "membership.assign"
    MEMBERSHIP_UNASSIGN = "membership.unassign"
    MEMBERSHIP_UPDATE = "membership.update"
    ORGANIZATION_CHANGE_OWNER = "organization.change_owner"
    ORGANIZATION_MERGE = "organization.merge"
    ORGANIZATION_MERGE_AWAY = "organization.merge_away"
    ORGANIZATION_DELETE = "organization.delete"
    JOB_CREATE = "job.create"
    JOB_UPDATE = "job.update"
    JOB_DELETE = "job.delete"
    JOB_ASSIGN = "job.assign"
    JOB_UNASSIGN = "job.unassign"
    # reports (issue 10)
    REPORT_REMIND = "report.remind"
    # accounts (issue 12)
    USER_REQUEST_PASSWORD_RESET = "user.request_password_reset"
    USER_RESET_PASSWORD_FROM_LINK = "user.reset_password_from_link"
    USER_CHANGE_PASSWORD = "user.change_password"
    USER_CHANGE_NAME = "user.change_name"
    USER_REQUEST_EMAIL_CHANGE = "user.request_email_change"
    USER_CHANGE_EMAIL = "user.change_email"
    AUTH_SIGN_OUT_OTHERS = "auth.sign_out_others"
    # trial findings (issue 9)
    USER_RESEND_SET_PASSWORD = "user.resend_set_password"
    USER_UPDATE = "user.update"  # staff changed the name or e-mail on the Users page


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


class DeliveryStatus(StrEnum):
    """Where an outbox message is. `sending` is claimed by one process (so no other sends it
    too); one still `sending` long after its claim was cut off by a crash: it may or may not
    have reached the SMTP server, and is only sent again when an operator says so."""

    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"  # the SMTP server refused it every time it was tried
    OUTBOX_ONLY = "outbox_only"  # no SMTP server set up: the outbox is the delivery


class OutboxMessage(SQLModel, table=True):
    """Every e-mail the app sends: the demo works offline, and staff can see what went out."""

    __tablename__ = "outbox_messages"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    recipient: str = Field(max_length=254, index=True)
    subject: str = Field(max_length=255)
    body: str
    status: DeliveryStatus = Field(
        default=DeliveryStatus.PENDING,
        sa_column=enum_column(DeliveryStatus, "delivery_status", index=True),
    )
    attempts: int = Field(default=0)
    claimed_at: datetime | None = Field(default=None)
    delivered_at: datetime | None = Field(default=None)
    last_error: str = Field(default="", max_length=500)
