"""Reports (issue 10): the Overview, Course Report, User Report and their drill-downs, live from
the database. Every figure is an SQL aggregate and every table one page in SQL, so a report
costs about what one query over the organization's progress rows costs.

Who is counted: the organization's people (owner, managers, members) chosen by the filters
(report_filters.py), each with the courses the organization gives their **role** (its seat
type plus the type's Seat Benefits for that role: services/access.py's rule without the
expiry and blocked checks, so an expired organization's and a blocked member's record can
still be read). A (member, course) pair is *not started* without lessons done, *completed*
with every lesson done, else *in progress*; the course-status filter keeps the pairs in one
state. Every function starts with the permission check, whatever the page showed.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Float, and_, case, cast, false, func, literal, or_, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from ..models import (
    Course,
    CourseProgress,
    Membership,
    MembershipStatus,
    Role,
    RoleBenefitCourse,
    SeatTypeCourse,
    User,
    utcnow,
)
from .errors import ServiceError
from .listing import (
    DEFAULT_PAGE_SIZE,
    Listing,
    Page,
    clean_listing,
    in_order,
    matching,
    paginate,
    shown_page,
)
from .members import SEARCHED
from .permissions import Action, OrgAccess, access_org, is_expired
from .report_filters import CourseStatus, ReportFilters
from .seats import seats_used
from .validation import whole_number

HISTOGRAM_BINS = 10  # average progress in steps of 10 %
NO_COURSE = "That course is not one this organization gives."
NOT_A_MEMBER = "That member is not in this organization (any more). Reload the page."


class Report(StrEnum):
    """The report tables, each downloadable as CSV."""

    COURSE = "course"
    USER = "user"
    COURSE_MEMBERS = "course_members"  # drill-down: one course's members
    MEMBER_COURSES = "member_courses"  # drill-down: one member's courses


# ---------------------------------------------------------------- what the organization gives


@dataclass(frozen=True)
class Scope:
    """A checked organization and the courses it gives each role."""

    access: OrgAccess
    granted: Mapping[Role, frozenset[int]]
    now: datetime

    @property
    def org_id(self) -> int:
        return self.access.org.id

    @property
    def course_ids(self) -> frozenset[int]:
        return frozenset().union(*self.granted.values())

    def roles_for(self, course_id: int) -> list[Role]:
        return [role for role, ids in self.granted.items() if course_id in ids]


def granted_courses(session: Session, *, access: OrgAccess) -> dict[Role, frozenset[int]]:
    """Course ids per role: the seat type's (or the type's default) plus the role's benefits."""
    org, org_type = access.org, access.org_type
    seat_type_id = org.seat_type_id or org_type.default_seat_type_id
    via_seat = select(literal(None).label("role"), SeatTypeCourse.course_id).where(
        SeatTypeCourse.seat_type_id == seat_type_id)
    via_role = select(RoleBenefitCourse.role, RoleBenefitCourse.course_id).where(
        RoleBenefitCourse.org_type_id == org_type.id)
    granted: dict[Role, set[int]] = {role: set() for role in Role}
    for role, course_id in session.execute(via_seat.union_all(via_role)):
        for each in ([Role(role)] if role else Role):  # a seat type course: every role's
            granted[each].add(course_id)
    return {role: frozenset(ids) for role, ids in granted.items()}


def _scope(session: Session, actor: User | None, org_id: Any,
           action: Action = Action.VIEW_REPORTS, *, lock: bool = False) -> Scope:
    access = access_org(session, actor=actor, org_id=org_id, action=action, lock=lock)
    return Scope(access=access, granted=granted_courses(session, access=access), now=utcnow())


# ---------------------------------------------------------------- SQL building blocks

SHOWN_NAME = func.coalesce(Membership.added_name, User.full_name, User.username)


def _granted_clause(scope: Scope, course_column, role_column) -> ColumnElement:
    """True for a (role, course) pair the organization gives. The courses every role gets (the
    seat type's, usually nearly all) are one IN list, tested first; each role's extras follow."""
    every_role = frozenset.intersection(*scope.granted.values())
    clauses = [course_column.in_(sorted(every_role))] if every_role else []
    clauses += [and_(role_column == role, course_column.in_(sorted(ids - every_role)))
                for role, ids in scope.granted.items() if ids - every_role]
    return or_(*clauses) if clauses else false()


def _courses_of_role(scope: Scope) -> ColumnElement:
    """How many courses the member's role gets, as an SQL expression."""
    return case(*[(Membership.role == role, len(ids)) for role, ids in scope.granted.items()],
                else_=0)


def _done_lessons(lessons, lesson_count):
    return case((lessons >= lesson_count, lesson_count), else_=func.coalesce(lessons, 0))


def _progress_by_user(scope: Scope, user_ids: list[int] | None = None):
    """Per member of the organization (or of `user_ids` only): completed and in-progress pairs,
    the sum of the in-progress pairs' done fractions, and the last activity, over the courses
    their role gets."""
    cp = CourseProgress
    only = [cp.user_id.in_(user_ids)] if user_ids is not None else []
    completed = cp.lessons_completed >= Course.lesson_count
    started = and_(cp.lessons_completed > 0, cp.lessons_completed < Course.lesson_count)
    return (
        select(
            cp.user_id.label("user_id"),
            func.sum(case((completed, 1), else_=0)).label("completed"),
            func.sum(case((started, 1), else_=0)).label("in_progress"),
            func.sum(case((started, cast(cp.lessons_completed, Float) / Course.lesson_count),
                          else_=0.0)).label("started_sum"),
            func.max(cp.last_activity_at).label("last_activity"),
        )
        .join(Course, Course.id == cp.course_id)
        .join(Membership, and_(Membership.user_id == cp.user_id,
                               Membership.organization_id == scope.org_id))
        .where(_granted_clause(scope, cp.course_id, Membership.role), *only)
        .group_by(cp.user_id)
        .subquery("progress")
    )


@dataclass(frozen=True)
class _PairFigures:
    """A member's (or course's) figures over the pairs the course-status filter keeps."""

    courses: ColumnElement
    completed: ColumnElement
    in_progress: ColumnElement
    done_sum: ColumnElement  # sum of done fractions (completed pairs count 1)


def _pair_figures(status: CourseStatus | None, total, completed, in_progress, started_sum
                  ) -> _PairFigures:
    zero = literal(0)
    if status is CourseStatus.COMPLETED:
        return _PairFigures(completed, completed, zero, cast(completed, Float))
    if status is CourseStatus.IN_PROGRESS:
        return _PairFigures(in_progress, zero, in_progress, started_sum)
    if status is CourseStatus.NOT_STARTED:
        return _PairFigures(total - completed - in_progress, zero, zero, literal(0.0))
    return _PairFigures(total, completed, in_progress, completed + started_sum)


def _percent(part, whole) -> ColumnElement:
    """part / whole in %, NULL when whole is 0 (SQL, so tables sort by it)."""
    return case((whole > 0, cast(part, Float) * 100.0 / whole), else_=None)


class _Members:
    """The members a report covers: memberships of the organization that pass the filters,
    either one grouped row per member with their progress figures (`grouped`), or plain rows
    without them (`plain`, much cheaper when no figure is needed)."""

    def __init__(self, scope: Scope, filters: ReportFilters) -> None:
        self.scope, self.filters = scope, filters
        cp = CourseProgress
        completed = cp.lessons_completed >= Course.lesson_count
        started = and_(cp.lessons_completed > 0, cp.lessons_completed < Course.lesson_count)
        self.total = _courses_of_role(scope)
        self.figures = _pair_figures(
            filters.course_status, self.total,
            func.coalesce(func.sum(case((completed, 1), else_=0)), 0),
            func.coalesce(func.sum(case((started, 1), else_=0)), 0),
            func.coalesce(func.sum(case(
                (started, cast(cp.lessons_completed, Float) / Course.lesson_count),
                else_=0.0)), 0.0))
        self.progress_pct = _percent(self.figures.done_sum, self.figures.courses)
        self.last_activity = func.max(cp.last_activity_at)

    def _where(self) -> list[ColumnElement]:
        f = self.filters
        conditions = [Membership.organization_id == self.scope.org_id]
        if f.role is not None:
            conditions.append(Membership.role == f.role)
        if f.status is not None:
            conditions.append(Membership.status == f.status)
        return conditions

    def _searched(self, query):
        """`query`'s members found by the search as the members table finds them (its
        SEARCHED columns: a report finds the same people by the same text)."""
        return matching(query, search_in=SEARCHED, search=self.filters.search)

    def _having(self, with_course_status: bool) -> list[ColumnElement]:
        f, last = self.filters, self.last_activity
        conditions = []
        if f.active_from_at is not None:
            conditions.append(last >= f.active_from_at)
        if f.active_to_at is not None:
            conditions.append(last <= f.active_to_at)
        if f.inactive_days:
            cutoff = self.scope.now - timedelta(days=f.inactive_days)
            conditions.append(func.coalesce(last, Membership.joined_at) < cutoff)
        if with_course_status and f.course_status is not None:
            conditions.append(self.figures.courses > 0)
        return conditions

    def grouped(self, *columns, with_course_status: bool = True):
        """One row per member, the progress figures over the courses their role gets."""
        cp = CourseProgress
        query = (
            select(*columns).select_from(Membership)
            .join(User, User.id == Membership.user_id)
            .outerjoin(cp, and_(cp.user_id == Membership.user_id,
                                _granted_clause(self.scope, cp.course_id, Membership.role)))
            .outerjoin(Course, Course.id == cp.course_id)
            .where(*self._where())
            .group_by(Membership.id, User.id)
        )
        query = self._searched(query)
        having = self._having(with_course_status)
        return query.having(and_(*having)) if having else query

    def plain(self, *columns, with_user: bool = True):
        """The same members (the course-status filter aside), without their figures; the
        activity filters, which need them, as a subquery only when set."""
        query = select(*columns).select_from(Membership)
        if with_user or self.filters.search:
            query = query.join(User, User.id == Membership.user_id)
        query = self._searched(query.where(*self._where()))
        if self.filters.filters_activity:
            query = query.where(Membership.id.in_(
                self.grouped(Membership.id, with_course_status=False)))
        return query


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


# ---------------------------------------------------------------- overview


@dataclass(frozen=True)
class Overview:
    title: str
    seats_used: int
    seat_count: int
    members: int
    active_7_days: int
    active_30_days: int
    completion_pct: float  # completed pairs of all pairs, in %
    expired: bool
    access_ended: bool  # expired, and the type ends access at expiry


def overview(session: Session, *, actor: User | None, org_id: Any,
             filters: ReportFilters) -> Overview:
    """The cards at the top of the Reports tab."""
    scope = _scope(session, actor, org_id)
    members = _Members(scope, filters)
    per_member = members.grouped(members.last_activity.label("last"),
                                 members.figures.courses.label("courses"),
                                 members.figures.completed.label("completed")).subquery()
    last, now = per_member.c.last, scope.now
    count, active_7, active_30, pairs, completed = session.execute(select(
        func.count(),
        func.coalesce(func.sum(case((last >= now - timedelta(days=7), 1), else_=0)), 0),
        func.coalesce(func.sum(case((last >= now - timedelta(days=30), 1), else_=0)), 0),
        func.coalesce(func.sum(per_member.c.courses), 0),
        func.coalesce(func.sum(per_member.c.completed), 0),
    )).one()
    org = scope.access.org
    expired = is_expired(org)
    pairs, completed = int(pairs), int(completed)  # PostgreSQL sums are Decimal
    return Overview(
        title=org.title, seats_used=seats_used(session, org_id=org.id), seat_count=org.seat_count,
        members=count, active_7_days=int(active_7), active_30_days=int(active_30),
        completion_pct=round(100.0 * completed / pairs, 1) if pairs else 0.0,
        expired=expired, access_ended=expired and scope.access.org_type.access_ends_at_expiry,
    )


# ---------------------------------------------------------------- tables: paged and exported alike


@dataclass(frozen=True)
class Table:
    """One report table: its query, sort columns, header and how a result row becomes a row."""

    query: Any
    sorts: Mapping[str, ColumnElement]
    default_sort: str
    tiebreak: ColumnElement
    header: tuple[str, ...]
    to_row: Callable[[Any], Any]
    to_csv: Callable[[Any], tuple]
    # Count with the page in one pass: for a query over an aggregate (it then runs once). A
    # plain join is cheaper counted apart (SQLite computes a window over every row).
    one_pass: bool = False
    # A cheaper query for the total, when the table knows one (else: count the rows of `query`),
    # or the total itself.
    count_query: Any = None
    total: int | None = None


def _page(session: Session, table: Table, listing: Mapping[str, Any]) -> Page:
    checked = _listing(table, listing)
    if table.one_pass and table.count_query is None and table.total is None:
        rows, total, page = page_rows(session, query=table.query, listing=checked,
                                      sort_columns=table.sorts, tiebreak=table.tiebreak)
    else:
        rows, total, page = paginate(session, query=table.query, listing=checked,
                                     sort_columns=table.sorts, tiebreak=table.tiebreak,
                                     count_query=table.count_query, total=table.total)
    return Page(rows=[table.to_row(row) for row in rows], total=total, page=page,
                page_size=checked.page_size)


def page_rows(session: Session, *, query, listing: Listing,
              sort_columns: Mapping[str, ColumnElement],
              tiebreak: ColumnElement) -> tuple[list, int, int]:
    """listing.paginate in one pass: the total rides on every row (count(*) OVER ()), so a
    report's aggregate runs once, not once for the count and once for the page. A page past
    the end falls back to listing.paginate (which shows the last page)."""
    rows = session.execute(
        in_order(query.add_columns(func.count().over().label("total_rows")), listing=listing,
                 sort_columns=sort_columns, tiebreak=tiebreak)
        .offset(listing.offset).limit(listing.page_size)
    ).all()
    if not rows:
        return paginate(session, query=query, listing=listing, sort_columns=sort_columns,
                        tiebreak=tiebreak)
    return [row[:-1] for row in rows], rows[0][-1], listing.page


def _listing(table: Table, listing: Mapping[str, Any]) -> Listing:
    return clean_listing(
        search="", sort=listing.get("sort") or table.default_sort,
        descending=listing.get("descending", False), page=listing.get("page", 1),
        page_size=listing.get("page_size", DEFAULT_PAGE_SIZE), sorts=table.sorts,
        default_sort=table.default_sort)


# ---------------------------------------------------------------- Course Report


@dataclass(frozen=True)
class CourseRow:
    course_id: int
    title: str
    with_access: int
    not_started: int
    in_progress: int
    completed: int
    completion_pct: float | None
    progress_pct: float | None


COURSE_HEADER = ("Course", "Members with access", "Not started", "In progress", "Completed",
                 "Completion %", "Average progress %")


def _members_by_role(session: Session, members: _Members) -> dict[Role, int]:
    counts = dict.fromkeys(Role, 0)
    for role, count in session.execute(
        members.plain(Membership.role, func.count(), with_user=False)
        .group_by(Membership.role)
    ):
        counts[Role(role)] = count
    return counts


def _course_table(session: Session, scope: Scope, filters: ReportFilters) -> Table:
    members = _Members(scope, filters)
    by_role = _members_by_role(session, members)
    cp = CourseProgress
    completed = cp.lessons_completed >= Course.lesson_count
    started = and_(cp.lessons_completed > 0, cp.lessons_completed < Course.lesson_count)
    # Pair figures per course: progress rows of the members the filters choose.
    per_course = (
        members.plain(
            cp.course_id.label("course_id"),
            func.sum(case((completed, 1), else_=0)).label("completed"),
            func.sum(case((started, 1), else_=0)).label("in_progress"),
            func.sum(case((started, cast(cp.lessons_completed, Float) / Course.lesson_count),
                          else_=0.0)).label("started_sum"),
            with_user=False,
        )
        .join(cp, cp.user_id == Membership.user_id)
        .join(Course, Course.id == cp.course_id)
        .where(_granted_clause(scope, cp.course_id, Membership.role))
        .group_by(cp.course_id)
        .subquery("per_course")
    )
    with_access = sum(
        (case((Course.id.in_(sorted(ids)), by_role[role]), else_=0)
         for role, ids in scope.granted.items() if ids and by_role[role]),
        literal(0))
    figures = _pair_figures(filters.course_status, with_access,
                            func.coalesce(per_course.c.completed, 0),
                            func.coalesce(per_course.c.in_progress, 0),
                            func.coalesce(per_course.c.started_sum, 0.0))
    not_started = (figures.courses - figures.completed - figures.in_progress)
    completion = _percent(figures.completed, figures.courses)
    progress = _percent(figures.done_sum, figures.courses)
    query = (
        select(Course.id, Course.title, figures.courses, not_started, figures.in_progress,
               figures.completed, completion, progress)
        .outerjoin(per_course, per_course.c.course_id == Course.id)
        .where(Course.id.in_(sorted(scope.course_ids)))
    )
    sorts = {"title": func.lower(Course.title), "with_access": figures.courses,
             "not_started": not_started, "in_progress": figures.in_progress,
             "completed": figures.completed, "completion": completion, "progress": progress}

    def to_row(r) -> CourseRow:
        return CourseRow(course_id=r[0], title=r[1], with_access=int(r[2]),
                         not_started=int(r[3]), in_progress=int(r[4]), completed=int(r[5]),
                         completion_pct=_round(r[6]), progress_pct=_round(r[7]))

    return Table(query=query, sorts=sorts, default_sort="title", tiebreak=Course.id,
                 header=COURSE_HEADER, to_row=to_row,
                 to_csv=lambda r: (r.title, r.with_access, r.not_started, r.in_progress,
                                   r.completed, _pct_text(r.completion_pct),
                                   _pct_text(r.progress_pct)))


@dataclass(frozen=True)
class CourseReport:
    page: Page[CourseRow]  # the table's page
    chart: list[CourseRow]  # every course, by title: the stacked bar chart


def course_report(session: Session, *, actor: User | None, org_id: Any, filters: ReportFilters,
                  **listing: Any) -> CourseReport:
    """The Course Report: per course the organization gives, its members' states. One
    aggregate query, sorted in SQL, serves the table's page and the chart (which shows every
    course), so the rows are at most the courses the organization gives."""
    scope = _scope(session, actor, org_id)
    table = _course_table(session, scope, filters)
    checked = _listing(table, listing)
    rows = [table.to_row(r) for r in session.execute(
        in_order(table.query, listing=checked, sort_columns=table.sorts, tiebreak=Course.id))]
    page = shown_page(checked.page, total=len(rows), page_size=checked.page_size)
    start = (page - 1) * checked.page_size
    return CourseReport(
        page=Page(rows=rows[start:start + checked.page_size], total=len(rows), page=page,
                  page_size=checked.page_size),
        chart=sorted(rows, key=lambda row: (row.title.lower(), row.course_id)))


# ---------------------------------------------------------------- User Report


@dataclass(frozen=True)
class UserRow:
    membership_id: int
    name: str
    email: str
    role: str
    status: str
    courses: int
    completed: int
    in_progress: int
    progress_pct: float | None  # None: no course
    last_activity: date | None


USER_HEADER = ("Name", "E-mail", "Role", "Status", "Courses with access", "Completed",
               "In progress", "Average progress %", "Last activity")


def _user_table(scope: Scope, filters: ReportFilters) -> Table:
    m = _Members(scope, filters)
    query = m.grouped(Membership.id, SHOWN_NAME, User.email, Membership.role, Membership.status,
                     m.figures.courses, m.figures.completed, m.figures.in_progress,
                     m.progress_pct, m.last_activity)
    sorts = {"name": func.lower(SHOWN_NAME), "email": User.email, "role": Membership.role,
             "status": Membership.status, "courses": m.figures.courses,
             "completed": m.figures.completed, "in_progress": m.figures.in_progress,
             "progress": m.progress_pct, "last_activity": m.last_activity}

    def to_row(r) -> UserRow:
        return UserRow(membership_id=r[0], name=r[1], email=r[2], role=Role(r[3]).value,
                       status=MembershipStatus(r[4]).value, courses=int(r[5]),
                       completed=int(r[6]), in_progress=int(r[7]), progress_pct=_round(r[8]),
                       last_activity=_day(r[9]))

    return Table(query=query, sorts=sorts, default_sort="name", tiebreak=Membership.id,
                 header=USER_HEADER, to_row=to_row, one_pass=True,
                 to_csv=lambda r: (r.name, r.email, r.role, r.status, r.courses, r.completed,
                                   r.in_progress, _pct_text(r.progress_pct),
                                   _date_text(r.last_activity)))


def user_report(session: Session, *, actor: User | None, org_id: Any, filters: ReportFilters,
                **listing: Any) -> Page[UserRow]:
    """One page of the User Report: per member, their courses' states and last activity."""
    scope = _scope(session, actor, org_id)
    table = _user_table(scope, filters)
    if _listing(table, listing).sort in _MEMBER_SORTS and not (
            filters.filters_activity or filters.course_status):
        return _user_page_members_first(session, scope, filters, table, listing)
    return _page(session, table, listing)


# Sorting by these needs no progress figure: the page can be chosen first.
_MEMBER_SORTS = frozenset({"name", "email", "role", "status"})


def _user_page_members_first(session: Session, scope: Scope, filters: ReportFilters,
                             table: Table, listing: Mapping[str, Any]) -> Page[UserRow]:
    """The same page as `_page(session, _user_table(...))`, cheaper: the members of the page
    first, then the progress figures of those members only (not of the whole organization)."""
    m = _Members(scope, filters)
    checked = _listing(table, listing)
    rows, total, page = paginate(
        session, query=m.plain(Membership.id, SHOWN_NAME, User.email, Membership.role,
                         Membership.status, m.total, Membership.user_id),
        listing=checked, sort_columns=table.sorts, tiebreak=table.tiebreak)
    progress = _progress_by_user(scope, [row[6] for row in rows])
    figures = {row.user_id: row for row in session.execute(select(progress))}
    result = []
    for membership_id, name, email, role, status, courses, user_id in rows:
        found = figures.get(user_id)
        completed = int(found.completed) if found else 0
        done_sum = completed + (float(found.started_sum) if found else 0.0)
        result.append(UserRow(
            membership_id=membership_id, name=name, email=email, role=Role(role).value,
            status=MembershipStatus(status).value, courses=int(courses), completed=completed,
            in_progress=int(found.in_progress) if found else 0,
            progress_pct=_round(done_sum * 100.0 / courses) if courses else None,
            last_activity=_day(found.last_activity) if found else None))
    return Page(rows=result, total=total, page=page, page_size=checked.page_size)


@dataclass(frozen=True)
class ProgressHistogram:
    """Members per step of average progress (0-9 %, 10-19 % ... 90-100 %)."""

    counts: tuple[int, ...]
    without_courses: int


def progress_histogram(session: Session, *, actor: User | None, org_id: Any,
                       filters: ReportFilters) -> ProgressHistogram:
    scope = _scope(session, actor, org_id)
    m = _Members(scope, filters)
    pct = m.grouped(m.progress_pct.label("pct")).subquery().c.pct
    bucket = case(*[(pct < (n + 1) * 100 / HISTOGRAM_BINS, n)
                    for n in range(HISTOGRAM_BINS - 1)], else_=HISTOGRAM_BINS - 1)
    bucket = case((pct.is_(None), -1), else_=bucket).label("bucket")
    counts = [0] * HISTOGRAM_BINS
    without = 0
    for value, count in session.execute(select(bucket, func.count()).group_by(bucket)):
        if value == -1:
            without = count
        else:
            counts[int(value)] = count
    return ProgressHistogram(counts=tuple(counts), without_courses=without)


# ---------------------------------------------------------------- drill-down: a course's members


@dataclass(frozen=True)
class _CourseProgressFields:
    """One person's progress in one course. Both drill-downs (a course's members, a member's
    courses) end their rows with these columns, so their tables and CSV files read alike."""

    status: str  # a CourseStatus value
    lessons_done: int
    lesson_count: int
    started: date | None
    completed: date | None
    last_activity: date | None

    def progress_cells(self) -> tuple:
        """The progress columns of a CSV row, in the order of the headers' last columns."""
        return (CourseStatus(self.status).label, self.lessons_done, self.lesson_count,
                _date_text(self.started), _date_text(self.completed),
                _date_text(self.last_activity))


@dataclass(frozen=True)
class CourseMemberRow(_CourseProgressFields):
    membership_id: int
    name: str
    email: str
    role: str


COURSE_MEMBERS_HEADER = ("Name", "E-mail", "Role", "Status", "Lessons done", "Lessons",
                         "Started", "Completed", "Last activity")


def _status_expression(lessons, lesson_count) -> ColumnElement:
    return case((lessons >= lesson_count, CourseStatus.COMPLETED.value),
                (lessons > 0, CourseStatus.IN_PROGRESS.value),
                else_=CourseStatus.NOT_STARTED.value)


def _course_members_table(session: Session, scope: Scope, filters: ReportFilters,
                          course_id: Any, search: str) -> tuple[Course, Table]:
    course_id = whole_number(course_id, allow_text=False)
    if course_id is None or course_id not in scope.course_ids:
        raise ServiceError(NO_COURSE)
    course = session.get(Course, course_id)
    m = _Members(scope, filters)
    cp = CourseProgress
    done = _done_lessons(cp.lessons_completed, course.lesson_count)
    status = _status_expression(func.coalesce(cp.lessons_completed, 0), course.lesson_count)
    query = (
        m.plain(Membership.id, SHOWN_NAME, User.email, Membership.role, status, done,
                cp.started_at, cp.completed_at, cp.last_activity_at)
        .outerjoin(cp, and_(cp.user_id == Membership.user_id, cp.course_id == course.id))
        .where(Membership.role.in_(scope.roles_for(course.id)))
    )
    count_query = None
    if filters.course_status is not None:
        query = query.where(status == filters.course_status.value)
    elif not search:  # every member the course is given to: counted without the joins
        count_query = m.plain(func.count(), with_user=False).where(
            Membership.role.in_(scope.roles_for(course.id)))
    query = matching(query, search_in=SEARCHED, search=search)
    sorts = {"name": func.lower(SHOWN_NAME), "email": User.email, "role": Membership.role,
             "status": done, "lessons": done, "started": cp.started_at,
             "completed": cp.completed_at, "last_activity": cp.last_activity_at}

    def to_row(r) -> CourseMemberRow:
        return CourseMemberRow(membership_id=r[0], name=r[1], email=r[2], role=Role(r[3]).value,
                               status=r[4], lessons_done=int(r[5]),
                               lesson_count=course.lesson_count, started=_day(r[6]),
                               completed=_day(r[7]), last_activity=_day(r[8]))

    return course, Table(
        query=query, sorts=sorts, default_sort="name", tiebreak=Membership.id,
        header=COURSE_MEMBERS_HEADER, to_row=to_row, count_query=count_query,
        to_csv=lambda r: (r.name, r.email, r.role, *r.progress_cells()))


@dataclass(frozen=True)
class CourseMembersPage:
    page: Page[CourseMemberRow]  # the table's page
    course_id: int
    title: str


def course_members(session: Session, *, actor: User | None, org_id: Any, course_id: Any,
                   filters: ReportFilters, **listing: Any) -> CourseMembersPage:
    """Drill-down: one page of the members a course is given to, with their progress."""
    scope = _scope(session, actor, org_id)
    course, table = _course_members_table(session, scope, filters, course_id,
                                          clean_search_text(listing))
    return CourseMembersPage(course_id=course.id, title=course.title,
                             page=_page(session, table, listing))


def clean_search_text(listing: Mapping[str, Any]) -> str:
    """A table's search text, checked as every list checks it (listing.clean_listing): the
    search is baked into the table's query, before its sort and page are checked."""
    return clean_listing(search=listing.get("search"), sort="", descending=False, page=1,
                         page_size=1, sorts=(), default_sort="").search


# ---------------------------------------------------------------- drill-down: a member's courses


@dataclass(frozen=True)
class MemberCourseRow(_CourseProgressFields):
    course_id: int
    title: str


MEMBER_COURSES_HEADER = ("Course", "Status", "Lessons done", "Lessons", "Started", "Completed",
                         "Last activity")


def _member(session: Session, scope: Scope, membership_id: Any) -> tuple[Membership, User]:
    membership_id = whole_number(membership_id, allow_text=False)
    row = None
    if membership_id is not None:
        row = session.execute(
            select(Membership, User).join(User, User.id == Membership.user_id).where(
                Membership.id == membership_id, Membership.organization_id == scope.org_id)
        ).first()
    if row is None:
        raise ServiceError(NOT_A_MEMBER)
    return row[0], row[1]


def _member_courses_table(scope: Scope, filters: ReportFilters, membership: Membership) -> Table:
    given = scope.granted[Role(membership.role)]
    cp = CourseProgress
    lessons = func.coalesce(cp.lessons_completed, 0)
    done = _done_lessons(cp.lessons_completed, Course.lesson_count)
    status = _status_expression(lessons, Course.lesson_count)
    query = (
        select(Course.id, Course.title, status, done, Course.lesson_count, cp.started_at,
               cp.completed_at, cp.last_activity_at)
        .outerjoin(cp, and_(cp.course_id == Course.id, cp.user_id == membership.user_id))
        .where(Course.id.in_(sorted(given)))
    )
    if filters.course_status is not None:
        query = query.where(status == filters.course_status.value)
    sorts = {"title": func.lower(Course.title), "status": cast(done, Float) / Course.lesson_count,
             "lessons": done, "started": cp.started_at, "completed": cp.completed_at,
             "last_activity": cp.last_activity_at}

    def to_row(r) -> MemberCourseRow:
        return MemberCourseRow(course_id=r[0], title=r[1], status=r[2], lessons_done=int(r[3]),
                               lesson_count=r[4], started=_day(r[5]), completed=_day(r[6]),
                               last_activity=_day(r[7]))

    return Table(query=query, sorts=sorts, default_sort="title", tiebreak=Course.id,
                 header=MEMBER_COURSES_HEADER, to_row=to_row,
                 total=len(given) if filters.course_status is None else None,
                 to_csv=lambda r: (r.title, *r.progress_cells()))


@dataclass(frozen=True)
class MemberCoursesPage:
    page: Page[MemberCourseRow]  # the table's page
    membership_id: int
    name: str
    email: str
    role: str


def member_courses(session: Session, *, actor: User | None, org_id: Any, membership_id: Any,
                   filters: ReportFilters, **listing: Any) -> MemberCoursesPage:
    """Drill-down: one member's progress per course their role gets here."""
    scope = _scope(session, actor, org_id)
    membership, user = _member(session, scope, membership_id)
    page = _page(session, _member_courses_table(scope, filters, membership), listing)
    return MemberCoursesPage(membership_id=membership.id,
                             name=membership.added_name or user.full_name or user.username,
                             email=user.email, role=Role(membership.role).value, page=page)


# ---------------------------------------------------------------- CSV


def _pct_text(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _date_text(value: date | None) -> str:
    return value.isoformat() if value else ""


EXPORT_BATCH = 1000


def export_rows(session: Session, *, actor: User | None, org_id: Any, report: Any,
                filters: ReportFilters, course_id: Any = None, membership_id: Any = None,
                **listing: Any) -> Iterator[tuple]:
    """A report table as shown (filters, search and sort applied), every page of it: the
    header, then the rows, read from the database in batches (never all in memory)."""
    try:
        report = Report(report)
    except ValueError:
        raise ServiceError("Unknown report.", "report") from None
    scope = _scope(session, actor, org_id)
    if report is Report.COURSE:
        table = _course_table(session, scope, filters)
    elif report is Report.USER:
        table = _user_table(scope, filters)
    elif report is Report.COURSE_MEMBERS:
        _, table = _course_members_table(session, scope, filters, course_id,
                                         clean_search_text(listing))
    else:
        membership, _ = _member(session, scope, membership_id)
        table = _member_courses_table(scope, filters, membership)
    checked = _listing(table, listing)
    return _stream(session, table, in_order(table.query, listing=checked,
                                            sort_columns=table.sorts, tiebreak=table.tiebreak))


def _stream(session: Session, table: Table, query) -> Iterator[tuple]:
    yield table.header
    result = session.execute(query.execution_options(yield_per=EXPORT_BATCH))
    for row in result:
        yield table.to_csv(table.to_row(row))


def csv_filename(report: str, org_id: int) -> str:
    return f"membersync-{report.replace('_', '-')}-report-{org_id}-{utcnow():%Y%m%d}.csv"

