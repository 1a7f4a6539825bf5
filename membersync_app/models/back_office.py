"""What the staff back office keeps beyond an organization's life: people staff blocked who were
then removed, and the titles of deleted organizations (their audit trail stays readable)."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .timeutil import utcnow


class StaffBlock(SQLModel, table=True):
    """A person staff blocked in an organization whose membership was then removed (by an owner
    or a manager): they may not be added or invited back, except by staff."""

    __tablename__ = "staff_blocks"
    __table_args__ = (UniqueConstraint("organization_id", "user_id", name="uq_staff_block"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", ondelete="CASCADE", index=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    removed_at: datetime = Field(default_factory=utcnow)


class DeletedOrganization(SQLModel, table=True):
    """The title of a deleted (or merged-away) organization, under its old id: the audit log
    shows its events with this title, and a second delete says who was first."""

    __tablename__ = "deleted_organizations"

    # The organization's own id (no foreign key: the organization is gone).
    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    title: str = Field(max_length=200)
    deleted_at: datetime = Field(default_factory=utcnow)
    deleted_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    merged_into_id: int | None = Field(default=None)  # the organization it was merged into
