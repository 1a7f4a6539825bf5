"""Accounts: creating with every field checked at once, and the staff-only changes."""

import pytest
from factories import make_membership, make_org, make_staff, make_user, sign_in
from sqlmodel import select

from membersync_app.models import (
    AuditEvent,
    Membership,
    MembershipStatus,
    OutboxMessage,
    Role,
    User,
)
from membersync_app.services import auth, mail, users
from membersync_app.services.errors import FieldErrors, ServiceError
from membersync_app.services.passwords import verify_password

PASSWORD = "long-enough-1"


def _create(session, **overrides):
    fields = {"username": "carol", "email": "carol@example.com", "full_name": "Carol Jones",
              "password": PASSWORD, **overrides}
    return users._create_user(session, actor=None, **fields)


def test_create_user_stores_a_clean_account(session):
    staff = make_staff(session)
    user = users._create_user(session, actor=staff, username="  carol.j ",
                             email=" Carol@Example.COM ",
                             full_name="  Carol   Jones ", password=PASSWORD)
    assert (user.username, user.email, user.full_name) == ("carol.j", "carol@example.com",
                                                           "Carol Jones")
    assert user.is_active and not user.is_staff
    assert user.password_hash != PASSWORD
    assert verify_password(user.password_hash, PASSWORD)
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "user.create")).all()
    assert event.actor_id == staff.id
    assert event.details["user_id"] == user.id


def test_created_account_can_sign_in(session):
    _create(session)
    _, user = sign_in(session, "CAROL@example.com", PASSWORD)
    assert user.username == "carol"


def test_create_user_without_password_leaves_it_unset(session):
    user = _create(session, password=None)
    assert user.password_hash == ""
    with pytest.raises(ServiceError, match="Wrong username"):
        sign_in(session, "carol", "")


def test_create_staff(session):
    assert _create(session, is_staff=True).is_staff


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "is not a valid e-mail address"),
        ("email", "two@@example.com", "is not a valid e-mail address"),
        ("email", "", "Email is required."),
        ("username", "ab", "Username must be 3 to 150 characters"),
        ("username", "has space", "Username must be 3 to 150 characters"),
        ("username", "x" * 151, "Username must be 3 to 150 characters"),
        ("full_name", "   ", "Full name is required."),
        ("password", "short", "Password must be at least 10 characters."),
    ],
)
def test_create_user_refuses_bad_fields(session, field, value, message):
    with pytest.raises(FieldErrors) as refused:
        _create(session, **{field: value})
    assert set(refused.value.errors) == {field}
    assert message in refused.value.errors[field]
    assert refused.value.field == field
    assert session.exec(select(User)).all() == []


def test_create_user_reports_every_problem_at_once(session):
    with pytest.raises(FieldErrors) as refused:
        users._create_user(session, actor=None, username="a", email="nope", full_name="",
                          password="short")
    assert set(refused.value.errors) == {"username", "email", "full_name", "password"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"username": "CAROL", "email": "other@example.com"}, "username"),
        ({"username": "other", "email": "CAROL@example.com"}, "email"),
    ],
)
def test_duplicates_are_refused_whatever_the_case(session, overrides, field):
    _create(session)
    with pytest.raises(FieldErrors) as refused:
        _create(session, **overrides)
    assert set(refused.value.errors) == {field}
    assert len(session.exec(select(User)).all()) == 1


def test_duplicate_username_and_email_together(session):
    _create(session)
    with pytest.raises(FieldErrors) as refused:
        _create(session, username="Carol", email="carol@EXAMPLE.com")
    assert "is taken" in refused.value.errors["username"]
    assert "already exists" in refused.value.errors["email"]


# Staff-only changes


@pytest.fixture
def people(session):
    return {
        "staff": make_staff(session),
        "user": make_user(session, password=PASSWORD),
        "other": make_user(session),
    }


@pytest.mark.parametrize(
    ("call", "args"),
    [
        (users.set_password, {"password": "new-password-1"}),
        (users.set_staff, {"is_staff": True}),
        (users.set_active, {"is_active": False}),
    ],
    ids=["set_password", "set_staff", "set_active"],
)
def test_staff_only_changes_refuse_everyone_else(session, people, call, args):
    target = people["user"]
    before = (target.password_hash, target.is_staff, target.is_active)
    with pytest.raises(ServiceError, match="Only staff may do that."):
        call(session, actor=people["other"], user_id=target.id, **args)
    with pytest.raises(ServiceError, match="Please sign in first."):
        call(session, actor=None, user_id=target.id, **args)
    session.refresh(target)
    assert (target.password_hash, target.is_staff, target.is_active) == before


@pytest.mark.parametrize("user_id", [10**9, "1", None])
def test_staff_changes_to_unknown_users_are_refused(session, people, user_id):
    with pytest.raises(ServiceError, match="That user does not exist."):
        users.set_active(session, actor=people["staff"], user_id=user_id, is_active=False)


def test_set_password_replaces_it_and_ends_sessions(session, people):
    user = people["user"]
    token, _ = sign_in(session, user.username, PASSWORD)
    users.set_password(session, actor=people["staff"], user_id=user.id, password="brand-new-pass")
    assert auth.user_for_token(session, token=token) is None
    with pytest.raises(ServiceError, match="Wrong username"):
        sign_in(session, user.username, PASSWORD)
    assert sign_in(session, user.username, "brand-new-pass")[1].id == user.id


def test_set_password_checks_the_length(session, people):
    with pytest.raises(ServiceError, match="at least 10"):
        users.set_password(session, actor=people["staff"], user_id=people["user"].id,
                           password="short")


def test_set_staff(session, people):
    staff, user = people["staff"], people["user"]
    assert users.set_staff(session, actor=staff, user_id=user.id, is_staff=True).is_staff
    assert not users.set_staff(session, actor=staff, user_id=user.id, is_staff=False).is_staff
    with pytest.raises(ServiceError, match="your own staff rights"):
        users.set_staff(session, actor=staff, user_id=staff.id, is_staff=False)
    assert staff.is_staff


def test_deactivation_blocks_sign_in_ends_sessions_and_keeps_memberships(session, people):
    staff, user = people["staff"], people["user"]
    org = make_org(session)
    make_membership(session, org, user, role=Role.MANAGER)
    token, _ = sign_in(session, user.username, PASSWORD)

    users.set_active(session, actor=staff, user_id=user.id, is_active=False)

    assert auth.user_for_token(session, token=token) is None
    with pytest.raises(ServiceError) as refused:
        sign_in(session, user.username, PASSWORD)
    assert refused.value.message == auth.WRONG_CREDENTIALS
    [membership] = session.exec(select(Membership).where(Membership.user_id == user.id)).all()
    assert (membership.role, membership.status) == (Role.MANAGER, MembershipStatus.ACTIVE)

    users.set_active(session, actor=staff, user_id=user.id, is_active=True)
    assert sign_in(session, user.username, PASSWORD)[1].id == user.id


def test_staff_cannot_deactivate_themselves(session, people):
    staff = people["staff"]
    with pytest.raises(ServiceError, match="your own account"):
        users.set_active(session, actor=staff, user_id=staff.id, is_active=False)
    assert staff.is_active


def test_staff_changes_are_audited(session, people):
    staff, user = people["staff"], people["user"]
    users.set_password(session, actor=staff, user_id=user.id, password="brand-new-pass")
    users.set_staff(session, actor=staff, user_id=user.id, is_staff=True)
    users.set_active(session, actor=staff, user_id=user.id, is_active=False)
    events = session.exec(
        select(AuditEvent).where(AuditEvent.actor_id == staff.id).order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.details["user_id"]) for e in events] == [
        ("user.reset_password", user.id),
        ("user.set_staff", user.id),
        ("user.set_active", user.id),
    ]
    assert events[2].details["is_active"] is False


def test_find_by_username_and_email_ignore_case(session):
    user = make_user(session, username="Dora_X", email="dora@example.com")
    assert users.find_by_username(session, username=" dora_x ").id == user.id
    assert users.find_by_email(session, email="DORA@example.com").id == user.id
    assert users.find_by_username(session, username="dora") is None


def test_unique_username_from_email(session):
    make_user(session, username="erin")
    assert users.unique_username_from_email(session, email="frank@example.com") == "frank"
    derived = users.unique_username_from_email(session, email="erin@example.com")
    assert derived != "erin" and derived.startswith("erin")
    assert users.unique_username_from_email(session, email="x@example.com") == "x_user"


# Resend set-password e-mail (issue 9, item 3)


def _outbox(session):
    return session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_staff_resend_the_set_password_email_naming_the_organization(session):
    staff = make_staff(session)
    org = make_org(session, title="Resend Co")
    member = make_membership(session, org).user_id
    users.resend_set_password_email(session, actor=staff, user_id=member)
    [message] = _outbox(session)
    assert mail.queued_in(session) == [message.id]
    assert message.recipient == session.get(User, member).email
    assert message.subject == "Set your MemberSync password (Resend Co)"
    [event] = session.exec(select(AuditEvent).where(
        AuditEvent.action == "user.resend_set_password")).all()
    assert (event.actor_id, event.organization_id, event.details["user_id"]) == (
        staff.id, org.id, member)


def test_staff_resend_to_an_account_without_organizations(session):
    staff = make_staff(session)
    loner = make_user(session)
    users.resend_set_password_email(session, actor=staff, user_id=loner.id)
    [message] = _outbox(session)
    assert message.subject == "Set your MemberSync password"
    assert "/set-password/" in message.body


def test_owner_may_resend_to_their_member_but_not_to_someone_elsewhere(session):
    owner = make_user(session, password=PASSWORD)
    org = make_org(session, owner=owner)
    member = make_membership(session, org).user_id
    stranger_membership = make_membership(session, make_org(session))
    stranger, elsewhere = stranger_membership.user_id, stranger_membership.organization_id
    users.resend_set_password_email(session, actor=owner, user_id=member, org_id=org.id)
    for org_id in (org.id, None):  # the stranger is not in it; no organization named
        with pytest.raises(ServiceError, match="Only staff, or the owner or a manager"):
            users.resend_set_password_email(session, actor=owner, user_id=stranger,
                                            org_id=org_id)
    with pytest.raises(ServiceError, match="Only the owner and managers of this organization"):
        users.resend_set_password_email(session, actor=owner, user_id=stranger,
                                        org_id=elsewhere)
    assert len(_outbox(session)) == 1


def test_resend_is_refused_once_a_password_is_set_or_for_a_blocked_member(session):
    staff = make_staff(session)
    owner = make_user(session, password=PASSWORD)
    org = make_org(session, owner=owner)
    with_password = make_membership(session, org, make_user(session, password=PASSWORD))
    blocked = make_membership(session, org, status=MembershipStatus.BLOCKED)
    with pytest.raises(ServiceError, match="has already set a password"):
        users.resend_set_password_email(session, actor=staff, user_id=with_password.user_id)
    # The owner acts through an active membership of the person, not a blocked one.
    with pytest.raises(ServiceError, match="Only staff, or the owner or a manager"):
        users.resend_set_password_email(session, actor=owner, user_id=blocked.user_id,
                                        org_id=org.id)
    assert _outbox(session) == []


def test_resend_to_a_deactivated_account_is_refused(session):
    staff = make_staff(session)
    gone = make_user(session, is_active=False)
    with pytest.raises(ServiceError, match="is deactivated"):
        users.resend_set_password_email(session, actor=staff, user_id=gone.id)
    assert _outbox(session) == []


# Staff edit a user's name and e-mail (issue 9)


def test_staff_update_a_users_name_and_email_checked_unique_and_audited(session, people):
    from membersync_app.models import LinkPurpose, PasswordSetToken
    from membersync_app.services.accounts import PASSWORD_LINK_LIFETIME, issue_link

    staff, user = people["staff"], people["other"]
    issue_link(session, user=user, purpose=LinkPurpose.SET_PASSWORD,
               lifetime=PASSWORD_LINK_LIFETIME)
    with pytest.raises(FieldErrors) as refused:
        users.update_user(session, actor=staff, user_id=user.id, full_name="  ",
                          email=people["user"].email.upper())
    assert set(refused.value.errors) == {"full_name", "email"}
    assert "already exists" in refused.value.errors["email"]
    with pytest.raises(ServiceError, match="Only staff may do that."):
        users.update_user(session, actor=user, user_id=user.id, full_name="Me",
                          email="me@example.com")
    users.update_user(session, actor=staff, user_id=user.id, full_name=" New  Name ",
                      email="New.Address@Example.com")
    assert (user.full_name, user.email) == ("New Name", "new.address@example.com")
    # The link mailed to the old address no longer works.
    assert all(link.used_at is not None for link in session.exec(
        select(PasswordSetToken).where(PasswordSetToken.user_id == user.id)))
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "user.update")).all()
    assert event.actor_id == staff.id
    assert event.details["changes"]["email"][1] == "new.address@example.com"
