"""services/org_settings.py: rename, seat count (never below seats in use), add seats, and the
Access tab deciding what managers may do."""

import pytest
from factories import make_invitation, make_membership, make_org, make_org_type, make_user
from sqlmodel import select

from membersync_app.models import AuditEvent, Organization, Role, User
from membersync_app.services import org_settings, organizations
from membersync_app.services.errors import FieldErrors, ServiceError
from membersync_app.services.permissions import Action


def test_owner_renames_and_changes_seat_count(session):
    org = make_org(session, seat_count=3)
    owner = session.get(User, org.owner_id)
    org_settings.update_settings(session, actor=owner, org_id=org.id, title="  New   Name ",
                                 seat_count="5")
    assert (org.title, org.seat_count) == ("New Name", 5)
    event = session.exec(select(AuditEvent).where(
        AuditEvent.action == "organization.update_settings")).one()
    assert event.details["seat_count"] == [3, 5]


def test_seat_count_never_below_seats_in_use(uow):
    with uow() as session:
        org = make_org(session, seat_count=3)
        make_membership(session, org)
        make_invitation(session, org)
        ids = (org.id, org.owner_id, org.title)
    with uow() as session, pytest.raises(FieldErrors) as refused:
        org_settings.update_settings(session, actor=session.get(User, ids[1]), org_id=ids[0],
                                     title="Renamed", seat_count=1)
    assert "2 seats are in use" in refused.value.errors["seat_count"]
    with uow() as session:
        org = session.get(Organization, ids[0])
        assert (org.title, org.seat_count) == (ids[2], 3)  # nothing half-applied
        org_settings.update_settings(session, actor=session.get(User, ids[1]), org_id=ids[0],
                                     title="Renamed", seat_count=2)


@pytest.mark.parametrize("bad", [0, 100_001, "many", "", {"n": 1}, 2.5, None, True])
def test_seat_count_must_be_a_whole_number_in_range(session, bad):
    org = make_org(session)
    with pytest.raises(FieldErrors) as refused:
        org_settings.update_settings(session, actor=session.get(User, org.owner_id),
                                     org_id=org.id, title="T", seat_count=bad)
    assert "seat_count" in refused.value.errors


def test_add_seats(session):
    org = make_org(session, seat_count=2)
    owner = session.get(User, org.owner_id)
    org_settings.add_seats(session, actor=owner, org_id=org.id, count=3)
    assert org.seat_count == 5
    for bad in (0, -1, "x", {"n": 1}, 100_000):
        with pytest.raises(ServiceError):
            org_settings.add_seats(session, actor=owner, org_id=org.id, count=bad)
    assert org.seat_count == 5


def test_manager_seat_controls_follow_the_access_tab(session):
    closed = make_org(session, org_type=make_org_type(session, managers_manage_seats=False,
                                                      managers_edit_settings=False))
    manager = session.get(User, make_membership(session, closed, role=Role.MANAGER).user_id)
    view = organizations.overview(session, actor=manager, org_id=closed.id)
    assert Action.MANAGE_SEATS not in view.allowed and Action.EDIT_SETTINGS not in view.allowed
    assert view.viewer_role == "manager"
    with pytest.raises(ServiceError, match="Managers of this organization may not"):
        org_settings.add_seats(session, actor=manager, org_id=closed.id, count=1)
    with pytest.raises(ServiceError):
        org_settings.update_settings(session, actor=manager, org_id=closed.id, title="x",
                                     seat_count=50)
    assert closed.seat_count == 10

    opened = make_org(session, seat_count=2, org_type=make_org_type(
        session, managers_manage_seats=True, managers_edit_settings=True))
    manager2 = session.get(User, make_membership(session, opened, role=Role.MANAGER).user_id)
    assert Action.MANAGE_SEATS in organizations.overview(session, actor=manager2,
                                                        org_id=opened.id).allowed
    org_settings.add_seats(session, actor=manager2, org_id=opened.id, count=1)
    assert opened.seat_count == 3


def test_settings_without_seat_right_may_rename_but_not_resize(session):
    org = make_org(session, seat_count=4, org_type=make_org_type(
        session, managers_manage_seats=False, managers_edit_settings=True))
    manager = session.get(User, make_membership(session, org, role=Role.MANAGER).user_id)
    org_settings.update_settings(session, actor=manager, org_id=org.id, title="Renamed",
                                 seat_count="4")
    assert org.title == "Renamed"
    with pytest.raises(FieldErrors, match="may not change the seat count"):
        org_settings.update_settings(session, actor=manager, org_id=org.id, title="Renamed",
                                     seat_count="9")


def test_outsider_sees_no_overview(session):
    org = make_org(session)
    with pytest.raises(ServiceError):
        organizations.overview(session, actor=make_user(session), org_id=org.id)


def test_rename_cannot_take_another_organizations_title(session):
    """Titles are unique ignoring case (docs/decisions.md), as the admin form checks; the
    dashboard rename must not let an owner pass their organization off as another one."""
    other = make_org(session, title="Acme Corporation")
    org = make_org(session, title="Small Shop", seat_count=3)
    owner = session.get(User, org.owner_id)
    events = len(session.exec(select(AuditEvent)).all())
    with pytest.raises(FieldErrors) as refused:
        org_settings.update_settings(session, actor=owner, org_id=org.id,
                                     title=" acme  CORPORATION ", seat_count=3)
    assert "already exists" in refused.value.errors["title"]
    assert (org.title, other.title) == ("Small Shop", "Acme Corporation")
    assert len(session.exec(select(AuditEvent)).all()) == events
    # Its own title in another case is fine.
    org_settings.update_settings(session, actor=owner, org_id=org.id, title="SMALL shop",
                                 seat_count=3)
    assert org.title == "SMALL shop"


# Two tabs (issue 9, item 4): tab B was opened before tab A renamed the organization.


def _opened_in_tab_b(org):
    return org_settings.opened_settings(title=org.title, seat_count=str(org.seat_count))


def test_a_seat_count_saved_from_an_older_tab_keeps_the_new_name(session):
    org = make_org(session, seat_count=3, title="Old Name")
    owner = session.get(User, org.owner_id)
    tab_b = _opened_in_tab_b(org)
    org_settings.update_settings(session, actor=owner, org_id=org.id, title="New Name",
                                 seat_count="3")
    org_settings.update_settings(session, actor=owner, org_id=org.id, title="Old Name",
                                 seat_count="7", opened=tab_b)
    assert (org.title, org.seat_count) == ("New Name", 7)  # before: the name went back


def test_the_same_field_changed_in_both_tabs_is_a_conflict_naming_who(session):
    org = make_org(session, seat_count=3, title="Old Name")
    owner = session.get(User, org.owner_id)
    tab_b = _opened_in_tab_b(org)
    org_settings.update_settings(session, actor=owner, org_id=org.id, title="From Tab A",
                                 seat_count="3")
    with pytest.raises(ServiceError) as refused:
        org_settings.update_settings(session, actor=owner, org_id=org.id, title="From Tab B",
                                     seat_count="3", opened=tab_b)
    name = owner.full_name or owner.username
    assert refused.value.message.startswith(f"{name} changed Organization name of this "
                                            "organization after you opened the form.")
    assert org.title == "From Tab A"
    # Saving again (the form now knows what is saved) puts this person's input in place.
    org_settings.update_settings(session, actor=owner, org_id=org.id, title="From Tab B",
                                 seat_count="3", opened=refused.value.opened)
    assert org.title == "From Tab B"
