"""The Reports tab of an organization's page (issue 10): filters, Overview cards, Seats over
time, Course Report and User Report with their charts, drill-downs, Remind and Download CSV."""

import reflex as rx

from ..state.org_reports import (
    CourseMembersState,
    CourseReportState,
    MemberCoursesState,
    OrgReportsState,
    UserReportState,
)
from .data_table import Column, data_table
from .forms import LABEL_STYLE, error_callout, field_error, notice

R = OrgReportsState
SELECT_STYLE = {"padding": "6px 8px", "border": "1px solid var(--gray-7)",
                "border_radius": "var(--radius-2)", "font_size": "14px", "height": "32px"}
STATUS_TEXT = {"not_started": "Not started", "in_progress": "In progress",
               "completed": "Completed"}


def _labelled(label: str, control: rx.Component, control_id: str) -> rx.Component:
    return rx.vstack(rx.el.label(label, html_for=control_id, style=LABEL_STYLE), control,
                     field_error(rx.cond(R.filters_field == control_id.removeprefix("report-"),
                                         R.filters_error, ""), control_id),
                     spacing="1")


def _select(name: str, options: list[tuple[str, str]]) -> rx.Component:
    return rx.el.select(*[rx.el.option(text, value=value) for value, text in options],
                        name=name, id=f"report-{name}",
                        default_value=R.filters.get(name, options[0][0]), style=SELECT_STYLE)


def _input(name: str, type_: str = "text", **props) -> rx.Component:
    return rx.input(name=name, id=f"report-{name}", type=type_,
                    default_value=R.filters.get(name, ""), **props)


def _filters() -> rx.Component:
    return rx.form(
        rx.hstack(
            _labelled("Role", _select("role", [("", "Any role"), ("owner", "Owner"),
                                               ("manager", "Manager"), ("member", "Member")]),
                      "report-role"),
            _labelled("Member status", _select("status", [("active", "Active"),
                                                          ("blocked", "Blocked"),
                                                          ("all", "Active and blocked")]),
                      "report-status"),
            _labelled("Search members", _input("q", placeholder="name or e-mail",
                                               width="200px"), "report-q"),
            _labelled("Course status", _select("course_status", [
                ("", "Any course status"), *STATUS_TEXT.items()]), "report-course_status"),
            _labelled("Active from", _input("active_from", "date"), "report-active_from"),
            _labelled("Active to", _input("active_to", "date"), "report-active_to"),
            _labelled("Inactive for (days)", _input("inactive", "number", min=1, width="110px"),
                      "report-inactive"),
            rx.button("Apply filters", type="submit"),
            rx.button("Clear filters", type="button", variant="soft", color_scheme="gray",
                      on_click=R.clear_filters),
            align="end", spacing="3", wrap="wrap",
        ),
        rx.cond((R.filters_error != "") & (R.filters_field == ""),
                error_callout(R.filters_error, "report-error")),
        on_submit=R.apply_filters,
        key=R.filters_key,
        width="100%",
    )


def _card(label: str, value, card_id: str) -> rx.Component:
    return rx.card(rx.vstack(rx.text(label, size="2", color_scheme="gray"),
                             rx.heading(value, size="6", id=card_id), spacing="1"),
                   min_width="150px")


def _overview() -> rx.Component:
    o = R.overview
    return rx.cond(
        o,
        rx.vstack(
            rx.cond(o.access_ended,
                    rx.callout("This organization has expired and its access has ended: the "
                               "reports show its record, read-only.", icon="info")),
            rx.hstack(
                _card("Seats used / total", o.seats_used.to_string() + " / "
                      + o.seat_count.to_string(), "report-seats"),
                _card("Members", o.members, "report-members"),
                _card("Active in the last 7 days", o.active_7_days, "report-active-7"),
                _card("Active in the last 30 days", o.active_30_days, "report-active-30"),
                _card("Overall completion", o.completion_pct.to_string() + " %",
                      "report-completion"),
                spacing="3", wrap="wrap",
            ),
            rx.box(rx.plotly(data=R.seats_chart, id="seats-chart"), width="100%"),
            width="100%",
        ),
    )


def download_link(label: str, url, link_id: str) -> rx.Component:
    """A link to a CSV server route (web.py). A whole-document request (not the router's
    client-side navigation), so the browser sends the session cookie and saves what the
    route streams."""
    return rx.el.a(label, href=url, download="", id=link_id,
                   custom_attrs={"reloadDocument": True},
                   style=LABEL_STYLE)


def _csv_link(url, link_id: str) -> rx.Component:
    return download_link("Download CSV", url, link_id)


def _percent(value) -> rx.Component:
    return rx.cond(value, value.to_string() + " %", rx.cond(value == 0, "0 %", "—"))


def _notices(state) -> rx.Component:
    return rx.fragment(
        notice(state.remind_notice, f"{state.__name__.lower()}-remind-notice"),
        error_callout(state.remind_error, f"{state.__name__.lower()}-remind-error"),
    )


def _checkbox(state, membership_id) -> rx.Component:
    return rx.checkbox(checked=state.selected.contains(membership_id),
                       on_change=lambda checked: state.toggle(membership_id, checked),
                       aria_label="Select")


# ---------------------------------------------------------------- Course Report


def _course_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(row.title, href="#", on_click=[
            CourseMembersState.open_course(row.course_id), rx.prevent_default])),
        rx.table.cell(row.with_access), rx.table.cell(row.not_started),
        rx.table.cell(row.in_progress), rx.table.cell(row.completed),
        rx.table.cell(_percent(row.completion_pct)), rx.table.cell(_percent(row.progress_pct)),
    )


def _course_report() -> rx.Component:
    s = CourseReportState
    return rx.vstack(
        rx.box(rx.plotly(data=s.course_chart, id="course-chart"), width="100%"),
        data_table(
            s, columns=[Column("Course", "title"), Column("Members with access", "with_access"),
                        Column("Not started", "not_started"),
                        Column("In progress", "in_progress"), Column("Completed", "completed"),
                        Column("Completion", "completion"),
                        Column("Average progress", "progress")],
            rows=s.rows, row=_course_row, searchable=False, search_label="Search courses",
            empty_text="This organization gives no course.", table_id="course-report",
            toolbar=_csv_link(s.csv_url, "course-report-csv"),
        ),
        _course_members(),
        width="100%", spacing="3",
    )


def _progress_cells(row) -> list[rx.Component]:
    """Status, lessons, started, completed, last activity: one member on one course."""
    return [
        rx.table.cell(rx.match(row.status, *STATUS_TEXT.items(), row.status)),
        rx.table.cell(row.lessons_done.to_string() + " / " + row.lesson_count.to_string()),
        rx.table.cell(row.started), rx.table.cell(row.completed),
        rx.table.cell(row.last_activity),
    ]


def _course_member_row(row) -> rx.Component:
    s = CourseMembersState
    return rx.table.row(
        rx.table.cell(rx.cond(row.status != "completed", _checkbox(s, row.membership_id))),
        rx.table.row_header_cell(_member_link(row.name, row.membership_id)),
        rx.table.cell(row.email), rx.table.cell(row.role),
        *_progress_cells(row),
    )


# The first columns of both member tables: the tick for reminders, then who they are.
_MEMBER_COLUMNS = [Column(""), Column("Name", "name"), Column("E-mail", "email"),
                   Column("Role", "role"), Column("Status", "status")]


def _remind_button(s) -> rx.Component:
    """Remind the ticked members (services/report_reminders.py): off until one is ticked."""
    return rx.button("Remind selected", on_click=s.remind_selected,
                     disabled=s.selected.length() == 0)


def _course_members() -> rx.Component:
    s = CourseMembersState
    return rx.cond(s.open, rx.card(rx.vstack(
        rx.hstack(rx.heading("Members of ", s.heading, size="4", as_="h3",
                             id="course-members-title"),
                  rx.spacer(), rx.button("Close", variant="soft", on_click=s.close),
                  width="100%"),
        rx.hstack(
            rx.el.label("Status", html_for="course-members-status", style=LABEL_STYLE),
            rx.el.select(rx.el.option("Any status", value=""),
                         *[rx.el.option(text, value=value) for value, text in STATUS_TEXT.items()],
                         id="course-members-status", value=s.status,
                         on_change=s.filter_status, style=SELECT_STYLE),
            _remind_button(s),
            align="center", spacing="3",
        ),
        _notices(s),
        data_table(
            s, columns=[*_MEMBER_COLUMNS, Column("Lessons", "lessons"),
                        Column("Started", "started"), Column("Completed", "completed"),
                        Column("Last activity", "last_activity")],
            rows=s.rows, row=_course_member_row, search_label="Search members",
            empty_text="No member of this course matches the filters.",
            table_id="course-members", toolbar=_csv_link(s.csv_url, "course-members-csv"),
        ),
        width="100%", spacing="3",
    ), width="100%", id="course-drill-down"))


# ---------------------------------------------------------------- User Report


def _member_link(name, membership_id) -> rx.Component:
    return rx.link(name, href="#", on_click=[MemberCoursesState.open_member(membership_id),
                                             rx.prevent_default])


def _user_row(row) -> rx.Component:
    s = UserReportState
    return rx.table.row(
        rx.table.cell(_checkbox(s, row.membership_id)),
        rx.table.row_header_cell(_member_link(row.name, row.membership_id)),
        rx.table.cell(row.email), rx.table.cell(row.role), rx.table.cell(row.status),
        rx.table.cell(row.courses), rx.table.cell(row.completed), rx.table.cell(row.in_progress),
        rx.table.cell(_percent(row.progress_pct)), rx.table.cell(row.last_activity),
    )


def _user_report() -> rx.Component:
    s = UserReportState
    return rx.vstack(
        rx.box(rx.plotly(data=s.progress_chart, id="progress-chart"), width="100%"),
        rx.hstack(
            rx.button("Show inactive for 30 days", variant="soft",
                      on_click=R.show_inactive(30)),
            _remind_button(s),
            spacing="3",
        ),
        _notices(s),
        data_table(
            s, columns=[*_MEMBER_COLUMNS,
                        Column("Courses", "courses"), Column("Completed", "completed"),
                        Column("In progress", "in_progress"),
                        Column("Average progress", "progress"),
                        Column("Last activity", "last_activity")],
            rows=s.rows, row=_user_row, searchable=False, search_label="Search members",
            empty_text="No member matches the filters.", table_id="user-report",
            toolbar=_csv_link(s.csv_url, "user-report-csv"),
        ),
        width="100%", spacing="3",
    )


def _member_course_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row.title),
        *_progress_cells(row),
    )


def _member_courses() -> rx.Component:
    s = MemberCoursesState
    return rx.cond(s.open, rx.card(rx.vstack(
        rx.hstack(rx.heading("Courses of ", s.heading, size="4", as_="h3",
                             id="member-courses-title"),
                  rx.text(s.member_email, size="2", color_scheme="gray"),
                  rx.spacer(), rx.button("Close", variant="soft", on_click=s.close),
                  width="100%", align="center"),
        data_table(
            s, columns=[Column("Course", "title"), Column("Status", "status"),
                        Column("Lessons", "lessons"), Column("Started", "started"),
                        Column("Completed", "completed"),
                        Column("Last activity", "last_activity")],
            rows=s.rows, row=_member_course_row, searchable=False,
            search_label="Search courses", empty_text="No course matches the filters.",
            table_id="member-courses", toolbar=_csv_link(s.csv_url, "member-courses-csv"),
        ),
        width="100%", spacing="3",
    ), width="100%", id="member-drill-down"))


def reports_section() -> rx.Component:
    return rx.vstack(
        rx.heading("Reports", size="5", as_="h2"),
        _filters(),
        _overview(),
        rx.tabs.root(
            rx.tabs.list(rx.tabs.trigger("Course Report", value="course"),
                         rx.tabs.trigger("User Report", value="user")),
            rx.tabs.content(rx.box(_course_report(), padding_top="12px"), value="course"),
            rx.tabs.content(rx.box(_user_report(), padding_top="12px"), value="user"),
            value=R.view, on_change=R.set_view, width="100%",
        ),
        _member_courses(),
        width="100%", spacing="4",
    )
