"""Accounts as a person uses them (issue 12): Forgot your password? through the test SMTP
server, My account's password, name and e-mail (confirmed by the e-mailed link), and signing
out of the other sessions."""

import re
import uuid

from conftest import at, sign_in
from factories import make_membership, make_org, make_user
from playwright.sync_api import expect
from sqlmodel import select

from membersync_app.models import AuthSession, User

PASSWORD = "first-meadow-lane-1"
NEW_PASSWORD = "second-river-stone-2"
NEUTRAL = "If an account exists, an e-mail is on its way."


def _uid() -> str:
    return uuid.uuid4().hex[:8]


def link_in(message, path: str) -> str:
    match = re.search(rf"https?://\S+{path}\S+", message.get_content())
    assert match, message.get_content()
    return match.group(0)


def _member(uow):
    """A member of an organization (lands on /my), with a password."""
    with uow() as session:
        user = make_user(session, username=f"acct_{_uid()}", password=PASSWORD,
                         full_name="Rosa Account")
        make_membership(session, make_org(session), user)
        return user


def _signed_out(page, app_url) -> None:
    """The browser's session no longer works: a signed-in page sends it to /login."""
    page.goto(f"{app_url}/my")
    expect(page).to_have_url(re.compile(re.escape(app_url) + r"/login/?\?next=/my/?$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_forgot_password_by_email_sets_a_new_one_and_signs_in(page, app_url, uow, smtp_server,
                                                              browser):
    user = _member(uow)
    other_context = browser.new_context()
    other = other_context.new_page()
    sign_in(other, app_url, user.username, PASSWORD)  # another browser, signed in already

    page.goto(f"{app_url}/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page).to_have_url(at(app_url, "/forgot-password"))
    # An unknown account hears exactly the same.
    page.get_by_label("Username or email").fill(f"nobody-{_uid()}")
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator("#fp-sent")).to_have_text(NEUTRAL)
    page.reload()
    page.get_by_label("Username or email").fill(user.email.upper())
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator("#fp-sent")).to_have_text(NEUTRAL)
    expect(page.get_by_label("Username or email")).to_have_value(user.email.upper())

    (message,) = smtp_server.catcher.wait_for(user.email)
    assert message["Subject"] == "Reset your MemberSync password"
    link = link_in(message, "/reset-password/")
    page.goto(link)
    expect(page.get_by_text(user.username)).to_be_visible()
    page.get_by_label("New password").fill("password123")
    page.get_by_label("Confirm password").fill("password123")
    page.get_by_role("button", name="Set new password and sign in").click()
    expect(page.locator("#rp-password-error")).to_contain_text("most common passwords")
    expect(page.get_by_label("New password")).to_have_value("")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password and sign in").click()
    expect(page).to_have_url(at(app_url, "/my"))
    expect(page.locator("#signed-in-as")).to_contain_text("Rosa Account")

    _signed_out(other, app_url)  # every earlier session ended
    other_context.close()
    page.goto(link)  # single use
    expect(page.locator("#link-problem")).to_contain_text("no longer works")
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page).to_have_url(at(app_url, "/login"))
    sign_in(page, app_url, user.username, NEW_PASSWORD)
    expect(page).to_have_url(at(app_url, "/my"))


def test_email_change_is_confirmed_by_the_link_and_the_old_address_is_told(
        page, app_url, uow, smtp_server):
    user = _member(uow)
    new_email = f"moved-{_uid()}@example.com"
    sign_in(page, app_url, user.username, PASSWORD)
    page.get_by_role("link", name="My account").click()
    expect(page).to_have_url(at(app_url, "/account"))
    expect(page.locator("#current-email")).to_have_text(user.email)

    page.get_by_label("New e-mail address").fill(new_email)
    page.locator("#acc-email-current").fill(PASSWORD)
    page.get_by_role("button", name="Change e-mail address").click()
    expect(page.locator("#email-notice")).to_contain_text("We sent a link to the new address")
    expect(page.locator("#pending-email")).to_contain_text(new_email)
    expect(page.locator("#current-email")).to_have_text(user.email)  # not yet

    (request,) = smtp_server.catcher.wait_for(new_email)
    page.goto(link_in(request, "/confirm-email/"))
    expect(page.get_by_text(f"Use {new_email} as the e-mail address")).to_be_visible()
    page.get_by_role("button", name="Confirm new e-mail address").click()
    expect(page.locator("#email-confirmed")).to_have_text(
        f"Your e-mail address is now {new_email}.")

    (told,) = smtp_server.catcher.wait_for(user.email)
    assert "was changed" in told["Subject"] and new_email in told.get_content()
    with uow() as session:
        assert session.get(User, user.id).email == new_email
    page.goto(f"{app_url}/account")
    expect(page.locator("#current-email")).to_have_text(new_email)
    expect(page.locator("#pending-email")).to_have_count(0)


def test_password_and_name_are_changed_on_my_account(page, app_url, uow):
    user = _member(uow)
    sign_in(page, app_url, user.username, PASSWORD)
    page.goto(f"{app_url}/account")

    page.locator("#acc-current").fill("not-my-password-1")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#acc-current-error")).to_have_text("That is not your current password.")
    expect(page.get_by_label("New password", exact=True)).to_have_value("")

    page.locator("#acc-current").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#password-notice")).to_contain_text("Your password is changed")

    page.get_by_label("Full name").fill("")
    page.get_by_role("button", name="Save name").click()
    expect(page.locator("#acc-full-name-error")).to_have_text("Full name is required.")
    page.get_by_label("Full name").fill("Rosa Renamed")
    page.get_by_role("button", name="Save name").click()
    expect(page.locator("#name-notice")).to_have_text("Your name is saved.")
    expect(page.locator("#signed-in-as")).to_contain_text("Rosa Renamed")

    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page).to_have_url(at(app_url, "/login"))
    page.get_by_label("Username or email").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#login-error")).to_have_text("Wrong username, email or password.")
    sign_in(page, app_url, user.username, NEW_PASSWORD)
    expect(page).to_have_url(at(app_url, "/my"))


def test_sign_out_of_other_sessions_ends_the_other_browser(page, app_url, uow, browser):
    user = _member(uow)
    other_context = browser.new_context()
    other = other_context.new_page()
    sign_in(other, app_url, user.username, PASSWORD)
    sign_in(page, app_url, user.username, PASSWORD)
    page.goto(f"{app_url}/account")
    rows = page.locator("#sessions-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="This browser")).to_have_count(1)
    expect(rows.first).to_contain_text("Chrome on Linux")

    page.get_by_role("button", name="Sign out of other sessions").click()
    expect(page.locator("#sessions-notice")).to_have_text("Signed out of 1 other session.")
    expect(rows).to_have_count(1)

    _signed_out(other, app_url)
    other_context.close()
    page.reload()
    expect(page).to_have_url(at(app_url, "/account"))
    expect(rows).to_have_count(1)
    with uow() as session:
        sessions = session.exec(select(AuthSession).where(AuthSession.user_id == user.id,
                                                          AuthSession.revoked_at.is_(None))).all()
    assert len(sessions) == 1 and sessions[0].last_seen_at is not None
