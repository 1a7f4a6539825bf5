"""What access is made of: courses, licenses, and seat types that bundle them."""

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from .columns import version_field, versioned


@versioned
class Course(SQLModel, table=True):
    __tablename__ = "courses"
    __table_args__ = (CheckConstraint("lesson_count >= 1", name="ck_course_lessons_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200, unique=True)
    lesson_count: int = Field(default=1)
    version: int | None = version_field()


@versioned
class License(SQLModel, table=True):
    __tablename__ = "licenses"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    product: str = Field(default="", max_length=200)
    version: int | None = version_field()


@versioned
class SeatType(SQLModel, table=True):
    __tablename__ = "seat_types"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    version: int | None = version_field()


class SeatTypeCourse(SQLModel, table=True):
    __tablename__ = "seat_type_courses"

    seat_type_id: int = Field(foreign_key="seat_types.id", ondelete="CASCADE", primary_key=True)
    course_id: int = Field(foreign_key="courses.id", ondelete="RESTRICT", primary_key=True)


class SeatTypeLicense(SQLModel, table=True):
    __tablename__ = "seat_type_licenses"

    seat_type_id: int = Field(foreign_key="seat_types.id", ondelete="CASCADE", primary_key=True)
    license_id: int = Field(foreign_key="licenses.id", ondelete="RESTRICT", primary_key=True)
