"""services/throttle.py: failed sign-ins and link guesses lock a key, with a capped back-off.

Time is controlled with `now=` or by writing rows with past timestamps: nothing sleeps.
"""

import secrets
from datetime import timedelta

import pytest
from factories import make_invitation, make_org, make_staff, make_user, sign_in
from sqlmodel import select

from membersync_app import cli
from membersync_app.models import AuditEvent, ThrottleCounter, User, utcnow
from membersync_app.services import accounts, invitations, members, throttle, users
from membersync_app.services import auth as auth_service
from membersync_app.services.errors import ServiceError
from membersync_app.services.invitations import LinkState

IP = "203.0.113.9"


def fail(session, keys, times, *, now, user=None):
    for _ in range(times):
        throttle.record_failure(session, keys=keys, user=user, now=now)


def row(session, key) -> ThrottleCounter | None:
    return session.exec(select(ThrottleCounter).where(ThrottleCounter.key == key)).first()


def events(session, action) -> list[AuditEvent]:
    return list(session.exec(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all())


def lock(session, user: User, *, minutes: int = 10) -> None:
    """Lock `user`'s account as if five wrong passwords had just been typed."""
    now = utcnow()
    session.add(ThrottleCounter(key=throttle.account_key(user.username), failures=5,
                                window_started_at=now, last_failure_at=now,
                                locked_until=now + timedelta(minutes=minutes)))
    session.flush()


# ---------------------------------------------------------------- the policy

def test_the_fifth_failure_locks_the_account_for_a_minute(session):
    ann = make_user(session, username="ann")
    key = throttle.account_key(" Ann ")
    now = utcnow()
    fail(session, [key], 4, now=now, user=ann)
    assert throttle.locked_minutes(session, keys=[key], now=now) is None
    assert events(session, "auth.locked") == []

    throttle.record_failure(session, keys=[key], user=ann, now=now)
    assert throttle.locked_minutes(session, keys=[key], now=now) == 1
    assert throttle.locked_minutes(session, keys=[key], now=now + timedelta(minutes=1)) is None
    [event] = events(session, "auth.locked")
    assert event.actor_id == ann.id
    assert event.details["kind"] == "account"
    assert event.details["minutes"] == 1
    assert event.details["failures"] == 5


def test_the_back_off_doubles_and_is_capped_at_fifteen_minutes(session):
    key = throttle.account_key("ann")
    now = utcnow()
    fail(session, [key], 4, now=now)
    locks = []
    for _ in range(7):  # failures 5 .. 11, each right when the previous lock ends
        throttle.record_failure(session, keys=[key], now=now)
        locks.append(throttle.locked_minutes(session, keys=[key], now=now))
        now = row(session, key).locked_until
    assert locks == [1, 2, 4, 8, 15, 15, 15]
    assert [e.details["minutes"] for e in events(session, "auth.locked")] == locks


def test_failures_while_locked_are_not_counted(session):
    key = throttle.account_key("ann")
    now = utcnow()
    fail(session, [key], 5, now=now)
    fail(session, [key], 10, now=now + timedelta(seconds=30))
    assert row(session, key).failures == 5
    assert throttle.locked_minutes(session, keys=[key], now=now) == 1
    assert len(events(session, "auth.locked")) == 1


def test_failures_older_than_the_window_are_forgotten(session):
    key = throttle.account_key("ann")
    start = utcnow() - timedelta(hours=1)
    fail(session, [key], 4, now=start)
    later = start + timedelta(minutes=15)
    throttle.record_failure(session, keys=[key], now=later)
    assert throttle.locked_minutes(session, keys=[key], now=later) is None
    assert row(session, key).failures == 1


def test_the_back_off_restarts_a_window_after_the_last_lock_ended(session):
    key = throttle.account_key("ann")
    now = utcnow() - timedelta(hours=2)
    fail(session, [key], 5, now=now)  # locked 1 minute
    lock_end = row(session, key).locked_until + timedelta(minutes=10)
    # Ten minutes after the lock ended the count goes on: the 6th failure locks for 2 minutes.
    throttle.record_failure(session, keys=[key], now=lock_end)
    assert throttle.locked_minutes(session, keys=[key], now=lock_end) == 2
    # A full window after the last lock ended, the slate is clean again.
    quiet = row(session, key).locked_until + timedelta(minutes=15)
    fail(session, [key], 4, now=quiet)
    assert throttle.locked_minutes(session, keys=[key], now=quiet) is None
    throttle.record_failure(session, keys=[key], now=quiet)
    assert throttle.locked_minutes(session, keys=[key], now=quiet) == 1


def test_an_address_takes_twenty_failures_to_lock(session):
    """One office behind one NAT address: many people mistyping do not lock each other out."""
    now = utcnow()
    address = throttle.address_key(IP)
    for n in range(19):
        throttle.record_failure(session, keys=[throttle.account_key(f"person{n}"), address],
                                now=now)
    assert throttle.locked_minutes(session, keys=[address], now=now) is None
    throttle.record_failure(session, keys=[throttle.account_key("person19"), address], now=now)
    assert throttle.locked_minutes(session, keys=[address], now=now) == 1
    # No account was locked, and the address lock does not touch another address.
    assert throttle.locked_minutes(
        session, keys=[throttle.account_key(f"person{n}") for n in range(20)], now=now) is None
    assert throttle.locked_minutes(session, keys=[throttle.address_key("192.0.2.1")],
                                   now=now) is None
    [event] = events(session, "auth.locked")
    assert event.details == {"kind": "address", "minutes": 1, "failures": 20, "address": IP}
    assert throttle.POLICIES["address"].threshold > throttle.POLICIES["account"].threshold


def test_locked_minutes_is_the_longest_lock_rounded_up(session):
    now = utcnow()
    session.add_all([
        ThrottleCounter(key="account:ann", failures=5, window_started_at=now,
                        last_failure_at=now, locked_until=now + timedelta(seconds=61)),
        ThrottleCounter(key="address:x", failures=20, window_started_at=now,
                        last_failure_at=now, locked_until=now + timedelta(seconds=5)),
    ])
    session.flush()
    assert throttle.locked_minutes(session, keys=["address:x"], now=now) == 1
    assert throttle.locked_minutes(session, keys=["account:ann", "address:x"], now=now) == 2
    assert throttle.locked_minutes(session, keys=[], now=now) is None
    assert throttle.locked_minutes(session, keys=["account:nobody"], now=now) is None


def test_the_message_says_whole_minutes():
    assert throttle.TOO_MANY_ATTEMPTS(1) == "Too many attempts: try again in 1 minute."
    assert throttle.TOO_MANY_ATTEMPTS(15) == "Too many attempts: try again in 15 minutes."
    assert throttle.TOO_MANY_ATTEMPTS(0) == "Too many attempts: try again in 1 minute."


def test_keys_ignore_case_and_spaces_and_stay_short():
    assert throttle.account_key("  Ann@Example.COM ") == "account:ann@example.com"
    assert throttle.address_key(IP) == f"address:{IP}"
    assert throttle.link_key(IP) == f"link:{IP}"
    assert throttle.link_key("") == "link:unknown"
    assert len(throttle.account_key("x" * 5000)) == throttle.MAX_KEY_LENGTH


def test_clear_forgets_a_key_and_only_that_key(session):
    now = utcnow()
    fail(session, [throttle.account_key("ann"), throttle.address_key(IP)], 5, now=now)
    throttle.clear(session, key=throttle.account_key("ann"))
    assert throttle.locked_minutes(session, keys=[throttle.account_key("ann")], now=now) is None
    assert row(session, throttle.address_key(IP)).failures == 5


def test_rows_nobody_failed_on_for_half_an_hour_are_pruned(session):
    old = utcnow() - timedelta(minutes=31)
    session.add(ThrottleCounter(key="account:old", failures=5, window_started_at=old,
                                last_failure_at=old, locked_until=old + timedelta(minutes=15)))
    session.flush()
    throttle.record_failure(session, keys=[throttle.account_key("ann")])
    assert row(session, "account:old") is None
    assert row(session, throttle.account_key("ann")).failures == 1


# ---------------------------------------------------------------- signing in while locked

def test_a_correct_password_is_not_even_checked_while_locked(session, monkeypatch):
    make_user(session, username="ann", password="right-pass-1")
    for _ in range(5):
        with pytest.raises(ServiceError):
            sign_in(session, "ann", "wrong-pass")
    assert throttle.locked_minutes(session, keys=[throttle.account_key("ann")]) == 1

    checked = []
    monkeypatch.setattr(auth_service, "verify_password", lambda *args: checked.append(args))
    with pytest.raises(ServiceError, match="Too many attempts: try again in 1 minute"):
        sign_in(session, "ann", "right-pass-1")
    assert checked == []


# ---------------------------------------------------------------- staff and operators

def test_staff_see_the_lock_and_unlock_the_account(session):
    staff = make_staff(session)
    ann = make_user(session, username="ann", email="ann@example.com")
    lock(session, ann)
    # A lock under the e-mail address counts too (people sign in with either).
    session.add(ThrottleCounter(key=throttle.account_key("ann@example.com"), failures=2,
                                window_started_at=utcnow(), last_failure_at=utcnow()))
    page = users.list_users(session, actor=staff, search="ann")
    assert [(r.username, r.is_locked) for r in page.rows] == [("ann", True)]

    result = throttle.unlock_account(session, actor=staff, user_id=ann.id)
    assert result.was_locked and result.user.id == ann.id
    assert session.exec(select(ThrottleCounter)).all() == []
    assert not users.list_users(session, actor=staff, search="ann").rows[0].is_locked
    [event] = events(session, "auth.unlocked")
    assert event.actor_id == staff.id
    assert event.details == {"user_id": ann.id, "username": "ann", "was_locked": True,
                             "via": "staff"}


def test_unlocking_an_account_that_is_not_locked_changes_nothing(session):
    staff = make_staff(session)
    ann = make_user(session)
    assert not throttle.unlock_account(session, actor=staff, user_id=ann.id).was_locked
    assert events(session, "auth.unlocked") == []


@pytest.mark.parametrize("who", ["member", "deactivated staff", "signed out"])
def test_only_active_staff_may_unlock(session, who):
    ann = make_user(session)
    lock(session, ann)
    actor = {"member": make_user(session),
             "deactivated staff": make_staff(session, is_active=False),
             "signed out": None}[who]
    before = [(r.key, r.failures, r.locked_until) for r in session.exec(select(ThrottleCounter))]
    audit_before = len(session.exec(select(AuditEvent)).all())
    with pytest.raises(ServiceError, match="staff|sign in"):
        throttle.unlock_account(session, actor=actor, user_id=ann.id)
    after = [(r.key, r.failures, r.locked_until) for r in session.exec(select(ThrottleCounter))]
    assert after == before
    assert len(session.exec(select(AuditEvent)).all()) == audit_before


def test_unlock_refuses_an_unknown_user(session):
    with pytest.raises(ServiceError, match="does not exist"):
        throttle.unlock_account(session, actor=make_staff(session), user_id=987654)
    with pytest.raises(ServiceError, match="does not exist"):
        throttle.unlock_account(session, actor=make_staff(session), user_id="1")


def test_the_command_line_unlocks_an_account(app_database, uow, capsys):
    with uow() as session:
        ann = make_user(session, username="ann")
        lock(session, ann)
    assert cli.main(["unlock-account", "Ann"]) == 0
    assert "Unlocked “ann”: they can sign in again." in capsys.readouterr().out
    with uow() as session:
        assert session.exec(select(ThrottleCounter)).all() == []
        [event] = events(session, "auth.unlocked")
        assert event.actor_id is None and event.details["via"] == "command line"

    assert cli.main(["unlock-account", "ann"]) == 0
    assert "“ann” was not locked" in capsys.readouterr().out


def test_the_command_line_names_an_unknown_account(app_database, capsys):
    assert cli.main(["unlock-account", "nobody"]) == 1
    assert "no account has the username or e-mail “nobody”" in capsys.readouterr().err


# ---------------------------------------------------------------- link tokens

def guess(session, times, *, address=IP):
    for _ in range(times):
        view = invitations.inspect(session, token=secrets.token_urlsafe(32), address=address)
        assert view.state == LinkState.UNKNOWN


def test_guessing_invitation_links_locks_the_address(session):
    org = make_org(session)
    _invitation, token = make_invitation(session, org)
    guess(session, 19)
    assert invitations.inspect(session, token=token, address=IP).state == LinkState.VALID
    guess(session, 1)

    # Locked: even the valid token is not looked up, on either kind of link.
    view = invitations.inspect(session, token=token, address=IP)
    assert (view.state, view.message) == (LinkState.LOCKED,
                                          "Too many attempts: try again in 1 minute.")
    assert view.email == "" and view.org_title == ""
    assert accounts.inspect_password_link(session, token="anything", address=IP).message == \
        "Too many attempts: try again in 1 minute."
    with pytest.raises(ServiceError, match="Too many attempts"):
        invitations.accept_with_new_account(session, token=token, full_name="New Person",
                                            password="pass-word-1", confirm="pass-word-1",
                                            address=IP)
    # Another address is not affected.
    assert invitations.inspect(session, token=token, address="192.0.2.1").state == LinkState.VALID
    [event] = events(session, "auth.locked")
    assert event.details == {"kind": "link", "minutes": 1, "failures": 20, "address": IP}


def test_guessing_set_password_links_locks_the_address(session):
    org = make_org(session)
    members.add_member(session, actor=session.get(User, org.owner_id), org_id=org.id,
                       name="New Person", email="new@example.com", role="member")
    for _ in range(20):
        assert not accounts.inspect_password_link(session, token=secrets.token_urlsafe(32),
                                                  address=IP).valid
    assert throttle.locked_minutes(session, keys=[throttle.link_key(IP)]) == 1
    with pytest.raises(ServiceError, match="Too many attempts"):
        accounts.set_password_with_link(session, token="whatever", password="pass-word-1",
                                        confirm="pass-word-1", address=IP)
    assert invitations.inspect(session, token="whatever", address=IP).state == LinkState.LOCKED


def test_known_links_do_not_count_and_expired_ones_keep_their_message(session):
    org = make_org(session)
    _invitation, token = make_invitation(session, org,
                                         expires_at=utcnow() - timedelta(days=1))
    for _ in range(25):
        view = invitations.inspect(session, token=token, address=IP)
    assert view.state == LinkState.EXPIRED
    assert view.message == invitations.LINK_MESSAGES[LinkState.EXPIRED]
    assert row(session, throttle.link_key(IP)) is None


def test_without_an_address_nothing_is_counted(session):
    for _ in range(25):
        invitations.inspect(session, token=secrets.token_urlsafe(32))
        accounts.inspect_password_link(session, token=secrets.token_urlsafe(32))
    assert session.exec(select(ThrottleCounter)).all() == []


def test_counts_are_shared_by_every_transaction(uow):
    """What one worker counted, another sees: the count lives in the database."""
    for _ in range(5):
        with uow() as session:
            throttle.record_failure(session, keys=[throttle.account_key("ann")])
    with uow() as session:
        assert throttle.locked_minutes(session, keys=[throttle.account_key("ann")]) == 1
