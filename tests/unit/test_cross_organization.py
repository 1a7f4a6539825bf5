"""Rows of another organization: a caller entitled to organization A sends A's id with the ids
of B's memberships and invitations (a client can send any ids with any event). Every such call
is refused with a reason and changes nothing anywhere; A's lists never show B's rows."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from factories import make_invitation, make_membership, make_org, make_org_type, make_staff
from sqlmodel import Session, SQLModel, select

from membersync_app.models import Membership, Role, User
from membersync_app.services import invitations, members
from membersync_app.services.errors import ServiceError


@dataclass
class Orgs:
    a_id: int
    a_member: int  # membership ids
    a_invitation: int
    b_owner: int
    b_manager: int
    b_member: int
    b_invitation: int
    b_emails: set[str]


def build(session: Session, who: str) -> tuple[Orgs, User]:
    every_right = {"managers_add_members": True, "managers_invite": True,
                   "managers_remove_members": True, "managers_manage_seats": True,
                   "managers_edit_settings": True, "managers_view_reports": True}
    org_a = make_org(session, org_type=make_org_type(session, **every_right), title="A")
    org_b = make_org(session, org_type=make_org_type(session, **every_right), title="B")
    b_manager = make_membership(session, org_b, role=Role.MANAGER)
    b_member = make_membership(session, org_b, role=Role.MEMBER)
    b_invitation, _ = make_invitation(session, org_b)
    b_owner_membership = session.exec(select(Membership).where(
        Membership.organization_id == org_b.id, Membership.role == Role.OWNER)).one()
    orgs = Orgs(
        a_id=org_a.id,
        a_member=make_membership(session, org_a, role=Role.MEMBER).id,
        a_invitation=make_invitation(session, org_a)[0].id,
        b_owner=b_owner_membership.id, b_manager=b_manager.id, b_member=b_member.id,
        b_invitation=b_invitation.id,
        b_emails={session.get(User, m.user_id).email for m in (b_manager, b_member)}
        | {b_invitation.email},
    )
    if who == "owner-of-a":
        actor = session.get(User, org_a.owner_id)
    elif who == "manager-of-a":
        actor = session.get(User, make_membership(session, org_a, role=Role.MANAGER).user_id)
    else:
        actor = make_staff(session)
    return orgs, actor


Run = Callable[[Session, User, Orgs], Any]
CALLS: list[tuple[str, Run]] = [
    ("remove_b_member", lambda s, a, o: members.remove_members(
        s, actor=a, org_id=o.a_id, membership_ids=[o.b_member])),
    ("remove_b_owner", lambda s, a, o: members.remove_members(
        s, actor=a, org_id=o.a_id, membership_ids=[o.b_owner])),
    ("remove_a_and_b_member", lambda s, a, o: members.remove_members(
        s, actor=a, org_id=o.a_id, membership_ids=[o.a_member, o.b_member])),
    ("promote_b_member", lambda s, a, o: members.set_role(
        s, actor=a, org_id=o.a_id, membership_ids=[o.b_member], role="manager")),
    ("promote_a_and_b_member", lambda s, a, o: members.set_role(
        s, actor=a, org_id=o.a_id, membership_ids=[o.a_member, o.b_member], role="manager")),
    ("demote_b_manager", lambda s, a, o: members.set_role(
        s, actor=a, org_id=o.a_id, membership_ids=[o.b_manager], role="member")),
    ("make_b_manager_owner", lambda s, a, o: members.transfer_ownership(
        s, actor=a, org_id=o.a_id, membership_id=o.b_manager)),
    ("resend_b_invitation", lambda s, a, o: invitations.resend(
        s, actor=a, org_id=o.a_id, invitation_id=o.b_invitation)),
    ("revoke_b_invitation", lambda s, a, o: invitations.revoke(
        s, actor=a, org_id=o.a_id, invitation_ids=[o.b_invitation])),
    ("revoke_a_and_b_invitation", lambda s, a, o: invitations.revoke(
        s, actor=a, org_id=o.a_id, invitation_ids=[o.a_invitation, o.b_invitation])),
]
CALLERS = ("owner-of-a", "manager-of-a", "staff")


def snapshot(session: Session) -> dict[str, list[tuple]]:
    session.flush()
    return {table.name: sorted(map(tuple, session.execute(table.select()).all()), key=repr)
            for table in SQLModel.metadata.sorted_tables}


@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize(("name", "run"), CALLS, ids=[name for name, _ in CALLS])
def test_ids_of_another_organization_change_nothing(session, who, name, run):
    orgs, actor = build(session, who)
    before = snapshot(session)
    with pytest.raises(ServiceError) as refused:
        run(session, actor, orgs)
    assert refused.value.message.strip()
    assert snapshot(session) == before


@pytest.mark.parametrize("who", CALLERS)
def test_the_lists_of_a_never_show_rows_of_b(session, who):
    orgs, actor = build(session, who)
    shown = {row.email for row in members.list_members(
        session, actor=actor, org_id=orgs.a_id, page_size=100).rows}
    shown |= {row.email for row in invitations.list_open_invitations(
        session, actor=actor, org_id=orgs.a_id, page_size=100).rows}
    assert shown and not shown & orgs.b_emails
