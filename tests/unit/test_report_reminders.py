"""services/report_reminders.py: an e-mail through the outbox with its audit event, at most one
reminder per member per course per day, and "N sent, M skipped"."""

import pytest
from sqlmodel import select
from test_reports import build

from membersync_app.models import AuditAction, AuditEvent, OutboxMessage, ReportReminder
from membersync_app.services import mail
from membersync_app.services.errors import ServiceError
from membersync_app.services.report_reminders import remind


def test_remind_sends_once_per_member_per_course_per_day(session):
    w = build(session)
    ids = w.ids
    result = remind(session, actor=w.owner, org_id=w.org.id,
                    membership_ids=[ids["nina"], ids["pia"], ids["bo"]], course_id=w.a.id)
    # Bo is blocked: skipped. Nina (not started) and Pia (in progress) get one e-mail each.
    assert (result.sent, result.skipped) == (2, 1)
    assert result.notice().startswith("2 reminders sent, 1 skipped")
    messages = session.exec(select(OutboxMessage).where(
        OutboxMessage.id.in_(mail.queued_in(session)))).all()
    assert len(messages) == 2
    assert all("A course" in m.body and "C course" not in m.body for m in messages)
    events = session.exec(select(AuditEvent).where(
        AuditEvent.action == AuditAction.REPORT_REMIND)).all()
    assert len(events) == 2 and {e.details["course_ids"][0] for e in events} == {w.a.id}

    again = remind(session, actor=w.owner, org_id=w.org.id, membership_ids=[ids["nina"]],
                   course_id=w.a.id)
    assert (again.sent, again.skipped) == (0, 1)
    # From the User Report: every unfinished course; A was already reminded today, C was not.
    whole = remind(session, actor=w.owner, org_id=w.org.id,
                   membership_ids=[ids["nina"], ids["owner"]])
    assert (whole.sent, whole.skipped) == (2, 0)
    (nina_mail, owner_mail) = session.exec(select(OutboxMessage).where(
        OutboxMessage.id.in_(mail.queued_in(session)[2:])).order_by(OutboxMessage.id)).all()
    assert "C course" in nina_mail.body and "A course" not in nina_mail.body
    assert "A course" not in owner_mail.body  # the owner finished A
    assert len(session.exec(select(ReportReminder)).all()) == 2 + 2


def test_remind_refuses_other_organizations_members_and_courses(session):
    w = build(session)
    with pytest.raises(ServiceError, match="not one this organization gives"):
        remind(session, actor=w.owner, org_id=w.org.id, membership_ids=[w.ids["nina"]],
               course_id=10_000)
    with pytest.raises(ServiceError, match="not in this organization"):
        remind(session, actor=w.owner, org_id=w.org.id, membership_ids=[999_999])
    with pytest.raises(ServiceError, match="Select at least one"):
        remind(session, actor=w.owner, org_id=w.org.id, membership_ids=[])
