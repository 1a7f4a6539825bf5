"""services/accounts.py: the one-time "set your password" link of people added by e-mail."""

from datetime import timedelta

import pytest
from factories import make_invitation, make_org, make_staff, sign_in
from sqlmodel import select

from membersync_app.models import OutboxMessage, PasswordSetToken, User, utcnow
from membersync_app.services import accounts, invitations, mail, members, users
from membersync_app.services.errors import FieldErrors, ServiceError


def added_member_token(session) -> tuple[User, str]:
    org = make_org(session)
    result = members.add_member(session, actor=session.get(User, org.owner_id), org_id=org.id,
                                name="New Person", email="new@example.com", role="member")
    assert result.email_count == 1
    body = session.get(OutboxMessage, mail.queued_in(session)[0]).body
    return session.exec(select(User).where(User.email == "new@example.com")).one(), \
        body.split("/set-password/")[1].split()[0]


def test_link_sets_the_password_once(session):
    user, token = added_member_token(session)
    assert accounts.inspect_password_link(session, token=token).valid
    with pytest.raises(FieldErrors, match="at least"):
        accounts.set_password_with_link(session, token=token, password="short", confirm="short")
    with pytest.raises(FieldErrors, match="differ"):
        accounts.set_password_with_link(session, token=token, password="pass-word-1",
                                        confirm="pass-word-2")
    accounts.set_password_with_link(session, token=token, password="pass-word-1",
                                    confirm="pass-word-1")
    _, signed_in = sign_in(session, "NEW@example.com", "pass-word-1")
    assert signed_in.id == user.id
    view = accounts.inspect_password_link(session, token=token)
    assert not view.valid and "already used" in view.message
    with pytest.raises(ServiceError, match="already used"):
        accounts.set_password_with_link(session, token=token, password="pass-word-3",
                                        confirm="pass-word-3")


def test_expired_and_unknown_links(session):
    _, token = added_member_token(session)
    row = session.exec(select(PasswordSetToken)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.add(row)
    assert "expired" in accounts.inspect_password_link(session, token=token).message
    for bad in ("", "nope", None, 12):
        assert not accounts.inspect_password_link(session, token=bad).valid
    with pytest.raises(ServiceError, match="expired"):
        accounts.set_password_with_link(session, token=token, password="pass-word-1",
                                        confirm="pass-word-1")


def _second_link(session, user: User) -> str:
    """Another "set your password" link of the same account (added to a second organization)."""
    return accounts.issue_password_link(session, user=user).split("/set-password/")[1]


def _set_by_first_link(session, user, token):
    accounts.set_password_with_link(session, token=token, password="pass-word-1",
                                    confirm="pass-word-1")


def _set_by_invitation(session, user, _token):
    org = make_org(session)
    _, invitation_token = make_invitation(session, org, email=user.email)
    invitations.accept_with_new_account(session, token=invitation_token, full_name="New Person",
                                        password="pass-word-1", confirm="pass-word-1")


def _set_by_staff(session, user, _token):
    users.set_password(session, actor=make_staff(session), user_id=user.id, password="pass-word-1")


@pytest.mark.parametrize("set_password", [_set_by_first_link, _set_by_invitation, _set_by_staff],
                         ids=["first-link", "invitation", "staff-reset"])
def test_other_links_stop_working_once_the_account_has_a_password(session, set_password):
    """A leftover e-mail must not reset a password its owner already chose (and end their
    sessions): the links only ever set the first password."""
    user, token = added_member_token(session)
    other = _second_link(session, user)
    assert accounts.inspect_password_link(session, token=other).valid
    set_password(session, user, token)
    view = accounts.inspect_password_link(session, token=other)
    assert not view.valid and "already set" in view.message
    with pytest.raises(ServiceError, match="already set"):
        accounts.set_password_with_link(session, token=other, password="taken-over-1",
                                        confirm="taken-over-1")
    assert sign_in(session, user.email, "pass-word-1")[1].id == user.id
