"""Signing in and out: one message for every failure, hashed tokens, single-use grants swapped
for the session token, expiry, revocation, audit."""

import hashlib
from datetime import timedelta

import pytest
from factories import make_user
from sqlmodel import select

from membersync_app.models import AuditEvent, AuthSession, utcnow
from membersync_app.services import auth

PASSWORD = "correct-horse-1"
ADDRESS = "203.0.113.9"


def signed_in(session, login, password=PASSWORD):
    """Sign in as the browser does: check the password, then swap the grant at the route."""
    attempt = auth.sign_in(session, login=login, password=password, address=ADDRESS)
    assert attempt.error == "", attempt.error
    return auth.activate_session(session, grant=attempt.grant), attempt.user


@pytest.fixture
def user(session):
    return make_user(session, username="Alice_W", email="alice@example.com", password=PASSWORD)


def _sessions(session, user):
    return session.exec(select(AuthSession).where(AuthSession.user_id == user.id)).all()


def _actions(session, user):
    return [e.action for e in session.exec(
        select(AuditEvent).where(AuditEvent.actor_id == user.id).order_by(AuditEvent.id)
    )]


@pytest.mark.parametrize("login", ["Alice_W", "alice_w", "ALICE_W", "  alice_w  ",
                                   "alice@example.com", "ALICE@Example.COM"])
def test_sign_in_by_username_or_email_ignores_case(session, user, login):
    token, who = signed_in(session, login)
    assert who.id == user.id
    assert auth.user_for_token(session, token=token).id == user.id


@pytest.mark.parametrize(
    ("login", "password"),
    [
        ("Alice_W", "wrong-password"),
        ("Alice_W", PASSWORD.upper()),
        ("nobody", PASSWORD),
        ("nobody@example.com", PASSWORD),
        ("", PASSWORD),
        ("Alice_W", ""),
    ],
    ids=["wrong-password", "password-case", "unknown-user", "unknown-email", "no-login",
         "no-password"],
)
def test_every_failure_gets_the_same_message_and_opens_no_session(session, user, login, password):
    attempt = auth.sign_in(session, login=login, password=password, address=ADDRESS)
    assert (attempt.user, attempt.grant, attempt.error) == (None, "", auth.WRONG_CREDENTIALS)
    assert _sessions(session, user) == []


def test_deactivated_user_gets_the_same_message(session, user):
    user.is_active = False
    session.flush()
    attempt = auth.sign_in(session, login="Alice_W", password=PASSWORD, address=ADDRESS)
    assert (attempt.user, attempt.error) == (None, auth.WRONG_CREDENTIALS)


def test_account_without_a_password_cannot_sign_in(session):
    make_user(session, username="no_password_yet", password=None)
    for attempt in ("", "anything-at-all"):
        refused = auth.sign_in(session, login="no_password_yet", password=attempt,
                               address=ADDRESS)
        assert refused.error == auth.WRONG_CREDENTIALS


def test_only_the_token_hash_is_stored(session, user):
    token, _ = signed_in(session, "Alice_W")
    [stored] = _sessions(session, user)
    assert len(token) >= 40  # 32 random bytes, URL-safe
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {str(value) for value in stored.model_dump().values()}
    assert stored.expires_at - stored.activated_at == auth.SESSION_LIFETIME


def test_each_sign_in_gets_its_own_token(session, user):
    first, _ = signed_in(session, "Alice_W")
    second, _ = signed_in(session, "alice@example.com")
    assert first != second
    assert len(_sessions(session, user)) == 2


@pytest.mark.parametrize("token", [None, "", "not-a-real-token"])
def test_unknown_tokens_give_nobody(session, user, token):
    signed_in(session, "Alice_W")
    assert auth.user_for_token(session, token=token) is None


def test_expired_session_gives_nobody(session, user):
    token, _ = signed_in(session, "Alice_W")
    [stored] = _sessions(session, user)
    stored.expires_at = utcnow() + timedelta(minutes=1)
    session.flush()
    assert auth.user_for_token(session, token=token).id == user.id
    stored.expires_at = utcnow() - timedelta(seconds=1)
    session.flush()
    assert auth.user_for_token(session, token=token) is None


def test_sign_out_revokes_the_token_for_good(session, user):
    token, _ = signed_in(session, "Alice_W")
    other, _ = signed_in(session, "Alice_W")
    auth.sign_out(session, token=token)
    assert auth.user_for_token(session, token=token) is None
    assert auth.user_for_token(session, token=other).id == user.id  # only that browser signed out
    auth.sign_out(session, token=token)  # twice is harmless
    auth.sign_out(session, token=None)
    revoked = [s for s in _sessions(session, user) if s.revoked_at is not None]
    assert len(revoked) == 1


def test_deactivated_users_token_gives_nobody(session, user):
    token, _ = signed_in(session, "Alice_W")
    user.is_active = False
    session.flush()
    assert auth.user_for_token(session, token=token) is None


def test_revoke_all_sessions(session, user):
    tokens = [signed_in(session, "Alice_W")[0] for _ in range(3)]
    assert auth.revoke_all_sessions(session, user_id=user.id) == 3
    assert all(auth.user_for_token(session, token=token) is None for token in tokens)
    assert auth.revoke_all_sessions(session, user_id=user.id) == 0


def test_sign_in_and_out_are_audited(session, user):
    token, _ = signed_in(session, "Alice_W")
    auth.sign_in(session, login="Alice_W", password="wrong-password", address=ADDRESS)
    auth.sign_out(session, token=token)
    assert _actions(session, user) == ["auth.sign_in", "auth.sign_in_failed", "auth.sign_out"]


def test_sign_in_commits_and_is_seen_by_the_next_transaction(uow):
    with uow() as session:
        make_user(session, username="bob_b", password=PASSWORD)
    with uow() as session:
        token, _ = signed_in(session, "bob_b")
    with uow() as session:
        assert auth.user_for_token(session, token=token).username == "bob_b"


def test_a_grant_is_no_session_until_swapped_and_works_once(session, user):
    attempt = auth.sign_in(session, login="Alice_W", password=PASSWORD, address=ADDRESS)
    assert auth.user_for_token(session, token=attempt.grant) is None  # a grant signs nobody in
    token = auth.activate_session(session, grant=attempt.grant)
    assert auth.user_for_token(session, token=token).id == user.id
    assert token != attempt.grant
    assert auth.activate_session(session, grant=attempt.grant) is None  # single-use
    assert auth.user_for_token(session, token=attempt.grant) is None


@pytest.mark.parametrize("grant", ["", "made-up-grant"])
def test_unknown_grants_open_nothing(session, user, grant):
    assert auth.activate_session(session, grant=grant) is None


def test_a_grant_expires_after_a_minute(session, user):
    attempt = auth.sign_in(session, login="Alice_W", password=PASSWORD, address=ADDRESS)
    [pending] = _sessions(session, user)
    assert pending.expires_at - pending.created_at == auth.GRANT_LIFETIME
    pending.expires_at = utcnow() - timedelta(seconds=1)
    session.flush()
    assert auth.activate_session(session, grant=attempt.grant) is None


def test_session_id_for_token_names_the_open_session_only(session, user):
    token, _ = signed_in(session, "Alice_W")
    [stored] = _sessions(session, user)
    assert auth.session_id_for_token(session, token=token) == stored.id
    auth.sign_out(session, token=token)
    assert auth.session_id_for_token(session, token=token) is None
    assert auth.session_id_for_token(session, token="") is None


def test_failed_sign_ins_say_why_in_the_audit_log_only(session, user):
    user.is_active = False
    session.flush()
    attempt = auth.sign_in(session, login="alice_w", password=PASSWORD, address=ADDRESS)
    assert attempt.error == auth.WRONG_CREDENTIALS
    [event] = session.exec(select(AuditEvent).where(
        AuditEvent.action == "auth.sign_in_failed")).all()
    assert event.actor_id == user.id
    assert event.details == {"address": ADDRESS, "reason": "account deactivated"}


def test_what_was_typed_as_login_is_never_audited(session, user):
    auth.sign_in(session, login="correct-horse-1", password="x", address=ADDRESS)
    [event] = session.exec(select(AuditEvent).where(
        AuditEvent.action == "auth.sign_in_failed")).all()
    assert "correct-horse-1" not in str(event.details)
    assert event.details["reason"] == "unknown account"


def test_a_login_with_control_characters_is_just_a_wrong_login(session, user):
    attempt = auth.sign_in(session, login="alice_w\x00", password=PASSWORD, address=ADDRESS)
    assert (attempt.user, attempt.error) == (None, auth.WRONG_CREDENTIALS)


def test_signing_in_shows_the_account_under_its_own_name_from_then_on(session, user):
    from factories import make_membership, make_org

    membership = make_membership(session, make_org(session), user)
    membership.added_name = "Typed By The Owner"
    session.flush()
    signed_in(session, "Alice_W")
    session.refresh(membership)
    assert membership.added_name is None
