"""Report reminders: which member was reminded of which course on which day (issue 10)."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .timeutil import utcnow


class ReportReminder(SQLModel, table=True):
    """One reminder e-mail's mention of one course. The unique key is the rule itself: at most one
    reminder per member per course per (UTC) day, also when two managers press Remind at once."""

    __tablename__ = "report_reminders"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "day", name="uq_report_reminder_user_course_day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", ondelete="CASCADE", index=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    course_id: int = Field(foreign_key="courses.id", ondelete="CASCADE", index=True)
    day: date
    sent_at: datetime = Field(default_factory=utcnow)
    sent_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
