"""Admin states for the catalog: Courses, Licenses and Seat Types (list + add / edit form)."""

from typing import ClassVar

from .. import routes
from ..services import catalog
from .admin_common import RecordFormMixin, RecordServices
from .base import AppState
from .paged_list import PagedListMixin

# ---------------------------------------------------------------- courses


class AdminCoursesState(PagedListMixin, RecordFormMixin, AppState):
    _list_route, _record_route = routes.ADMIN_COURSES, routes.ADMIN_COURSE
    _draft_fields, _noun, _label_field = ("title", "lesson_count"), "course", "title"
    _list_service = staticmethod(catalog.list_courses)
    _services: ClassVar[RecordServices] = RecordServices(
        "course_id", create=catalog.create_course, update=catalog.update_course,
        delete=catalog.delete_course, read=catalog.get_course)
    sort_by: str = "title"
    rows: list[catalog.CourseRow] = []  # noqa: RUF012
    f_title: str = ""
    f_lesson_count: str = ""

    def _blank_form(self) -> None:
        self.f_title, self.f_lesson_count = "", "1"

    def _fill_form(self, course) -> None:
        self.f_title, self.f_lesson_count = course.title, str(course.lesson_count)
        self._opened = catalog.opened_course(course)


# ---------------------------------------------------------------- licenses


class AdminLicensesState(PagedListMixin, RecordFormMixin, AppState):
    _list_route, _record_route = routes.ADMIN_LICENSES, routes.ADMIN_LICENSE
    _draft_fields, _noun = ("name", "product"), "license"
    _list_service = staticmethod(catalog.list_licenses)
    _services: ClassVar[RecordServices] = RecordServices(
        "license_id", create=catalog.create_license, update=catalog.update_license,
        delete=catalog.delete_license, read=catalog.get_license)
    sort_by: str = "name"
    rows: list[catalog.LicenseRow] = []  # noqa: RUF012
    f_name: str = ""
    f_product: str = ""

    def _blank_form(self) -> None:
        self.f_name, self.f_product = "", ""

    def _fill_form(self, lic) -> None:
        self.f_name, self.f_product = lic.name, lic.product
        self._opened = catalog.opened_license(lic)


# ---------------------------------------------------------------- seat types


class AdminSeatTypesState(PagedListMixin, RecordFormMixin, AppState):
    _list_route, _record_route = routes.ADMIN_SEAT_TYPES, routes.ADMIN_SEAT_TYPE
    _draft_fields, _noun = ("name",), "seat type"
    _draft_ticks = ("course_ids", "license_ids")  # the form's checkbox groups
    _list_service = staticmethod(catalog.list_seat_types)
    _services: ClassVar[RecordServices] = RecordServices(
        "seat_type_id", create=catalog.create_seat_type, update=catalog.update_seat_type,
        delete=catalog.delete_seat_type, read=catalog.get_seat_type_form)
    _choices: ClassVar[tuple[str, ...]] = ("course_choices", "license_choices")
    sort_by: str = "name"
    rows: list[catalog.SeatTypeRow] = []  # noqa: RUF012
    course_choices: list[catalog.Choice] = []  # noqa: RUF012
    license_choices: list[catalog.Choice] = []  # noqa: RUF012
    f_name: str = ""
    f_course_ids: list[str] = []  # noqa: RUF012
    f_license_ids: list[str] = []  # noqa: RUF012

    def _blank_form(self) -> None:
        self.f_name, self.f_course_ids, self.f_license_ids = "", [], []

    def _fill_form(self, form: catalog.SeatTypeForm) -> None:
        self.f_name = form.name
        self.f_course_ids = [str(i) for i in form.course_ids]
        self.f_license_ids = [str(i) for i in form.license_ids]
        self._opened = form.opened
