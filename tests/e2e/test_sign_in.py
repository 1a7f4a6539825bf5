"""Sign-in as a person does it: staff, owner, wrong password, sign out."""

from conftest import at, sign_in
from factories import make_membership, make_org, make_staff, make_user
from playwright.sync_api import expect
from sqlmodel import select

from membersync_app.models import AuthSession

PASSWORD = "correct-horse-1"


def test_staff_signs_in_and_sees_the_admin_link(page, app_url, uow):
    with uow() as session:
        staff = make_staff(session, password=PASSWORD)
    sign_in(page, app_url, staff.username, PASSWORD)
    expect(page).to_have_url(at(app_url, "/admin"))
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin")
    ).to_be_visible()
    expect(page.get_by_text("Organization Types")).to_be_visible()


def test_owner_signs_in_with_email_and_sees_the_group_dashboard(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, seat_count=7)
    sign_in(page, app_url, owner.email.upper(), PASSWORD)
    expect(page.get_by_role("heading", name="MemberSync Group Dashboard")).to_be_visible()
    expect(page.get_by_role("rowheader", name=org.title)).to_be_visible()
    expect(page.get_by_text("0 / 7")).to_be_visible()
    # An owner is not staff: no admin link, and /admin sends them back to the dashboard.
    expect(page.get_by_role("link", name="Admin")).to_have_count(0)
    page.goto(f"{app_url}/admin")
    expect(page).to_have_url(at(app_url, "/dashboard"))


def test_wrong_password_shows_one_message_and_keeps_the_username(page, app_url, uow):
    with uow() as session:
        user = make_user(session, password=PASSWORD)
    page.goto(f"{app_url}/login")
    page.get_by_label("Username or email").fill(user.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong username, email or password.")
    expect(page.get_by_label("Password")).to_have_value("")
    expect(page.get_by_label("Username or email")).to_have_value(user.username)
    # An unknown account gets the very same message.
    page.get_by_label("Username or email").fill("nobody-by-that-name")
    page.get_by_label("Password").fill("whatever-pass")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong username, email or password.")
    expect(page).to_have_url(at(app_url, "/login"))


def test_signed_out_visitor_is_sent_to_login_and_back(page, app_url, uow):
    with uow() as session:
        user = make_user(session, password=PASSWORD)
    page.goto(f"{app_url}/dashboard")
    expect(page).to_have_url(at(app_url, "/login?next=/dashboard"))
    page.get_by_label("Username or email").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(at(app_url, "/dashboard"))


def test_sign_out_ends_the_session_for_good(page, app_url, uow, browser):
    with uow() as session:
        user = make_user(session, password=PASSWORD)
    sign_in(page, app_url, user.username, PASSWORD)
    cookie = next(c for c in page.context.cookies() if c["name"] == "membersync_session")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(at(app_url, "/login"))
    with uow() as session:
        sessions = session.exec(select(AuthSession).where(AuthSession.user_id == user.id)).all()
    assert [s.revoked_at is not None for s in sessions] == [True]
    # Someone who kept the old cookie gets nothing with it.
    other = browser.new_context()
    other.add_cookies([cookie])
    stolen = other.new_page()
    stolen.goto(f"{app_url}/dashboard")
    expect(stolen).to_have_url(at(app_url, "/login?next=/dashboard"))
    other.close()


def test_a_member_lands_on_my_access_and_home_sends_them_back_there(page, app_url, uow):
    with uow() as session:
        member = make_user(session, password=PASSWORD)
        org = make_org(session)
        make_membership(session, org, member)
    sign_in(page, app_url, member.username, PASSWORD)
    expect(page).to_have_url(at(app_url, "/my"))
    page.goto(f"{app_url}/")
    expect(page).to_have_url(at(app_url, "/my"))
    page.goto(f"{app_url}/dashboard")
    expect(page.locator("#no-orgs").get_by_role("link", name="My access")).to_be_visible()
