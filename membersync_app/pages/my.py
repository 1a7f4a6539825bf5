"""/my — My access: my organizations and role, my courses with progress, my licenses."""

import reflex as rx

from .. import routes
from ..components.layout import page_shell
from ..services.access import MyCourseRow, MyLicenseRow, MyOrgRow
from ..state.my_access import MyAccessState

S = MyAccessState


def _org_row(org: MyOrgRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(org.title),
        rx.table.cell(org.role),
        rx.table.cell(org.expires),
        rx.table.cell(rx.cond(org.note != "", rx.text(org.note, color="red", size="2"),
                              rx.text("gives access", size="2"))),
    )


def _course_row(course: MyCourseRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(course.title, href=routes.course_page(course.id))),
        rx.table.cell(rx.vstack(
            rx.text(course.lessons, size="2"),
            rx.progress(value=course.percent, max=100, width="120px",
                        aria_label="Progress in " + course.title),
            spacing="1")),
        rx.table.cell(course.status),
        rx.table.cell(course.via),
    )


def _license_row(lic: MyLicenseRow) -> rx.Component:
    return rx.table.row(rx.table.row_header_cell(lic.name), rx.table.cell(lic.product),
                        rx.table.cell(lic.via))


def _table(headers, items, render, table_id, empty) -> rx.Component:
    return rx.cond(
        items.length() > 0,
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(rx.foreach(items, render)),
            width="100%", id=table_id,
        ),
        rx.text(empty, size="2", color="gray"),
    )


@rx.page(route=routes.MY_ACCESS, title="My access · MemberSync", on_load=MyAccessState.load)
def my_page() -> rx.Component:
    return page_shell(
        rx.cond(
            S.my_loaded,
            rx.vstack(
                rx.heading("My organizations", size="5", as_="h2"),
                _table(("Organization", "Role", "Expires", "Access"), S.my_orgs, _org_row,
                       "my-orgs", "You are not a member of any organization."),
                rx.heading("My courses", size="5", as_="h2"),
                _table(("Course", "Progress", "Status", "Through"), S.my_courses, _course_row,
                       "my-courses", "No courses."),
                rx.heading("My licenses", size="5", as_="h2"),
                _table(("License", "Product", "Through"), S.my_licenses, _license_row,
                       "my-licenses", "No licenses."),
                spacing="4", width="100%",
            ),
            rx.spinner(),
        ),
        title="My access",
    )
