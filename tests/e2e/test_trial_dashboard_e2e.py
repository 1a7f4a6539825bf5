"""The Group Dashboard findings of issue 9, as a person meets them: what cannot be undone asks
first, a seats refusal keeps the rows and offers the seats right there, the Role picker offers
only what the viewer may give, messages describe what is on screen, rows can be removed, focus
goes where it should, the section survives a reload, and the small words are right."""

from datetime import timedelta

from conftest import at, sign_in
from factories import make_invitation, make_membership, make_org, make_org_type, make_user
from playwright.sync_api import expect
from sqlmodel import select

from membersync_app.models import Invitation, Membership, Organization, Role, User, utcnow

PASSWORD = "trial-pass-42"


def member_row(page, text):
    return page.locator("#members-table tr", has_text=text)


def open_org(page, app_url, org):
    page.goto(f"{app_url}/dashboard/org/{org.id}")
    expect(page.get_by_role("heading", name=org.title)).to_be_visible()


def test_make_owner_asks_first_naming_both_people(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, full_name="Olivia Owner", password=PASSWORD)
        org = make_org(session, owner=owner)
        heir = make_membership(session, org, make_user(session, full_name="Mia Manager"),
                               role=Role.MANAGER)
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    member_row(page, "Mia Manager").get_by_role("button", name="Make owner").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Make Mia Manager the owner?")
    expect(dialog).to_contain_text("You become a manager")
    expect(dialog).to_contain_text("Settings")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    with uow() as session:
        assert session.get(Organization, org.id).owner_id == owner.id

    member_row(page, "Mia Manager").get_by_role("button", name="Make owner").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Yes, make owner").click()
    expect(page.locator("#members-notice")).to_contain_text("Ownership handed over")
    expect(page.get_by_role("tab", name="Settings")).to_have_count(0)
    with uow() as session:
        assert session.get(Organization, org.id).owner_id == heir.user_id


def test_a_manager_demoting_themselves_is_asked_first_then_leaves_the_page(page, app_url, uow):
    with uow() as session:
        org = make_org(session)
        manager = make_user(session, full_name="Sam Self", password=PASSWORD)
        own = make_membership(session, org, manager, role=Role.MANAGER)
    sign_in(page, app_url, manager.username, PASSWORD)
    open_org(page, app_url, org)
    member_row(page, "Sam Self").get_by_role("button", name="Demote to member").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Demote yourself to member?")
    dialog.get_by_role("button", name="Cancel").click()
    with uow() as session:
        assert session.get(Membership, own.id).role == Role.MANAGER

    member_row(page, "Sam Self").get_by_role("button", name="Demote to member").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Yes, demote me").click()
    expect(page).to_have_url(at(app_url, "/my"))
    with uow() as session:
        assert session.get(Membership, own.id).role == Role.MEMBER


def test_revoking_an_invitation_asks_first(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner)
        invitation, _ = make_invitation(session, org, email=f"maybe-{owner.id}@example.com")
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    row = page.locator("#invitations-table tr", has_text=invitation.email)
    row.get_by_role("button", name="Revoke").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(f"The link sent to {invitation.email} stops working")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    with uow() as session:
        assert session.get(Invitation, invitation.id).revoked_at is None
    row.get_by_role("button", name="Revoke").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Yes, revoke").click()
    expect(page.locator("#invitations-notice")).to_contain_text("revoked")
    with uow() as session:
        assert session.get(Invitation, invitation.id).revoked_at is not None


def test_seats_refusal_adds_seats_in_the_modal_and_keeps_the_rows(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, seat_count=1)
        make_membership(session, org)
    first, second = f"row1-{org.id}@example.com", f"row2-{org.id}@example.com"
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    page.get_by_role("button", name="Add Member").click()
    page.get_by_label("Name", exact=True).fill("Row One")
    page.get_by_label("Email", exact=True).fill(first)
    page.get_by_role("button", name="Add another row").click()
    page.get_by_label("Name (row 2)").fill("Row Two")
    page.get_by_label("Email (row 2)").fill(second)
    page.get_by_role("button", name="Add Members").click()
    refusal = page.locator("#seats-error")
    expect(refusal).to_contain_text("No seats left")
    expect(refusal).to_contain_text("Add 2 seats here")
    expect(page.get_by_label("Seats to add")).to_have_value("2")
    refusal.get_by_role("button", name="Add seats").click()
    expect(page.locator("#modal-seats-notice")).to_contain_text("now has 3 seats")
    expect(page.locator("#seats-used")).to_have_text("1 / 3")
    expect(page.get_by_label("Email", exact=True)).to_have_value(first)
    expect(page.get_by_label("Email (row 2)")).to_have_value(second)
    page.get_by_role("button", name="Add Members").click()
    expect(member_row(page, second)).to_contain_text("Row Two")
    expect(page.locator("#seats-used")).to_have_text("3 / 3")


def test_rows_typed_into_add_member_survive_a_reload(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, seat_count=5)
    first, second = f"kept1-{org.id}@example.com", f"kept2-{org.id}@example.com"
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    page.get_by_role("button", name="Add Member").click()
    page.get_by_label("Name", exact=True).fill("Kept One")
    page.get_by_label("Email", exact=True).fill(first)
    page.get_by_role("button", name="Add another row").click()
    page.get_by_label("Name (row 2)").fill("Kept Two")
    page.get_by_label("Email (row 2)").fill(second)
    # The server answers a tab's events in order: once the third row is shown, every value
    # typed before it has been kept.
    page.get_by_role("button", name="Add another row").click()
    expect(page.get_by_label("Name (row 3)")).to_be_visible()

    page.reload()
    expect(page.get_by_role("dialog")).to_have_count(0)  # a reload never reopens a dialog
    left = page.locator("#add-draft-left")
    expect(left).to_contain_text("You left unsaved changes to Add Member.")
    left.get_by_role("button", name="Continue editing").click()
    expect(page.locator("#add-draft-restored")).to_be_visible()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Kept One")
    expect(page.get_by_label("Email", exact=True)).to_have_value(first)
    expect(page.get_by_label("Email (row 2)")).to_have_value(second)
    page.get_by_role("button", name="Add Members").click()
    expect(page.locator("#members-notice")).to_contain_text("Added 2 members.")
    expect(member_row(page, second)).to_contain_text("Kept Two")
    page.reload()
    expect(page.get_by_role("heading", name=org.title)).to_be_visible()
    expect(page.locator("#add-draft-left")).to_have_count(0)  # a submit spent it


def test_escape_offers_the_rows_back_and_discard_drops_them(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner)
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    opener = page.get_by_role("button", name="Add Member")
    opener.click()
    page.get_by_label("Name", exact=True).fill("Left Behind")
    page.keyboard.press("Escape")
    left = page.locator("#add-draft-left")
    expect(left).to_be_visible()
    left.get_by_role("button", name="Discard changes").click()
    expect(left).to_have_count(0)
    opener.click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("")


def test_without_seat_rights_the_refusal_says_who_can_add_seats(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, full_name="Olga Owner")
        org = make_org(session, owner=owner, seat_count=1, org_type=make_org_type(
            session, managers_manage_seats=False))
        manager = make_user(session, password=PASSWORD)
        make_membership(session, org, manager, role=Role.MANAGER)
    sign_in(page, app_url, manager.username, PASSWORD)
    open_org(page, app_url, org)
    page.get_by_role("button", name="Add Member").click()
    page.get_by_label("Name", exact=True).fill("No Room")
    page.get_by_label("Email", exact=True).fill(f"noroom-{org.id}@example.com")
    page.get_by_role("button", name="Add Members").click()
    refusal = page.locator("#seats-error")
    expect(refusal).to_contain_text("Only the owner, Olga Owner, can add seats")
    expect(refusal.get_by_role("button", name="Add seats")).to_have_count(0)
    expect(page.get_by_label("Email", exact=True)).to_have_value(f"noroom-{org.id}@example.com")


def test_role_picker_offers_only_the_roles_the_viewer_may_give(page, app_url, uow):
    with uow() as session:
        org = make_org(session, org_type=make_org_type(session, managers_remove_members=False))
        manager = make_user(session, password=PASSWORD)
        make_membership(session, org, manager, role=Role.MANAGER)
    sign_in(page, app_url, manager.username, PASSWORD)
    open_org(page, app_url, org)
    page.get_by_role("button", name="Add Member").click()
    expect(page.locator("#add-role-0 option")).to_have_text(["Member"])
    page.get_by_role("tab", name="Invite members").click()
    expect(page.locator("#invite-role option")).to_have_text(["Member"])


def test_owner_is_offered_both_roles(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner)
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    page.get_by_role("button", name="Add Member").click()
    expect(page.locator("#add-role-0 option")).to_have_text(["Member", "Manager"])


def test_add_member_says_the_types_email_domain_before_it_matters(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner,
                       org_type=make_org_type(session, auto_add_domain="acme.test"))
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    page.get_by_role("button", name="Add Member").click()
    expect(page.locator("#add-domain-rule")).to_have_text(
        "Addresses at @acme.test are added at once; any other address gets an invitation to "
        "accept instead.")


def test_a_message_goes_when_its_field_changes(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner)
        there = make_membership(session, org, make_user(session, full_name="Already Here"))
        there_email = session.get(User, there.user_id).email
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    page.get_by_role("button", name="Add Member").click()
    page.get_by_label("Name", exact=True).fill("Again")
    page.get_by_label("Email", exact=True).fill(there_email)
    page.get_by_role("button", name="Add Members").click()
    expect(page.locator("#add-email-0-error")).to_contain_text("already a member")
    # An address the browser itself rejects never reaches the server: the old message must go
    # when the value changes, not wait for a submit that does not happen.
    page.get_by_label("Email", exact=True).fill("not-an-address")
    expect(page.locator("#add-email-0-error")).to_have_count(0)
    page.get_by_role("button", name="Add Members").click()
    expect(page.locator("#add-email-0-error")).to_have_count(0)
    expect(page.get_by_label("Email", exact=True)).to_have_value("not-an-address")


def test_a_row_can_be_removed_and_the_others_keep_what_was_typed(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner)
    emails = [f"keep{i}-{org.id}@example.com" for i in range(3)]
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    page.get_by_role("button", name="Add Member").click()
    page.get_by_role("button", name="Add another row").click()
    page.get_by_role("button", name="Add another row").click()
    for number, email in enumerate(emails, start=1):
        suffix = "" if number == 1 else f" (row {number})"
        page.get_by_label(f"Name{suffix}", exact=True).fill(f"Person {number}")
        page.get_by_label(f"Email{suffix}", exact=True).fill(email)
    page.get_by_role("button", name="Remove row 2").click()
    expect(page.get_by_label("Email (row 2)", exact=True)).to_have_value(emails[2])
    expect(page.get_by_label("Email", exact=True)).to_have_value(emails[0])
    expect(page.get_by_label("Email (row 3)", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Add Members").click()
    expect(page.locator("#members-notice")).to_contain_text("Added 2 members.")
    expect(member_row(page, emails[2])).to_contain_text("Person 3")
    expect(member_row(page, emails[1])).to_have_count(0)


def test_modal_focus_starts_on_name_and_returns_to_add_member(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner)
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    opener = page.get_by_role("button", name="Add Member")
    opener.click()
    expect(page.get_by_label("Name", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(opener).to_be_focused()
    opener.click()
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(opener).to_be_focused()


def test_the_section_is_kept_in_the_url_through_a_reload(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner)
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    page.get_by_role("tab", name="Manage Seats").click()
    expect(page).to_have_url(at(app_url, f"/dashboard/org/{org.id}?tab=seats"))
    page.reload()
    expect(page.get_by_role("tab", name="Manage Seats")).to_have_attribute(
        "aria-selected", "true")
    expect(page.locator("#manage-seats-summary")).to_be_visible()


def test_an_expired_organization_shows_no_row_checkboxes(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, expires_at=utcnow() - timedelta(days=1))
        make_membership(session, org, make_user(session, full_name="Read Only"))
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    expect(member_row(page, "Read Only")).to_be_visible()
    expect(page.locator("#members-table").get_by_role("checkbox")).to_have_count(0)


def test_counts_and_bulk_notices_speak_plainly(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner)
        make_membership(session, org, make_user(session, full_name="Pat Plain"))
        make_membership(session, org, make_user(session, full_name="Max Manager"),
                        role=Role.MANAGER)
        make_invitation(session, org)
        make_invitation(session, org, expires_at=utcnow() - timedelta(hours=1))
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    expect(page.locator("#members-paging")).to_contain_text("3 members")
    expect(page.locator("#invitations-count")).to_have_text("1 open invitation, 1 expired")
    for name in ("Pat Plain", "Max Manager"):
        # The box is drawn from the server's selection: click, then wait for it to show.
        member_row(page, name).get_by_role("checkbox").click()
        expect(member_row(page, name).get_by_role("checkbox")).to_be_checked()
    # "Select all on this page" shows ticked while every tickable row is (not the owner's).
    select_all = page.get_by_role("checkbox", name="Select all on this page")
    expect(select_all).to_be_checked()
    member_row(page, "Pat Plain").get_by_role("checkbox").click()
    expect(select_all).not_to_be_checked()
    select_all.click()
    expect(member_row(page, "Pat Plain").get_by_role("checkbox")).to_be_checked()
    page.get_by_role("button", name="Promote selected to manager").click()
    expect(page.locator("#members-notice")).to_have_text(
        "Promoted 1 member to manager. Skipped Max Manager: already a manager.")
    member_row(page, "Pat Plain").get_by_role("button", name="Demote to member").click()
    expect(page.locator("#members-notice")).to_have_text("Demoted 1 manager to member.")


def test_owner_resends_the_set_password_email(page, app_url, uow, smtp_server):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner)
        waiting = make_user(session, full_name="Wendy Waiting",
                            email=f"wendy-{owner.id}@example.com")
        make_membership(session, org, waiting)
        make_membership(session, org, make_user(session, full_name="Sid Signed",
                                                password=PASSWORD))
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    expect(member_row(page, "Sid Signed").get_by_role(
        "button", name="Resend set-password e-mail")).to_have_count(0)
    member_row(page, "Wendy Waiting").get_by_role(
        "button", name="Resend set-password e-mail").click()
    expect(page.locator("#members-notice")).to_contain_text("Set-password e-mail sent again")
    (message,) = smtp_server.catcher.wait_for(waiting.email)
    assert "/set-password/" in message.get_content()
    with uow() as session:
        assert session.exec(select(User).where(User.id == waiting.id)).one().password_hash == ""


def test_only_owners_and_managers_see_the_group_dashboard_link(page, app_url, uow):
    with uow() as session:
        org = make_org(session)
        member = make_user(session, password=PASSWORD)
        make_membership(session, org, member)
        manager = make_user(session, password=PASSWORD)
        make_membership(session, org, manager, role=Role.MANAGER)
    sign_in(page, app_url, member.username, PASSWORD)
    expect(page).to_have_url(at(app_url, "/my"))
    expect(page.get_by_role("link", name="My access", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Group Dashboard", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(at(app_url, "/login"))
    sign_in(page, app_url, manager.username, PASSWORD)
    expect(page.get_by_role("link", name="Group Dashboard", exact=True)).to_be_visible()
