"""Issue 9 as a person sees it: a 200-character name at 1280 px and on a phone (390 x 844),
the header's Menu on a phone, Rows per page and Go to page, the Invitation history, and the
page for an address that does not exist."""

import re
import uuid
from datetime import timedelta

import pytest
from conftest import (
    PHONE,
    assert_inside,
    assert_no_sideways_scroll,
    at,
    sign_in,
    sign_in_on_a_phone,
    viewport_box,
)
from factories import (
    make_invitation,
    make_membership,
    make_org,
    make_org_type,
    make_staff,
    make_user,
)
from playwright.sync_api import expect

from membersync_app import routes
from membersync_app.models import Role, User, Visibility, utcnow
from membersync_app.services import invitations

PASSWORD = "layout-pass-1"
LONG_NAME = "Bartholomew" + "X" * 189  # 200 characters, no space to break at


def _uid() -> str:
    return uuid.uuid4().hex[:8]


def org_with_long_names(uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD, full_name="Olivia Owner")
        org = make_org(session, owner=owner, seat_count=10)
        manager = make_user(session, full_name=LONG_NAME,
                            email=f"{'m' * 40}-{_uid()}@example.com")
        make_membership(session, org, user=manager, role=Role.MANAGER)
        member = make_user(session, full_name="Z" + LONG_NAME[1:], email=f"z-{_uid()}@example.com")
        make_membership(session, org, user=member, role=Role.MEMBER)
    return owner, org, manager


def test_a_200_character_name_keeps_email_role_and_every_button_on_screen_at_1280(
    page, app_url, uow
):
    owner, org, manager = org_with_long_names(uow)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, app_url, owner.username, PASSWORD)
    page.goto(app_url + routes.org_page(org.id))

    row = page.locator("#members-table tr", has_text=manager.email)
    # the whole name is the row's accessible name and its tooltip, though the cell cuts it
    expect(page.get_by_role("rowheader", name=LONG_NAME)).to_be_visible()
    expect(row.get_by_title(LONG_NAME)).to_have_count(1)
    table = page.locator("#members-table").bounding_box()
    assert_inside(table, viewport_box(page), "the members table")
    for what, locator in [
        ("the name", row.get_by_role("rowheader")),
        ("the email", row.get_by_role("cell", name=manager.email)),
        ("the role", row.get_by_role("cell", name="Manager", exact=True)),
        ("Demote to member", row.get_by_role("button", name="Demote to member")),
        ("Remove", row.get_by_role("button", name="Remove")),
        ("Make owner", row.get_by_role("button", name="Make owner")),
    ]:
        expect(locator).to_be_visible()
        assert_inside(locator.bounding_box(), table, what)
    row.get_by_role("button", name="Make owner").click(trial=True)  # visible, not covered
    assert_no_sideways_scroll(page)


def test_on_a_phone_the_header_tables_and_modal_fit_and_sign_out_is_reachable(
    browser, app_url, uow, app_server
):
    owner, org, manager = org_with_long_names(uow)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        sign_in_on_a_phone(page, app_url, owner.username, PASSWORD)
        page.goto(app_url + routes.org_page(org.id))
        expect(page.get_by_role("heading", name=org.title)).to_be_visible()
        screen = viewport_box(page)

        assert_inside(page.locator("header").bounding_box(), screen, "the header")
        assert_inside(page.get_by_role("button", name="Menu").bounding_box(), screen, "Menu")
        # the table scrolls sideways inside its own box; the page does not
        table = page.locator("#members-table")
        assert_inside(table.bounding_box(), screen, "the members table")
        assert_no_sideways_scroll(page)
        remove = page.locator("#members-table tr", has_text=manager.email).get_by_role(
            "button", name="Remove")
        remove.scroll_into_view_if_needed()
        assert_inside(remove.bounding_box(), screen, "Remove")
        remove.click(trial=True)
        assert_inside(page.locator("#members-pager").bounding_box(), screen, "the pager")

        page.get_by_role("button", name="Add Member").click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_be_visible()
        assert_inside(dialog.bounding_box(), screen, "the Add Member modal")
        assert_inside(dialog.get_by_label("Name").first.bounding_box(), screen, "Name")
        page.keyboard.press("Escape")
        expect(dialog).to_have_count(0)

        # a confirmation that names the 200-character name still fits
        page.locator("#members-table tr", has_text=manager.email).get_by_role(
            "button", name="Make owner").click()
        confirm = page.get_by_role("alertdialog")
        expect(confirm).to_contain_text(LONG_NAME)
        assert_inside(confirm.bounding_box(), screen, "the Make owner confirmation")
        assert_inside(confirm.get_by_role("button", name="Cancel").bounding_box(), screen,
                      "Cancel")
        confirm.get_by_role("button", name="Cancel").click()
        expect(confirm).to_have_count(0)

        page.get_by_role("button", name="Menu").click()
        sign_out = page.get_by_role("menuitem", name="Sign out")
        expect(sign_out).to_be_visible()
        assert_inside(sign_out.bounding_box(), screen, "Sign out")
        expect(page.get_by_role("menuitem", name="Group Dashboard")).to_be_visible()
        sign_out.click()
        expect(page).to_have_url(at(app_url, routes.LOGIN))
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    finally:
        context.close()


def test_rows_per_page_and_go_to_page_on_a_shared_table(page, app_url, uow):
    tag = f"Pager {_uid()}"
    with uow() as session:
        viewer = make_user(session, password=PASSWORD)
        public = make_org_type(session, visibility=Visibility.PUBLIC)
        for n in range(12):
            make_org(session, org_type=public, title=f"{tag} {n:02d}")
        make_org(session, org_type=public)  # so "12 results" proves the search was applied
    sign_in(page, app_url, viewer.username, PASSWORD)
    page.goto(app_url + routes.DIRECTORY)
    page.get_by_label("Search organizations").fill(tag)
    expect(page.get_by_text("Page 1 of 1 · 12 results")).to_be_visible()

    page.get_by_label("Rows per page").select_option("10")
    expect(page.get_by_text("Page 1 of 2 · 12 results")).to_be_visible()
    expect(page.locator("#directory tbody tr")).to_have_count(10)

    jump = page.get_by_label("Go to page")
    jump.fill("2")
    jump.press("Enter")
    expect(page.get_by_text("Page 2 of 2 · 12 results")).to_be_visible()
    expect(page.get_by_role("rowheader", name=f"{tag} 11")).to_be_visible()

    jump.fill("two")
    page.get_by_role("button", name="Go", exact=True).click()
    expect(page.locator("#directory-pager-error")).to_have_text(
        "Type a page number from 1 to 2.")
    expect(jump).to_have_value("two")  # nothing typed is lost
    expect(page.get_by_text("Page 2 of 2 · 12 results")).to_be_visible()

    jump.fill("1")
    expect(page.locator("#directory-pager-error")).to_have_count(0)  # it was about "two"
    jump.press("Enter")
    expect(page.get_by_text("Page 1 of 2 · 12 results")).to_be_visible()
    jump.fill("90")  # past the end: the last page
    jump.press("Enter")
    expect(page.get_by_text("Page 2 of 2 · 12 results")).to_be_visible()

    page.get_by_label("Rows per page").select_option("50")
    expect(page.get_by_text("Page 1 of 1 · 12 results")).to_be_visible()
    expect(page.locator("#directory tbody tr")).to_have_count(12)


def test_members_table_searches_as_you_type_sorts_by_a_header_and_exports_what_it_shows(
    page, app_url, uow
):
    """The members table is the shared data_table: typing filters without pressing Enter, a
    column header sorts (and says so to a screen reader), and Export takes the same order."""
    with uow() as session:
        owner = make_user(session, password=PASSWORD, full_name="Olga Owner",
                          email=f"d-olga-{_uid()}@example.com")
        org = make_org(session, owner=owner, seat_count=10)
        for name, email in [("Ada Alpha", "c-ada@example.com"), ("Bea Beta", "a-bea@example.com"),
                            ("Cal Gamma", "b-cal@example.com")]:
            make_membership(session, org, make_user(session, full_name=name, email=email))
    sign_in(page, app_url, owner.username, PASSWORD)
    page.goto(app_url + routes.org_page(org.id))
    names = page.locator("#members-table tbody tr th")
    expect(names).to_have_text(["Ada Alpha", "Bea Beta", "Cal Gamma", "Olga Owner"])

    page.get_by_label("Search members").fill("gamma")  # no Enter: it searches as you type
    expect(names).to_have_text(["Cal Gamma"])
    expect(page.locator("#members-paging")).to_contain_text("1 member")
    page.get_by_label("Search members").fill("")
    expect(names).to_have_count(4)

    email_header = page.locator("#members-table thead th", has_text="Email")
    expect(email_header).to_have_attribute("aria-sort", "none")
    email_header.get_by_role("button").click()
    expect(email_header).to_have_attribute("aria-sort", "ascending")
    expect(names).to_have_text(["Bea Beta", "Cal Gamma", "Ada Alpha", "Olga Owner"])
    email_header.get_by_role("button").click()
    expect(email_header).to_have_attribute("aria-sort", "descending")
    expect(names).to_have_text(["Olga Owner", "Ada Alpha", "Cal Gamma", "Bea Beta"])
    export = page.get_by_role("link", name="Export members to CSV")
    expect(export).to_have_attribute("href", re.compile(r"sort=email.*desc=1"))


def test_rows_per_page_and_go_to_page_on_the_members_table(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, seat_count=30)
        for _ in range(24):
            make_membership(session, org)
    sign_in(page, app_url, owner.username, PASSWORD)
    page.goto(app_url + routes.org_page(org.id))
    paging = page.locator("#members-paging")
    expect(paging).to_have_text(re.compile(r"^Page 1 of 2 · 25 members"))
    expect(page.locator("#members-table tbody tr")).to_have_count(20)

    pager = page.locator("#members-pager")
    pager.get_by_label("Rows per page").select_option("10")
    expect(paging).to_have_text(re.compile(r"^Page 1 of 3 "))
    expect(page.locator("#members-table tbody tr")).to_have_count(10)
    pager.get_by_label("Go to page").fill("3")
    pager.get_by_role("button", name="Go", exact=True).click()
    expect(paging).to_have_text(re.compile(r"^Page 3 of 3 "))
    expect(page.locator("#members-table tbody tr")).to_have_count(5)
    pager.get_by_label("Rows per page").select_option("100")
    expect(paging).to_have_text(re.compile(r"^Page 1 of 1 "))
    expect(page.locator("#members-table tbody tr")).to_have_count(25)


def test_rows_per_page_and_go_to_page_on_the_pending_invitations(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, seat_count=30)
        for n in range(12):
            make_invitation(session, org, email=f"wait{n:02d}-{_uid()}@example.com")
    sign_in(page, app_url, owner.username, PASSWORD)
    page.goto(app_url + routes.org_page(org.id))
    rows = page.locator("#invitations-table tbody tr")
    expect(page.locator("#invitations-count")).to_have_text("12 open invitations")
    expect(rows).to_have_count(12)
    pager = page.locator("#invitations-pager")
    pager.get_by_label("Rows per page").select_option("10")
    expect(rows).to_have_count(10)
    pager.get_by_label("Go to page").fill("2")
    pager.get_by_role("button", name="Go", exact=True).click()
    expect(rows).to_have_count(2)
    expect(pager.get_by_role("button", name="Next page")).to_be_disabled()


def test_owners_see_who_accepted_and_revoked_invitations_and_which_expired(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD, full_name="Olivia Owner")
        org = make_org(session, owner=owner, seat_count=10)
        manager = make_user(session, full_name="Mia Manager")
        make_membership(session, org, user=manager, role=Role.MANAGER)
        joiner = make_user(session, full_name="Ada Accepted", email=f"ada-{_uid()}@example.com")
        _, token = make_invitation(session, org, email=joiner.email)
        invitations.accept(session, actor=joiner, token=token)
        revoked, _ = make_invitation(session, org, email=f"rex-{_uid()}@example.com")
        invitations.revoke(session, actor=manager, org_id=org.id, invitation_ids=[revoked.id])
        expired, _ = make_invitation(session, org, email=f"eve-{_uid()}@example.com",
                                     expires_at=utcnow() - timedelta(days=2))
        pending, _ = make_invitation(session, org, email=f"pat-{_uid()}@example.com")
        owner_name = session.get(User, owner.id).full_name

    sign_in(page, app_url, owner.username, PASSWORD)
    page.goto(app_url + routes.org_page(org.id))
    history = page.locator("#invitation-history")
    expect(history.locator("tbody tr")).to_have_count(3)

    def history_row(email):
        return history.locator("tr", has_text=email)

    expect(history_row(joiner.email)).to_contain_text("Accepted")
    expect(history_row(joiner.email)).to_contain_text("Ada Accepted")
    expect(history_row(revoked.email)).to_contain_text("Revoked")
    expect(history_row(revoked.email)).to_contain_text("Mia Manager")
    expect(history_row(expired.email)).to_contain_text("Expired")
    expect(history_row(pending.email)).to_have_count(0)

    page.locator("#invitations-table tr", has_text=pending.email).get_by_role(
        "button", name="Revoke").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Yes, revoke").click()
    expect(history_row(pending.email)).to_contain_text("Revoked")
    expect(history_row(pending.email)).to_contain_text(owner_name)
    expect(history.locator("tbody tr")).to_have_count(4)


@pytest.mark.parametrize("signed_in", [True, False])
def test_an_unknown_address_says_so_inside_the_page_frame_with_ways_back(
    page, app_url, uow, signed_in
):
    if signed_in:
        with uow() as session:
            owner = make_user(session, password=PASSWORD)
            make_org(session, owner=owner)
        sign_in(page, app_url, owner.username, PASSWORD)
    page.goto(f"{app_url}/no-such-page/{_uid()}")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_text("There is no page at this address.")).to_be_visible()
    expect(page.get_by_role("link", name="MemberSync")).to_be_visible()  # the page frame
    ways_back = page.get_by_role("navigation", name="Ways back")
    expect(ways_back.get_by_role("link", name="Home")).to_be_visible()
    if signed_in:
        expect(page.locator("#signed-in-as")).to_be_visible()
        ways_back.get_by_role("link", name="Group Dashboard").click()
        expect(page).to_have_url(at(app_url, routes.DASHBOARD))
    else:
        ways_back.get_by_role("link", name="Home").click()
        expect(page).to_have_url(re.compile(re.escape(app_url + routes.LOGIN)))


def staff_and_a_long_named_user(uow):
    """A staff account and a user whose full name is 200 characters without a space and whose
    address is long too, as the staff Users page would list them."""
    tag = _uid()
    with uow() as session:
        staff = make_staff(session, password=PASSWORD)
        person = make_user(session, username=f"long_{tag}", full_name=LONG_NAME,
                           email=f"{'e' * 60}-{tag}@example.com")
    return staff, person


def assert_the_users_row_fits(page, person: User) -> None:
    """The row's name and address are cut with the whole value in their tooltip, and its
    username and every action button lie inside the users table, which lies inside the window."""
    page.get_by_label("Search users").fill(person.username)
    expect(page.locator("#users tbody tr")).to_have_count(1)  # the search is applied
    row = page.locator("#users tbody tr", has_text=person.username)
    screen = viewport_box(page)
    table = page.locator("#users")
    assert_inside(table.bounding_box(), screen, "the users table")
    assert_no_sideways_scroll(page)
    expect(row.get_by_title(LONG_NAME)).to_have_count(1)
    expect(row.get_by_title(person.email)).to_have_count(1)
    # the whole name is the cell's accessible name, though only part of it is drawn
    expect(row.get_by_role("cell", name=LONG_NAME)).to_be_visible()
    name_box = row.get_by_title(LONG_NAME).bounding_box()
    assert name_box["width"] < 400, f"the name is drawn {name_box['width']} px wide"
    for what, locator in [
        ("the username", row.get_by_role("rowheader", name=person.username)),
        ("the email", row.get_by_role("cell", name=person.email)),
        ("Make staff", row.get_by_role("button", name=f"Make {person.username} staff")),
        ("Deactivate", row.get_by_role("button", name=f"Deactivate {person.username}")),
    ]:
        locator.scroll_into_view_if_needed()
        expect(locator).to_be_visible()
        assert_inside(locator.bounding_box(), table.bounding_box(), what)
        assert_inside(locator.bounding_box(), viewport_box(page), what)
    row.get_by_role("button", name=f"Deactivate {person.username}").click(trial=True)
    assert_no_sideways_scroll(page)


def test_a_200_character_name_on_the_staff_users_page_fits_at_1280(page, app_url, uow):
    staff, person = staff_and_a_long_named_user(uow)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, app_url, staff.username, PASSWORD)
    page.goto(app_url + routes.ADMIN_USERS)
    assert_the_users_row_fits(page, person)


def test_a_200_character_name_on_the_staff_users_page_fits_on_a_phone(
    browser, app_url, uow, app_server
):
    staff, person = staff_and_a_long_named_user(uow)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        sign_in_on_a_phone(page, app_url, staff.username, PASSWORD)
        page.goto(app_url + routes.ADMIN_USERS)
        assert_the_users_row_fits(page, person)
    finally:
        context.close()
