"""services/progress.py: lessons completed in order, only for courses the person has."""

import pytest
from factories import make_course, make_membership, make_org, make_seat_type, make_user
from sqlmodel import select

from membersync_app.models import CourseProgress
from membersync_app.services import progress
from membersync_app.services.errors import ServiceError


def member_with_course(session, lessons=3):
    course = make_course(session, lesson_count=lessons)
    org = make_org(session, seat_type=make_seat_type(session, courses=[course]))
    user = make_user(session)
    make_membership(session, org, user)
    return user, course


def test_lessons_complete_in_order_until_completed(session):
    user, course = member_with_course(session)
    assert progress.view_course(session, actor=user, course_id=course.id).status == "not started"
    with pytest.raises(ServiceError, match="Complete lesson 1 first"):
        progress.complete_lesson(session, actor=user, course_id=course.id, lesson=2)
    view = progress.complete_lesson(session, actor=user, course_id=course.id, lesson=1)
    assert (view.lessons_completed, view.status) == (1, "in progress")
    progress.complete_lesson(session, actor=user, course_id=course.id, lesson=1)  # harmless
    progress.complete_lesson(session, actor=user, course_id=course.id, lesson=2)
    view = progress.complete_lesson(session, actor=user, course_id=course.id, lesson=3)
    assert view.status == "completed"
    row = session.exec(select(CourseProgress)).one()
    assert row.lessons_completed == 3 and row.completed_at is not None


@pytest.mark.parametrize("lesson", [0, 4, "1", None, True])
def test_lesson_numbers_are_checked(session, lesson):
    user, course = member_with_course(session)
    with pytest.raises(ServiceError, match="lessons 1 to 3"):
        progress.complete_lesson(session, actor=user, course_id=course.id, lesson=lesson)


def test_course_outside_my_access_is_refused(session):
    _, course = member_with_course(session)
    stranger = make_user(session)
    for course_id in (course.id, {"id": course.id}, 999_999):
        with pytest.raises(ServiceError, match="do not have this course"):
            progress.complete_lesson(session, actor=stranger, course_id=course_id, lesson=1)
    with pytest.raises(ServiceError, match="sign in"):
        progress.view_course(session, actor=None, course_id=course.id)
