"""Admin states for the catalog: Courses, Licenses and Seat Types (list + add / edit form)."""

import reflex as rx

from .. import routes
from ..services import catalog
from .admin_common import AdminFormMixin, ChoiceItem, choice_items
from .base import AppState
from .paged_list import PagedListMixin

# ---------------------------------------------------------------- courses


class AdminCoursesState(PagedListMixin, AdminFormMixin, AppState):
    _list_route, _record_route = routes.ADMIN_COURSES, routes.ADMIN_COURSE
    _draft_fields, _noun, _label_field = ("title", "lesson_count"), "course", "title"
    sort_by: str = "title"
    rows: list[catalog.CourseRow] = []  # noqa: RUF012
    f_title: str = ""
    f_lesson_count: str = ""

    def _load_page(self, session, user, **listing):
        result = catalog.list_courses(session, actor=user, **listing)
        self.rows = list(result.rows)
        return result

    @rx.event
    def open_new(self):
        self.f_title, self.f_lesson_count = "", "1"
        self._open_form(0)

    def _open_record(self, course_id: int) -> None:
        def read(session, user):
            course = catalog.get_course(session, actor=user, course_id=course_id)
            self.f_title, self.f_lesson_count = course.title, str(course.lesson_count)
            self._opened = catalog.opened_course(course)
            return course.id

        self._open_edit_with(read)

    @rx.event
    def save(self, form_data: dict):
        fields = {"title": form_data.get("title"), "lesson_count": form_data.get("lesson_count")}

        def write(session, user):
            if self.editing_id:
                return catalog.update_course(session, actor=user, course_id=self.editing_id,
                                             opened=self._opened, **fields)
            return catalog.create_course(session, actor=user, **fields)

        if self._submit(write, lambda course: f"Saved the course “{course.title}”."):
            return self._back_to_list()
        return None

    @rx.event
    def delete(self):
        if self._submit(
            lambda session, user: catalog.delete_course(session, actor=user,
                                                        course_id=self.editing_id),
            lambda _: "Deleted the course."):
            return self._back_to_list()
        return None


# ---------------------------------------------------------------- licenses


class AdminLicensesState(PagedListMixin, AdminFormMixin, AppState):
    _list_route, _record_route = routes.ADMIN_LICENSES, routes.ADMIN_LICENSE
    _draft_fields, _noun = ("name", "product"), "license"
    sort_by: str = "name"
    rows: list[catalog.LicenseRow] = []  # noqa: RUF012
    f_name: str = ""
    f_product: str = ""

    def _load_page(self, session, user, **listing):
        result = catalog.list_licenses(session, actor=user, **listing)
        self.rows = list(result.rows)
        return result

    @rx.event
    def open_new(self):
        self.f_name, self.f_product = "", ""
        self._open_form(0)

    def _open_record(self, license_id: int) -> None:
        def read(session, user):
            lic = catalog.get_license(session, actor=user, license_id=license_id)
            self.f_name, self.f_product = lic.name, lic.product
            self._opened = catalog.opened_license(lic)
            return lic.id

        self._open_edit_with(read)

    @rx.event
    def save(self, form_data: dict):
        fields = {"name": form_data.get("name"), "product": form_data.get("product")}

        def write(session, user):
            if self.editing_id:
                return catalog.update_license(session, actor=user, license_id=self.editing_id,
                                              opened=self._opened, **fields)
            return catalog.create_license(session, actor=user, **fields)

        if self._submit(write, lambda lic: f"Saved the license “{lic.name}”."):
            return self._back_to_list()
        return None

    @rx.event
    def delete(self):
        if self._submit(
            lambda session, user: catalog.delete_license(session, actor=user,
                                                         license_id=self.editing_id),
            lambda _: "Deleted the license."):
            return self._back_to_list()
        return None


# ---------------------------------------------------------------- seat types


class AdminSeatTypesState(PagedListMixin, AdminFormMixin, AppState):
    _list_route, _record_route = routes.ADMIN_SEAT_TYPES, routes.ADMIN_SEAT_TYPE
    _draft_fields, _noun = ("name",), "seat type"
    _draft_ticks = ("course_ids", "license_ids")
    sort_by: str = "name"
    rows: list[catalog.SeatTypeRow] = []  # noqa: RUF012
    course_choices: list[ChoiceItem] = []  # noqa: RUF012
    license_choices: list[ChoiceItem] = []  # noqa: RUF012
    f_name: str = ""
    f_course_ids: list[str] = []  # noqa: RUF012
    f_license_ids: list[str] = []  # noqa: RUF012

    def _load_page(self, session, user, **listing):
        result = catalog.list_seat_types(session, actor=user, **listing)
        self.rows = list(result.rows)
        return result

    def _load_choices(self, session, user) -> None:
        self.course_choices = choice_items(catalog.course_choices(session, actor=user))
        self.license_choices = choice_items(catalog.license_choices(session, actor=user))

    @rx.event
    def open_new(self):
        def prepare(session, user):
            self._load_choices(session, user)
            self.f_name, self.f_course_ids, self.f_license_ids = "", [], []

        self._open_new_with(prepare)

    def _open_record(self, seat_type_id: int) -> None:
        def read(session, user):
            form = catalog.get_seat_type_form(session, actor=user, seat_type_id=seat_type_id)
            self._load_choices(session, user)
            self.f_name = form.name
            self.f_course_ids = [str(i) for i in form.course_ids]
            self.f_license_ids = [str(i) for i in form.license_ids]
            self._opened = form.opened
            return form.id

        self._open_edit_with(read)

    @rx.event
    def save(self, form_data: rx.form.FormData):
        fields = {
            "name": form_data.get("name"),
            "course_ids": form_data.getlist("course_ids"),
            "license_ids": form_data.getlist("license_ids"),
        }

        def write(session, user):
            if self.editing_id:
                return catalog.update_seat_type(session, actor=user, seat_type_id=self.editing_id,
                                                opened=self._opened, **fields)
            return catalog.create_seat_type(session, actor=user, **fields)

        if self._submit(write, lambda seat_type: f"Saved the seat type “{seat_type.name}”."):
            return self._back_to_list()
        return None

    @rx.event
    def delete(self):
        if self._submit(
            lambda session, user: catalog.delete_seat_type(session, actor=user,
                                                           seat_type_id=self.editing_id),
            lambda _: "Deleted the seat type."):
            return self._back_to_list()
        return None
