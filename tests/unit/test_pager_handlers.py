"""state/paged_list.py: the pager's handlers, fired as a browser tab fires them (through the
EventGuard, tests/handler_harness.py): a page size the picker does not offer is refused, "Go
to page" is checked and clamped, and the first row shown stays on screen when the size
changes."""

import json

import pytest
from factories import (
    make_invitation,
    make_membership,
    make_org,
    make_org_type,
    make_staff,
    make_user,
)
from handler_harness import signed_in_tab

import membersync_app.membersync_app as web_app
from membersync_app import db, routes
from membersync_app.models import Organization, Visibility
from membersync_app.services import auth, back_office
from membersync_app.state.directory import DirectoryState
from membersync_app.state.org_invitations import OrgInvitationsState
from membersync_app.state.org_members import OrgMembersState


def _values(wire: str, var: str) -> list:
    """Every value the server sent for a var named `var` (any state), in order."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key.rsplit("_rx_state_", 1)[0] == var:
                    found.append(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for line in wire.splitlines():
        walk(json.loads(line))
    return found


@pytest.fixture
def tab(app_database):
    """A signed-in tab on a fresh database: send(handler, payload, path) -> what was sent."""
    with db.unit_of_work() as session:
        viewer = make_user(session)
        cookie = auth.activate_session(session, grant=auth.start_session(session, user=viewer))
        public = make_org_type(session, visibility=Visibility.PUBLIC)
        for n in range(25):
            make_org(session, org_type=public, title=f"Listed {n:02d}")
        org = make_org(session, owner=viewer, seat_count=40)
        for _ in range(29):
            make_membership(session, org)
    with signed_in_tab(web_app.app, cookie) as signed_in:

        class Tab:
            org_id = org.id
            send = staticmethod(signed_in.send)

            @staticmethod
            def open(path: str) -> str:
                wire = signed_in.open(path)
                assert _values(wire, "loaded")[-1] is True  # the page's on_load ran
                return wire

        yield Tab


def test_a_page_size_the_picker_does_not_offer_is_refused_and_changes_nothing(tab):
    tab.open(routes.DIRECTORY)
    for size in ("7", "1000", "0", "twenty"):
        wire = tab.send(DirectoryState.set_page_size, {"size": size}, routes.DIRECTORY)
        assert _values(wire, "pager_error")[-1] == "Show 10, 20, 50 or 100 rows per page."
        assert _values(wire, "page_size") == []
        assert _values(wire, "rows") == []  # nothing was loaded
    wire = tab.send(DirectoryState.set_page_size, {"size": "10"}, routes.DIRECTORY)
    assert _values(wire, "page_size") == [10]
    assert _values(wire, "page_count") == [3]
    assert len(_values(wire, "rows")[-1]) == 10
    assert _values(wire, "pager_error") == [""]


def test_go_to_page_is_clamped_and_a_bad_page_is_refused_with_a_message(tab):
    tab.open(routes.DIRECTORY)
    wire = tab.send(DirectoryState.jump_to_page, {"form_data": {"page": "99"}}, routes.DIRECTORY)
    assert _values(wire, "page") == [2]  # 25 organizations, 20 a page: the last is 2
    wire = tab.send(DirectoryState.jump_to_page, {"form_data": {"page": "two"}},
                    routes.DIRECTORY)
    assert _values(wire, "pager_error") == ["Type a page number from 1 to 2."]
    assert _values(wire, "page") == []


def test_changing_the_page_size_keeps_the_first_row_on_screen(tab):
    path = routes.org_page(tab.org_id)
    tab.open(path)
    tab.send(OrgMembersState.set_page_size, {"size": "10"}, path)
    wire = tab.send(OrgMembersState.go_to_page, {"page": 3}, path)  # rows 21-30
    assert _values(wire, "page") == [3]
    wire = tab.send(OrgMembersState.set_page_size, {"size": "20"}, path)
    assert (_values(wire, "page"), _values(wire, "page_size")) == ([2], [20])  # rows 21-30
    wire = tab.send(OrgMembersState.set_page_size, {"size": "15"}, path)
    assert _values(wire, "pager_error") == ["Show 10, 20, 50 or 100 rows per page."]


def test_a_list_refused_when_it_opens_again_shows_why_and_nothing_of_the_page_before(tab):
    """The organization is deleted while its page is open; opening its lists again shows the
    refusal, not the old rows or counts (the invitations list is drawn only while its total
    is above 0, so an old total would hide the refusal)."""
    path = routes.org_page(tab.org_id)
    with db.unit_of_work() as session:
        make_invitation(session, session.get(Organization, tab.org_id))
    tab.open(path)
    loads = (OrgMembersState.load_members, OrgInvitationsState.load_invitations)
    for load in loads:
        assert _values(tab.send(load, {}, path), "total") in ([30], [1])
    with db.unit_of_work() as session:
        org = session.get(Organization, tab.org_id)
        back_office.delete_organization(session, actor=make_staff(session), org_id=org.id,
                                        confirm_title=org.title)
    for load in loads:
        wire = tab.send(load, {}, path)
        assert _values(wire, "total") == [0] and _values(wire, "rows") == [[]]
        assert _values(wire, "list_error")[-1] == "That organization does not exist."
