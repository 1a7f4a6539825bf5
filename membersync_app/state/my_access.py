"""/my — My access, and /my/course/[id] where the member completes lessons."""

import reflex as rx
from pydantic import BaseModel

from .. import routes
from ..services import access, progress
from ..services.display import expiry_text, percent
from ..services.errors import ServiceError
from ..services.validation import whole_number
from .base import AppState


class MyOrgItem(BaseModel):
    title: str
    role: str
    expires: str
    note: str


class MyCourseItem(BaseModel):
    title: str
    lessons: str
    status: str
    percent: int
    via: str
    href: str


class MyLicenseItem(BaseModel):
    name: str
    product: str
    via: str


class MyAccessState(AppState):
    my_orgs: list[MyOrgItem] = rx.field(default_factory=list)
    my_courses: list[MyCourseItem] = rx.field(default_factory=list)
    my_licenses: list[MyLicenseItem] = rx.field(default_factory=list)
    my_loaded: bool = False

    @rx.event
    def load(self):
        with self._reading() as (session, user):
            if away := self._away_unless_signed_in(user):
                return away
            result = access.my_access(session, actor=user)
        self.my_orgs = [
            MyOrgItem(title=o.title, role=o.role.value.capitalize(),
                      expires=expiry_text(o.expires_at),
                      note=o.note)
            for o in result.orgs
        ]
        self.my_courses = [
            MyCourseItem(title=c.title, lessons=f"{c.lessons_completed} / {c.lesson_count}",
                         status=c.status,
                         percent=percent(c.lessons_completed, c.lesson_count),
                         via=", ".join(c.via), href=routes.course_page(c.course_id))
            for c in result.courses
        ]
        self.my_licenses = [MyLicenseItem(name=lic.name, product=lic.product,
                                          via=", ".join(lic.via)) for lic in result.licenses]
        self.my_loaded = True
        return None


class LessonItem(BaseModel):
    number: int
    done: bool
    is_next: bool


class CourseState(AppState):
    _course_id: int = 0
    course_title: str = ""
    course_status: str = ""
    course_progress: str = ""
    course_error: str = ""
    course_loaded: bool = False
    lessons: list[LessonItem] = rx.field(default_factory=list)

    def _show(self, view) -> None:
        self.course_title = view.title
        self.course_status = view.status
        self.course_progress = f"{view.lessons_completed} / {view.lesson_count} lessons completed"
        self.lessons = [
            LessonItem(number=n, done=n <= view.lessons_completed,
                       is_next=n == view.lessons_completed + 1)
            for n in range(1, view.lesson_count + 1)
        ]
        self.course_loaded = True

    @rx.event
    def load(self):
        self._course_id = whole_number(self.id) or 0  # the route's [id]: any text a client sent
        self.course_error = ""
        self.course_loaded = False
        with self._unit() as (session, user):
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
