"""Organization types: the template with its General, Access and Seat Benefits tabs."""

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from .columns import enum_column, version_field, versioned
from .enums import Role, Visibility


@versioned
class OrganizationType(SQLModel, table=True):
    __tablename__ = "organization_types"
    __table_args__ = (
        CheckConstraint(
            "invitation_days >= 1 AND invitation_days <= 365", name="ck_org_type_invitation_days"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    # General
    name: str = Field(max_length=200, unique=True)
    visibility: Visibility = Field(
        default=Visibility.PRIVATE, sa_column=enum_column(Visibility, "visibility")
    )
    default_seat_type_id: int | None = Field(
        default=None, foreign_key="seat_types.id", ondelete="SET NULL"
    )
    # Access: what managers may do (owners and staff always may)
    managers_add_members: bool = Field(default=True)
    managers_invite: bool = Field(default=True)
    managers_remove_members: bool = Field(default=True)
    managers_manage_seats: bool = Field(default=False)
    managers_edit_settings: bool = Field(default=False)
    managers_view_reports: bool = Field(default=True)
    invitation_days: int = Field(default=14)
    access_ends_at_expiry: bool = Field(default=True)
    # e-mail domain (e.g. "example.com") whose addresses may be added without an invitation
    auto_add_domain: str = Field(default="", max_length=253)
    version: int | None = version_field()


class _RoleBenefit(SQLModel):
    """The organization type a Seat Benefit belongs to, first in the primary key of both
    benefit tables. The role column stays in each table: its CHECK constraint is a Column
    object of its own per table."""

    org_type_id: int = Field(
        foreign_key="organization_types.id", ondelete="CASCADE", primary_key=True
    )


class RoleBenefitCourse(_RoleBenefit, table=True):
    """Seat Benefits tab: a course a role gets in every organization of this type."""

    __tablename__ = "role_benefit_courses"

    role: Role = Field(sa_column=enum_column(Role, "role", primary_key=True))
    course_id: int = Field(foreign_key="courses.id", ondelete="RESTRICT", primary_key=True)


class RoleBenefitLicense(_RoleBenefit, table=True):
    """Seat Benefits tab: a license a role gets in every organization of this type."""

    __tablename__ = "role_benefit_licenses"

    role: Role = Field(sa_column=enum_column(Role, "role", primary_key=True))
    license_id: int = Field(foreign_key="licenses.id", ondelete="RESTRICT", primary_key=True)
