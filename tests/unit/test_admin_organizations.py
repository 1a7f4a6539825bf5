"""Back-office organizations: create (with the owner membership), edit, list in SQL."""

from datetime import UTC, datetime, timedelta

import pytest
from factories import (
    make_invitation,
    make_membership,
    make_org,
    make_org_type,
    make_seat_type,
    make_staff,
    make_user,
)
from sqlmodel import select

from membersync_app.models import (
    AuditEvent,
    Membership,
    Organization,
    OutboxMessage,
    PasswordSetToken,
    Role,
    User,
)
from membersync_app.services import admin_organizations as orgs
from membersync_app.services import mail
from membersync_app.services.errors import FieldErrors, ServiceError


def _form(session, **overrides):
    values = {
        "title": "Acme Logistics",
        "owner": make_user(session).username,
        "expires_at": "2031-01-31",
        "seat_count": "10",
        "org_type_id": str(make_org_type(session).id),
        "seat_type_id": "",
    }
    values.update(overrides)
    return values


def test_create_makes_the_owner_membership_and_an_audit_event(session):
    staff = make_staff(session)
    org = orgs.create_organization(session, actor=staff, **_form(session))
    assert (org.title, org.seat_count) == ("Acme Logistics", 10)
    assert org.expires_at == datetime(2031, 1, 31, 23, 59, 59, tzinfo=UTC)
    membership = session.exec(select(Membership).where(Membership.organization_id == org.id)).one()
    assert (membership.user_id, membership.role) == (org.owner_id, Role.OWNER)
    event = session.exec(select(AuditEvent)).one()
    assert (event.action, event.organization_id, event.actor_id) == (
        "organization.create", org.id, staff.id)


def test_owner_found_by_email_case_insensitively_and_empty_expiry_means_never(session):
    staff = make_staff(session)
    owner = make_user(session, email="boss@example.com")
    org = orgs.create_organization(session, actor=staff, **_form(session, owner="BOSS@example.com",
                                                           expires_at=""))
    assert org.owner_id == owner.id and org.expires_at is None


def test_create_with_a_new_owner_account(session):
    staff = make_staff(session)
    org = orgs.create_organization(session, actor=staff, **_form(session, owner=None), new_owner={
        "username": "newboss", "email": "newboss@example.com", "full_name": "New Boss",
        "password": "long-enough-1"})
    owner = session.get(User, org.owner_id)
    assert owner.username == "newboss" and owner.password_hash
    assert session.exec(select(OutboxMessage)).all() == []  # they know their password


def test_a_new_owner_without_a_password_gets_the_set_password_email(session):
    """Issue 9, item 3: before, nothing went to the outbox and nobody could sign in as them."""
    staff = make_staff(session, full_name="Sam Staff")
    org = orgs.create_organization(
        session, actor=staff, **_form(session, owner=None, title="Nopass Ltd"),
        new_owner={"username": "nopass", "email": "nopass@example.com",
                   "full_name": "No Pass", "password": ""})
    owner = session.get(User, org.owner_id)
    assert owner.password_hash == ""
    [message] = session.exec(select(OutboxMessage)).all()
    assert mail.queued_in(session) == [message.id]  # delivered after the commit
    assert message.recipient == "nopass@example.com"
    assert message.subject == "Set your MemberSync password (Nopass Ltd)"
    assert "/set-password/" in message.body and "Sam Staff added you to Nopass Ltd" in message.body
    [link] = session.exec(select(PasswordSetToken)).all()
    assert link.user_id == owner.id


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"title": "  "}, "title"),
        ({"seat_count": "0"}, "seat_count"),
        ({"seat_count": "100001"}, "seat_count"),
        ({"seat_count": "1.5"}, "seat_count"),
        ({"seat_count": "ten"}, "seat_count"),
        ({"seat_count": {"n": 1}}, "seat_count"),
        ({"owner": "nobody-like-this"}, "owner"),
        ({"owner": ""}, "owner"),
        ({"owner": {"id": 1}}, "owner"),
        ({"org_type_id": ""}, "org_type_id"),
        ({"org_type_id": "999999"}, "org_type_id"),
        ({"org_type_id": [1]}, "org_type_id"),
        ({"seat_type_id": "999999"}, "seat_type_id"),
        ({"expires_at": "31/01/2031"}, "expires_at"),
        ({"expires_at": "2031-02-30"}, "expires_at"),
        ({"expires_at": 5}, "expires_at"),
    ],
)
def test_bad_input_gets_a_field_message_and_nothing_is_saved(session, override, field):
    staff = make_staff(session)
    with pytest.raises(FieldErrors) as refused:
        orgs.create_organization(session, actor=staff, **_form(session, **override))
    assert field in refused.value.errors
    assert session.exec(select(Organization)).all() == []
    assert session.exec(select(AuditEvent)).all() == []


def test_duplicate_title_is_refused(session):
    staff = make_staff(session)
    make_org(session, title="Acme Logistics")
    with pytest.raises(FieldErrors) as refused:
        orgs.create_organization(session, actor=staff, **_form(session, title="acme logistics"))
    assert set(refused.value.errors) == {"title"}


def test_refused_new_owner_is_not_left_behind(session):
    staff = make_staff(session)
    with pytest.raises(FieldErrors) as refused:
        orgs.create_organization(session, actor=staff, **_form(session, owner=None, seat_count="0"),
                                 new_owner={"username": "ghost", "email": "ghost@example.com",
                                            "full_name": "Ghost", "password": ""})
    assert set(refused.value.errors) == {"seat_count"}
    assert session.exec(select(User).where(User.username == "ghost")).first() is None
    with pytest.raises(FieldErrors) as refused:
        orgs.create_organization(session, actor=staff, **_form(session, owner=None),
                                 new_owner={"username": "x", "email": "bad", "full_name": ""})
    assert {"new_owner_username", "new_owner_email", "new_owner_full_name"} <= set(
        refused.value.errors)


def test_non_staff_cannot_create_edit_or_list(session):
    owner = make_user(session)
    org = make_org(session, owner=owner, seat_count=5)
    for actor in (owner, None):
        with pytest.raises(ServiceError):
            orgs.create_organization(session, actor=actor, **_form(session, title="Sneaky"))
        with pytest.raises(ServiceError):
            orgs.update_organization(session, actor=actor, org_id=org.id, title="Mine",
                                     seat_count="99999", org_type_id=org.org_type_id)
        with pytest.raises(ServiceError):
            orgs.list_organizations(session, actor=actor)
    assert session.get(Organization, org.id).seat_count == 5
    assert session.exec(select(Organization)).all() == [org]


def test_seat_count_cannot_go_below_seats_in_use(session):
    staff = make_staff(session)
    org = make_org(session, seat_count=5)
    make_membership(session, org)
    make_membership(session, org, role=Role.MANAGER)
    make_invitation(session, org)
    make_invitation(session, org, expires_at=datetime.now(UTC) - timedelta(days=1))  # frees
    with pytest.raises(FieldErrors) as refused:
        orgs.update_organization(session, actor=staff, org_id=org.id, title=org.title,
                                 seat_count="2",
                                 org_type_id=org.org_type_id)
    assert refused.value.errors["seat_count"].startswith(
        "3 seats are in use, so the seat count cannot go below 3.")
    orgs.update_organization(session, actor=staff, org_id=org.id, title="Renamed", seat_count="3",
                             org_type_id=str(org.org_type_id), expires_at="2030-06-01")
    assert (org.title, org.seat_count, org.expires_at.date().isoformat()) == (
        "Renamed", 3, "2030-06-01")
    event = session.exec(select(AuditEvent)).one()
    assert event.details["changes"]["seat_count"] == [5, 3]


def test_edit_form_shows_what_is_saved(session):
    staff = make_staff(session)
    seat_type = make_seat_type(session)
    org = make_org(session, seat_type=seat_type, expires_at=datetime(2030, 5, 1, 23, 59, 59,
                                                                     tzinfo=UTC))
    form = orgs.get_organization_form(session, actor=staff, org_id=org.id)
    assert (form.title, form.expires_on, form.seat_type_id, form.seats_used) == (
        org.title, "2030-05-01", seat_type.id, 0)


def test_list_searches_title_or_owner_and_sorts_every_column(session):
    staff = make_staff(session)
    alice = make_user(session, username="alice", email="alice@corp.example")
    bob = make_user(session, username="bob")
    a = make_org(session, title="Alpha", owner=alice, seat_count=3)
    make_org(session, title="Beta", owner=bob, seat_count=9,
                 expires_at=datetime.now(UTC) - timedelta(days=1))
    c = make_org(session, title="Gamma", owner=bob, seat_count=5,
                 expires_at=datetime.now(UTC) + timedelta(days=10))
    make_membership(session, c)
    make_membership(session, c)
    make_membership(session, a)

    def titles(**kwargs):
        return [r.title for r in orgs.list_organizations(session, actor=staff, **kwargs).rows]

    assert titles(search="ALPHA") == ["Alpha"]
    assert titles(search="bob") == ["Beta", "Gamma"]
    assert titles(search="corp.example") == ["Alpha"]
    assert titles(sort="seats", descending=True) == ["Gamma", "Alpha", "Beta"]
    assert titles(sort="seat_count") == ["Alpha", "Gamma", "Beta"]
    assert titles(sort="expires") == ["Beta", "Gamma", "Alpha"]  # never comes last
    assert titles(sort="expired", descending=True)[0] == "Beta"
    assert titles(sort="owner")[0] == "Alpha"
    row = orgs.list_organizations(session, actor=staff, search="Gamma").rows[0]
    assert (row.seats_used, row.seat_count, row.expired, row.owner_username) == (2, 5, False, "bob")
    assert orgs.list_organizations(session, actor=staff, search="Beta").rows[0].expired is True


def test_list_paginates(session):
    staff = make_staff(session)
    org_type = make_org_type(session)
    owner = make_user(session)
    for n in range(45):
        make_org(session, title=f"Org {n:02d}", owner=owner, org_type=org_type)
    page = orgs.list_organizations(session, actor=staff, page=3, page_size=20)
    assert (page.total, page.page, page.page_count) == (45, 3, 3)
    assert [r.title for r in page.rows] == [f"Org {n}" for n in range(40, 45)]


def test_an_already_expired_organization_needs_a_confirmation(session):
    """Issue 9 (polish): staff could create an expired organization without a word."""
    staff = make_staff(session)
    form = _form(session, title="Late Ltd", expires_at="2020-01-31")
    with pytest.raises(FieldErrors) as refused:
        orgs.create_organization(session, actor=staff, **form)
    assert refused.value.errors == {"confirm_expired": refused.value.errors["confirm_expired"]}
    assert "2020-01-31 is in the past" in refused.value.errors["confirm_expired"]
    assert session.exec(select(Organization).where(Organization.title == "Late Ltd")).all() == []
    org = orgs.create_organization(session, actor=staff, **form, confirm_expired=True)
    assert org.expires_at.date().isoformat() == "2020-01-31"
