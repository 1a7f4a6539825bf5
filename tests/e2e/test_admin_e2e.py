"""The staff back office as a new staff user uses it, and what a non-staff user cannot do there."""

import json
import re

from conftest import sign_in
from factories import (
    make_course,
    make_membership,
    make_org,
    make_org_type,
    make_seat_type,
    make_staff,
    make_user,
)
from playwright.sync_api import expect
from reflex_base.utils import format
from sqlmodel import select

from membersync_app import routes
from membersync_app.models import (
    Course,
    Membership,
    Organization,
    OrganizationType,
    Role,
    RoleBenefitCourse,
    User,
    Visibility,
)
from membersync_app.state.admin_catalog import AdminCoursesState
from membersync_app.state.admin_organizations import AdminOrganizationsState
from membersync_app.state.admin_users import AdminUsersState

PASSWORD = "correct-horse-1"


def _add_course(page, title: str, lessons: str) -> None:
    page.get_by_role("button", name="Add new").click()
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Number of lessons").fill(lessons)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text(f"Saved the course “{title}”.")
    expect(page.get_by_role("rowheader", name=title)).to_be_visible()


def test_staff_sets_up_an_organization_that_its_owner_then_sees(page, app_url, uow, browser):
    with uow() as session:
        staff = make_staff(session, password=PASSWORD)
        owner = make_user(session, username="olivia_owner", full_name="Olivia Owner",
                          password=PASSWORD)
    sign_in(page, app_url, staff.username, PASSWORD)

    # Courses, one refused first: the message sits by the field and the typed text stays.
    page.get_by_role("link", name="Courses").first.click()
    expect(page.get_by_role("heading", name="Courses")).to_be_visible()
    page.get_by_role("button", name="Add new").click()
    page.get_by_label("Title", exact=True).fill("   ")
    page.get_by_label("Number of lessons").fill("many")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#course-title-error")).to_have_text("Title is required.")
    expect(page.locator("#course-lessons-error")).to_contain_text("whole number")
    expect(page.get_by_label("Number of lessons")).to_have_value("many")
    page.get_by_label("Title", exact=True).fill("Safety Basics")
    page.get_by_label("Number of lessons").fill("6")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("rowheader", name="Safety Basics")).to_be_visible()
    _add_course(page, "Leadership Essentials", "8")

    # A license.
    page.goto(app_url + routes.ADMIN_LICENSES)
    page.get_by_role("button", name="Add new").click()
    page.get_by_label("Name", exact=True).fill("Office Suite")
    page.get_by_label("Product").fill("Office")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("rowheader", name="Office Suite")).to_be_visible()

    # A seat type with a course and the license.
    page.goto(app_url + routes.ADMIN_SEAT_TYPES)
    page.get_by_role("button", name="Add new").click()
    page.get_by_label("Name", exact=True).fill("Standard Seat")
    page.get_by_role("group", name="Courses").get_by_label("Safety Basics").check()
    page.get_by_role("group", name="Licenses").get_by_label("Office Suite").check()
    page.get_by_role("button", name="Save").click()
    # Name, courses, licenses, organizations.
    expect(page.get_by_role("row").filter(has_text="Standard Seat")).to_have_text(
        re.compile(r"Standard Seat\s*1\s*1\s*0"))

    # An organization type with all three tabs filled.
    page.goto(app_url + routes.ADMIN_ORG_TYPES)
    expect(page.get_by_role("heading", name="Organization Types")).to_be_visible()
    page.get_by_role("button", name="Add new").click()
    page.get_by_label("Name", exact=True).fill("Corporate Team")
    page.get_by_label("Visibility").select_option("public")
    page.get_by_label("Default Seat Type").select_option(label="Standard Seat")
    page.get_by_role("tab", name="Access").click()
    page.get_by_label("Invite members").uncheck()
    page.get_by_label("Manage seats").check()
    page.get_by_label("Invitation lifetime (days)").fill("30")
    page.get_by_label("Access ends when the organization expires").uncheck()
    page.get_by_label("E-mail domain added without invitation").fill("acme.example")
    page.get_by_role("tab", name="Seat Benefits").click()
    page.get_by_role("group", name="Manager courses").get_by_label("Leadership Essentials").check()
    page.get_by_role("group", name="Owner licenses").get_by_label("Office Suite").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("rowheader", name="Corporate Team")).to_be_visible()
    with uow() as session:
        org_type = session.exec(
            select(OrganizationType).where(OrganizationType.name == "Corporate Team")).one()
        assert org_type.visibility == Visibility.PUBLIC
        assert (org_type.managers_invite, org_type.managers_manage_seats) == (False, True)
        assert (org_type.invitation_days, org_type.access_ends_at_expiry) == (30, False)
        assert org_type.auto_add_domain == "acme.example"
        benefits = session.exec(select(RoleBenefitCourse)
                                .where(RoleBenefitCourse.org_type_id == org_type.id)).all()
        assert [str(b.role) for b in benefits] == ["manager"]

    # The organization: first refused (bad seat count, no type), then saved.
    page.goto(app_url + routes.ADMIN_ORGANIZATIONS)
    page.get_by_role("button", name="Add new").click()
    page.get_by_label("Title", exact=True).fill("Acme Logistics")
    page.get_by_label("Owner", exact=True).fill("olivia_o")
    page.get_by_role("button", name="Choose olivia_owner").click()
    expect(page.get_by_label("Owner", exact=True)).to_have_value("olivia_owner")
    page.get_by_label("Organization expires at").fill("2031-12-31")
    page.get_by_label("Seat count").fill("0")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#org-seat-count-error")).to_have_text(
        "Seat count must be a whole number from 1 to 100,000.")
    expect(page.locator("#org-type-error")).to_contain_text("Choose an organization type")
    expect(page.get_by_label("Title", exact=True)).to_have_value("Acme Logistics")
    expect(page.get_by_label("Owner", exact=True)).to_have_value("olivia_owner")
    page.get_by_label("Seat count").fill("10")
    page.get_by_label("Organization type").select_option(label="Corporate Team")
    page.get_by_role("button", name="Save").click()
    row = page.get_by_role("row").filter(has_text="Acme Logistics")
    expect(row).to_contain_text("0 / 10")
    expect(row).to_contain_text("olivia_owner")
    expect(row).to_contain_text("2031-12-31")
    with uow() as session:
        org = session.exec(select(Organization).where(Organization.title == "Acme Logistics")).one()
        membership = session.exec(select(Membership)
                                  .where(Membership.organization_id == org.id)).one()
        assert (membership.user_id, membership.role) == (owner.id, Role.OWNER)

    # The audit log shows what staff did, filterable by organization.
    page.goto(app_url + routes.ADMIN_AUDIT)
    expect(page.get_by_role("rowheader", name="course.create")).to_have_count(2)
    page.get_by_label("Organization", exact=True).fill("Acme")
    page.get_by_role("button", name="Filter", exact=True).click()
    # Filter loads the filtered address as a page (issue 9: the filters live in the URL).
    expect(page).to_have_url(re.compile(r"\?organization=Acme&"))
    # The new page shows the tab's last table until its on_load has read the address.
    expect(page.get_by_role("rowheader", name="organization.create")).to_have_count(1)
    expect(page.get_by_role("rowheader", name="organization.create")).to_be_visible()
    expect(page.get_by_role("rowheader", name="course.create")).to_have_count(0)

    # The owner signs in elsewhere and finds it on the Group Dashboard.
    context = browser.new_context()
    owner_page = context.new_page()
    sign_in(owner_page, app_url, owner.username, PASSWORD)
    expect(owner_page.get_by_role("heading", name="MemberSync Group Dashboard")).to_be_visible()
    expect(owner_page.get_by_role("rowheader", name="Acme Logistics")).to_be_visible()
    expect(owner_page.get_by_text("0 / 10")).to_be_visible()
    # ... and, its type being public, in the directory.
    owner_page.goto(app_url + routes.DIRECTORY)
    expect(owner_page.get_by_role("rowheader", name="Acme Logistics")).to_be_visible()
    context.close()


ADMIN_URLS = (routes.ADMIN, routes.ADMIN_ORG_TYPES, routes.ADMIN_SEAT_TYPES, routes.ADMIN_COURSES,
              routes.ADMIN_LICENSES, routes.ADMIN_ORGANIZATIONS, routes.ADMIN_USERS,
              routes.ADMIN_AUDIT)


def test_non_staff_user_is_sent_away_from_every_admin_url(page, app_url, uow):
    with uow() as session:
        user = make_user(session, password=PASSWORD)
    sign_in(page, app_url, user.username, PASSWORD)
    for url in ADMIN_URLS:
        page.goto(app_url + url)
        expect(page).to_have_url(app_url + routes.DASHBOARD)
    expect(page.get_by_text("Only staff")).to_have_count(0)


# Keeps the page's socket and every frame it sends and receives, so a test can send its own.
_SOCKET_SPY = """
(() => {
  const Original = window.WebSocket;
  window.__sent = []; window.__received = [];
  window.WebSocket = function (...args) {
    const socket = new Original(...args);
    window.__socket = socket;
    const send = socket.send.bind(socket);
    socket.send = (data) => { window.__sent.push(String(data)); send(data); };
    socket.addEventListener("message", (e) => window.__received.push(String(e.data)));
    return socket;
  };
  Object.assign(window.WebSocket, Original);
  window.WebSocket.prototype = Original.prototype;
})();
"""

# Sends an event frame as the page would (socket.io "42" + namespace), with another handler
# name and payload.
_SEND_EVENT = """
([name, payload]) => {
  window.__received = [];
  const event = {name, payload, router_data: {pathname: location.pathname, query: {}}};
  window.__socket.send('42/_event,' + JSON.stringify(["event", event]));
}
"""


def _call_handler(page, handler, payload: dict, reply: str) -> None:
    page.evaluate(_SEND_EVENT, [format.format_event_handler(handler), payload])
    page.wait_for_function("(text) => window.__received.some((m) => m.includes(text))",
                           arg=json.dumps(reply)[1:-1])


def test_admin_handlers_called_directly_by_a_non_staff_user_change_nothing(page, app_url, uow):
    with uow() as session:
        user = make_user(session, password=PASSWORD)
    page.add_init_script(_SOCKET_SPY)
    sign_in(page, app_url, user.username, PASSWORD)
    # Someone with no organization to run lands on their own access.
    expect(page.get_by_role("heading", name="My access", exact=True)).to_be_visible()

    _call_handler(page, AdminUsersState.set_staff, {"user_id": user.id, "is_staff": True},
                  "Only staff may do that.")
    _call_handler(page, AdminCoursesState.save,
                  {"form_data": {"title": "Injected course", "lesson_count": "3"}},
                  "Only staff may do that.")
    _call_handler(page, AdminOrganizationsState.search_users, {"text": user.username[:4]},
                  "Only staff may do that.")
    with uow() as session:
        assert session.get(User, user.id).is_staff is False
        assert session.exec(select(Course).where(Course.title == "Injected course")).first() is None
    # Nothing about other users leaked into the page either.
    received = "\n".join(page.evaluate("window.__received"))
    assert "@example.com" not in received.replace(user.email, "")


def test_refusals_say_why_and_keep_what_was_typed_and_lists_page(page, app_url, uow):
    with uow() as session:
        staff = make_staff(session, password=PASSWORD)
        course = make_course(session, title="Used Course")
        make_seat_type(session, name="Gold Seat", courses=[course])
        org_type = make_org_type(session)
        busy = make_org(session, title="Busy Org", seat_count=5, org_type=org_type)
        for _ in range(3):
            make_membership(session, busy)
        owner = make_user(session)
        for n in range(21):
            make_org(session, title=f"Paged {n:02d}", owner=owner, org_type=org_type)
    sign_in(page, app_url, staff.username, PASSWORD)

    page.goto(app_url + routes.ADMIN_COURSES)
    page.get_by_role("button", name="Edit Used Course").click()
    page.get_by_role("button", name="Delete course").click()
    page.get_by_role("button", name="Yes, delete course").click()
    expect(page.locator("#form-error")).to_contain_text("still used by seat types “Gold Seat”")

    page.goto(app_url + routes.ADMIN_ORGANIZATIONS)
    page.get_by_label("Search organizations").fill("busy")
    expect(page.get_by_role("row")).to_have_count(2)  # header + Busy Org
    # Edit opens the organization's own address (issue 9: reload and Back land there).
    page.get_by_role("button", name="Edit Busy Org").click()
    expect(page).to_have_url(re.compile(re.escape(app_url + routes.admin_organization(busy.id))))
    expect(page.get_by_text("3 seats are in use now.")).to_be_visible()
    page.get_by_label("Seat count").fill("2")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#org-seat-count-error")).to_contain_text(
        "3 seats are in use, so the seat count cannot go below 3")
    expect(page.get_by_label("Seat count")).to_have_value("2")
    page.get_by_label("Seat count").fill("3")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#admin-notice")).to_contain_text("Saved the organization “Busy Org”.")
    page.goto(app_url + routes.ADMIN_ORGANIZATIONS)
    page.get_by_label("Search organizations").fill("busy")
    expect(page.get_by_role("row").filter(has_text="Busy Org")).to_contain_text("3 / 3")
    page.get_by_role("link", name="Audit log of Busy Org").click()
    # Issue 9: the link filters by the organization's id (not its digits as text), and the
    # details read as lines rather than JSON.
    expect(page.locator("#audit-one-organization")).to_contain_text("Busy Org")
    expect(page.get_by_role("rowheader", name="organization.update")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="organization.update")).to_contain_text(
        "Seat count: 5 → 3")
    page.go_back()

    page.get_by_label("Search organizations").fill("paged")
    expect(page.get_by_text("Page 1 of 2 · 21 results")).to_be_visible()
    page.get_by_role("button", name="Next page").click()
    expect(page.get_by_text("Page 2 of 2 · 21 results")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Paged 20")).to_be_visible()
    page.get_by_role("button", name="Title").click()  # sorted by title, descending now
    expect(page.get_by_text("Page 1 of 2 · 21 results")).to_be_visible()
    expect(page.get_by_role("row").nth(1)).to_contain_text("Paged 20")
