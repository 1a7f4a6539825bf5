"""/my — My access, and /my/course/[id] where the member completes lessons."""

import reflex as rx

from ..services import access, progress
from ..services.errors import ServiceError
from ..services.validation import whole_number
from .base import AppState


class MyAccessState(AppState):
    my_orgs: list[access.MyOrgRow] = []  # noqa: RUF012  (Reflex copies var defaults)
    my_courses: list[access.MyCourseRow] = []  # noqa: RUF012
    my_licenses: list[access.MyLicenseRow] = []  # noqa: RUF012
    my_loaded: bool = False

    @rx.event
    def load(self):
        with self._reading() as (session, user):
            if away := self._away_unless_signed_in(user):
                return away
            page = access.my_access_page(session, actor=user)
        self.my_orgs, self.my_courses, self.my_licenses = page.orgs, page.courses, page.licenses
        self.my_loaded = True
        return None


class CourseState(AppState):
    _course_id: int = 0
    course_title: str = ""
    course_status: str = ""
    course_progress: str = ""
    course_error: str = ""
    course_loaded: bool = False
    lessons: list[access.LessonRow] = []  # noqa: RUF012

    def _show(self, view) -> None:
        self.course_title = view.title
        self.course_status = view.status
        self.course_progress = f"{view.lessons_completed} / {view.lesson_count} lessons completed"
        self.lessons = access.lesson_rows(view.lessons_completed, view.lesson_count)
        self.course_loaded = True

    @rx.event
    def load(self):
        self._course_id = whole_number(self.id) or 0  # the route's [id]: any text a client sent
        self.course_error = ""
        self.course_loaded = False
        with self._reading() as (session, user):
            if away := self._away_unless_signed_in(user):
                return away
            try:
                self._show(progress.view_course(session, actor=user, course_id=self._course_id))
            except ServiceError as error:
                self.course_error = error.message
        return None

    @rx.event
    def complete(self, lesson: int):
        self.course_error = ""
        try:
            with self._unit() as (session, user):
                view = progress.complete_lesson(session, actor=user, course_id=self._course_id,
                                                lesson=lesson)
        except ServiceError as error:
            self.course_error = error.message
            return
        self._show(view)
