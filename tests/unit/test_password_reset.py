"""Forgot your password? (services/accounts.py): one neutral answer, a single-use, hashed,
one-hour link, every session ended, audited and throttled."""

import hashlib
import re
from datetime import timedelta

import pytest
from factories import make_user
from factories import sign_in as open_session
from sqlmodel import select

from membersync_app.models import (
    AuditAction,
    AuditEvent,
    LinkPurpose,
    OutboxMessage,
    PasswordSetToken,
    utcnow,
)
from membersync_app.services import accounts, auth, mail, throttle
from membersync_app.services.errors import FieldErrors, ServiceError
from membersync_app.services.passwords import verify_password

OLD = "old-garden-path-1"
NEW = "new-harbour-light-2"
ADDRESS = "203.0.113.40"


@pytest.fixture
def ann(session):
    return make_user(session, username="ann_r", email="ann.r@example.com", password=OLD,
                     full_name="Ann Reset")


def _messages(session, recipient=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return session.exec(query).all()


def _token_in(body: str) -> str:
    return re.search(r"/reset-password/(\S+)", body).group(1)


def _request(session, login, address=ADDRESS):
    """The ids of the e-mails this request queued (delivered after the commit)."""
    before = len(mail.queued_in(session))
    accounts.request_password_reset(session, login=login, address=address)
    return mail.queued_in(session)[before:]


def _actions(session, action):
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.mark.parametrize("login", ["ann_r", "ANN_R", " ann.r@example.com ", "Ann.R@Example.com"])
def test_a_request_mails_a_one_hour_link_whose_hash_alone_is_stored(session, ann, login):
    [message_id] = _request(session, login)
    [message] = _messages(session)
    assert (message.id, message.recipient) == (message_id, "ann.r@example.com")
    token = _token_in(message.body)
    assert len(token) >= 43  # 32 random bytes, URL-safe: 256 bits
    [row] = session.exec(select(PasswordSetToken)).all()
    assert row.purpose == LinkPurpose.RESET_PASSWORD
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {str(value) for value in row.model_dump().values()}
    assert row.expires_at - row.created_at == timedelta(hours=1)
    [event] = _actions(session, AuditAction.USER_REQUEST_PASSWORD_RESET)
    assert event.actor_id is None and event.details["user_id"] == ann.id


@pytest.mark.parametrize("login", ["nobody", "nobody@example.com", "ann_r\x00"])
def test_unknown_accounts_get_no_mail_and_no_link(session, ann, login):
    assert _request(session, login) == []
    assert _messages(session) == []
    assert session.exec(select(PasswordSetToken)).all() == []


def test_deactivated_accounts_get_no_mail(session, ann):
    ann.is_active = False
    session.flush()
    assert _request(session, "ann_r") == []
    assert _messages(session) == []


@pytest.mark.parametrize("login", ["", "   ", None, 5, ["ann_r"]])
def test_an_empty_request_asks_for_the_login(session, ann, login):
    with pytest.raises(ServiceError) as refused:
        _request(session, login)
    assert (refused.value.message, refused.value.field) == (accounts.LOGIN_REQUIRED, "login")


def test_requests_for_one_account_are_throttled_without_locking_its_sign_in(session, ann):
    sent = [_request(session, "ann_r", address=f"198.51.100.{i}") for i in range(7)]
    assert [len(ids) for ids in sent] == [1, 1, 1, 1, 1, 0, 0]  # locked after five
    assert len(_messages(session, "ann.r@example.com")) == 5
    assert throttle.locked_minutes(session, keys=[throttle.reset_key(ann)]) == 1
    # Asking for resets must not lock the owner out of signing in.
    assert auth.sign_in(session, login="ann_r", password=OLD, address=ADDRESS).user == ann
    [lock] = _actions(session, AuditAction.AUTH_LOCKED)
    assert lock.details["kind"] == "reset"


def test_requests_from_one_address_are_throttled(session, ann):
    for i in range(throttle.POLICIES[throttle.LINK].threshold):
        assert _request(session, f"nobody-{i}") == []
    assert _request(session, "ann_r") == []  # the address is locked: nothing is sent
    assert _messages(session) == []
    assert len(_request(session, "ann_r", address="192.0.2.1")) == 1


def test_the_link_sets_a_new_password_once_and_ends_every_session(session, ann):
    first_browser, _ = open_session(session, "ann_r", OLD)
    second_browser, _ = open_session(session, "ann_r", OLD)
    _request(session, "ann_r")
    token = _token_in(_messages(session)[-1].body)
    view = accounts.inspect_reset_link(session, token=token, address=ADDRESS)
    assert (view.valid, view.username) == (True, "ann_r")

    user = accounts.reset_password_with_link(session, token=token, password=NEW, confirm=NEW,
                                             address=ADDRESS)
    assert user.id == ann.id
    assert verify_password(ann.password_hash, NEW) and not verify_password(ann.password_hash, OLD)
    assert auth.user_for_token(session, token=first_browser) is None
    assert auth.user_for_token(session, token=second_browser) is None
    [event] = _actions(session, AuditAction.USER_RESET_PASSWORD_FROM_LINK)
    assert (event.actor_id, event.details["sessions_ended"]) == (ann.id, 2)

    again = accounts.inspect_reset_link(session, token=token)
    assert (again.valid, again.message) == (False, accounts.RESET_LINK_USED)
    with pytest.raises(ServiceError, match="no longer works"):
        accounts.reset_password_with_link(session, token=token, password="third-try-pass-3",
                                          confirm="third-try-pass-3")


def test_using_one_link_retires_the_others(session, ann):
    _request(session, "ann_r")
    _request(session, "ann_r")
    first, second = (_token_in(m.body) for m in _messages(session))
    accounts.reset_password_with_link(session, token=second, password=NEW, confirm=NEW)
    assert accounts.inspect_reset_link(session, token=first).message == accounts.RESET_LINK_USED


def test_the_link_expires_after_an_hour(session, ann):
    _request(session, "ann_r")
    token = _token_in(_messages(session)[-1].body)
    row = session.exec(select(PasswordSetToken)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.flush()
    view = accounts.inspect_reset_link(session, token=token)
    assert (view.valid, view.message) == (False, accounts.RESET_LINK_EXPIRED)
    with pytest.raises(ServiceError, match="expired"):
        accounts.reset_password_with_link(session, token=token, password=NEW, confirm=NEW)
    assert verify_password(ann.password_hash, OLD)


def test_a_refused_new_password_names_the_rule_and_keeps_the_link(session, ann):
    _request(session, "ann_r")
    token = _token_in(_messages(session)[-1].body)
    with pytest.raises(FieldErrors) as refused:
        accounts.reset_password_with_link(session, token=token, password="ann_r-forever",
                                          confirm="ann_r-forever")
    assert refused.value.errors == {"password": "Password must not contain your username."}
    with pytest.raises(FieldErrors) as differ:
        accounts.reset_password_with_link(session, token=token, password=NEW, confirm=OLD)
    assert differ.value.errors == {"confirm": "The two passwords differ."}
    assert accounts.inspect_reset_link(session, token=token).valid


def test_the_reset_lifts_the_sign_in_lock(session, ann):
    for _ in range(5):
        auth.sign_in(session, login="ann_r", password="wrong-guess", address=ADDRESS)
    assert auth.sign_in(session, login="ann_r", password=OLD, address=ADDRESS).user is None
    _request(session, "ann_r")
    accounts.reset_password_with_link(session, token=_token_in(_messages(session)[-1].body),
                                      password=NEW, confirm=NEW)
    assert auth.sign_in(session, login="ann_r", password=NEW, address="192.0.2.9").user == ann


def test_links_of_one_purpose_do_not_open_another(session, ann):
    set_token = accounts.issue_password_link(session, user=ann).rsplit("/", 1)[-1]
    email_token = accounts.issue_link(session, user=ann, purpose=LinkPurpose.CHANGE_EMAIL,
                                      lifetime=timedelta(days=1),
                                      new_email="elsewhere@example.com")
    for token in (set_token, email_token):
        assert accounts.inspect_reset_link(session, token=token).message == accounts.LINK_UNKNOWN
        with pytest.raises(ServiceError, match="not valid"):
            accounts.reset_password_with_link(session, token=token, password=NEW, confirm=NEW)
    reset_token = accounts.issue_link(session, user=ann, purpose=LinkPurpose.RESET_PASSWORD,
                                      lifetime=accounts.RESET_LINK_LIFETIME)
    ann.password_hash = ""  # even an account without a password cannot use it to set one
    session.flush()
    assert accounts.inspect_password_link(session,
                                          token=reset_token).message == accounts.LINK_UNKNOWN


def test_guessed_links_are_throttled_per_address(session, ann):
    _request(session, "ann_r", address="192.0.2.50")
    token = _token_in(_messages(session)[-1].body)
    for i in range(throttle.POLICIES[throttle.LINK].threshold):
        assert not accounts.inspect_reset_link(session, token=f"guess-{i}", address=ADDRESS).valid
    locked = accounts.inspect_reset_link(session, token=token, address=ADDRESS)
    assert (locked.valid, locked.message) == (False, throttle.too_many_attempts(1))
    with pytest.raises(ServiceError, match="Too many attempts"):
        accounts.reset_password_with_link(session, token=token, password=NEW, confirm=NEW,
                                          address=ADDRESS)
    assert accounts.inspect_reset_link(session, token=token, address="192.0.2.51").valid


@pytest.mark.parametrize("token", [None, "", 7, ["x"], "x" * 201, "a\x00b"])
def test_malformed_tokens_are_simply_unknown(session, ann, token):
    assert accounts.inspect_reset_link(session, token=token).message == accounts.LINK_UNKNOWN


def test_the_request_count_commits_with_nothing_sent(uow):
    """The state commits the unit whatever happens: the counts must survive it."""
    with uow() as session:
        make_user(session, username="cal_c", email="cal@example.com", password=OLD)
    for _ in range(6):
        with uow() as session:
            _request(session, "cal_c")
    with uow() as session:
        assert len(_messages(session, "cal@example.com")) == 5
