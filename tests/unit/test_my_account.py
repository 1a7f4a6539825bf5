"""My account (services/my_account.py): password (current one required), name, e-mail confirmed
by link with the old address told, sessions and "Sign out of other sessions"."""

import re
from datetime import timedelta

import pytest
from factories import make_user
from factories import sign_in as open_session
from sqlmodel import select

from membersync_app.models import (
    AuditAction,
    AuditEvent,
    AuthSession,
    LinkPurpose,
    OutboxMessage,
    PasswordSetToken,
    User,
    utcnow,
)
from membersync_app.services import accounts, auth, mail, my_account, throttle
from membersync_app.services.errors import ServiceError
from membersync_app.services.passwords import verify_password

OLD = "old-garden-path-1"
NEW = "new-harbour-light-2"
CHROME = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/140.0.0.0 Safari/537.36")


@pytest.fixture
def bea(session):
    return make_user(session, username="bea_m", email="bea@example.com", password=OLD,
                     full_name="Bea Mine")


@pytest.fixture
def browser(session, bea):
    token, _ = open_session(session, "bea_m", OLD)
    return token


def _actions(session, action):
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def _mail_to(session, recipient):
    return session.exec(select(OutboxMessage).where(OutboxMessage.recipient == recipient)
                        .order_by(OutboxMessage.id)).all()


def _confirm_token(message) -> str:
    return re.search(r"/confirm-email/(\S+)", message.body).group(1)


# ---------------------------------------------------------------- password


def test_change_password_keeps_this_session_and_ends_the_others(session, bea, browser):
    other, _ = open_session(session, "bea_m", OLD)
    outcome = my_account.change_password(session, actor=bea, session_token=browser,
                                         current=OLD, password=NEW, confirm=NEW)
    assert outcome.errors == {}
    assert verify_password(bea.password_hash, NEW)
    assert auth.user_for_token(session, token=browser) == bea
    assert auth.user_for_token(session, token=other) is None
    [event] = _actions(session, AuditAction.USER_CHANGE_PASSWORD)
    assert (event.actor_id, event.details["other_sessions_ended"]) == (bea.id, 1)


def test_change_password_retires_reset_links(session, bea, browser):
    token = accounts.issue_link(session, user=bea, purpose=LinkPurpose.RESET_PASSWORD,
                                lifetime=accounts.RESET_LINK_LIFETIME)
    my_account.change_password(session, actor=bea, session_token=browser, current=OLD,
                               password=NEW, confirm=NEW)
    assert accounts.inspect_reset_link(session, token=token).message == accounts.RESET_LINK_USED


@pytest.mark.parametrize(
    ("current", "password", "confirm", "errors"),
    [
        ("wrong-current-9", NEW, NEW, {"current": my_account.WRONG_CURRENT}),
        (OLD, "short", "short", {"password": "Password must be at least 10 characters."}),
        (OLD, "bea_m-garden-1", "bea_m-garden-1",
         {"password": "Password must not contain your username."}),
        (OLD, NEW, NEW + "!", {"confirm": "The two passwords differ."}),
        (None, None, None, {"current": my_account.WRONG_CURRENT,
                            "password": "Password is required."}),
    ],
    ids=["wrong-current", "short", "username", "differ", "not-text"],
)
def test_a_refused_password_change_changes_nothing(session, bea, browser, current, password,
                                                   confirm, errors):
    other, _ = open_session(session, "bea_m", OLD)
    outcome = my_account.change_password(session, actor=bea, session_token=browser,
                                         current=current, password=password, confirm=confirm)
    assert outcome.errors == errors
    assert verify_password(bea.password_hash, OLD)
    assert auth.user_for_token(session, token=other) == bea
    assert _actions(session, AuditAction.USER_CHANGE_PASSWORD) == []


def test_wrong_current_passwords_count_like_wrong_sign_ins(session, bea, browser):
    for _ in range(5):
        my_account.change_password(session, actor=bea, session_token=browser,
                                   current="guess-guess-1", password=NEW, confirm=NEW)
    locked = my_account.change_password(session, actor=bea, session_token=browser,
                                        current=OLD, password=NEW, confirm=NEW)
    assert locked.errors == {"current": throttle.too_many_attempts(1)}
    assert verify_password(bea.password_hash, OLD)
    assert auth.sign_in(session, login="bea_m", password=OLD, address="192.0.2.3").user is None


def test_signed_out_gets_nothing(session, bea):
    for call in (
        lambda: my_account.change_password(session, actor=None, session_token="", current=OLD,
                                           password=NEW, confirm=NEW),
        lambda: my_account.change_name(session, actor=None, full_name="X"),
        lambda: my_account.request_email_change(session, actor=None, new_email="x@example.com",
                                                current=OLD),
        lambda: my_account.list_sessions(session, actor=None, session_token=""),
        lambda: my_account.sign_out_other_sessions(session, actor=None, session_token=""),
    ):
        with pytest.raises(ServiceError, match="sign in"):
            call()
    assert session.exec(select(AuditEvent)).all() == []


# ---------------------------------------------------------------- name


def test_change_name_is_checked_and_audited(session, bea):
    assert my_account.change_name(session, actor=bea, full_name="  Bea   Mine-Other ").full_name \
        == "Bea Mine-Other"
    [event] = _actions(session, AuditAction.USER_CHANGE_NAME)
    assert event.details == {"user_id": bea.id, "old_name": "Bea Mine",
                             "new_name": "Bea Mine-Other"}
    my_account.change_name(session, actor=bea, full_name="Bea Mine-Other")  # no change: no event
    assert len(_actions(session, AuditAction.USER_CHANGE_NAME)) == 1
    for bad in ("", "   ", "A\x00B", "x" * 201, None, 3):
        with pytest.raises(ServiceError) as refused:
            my_account.change_name(session, actor=bea, full_name=bad)
        assert refused.value.field == "full_name"
    assert bea.full_name == "Bea Mine-Other"


# ---------------------------------------------------------------- e-mail


def test_a_new_address_takes_effect_only_when_confirmed_and_the_old_one_is_told(session, bea):
    outcome = my_account.request_email_change(session, actor=bea, new_email=" Bea.New@Example.com",
                                              current=OLD)
    assert outcome.errors == {} and len(mail.queued_in(session)) == 1
    assert bea.email == "bea@example.com"
    assert my_account.pending_email(session, user=bea) == "bea.new@example.com"
    [request] = _mail_to(session, "bea.new@example.com")
    token = _confirm_token(request)
    row = session.exec(select(PasswordSetToken)).one()
    assert row.purpose == LinkPurpose.CHANGE_EMAIL and token not in row.token_hash
    assert row.expires_at - row.created_at == my_account.EMAIL_LINK_LIFETIME
    assert _actions(session, AuditAction.USER_REQUEST_EMAIL_CHANGE)[0].details["new_email"] \
        == "bea.new@example.com"

    view = my_account.inspect_email_link(session, token=token)
    assert (view.valid, view.new_email) == (True, "bea.new@example.com")
    changed = my_account.confirm_email_change(session, token=token)
    assert (changed.user.email, changed.old_email) == ("bea.new@example.com", "bea@example.com")
    [told] = _mail_to(session, "bea@example.com")
    assert told.id == mail.queued_in(session)[1]
    assert "bea.new@example.com" in told.body and "changed" in told.subject
    [event] = _actions(session, AuditAction.USER_CHANGE_EMAIL)
    assert event.details == {"user_id": bea.id, "old_email": "bea@example.com",
                             "new_email": "bea.new@example.com"}
    assert my_account.pending_email(session, user=bea) == ""
    # Single use; and the new address signs in.
    with pytest.raises(ServiceError, match="no longer works"):
        my_account.confirm_email_change(session, token=token)
    assert auth.sign_in(session, login="bea.new@example.com", password=OLD,
                        address="192.0.2.4").user == bea


def test_an_address_in_use_is_refused_neutrally_when_asked_and_when_confirmed(session, bea):
    make_user(session, username="cy", email="taken@example.com")
    refused = my_account.request_email_change(session, actor=bea, new_email="TAKEN@example.com",
                                              current=OLD)
    assert refused.errors == {"new_email": my_account.EMAIL_UNAVAILABLE}
    assert "account" not in my_account.EMAIL_UNAVAILABLE  # says nothing of whose it is
    assert session.exec(select(PasswordSetToken)).all() == []

    my_account.request_email_change(session, actor=bea, new_email="free@example.com",
                                    current=OLD)
    token = _confirm_token(_mail_to(session, "free@example.com")[0])
    make_user(session, username="dee", email="free@example.com")  # taken meanwhile
    with pytest.raises(ServiceError) as late:
        my_account.confirm_email_change(session, token=token)
    assert late.value.message == my_account.EMAIL_UNAVAILABLE
    assert bea.email == "bea@example.com"


@pytest.mark.parametrize(
    ("new_email", "current", "errors"),
    [
        ("bea@example.com", OLD, {"new_email": my_account.SAME_EMAIL}),
        ("not an address", OLD, None),
        ("x@example.com", "wrong-current-9", {"current": my_account.WRONG_CURRENT}),
        # A wrong password learns nothing about the address.
        ("bea@example.com", "wrong-current-9", {"current": my_account.WRONG_CURRENT}),
    ],
    ids=["same", "invalid", "wrong-current", "wrong-current-hides-availability"],
)
def test_refused_email_requests_send_nothing(session, bea, new_email, current, errors):
    outcome = my_account.request_email_change(session, actor=bea, new_email=new_email,
                                              current=current)
    if errors is None:
        assert set(outcome.errors) == {"new_email"} and "not a valid" in outcome.errors["new_email"]
    else:
        assert outcome.errors == errors
    assert mail.queued_in(session) == []
    assert session.exec(select(OutboxMessage)).all() == []
    assert session.exec(select(PasswordSetToken)).all() == []


def test_a_newer_request_retires_the_older_link(session, bea):
    my_account.request_email_change(session, actor=bea, new_email="one@example.com",
                                    current=OLD)
    my_account.request_email_change(session, actor=bea, new_email="two@example.com",
                                    current=OLD)
    first = _confirm_token(_mail_to(session, "one@example.com")[0])
    assert not my_account.inspect_email_link(session, token=first).valid
    assert my_account.pending_email(session, user=bea) == "two@example.com"


def test_the_email_link_expires(session, bea):
    my_account.request_email_change(session, actor=bea, new_email="late@example.com",
                                    current=OLD)
    token = _confirm_token(_mail_to(session, "late@example.com")[0])
    row = session.exec(select(PasswordSetToken)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.flush()
    with pytest.raises(ServiceError, match="expired"):
        my_account.confirm_email_change(session, token=token)
    assert bea.email == "bea@example.com"


def test_email_links_cannot_reset_or_set_a_password(session, bea):
    my_account.request_email_change(session, actor=bea, new_email="new@example.com",
                                    current=OLD)
    token = _confirm_token(_mail_to(session, "new@example.com")[0])
    assert not accounts.inspect_reset_link(session, token=token).valid
    assert not accounts.inspect_password_link(session, token=token).valid
    reset = accounts.issue_link(session, user=bea, purpose=LinkPurpose.RESET_PASSWORD,
                                lifetime=accounts.RESET_LINK_LIFETIME)
    assert my_account.inspect_email_link(session, token=reset).message == accounts.LINK_UNKNOWN


# ---------------------------------------------------------------- sessions


def test_sessions_name_the_browser_and_mark_this_one(session, bea, browser):
    attempt = auth.sign_in(session, login="bea_m", password=OLD, address="192.0.2.5")
    auth.activate_session(session, grant=attempt.grant, user_agent=CHROME)
    pending = auth.sign_in(session, login="bea_m", password=OLD, address="192.0.2.5")
    assert pending.grant  # a grant never swapped is no session
    rows = my_account.list_sessions(session, actor=bea, session_token=browser)
    assert sorted((row.browser, row.current) for row in rows) == [
        ("Chrome on Linux", False), ("Unknown browser", True)]
    assert all(row.last_seen >= row.started for row in rows)  # YYYY-MM-DD HH:MM UTC
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", moment)
               for row in rows for moment in (row.started, row.last_seen))


def test_sign_out_of_other_sessions_keeps_this_one(session, bea, browser):
    others = [open_session(session, "bea_m", OLD)[0] for _ in range(2)]
    assert my_account.sign_out_other_sessions(session, actor=bea, session_token=browser) == 2
    assert auth.user_for_token(session, token=browser) == bea
    assert all(auth.user_for_token(session, token=token) is None for token in others)
    assert [row.current for row in my_account.list_sessions(session, actor=bea,
                                                            session_token=browser)] == [True]
    [event] = _actions(session, AuditAction.AUTH_SIGN_OUT_OTHERS)
    assert (event.actor_id, event.details["sessions_ended"]) == (bea.id, 2)


def test_sign_out_of_others_needs_this_session(session, bea):
    with pytest.raises(ServiceError, match="sign in"):
        my_account.sign_out_other_sessions(session, actor=bea, session_token="made-up")


@pytest.mark.parametrize(
    ("user_agent", "name"),
    [
        (CHROME, "Chrome on Linux"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
         "Firefox on Windows"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
         "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari on iPhone"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Version/18.1 Safari/605.1.15", "Safari on macOS"),
        ("curl/8.5.0", "Unknown browser"),
        ("", "Unknown browser"),
    ],
)
def test_describe_browser(user_agent, name):
    assert my_account.describe_browser(user_agent) == name


def test_the_user_agent_is_kept_clean_and_short(session, bea):
    attempt = auth.sign_in(session, login="bea_m", password=OLD, address="192.0.2.5")
    auth.activate_session(session, grant=attempt.grant, user_agent="Firefox/1\x00" + "x" * 400)
    row = session.exec(select(AuthSession).where(AuthSession.activated_at.is_not(None))).one()
    assert row.user_agent.startswith("Firefox/1x") and len(row.user_agent) == 300
    assert row.last_seen_at == row.activated_at


def test_last_seen_is_written_at_most_once_a_minute(session, bea, browser):
    row = auth.open_session_for_token(session, token=browser)
    start = row.last_seen_at
    assert not auth.seen_long_ago(row)
    assert auth.seen_long_ago(row, now=start + auth.SEEN_EVERY)
    auth.note_seen(session, session_id=row.id, now=start + timedelta(seconds=30))
    session.refresh(row)
    assert row.last_seen_at == start  # too soon: unchanged
    later = start + timedelta(minutes=2)
    auth.note_seen(session, session_id=row.id, now=later)
    session.refresh(row)
    assert row.last_seen_at == later


def test_the_event_guard_notes_the_session_as_seen(app_database, uow):
    from membersync_app.settings import SESSION_COOKIE
    from membersync_app.state.event_guard import current_session_id

    with uow() as session:
        make_user(session, username="gus_g", password=OLD)
        token, _ = open_session(session, "gus_g", OLD)
        row = auth.open_session_for_token(session, token=token)
        row.last_seen_at = utcnow() - timedelta(minutes=5)
        session_id, stale = row.id, row.last_seen_at
    assert current_session_id({"cookie": f"{SESSION_COOKIE}={token}"}) == session_id
    with uow() as session:
        seen = session.get(AuthSession, session_id).last_seen_at
    assert seen > stale + timedelta(minutes=4)
    assert current_session_id({"cookie": ""}) is None


def test_an_address_taken_at_the_same_moment_is_refused_by_the_database(uow, monkeypatch):
    with uow() as session:
        bea = make_user(session, username="bea_r", email="bea.r@example.com", password=OLD)
        my_account.request_email_change(session, actor=bea, new_email="race@example.com",
                                        current=OLD)
        token = _confirm_token(_mail_to(session, "race@example.com")[0])
        make_user(session, username="eve", email="race@example.com")
    monkeypatch.setattr(my_account, "_taken", lambda *_args: False)  # the check ran too early
    with pytest.raises(ServiceError) as refused, uow() as session:
        my_account.confirm_email_change(session, token=token)
    assert refused.value.message == my_account.EMAIL_UNAVAILABLE
    with uow() as session:
        assert session.get(User, bea.id).email == "bea.r@example.com"
        assert my_account.inspect_email_link(session, token=token).valid
