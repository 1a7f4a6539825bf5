"""/admin/courses, /admin/licenses, /admin/seat-types: lists with an add / edit form."""

import reflex as rx

from .. import routes
from ..components.admin import (
    add_button,
    admin_list_page,
    checkbox_group,
    edit_button,
    form_card,
    kept,
    side_by_side,
)
from ..components.data_table import Column, data_table, long_text
from ..components.forms import form_field
from ..services.catalog import CourseRow, LicenseRow, SeatTypeRow
from ..state.admin_catalog import (
    AdminCoursesState,
    AdminLicensesState,
    AdminSeatTypesState,
)
from ..state.base import AppState

# ---------------------------------------------------------------- courses


def _course_row(course: CourseRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(long_text(course.title)),
        rx.table.cell(course.lesson_count),
        rx.table.cell(course.used_by),
        rx.table.cell(edit_button("Edit " + course.title,
                                  AdminCoursesState.open_edit(course.id))),
    )


@rx.page(route=routes.ADMIN_COURSE, title="Course · Admin · MemberSync",
         on_load=[AppState.guard_staff, AdminCoursesState.load_record])
def admin_course_page() -> rx.Component:
    """One course's address: its edit form (reload and Back land here)."""
    return admin_courses_page()


@rx.page(route=routes.ADMIN_COURSES, title="Courses · Admin · MemberSync",
         on_load=[AppState.guard_staff, AdminCoursesState.load])
def admin_courses_page() -> rx.Component:
    s = AdminCoursesState
    return admin_list_page(
        s,
        form=form_card(
            s, "Add a course", "Edit course",
            form_field("Title", "title", field_id="course-title", default_value=s.f_title,
                       error=s.errors.get("title", ""), **kept(s, "title")),
            form_field("Number of lessons", "lesson_count", field_id="course-lessons",
                       default_value=s.f_lesson_count, input_mode="numeric",
                       error=s.errors.get("lesson_count", ""), **kept(s, "lesson_count")),
            delete_label="Delete course",
        ),
        table=data_table(
            s,
            columns=[Column("Title", "title"), Column("Lessons", "lesson_count"),
                     Column("Used by"), Column("")],
            rows=s.rows, row=_course_row, search_label="Search courses",
            empty_text="No courses yet.", table_id="courses", toolbar=add_button(s),
        ),
        title="Courses",
    )


# ---------------------------------------------------------------- licenses


def _license_row(lic: LicenseRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(long_text(lic.name)),
        rx.table.cell(long_text(lic.product)),
        rx.table.cell(lic.used_by),
        rx.table.cell(edit_button("Edit " + lic.name, AdminLicensesState.open_edit(lic.id))),
    )


@rx.page(route=routes.ADMIN_LICENSE, title="License · Admin · MemberSync",
         on_load=[AppState.guard_staff, AdminLicensesState.load_record])
def admin_license_page() -> rx.Component:
    """One license's address: its edit form (reload and Back land here)."""
    return admin_licenses_page()


@rx.page(route=routes.ADMIN_LICENSES, title="Licenses · Admin · MemberSync",
         on_load=[AppState.guard_staff, AdminLicensesState.load])
def admin_licenses_page() -> rx.Component:
    s = AdminLicensesState
    return admin_list_page(
        s,
        form=form_card(
            s, "Add a license", "Edit license",
            form_field("Name", "name", field_id="license-name", default_value=s.f_name,
                       error=s.errors.get("name", ""), **kept(s, "name")),
            form_field("Product", "product", field_id="license-product",
                       default_value=s.f_product, error=s.errors.get("product", ""),
                       **kept(s, "product")),
            delete_label="Delete license",
        ),
        table=data_table(
            s,
            columns=[Column("Name", "name"), Column("Product", "product"),
                     Column("Used by"), Column("")],
            rows=s.rows, row=_license_row, search_label="Search licenses",
            empty_text="No licenses yet.", table_id="licenses", toolbar=add_button(s),
        ),
        title="Licenses",
    )


# ---------------------------------------------------------------- seat types


def _seat_type_row(seat_type: SeatTypeRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(long_text(seat_type.name)),
        rx.table.cell(seat_type.course_count),
        rx.table.cell(seat_type.license_count),
        rx.table.cell(seat_type.organization_count),
        rx.table.cell(edit_button("Edit " + seat_type.name,
                                  AdminSeatTypesState.open_edit(seat_type.id))),
    )


@rx.page(route=routes.ADMIN_SEAT_TYPE, title="Seat Type · Admin · MemberSync",
         on_load=[AppState.guard_staff, AdminSeatTypesState.load_record])
def admin_seat_type_page() -> rx.Component:
    """One seat type's address: its edit form (reload and Back land here)."""
    return admin_seat_types_page()


@rx.page(route=routes.ADMIN_SEAT_TYPES, title="Seat Types · Admin · MemberSync",
         on_load=[AppState.guard_staff, AdminSeatTypesState.load])
def admin_seat_types_page() -> rx.Component:
    s = AdminSeatTypesState
    return admin_list_page(
        s,
        form=form_card(
            s, "Add a seat type", "Edit seat type",
            form_field("Name", "name", field_id="seat-type-name", default_value=s.f_name,
                       error=s.errors.get("name", ""), **kept(s, "name")),
            side_by_side(
                checkbox_group("Courses", "course_ids", s.course_choices, s.f_course_ids,
                               "No courses yet: add some under Courses.", keep=s),
                checkbox_group("Licenses", "license_ids", s.license_choices,
                               s.f_license_ids, "No licenses yet: add some under Licenses.",
                               keep=s),
            ),
            rx.text(s.errors.get("course_ids", ""), color="red", size="2"),
            rx.text(s.errors.get("license_ids", ""), color="red", size="2"),
            delete_label="Delete seat type",
        ),
        table=data_table(
            s,
            columns=[Column("Name", "name"), Column("Courses"), Column("Licenses"),
                     Column("Organizations"), Column("")],
            rows=s.rows, row=_seat_type_row, search_label="Search seat types",
            empty_text="No seat types yet.", table_id="seat-types", toolbar=add_button(s),
        ),
        title="Seat Types",
    )
