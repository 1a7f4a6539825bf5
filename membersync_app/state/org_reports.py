"""Reports tab of /dashboard/org/[id] (issue 10): filters kept in the URL, the Overview cards and
Seats over time; its tables (Course Report, User Report and the two drill-downs) are the
substates below, each one server-side page through PagedListMixin.

Handlers are thin: the services check who asks and every argument. Reads run in read-only
transactions (`reading()`), so a big report never holds up an "Add Members".
"""

from collections.abc import Callable
from typing import Any, ClassVar

import plotly.graph_objects as go
import reflex as rx

from .. import routes
from ..services import report_reminders, report_seats, reports
from ..services.errors import ServiceError
from ..services.report_filters import CourseStatus, ReportFilters
from ..services.report_seats import SeatsDay
from ..services.reports import (
    CourseMemberRow,
    CourseRow,
    MemberCourseRow,
    Overview,
    ProgressHistogram,
    Report,
    UserRow,
)
from ..services.validation import whole_number
from .base import AppState
from .paged_list import PagedListMixin
from .selection import SelectionMixin

REPORT_VIEWS = ("course", "user")
STATUSES = tuple(status.value for status in CourseStatus)
BAR_COLOURS = {"Not started": "#c2c7d0", "In progress": "#f5a524", "Completed": "#30a46c"}


def _figure(title: str, **layout) -> go.Figure:
    figure = go.Figure()
    figure.update_layout(title=title, height=320, margin={"l": 48, "r": 16, "t": 48, "b": 48},
                         legend={"orientation": "h"}, **layout)
    return figure


def seats_figure(days: list[SeatsDay]) -> go.Figure:
    figure = _figure("Seats over time", yaxis={"rangemode": "tozero", "title": "seats"})
    x = [day.day.isoformat() for day in days]
    figure.add_scatter(x=x, y=[d.seats_used for d in days], name="Seats used", mode="lines",
                       line={"shape": "hv"})
    figure.add_scatter(x=x, y=[d.seat_count for d in days], name="Seat count", mode="lines",
                       line={"shape": "hv", "dash": "dash"})
    return figure


def course_figure(rows: list[CourseRow]) -> go.Figure:
    figure = _figure("Course progress", barmode="stack",
                     yaxis={"title": "members", "rangemode": "tozero"})
    titles = [row.title for row in rows]
    for label, values in (("Not started", [row.not_started for row in rows]),
                          ("In progress", [row.in_progress for row in rows]),
                          ("Completed", [row.completed for row in rows])):
        figure.add_bar(x=titles, y=values, name=label, marker_color=BAR_COLOURS[label])
    return figure


def progress_figure(histogram: ProgressHistogram | None) -> go.Figure:
    figure = _figure("Members by average progress", xaxis={"title": "average progress"},
                     yaxis={"title": "members", "rangemode": "tozero"})
    step = 100 // reports.HISTOGRAM_BINS
    labels = [f"{n * step}-{n * step + step - 1} %" for n in range(reports.HISTOGRAM_BINS)]
    labels[-1] = f"{100 - step}-100 %"
    counts = list(histogram.counts) if histogram else [0] * len(labels)
    figure.add_bar(x=labels, y=counts, name="Members", marker_color="#3e63dd")
    return figure


class OrgReportsState(AppState):
    """The organization and the filters every report of the tab uses."""

    _org_id: int = 0
    # The filters as the URL query has them (ReportFilters.to_query()); the form's values.
    filters: dict[str, str] = {}  # noqa: RUF012
    filters_error: str = ""
    filters_field: str = ""
    filters_key: int = 0  # new values in the (uncontrolled) filter inputs
    view: str = "course"
    overview: Overview | None = None
    _seats: list[SeatsDay] = []  # noqa: RUF012
    reports_loaded: bool = False

    def _report_filters(self) -> ReportFilters:
        return ReportFilters.from_query(self.filters)

    @rx.var
    def seats_chart(self) -> go.Figure:
        return seats_figure(self._seats)

    @rx.event
    def load_reports(self):
        """on_load of the organization page: the filters from the URL; the reports themselves
        only when the Reports tab is the one shown (?tab=reports)."""
        self._org_id = whole_number(self.id) or 0  # the route's [id]: any text a client sent
        query = {key: str(value) for key, value in self.router.url.query_parameters.items()}
        self.filters_error, self.filters_field = "", ""
        try:
            filters = ReportFilters.from_query(query)
        except ServiceError as error:
            self.filters_error, self.filters_field = error.message, error.field or ""
            filters = ReportFilters()
        self.filters = filters.to_query()
        self.filters_key += 1
        self.reports_loaded = False
        if query.get("tab") == "reports":
            return OrgReportsState.refresh_reports
        return None

    @rx.event
    def open_tab(self, section: str):
        """The Reports tab was chosen: load it the first time."""
        if section == "reports" and not self.reports_loaded:
            return OrgReportsState.refresh_reports
        return None

    @rx.event
    async def refresh_reports(self):
        """Overview and Seats over time here; then each table loads its first page."""
        try:
            filters = self._report_filters()
            with self._reading() as (session, user):
                self._show_viewer(user)
                self.overview = reports.overview(session, actor=user, org_id=self._org_id,
                                                 filters=filters)
                self._seats = report_seats.seats_over_time(session, actor=user, org_id=self._org_id)
        except ServiceError as error:
            self.filters_error = error.message
            return None
        self.reports_loaded = True
        open_drill_downs = [drill_down.first_page
                            for drill_down in (CourseMembersState, MemberCoursesState)
                            if (await self.get_state(drill_down))._target_id]
        return [CourseReportState.first_page, UserReportState.first_page, *open_drill_downs]

    @rx.event
    def apply_filters(self, form_data: dict):
        return self._go_to_filters(
            {key: value for key, value in form_data.items() if isinstance(value, str)})

    def _go_to_filters(self, query: dict[str, str]):
        """Check the filters, then put them in the URL: the page reloads from it, so what is
        shown is what a bookmark of the address shows."""
        try:
            filters = ReportFilters.from_query(query)
        except ServiceError as error:
            self.filters_error, self.filters_field = error.message, error.field or ""
            return None
        self.filters_error, self.filters_field = "", ""
        return rx.redirect(routes.org_reports(self._org_id, filters.to_query()))

    @rx.event
    def clear_filters(self):
        return rx.redirect(routes.org_reports(self._org_id))

    @rx.event
    def show_inactive(self, days: int):
        """A shortcut: the User Report of members inactive for `days` days (to remind them)."""
        query = {**self.filters, "inactive": str(whole_number(days, allow_text=False) or 30)}
        self.view = "user"
        return self._go_to_filters(query)

    @rx.event
    def set_view(self, value: str):
        self.view = value if value in REPORT_VIEWS else "course"


class ReportTableMixin(SelectionMixin, PagedListMixin, mixin=True):
    """A report table: one page of rows from a report service, with the tab's filters; mixed
    into a substate of OrgReportsState. A table of members ticks them for a reminder."""

    remind_notice: str = ""
    remind_error: str = ""
    _searchable: ClassVar[bool] = False  # the table has a search box
    _report: ClassVar[Report]  # which report its CSV download is

    def _read_report(self, report: Callable[..., Any], session, user, listing: dict[str, Any],
                     **target: int) -> Any:
        """One page of `report` (a services/reports function) for this organization, with the
        tab's filters and the table's sort and page (and search, where it has a box)."""
        if not self._searchable:
            listing = {key: value for key, value in listing.items() if key != "search"}
        return report(session, actor=user, org_id=self._org_id,
                      filters=self._report_filters(), **target, **listing)

    def _listing_query(self) -> dict[str, str]:
        return {"sort": self.sort_by, "desc": "1" if self.sort_desc else "",
                "search": self.list_search}

    def _csv_query(self) -> dict[str, str]:
        """The filters of this table's CSV: the tab's (a drill-down adds what it shows)."""
        return dict(self.filters)

    @rx.var(cache=False)
    def csv_url(self) -> str:
        """This table's CSV download, filtered and sorted as it is shown (all its pages)."""
        return routes.report_csv(self._org_id, self._report.value,
                                 {**self._csv_query(), **self._listing_query()})

    @rx.event
    def first_page(self):
        self.selected, self.remind_notice, self.remind_error = [], "", ""
        self._refresh(page=1, search="")

    def _selectable_ids(self) -> list[int]:
        """A table of courses ticks nothing; a table of members overrides this."""
        return []

    async def _remind(self, course_id: int | None):
        self.remind_notice, self.remind_error = "", ""
        try:
            with self._unit() as (session, user):
                result = report_reminders.remind(session, actor=user, org_id=self._org_id,
                                                 membership_ids=list(self.selected),
                                                 course_id=course_id)
        except ServiceError as error:
            self.remind_error = error.message
            return
        self.remind_notice = result.notice()
        self.selected = []
        self._refresh()


class DrillDownMixin(ReportTableMixin, mixin=True):
    """A drill-down: closed until a course or a member is chosen (`_target_id`)."""

    _target_id: int = 0
    heading: str = ""

    def _open(self, target_id: int):
        self._target_id = whole_number(target_id, allow_text=False) or 0
        self.heading, self.selected = "", []
        self._forget_page()

    @rx.event
    def close(self):
        self._target_id, self.heading = 0, ""
        self._forget_page()

    @rx.var
    def open(self) -> bool:
        return self._target_id != 0


class CourseReportState(ReportTableMixin, OrgReportsState):
    _report: ClassVar[Report] = Report.COURSE
    sort_by: str = "title"
    rows: list[CourseRow] = []  # noqa: RUF012
    _chart_rows: list[CourseRow] = []  # noqa: RUF012

    def _load_page(self, session, user, **listing):
        result = self._read_report(reports.course_report, session, user, listing)
        self.rows = result.page.rows
        self._chart_rows = result.chart
        return result.page

    @rx.var
    def course_chart(self) -> go.Figure:
        return course_figure(self._chart_rows)


class UserReportState(ReportTableMixin, OrgReportsState):
    _report: ClassVar[Report] = Report.USER
    sort_by: str = "name"
    rows: list[UserRow] = []  # noqa: RUF012
    _histogram: ProgressHistogram | None = None

    def _load_page(self, session, user, **listing):
        result = self._read_report(reports.user_report, session, user, listing)
        self.rows = result.rows
        self._histogram = reports.progress_histogram(session, actor=user, org_id=self._org_id,
                                                     filters=self._report_filters())
        self._keep_shown_selection()
        return result

    def _selectable_ids(self) -> list[int]:
        return [row.membership_id for row in self.rows]

    @rx.var
    def progress_chart(self) -> go.Figure:
        return progress_figure(self._histogram)

    @rx.event
    async def remind_selected(self):
        await self._remind(None)


class CourseMembersState(DrillDownMixin, OrgReportsState):
    """Drill-down: one course's members (a course title was clicked)."""

    _report: ClassVar[Report] = Report.COURSE_MEMBERS
    sort_by: str = "name"
    _searchable: ClassVar[bool] = True
    status: str = ""  # this table's own course-status filter ("": the tab's)
    rows: list[CourseMemberRow] = []  # noqa: RUF012

    def _report_filters(self) -> ReportFilters:
        return ReportFilters.from_query(self._query())

    def _query(self) -> dict[str, str]:
        return {**self.filters, "course_status": self.status} if self.status else self.filters

    def _load_page(self, session, user, **listing):
        result = self._read_report(reports.course_members, session, user, listing,
                                   course_id=self._target_id)
        self.heading = result.title
        self.rows = result.page.rows
        self._keep_shown_selection()
        return result.page

    def _selectable_ids(self) -> list[int]:
        return [row.membership_id for row in self.rows]

    @rx.event
    def open_course(self, course_id: int):
        self._open(course_id)
        self.status = ""
        return CourseMembersState.first_page

    @rx.event
    def filter_status(self, status: str):
        previous, self.status = self.status, status if status in STATUSES else ""
        self._refresh(page=1)
        if self.list_error:
            self.status = previous

    def _csv_query(self) -> dict[str, str]:
        return {**self._query(), "course": str(self._target_id)}

    @rx.event
    async def remind_selected(self):
        await self._remind(self._target_id)


class MemberCoursesState(DrillDownMixin, OrgReportsState):
    """Drill-down: one member's courses (a member's name was clicked)."""

    _report: ClassVar[Report] = Report.MEMBER_COURSES
    sort_by: str = "title"
    member_email: str = ""
    rows: list[MemberCourseRow] = []  # noqa: RUF012

    def _load_page(self, session, user, **listing):
        result = self._read_report(reports.member_courses, session, user, listing,
                                   membership_id=self._target_id)
        self.heading, self.member_email = result.name, result.email
        self.rows = result.page.rows
        return result.page

    @rx.event
    def open_member(self, membership_id: int):
        self._open(membership_id)
        return MemberCoursesState.first_page

    def _csv_query(self) -> dict[str, str]:
        return {**self.filters, "member": str(self._target_id)}

