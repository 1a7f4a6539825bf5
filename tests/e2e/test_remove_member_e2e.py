"""Removing a member asks first: Cancel keeps them, "Yes, remove" frees their seat."""

from conftest import sign_in
from factories import make_membership, make_org, make_user
from playwright.sync_api import expect

from membersync_app.models import Membership

PASSWORD = "owner-pass-12"


def test_remove_asks_first_then_frees_the_seat(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, seat_count=3)
        kept = make_membership(session, org, make_user(session, full_name="Kim Keep"))
        leaving = make_membership(session, org, make_user(session, full_name="Lee Leave"))
    sign_in(page, app_url, owner.username, PASSWORD)
    page.goto(f"{app_url}/dashboard/org/{org.id}")
    expect(page.get_by_text("2 / 3").first).to_be_visible()

    def row(name: str):
        return page.locator("#members-table tr", has_text=name)

    row("Kim Keep").get_by_role("button", name="Remove").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Kim Keep loses the seat")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)

    row("Lee Leave").get_by_role("button", name="Remove").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Yes, remove").click()
    expect(row("Lee Leave")).to_have_count(0)
    expect(page.get_by_text("1 / 3").first).to_be_visible()
    with uow() as session:
        assert session.get(Membership, kept.id) is not None
        assert session.get(Membership, leaving.id) is None
