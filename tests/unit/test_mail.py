"""services/mail.py: every message lands in the outbox; SMTP delivery to a real local server;
a failed send keeps the message and the change; a unit of work delivers its mail only after
its commit."""

import ast
import socket
from concurrent.futures import Future
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from factories import make_org
from sqlmodel import select

from membersync_app.models import DeliveryStatus, OutboxMessage, User
from membersync_app.services import invitations, mail, members
from membersync_app.settings import SmtpSettings


class Catcher:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, _server, _session, envelope):  # aiosmtpd hook
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    catcher = Catcher()
    controller = Controller(catcher, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield SmtpSettings(host="127.0.0.1", port=controller.port, user="", password="",
                       starttls=False, mail_from="app@example.test"), catcher
    controller.stop()


def invite_one(uow, email="guest@example.com"):
    with uow() as session:
        org = make_org(session)
        invitations.invite(session, actor=session.get(User, org.owner_id), org_id=org.id,
                           emails=email, role="member")
        return mail.queued_in(session)


def test_invitation_is_delivered_by_smtp_and_marked(uow, smtp):
    settings, catcher = smtp
    ids = invite_one(uow)
    report = mail.deliver(uow, ids, settings)
    assert report.delivered == ["guest@example.com"]
    (received,) = catcher.messages
    assert received["To"] == "guest@example.com" and received["From"] == "app@example.test"
    body = received.get_content()
    assert "/invite/" in body
    token = body.split("/invite/")[1].split()[0]
    with uow() as session:
        assert invitations.inspect(session, token=token).state == invitations.LinkState.VALID
        assert session.get(OutboxMessage, ids[0]).status == DeliveryStatus.DELIVERED


def test_without_smtp_the_outbox_is_the_delivery_and_the_log_holds_no_link(
    uow, caplog, monkeypatch
):
    monkeypatch.delenv("MEMBERSYNC_SMTP_HOST", raising=False)
    ids = invite_one(uow)
    with caplog.at_level("INFO", logger="membersync_app.services.mail"):
        report = mail.deliver(uow, ids)
    assert report.outbox_only == ["guest@example.com"]
    assert "guest@example.com" in caplog.text and "/invite/" not in caplog.text
    with uow() as session:
        message = session.get(OutboxMessage, ids[0])
        assert message.status == DeliveryStatus.OUTBOX_ONLY
        token = message.body.split("/invite/")[1].split()[0]  # the outbox keeps the link
        assert invitations.inspect(session, token=token).state == invitations.LinkState.VALID


def test_failed_smtp_keeps_the_change_and_says_so(uow):
    ids = invite_one(uow)
    dead = SmtpSettings(host="127.0.0.1", port=free_port(), user="", password="",
                        starttls=False, mail_from="app@example.test")
    report = mail.deliver(uow, ids, dead)
    assert report.failed == ["guest@example.com"]
    with uow() as session:
        failed = session.exec(select(OutboxMessage)).one()
        assert (failed.status, failed.attempts) == (DeliveryStatus.PENDING, 1)
        assert failed.last_error


def test_rolled_back_change_sends_nothing(uow):
    with pytest.raises(RuntimeError), uow() as session:
        org = make_org(session)
        invitations.invite(session, actor=session.get(User, org.owner_id), org_id=org.id,
                           emails="x@example.com", role="member")
        raise RuntimeError("boom")
    with uow() as session:
        assert session.exec(select(OutboxMessage)).all() == []


# ------------------------------------------------------------ delivered after the commit

@pytest.fixture
def configured_smtp(smtp, monkeypatch):
    """The local server as the app's configured one (what deliver_soon uses)."""
    settings, catcher = smtp
    monkeypatch.setenv("MEMBERSYNC_SMTP_HOST", settings.host)
    monkeypatch.setenv("MEMBERSYNC_SMTP_PORT", str(settings.port))
    return catcher


@pytest.fixture
def after_commit():
    """Switch after-commit delivery on for one test (as the app's lifespan does); switching it
    off at the end waits for the sends the pool was given, so the test asserts a settled
    outbox."""
    yield mail.deliver_after_commit
    mail.deliver_after_commit(mail.AfterCommit.OFF)


def test_a_committed_unit_of_work_delivers_its_mail_after_the_commit(
    uow, configured_smtp, after_commit
):
    after_commit(mail.AfterCommit.BACKGROUND)
    with uow() as session:
        org = make_org(session)
        invitations.invite(session, actor=session.get(User, org.owner_id), org_id=org.id,
                           emails="after.commit@example.com", role="member")
        [message_id] = mail.queued_in(session)
        assert configured_smtp.messages == []  # nothing leaves inside the transaction
    after_commit(mail.AfterCommit.OFF)  # waits for the pool
    assert [m["To"] for m in configured_smtp.messages] == ["after.commit@example.com"]
    with uow() as session:
        assert session.get(OutboxMessage, message_id).status == DeliveryStatus.DELIVERED


def test_a_rolled_back_unit_of_work_delivers_nothing(uow, configured_smtp, after_commit):
    after_commit(mail.AfterCommit.BACKGROUND)
    with pytest.raises(RuntimeError), uow() as session:
        org = make_org(session)
        invitations.invite(session, actor=session.get(User, org.owner_id), org_id=org.id,
                           emails="rolled.back@example.com", role="member")
        assert mail.queued_in(session)
        raise RuntimeError("refused after the mail was queued")
    after_commit(mail.AfterCommit.OFF)
    assert configured_smtp.messages == []
    with uow() as session:
        assert session.exec(select(OutboxMessage)).all() == []


def test_two_pool_hand_overs_of_one_message_send_it_once(uow, configured_smtp, after_commit):
    """The commit's own hand-over and another (a second worker's loop) race in the pool: the
    claim lets one of them send."""
    after_commit(mail.AfterCommit.BACKGROUND)
    ids = invite_one(uow, "pooled@example.com")
    assert isinstance(mail.deliver_soon(uow, ids), Future)
    after_commit(mail.AfterCommit.OFF)
    assert [m["To"] for m in configured_smtp.messages] == ["pooled@example.com"]


def test_inline_delivery_is_done_when_the_unit_of_work_ends(uow, configured_smtp,
                                                            after_commit):
    """The CLI's mode: a command's e-mails are out before it returns."""
    after_commit(mail.AfterCommit.INLINE)
    [message_id] = invite_one(uow, "inline@example.com")
    assert [m["To"] for m in configured_smtp.messages] == ["inline@example.com"]
    with uow() as session:
        assert session.get(OutboxMessage, message_id).status == DeliveryStatus.DELIVERED


def test_off_leaves_the_mail_pending_for_the_delivery_loop(uow, configured_smtp):
    """Unit tests, benches and scripts: no thread behind their back, a settled outbox."""
    [message_id] = invite_one(uow, "later@example.com")
    assert configured_smtp.messages == []
    with uow() as session:
        assert session.get(OutboxMessage, message_id).status == DeliveryStatus.PENDING


APP = Path(mail.__file__).resolve().parents[1]


@pytest.mark.parametrize("layer", ["state", "pages", "components"])
def test_no_state_or_page_module_delivers_mail(layer):
    """Handlers only change data: unit_of_work sends what the change queued."""
    offenders = []
    for path in sorted((APP / layer).glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.ImportFrom)
                     else [node.attr] if isinstance(node, ast.Attribute) else [])
            module = getattr(node, "module", None) or ""
            if any(name == "mail" or name.startswith("deliver") for name in names) \
                    or module.endswith("mail"):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


# ---------------------------------------------------------------- links do not rest in plain text

def add_new_person(uow, email="new.person@example.com"):
    """Add Member with an unknown address: the account's "set your password" e-mail."""
    with uow() as session:
        org = make_org(session)
        members.add_member(session, actor=session.get(User, org.owner_id), org_id=org.id,
                           name="New Person", email=email, role="member")
        return mail.queued_in(session)


@pytest.mark.parametrize(("send", "path"), [(invite_one, "/invite/"),
                                            (add_new_person, "/set-password/")],
                         ids=["invitation", "set-password"])
def test_a_delivered_message_keeps_no_working_link(uow, smtp, caplog, send, path):
    """SMTP took the message, so the recipient has the link: the outbox keeps the text without
    the token, and the log never had it."""
    settings, catcher = smtp
    ids = send(uow)
    with uow() as session:
        queued = session.get(OutboxMessage, ids[0]).body
    token = queued.split(path)[1].split()[0]
    with caplog.at_level("DEBUG", logger="membersync_app.services.mail"):
        report = mail.deliver(uow, ids, settings)
    assert len(report.delivered) == 1
    (received,) = catcher.messages
    assert f"{path}{token}" in received.get_content()  # the e-mail itself has the link
    with uow() as session:
        stored = session.get(OutboxMessage, ids[0])
        assert stored.status == DeliveryStatus.DELIVERED
        assert token not in stored.body
        assert f"{path}{mail.LINK_REMOVED}" in stored.body
        assert stored.body.startswith(queued.split(path)[0])  # the rest of the text stays
    assert token not in caplog.text and path not in caplog.text
    assert received["To"] in caplog.text


def test_a_failed_send_keeps_the_link_for_the_next_try(uow):
    ids = invite_one(uow)
    dead = SmtpSettings(host="127.0.0.1", port=free_port(), user="", password="",
                        starttls=False, mail_from="app@example.test")
    mail.deliver(uow, ids, dead)
    with uow() as session:
        assert "/invite/" + mail.LINK_REMOVED not in session.get(OutboxMessage, ids[0]).body


def test_every_token_page_is_redacted():
    body = ("Accept: http://x.test/invite/abc-DEF_123\n"
            "Set it: http://x.test/set-password/Zz9_-y.\nSee http://x.test/my/course/4\n"
            "Reset: http://x.test/reset-password/r1\nConfirm: http://x.test/confirm-email/c2\n")
    assert mail.redact_links(body) == (
        f"Accept: http://x.test/invite/{mail.LINK_REMOVED}\n"
        f"Set it: http://x.test/set-password/{mail.LINK_REMOVED}\n"
        "See http://x.test/my/course/4\n"
        f"Reset: http://x.test/reset-password/{mail.LINK_REMOVED}\n"
        f"Confirm: http://x.test/confirm-email/{mail.LINK_REMOVED}\n"
    )


# ------------------------------------------------------ never twice, resumed after a crash

def test_two_deliverers_never_send_one_message_twice(uow, smtp):
    settings, catcher = smtp
    ids = invite_one(uow)
    first = mail.deliver(uow, ids, settings)
    second = mail.deliver(uow, ids, settings)  # e.g. another worker's delivery loop
    assert (len(first.delivered), len(second.delivered)) == (1, 0)
    assert len(catcher.messages) == 1


def test_a_claim_is_taken_once(uow):
    ids = invite_one(uow)
    assert mail._claim(uow, ids[0], to_outbox_only=False) is not None
    assert mail._claim(uow, ids[0], to_outbox_only=False) is None
    with uow() as session:
        claimed = session.get(OutboxMessage, ids[0])
        assert (claimed.status, claimed.attempts) == (DeliveryStatus.SENDING, 1)


def test_deliver_pending_resumes_what_a_crash_left_and_never_resends_the_uncertain(uow, smtp):
    settings, catcher = smtp
    invite_one(uow, "waiting@example.com")  # committed, never sent (a crash)
    cut_off = invite_one(uow, "cut.off@example.com")  # claimed, then the worker died
    mail._claim(uow, cut_off[0], to_outbox_only=False)
    with uow() as session:
        stuck = session.get(OutboxMessage, cut_off[0])
        stuck.claimed_at = stuck.claimed_at - mail.UNCERTAIN_AFTER * 2
        session.add(stuck)
    run = mail.deliver_pending(uow, settings)
    assert run.report.delivered == ["waiting@example.com"]
    assert [m.recipient for m in run.uncertain] == ["cut.off@example.com"]
    assert [m["To"] for m in catcher.messages] == ["waiting@example.com"]
    again = mail.deliver_pending(uow, settings, resend_uncertain=True)
    assert again.report.delivered == ["cut.off@example.com"] and again.uncertain == []
    assert len(catcher.messages) == 2


def test_a_message_refused_every_time_ends_failed(uow):
    ids = invite_one(uow)
    dead = SmtpSettings(host="127.0.0.1", port=free_port(), user="", password="",
                        starttls=False, mail_from="app@example.test")
    for _ in range(mail.MAX_ATTEMPTS):
        mail.deliver_pending(uow, dead)
    with uow() as session:
        message = session.get(OutboxMessage, ids[0])
        assert (message.status, message.attempts) == (DeliveryStatus.FAILED, mail.MAX_ATTEMPTS)
    assert mail.deliver_pending(uow, dead).report.failed == []  # not tried again


def test_the_deliver_outbox_command(app_database, uow, smtp, monkeypatch, capsys):
    settings, catcher = smtp
    monkeypatch.setenv("MEMBERSYNC_SMTP_HOST", settings.host)
    monkeypatch.setenv("MEMBERSYNC_SMTP_PORT", str(settings.port))
    invite_one(uow, "late@example.com")
    from membersync_app import cli

    assert cli.main(["deliver-outbox"]) == 0
    assert "Delivered 1, failed 0." in capsys.readouterr().out
    assert [m["To"] for m in catcher.messages] == ["late@example.com"]
