"""The Reports tab as a new owner uses it (issue 10): both charts drawn, filters by role and by
inactivity kept in the URL, a course's drill-down then a member's, the CSV holding exactly the
rows shown, a reminder reaching the SMTP server; a manager whose type forbids reports sees no
Reports tab and is refused when calling for one anyway."""

import csv
import io
import re
import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from conftest import sign_in
from factories import (
    make_course,
    make_membership,
    make_org,
    make_org_type,
    make_seat_type,
    make_user,
)
from playwright.sync_api import expect
from sqlmodel import select

from membersync_app.models import (
    AuditAction,
    AuditEvent,
    CourseProgress,
    MembershipStatus,
    Role,
    utcnow,
)

PASSWORD = "owner-pass-1"


def build(uow):
    """Owner, a manager, three members (one inactive for 60 days), two courses."""
    tag = uuid.uuid4().hex[:6]  # course titles are unique; tests share the app's database
    with uow() as session:
        safety = make_course(session, title=f"Safety Walkthrough {tag}", lesson_count=4)
        privacy = make_course(session, title=f"Privacy Primer {tag}", lesson_count=2)
        owner = make_user(session, full_name="Olga Owner", password=PASSWORD)
        org = make_org(session, owner=owner, seat_count=10,
                       seat_type=make_seat_type(session, courses=[safety, privacy]))
        now = utcnow()
        people = {}
        for key, name, role, lessons, days_ago in (
            ("manager", "Mila Manager", Role.MANAGER, (2, 2), 3),
            ("busy", "Bea Busy", Role.MEMBER, (4, 1), 1),
            ("idle", "Ian Idle", Role.MEMBER, (1, 0), 60),
            ("new", "Nell New", Role.MEMBER, None, None),
        ):
            user = make_user(session, full_name=name)
            membership = make_membership(session, org, user, role=role)
            membership.joined_at = now - timedelta(days=90)
            people[key] = (user, membership.id)
            for course, done in zip((safety, privacy), lessons or (), strict=False):
                session.add(CourseProgress(
                    user_id=user.id, course_id=course.id, lessons_completed=done,
                    started_at=now - timedelta(days=days_ago + 5),
                    last_activity_at=now - timedelta(days=days_ago)))
        blocked = make_user(session, full_name="Blake Blocked")
        make_membership(session, org, blocked, status=MembershipStatus.BLOCKED)
    return org, owner, people, safety


def open_reports(page, app_url, org, query=""):
    page.goto(f"{app_url}/dashboard/org/{org.id}?tab=reports{query}")
    expect(page.locator("#report-members")).to_be_visible()


def table_names(page, table_id):
    return page.locator(f"#{table_id} tbody tr th").all_inner_texts()


def test_owner_sees_the_overview_and_both_charts(page, app_url, uow):
    org, owner, _, _ = build(uow)
    sign_in(page, app_url, owner.username, PASSWORD)
    page.goto(f"{app_url}/dashboard/org/{org.id}")
    page.get_by_role("tab", name="Reports").click()
    expect(page.locator("#report-members")).to_have_text("5")  # owner + 4 active
    expect(page.locator("#report-seats")).to_have_text("5 / 10")
    expect(page.locator("#report-active-7")).to_have_text("2")
    expect(page.locator("#report-active-30")).to_have_text("2")
    expect(page.locator("#seats-chart .main-svg").first).to_be_visible()
    expect(page.locator("#course-chart .main-svg").first).to_be_visible()
    expect(page.locator("#course-chart")).to_contain_text("Safety Walkthrough")
    expect(page.locator("#course-report tbody tr", has_text="Safety Walkthrough")).to_contain_text(
        "5")
    page.get_by_role("tab", name="User Report").click()
    expect(page.locator("#progress-chart .main-svg").first).to_be_visible()
    expect(page.locator("#user-report tbody tr")).to_have_count(5)


def test_filters_by_role_and_by_inactivity_are_kept_in_the_url(page, app_url, uow):
    org, owner, _, _ = build(uow)
    sign_in(page, app_url, owner.username, PASSWORD)
    open_reports(page, app_url, org)
    page.get_by_label("Role").select_option("manager")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"role=manager"))
    expect(page.locator("#report-members")).to_have_text("1")
    page.get_by_role("tab", name="User Report").click()
    expect(page.locator("#user-report tbody tr")).to_have_count(1)
    assert table_names(page, "user-report") == ["Mila Manager"]

    # The address is the bookmark: another tab opening it sees the same report.
    bookmarked = page.url
    other = page.context.new_page()
    other.goto(bookmarked)
    expect(other.locator("#report-members")).to_have_text("1")
    expect(other.get_by_label("Role")).to_have_value("manager")
    other.close()

    page.get_by_role("button", name="Clear filters").click()
    expect(page.locator("#report-members")).to_have_text("5")
    page.get_by_label("Inactive for (days)").fill("30")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"inactive=30"))
    expect(page.locator("#report-members")).to_have_text("2")  # Ian, and Nell who never began
    page.get_by_role("tab", name="User Report").click()
    expect(page.locator("#user-report tbody tr")).to_have_count(2)
    assert sorted(table_names(page, "user-report")) == ["Ian Idle", "Nell New"]


def test_drill_into_a_course_then_a_member(page, app_url, uow):
    org, owner, _, _ = build(uow)
    sign_in(page, app_url, owner.username, PASSWORD)
    open_reports(page, app_url, org)
    page.locator("#course-report").get_by_role("link", name="Safety Walkthrough").click()
    expect(page.locator("#course-members-title")).to_contain_text("Safety Walkthrough")
    expect(page.locator("#course-members tbody tr")).to_have_count(5)
    expect(page.locator("#course-members tbody tr", has_text="Bea Busy")).to_contain_text(
        "Completed")
    page.locator("#course-members-status").select_option("not_started")
    expect(page.locator("#course-members tbody tr")).to_have_count(2)  # Olga, Nell
    page.locator("#course-members").get_by_role("link", name="Nell New").click()
    expect(page.locator("#member-courses-title")).to_contain_text("Nell New")
    expect(page.locator("#member-courses tbody tr")).to_have_count(2)
    expect(page.locator("#member-courses tbody tr", has_text="Privacy Primer")).to_contain_text(
        "Not started")


def test_csv_download_holds_exactly_the_rows_shown(page, app_url, uow):
    org, owner, _, _ = build(uow)
    sign_in(page, app_url, owner.username, PASSWORD)
    open_reports(page, app_url, org, "&role=member")
    page.get_by_role("tab", name="User Report").click()
    expect(page.locator("#user-report tbody tr")).to_have_count(3)
    shown = [[cell.strip() for cell in row.locator("th, td").all_inner_texts()[1:]]
             for row in page.locator("#user-report tbody tr").all()]
    with page.expect_download() as download:
        page.locator("#user-report-csv").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text())))
    assert rows[0][:2] == ["Name", "E-mail"]
    assert [[cell.replace(".0", "") for cell in row] for row in rows[1:]] == [
        [cell.replace(" %", "").replace(".0", "").replace("—", "") for cell in row]
        for row in shown]
    query = parse_qs(urlparse(page.locator("#user-report-csv").get_attribute("href")).query)
    assert query["role"] == ["member"] and query["report"] == ["user"]


def test_a_reminder_reaches_the_smtp_server_once_a_day(page, app_url, uow, smtp_server):
    org, owner, people, safety = build(uow)
    idle_user, _ = people["idle"]
    sign_in(page, app_url, owner.username, PASSWORD)
    open_reports(page, app_url, org)
    page.locator("#course-report").get_by_role("link", name="Safety Walkthrough").click()
    row = page.locator("#course-members tbody tr", has_text="Ian Idle")
    row.get_by_role("checkbox").click()
    page.locator("#course-drill-down").get_by_role("button", name="Remind selected").click()
    expect(page.locator("#coursemembersstate-remind-notice")).to_contain_text(
        "1 reminder sent, 0 skipped")
    (message,) = smtp_server.catcher.wait_for(idle_user.email)  # sent after the commit
    assert "Safety Walkthrough" in message.get_content()
    row.get_by_role("checkbox").click()
    page.locator("#course-drill-down").get_by_role("button", name="Remind selected").click()
    expect(page.locator("#coursemembersstate-remind-notice")).to_contain_text(
        "0 reminders sent, 1 skipped")
    assert len(smtp_server.catcher.to(idle_user.email)) == 1
    with uow() as session:
        (event,) = session.exec(select(AuditEvent).where(
            AuditEvent.action == AuditAction.REPORT_REMIND,
            AuditEvent.organization_id == org.id)).all()
        assert event.details["course_ids"] == [safety.id]


def test_remind_the_inactive_from_the_user_report(page, app_url, uow, smtp_server):
    org, owner, people, _ = build(uow)
    idle_user, _ = people["idle"]
    sign_in(page, app_url, owner.username, PASSWORD)
    open_reports(page, app_url, org)
    page.get_by_role("tab", name="User Report").click()
    page.get_by_role("button", name="Show inactive for 30 days").click()
    expect(page).to_have_url(re.compile(r"inactive=30"))
    expect(page.locator("#user-report tbody tr")).to_have_count(2)
    page.locator("#user-report tbody tr", has_text="Ian Idle").get_by_role("checkbox").click()
    page.get_by_role("button", name="Remind selected").click()
    expect(page.locator("#userreportstate-remind-notice")).to_contain_text(
        "1 reminder sent, 0 skipped")
    (message,) = smtp_server.catcher.wait_for(idle_user.email)  # sent after the commit
    assert "Safety Walkthrough" in message.get_content()
    assert "Privacy Primer" in message.get_content()


def test_a_manager_whose_type_forbids_reports_sees_no_tab_and_is_refused(page, app_url, uow):
    with uow() as session:
        org = make_org(session, org_type=make_org_type(session, managers_view_reports=False))
        manager = make_user(session, password=PASSWORD)
        make_membership(session, org, manager, role=Role.MANAGER)
    frames: list[str] = []

    def tamper(ws):
        server = ws.connect_to_server()

        def to_server(message):
            if isinstance(message, str) and ".open_tab" in message:
                message = re.sub(r'("section"\s*:\s*)"seats"', r'\1"reports"', message)
            server.send(message)

        def to_browser(message):
            frames.append(message if isinstance(message, str) else "")
            ws.send(message)

        ws.on_message(to_server)
        server.on_message(to_browser)

    page.route_web_socket(re.compile(r".*/_event.*"), tamper)
    sign_in(page, app_url, manager.username, PASSWORD)
    page.goto(f"{app_url}/dashboard/org/{org.id}")
    expect(page.get_by_role("tab", name="Members")).to_be_visible()
    expect(page.get_by_role("tab", name="Reports")).to_have_count(0)
    # A crafted call: the tab change asks for the reports anyway; the service refuses.
    page.get_by_role("tab", name="Manage Seats").click()
    expect(page.locator("#no-seat-controls")).to_be_visible()
    # One socket, events in order: once the next tab shows, every earlier answer has arrived.
    page.get_by_role("tab", name="Members").click()
    expect(page.get_by_role("button", name="Add Member")).to_be_visible()
    refusal = "Managers of this organization may not do that."
    assert any(refusal in frame for frame in frames)
    assert not any("completion_pct" in frame for frame in frames)
    # And the CSV route, with the manager's own cookie.
    response = page.request.get(f"{app_url}/_reports/csv?org={org.id}&report=user")
    assert response.status == 403
    assert refusal in response.text()
