"""/admin/courses, /admin/licenses, /admin/seat-types: lists with an add / edit form."""

import reflex as rx

from .. import routes
from ..components import admin
from ..components.data_table import Column, long_text
from ..services.catalog import CourseRow, LicenseRow, SeatTypeRow
from ..state.admin_catalog import (
    AdminCoursesState,
    AdminLicensesState,
    AdminSeatTypesState,
)

# ---------------------------------------------------------------- courses


def _course_row(course: CourseRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(long_text(course.title)),
        rx.table.cell(course.lesson_count),
        rx.table.cell(course.used_by),
        rx.table.cell(admin.edit_button("Edit " + course.title,
                                        AdminCoursesState.open_edit(course.id))),
    )


def _course_form() -> rx.Component:
    s = AdminCoursesState
    return admin.form_card(
        s, "Add a course", "Edit course",
        admin.kept_field(s, "Title", "title", field_id="course-title"),
        admin.kept_field(s, "Number of lessons", "lesson_count", field_id="course-lessons",
                         input_mode="numeric"),
        delete_label="Delete course",
    )


admin.admin_list_pages(
    AdminCoursesState, title="Courses", route=routes.ADMIN_COURSES,
    record=("Course", routes.ADMIN_COURSE), form=_course_form,
    columns=[Column("Title", "title"), Column("Lessons", "lesson_count"), Column("Used by"),
             Column("")],
    row=_course_row, search_label="Search courses", empty_text="No courses yet.",
    table_id="courses",
)

# ---------------------------------------------------------------- licenses


def _license_row(lic: LicenseRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(long_text(lic.name)),
        rx.table.cell(long_text(lic.product)),
        rx.table.cell(lic.used_by),
        rx.table.cell(admin.edit_button("Edit " + lic.name, AdminLicensesState.open_edit(lic.id))),
    )


def _license_form() -> rx.Component:
    s = AdminLicensesState
    return admin.form_card(
        s, "Add a license", "Edit license",
        admin.kept_field(s, "Name", "name", field_id="license-name"),
        admin.kept_field(s, "Product", "product", field_id="license-product"),
        delete_label="Delete license",
    )


admin.admin_list_pages(
    AdminLicensesState, title="Licenses", route=routes.ADMIN_LICENSES,
    record=("License", routes.ADMIN_LICENSE), form=_license_form,
    columns=[Column("Name", "name"), Column("Product", "product"), Column("Used by"),
             Column("")],
    row=_license_row, search_label="Search licenses", empty_text="No licenses yet.",
    table_id="licenses",
)

# ---------------------------------------------------------------- seat types


def _seat_type_row(seat_type: SeatTypeRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(long_text(seat_type.name)),
        rx.table.cell(seat_type.course_count),
        rx.table.cell(seat_type.license_count),
        rx.table.cell(seat_type.organization_count),
        rx.table.cell(admin.edit_button("Edit " + seat_type.name,
                                        AdminSeatTypesState.open_edit(seat_type.id))),
    )


def _seat_type_form() -> rx.Component:
    s = AdminSeatTypesState
    return admin.form_card(
        s, "Add a seat type", "Edit seat type",
        admin.kept_field(s, "Name", "name", field_id="seat-type-name"),
        admin.side_by_side(
            admin.checkbox_group("Courses", "course_ids", s.course_choices, s.f_course_ids,
                                 "No courses yet: add some under Courses.", keep=s),
            admin.checkbox_group("Licenses", "license_ids", s.license_choices,
                                 s.f_license_ids, "No licenses yet: add some under Licenses.",
                                 keep=s),
        ),
        rx.text(s.errors.get("course_ids", ""), color="red", size="2"),
        rx.text(s.errors.get("license_ids", ""), color="red", size="2"),
        delete_label="Delete seat type",
    )


admin.admin_list_pages(
    AdminSeatTypesState, title="Seat Types", route=routes.ADMIN_SEAT_TYPES,
    record=("Seat Type", routes.ADMIN_SEAT_TYPE), form=_seat_type_form,
    columns=[Column("Name", "name"), Column("Courses"), Column("Licenses"),
             Column("Organizations"), Column("")],
    row=_seat_type_row, search_label="Search seat types", empty_text="No seat types yet.",
    table_id="seat-types",
)
