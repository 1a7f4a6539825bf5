"""Organizations, their memberships, invitations and back-office jobs."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from .columns import enum_column, version_field, versioned
from .enums import MembershipStatus, Role
from .timeutil import utcnow

MAX_SEAT_COUNT = 100_000


@versioned
class Organization(SQLModel, table=True):
    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint(
            f"seat_count >= 1 AND seat_count <= {MAX_SEAT_COUNT}", name="ck_org_seat_count"
        ),
        # Ids are never reused on SQLite either: a deleted organization's audit trail keeps
        # its id, which must not become a new organization's.
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200, index=True)
    owner_id: int = Field(foreign_key="users.id", ondelete="RESTRICT", index=True)
    expires_at: datetime | None = Field(default=None)  # None: never expires
    seat_count: int = Field(default=1)
    org_type_id: int = Field(foreign_key="organization_types.id", ondelete="RESTRICT", index=True)
    seat_type_id: int | None = Field(default=None, foreign_key="seat_types.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    version: int | None = version_field()


class Membership(SQLModel, table=True):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("organization_id", "user_id", name="uq_membership_org_user"),
        # Exactly one owner per organization, held by the database as well as the services.
        Index(
            "uq_membership_one_owner",
            "organization_id",
            unique=True,
            sqlite_where=text("role = 'owner'"),
            postgresql_where=text("role = 'owner'"),
        ),
        Index("ix_membership_org_role", "organization_id", "role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", ondelete="CASCADE", index=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    role: Role = Field(default=Role.MEMBER, sa_column=enum_column(Role, "role"))
    status: MembershipStatus = Field(
        default=MembershipStatus.ACTIVE,
        sa_column=enum_column(MembershipStatus, "membership_status"),
    )
    joined_at: datetime = Field(default_factory=utcnow)
    # The name the person who added them typed, shown in the members table instead of the
    # account's own name until the member signs in (then NULL): adding an address must not
    # reveal whose account it is.
    added_name: str | None = Field(default=None, max_length=200)


class Invitation(SQLModel, table=True):
    __tablename__ = "invitations"
    __table_args__ = (Index("ix_invitation_org_email", "organization_id", "email"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", ondelete="CASCADE", index=True)
    email: str = Field(max_length=254)  # lower-case
    role: Role = Field(default=Role.MEMBER, sa_column=enum_column(Role, "role"))
    token_hash: str = Field(max_length=64, unique=True, index=True)
    invited_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    accepted_at: datetime | None = Field(default=None)
    revoked_at: datetime | None = Field(default=None)


class Job(SQLModel, table=True):
    """A back-office "direct job"; an empty organization means unassigned."""

    __tablename__ = "jobs"

    id: int | None = Field(default=None, primary_key=True)
    job_type: str = Field(max_length=100)
    title: str = Field(max_length=200)
    organization_id: int | None = Field(
        default=None, foreign_key="organizations.id", ondelete="SET NULL", index=True
    )
