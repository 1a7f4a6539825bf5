"""services/invitations.py: list_invitation_history — accepted, revoked and expired invitations,
with who did it and when, one page in SQL."""

from datetime import timedelta

import pytest
from factories import make_invitation, make_membership, make_org, make_user
from sqlmodel import select

from membersync_app.models import Invitation, Role, User, utcnow
from membersync_app.services import invitations
from membersync_app.services.display import moment_text
from membersync_app.services.errors import ServiceError
from membersync_app.services.invitations import InvitationStatus


def owner_of(session, org) -> User:
    return session.get(User, org.owner_id)


def test_history_shows_each_outcome_with_who_and_when_and_leaves_pending_out(session):
    org = make_org(session)
    owner = owner_of(session, org)
    manager_user = make_user(session, full_name="Mia Manager")
    make_membership(session, org, user=manager_user, role=Role.MANAGER)
    invitee = make_user(session, full_name="Ada Accepted", email="ada@example.com")
    accepted, token = make_invitation(session, org, email="ada@example.com")
    revoked, _ = make_invitation(session, org, email="rex@example.com", role=Role.MANAGER)
    expired, _ = make_invitation(session, org, email="eve@example.com",
                                 expires_at=utcnow() - timedelta(days=1))
    make_invitation(session, org, email="pending@example.com")
    for sent_earlier in (accepted, revoked):  # so "when" cannot be the sending time
        sent_earlier.created_at = utcnow() - timedelta(days=3)
        session.add(sent_earlier)
    session.flush()

    invitations.accept(session, actor=invitee, token=token)
    invitations.revoke(session, actor=manager_user, org_id=org.id, invitation_ids=[revoked.id])
    page = invitations.list_invitation_history(session, actor=owner, org_id=org.id)

    by_email = {row.email: row for row in page.rows}
    assert set(by_email) == {"ada@example.com", "rex@example.com", "eve@example.com"}
    assert page.total == 3
    ada, rex, eve = by_email["ada@example.com"], by_email["rex@example.com"], \
        by_email["eve@example.com"]
    assert (ada.outcome, ada.by, ada.when) == (
        InvitationStatus.ACCEPTED, "Ada Accepted",
        moment_text(session.get(Invitation, accepted.id).accepted_at))
    assert (rex.outcome, rex.by, rex.role) == (InvitationStatus.REVOKED, "Mia Manager",
                                               Role.MANAGER)
    assert rex.when == moment_text(session.get(Invitation, revoked.id).revoked_at)
    assert (eve.outcome, eve.by, eve.when) == (InvitationStatus.EXPIRED, "",
                                               moment_text(expired.expires_at))
    assert ada.invited == moment_text(accepted.created_at) != ada.when
    assert {row.invited_by for row in page.rows} == {owner.full_name or owner.username}
    # newest first: the acceptance and the revocation happened now, the expiry yesterday
    assert page.rows[-1].email == "eve@example.com"


def test_history_is_paged_and_searched_in_sql(session):
    org = make_org(session)
    now = utcnow()
    for day in range(7):
        make_invitation(session, org, email=f"gone{day}@example.com",
                        expires_at=now - timedelta(days=day + 1))
    owner = owner_of(session, org)
    first = invitations.list_invitation_history(session, actor=owner, org_id=org.id,
                                                page=1, page_size=3)
    last = invitations.list_invitation_history(session, actor=owner, org_id=org.id,
                                               page=99, page_size=3)
    assert (first.total, first.page_count) == (7, 3)
    assert [r.email for r in first.rows] == ["gone0@example.com", "gone1@example.com",
                                            "gone2@example.com"]
    assert (last.page, [r.email for r in last.rows]) == (3, ["gone6@example.com"])
    found = invitations.list_invitation_history(session, actor=owner, org_id=org.id,
                                                search="GONE4")
    assert [r.email for r in found.rows] == ["gone4@example.com"]


def test_history_rows_that_ran_out_together_reverse_with_the_sort(session):
    """Invitations that expired at the same moment keep one order from page to page, and
    turning the sort around turns them around too (oldest first shows the first sent first)."""
    org = make_org(session)
    gone = utcnow() - timedelta(days=1)
    sent = [make_invitation(session, org, email=f"tie{n}@example.com", expires_at=gone)[0]
            for n in range(3)]
    owner = owner_of(session, org)

    def emails(descending: bool, page: int) -> list[str]:
        return [r.email for r in invitations.list_invitation_history(
            session, actor=owner, org_id=org.id, descending=descending, page=page,
            page_size=2).rows]

    ids = sorted(i.id for i in sent)
    by_id = {i.id: i.email for i in sent}
    assert emails(True, 1) + emails(True, 2) == [by_id[i] for i in reversed(ids)]
    assert emails(False, 1) + emails(False, 2) == [by_id[i] for i in ids]


def test_history_ignores_an_older_event_about_a_reused_invitation_id(session):
    """Only an event about this very invitation names who did it: an older event that
    happens to carry the same id (a deleted organization's) does not."""
    org = make_org(session)
    owner = owner_of(session, org)
    invitation, _ = make_invitation(session, org, email="late@example.com")
    invitations.revoke(session, actor=owner, org_id=org.id, invitation_ids=[invitation.id])
    row = invitations.list_invitation_history(session, actor=owner, org_id=org.id).rows[0]
    assert row.by == (owner.full_name or owner.username)
    invitation.created_at = utcnow() + timedelta(minutes=5)  # the event is now older than it
    session.add(invitation)
    session.flush()
    assert invitations.list_invitation_history(
        session, actor=owner, org_id=org.id).rows[0].by == ""


def test_history_stays_inside_the_organization_and_refuses_outsiders(session):
    org, other = make_org(session), make_org(session)
    make_invitation(session, other, email="elsewhere@example.com",
                    revoked_at=utcnow())
    assert invitations.list_invitation_history(
        session, actor=owner_of(session, org), org_id=org.id).rows == []
    member = make_membership(session, org, role=Role.MEMBER)
    with pytest.raises(ServiceError):
        invitations.list_invitation_history(session, actor=session.get(User, member.user_id),
                                            org_id=org.id)
    with pytest.raises(ServiceError):
        invitations.list_invitation_history(session, actor=owner_of(session, other),
                                            org_id=org.id)


@pytest.mark.parametrize("bad", [{"page": {"a": 1}}, {"page_size": "x"}, {"search": ["x"]},
                                 {"descending": "yes"}])
def test_history_refuses_malformed_requests(session, bad):
    org = make_org(session)
    with pytest.raises(ServiceError):
        invitations.list_invitation_history(session, actor=owner_of(session, org),
                                            org_id=org.id, **bad)
    assert session.exec(select(Invitation)).all() == []
