"""The `membersync` command line: create-staff, outbox, and how it reports problems."""

import io
from datetime import timedelta

import pytest
from sqlmodel import select

from membersync_app import cli, db
from membersync_app.models import DeliveryStatus, OutboxMessage, User, utcnow
from membersync_app.services import auth


def test_create_staff_makes_a_staff_account_that_signs_in(app_database, uow, capsys):
    code = cli.main(["create-staff", "--username", "boss", "--email", "Boss@Example.com",
                     "--password", "chief-pass-1", "--full-name", "Bea Boss"])
    assert code == 0
    assert "boss" in capsys.readouterr().out
    with uow() as session:
        user = session.exec(select(User)).one()
        assert (user.username, user.email, user.full_name) == ("boss", "boss@example.com",
                                                               "Bea Boss")
        assert user.is_staff
        assert auth.sign_in(session, login="boss", password="chief-pass-1",
                            address="127.0.0.1").user.id == user.id


def test_create_staff_reports_every_bad_field_and_creates_nothing(app_database, uow, capsys):
    code = cli.main(["create-staff", "--username", "b", "--email", "nope", "--password", "short"])
    assert code == 1
    err = capsys.readouterr().err
    assert "username:" in err and "email:" in err and "password:" in err
    with uow() as session:
        assert session.exec(select(User)).all() == []


def test_create_staff_asks_for_the_password_when_not_given(app_database, uow, monkeypatch):
    answers = iter(["typed-pass-1", "typed-pass-1"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: next(answers))
    assert cli.main(["create-staff", "--username", "boss", "--email", "boss@example.com"]) == 0
    with uow() as session:
        assert auth.sign_in(session, login="boss", password="typed-pass-1",
                            address="127.0.0.1").user.username == "boss"


def test_create_staff_refuses_mismatched_passwords(app_database, uow, monkeypatch, capsys):
    answers = iter(["typed-pass-1", "typed-pass-2"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: next(answers))
    assert cli.main(["create-staff", "--username", "boss", "--email", "boss@example.com"]) == 1
    assert "do not match" in capsys.readouterr().err
    with uow() as session:
        assert session.exec(select(User)).all() == []


def test_outbox_lists_the_last_messages_oldest_first(app_database, uow, capsys):
    now = utcnow()
    with uow() as session:
        for number in range(1, 5):
            session.add(OutboxMessage(
                recipient=f"person{number}@example.com",
                subject=f"Message {number}",
                body=f"Hello {number}\nhttp://localhost:3000/invite/token{number}",
                status=(DeliveryStatus.DELIVERED if number == 4
                        else DeliveryStatus.OUTBOX_ONLY),
                created_at=now - timedelta(minutes=10 - number),
            ))

    assert cli.main(["outbox", "--last", "2"]) == 0
    out = capsys.readouterr().out
    assert "Message 1" not in out and "Message 2" not in out
    assert out.index("Message 3") < out.index("Message 4")
    assert "/invite/token3" in out
    assert "to person4@example.com" in out and "delivered by SMTP" in out
    assert "outbox only" in out


def test_outbox_says_when_it_is_empty(app_database, capsys):
    assert cli.main(["outbox"]) == 0
    assert "The outbox is empty." in capsys.readouterr().out


def test_an_unmigrated_database_gets_a_hint(empty_database_url, monkeypatch, capsys):
    monkeypatch.setenv("MEMBERSYNC_DATABASE_URL", empty_database_url)
    db.get_engine.cache_clear()
    try:
        assert cli.main(["outbox"]) == 1
    finally:
        db.get_engine().dispose()
        db.get_engine.cache_clear()
    assert "membersync migrate" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [[], ["demo-data", "--members", "lots"], ["outbox", "--last", "-1"]]
)
def test_bad_arguments_exit_with_usage(argv, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert exited.value.code == 2
    assert "usage: membersync" in capsys.readouterr().err


def test_progress_bar_on_a_pipe_writes_a_line_every_ten_percent():
    stream = io.StringIO()
    bar = cli.ProgressBar(stream)
    for done in range(1, 201):
        bar.update(done, 200)
    bar.finish("Saving ...")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 12  # 0%, 10% ... 100%, and the note
    assert lines[-2].endswith("100%  200/200 members")
    assert lines[-1] == "Saving ..."
