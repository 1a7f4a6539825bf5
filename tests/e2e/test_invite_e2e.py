"""/invite/[token] for the cases a person can meet: signed in as someone else, an existing
account that signs in to accept, and closed links."""

from datetime import timedelta

from conftest import at, sign_in
from factories import make_invitation, make_org, make_user
from playwright.sync_api import expect
from sqlmodel import select

from membersync_app.models import Membership, utcnow

PASSWORD = "invitee-pass-1"


def test_wrong_account_then_the_right_one_accepts(page, app_url, uow):
    with uow() as session:
        org = make_org(session)
        other = make_user(session, password=PASSWORD)
        invitee = make_user(session, password=PASSWORD)
        _, token = make_invitation(session, org, email=invitee.email)
    sign_in(page, app_url, other.username, PASSWORD)
    page.goto(f"{app_url}/invite/{token}")
    expect(page.locator("#wrong-account")).to_contain_text(f"signed in as {other.email}")
    page.get_by_role("button", name="Sign out and switch account").click()
    expect(page).to_have_url(at(app_url, f"/login?next=/invite/{token}"))
    page.get_by_label("Username or email").fill(invitee.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Accept invitation").click()
    expect(page).to_have_url(at(app_url, "/my"))
    expect(page.locator("#my-orgs")).to_contain_text(org.title)
    with uow() as session:
        assert session.exec(select(Membership).where(Membership.user_id == invitee.id)).one()


def test_invitee_without_an_account_comes_back_to_the_invitation_after_signing_out(
    page, app_url, uow
):
    with uow() as session:
        org = make_org(session)
        other = make_user(session, password=PASSWORD)
        _, token = make_invitation(session, org, email=f"newcomer-{other.id}@example.com")
    sign_in(page, app_url, other.username, PASSWORD)
    page.goto(f"{app_url}/invite/{token}")
    page.get_by_role("button", name="Sign out and switch account").click()
    # Not a sign-in form: the invitation again, where the account is created.
    expect(page).to_have_url(at(app_url, f"/invite/{token}"))
    expect(page.get_by_role("button", name="Create account and join")).to_be_visible()
    expect(page.locator("#signed-in-as")).to_have_count(0)


def test_the_person_who_accepted_is_told_so_and_shown_their_access(page, app_url, uow):
    with uow() as session:
        org = make_org(session)
        invitee = make_user(session, password=PASSWORD)
        _, token = make_invitation(session, org, email=invitee.email)
    sign_in(page, app_url, invitee.username, PASSWORD)
    page.goto(f"{app_url}/invite/{token}")
    page.get_by_role("button", name="Accept invitation").click()
    expect(page).to_have_url(at(app_url, "/my"))
    page.goto(f"{app_url}/invite/{token}")
    expect(page.locator("#invite-accepted")).to_contain_text(
        f"You already accepted this invitation to join {org.title}.")
    expect(page.locator("#invite-problem")).to_have_count(0)
    page.get_by_role("link", name="Go to My access").click()
    expect(page).to_have_url(at(app_url, "/my"))


def test_closed_links_say_what_to_do(page, app_url, uow):
    with uow() as session:
        org = make_org(session)
        _, expired = make_invitation(session, org, expires_at=utcnow() - timedelta(hours=1))
        _, revoked = make_invitation(session, org, revoked_at=utcnow())
    page.goto(f"{app_url}/invite/{expired}")
    expect(page.locator("#invite-problem")).to_contain_text("Ask the person who invited you")
    page.goto(f"{app_url}/invite/{revoked}")
    expect(page.locator("#invite-problem")).to_contain_text("withdrawn")
    page.goto(f"{app_url}/invite/not-a-real-token")
    expect(page.locator("#invite-problem")).to_contain_text("not valid")
