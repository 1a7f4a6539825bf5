"""services/invitations.py: invite several, seats, duplicates, resend, revoke, expiry, accept."""

from datetime import timedelta

import pytest
from factories import make_invitation, make_membership, make_org, make_org_type, make_user
from sqlmodel import select

from membersync_app.models import Invitation, Membership, OutboxMessage, Role, User, utcnow
from membersync_app.services import invitations, mail
from membersync_app.services.errors import FieldErrors, ServiceError
from membersync_app.services.invitations import InvitationStatus, LinkState
from membersync_app.services.passwords import verify_password
from membersync_app.services.seats import seats_used


def owner_of(session, org) -> User:
    return session.get(User, org.owner_id)


def token_in(body: str) -> str:
    return body.split("/invite/")[1].split()[0]


def test_invite_several_addresses_takes_seats_and_queues_mail(session):
    org = make_org(session, seat_count=5, org_type=make_org_type(session, invitation_days=3))
    result = invitations.invite(session, actor=owner_of(session, org), org_id=org.id,
                                emails="a@example.com, B@example.com\nc@example.com",
                                role="member")
    assert [i.email for i in result.invitations] == ["a@example.com", "b@example.com",
                                                     "c@example.com"]
    assert seats_used(session, org_id=org.id) == 3
    invitation = result.invitations[0]
    assert timedelta(days=2, hours=23) < invitation.expires_at - utcnow() <= timedelta(days=3)
    message = session.get(OutboxMessage, mail.queued_in(session)[0])
    assert message.recipient == "a@example.com" and "/invite/" in message.body
    token = token_in(message.body)
    assert invitations.inspect(session, token=token).state == LinkState.VALID
    assert invitation.token_hash != token  # only the hash is stored


def test_invite_refuses_bad_duplicate_member_and_pending_addresses_together(session):
    org = make_org(session)
    member = make_membership(session, org)
    pending, _ = make_invitation(session, org)
    member_email = session.get(User, member.user_id).email
    with pytest.raises(ServiceError) as refused:
        invitations.invite(session, actor=owner_of(session, org), org_id=org.id,
                           emails=f"bad, x@example.com x@example.com {member_email} "
                                  f"{pending.email}", role="member")
    message = refused.value.message
    assert "“bad” is not a valid" in message and "x@example.com is listed twice" in message
    assert f"{member_email} is already a member" in message
    assert f"{pending.email} already has a pending invitation" in message
    assert refused.value.field == "emails"
    assert len(session.exec(select(Invitation)).all()) == 1


def test_invite_respects_the_seat_limit(session):
    org = make_org(session, seat_count=2)
    make_membership(session, org)
    with pytest.raises(ServiceError, match="Only 1 of 2 seats is free"):
        invitations.invite(session, actor=owner_of(session, org), org_id=org.id,
                           emails="a@example.com b@example.com", role="member")
    assert seats_used(session, org_id=org.id) == 1


def test_expired_invitation_frees_its_seat_and_can_be_reinvited(session):
    org = make_org(session, seat_count=1)
    old, _ = make_invitation(session, org, email="a@example.com",
                             expires_at=utcnow() - timedelta(seconds=1))
    assert seats_used(session, org_id=org.id) == 0
    page = invitations.list_open_invitations(session, actor=owner_of(session, org), org_id=org.id)
    assert [(r.id, r.status) for r in page.rows] == [(old.id, InvitationStatus.EXPIRED)]
    invitations.invite(session, actor=owner_of(session, org), org_id=org.id,
                       emails="a@example.com", role="member")
    assert seats_used(session, org_id=org.id) == 1


def test_resend_renews_token_and_expiry(session):
    org = make_org(session, seat_count=1)
    invitation, old_token = make_invitation(session, org, expires_at=utcnow() + timedelta(hours=1))
    invitations.resend(session, actor=owner_of(session, org), org_id=org.id,
                       invitation_id=invitation.id)
    (message_id,) = mail.queued_in(session)
    assert invitation.expires_at > utcnow() + timedelta(days=13)
    assert invitations.inspect(session, token=old_token).state == LinkState.UNKNOWN
    new_token = token_in(session.get(OutboxMessage, message_id).body)
    assert invitations.inspect(session, token=new_token).state == LinkState.VALID


def test_resend_of_expired_invitation_needs_a_free_seat(session):
    org = make_org(session, seat_count=1)
    expired, _ = make_invitation(session, org, expires_at=utcnow() - timedelta(days=1))
    make_membership(session, org)
    with pytest.raises(ServiceError, match="No seats left"):
        invitations.resend(session, actor=owner_of(session, org), org_id=org.id,
                           invitation_id=expired.id)


def test_revoke_frees_the_seat_and_kills_the_link(session):
    org = make_org(session, seat_count=1)
    invitation, token = make_invitation(session, org)
    assert seats_used(session, org_id=org.id) == 1
    assert invitations.revoke(session, actor=owner_of(session, org), org_id=org.id,
                              invitation_ids=[invitation.id]) == 1
    assert seats_used(session, org_id=org.id) == 0
    view = invitations.inspect(session, token=token)
    assert view.state == LinkState.REVOKED and "withdrawn" in view.message
    with pytest.raises(ServiceError, match="revoked; it cannot be resent"):
        invitations.resend(session, actor=owner_of(session, org), org_id=org.id,
                           invitation_id=invitation.id)


def test_another_orgs_invitation_cannot_be_revoked(session):
    org_a, org_b = make_org(session), make_org(session)
    manager = session.get(User, make_membership(session, org_a, role=Role.MANAGER).user_id)
    invitation_b, _ = make_invitation(session, org_b)
    with pytest.raises(ServiceError, match="does not exist"):
        invitations.revoke(session, actor=manager, org_id=org_a.id,
                           invitation_ids=[invitation_b.id])
    with pytest.raises(ServiceError):
        invitations.revoke(session, actor=manager, org_id=org_b.id,
                           invitation_ids=[invitation_b.id])
    assert invitation_b.revoked_at is None


def test_signed_in_user_accepts_once(session):
    org = make_org(session)
    user = make_user(session, email="joiner@example.com", password="pass-word-1")
    invitation, token = make_invitation(session, org, email=user.email, role=Role.MANAGER)
    membership = invitations.accept(session, actor=user, token=token)
    assert (membership.user_id, membership.role) == (user.id, Role.MANAGER)
    assert invitation.accepted_at is not None
    assert seats_used(session, org_id=org.id) == 1  # the invitation's seat became the membership's
    with pytest.raises(ServiceError, match="already accepted"):
        invitations.accept(session, actor=user, token=token)


def test_accept_with_another_account_is_refused(session):
    org = make_org(session)
    other = make_user(session, email="other@example.com")
    _, token = make_invitation(session, org, email="invited@example.com")
    with pytest.raises(ServiceError, match=r"signed in as other@example\.com"):
        invitations.accept(session, actor=other, token=token)
    assert session.exec(select(Membership).where(Membership.user_id == other.id)).first() is None


@pytest.mark.parametrize(
    ("kwargs", "state", "words"),
    [
        ({"expires_at": utcnow() - timedelta(minutes=1)}, LinkState.EXPIRED, "expired"),
        ({"revoked_at": utcnow()}, LinkState.REVOKED, "withdrawn"),
        ({"accepted_at": utcnow()}, LinkState.USED, "already accepted"),
    ],
)
def test_closed_links_are_refused(session, kwargs, state, words):
    org = make_org(session)
    user = make_user(session, email="joiner@example.com")
    _, token = make_invitation(session, org, email=user.email, **kwargs)
    assert invitations.inspect(session, token=token).state == state
    with pytest.raises(ServiceError, match=words):
        invitations.accept(session, actor=user, token=token)
    with pytest.raises(ServiceError, match=words):
        invitations.accept_with_new_account(session, token=token, full_name="J",
                                            password="pass-word-1", confirm="pass-word-1")


@pytest.mark.parametrize("token", ["", "nope", None, {"t": 1}, "x" * 5000])
def test_unknown_tokens(session, token):
    assert invitations.inspect(session, token=token).state == LinkState.UNKNOWN


def test_new_account_from_invitation(session):
    org = make_org(session)
    _, token = make_invitation(session, org, email="fresh@example.com")
    view = invitations.inspect(session, token=token)
    assert view.state == LinkState.VALID and not view.account_exists
    with pytest.raises(FieldErrors) as refused:
        invitations.accept_with_new_account(session, token=token, full_name="",
                                            password="short", confirm="short")
    assert set(refused.value.errors) == {"full_name", "password"}
    with pytest.raises(FieldErrors, match="differ"):
        invitations.accept_with_new_account(session, token=token, full_name="Fresh",
                                            password="pass-word-1", confirm="pass-word-2")
    user = invitations.accept_with_new_account(session, token=token, full_name="Fresh Person",
                                               password="pass-word-1", confirm="pass-word-1")
    assert user.email == "fresh@example.com" and verify_password(user.password_hash,
                                                                 "pass-word-1")
    assert session.exec(select(Membership).where(Membership.user_id == user.id)).one()


def test_existing_account_with_password_must_sign_in(session):
    org = make_org(session)
    make_user(session, email="known@example.com", password="pass-word-1")
    _, token = make_invitation(session, org, email="known@example.com")
    assert invitations.inspect(session, token=token).account_exists
    with pytest.raises(ServiceError, match="sign in to accept"):
        invitations.accept_with_new_account(session, token=token, full_name="K",
                                            password="pass-word-9", confirm="pass-word-9")


def test_invite_permission_follows_the_access_tab(session):
    org = make_org(session, org_type=make_org_type(session, managers_invite=False))
    manager = session.get(User, make_membership(session, org, role=Role.MANAGER).user_id)
    with pytest.raises(ServiceError, match="Managers of this organization may not"):
        invitations.invite(session, actor=manager, org_id=org.id, emails="a@example.com",
                           role="member")


@pytest.mark.parametrize("page", [2, 10**6, 2**31 - 1])
def test_an_invitations_page_past_the_end_shows_the_last_page(session, page):
    """A client may send any page number (the Invitations pager does not cap it); a huge one
    used to overflow the database's OFFSET instead of showing a page."""
    org = make_org(session)
    for _ in range(3):
        make_invitation(session, org)
    result = invitations.list_open_invitations(
        session, actor=session.get(User, org.owner_id), org_id=org.id, page=page, page_size=2)
    assert (result.page, result.total, len(result.rows)) == (2, 3, 1)


def test_a_deactivated_account_cannot_be_invited_and_takes_no_seat(session):
    org = make_org(session, seat_count=3)
    gone = make_user(session, is_active=False)
    with pytest.raises(ServiceError, match="deactivated") as refused:
        invitations.invite(session, actor=owner_of(session, org), org_id=org.id,
                           emails=f"fresh@example.com, {gone.email}", role="member")
    assert refused.value.field == "emails"
    assert seats_used(session, org_id=org.id) == 0
    assert session.exec(select(Invitation).where(Invitation.organization_id == org.id)).all() == []
