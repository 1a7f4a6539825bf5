"""Course progress: real data members make by completing lessons; reports read it."""

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from .timeutil import utcnow


class CourseProgress(SQLModel, table=True):
    """Status is derived: no row or 0 lessons = not started; all lessons = completed."""

    __tablename__ = "course_progress"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", name="uq_progress_user_course"),
        CheckConstraint("lessons_completed >= 0", name="ck_progress_lessons_nonnegative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    course_id: int = Field(foreign_key="courses.id", ondelete="CASCADE", index=True)
    lessons_completed: int = Field(default=0)
    started_at: datetime = Field(default_factory=utcnow)
    completed_at: datetime | None = Field(default=None)
    last_activity_at: datetime = Field(default_factory=utcnow)
