"""The `membersync` command line: create-staff, outbox, and how it reports problems."""

import io
import logging
import warnings
from datetime import timedelta

import pytest
from sqlalchemy.exc import SAWarning
from sqlmodel import select

from membersync_app import cli, db, routes
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


# ---------------------------------------------------------------- what ./scripts/run.sh prints


def test_migrate_prints_no_warning_about_the_lower_username_index(empty_database_url,
                                                                    monkeypatch, capsys):
    """SQLite cannot read back the expression index uq_users_username_lower; SQLAlchemy said so
    on every migration that copies a table referring to users, which an operator reads as an
    error. Other warnings still show."""
    monkeypatch.setenv("MEMBERSYNC_DATABASE_URL", empty_database_url)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert cli.main(["migrate"]) == 0
        warnings.warn("Skipped unsupported reflection of expression-based index other_index",
                      SAWarning, stacklevel=1)
    assert capsys.readouterr().out.startswith("Migrated database")
    assert [str(w.message) for w in caught] == [
        "Skipped unsupported reflection of expression-based index other_index"]


def test_the_app_registers_each_page_once_however_often_reflex_compiles():
    """`reflex run --env prod` compiles in its own process and again in every worker it forks;
    each compile adds the pages @rx.page recorded, which logged 23 "Page … is being redefined
    with the same component" warnings at start-up."""
    from reflex_base.registry import RegistrationContext

    from membersync_app.membersync_app import app

    reflex_app_logger = logging.getLogger("reflex.app")
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())
    reflex_app_logger.addHandler(handler)
    try:
        app._apply_decorated_pages()  # what each compile does first
        app._apply_decorated_pages()
    finally:
        reflex_app_logger.removeHandler(handler)
    assert not [message for message in seen if "redefined" in message]
    assert RegistrationContext.ensure_context().decorated_pages == []
    assert {routes.LOGIN.strip("/"), routes.DASHBOARD.strip("/"),
            routes.ORG_PAGE.strip("/")} <= set(app._unevaluated_pages)


def test_reflex_s_note_about_an_old_node_is_not_printed():
    from membersync_app import logs

    logs.configure_logging()
    runtime_logger = logging.getLogger(logs.REFLEX_JS_RUNTIMES_LOGGER)
    assert not runtime_logger.filter(logging.LogRecord(
        runtime_logger.name, logging.WARNING, __file__, 1,
        "Your version (20.20.2) of Node.js is out of date. Upgrade to 22.22.0 or higher.",
        None, None))
    assert runtime_logger.filter(logging.LogRecord(
        runtime_logger.name, logging.WARNING, __file__, 1, "Bun not found.", None, None))
