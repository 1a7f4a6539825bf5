"""The password rules (services/password_rules.py): each rule and its message, and every path
that sets a password applies them."""

import pytest
from factories import make_invitation, make_org, make_staff, make_user
from sqlmodel import select

from membersync_app import cli
from membersync_app.models import User
from membersync_app.services import accounts, demo, invitations, my_account, password_rules, users
from membersync_app.services.errors import FieldErrors, ServiceError
from membersync_app.services.password_rules import (
    HAS_EMAIL,
    HAS_USERNAME,
    MIN_PASSWORD_LENGTH,
    REQUIRED,
    TOO_COMMON,
    TOO_LONG,
    TOO_SHORT,
    check_password,
    password_problem,
)

GOOD = "plum-orbit-kettle-7"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", REQUIRED),
        (None, REQUIRED),
        (["a list"], REQUIRED),
        ("x" * (MIN_PASSWORD_LENGTH - 1), TOO_SHORT),
        ("x" * 257, TOO_LONG),
        ("qwertyuiop", TOO_COMMON),
        ("1234567890", TOO_COMMON),
        ("Password123", TOO_COMMON),  # case does not matter
        ("my-ann_w-secret", HAS_USERNAME),
        ("ANN_W-is-my-name", HAS_USERNAME),
        ("the-annie.w-box", HAS_EMAIL),
    ],
    ids=["empty", "none", "not-text", "short", "long", "common", "common-digits", "common-case",
         "username", "username-case", "email-local-part"],
)
def test_each_rule_says_which_rule_failed(password, message):
    assert password_problem(password, username="ann_w", email="annie.w@example.com") == message
    with pytest.raises(ServiceError) as refused:
        check_password(password, username="ann_w", email="annie.w@example.com", field="pw")
    assert (refused.value.message, refused.value.field) == (message, "pw")


def test_the_messages_name_the_rule():
    assert "10 characters" in TOO_SHORT
    assert "common" in TOO_COMMON
    assert "username" in HAS_USERNAME
    assert "e-mail" in HAS_EMAIL


def test_a_good_password_passes_and_short_names_are_ignored():
    assert check_password(GOOD, username="ann_w", email="ann@example.com") == GOOD
    # A two-letter name would refuse too much: "al" inside "plum-orbit" is no leak.
    assert password_problem("salty-pretzel-9", username="al", email="al@example.com") == ""


def test_the_common_list_comes_from_the_library():
    assert len(password_rules.common_passwords()) >= 30_000 - 100
    assert password_rules.is_common("password") and password_rules.is_common("DRAGON")


@pytest.mark.parametrize("account", demo.DEMO_ACCOUNTS, ids=lambda a: a.username)
def test_demo_passwords_pass_the_rules(account):
    assert password_problem(account.password, username=account.username,
                            email=account.email) == ""


def test_new_password_errors_compare_the_confirmation_only_when_the_password_passes():
    assert password_rules.new_password_errors("short", "other") == {"password": TOO_SHORT}
    assert password_rules.new_password_errors(GOOD, GOOD + "x") == {
        "confirm": password_rules.DIFFERENT}
    assert password_rules.new_password_errors(GOOD, GOOD) == {}


# ---------------------------------------------------------------- every path applies them


def test_staff_creating_a_user(session):
    staff = make_staff(session)
    with pytest.raises(FieldErrors) as refused:
        users.create_user_by_staff(session, actor=staff, username="kim_lee",
                                   email="kim@example.com",
                                   full_name="Kim", password="kim_lee-2024!")
    assert refused.value.errors == {"password": HAS_USERNAME}
    assert session.exec(select(User).where(User.username == "kim_lee")).first() is None


def test_staff_resetting_a_password(session):
    staff, user = make_staff(session), make_user(session, username="ola_n")
    with pytest.raises(ServiceError, match="common"):
        users.set_password(session, actor=staff, user_id=user.id, password="iloveyou12")
    assert user.password_hash == ""


def test_create_staff_command(app_database, capsys):
    code = cli.main(["create-staff", "--username", "root_admin", "--email", "ops@example.com",
                     "--password", "ops-and-more-1"])
    assert code == 1
    assert HAS_EMAIL in capsys.readouterr().err


def test_set_password_link(session):
    user = make_user(session, username="sam_set", email="sam.set@example.com")
    token = accounts.issue_password_link(session, user=user).rsplit("/", 1)[-1]
    with pytest.raises(FieldErrors) as refused:
        accounts.set_password_with_link(session, token=token, password="sam.set-secret",
                                        confirm="sam.set-secret")
    assert refused.value.errors == {"password": HAS_EMAIL}


def test_invitation_creating_an_account(session):
    org = make_org(session)
    _, token = make_invitation(session, org, email="newbie.one@example.com")
    with pytest.raises(FieldErrors) as refused:
        invitations.accept_with_new_account(session, token=token, full_name="New Bie",
                                            password="newbie.one!!", confirm="newbie.one!!")
    assert refused.value.errors == {"password": HAS_EMAIL}


def test_reset_link(session):
    user = make_user(session, username="rita_r", password=GOOD)
    token = _reset_token(session, user)
    with pytest.raises(FieldErrors) as refused:
        accounts.reset_password_with_link(session, token=token, password="abc",
                                          confirm="abc")
    assert refused.value.errors == {"password": TOO_SHORT}


def test_my_account(session):
    user = make_user(session, username="mo_acc", password=GOOD)
    outcome = my_account.change_password(session, actor=user, session_token="", current=GOOD,
                                         password="password123", confirm="password123")
    assert outcome.errors == {"password": TOO_COMMON}


def _reset_token(session, user):
    from membersync_app.models import LinkPurpose

    return accounts.issue_link(session, user=user, purpose=LinkPurpose.RESET_PASSWORD,
                               lifetime=accounts.RESET_LINK_LIFETIME)
