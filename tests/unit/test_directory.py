"""The directory: public types for everyone, private to their own people, hidden to staff only."""

from datetime import UTC, datetime

import pytest
from factories import make_membership, make_org, make_org_type, make_staff, make_user

from membersync_app.models import MembershipStatus, OrganizationType, User, Visibility
from membersync_app.services import directory
from membersync_app.services.errors import ServiceError


@pytest.fixture
def world(session):
    public = make_org_type(session, name="Open", visibility=Visibility.PUBLIC)
    private = make_org_type(session, name="Closed", visibility=Visibility.PRIVATE)
    hidden = make_org_type(session, name="Secret", visibility=Visibility.HIDDEN)
    insider = make_user(session)
    blocked = make_user(session)
    orgs = {
        "public": make_org(session, title="Public Org", org_type=public, seat_count=4),
        "private": make_org(session, title="Private Org", org_type=private),
        "hidden": make_org(session, title="Hidden Org", org_type=hidden),
    }
    make_membership(session, orgs["public"], insider)
    make_membership(session, orgs["private"], insider)
    make_membership(session, orgs["hidden"], insider)
    make_membership(session, orgs["private"], blocked, status=MembershipStatus.BLOCKED)
    return {"insider": insider, "blocked": blocked, "orgs": orgs}


def _titles(session, actor, **kwargs):
    return [r.title for r in directory.list_directory(session, actor=actor, **kwargs).rows]


def test_outsider_sees_only_public(session, world):
    assert _titles(session, make_user(session)) == ["Public Org"]


def test_member_also_sees_their_private_but_never_hidden(session, world):
    assert _titles(session, world["insider"]) == ["Private Org", "Public Org"]
    assert _titles(session, world["blocked"]) == ["Public Org"]


def test_owner_sees_their_private_organization(session, world):
    owner_id = world["orgs"]["private"].owner_id
    assert "Private Org" in _titles(session, session.get(User, owner_id))


def test_staff_see_everything(session, world):
    assert _titles(session, make_staff(session)) == ["Hidden Org", "Private Org", "Public Org"]


def test_rows_show_type_seats_and_membership(session, world):
    row = directory.list_directory(session, actor=world["insider"], search="public").rows[0]
    assert (row.type_name, row.seats_used, row.seat_count, row.is_member) == ("Open", 1, 4, True)


def test_signed_out_is_refused(session, world):
    with pytest.raises(ServiceError):
        directory.list_directory(session, actor=None)


def test_an_expired_organization_is_marked(session, world):
    """Issue 9 (polish): the directory listed an expired organization without a marker."""
    open_type = session.get(OrganizationType, world["orgs"]["public"].org_type_id)
    make_org(session, title="Old Org", org_type=open_type,
             expires_at=datetime(2020, 1, 31, 23, 59, 59, tzinfo=UTC))
    rows = {r.title: r for r in directory.list_directory(session, actor=world["insider"]).rows}
    assert rows["Old Org"].expired_on == "2020-01-31"
    assert rows["Public Org"].expired_on == ""
