"""state/org_add.py: what is typed into the Add Member modal is kept through a reload (issue 9,
item 7). The reload shows the modal closed, the page offers the input back, and opening the
modal fills every row in again; Cancel or "Discard changes" drop it, a submit spends it. Fired
as a browser tab fires them (through the EventGuard, tests/handler_harness.py)."""

import pytest
from factories import make_org, make_user
from handler_harness import last_value, signed_in_tab
from sqlmodel import select

import membersync_app.membersync_app as web_app
from membersync_app import db, routes
from membersync_app.models import Membership, User
from membersync_app.services import auth
from membersync_app.state.org_add import OrgAddState as Add


@pytest.fixture
def owner_tab(app_database):
    """The owner's tab on their organization's page: (tab, path, query, org id)."""
    with db.unit_of_work() as session:
        owner = make_user(session)
        org = make_org(session, owner=owner, seat_count=5)
        cookie = auth.activate_session(session, grant=auth.start_session(session, user=owner))
        org_id = org.id
    with signed_in_tab(web_app.app, cookie) as tab:
        yield tab, routes.org_page(org_id), {"id": str(org_id)}, org_id


def type_into(tab, path, field, row, value):
    tab.send(Add.keep_typed, {"field": field, "row": row, "value": value}, path)


def test_rows_typed_into_the_modal_come_back_after_a_reload(owner_tab):
    tab, path, query, org_id = owner_tab
    tab.open(path, query)
    tab.send(Add.set_add_open, {"value": True}, path)
    tab.send(Add.add_row, {}, path)
    tab.send(Add.add_row, {}, path)
    type_into(tab, path, "name", "0", "Ann Kept")
    type_into(tab, path, "email", "0", f"ann-{org_id}@example.com")
    type_into(tab, path, "name", "2", "Cy Kept")
    type_into(tab, path, "role", "2", "manager")
    type_into(tab, path, "email", "9", "no-such-row@example.com")  # no row 9: not kept
    type_into(tab, path, "is_staff", "0", "yes")  # no such field: not kept

    reloaded = tab.open(path, query)
    assert last_value(reloaded, Add, "add_open") is False  # a reload never brings back a dialog
    assert last_value(reloaded, Add, "draft_left") is True

    opened = tab.send(Add.set_add_open, {"value": True}, path)
    assert last_value(opened, Add, "draft_restored") is True
    rows = last_value(opened, Add, "add_rows")
    assert [(r["index"], r["name"], r["email"], r["role"]) for r in rows] == [
        (0, "Ann Kept", f"ann-{org_id}@example.com", "member"),
        (1, "", "", "member"),
        (2, "Cy Kept", "", "manager"),
    ]


def test_escape_keeps_the_input_offered_and_cancel_drops_it(owner_tab):
    tab, path, query, _org_id = owner_tab
    tab.open(path, query)
    tab.send(Add.set_add_open, {"value": True}, path)
    type_into(tab, path, "name", "0", "Half Typed")
    closed = tab.send(Add.set_add_open, {"value": False}, path)  # Escape, a click outside
    assert last_value(closed, Add, "draft_left") is True

    tab.send(Add.set_add_open, {"value": True}, path)
    dropped = tab.send(Add.discard_draft, {}, path)  # Cancel
    assert last_value(dropped, Add, "draft_restored") is False
    assert last_value(dropped, Add, "add_rows")[0]["name"] == ""
    tab.send(Add.set_add_open, {"value": False}, path)
    reloaded = tab.open(path, query)
    assert last_value(reloaded, Add, "draft_left") in (False, None)
    opened = tab.send(Add.set_add_open, {"value": True}, path)
    assert last_value(opened, Add, "draft_restored") in (False, None)


def test_a_removed_row_and_an_invitation_list_are_kept_as_they_are(owner_tab):
    tab, path, query, _org_id = owner_tab
    tab.open(path, query)
    tab.send(Add.set_add_open, {"value": True}, path)
    tab.send(Add.add_row, {}, path)
    type_into(tab, path, "name", "0", "Stays")
    type_into(tab, path, "name", "1", "Goes")
    tab.send(Add.remove_row, {"index": 1}, path)
    tab.send(Add.set_add_mode, {"value": "invite"}, path)
    type_into(tab, path, "emails", "", "a@example.com, b@example.com")

    tab.open(path, query)
    opened = tab.send(Add.set_add_open, {"value": True}, path)
    assert last_value(opened, Add, "add_mode") == "invite"  # where the person was
    assert last_value(opened, Add, "kept_emails") == "a@example.com, b@example.com"
    assert [r["name"] for r in last_value(opened, Add, "add_rows")] == ["Stays"]


def test_a_submit_spends_the_kept_input(owner_tab):
    tab, path, query, org_id = owner_tab
    tab.open(path, query)
    tab.send(Add.set_add_open, {"value": True}, path)
    email = f"spent-{org_id}@example.com"
    type_into(tab, path, "name", "0", "Spent Draft")
    type_into(tab, path, "email", "0", email)
    tab.send(Add.submit_add, {"form_data": {"name_0": "Spent Draft", "email_0": email,
                                            "role_0": "member"}}, path)
    with db.read_only_unit() as session:
        added = session.exec(select(Membership).join(User).where(User.email == email)).all()
    assert [m.organization_id for m in added] == [org_id]
    reloaded = tab.open(path, query)
    assert last_value(reloaded, Add, "draft_left") in (False, None)


def test_another_organizations_page_does_not_offer_the_input(owner_tab, app_database):
    tab, path, query, _org_id = owner_tab
    tab.open(path, query)
    tab.send(Add.set_add_open, {"value": True}, path)
    type_into(tab, path, "name", "0", "For The First Org")
    with db.unit_of_work() as session:
        other = make_org(session)
        other_id = other.id
    elsewhere = tab.open(routes.org_page(other_id), {"id": str(other_id)})
    assert last_value(elsewhere, Add, "draft_left") in (False, None)
    # Cancel there (its modal showed none of it) does not throw this page's input away
    tab.send(Add.discard_draft, {}, routes.org_page(other_id))
    back = tab.open(path, query)
    assert last_value(back, Add, "draft_left") is True
