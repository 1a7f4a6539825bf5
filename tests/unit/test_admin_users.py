"""Users in the back office: list and search in SQL, owner search, create, staff-only changes."""

import pytest
from factories import make_membership, make_org, make_staff, make_user, sign_in
from sqlmodel import select

from membersync_app.models import AuditEvent, Membership, User
from membersync_app.services import auth, users
from membersync_app.services.errors import FieldErrors, ServiceError

PASSWORD = "correct-horse-1"


def test_list_searches_username_email_and_name_and_pages(session):
    staff = make_staff(session, username="staff_one")
    make_user(session, username="alice", full_name="Alice Smith")
    make_user(session, username="bob", email="bob@corp.example")
    for n in range(22):
        make_user(session, username=f"user{n:02d}")
    assert [r.username for r in users.list_users(session, actor=staff, search="smith").rows] == [
        "alice"]
    assert [r.username for r in users.list_users(session, actor=staff,
                                                 search="CORP").rows] == ["bob"]
    page = users.list_users(session, actor=staff, search="user", page=2, page_size=20)
    assert (page.total, [r.username for r in page.rows]) == (22, ["user20", "user21"])
    first = users.list_users(session, actor=staff, sort="is_staff", descending=True).rows[0]
    assert first.username == "staff_one"


def test_owner_search_returns_at_most_ten_active_users(session):
    staff = make_staff(session)
    for n in range(12):
        make_user(session, username=f"olive{n:02d}")
    make_user(session, username="olive_gone", is_active=False)
    found = users.search_users(session, actor=staff, text="OLIVE")
    assert len(found) == 10
    assert "olive_gone" not in [u.username for u in found]
    assert users.search_users(session, actor=staff, text="  ") == []
    with pytest.raises(ServiceError):
        users.search_users(session, actor=staff, text={"like": "%"})


def test_non_staff_cannot_list_search_or_create(session):
    user = make_user(session)
    for call in (
        lambda: users.list_users(session, actor=user),
        lambda: users.search_users(session, actor=user, text="a"),
        lambda: users.create_user_by_staff(session, actor=user, username="newbie",
                                           email="n@example.com", full_name="N", password=""),
        lambda: users.set_staff(session, actor=user, user_id=user.id, is_staff=True),
        lambda: users.set_active(session, actor=None, user_id=user.id, is_active=False),
        lambda: users.set_password(session, actor=user, user_id=user.id, password="another-pass-1"),
    ):
        with pytest.raises(ServiceError, match=r"Only staff|sign in"):
            call()
    assert session.get(User, user.id).is_staff is False
    assert session.exec(select(User).where(User.username == "newbie")).first() is None


def test_staff_creates_users_with_or_without_a_password(session):
    staff = make_staff(session)
    with_password = users.create_user_by_staff(session, actor=staff, username="ann",
                                               email="Ann@Example.com", full_name="Ann",
                                               password=PASSWORD, is_staff=True)
    assert (with_password.email, with_password.is_staff) == ("ann@example.com", True)
    without = users.create_user_by_staff(session, actor=staff, username="ben",
                                         email="ben@example.com",
                                         full_name="Ben", password="")
    assert without.password_hash == ""
    with pytest.raises(FieldErrors) as refused:
        users.create_user_by_staff(session, actor=staff, username="ann", email="ANN@example.com",
                                   full_name="", password="short")
    assert set(refused.value.errors) == {"username", "email", "full_name", "password"}
    with pytest.raises(FieldErrors):
        users.create_user_by_staff(session, actor=staff, username=["x"], email="x@example.com",
                                   full_name="X", password="", is_staff="yes")


def test_reset_password_ends_sessions_and_is_audited(session):
    staff = make_staff(session)
    user = make_user(session, password=PASSWORD)
    token, _ = sign_in(session, user.username, PASSWORD)
    users.set_password(session, actor=staff, user_id=user.id, password="brand-new-pass")
    assert auth.user_for_token(session, token=token) is None
    sign_in(session, user.username, "brand-new-pass")
    with pytest.raises(ServiceError):
        users.set_password(session, actor=staff, user_id=user.id, password={"x": 1})
    assert "user.reset_password" in [e.action for e in session.exec(select(AuditEvent))]


def test_deactivated_user_cannot_sign_in_but_keeps_memberships(session):
    staff = make_staff(session)
    user = make_user(session, password=PASSWORD)
    org = make_org(session)
    make_membership(session, org, user)
    users.set_active(session, actor=staff, user_id=user.id, is_active=False)
    with pytest.raises(ServiceError, match="Wrong username"):
        sign_in(session, user.username, PASSWORD)
    assert session.exec(select(Membership).where(Membership.user_id == user.id)).one()
    users.set_active(session, actor=staff, user_id=user.id, is_active=True)
    sign_in(session, user.username, PASSWORD)


@pytest.mark.parametrize("value", ["true", 1, None, {"a": 1}])
def test_staff_flags_take_only_booleans(session, value):
    staff = make_staff(session)
    user = make_user(session)
    with pytest.raises(ServiceError):
        users.set_staff(session, actor=staff, user_id=user.id, is_staff=value)
    with pytest.raises(ServiceError):
        users.set_active(session, actor=staff, user_id=user.id, is_active=value)
    with pytest.raises(ServiceError):
        users.set_staff(session, actor=staff, user_id={"id": user.id}, is_staff=True)
    assert (user.is_staff, user.is_active) == (False, True)


def test_staff_cannot_demote_or_deactivate_themselves(session):
    staff = make_staff(session)
    with pytest.raises(ServiceError):
        users.set_staff(session, actor=staff, user_id=staff.id, is_staff=False)
    with pytest.raises(ServiceError):
        users.set_active(session, actor=staff, user_id=staff.id, is_active=False)
    users.set_staff(session, actor=staff, user_id=make_user(session).id, is_staff=True)
