"""services/reports.py: every figure of the Overview, the Course Report, the User Report, their
drill-downs and Seats over time, against a small organization worked out by hand.

The organization (seat type: A with 4 lessons, C with 5 lessons, no progress rows at all;
Seat Benefits: managers also get B with 2 lessons):

| person        | role    | status  | A        | B     | C | last activity |
| ------------- | ------- | ------- | -------- | ----- | - | ------------- |
| Olive Owner   | owner   | active  | 4/4 done | -     | - | 2 days ago    |
| Mark Manager  | manager | active  | 2/4      | 2/2   | - | 10 days ago   |
| Nina Nostart  | member  | active  | 0/4 row  | -     | - | 40 days ago   |
| Pia Partial   | member  | active  | 1/4      | -     | - | 1 day ago     |
| Bo Blocked    | member  | blocked | 4/4 done | -     | - | 5 days ago    |

An outsider has progress on A, and Nina has progress on a course the organization does not
give: neither may count anywhere.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from factories import (
    make_course,
    make_invitation,
    make_membership,
    make_org,
    make_org_type,
    make_seat_type,
    make_user,
)
from sqlmodel import Session

from membersync_app.models import (
    AuditAction,
    AuditEvent,
    CourseProgress,
    MembershipStatus,
    Organization,
    Role,
    utcnow,
)
from membersync_app.services import csv_safety, members, report_seats, reports
from membersync_app.services.errors import ServiceError
from membersync_app.services.report_filters import CourseStatus, ReportFilters

DEFAULT = ReportFilters()


@dataclass
class Org:
    org: Organization
    owner: object
    manager: object
    ids: dict  # name -> membership id
    a: object
    b: object
    c: object


def progress(session, user, course, lessons, days_ago):
    now = utcnow()
    session.add(CourseProgress(
        user_id=user.id, course_id=course.id, lessons_completed=lessons,
        started_at=now - timedelta(days=days_ago + 1),
        completed_at=now - timedelta(days=days_ago) if lessons >= course.lesson_count else None,
        last_activity_at=now - timedelta(days=days_ago)))
    session.flush()


def build(session: Session, *, expires_at=None) -> Org:
    a = make_course(session, title="A course", lesson_count=4)
    b = make_course(session, title="B course", lesson_count=2)
    c = make_course(session, title="C course", lesson_count=5)
    other = make_course(session, title="Not given", lesson_count=3)
    seat_type = make_seat_type(session, courses=[a, c])
    org_type = make_org_type(session, benefit_courses={Role.MANAGER: [b]})
    owner = make_user(session, full_name="Olive Owner")
    org = make_org(session, owner=owner, org_type=org_type, seat_type=seat_type,
                   expires_at=expires_at, seat_count=10)
    people = {"owner": owner}
    ids = {}
    for name, full, role, status in (
        ("manager", "Mark Manager", Role.MANAGER, MembershipStatus.ACTIVE),
        ("nina", "Nina Nostart", Role.MEMBER, MembershipStatus.ACTIVE),
        ("pia", "Pia Partial", Role.MEMBER, MembershipStatus.ACTIVE),
        ("bo", "Bo Blocked", Role.MEMBER, MembershipStatus.BLOCKED),
    ):
        user = make_user(session, full_name=full)
        people[name] = user
        ids[name] = make_membership(session, org, user, role=role, status=status).id
    from sqlmodel import select

    from membersync_app.models import Membership
    ids["owner"] = session.exec(select(Membership.id).where(
        Membership.organization_id == org.id, Membership.user_id == owner.id)).one()
    progress(session, owner, a, 4, 2)
    progress(session, people["manager"], a, 2, 10)
    progress(session, people["manager"], b, 2, 12)
    progress(session, people["nina"], a, 0, 40)
    progress(session, people["nina"], other, 3, 0)  # not given here: never counted
    progress(session, people["pia"], a, 1, 1)
    progress(session, people["bo"], a, 4, 5)
    progress(session, make_user(session), a, 4, 0)  # an outsider
    return Org(org=org, owner=owner, manager=people["manager"], ids=ids, a=a, b=b, c=c)


def course_rows(session, w, filters=DEFAULT, **listing):
    page = reports.course_report(session, actor=w.owner, org_id=w.org.id, filters=filters,
                                 **listing).page
    return {r.title: (r.with_access, r.not_started, r.in_progress, r.completed,
                      r.completion_pct, r.progress_pct) for r in page.rows}


def user_rows(session, w, filters=DEFAULT, **listing):
    page = reports.user_report(session, actor=w.owner, org_id=w.org.id, filters=filters,
                               **listing)
    return {r.name: (r.role, r.status, r.courses, r.completed, r.in_progress, r.progress_pct)
            for r in page.rows}


def test_course_report_counts_every_state_per_course(session):
    w = build(session)
    assert course_rows(session, w) == {
        # with access, not started, in progress, completed, completion %, average progress %
        "A course": (4, 1, 2, 1, 25.0, round((1 + 0.5 + 0 + 0.25) / 4 * 100, 1)),
        "B course": (1, 0, 0, 1, 100.0, 100.0),  # the manager's benefit only
        "C course": (4, 4, 0, 0, 0.0, 0.0),  # no progress rows at all
    }


def test_course_report_with_blocked_members_and_per_role(session):
    w = build(session)
    everyone = ReportFilters(status=None)
    assert course_rows(session, w, everyone)["A course"] == (5, 1, 2, 2, 40.0, round(
        (1 + 0.5 + 0 + 0.25 + 1) / 5 * 100, 1))
    blocked = ReportFilters(status=MembershipStatus.BLOCKED)
    assert course_rows(session, w, blocked) == {
        "A course": (1, 0, 0, 1, 100.0, 100.0), "B course": (0, 0, 0, 0, None, None),
        "C course": (1, 1, 0, 0, 0.0, 0.0)}
    managers = ReportFilters(role=Role.MANAGER)
    assert course_rows(session, w, managers) == {
        "A course": (1, 0, 1, 0, 0.0, 50.0), "B course": (1, 0, 0, 1, 100.0, 100.0),
        "C course": (1, 1, 0, 0, 0.0, 0.0)}


def test_course_status_filter_keeps_only_pairs_in_that_state(session):
    w = build(session)
    not_started = ReportFilters(course_status=CourseStatus.NOT_STARTED)
    assert course_rows(session, w, not_started) == {
        "A course": (1, 1, 0, 0, 0.0, 0.0), "B course": (0, 0, 0, 0, None, None),
        "C course": (4, 4, 0, 0, 0.0, 0.0)}
    in_progress = ReportFilters(course_status=CourseStatus.IN_PROGRESS)
    assert course_rows(session, w, in_progress)["A course"] == (2, 0, 2, 0, 0.0, 37.5)
    assert user_rows(session, w, in_progress) == {
        "Mark Manager": ("manager", "active", 1, 0, 1, 50.0),
        "Pia Partial": ("member", "active", 1, 0, 1, 25.0)}


def test_user_report_per_member(session):
    w = build(session)
    assert user_rows(session, w) == {
        # role, status, courses, completed, in progress, average progress %
        "Olive Owner": ("owner", "active", 2, 1, 0, 50.0),
        "Mark Manager": ("manager", "active", 3, 1, 1, 50.0),
        "Nina Nostart": ("member", "active", 2, 0, 0, 0.0),
        "Pia Partial": ("member", "active", 2, 0, 1, 12.5),
    }
    page = reports.user_report(session, actor=w.owner, org_id=w.org.id, filters=DEFAULT)
    last = {r.name: r.last_activity for r in page.rows}
    assert last["Pia Partial"] == (utcnow() - timedelta(days=1)).date()
    assert last["Nina Nostart"] == (utcnow() - timedelta(days=40)).date()


def test_user_report_sorts_and_pages_in_sql(session):
    w = build(session)
    page = reports.user_report(session, actor=w.owner, org_id=w.org.id, filters=DEFAULT,
                               sort="progress", descending=True, page=2, page_size=3)
    assert (page.total, page.page, page.page_count) == (4, 2, 2)
    assert [r.name for r in page.rows] == ["Nina Nostart"]
    page = reports.user_report(session, actor=w.owner, org_id=w.org.id, filters=DEFAULT,
                               sort="last_activity")
    assert [r.name for r in page.rows] == ["Nina Nostart", "Mark Manager", "Olive Owner",
                                           "Pia Partial"]


def test_activity_filters(session):
    w = build(session)
    inactive = ReportFilters(inactive_days=30)
    assert list(user_rows(session, w, inactive)) == ["Nina Nostart"]
    today = utcnow().date()
    recent = ReportFilters(active_from=today - timedelta(days=3))
    assert sorted(user_rows(session, w, recent)) == ["Olive Owner", "Pia Partial"]
    window = ReportFilters(active_from=today - timedelta(days=11),
                           active_to=today - timedelta(days=9))
    assert list(user_rows(session, w, window)) == ["Mark Manager"]
    assert course_rows(session, w, window)["A course"] == (1, 0, 1, 0, 0.0, 50.0)
    searched = ReportFilters(search="partial")
    assert list(user_rows(session, w, searched)) == ["Pia Partial"]


def test_overview_cards_and_histogram(session):
    w = build(session)
    view = reports.overview(session, actor=w.owner, org_id=w.org.id, filters=DEFAULT)
    assert (view.seats_used, view.seat_count, view.members, view.active_7_days,
            view.active_30_days) == (4, 10, 4, 2, 3)
    assert view.completion_pct == round(2 / 9 * 100, 1)  # O-A, M-B of 2+3+2+2 pairs
    histogram = reports.progress_histogram(session, actor=w.owner, org_id=w.org.id,
                                           filters=DEFAULT)
    assert histogram.counts == (1, 1, 0, 0, 0, 2, 0, 0, 0, 0)
    assert histogram.without_courses == 0
    report = reports.course_report(session, actor=w.owner, org_id=w.org.id, filters=DEFAULT,
                                   sort="completion", descending=True, page_size=2)
    assert [r.title for r in report.page.rows] == ["B course", "A course"]
    assert (report.page.total, report.page.page_count) == (3, 2)
    assert [r.title for r in report.chart] == ["A course", "B course", "C course"]


def test_drill_down_a_course_then_a_member(session):
    w = build(session)
    page = reports.course_members(session, actor=w.owner, org_id=w.org.id, course_id=w.a.id,
                                  filters=DEFAULT, sort="lessons", descending=True)
    assert page.title == "A course"
    assert [(r.name, r.status, r.lessons_done, r.lesson_count) for r in page.page.rows] == [
        ("Olive Owner", "completed", 4, 4), ("Mark Manager", "in_progress", 2, 4),
        ("Pia Partial", "in_progress", 1, 4), ("Nina Nostart", "not_started", 0, 4)]
    started = reports.course_members(
        session, actor=w.owner, org_id=w.org.id, course_id=w.a.id,
        filters=ReportFilters(course_status=CourseStatus.IN_PROGRESS), search="pia")
    assert [r.name for r in started.page.rows] == ["Pia Partial"]
    # B is the managers' benefit: only the manager is listed.
    only_b = reports.course_members(session, actor=w.owner, org_id=w.org.id, course_id=w.b.id,
                                    filters=DEFAULT)
    assert [r.name for r in only_b.page.rows] == ["Mark Manager"]
    member = reports.member_courses(session, actor=w.owner, org_id=w.org.id,
                                    membership_id=w.ids["manager"], filters=DEFAULT)
    assert member.name == "Mark Manager"
    assert [(r.title, r.status, r.lessons_done, r.lesson_count) for r in member.page.rows] == [
        ("A course", "in_progress", 2, 4), ("B course", "completed", 2, 2),
        ("C course", "not_started", 0, 5)]


def test_drill_downs_refuse_what_is_not_this_organizations(session):
    w = build(session)
    other = make_org(session)
    stranger = make_membership(session, other)
    with pytest.raises(ServiceError, match="not in this organization"):
        reports.member_courses(session, actor=w.owner, org_id=w.org.id,
                               membership_id=stranger.id, filters=DEFAULT)
    with pytest.raises(ServiceError, match="not one this organization gives"):
        reports.course_members(session, actor=w.owner, org_id=w.org.id,
                               course_id=make_course(session).id, filters=DEFAULT)


def test_an_expired_organizations_reports_stay_open(session):
    w = build(session, expires_at=utcnow() - timedelta(days=3))
    assert course_rows(session, w)["A course"] == (4, 1, 2, 1, 25.0, 43.8)
    view = reports.overview(session, actor=w.owner, org_id=w.org.id, filters=DEFAULT)
    assert view.expired and view.access_ended


def test_managers_benefits_and_refusals(session):
    w = build(session)
    assert course_rows(session, w)["B course"][0] == 1
    member = make_user(session)
    make_membership(session, w.org, member)
    with pytest.raises(ServiceError):
        reports.course_report(session, actor=member, org_id=w.org.id, filters=DEFAULT)
    no_reports = make_org(session, org_type=make_org_type(session, managers_view_reports=False))
    manager = make_user(session)
    make_membership(session, no_reports, manager, role=Role.MANAGER)
    with pytest.raises(ServiceError, match="Managers of this organization may not"):
        reports.user_report(session, actor=manager, org_id=no_reports.id, filters=DEFAULT)


def test_csv_export_is_the_table_as_shown_and_neutralises_formulas(session):
    w = build(session)
    evil = make_user(session, full_name="=HYPERLINK(1)")
    make_membership(session, w.org, evil)
    rows = list(reports.export_rows(session, actor=w.owner, org_id=w.org.id, report="user",
                                    filters=DEFAULT, sort="name"))
    assert rows[0] == reports.USER_HEADER
    page = reports.user_report(session, actor=w.owner, org_id=w.org.id, filters=DEFAULT)
    assert [r[0] for r in rows[1:]] == [r.name for r in page.rows]
    text = "".join(csv_safety.csv_lines(rows))
    assert "'=HYPERLINK(1)" in text and "\n=HYPERLINK" not in text
    assert [csv_safety.neutralise(v) for v in ("+1", "-1", "@x", "\tx", "\rx", "ok", 5)] == [
        "'+1", "'-1", "'@x", "'\tx", "'\rx", "ok", "5"]
    course = list(reports.export_rows(session, actor=w.owner, org_id=w.org.id, report="course",
                                      filters=DEFAULT))
    assert course[1] == ("A course", 5, 2, 2, 1, "20.0", "35.0")  # + the new member


def test_filters_round_trip_through_the_url_query():
    filters = ReportFilters.from_query({"role": "manager", "status": "all", "q": " ann ",
                                        "course_status": "in_progress",
                                        "active_from": "2026-01-01", "inactive": "30"})
    assert filters.to_query() == {"role": "manager", "status": "all", "q": "ann",
                                  "course_status": "in_progress", "active_from": "2026-01-01",
                                  "inactive": "30"}
    assert ReportFilters.from_query(filters.to_query()) == filters
    assert ReportFilters.from_query({}) == ReportFilters() and ReportFilters().to_query() == {}
    for bad in ({"role": "boss"}, {"inactive": "-3"}, {"active_to": "yesterday"},
                {"active_from": "2026-02-01", "active_to": "2026-01-01"}, {"status": ["x"]}):
        with pytest.raises(ServiceError):
            ReportFilters.from_query(bad)


def test_seats_over_time_from_memberships_invitations_and_the_audit_trail(session):
    now = utcnow()
    owner = make_user(session)
    org = make_org(session, owner=owner, seat_count=10)
    org.created_at = now - timedelta(days=9)
    session.add(org)

    def days_ago(n):
        return now - timedelta(days=n)

    for joined in (8, 8, 3):  # members there now
        membership = make_membership(session, org)
        membership.joined_at = days_ago(joined)
        session.add(membership)
    make_invitation(session, org)[0].created_at = days_ago(5)  # pending
    revoked, _ = make_invitation(session, org, revoked_at=days_ago(4))
    revoked.created_at = days_ago(6)
    # Someone added 7 days ago and removed 2 days ago (their membership row is gone).
    gone = make_user(session)
    for n, action in ((7, AuditAction.MEMBER_ADD), (2, AuditAction.MEMBER_REMOVE)):
        session.add(AuditEvent(created_at=days_ago(n), actor_id=owner.id, organization_id=org.id,
                               action=action, details={"user_id": gone.id, "role": "member"}))
    session.add(AuditEvent(created_at=days_ago(4), organization_id=org.id,
                           action=AuditAction.ORGANIZATION_ADD_SEATS,
                           details={"added": 2, "seat_count": [8, 10]}))
    session.flush()
    series = report_seats.seats_over_time(session, actor=owner, org_id=org.id)
    assert [s.day for s in series] == [(now - timedelta(days=n)).date() for n in range(9, -1, -1)]
    by_age = {(now.date() - s.day).days: (s.seats_used, s.seat_count) for s in series}
    assert by_age == {
        9: (0, 8), 8: (2, 8), 7: (3, 8), 6: (4, 8), 5: (5, 8),
        4: (4, 10),  # the revoked invitation frees its seat; seats added
        3: (5, 10), 2: (4, 10),  # a member joins; the added one is removed
        1: (4, 10), 0: (4, 10)}
    # A shorter window starts from what was held before it: the same days, the same figures.
    recent = report_seats.seats_over_time(session, actor=owner, org_id=org.id, days=5)
    assert {(now.date() - s.day).days: (s.seats_used, s.seat_count) for s in recent} == {
        age: figures for age, figures in by_age.items() if age < 5}
    assert series[-1].seats_used == reports.overview(
        session, actor=owner, org_id=org.id, filters=DEFAULT).seats_used


def test_export_report_command_line(app_database, uow, capsys, tmp_path):
    from membersync_app.cli import main

    with uow() as session:
        w = build(session)
    target = tmp_path / "courses.csv"
    assert main(["export-report", "--org", str(w.org.id), "--report", "course",
                 "--output", str(target)]) == 0
    lines = target.read_text().splitlines()
    assert lines[0].startswith("Course,Members with access")
    assert lines[1:] == ["A course,4,1,2,1,25.0,43.8", "B course,1,0,0,1,100.0,100.0",
                         "C course,4,4,0,0,0.0,0.0"]
    assert main(["export-report", "--org", str(w.org.id), "--report", "user",
                 "--role", "manager"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and out[1].startswith("Mark Manager,")
    assert main(["export-report", "--org", "999999", "--report", "user"]) == 1


def test_csv_route_streams_for_the_session_cookie_and_refuses_others(app_database, uow):
    from factories import sign_in
    from starlette.applications import Starlette
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from membersync_app import routes, web
    from membersync_app.settings import SESSION_COOKIE

    with uow() as session:
        w = build(session)
        w.owner.password_hash = ""
        owner = make_user(session, password="owner-pass-1")
        w.org.owner_id = owner.id  # make the signed-in user a manager with reports rights
        make_membership(session, w.org, owner, role=Role.MANAGER)
        token, _ = sign_in(session, owner.username, "owner-pass-1")
        outsider_token, _ = sign_in(session, make_user(session, password="x-pass-12345").username,
                                    "x-pass-12345")
    client = TestClient(Starlette(routes=[Route(routes.REPORT_CSV, web.report_csv)]))
    url = routes.report_csv(w.org.id, "course", {"course_status": "not_started"})
    client.cookies.set(SESSION_COOKIE, token)
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.text.splitlines()[1:] == ["A course,2,2,0,0,0.0,0.0",
                                              "B course,1,1,0,0,0.0,0.0",
                                              "C course,5,5,0,0,0.0,0.0"]
    bad = client.get(routes.report_csv(w.org.id, "course", {"active_from": "yesterday"}))
    assert bad.status_code == 400 and "Active from must be a date" in bad.text
    client.cookies.set(SESSION_COOKIE, outsider_token)
    refused = client.get(url)
    assert refused.status_code == 403 and "Only the owner and managers" in refused.text
    client.cookies.clear()
    assert client.get(url).status_code == 403


def test_the_members_first_page_equals_the_aggregated_one(session):
    """Sorted by a member's own column, the User Report pages members first and reads only
    their figures; the result is the full aggregate's page, row for row."""
    w = build(session)
    for filters in (DEFAULT, ReportFilters(status=None), ReportFilters(role=Role.MEMBER)):
        quick = reports.user_report(session, actor=w.owner, org_id=w.org.id, filters=filters,
                                    sort="name", page_size=3, page=2)
        scope = reports._scope(session, w.owner, w.org.id)
        full = reports._page(session, reports._user_table(scope, filters),
                             {"sort": "name", "page_size": 3, "page": 2})
        assert quick == full


def test_a_report_finds_the_members_the_members_table_finds_by_the_same_search(session):
    """The report's search finds people by the members table's rule: the name shown, the
    e-mail, and the username only while the account's own name shows (not under a name the
    adder typed); % and _ are searched for as they are."""
    w = build(session)
    own = make_user(session, full_name="Ann Apple", username="zed_own", email="ann@shop.example")
    make_membership(session, w.org, own)
    typed = make_user(session, full_name="Real Rita", username="zed_typed",
                      email="typed@shop.example")
    membership = make_membership(session, w.org, typed)
    membership.added_name = "Typed Tia"
    session.add(membership)
    session.flush()
    everyone = ReportFilters(status=None)

    def table(search):
        return {r.email for r in members.list_members(
            session, actor=w.owner, org_id=w.org.id, search=search, page_size=100).rows}

    def report(search):
        return {r.email for r in reports.user_report(
            session, actor=w.owner, org_id=w.org.id, page_size=100,
            filters=ReportFilters(status=None, search=search)).rows}

    def drill_down(search):
        return {r.email for r in reports.course_members(
            session, actor=w.owner, org_id=w.org.id, course_id=w.a.id, filters=everyone,
            search=search, page_size=100).page.rows}

    expected = {"zed": {"ann@shop.example"}, "APPLE": {"ann@shop.example"},
                "typed tia": {"typed@shop.example"}, "rita": set(),
                "shop.example": {"ann@shop.example", "typed@shop.example"},
                "d_o": {"ann@shop.example"}, "%": set()}
    for search, emails in expected.items():
        assert table(search) == report(search) == drill_down(search) == emails, search
