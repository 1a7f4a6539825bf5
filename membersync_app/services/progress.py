"""Course progress: a member opens a course their access gives them and completes its lessons in
order. This is the real data the reports read (DESIGN.md §2, CourseProgress).
"""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from ..models import AuditAction, Course, CourseProgress, User, utcnow
from . import audit
from .access import has_course, progress_status
from .errors import ServiceError
from .permissions import require_signed_in
from .validation import whole_number

NO_ACCESS = "You do not have this course: none of your active memberships gives it."


@dataclass(frozen=True)
class CourseView:
    course_id: int
    title: str
    lesson_count: int
    lessons_completed: int
    status: str


def _course_for(session: Session, actor: User | None, course_id: Any) -> tuple[User, Course]:
    actor = require_signed_in(actor)
    course_id = whole_number(course_id, allow_text=False)
    if course_id is None:
        raise ServiceError(NO_ACCESS)
    course = session.get(Course, course_id)
    if course is None or not has_course(session, user_id=actor.id, course_id=course.id):
        raise ServiceError(NO_ACCESS)
    return actor, course


def _progress(session: Session, user_id: int, course_id: int, *,
              lock: bool = False) -> CourseProgress | None:
    """The person's progress in the course; `lock` for a change (the row is held until the
    commit, so two tabs completing lessons cannot both read the old count). A page load only
    reads, and takes no lock."""
    query = select(CourseProgress).where(CourseProgress.user_id == user_id,
                                         CourseProgress.course_id == course_id)
    return session.exec(query.with_for_update() if lock else query).first()


def _view(course: Course, progress: CourseProgress | None) -> CourseView:
    done = min(progress.lessons_completed, course.lesson_count) if progress else 0
    return CourseView(course_id=course.id, title=course.title, lesson_count=course.lesson_count,
                      lessons_completed=done,
                      status=progress_status(done, course.lesson_count))


def view_course(session: Session, *, actor: User | None, course_id: Any) -> CourseView:
    actor, course = _course_for(session, actor, course_id)
    return _view(course, _progress(session, actor.id, course.id))


def complete_lesson(
    session: Session, *, actor: User | None, course_id: Any, lesson: Any
) -> CourseView:
    """Mark lesson `lesson` (1-based) complete. Lessons go in order; repeating one is harmless."""
    actor, course = _course_for(session, actor, course_id)
    lesson = whole_number(lesson, allow_text=False)
    if lesson is None or not 1 <= lesson <= course.lesson_count:
        raise ServiceError(f"This course has lessons 1 to {course.lesson_count}.")
    progress = _progress(session, actor.id, course.id, lock=True)
    done = progress.lessons_completed if progress else 0
    if lesson <= done:
        return _view(course, progress)
    if lesson > done + 1:
        raise ServiceError(f"Complete lesson {done + 1} first.")
    now = utcnow()
    if progress is None:
        progress = CourseProgress(user_id=actor.id, course_id=course.id, lessons_completed=0,
                                  started_at=now, last_activity_at=now)
    progress.lessons_completed = lesson
    progress.last_activity_at = now
    if lesson >= course.lesson_count and progress.completed_at is None:
        progress.completed_at = now
    session.add(progress)
    session.flush()
    audit.record(session, actor=actor, action=AuditAction.PROGRESS_COMPLETE_LESSON,
                 organization_id=None, course_id=course.id,
                 lesson=lesson, completed=progress.completed_at is not None)
    return _view(course, progress)
