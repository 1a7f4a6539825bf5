"""The organization back office (/admin/organizations/[id]) as a new staff user uses it: assign,
block and re-activate, Organization admin, change owner, direct jobs, merge, delete, and the
audit log of every step. Each step is its own test, on its own organizations."""

from conftest import at, sign_in
from factories import (
    make_course,
    make_invitation,
    make_membership,
    make_org,
    make_seat_type,
    make_staff,
    make_user,
)
from playwright.sync_api import expect
from sqlmodel import select

from membersync_app import routes
from membersync_app.models import (
    AuditEvent,
    DeletedOrganization,
    Invitation,
    Job,
    Membership,
    MembershipStatus,
    Organization,
    Role,
)

PASSWORD = "correct-horse-1"


def _staff(uow):
    with uow() as session:
        return make_staff(session, password=PASSWORD)


def _open(page, app_url, org, tab: str | None = None) -> None:
    page.goto(app_url + routes.admin_organization(org.id))
    expect(page.get_by_role("heading", name=org.title, exact=True)).to_be_visible()
    if tab:
        page.get_by_role("tab", name=tab).click()


def _member_row(page, username):
    return page.locator("#org-members tr", has_text=username)


def _actions(uow, org_id):
    with uow() as session:
        return [(e.action, e.actor_id) for e in session.exec(
            select(AuditEvent).where(AuditEvent.organization_id == org_id)
            .order_by(AuditEvent.id))]


def test_assign_block_reactivate_and_organization_admin(page, app_url, uow, browser):
    staff = _staff(uow)
    with uow() as session:
        course = make_course(session, title="Ladder Safety")
        org = make_org(session, title="Assign Co", seat_count=5,
                       seat_type=make_seat_type(session, courses=[course]))
        person = make_user(session, username="pat_member", full_name="Pat Member",
                           password=PASSWORD)
    sign_in(page, app_url, staff.username, PASSWORD)

    # Reached from the Organizations list by its title.
    page.goto(app_url + routes.ADMIN_ORGANIZATIONS)
    page.get_by_label("Search organizations").fill("Assign Co")
    page.get_by_role("link", name="Assign Co", exact=True).click()
    expect(page).to_have_url(at(app_url, routes.admin_organization(org.id)))
    expect(page.locator("#seats-used")).to_have_text("0 / 5")
    page.get_by_role("tab", name="Members").click()

    # Assign member: a type-ahead of at most 10 suggestions, then a role.
    page.get_by_label("Username or e-mail").fill("pat_mem")
    page.get_by_role("button", name="Choose pat_member").click()
    expect(page.get_by_label("Username or e-mail")).to_have_value("pat_member")
    page.get_by_role("button", name="Assign member").click()
    expect(_member_row(page, "pat_member")).to_contain_text("member")
    expect(page.locator("#seats-used")).to_have_text("1 / 5")

    # The member sees the course.
    context = browser.new_context()
    member_page = context.new_page()
    sign_in(member_page, app_url, person.username, PASSWORD)
    member_page.goto(app_url + routes.MY_ACCESS)
    expect(member_page.locator("#my-courses")).to_contain_text("Ladder Safety")

    # Blocked: the member's /my loses the organization's courses; the seat stays taken.
    page.get_by_role("button", name="Edit membership of pat_member").click()
    page.get_by_label("Status").select_option("blocked")
    page.get_by_role("button", name="Save").click()
    expect(_member_row(page, "pat_member")).to_contain_text("blocked")
    expect(page.locator("#seats-used")).to_have_text("1 / 5")
    member_page.goto(app_url + routes.MY_ACCESS)
    expect(member_page.locator("#my-orgs")).to_contain_text("blocked")
    expect(member_page.get_by_text("Ladder Safety")).to_have_count(0)

    # Re-activated and Organization admin: they manage it on the Group Dashboard.
    page.get_by_role("button", name="Edit membership of pat_member").click()
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Organization admin").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="organization admin, active")
           ).to_be_visible()
    expect(_member_row(page, "pat_member")).to_contain_text("manager")
    member_page.goto(app_url + routes.DASHBOARD)
    member_page.get_by_role("link", name="View Assign Co").click()
    expect(member_page.get_by_role("heading", name="Assign Co")).to_be_visible()
    expect(member_page.get_by_role("button", name="Add Member")).to_be_visible()
    context.close()

    with uow() as session:
        membership = session.exec(select(Membership).where(
            Membership.user_id == person.id)).one()
        assert (membership.role, membership.status) == (Role.MANAGER, MembershipStatus.ACTIVE)
    assert _actions(uow, org.id) == [("membership.assign", staff.id),
                                     ("membership.update", staff.id),
                                     ("membership.update", staff.id)]


def test_assign_several_all_or_none_and_unassign_refused_for_the_owner(page, app_url, uow):
    staff = _staff(uow)
    with uow() as session:
        org = make_org(session, title="Several Co", seat_count=1)
        names = [make_user(session, username=f"sev_{n}").username for n in range(2)]
    sign_in(page, app_url, staff.username, PASSWORD)
    _open(page, app_url, org, "Members")
    page.get_by_label("Usernames, one per line").fill(f"{names[0]}\nnobody_here\n{names[1]}")
    page.get_by_role("button", name="Assign all").click()
    expect(page.locator("#assign-several-lines")).to_contain_text(
        "Line 2: No user has the username or e-mail “nobody_here”.")
    page.get_by_label("Usernames, one per line").fill(f"{names[0]}\n{names[1]}")
    page.get_by_role("button", name="Assign all").click()
    expect(page.locator("#assign-several-raise-error")).to_contain_text(
        "Raise the seat count to 2")
    page.get_by_label("Raise the seat count").check()
    page.get_by_role("button", name="Assign all").click()
    expect(page.locator("#seats-used")).to_have_text("2 / 2")
    expect(_member_row(page, names[1])).to_be_visible()

    # Unassign the selection, with confirmation; the owner has no checkbox and no Unassign.
    page.get_by_label(f"Select {names[0]}").click()
    page.get_by_label(f"Select {names[1]}").click()
    page.get_by_role("button", name="Unassign selected").click()
    page.get_by_role("button", name="Yes, unassign").click()
    expect(page.locator("#seats-used")).to_have_text("0 / 2")
    # The list's notice has its own id (the tab's three forms' notices have theirs).
    expect(page.locator("#members-notice")).to_have_text(
        "Unassigned 2 members; their seats are free.")
    expect(page.get_by_role("button", name="Unassign", exact=True)).to_have_count(0)
    expect(page.locator("#org-members")).to_contain_text(
        "The owner cannot be unassigned: change the owner on Details first.")


def test_details_and_change_owner(page, app_url, uow):
    staff = _staff(uow)
    with uow() as session:
        org = make_org(session, title="Owner Co", seat_count=1)
        make_membership(session, org)
        old_owner_id = org.owner_id
        make_user(session, username="new_owner_x", full_name="New Owner")
    sign_in(page, app_url, staff.username, PASSWORD)
    _open(page, app_url, org)

    # Details is today's edit form; the header follows what was saved.
    page.get_by_label("Title", exact=True).fill("Owner Company")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Owner Company", exact=True)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Saved the organization")).to_be_visible()
    expect(page.get_by_label("Title", exact=True)).to_have_value("Owner Company")

    # Change owner: refused while every seat is taken, unless staff raises the seat count.
    page.get_by_label("New owner").fill("new_owner")
    page.get_by_role("button", name="Choose new_owner_x").click()
    page.get_by_role("button", name="Change owner").click()
    expect(page.locator("#owner-raise-error")).to_contain_text("Raise the seat count to 2")
    page.get_by_label("Raise the seat count by one").check()
    page.get_by_role("button", name="Change owner").click()
    expect(page.locator("#org-owner")).to_contain_text("new_owner_x")
    expect(page.locator("#seats-used")).to_have_text("2 / 2")
    with uow() as session:
        saved = session.get(Organization, org.id)
        old = session.exec(select(Membership).where(Membership.user_id == old_owner_id)).one()
        assert old.role == Role.MANAGER and saved.seat_count == 2
    assert ("organization.change_owner", staff.id) in _actions(uow, org.id)


def test_create_a_job_and_assign_it(page, app_url, uow):
    staff = _staff(uow)
    with uow() as session:
        org = make_org(session, title="Jobs Co")
    sign_in(page, app_url, staff.username, PASSWORD)
    page.goto(app_url + routes.ADMIN_JOBS)
    page.get_by_role("button", name="Add new").click()
    expect(page.get_by_role("heading", name="Add a job")).to_be_visible()
    page.get_by_label("Job type").fill("Inspection")
    page.get_by_label("Title", exact=True).fill("Annual boiler check")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("row").filter(has_text="Annual boiler check")).to_contain_text(
        "unassigned")

    _open(page, app_url, org, "Direct Jobs")
    page.get_by_label("Job type").select_option("Inspection")
    page.get_by_label("Part of the title").fill("boiler")
    page.get_by_role("group", name="Unassigned jobs").get_by_role("checkbox").first.click()
    page.get_by_role("button", name="Assign selected jobs").click()
    expect(page.get_by_role("rowheader", name="Annual boiler check")).to_be_visible()
    page.get_by_role("button", name="Unassign Annual boiler check").click()
    expect(page.get_by_text("No jobs are assigned to this organization.")).to_be_visible()
    page.get_by_label("Part of the title").fill("annual")
    page.get_by_role("group", name="Unassigned jobs").get_by_role("checkbox").first.click()
    page.get_by_role("button", name="Assign selected jobs").click()
    expect(page.get_by_role("rowheader", name="Annual boiler check")).to_be_visible()

    page.goto(app_url + routes.ADMIN_JOBS)
    page.get_by_label("Organization", exact=True).fill("Jobs Co")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("row").filter(has_text="Annual boiler check")).to_contain_text(
        "Jobs Co")
    with uow() as session:
        job = session.exec(select(Job).where(Job.title == "Annual boiler check")).one()
        assert job.organization_id == org.id
    assert [a for a, _ in _actions(uow, org.id)] == ["job.assign", "job.unassign", "job.assign"]


def test_merge_a_second_organization_into_the_first(page, app_url, uow):
    staff = _staff(uow)
    with uow() as session:
        stays = make_org(session, title="Merge Keeps", seat_count=2)
        leaves = make_org(session, title="Merge Leaves", seat_count=5)
        both = make_user(session, username="in_both_person")
        make_membership(session, stays, both)
        make_membership(session, leaves, both, role=Role.MANAGER)
        make_membership(session, leaves, make_user(session, username="moving_person"))
        make_invitation(session, leaves, email="merge-invitee@example.com")
        session.add(Job(job_type="Install", title="Merged job", organization_id=leaves.id))
        leaves_owner = leaves.owner_id
    sign_in(page, app_url, staff.username, PASSWORD)
    _open(page, app_url, stays, "Merge")
    page.get_by_label("Organization to merge into this one").fill("Merge")
    expect(page.get_by_role("button", name="Preview merging Merge Keeps")).to_have_count(0)
    page.get_by_role("button", name="Preview merging Merge Leaves").click()
    expect(page.locator("#merge-moving")).to_contain_text("moving_person")
    expect(page.locator("#merge-moving")).to_contain_text("owner there: becomes a manager here")
    expect(page.locator("#merge-in-both")).to_contain_text("in_both_person")
    expect(page.locator("#merge-in-both")).to_contain_text("→ manager")
    expect(page.locator("#merge-invitations")).to_contain_text("merge-invitee@example.com")
    expect(page.locator("#merge-jobs")).to_contain_text("Merged job")
    expect(page.locator("#merge-seats")).to_contain_text("4 needed after the merge")
    page.get_by_role("button", name="Raise the seat count to 4 and merge").click()
    page.get_by_role("button", name="Yes, merge").click()
    expect(page.get_by_role("status").filter(has_text="Merged “Merge Leaves”")).to_be_visible()
    expect(page.locator("#seats-used")).to_have_text("4 / 4")
    page.get_by_role("tab", name="Members").click()
    expect(_member_row(page, "moving_person")).to_be_visible()
    with uow() as session:
        assert session.get(Organization, leaves.id) is None
        assert session.get(DeletedOrganization, leaves.id).merged_into_id == stays.id
        roles = {m.user_id: m.role for m in session.exec(
            select(Membership).where(Membership.organization_id == stays.id))}
        assert roles[both.id] == Role.MANAGER and roles[leaves_owner] == Role.MANAGER
        assert session.exec(select(Invitation).where(
            Invitation.email == "merge-invitee@example.com")).one().organization_id == stays.id
        assert session.exec(select(Job)).all()[-1].organization_id == stays.id
    assert ("organization.merge", staff.id) in _actions(uow, stays.id)
    assert ("organization.merge_away", staff.id) in _actions(uow, leaves.id)
    page.goto(f"{app_url}{routes.ADMIN_AUDIT}?organization={leaves.id}")
    row = page.get_by_role("row").filter(has_text="organization.merge_away")
    expect(row).to_contain_text(staff.username)
    expect(row).to_contain_text("Merge Leaves (deleted)")


def test_delete_by_typing_the_title_and_the_audit_log_keeps_it(page, app_url, uow):
    staff = _staff(uow)
    with uow() as session:
        org = make_org(session, title="Delete Me Ltd")
        member = make_membership(session, org)
        session.add(Job(job_type="Install", title="Orphan job", organization_id=org.id))
    sign_in(page, app_url, staff.username, PASSWORD)
    _open(page, app_url, org, "Members")
    page.get_by_role("button", name="Edit membership of").first.click()
    page.get_by_label("Status").select_option("blocked")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#org-members")).to_contain_text("blocked")

    page.get_by_role("tab", name="Delete").click()
    page.get_by_label("Type the organization's title to confirm").fill("delete me")
    page.get_by_role("button", name="Delete organization").click()
    expect(page.locator("#delete-confirm-error")).to_contain_text("exactly")
    page.get_by_label("Type the organization's title to confirm").fill("Delete Me Ltd")
    page.get_by_role("button", name="Delete organization").click()
    expect(page.locator("#deleted-notice")).to_contain_text("Deleted “Delete Me Ltd”")
    with uow() as session:
        assert session.get(Organization, org.id) is None
        assert session.get(Membership, member.id) is None
        assert session.exec(select(Job).where(Job.title == "Orphan job")).one() \
            .organization_id is None

    # Every step is in the audit log, with the acting staff user and the title.
    page.goto(f"{app_url}{routes.ADMIN_AUDIT}?organization={org.id}")
    for action in ("membership.update", "organization.delete"):
        row = page.get_by_role("row").filter(has_text=action)
        expect(row).to_contain_text(staff.username)
        expect(row).to_contain_text("Delete Me Ltd (deleted)")

    # Someone else's tab still on the deleted organization is told so.
    page.goto(app_url + routes.admin_organization(org.id))
    expect(page.get_by_role("alert")).to_contain_text("“Delete Me Ltd” was already deleted")


def test_users_page_lists_memberships_with_links(page, app_url, uow):
    staff = _staff(uow)
    with uow() as session:
        person = make_user(session, username="linked_person")
        org = make_org(session, title="Linked Org")
        make_membership(session, org, person, status=MembershipStatus.BLOCKED)
    sign_in(page, app_url, staff.username, PASSWORD)
    page.goto(app_url + routes.ADMIN_USERS)
    page.get_by_label("Search users").fill("linked_person")
    row = page.get_by_role("row").filter(has_text="linked_person")
    expect(row).to_contain_text("member · blocked")
    row.get_by_role("link", name="Linked Org").click()
    expect(page.get_by_role("heading", name="Linked Org", exact=True)).to_be_visible()


def test_non_staff_is_sent_away_from_the_back_office(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner)
    sign_in(page, app_url, owner.username, PASSWORD)
    for url in (routes.admin_organization(org.id), routes.ADMIN_JOBS):
        page.goto(app_url + url)
        expect(page).to_have_url(at(app_url, routes.DASHBOARD))


def test_owner_sees_the_block_and_cannot_remove_and_re_add(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, title="Blocked Re-add Co", seat_count=5)
        blocked = make_user(session, email="held.back@example.com")
        make_membership(session, org, blocked, status=MembershipStatus.BLOCKED)
    sign_in(page, app_url, owner.username, PASSWORD)
    page.goto(f"{app_url}/dashboard")
    page.get_by_role("link", name="View Blocked Re-add Co").click()
    row = page.locator("#members-table tr", has_text="held.back@example.com")
    expect(row).to_contain_text("blocked")
    expect(row.get_by_role("button", name="Unblock")).to_have_count(0)
    row.get_by_role("button", name="Remove").click()
    page.get_by_role("button", name="Yes, remove").click()
    expect(page.locator("#members-table")).not_to_contain_text("held.back@example.com")
    page.get_by_role("button", name="Add Member").click()
    page.get_by_label("Name", exact=True).fill("Held Back")
    page.get_by_label("Email", exact=True).fill("held.back@example.com")
    page.get_by_role("button", name="Add Members").click()
    expect(page.locator("#add-email-0-error")).to_have_text(
        "held.back@example.com was blocked in this organization by staff and cannot be added "
        "back here; ask staff.")
    with uow() as session:
        assert session.exec(select(Membership).where(
            Membership.user_id == blocked.id)).first() is None
