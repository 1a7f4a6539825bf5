"""Signing in and out: one message for every failure, hashed tokens, expiry, revocation, audit."""

import hashlib
from datetime import timedelta

import pytest
from factories import make_user
from sqlmodel import select

from membersync_app.models import AuditEvent, AuthSession, utcnow
from membersync_app.services import auth
from membersync_app.services.errors import ServiceError

PASSWORD = "correct-horse-1"


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
    token, signed_in = auth.sign_in(session, login, PASSWORD)
    assert signed_in.id == user.id
    assert auth.user_for_token(session, token).id == user.id


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
    with pytest.raises(ServiceError) as refused:
        auth.sign_in(session, login, password)
    assert refused.value.message == auth.WRONG_CREDENTIALS
    assert refused.value.field == "password"
    assert _sessions(session, user) == []


def test_deactivated_user_gets_the_same_message(session, user):
    user.is_active = False
    session.flush()
    with pytest.raises(ServiceError) as refused:
        auth.sign_in(session, "Alice_W", PASSWORD)
    assert refused.value.message == auth.WRONG_CREDENTIALS


def test_account_without_a_password_cannot_sign_in(session):
    make_user(session, username="no_password_yet", password=None)
    for attempt in ("", "anything-at-all"):
        with pytest.raises(ServiceError, match="Wrong username"):
            auth.sign_in(session, "no_password_yet", attempt)


def test_only_the_token_hash_is_stored(session, user):
    token, _ = auth.sign_in(session, "Alice_W", PASSWORD)
    [stored] = _sessions(session, user)
    assert len(token) >= 40  # 32 random bytes, URL-safe
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {str(value) for value in stored.model_dump().values()}
    assert stored.expires_at - stored.created_at == auth.SESSION_LIFETIME


def test_each_sign_in_gets_its_own_token(session, user):
    first, _ = auth.sign_in(session, "Alice_W", PASSWORD)
    second, _ = auth.sign_in(session, "alice@example.com", PASSWORD)
    assert first != second
    assert len(_sessions(session, user)) == 2


@pytest.mark.parametrize("token", [None, "", "not-a-real-token"])
def test_unknown_tokens_give_nobody(session, user, token):
    auth.sign_in(session, "Alice_W", PASSWORD)
    assert auth.user_for_token(session, token) is None


def test_expired_session_gives_nobody(session, user):
    token, _ = auth.sign_in(session, "Alice_W", PASSWORD)
    [stored] = _sessions(session, user)
    stored.expires_at = utcnow() + timedelta(minutes=1)
    session.flush()
    assert auth.user_for_token(session, token).id == user.id
    stored.expires_at = utcnow() - timedelta(seconds=1)
    session.flush()
    assert auth.user_for_token(session, token) is None


def test_sign_out_revokes_the_token_for_good(session, user):
    token, _ = auth.sign_in(session, "Alice_W", PASSWORD)
    other, _ = auth.sign_in(session, "Alice_W", PASSWORD)
    auth.sign_out(session, token)
    assert auth.user_for_token(session, token) is None
    assert auth.user_for_token(session, other).id == user.id  # only that browser signed out
    auth.sign_out(session, token)  # twice is harmless
    auth.sign_out(session, None)
    revoked = [s for s in _sessions(session, user) if s.revoked_at is not None]
    assert len(revoked) == 1


def test_deactivated_users_token_gives_nobody(session, user):
    token, _ = auth.sign_in(session, "Alice_W", PASSWORD)
    user.is_active = False
    session.flush()
    assert auth.user_for_token(session, token) is None


def test_revoke_all_sessions(session, user):
    tokens = [auth.sign_in(session, "Alice_W", PASSWORD)[0] for _ in range(3)]
    assert auth.revoke_all_sessions(session, user.id) == 3
    assert all(auth.user_for_token(session, token) is None for token in tokens)
    assert auth.revoke_all_sessions(session, user.id) == 0


def test_sign_in_and_out_are_audited(session, user):
    token, _ = auth.sign_in(session, "Alice_W", PASSWORD)
    with pytest.raises(ServiceError):
        auth.sign_in(session, "Alice_W", "wrong-password")
    auth.sign_out(session, token)
    assert _actions(session, user) == ["auth.sign_in", "auth.sign_out"]


def test_sign_in_commits_and_is_seen_by_the_next_transaction(uow):
    with uow() as session:
        make_user(session, username="bob_b", password=PASSWORD)
    with uow() as session:
        token, _ = auth.sign_in(session, "bob_b", PASSWORD)
    with uow() as session:
        assert auth.user_for_token(session, token).username == "bob_b"
