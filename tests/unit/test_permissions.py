"""The permission rule table, case by case, and access_org against a real database."""

from datetime import timedelta

import pytest
from factories import make_membership, make_org, make_org_type, make_staff, make_user

from membersync_app.models import MembershipStatus, OrganizationType, Role, User, utcnow
from membersync_app.services.errors import ServiceError
from membersync_app.services.permissions import Action, access_org, decide

ACTIVE, BLOCKED = MembershipStatus.ACTIVE, MembershipStatus.BLOCKED

# The Access-tab flag each action needs from a manager, written out here (not read from the
# code under test) so a changed rule shows up as a failing case.
MANAGER_FLAG = {
    Action.ADD_MEMBERS: "managers_add_members",
    Action.INVITE: "managers_invite",
    Action.REMOVE_MEMBERS: "managers_remove_members",
    Action.CHANGE_ROLES: "managers_remove_members",
    Action.MANAGE_SEATS: "managers_manage_seats",
    Action.EDIT_SETTINGS: "managers_edit_settings",
    Action.VIEW_REPORTS: "managers_view_reports",
    Action.REMIND: "managers_view_reports",  # reminders go with the reports (issue 10)
}
ALWAYS_FOR_MANAGERS = {Action.VIEW_ORG}
OWNER_ONLY = {Action.TRANSFER_OWNERSHIP}
READ_ONLY = {Action.VIEW_ORG, Action.VIEW_REPORTS}
ALL_FLAGS = sorted(set(MANAGER_FLAG.values()))


def org_type(**flags) -> OrganizationType:
    """An Access tab with every manager flag on, except those given."""
    return OrganizationType(name="t", **{**dict.fromkeys(ALL_FLAGS, True), **flags})


def check(action, *, role, status=ACTIVE, is_staff=False, expired=False, **flags):
    return decide(action=action, is_staff=is_staff, role=role, status=status,
                  org_type=org_type(**flags), expired=expired)


def test_the_tables_here_cover_every_action():
    assert set(MANAGER_FLAG) | ALWAYS_FOR_MANAGERS | OWNER_ONLY == set(Action)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", [None, Role.OWNER, Role.MANAGER, Role.MEMBER])
def test_staff_may_do_everything_on_an_active_organization(action, role):
    flags_off = dict.fromkeys(ALL_FLAGS, False)
    decision = check(action, role=role, is_staff=True, **flags_off)
    assert decision.allowed


@pytest.mark.parametrize("action", list(Action))
def test_an_expired_organization_is_read_only_for_staff_too(action):
    decision = check(action, role=None, is_staff=True, expired=True)
    assert decision.allowed == (action in {Action.VIEW_ORG, Action.VIEW_REPORTS})
    if not decision.allowed:
        assert decision.reason == "This organization has expired; it is read-only."


@pytest.mark.parametrize("action", list(Action))
def test_active_owner_may_do_everything_even_with_every_manager_flag_off(action):
    assert check(action, role=Role.OWNER, **dict.fromkeys(ALL_FLAGS, False)).allowed


@pytest.mark.parametrize("action", list(Action))
def test_owner_of_an_expired_organization_may_only_look(action):
    decision = check(action, role=Role.OWNER, expired=True)
    assert decision.allowed == (action in READ_ONLY)
    if not decision.allowed:
        assert decision.reason == "This organization has expired; it is read-only."


@pytest.mark.parametrize(("action", "flag"), sorted(MANAGER_FLAG.items()))
def test_manager_follows_the_access_flag(action, flag):
    assert check(action, role=Role.MANAGER, **{flag: True}).allowed
    refused = check(action, role=Role.MANAGER, **{flag: False})
    assert not refused.allowed
    assert refused.reason == "Managers of this organization may not do that."


@pytest.mark.parametrize("flag", ALL_FLAGS)
def test_one_flag_off_does_not_touch_the_other_actions(flag):
    for action, needed in MANAGER_FLAG.items():
        assert check(action, role=Role.MANAGER, **{flag: False}).allowed == (needed != flag)


def test_manager_may_always_view_the_organization():
    assert check(Action.VIEW_ORG, role=Role.MANAGER, **dict.fromkeys(ALL_FLAGS, False)).allowed


def test_manager_may_never_transfer_ownership():
    decision = check(Action.TRANSFER_OWNERSHIP, role=Role.MANAGER)
    assert not decision.allowed
    assert decision.reason == "Only the owner may do that."


@pytest.mark.parametrize("action", list(Action))
def test_manager_of_an_expired_organization_may_only_look(action):
    assert check(action, role=Role.MANAGER, expired=True).allowed == (action in READ_ONLY)


def test_expired_organization_still_needs_the_reports_flag():
    assert not check(Action.VIEW_REPORTS, role=Role.MANAGER, expired=True,
                     managers_view_reports=False).allowed


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize(
    ("role", "status", "reason"),
    [
        (Role.MEMBER, ACTIVE, "Only the owner and managers of this organization may do that."),
        (None, None, "Only the owner and managers of this organization may do that."),
        (Role.MANAGER, BLOCKED, "Your membership of this organization is blocked."),
        (Role.OWNER, BLOCKED, "Your membership of this organization is blocked."),
    ],
    ids=["member", "outsider", "blocked-manager", "blocked-owner"],
)
def test_members_outsiders_and_blocked_people_may_do_nothing(action, role, status, reason):
    decision = check(action, role=role, status=status)
    assert not decision.allowed
    assert decision.reason == reason


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize(("role", "status"), [(None, None), (Role.MEMBER, ACTIVE),
                                              (Role.MEMBER, BLOCKED)],
                         ids=["outsider", "member", "blocked-member"])
def test_an_outsider_is_not_told_that_the_organization_expired(action, role, status):
    """Who the actor is is checked before expiry: the refusal reads the same on an expired
    organization as on an active one, so it does not reveal that the organization expired."""
    on_active = check(action, role=role, status=status)
    on_expired = check(action, role=role, status=status, expired=True)
    assert not on_active.allowed and not on_expired.allowed
    assert on_expired.reason == on_active.reason


# access_org: the same rules, fetched from the database.


@pytest.fixture
def world(session):
    owner = make_user(session)
    org = make_org(session, owner=owner, org_type=make_org_type(session, managers_invite=False))
    manager = make_membership(session, org, role=Role.MANAGER)
    member = make_membership(session, org, role=Role.MEMBER)
    blocked = make_membership(session, org, role=Role.MANAGER, status=BLOCKED)
    return {
        "org": org,
        "owner": owner,
        "manager": session.get(User, manager.user_id),
        "member": session.get(User, member.user_id),
        "blocked": session.get(User, blocked.user_id),
        "outsider": make_user(session),
        "staff": make_staff(session),
    }


@pytest.mark.parametrize(
    ("who", "action", "allowed"),
    [
        ("owner", Action.MANAGE_SEATS, True),
        ("owner", Action.TRANSFER_OWNERSHIP, True),
        ("manager", Action.VIEW_ORG, True),
        ("manager", Action.ADD_MEMBERS, True),
        ("manager", Action.INVITE, False),  # the type switched this off
        ("manager", Action.MANAGE_SEATS, False),  # off by default
        ("staff", Action.TRANSFER_OWNERSHIP, True),
        ("member", Action.VIEW_ORG, False),
        ("blocked", Action.VIEW_ORG, False),
        ("outsider", Action.VIEW_ORG, False),
    ],
)
def test_access_org(session, world, who, action, allowed):
    actor, org = world[who], world["org"]
    if allowed:
        access = access_org(session, actor=actor, org_id=org.id, action=action)
        assert access.org.id == org.id
        assert access.org_type.id == org.org_type_id
        assert (access.membership is None) == (who == "staff")
        assert access.may(actor, action)
    else:
        with pytest.raises(ServiceError):
            access_org(session, actor=actor, org_id=org.id, action=action)


def test_access_org_says_why(session, world):
    org_id = world["org"].id
    with pytest.raises(ServiceError, match="blocked"):
        access_org(session, actor=world["blocked"], org_id=org_id, action=Action.VIEW_ORG)
    with pytest.raises(ServiceError, match="Only the owner and managers"):
        access_org(session, actor=world["outsider"], org_id=org_id, action=Action.VIEW_ORG)
    with pytest.raises(ServiceError, match="Managers of this organization may not"):
        access_org(session, actor=world["manager"], org_id=org_id, action=Action.INVITE)


def test_access_org_with_lock(session, world):
    access = access_org(session, actor=world["manager"], org_id=world["org"].id,
                        action=Action.ADD_MEMBERS, lock=True)
    assert access.org.id == world["org"].id


@pytest.mark.parametrize("org_id", [10**9, "1", 1.0, True, None, -1])
def test_unknown_or_malformed_organization_ids_are_refused_alike(session, world, org_id):
    with pytest.raises(ServiceError) as refused:
        access_org(session, actor=world["staff"], org_id=org_id, action=Action.VIEW_ORG)
    assert refused.value.message == "That organization does not exist."


def test_the_real_id_works_where_a_lookalike_does_not(session, world):
    # Guards the test above: staff do get in with the genuine id.
    assert access_org(session, actor=world["staff"], org_id=world["org"].id, action=Action.VIEW_ORG)


def test_signed_out_and_deactivated_actors_are_asked_to_sign_in(session, world):
    owner = world["owner"]
    with pytest.raises(ServiceError, match="Please sign in first."):
        access_org(session, actor=None, org_id=world["org"].id, action=Action.VIEW_ORG)
    owner.is_active = False
    with pytest.raises(ServiceError, match="Please sign in first."):
        access_org(session, actor=owner, org_id=world["org"].id, action=Action.VIEW_ORG)


def test_expired_organization_is_read_only_through_access_org(session, world):
    org = world["org"]
    org.expires_at = utcnow() - timedelta(minutes=1)
    session.flush()
    assert access_org(session, actor=world["owner"], org_id=org.id, action=Action.VIEW_REPORTS)
    with pytest.raises(ServiceError, match="expired"):
        access_org(session, actor=world["owner"], org_id=org.id, action=Action.ADD_MEMBERS)
    # An expiry in the future is not expired.
    org.expires_at = utcnow() + timedelta(days=1)
    session.flush()
    assert access_org(session, actor=world["owner"], org_id=org.id, action=Action.ADD_MEMBERS)
