"""The Group Dashboard as a new owner uses it: add a member who then sets a password from the
e-mail and sees their access; invite, accept, revoke; promote, demote; fill every seat; Settings.
"""

import re

from conftest import at, sign_in
from factories import (
    make_course,
    make_license,
    make_membership,
    make_org,
    make_org_type,
    make_seat_type,
    make_user,
)
from playwright.sync_api import expect
from sqlmodel import select

from membersync_app.models import Invitation, Membership, Organization, Role, User

PASSWORD = "owner-pass-1"


def link_in(message, path: str) -> str:
    body = message.get_content()
    match = re.search(rf"https?://\S+{path}\S+", body)
    assert match, body
    return match.group(0)


def member_row(page, email):
    return page.locator("#members-table tr", has_text=email)


def invitation_row(page, email):
    return page.locator("#invitations-table tr", has_text=email)


def open_org(page, app_url, org):
    page.goto(f"{app_url}/dashboard")
    page.get_by_role("link", name=f"View {org.title}").click()
    expect(page.get_by_role("heading", name=org.title)).to_be_visible()


def test_owner_adds_a_member_who_sets_a_password_and_sees_their_access(
    page, app_url, uow, smtp_server
):
    with uow() as session:
        course = make_course(session, title="Forklift Safety", lesson_count=2)
        lic = make_license(session, name="Route Planner Pro")
        seat_type = make_seat_type(session, courses=[course], licenses=[lic])
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, seat_count=3, seat_type=seat_type)
    email = f"new-{org.id}@example.com"

    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    expect(page.locator("#seats-used")).to_have_text("0 / 3")
    page.get_by_role("button", name="Add Member").click()
    page.get_by_label("Name", exact=True).fill("Nora Newcomer")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Role", exact=True).select_option("member")
    page.get_by_role("button", name="Add Members").click()
    expect(member_row(page, email)).to_contain_text("Nora Newcomer")
    expect(member_row(page, email)).to_contain_text("Member")
    expect(page.locator("#seats-used")).to_have_text("1 / 3")
    with uow() as session:
        user = session.exec(select(User).where(User.email == email)).one()
        assert session.exec(select(Membership).where(Membership.user_id == user.id,
                                                     Membership.organization_id == org.id)).one()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(at(app_url, "/login"))
    (mail,) = smtp_server.catcher.wait_for(email)  # sent after the commit
    page.goto(link_in(mail, "/set-password/"))
    page.get_by_label("New password").fill("member-pass-1")
    page.get_by_label("Confirm password").fill("member-pass-1")
    page.get_by_role("button", name="Set password").click()
    expect(page.locator("#password-set")).to_be_visible()
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username or email").fill(email)
    page.get_by_label("Password").fill("member-pass-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(at(app_url, "/my"))
    expect(page.locator("#my-orgs")).to_contain_text(org.title)
    expect(page.locator("#my-courses")).to_contain_text("Forklift Safety")
    expect(page.locator("#my-licenses")).to_contain_text("Route Planner Pro")

    # Progress is real: complete a lesson on the course page.
    page.get_by_role("link", name="Forklift Safety").click()
    page.get_by_role("button", name="Mark lesson 1 complete").click()
    expect(page.locator("#course-progress")).to_contain_text("1 / 2 lessons completed")


def test_invite_accept_and_revoke(page, app_url, uow, smtp_server, browser):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, seat_count=3)
        make_membership(session, org, make_user(session, full_name="Erin Existing"))
    first, second = f"inv1-{org.id}@example.com", f"inv2-{org.id}@example.com"

    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    page.get_by_role("button", name="Add Member").click()
    page.get_by_role("tab", name="Invite members").click()
    page.get_by_label("Email addresses").fill(f"{first}, {second}")
    page.get_by_role("button", name="Send invitations").click()
    expect(invitation_row(page, first)).to_contain_text("pending")
    expect(invitation_row(page, second)).to_be_visible()
    expect(page.locator("#seats-used")).to_have_text("3 / 3")

    # The first invitee follows the link in the e-mail and creates an account.
    (mail,) = smtp_server.catcher.wait_for(first)
    guest_context = browser.new_context()
    guest = guest_context.new_page()
    guest.goto(link_in(mail, "/invite/"))
    expect(guest.locator("#invite-summary")).to_contain_text(org.title)
    guest.get_by_label("Name").fill("Ivy Invitee")
    guest.get_by_label("Password", exact=True).fill("invitee-pass-1")
    guest.get_by_label("Confirm password").fill("invitee-pass-1")
    guest.get_by_role("button", name="Create account and join").click()
    expect(guest).to_have_url(at(app_url, "/my"))
    expect(guest.locator("#my-orgs")).to_contain_text(org.title)
    # The link is single-use: opened again by the one who accepted, it says so.
    guest.goto(link_in(mail, "/invite/"))
    expect(guest.locator("#invite-accepted")).to_contain_text("already accepted")
    guest_context.close()

    page.reload()
    expect(member_row(page, first)).to_contain_text("Ivy Invitee")
    expect(invitation_row(page, first)).to_have_count(0)
    invitation_row(page, second).get_by_role("button", name="Revoke").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Yes, revoke").click()
    expect(page.locator("#invitations-notice")).to_contain_text("revoked")
    expect(page.locator("#seats-used")).to_have_text("2 / 3")
    with uow() as session:
        revoked = session.exec(select(Invitation).where(Invitation.email == second)).one()
        assert revoked.revoked_at is not None


def test_promote_then_demote(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, seat_count=3)
        existing = make_membership(session, org, make_user(session, full_name="Erin Existing"))
        existing_email = session.get(User, existing.user_id).email
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    member_row(page, existing_email).get_by_role("button", name="Promote to manager").click()
    expect(member_row(page, existing_email)).to_contain_text("Manager")
    member_row(page, existing_email).get_by_role("button", name="Demote to member").click()
    expect(member_row(page, existing_email).get_by_role(
        "button", name="Promote to manager")).to_be_visible()


def test_the_last_seat_then_a_refusal_then_settings_raise_the_seat_count(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, seat_count=3)
        for _ in range(2):
            make_membership(session, org)
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)

    # Fill the last seat, then see the refusal with what was typed kept.
    page.get_by_role("button", name="Add Member").click()
    page.get_by_label("Name", exact=True).fill("Last Seat")
    page.get_by_label("Email", exact=True).fill(f"last-{org.id}@example.com")
    page.get_by_role("button", name="Add Members").click()
    expect(page.locator("#seats-used")).to_have_text("3 / 3")
    page.get_by_role("button", name="Add Member").click()
    page.get_by_label("Name", exact=True).fill("One Too Many")
    page.get_by_label("Email", exact=True).fill(f"toomany-{org.id}@example.com")
    page.get_by_role("button", name="Add Members").click()
    expect(page.locator("#seats-error")).to_contain_text("No seats left")
    expect(page.get_by_label("Email", exact=True)).to_have_value(f"toomany-{org.id}@example.com")
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    page.get_by_role("tab", name="Manage Seats").click()
    expect(page.locator("#manage-seats-summary")).to_contain_text("3 / 3")

    # Settings: raise the seat count, then try to lower it below the seats in use.
    page.get_by_role("tab", name="Settings").click()
    page.get_by_label("Seat count").fill("5")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("#seats-used")).to_have_text("3 / 5")
    page.get_by_label("Seat count").fill("2")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("#settings-seat-count-error")).to_contain_text(
        "cannot go below 3")
    expect(page.get_by_label("Seat count")).to_have_value("2")
    with uow() as session:
        assert session.get(Organization, org.id).seat_count == 5


def test_manager_without_seat_rights_sees_no_seat_controls(page, app_url, uow):
    with uow() as session:
        org = make_org(session, org_type=make_org_type(
            session, managers_manage_seats=False, managers_edit_settings=False))
        manager = make_user(session, password=PASSWORD)
        make_membership(session, org, manager, role=Role.MANAGER)
    sign_in(page, app_url, manager.username, PASSWORD)
    open_org(page, app_url, org)
    page.get_by_role("tab", name="Manage Seats").click()
    expect(page.locator("#no-seat-controls")).to_be_visible()
    expect(page.get_by_role("button", name="Add seats")).to_have_count(0)
    expect(page.get_by_role("tab", name="Settings")).to_have_count(0)


def test_outsider_gets_a_clear_refusal_for_another_org(page, app_url, uow):
    with uow() as session:
        org_a, org_b = make_org(session), make_org(session)
        manager = make_user(session, password=PASSWORD)
        make_membership(session, org_a, manager, role=Role.MANAGER)
    sign_in(page, app_url, manager.username, PASSWORD)
    page.goto(f"{app_url}/dashboard/org/{org_b.id}")
    expect(page.locator("#org-load-error")).to_contain_text("Only the owner and managers")
    expect(page.get_by_role("button", name="Add Member")).to_have_count(0)


def test_import_csv_all_or_nothing_with_row_numbers(page, app_url, uow, tmp_path):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, seat_count=5)
    bad = tmp_path / "bad.csv"
    bad.write_text(f"name,email,role\nGood,good-{org.id}@example.com,member\n"
                   "Broken,not-an-email,member\n")
    good = tmp_path / "good.csv"
    good.write_text(f"name,email,role\nCsv One,csv1-{org.id}@example.com,member\n"
                    f"Csv Two,csv2-{org.id}@example.com,Manager\n")
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    page.get_by_role("button", name="Import CSV").click()
    page.locator("#csv-upload input[type=file]").set_input_files(str(bad))
    expect(page.locator("#import-error")).to_contain_text("Nothing was imported")
    expect(page.locator("#import-problems")).to_contain_text("not a valid e-mail")
    expect(page.locator("#import-problems tr", has_text="not a valid")).to_contain_text("3")
    expect(page.locator("#seats-used")).to_have_text("0 / 5")
    page.locator("#csv-upload input[type=file]").set_input_files(str(good))
    expect(page.locator("#import-notice")).to_contain_text("Imported 2 members")
    expect(member_row(page, f"csv2-{org.id}@example.com")).to_contain_text("Manager")
    expect(page.locator("#seats-used")).to_have_text("2 / 5")


def test_a_reload_after_a_refused_add_shows_the_modal_closed_without_old_messages(
        page, app_url, uow):
    """Issue 8 item 9: a refusal's message goes when its field changes, and a reload never
    brings the modal back with an old message (the dialog state is reset on page load). What
    was typed is offered back (issue 9 item 7), without the messages."""
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, seat_count=1)
        make_membership(session, org)
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)

    # A field's message goes as soon as its value changes.
    page.get_by_role("button", name="Add Member").click()
    page.get_by_label("Email", exact=True).fill(f"late-{org.id}@example.com")
    page.get_by_role("button", name="Add Members").click()
    expect(page.locator("#add-name-0-error")).to_have_text("Name is required.")
    page.get_by_label("Name", exact=True).fill("Late Comer")
    expect(page.locator("#add-name-0-error")).to_have_count(0)

    # Refused for want of seats, then reloaded: the modal is closed, and opens with what was
    # typed but none of the old messages.
    page.get_by_role("button", name="Add Members").click()
    expect(page.locator("#seats-error")).to_contain_text("No seats left")
    page.reload()
    expect(page.get_by_role("heading", name=org.title)).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#seats-error")).to_have_count(0)
    page.get_by_role("button", name="Add Member").click()
    expect(page.get_by_label("Email", exact=True)).to_have_value(f"late-{org.id}@example.com")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Late Comer")
    expect(page.locator("#seats-error")).to_have_count(0)
    expect(page.locator("#add-name-0-error")).to_have_count(0)
    with uow() as session:
        assert session.get(Organization, org.id).seat_count == 1
