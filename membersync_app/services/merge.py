"""Merging one organization into another (staff only): one plan, previewed, then applied in one
transaction (DESIGN.md §2, invariant 7).

`_plan` is the one function that decides what a merge does; the preview shows it and the merge
computes it again under both organizations' row locks (taken in id order, so two merges in
opposite directions cannot deadlock). When it differs from the preview's, the merge refuses with
the new preview (`PlanChanged`). The organization you are on stays; the other one moves into it
and is deleted. Statuses are kept; course progress belongs to the person, so it follows them.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, select

from ..models import (
    AuditAction,
    Invitation,
    Job,
    Membership,
    MembershipStatus,
    Organization,
    ReportReminder,
    Role,
    StaffBlock,
    User,
)
from . import audit
from .back_office import gone_message, remove_organization, take_seats
from .errors import ServiceError
from .permissions import is_expired, require_staff
from .seats import invitation_holds_seat, seats_used
from .validation import whole_number

SHOWN = 100  # names listed per section of the preview; the counts are always whole
RANK = {Role.MEMBER: 1, Role.MANAGER: 2, Role.OWNER: 3}


@dataclass(frozen=True)
class MergePerson:
    username: str
    name: str
    role: str  # the role they will have here
    status: str
    note: str  # "owner there: becomes a manager", "manager there, member here" ...


@dataclass(frozen=True)
class MergePreview:
    org_id: int
    org_title: str
    other_id: int
    other_title: str
    moving: list[MergePerson]
    moving_count: int
    in_both: list[MergePerson]
    in_both_count: int
    invitations: list[str]  # e-mails of the pending invitations that move
    invitations_count: int
    invitations_dropped: list[str]  # already pending (or a member) here: not duplicated
    jobs: list[str]
    jobs_count: int
    seats_used: int
    seats_after: int
    seat_count: int
    raise_to: int  # 0: the seats are enough
    expiry_note: str
    signature: str


class PlanChanged(ServiceError):
    """The organizations changed since the preview: nothing was merged; here is the new plan."""

    def __init__(self, preview: MergePreview) -> None:
        super().__init__("The plan changed since the preview (someone changed one of the "
                         "organizations). Check the new preview, then merge again.")
        self.preview = preview


@dataclass(frozen=True)
class _Plan:
    """Everything a merge does, by row id (what the signature covers)."""

    target: Organization
    source: Organization
    moving: list[tuple[Membership, User, Role]]  # A's membership, its user, its role in B
    in_both: list[tuple[Membership, Membership, User, Role, MembershipStatus]]  # A's, B's
    invitations: list[Invitation]
    dropped: list[Invitation]
    jobs: list[Job]
    used: int
    after: int

    def signature(self) -> str:
        parts = [
            ("orgs", self.target.id, self.target.seat_count, self.source.id),
            ("moving", [(m.id, m.user_id, r.value, m.status.value) for m, _, r in self.moving]),
            ("both", [(a.id, b.id, r.value, s.value) for a, b, _, r, s in self.in_both]),
            ("inv", [i.id for i in self.invitations], [i.id for i in self.dropped]),
            ("jobs", [j.id for j in self.jobs]),
            ("seats", self.used, self.after),
        ]
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _memberships(session: Session, org_id: int) -> list[tuple[Membership, User]]:
    return list(session.exec(
        select(Membership, User).join(User, User.id == Membership.user_id)
        .where(Membership.organization_id == org_id).order_by(Membership.id)).all())


def _plan(session: Session, target: Organization, source: Organization) -> _Plan:
    """The one function that decides what merging `source` into `target` does."""
    here = {user.id: membership for membership, user in _memberships(session, target.id)}
    moving, in_both = [], []
    for membership, user in _memberships(session, source.id):
        # The other organization's owner becomes a manager here.
        role = Role.MANAGER if membership.role == Role.OWNER else membership.role
        mine = here.get(user.id)
        if mine is None:
            moving.append((membership, user, role))
            continue
        best = mine.role if RANK[mine.role] >= RANK[role] else role
        # A block is staff's decision: it is not lifted by a merge.
        blocked = MembershipStatus.BLOCKED in (mine.status, membership.status)
        in_both.append((membership, mine, user, best,
                        MembershipStatus.BLOCKED if blocked else MembershipStatus.ACTIVE))
    pending = list(session.exec(
        select(Invitation).where(Invitation.organization_id == source.id, invitation_holds_seat())
        .order_by(Invitation.id)).all())
    taken = {i.email for i in session.exec(select(Invitation).where(
        Invitation.organization_id == target.id, invitation_holds_seat())).all()}
    member_emails = ({u.email for _, u, _ in moving} | {u.email for _, _, u, _, _ in in_both}
                     | set(session.exec(select(User.email).join(
                         Membership, Membership.user_id == User.id)
                         .where(Membership.organization_id == target.id)).all()))
    invitations = [i for i in pending if i.email not in taken and i.email not in member_emails]
    dropped = [i for i in pending if i not in invitations]
    jobs = list(session.exec(select(Job).where(Job.organization_id == source.id)
                             .order_by(Job.id)).all())
    used = seats_used(session, org_id=target.id)
    # Moving people all take a seat (nobody moving becomes the owner); people in both keep
    # theirs here; the moving invitations hold one each.
    after = used + len(moving) + len(invitations)
    return _Plan(target=target, source=source, moving=moving, in_both=in_both,
                 invitations=invitations, dropped=dropped, jobs=jobs, used=used, after=after)


def _preview(plan: _Plan) -> MergePreview:
    target, source = plan.target, plan.source

    def person(user: User, role: Role, status: MembershipStatus, note: str) -> MergePerson:
        return MergePerson(username=user.username, name=user.full_name or user.username,
                           role=role.value, status=status.value, note=note)

    moving = [person(u, r, m.status, "owner there: becomes a manager here"
                     if m.role == Role.OWNER else "") for m, u, r in plan.moving[:SHOWN]]
    in_both = [person(u, r, s, f"{a.role.value} there, {b.role.value} here")
               for a, b, u, r, s in plan.in_both[:SHOWN]]
    notes = []
    for org, which in ((target, "This organization"), (source, f"“{source.title}”")):
        if is_expired(org):
            notes.append(f"{which} has expired.")
    if notes:
        notes.append(f"Merging is allowed; “{target.title}” keeps its own expiry and type.")
    return MergePreview(
        org_id=target.id, org_title=target.title, other_id=source.id, other_title=source.title,
        moving=moving, moving_count=len(plan.moving), in_both=in_both,
        in_both_count=len(plan.in_both),
        invitations=[i.email for i in plan.invitations[:SHOWN]],
        invitations_count=len(plan.invitations),
        invitations_dropped=[i.email for i in plan.dropped[:SHOWN]],
        jobs=[f"{j.title} ({j.job_type})" for j in plan.jobs[:SHOWN]], jobs_count=len(plan.jobs),
        seats_used=plan.used, seats_after=plan.after, seat_count=target.seat_count,
        raise_to=plan.after if plan.after > target.seat_count else 0,
        expiry_note=" ".join(notes), signature=plan.signature(),
    )


def _both(session: Session, org_id: Any, other_id: Any, *, lock: bool
          ) -> tuple[Organization, Organization]:
    org_id = whole_number(org_id, allow_text=False)
    other_id = whole_number(other_id, allow_text=False)
    if org_id is None or other_id is None:
        raise ServiceError("Choose the organization to merge into this one.", "other")
    if org_id == other_id:
        raise ServiceError("An organization cannot be merged into itself.", "other")
    # Always the lower id first: two merges in opposite directions queue instead of deadlocking.
    locked = {}
    for oid in sorted((org_id, other_id)):
        query = select(Organization).where(Organization.id == oid)
        org = session.exec(query.with_for_update() if lock else query).first()
        if org is None:
            raise ServiceError(gone_message(session, org_id=oid),
                               "other" if oid == other_id else "")
        locked[oid] = org
    return locked[org_id], locked[other_id]


def preview_merge(
    session: Session, *, actor: User | None, org_id: Any, other_org_id: Any
) -> MergePreview:
    """What merging `other_org_id` into `org_id` would do (reads only)."""
    require_staff(actor)
    target, source = _both(session, org_id, other_org_id, lock=False)
    return _preview(_plan(session, target, source))


@dataclass(frozen=True)
class MergeResult:
    title: str
    other_title: str
    members: int
    in_both: int
    invitations: int
    jobs: int
    seat_count: int


def merge_organizations(
    session: Session, *, actor: User | None, org_id: Any, other_org_id: Any, signature: Any,
    raise_seats: Any = False,
) -> MergeResult:
    """Merge `other_org_id` into `org_id` as the preview with `signature` showed, or refuse."""
    actor = require_staff(actor)
    target, source = _both(session, org_id, other_org_id, lock=True)
    plan = _plan(session, target, source)
    if not isinstance(signature, str) or signature != plan.signature():
        raise PlanChanged(_preview(plan))
    raised = take_seats(session, org=target, needed=plan.after - plan.used, raise_seats=raise_seats)
    _move_people(session, plan)
    _move_invitations(session, plan)
    _move_jobs(session, plan)
    _move_blocks(session, plan)
    # Reminders already sent still count ("once a day"): they move too.
    session.execute(update(ReportReminder).where(ReportReminder.organization_id == source.id)
                    .values(organization_id=target.id))
    result = MergeResult(title=target.title, other_title=source.title, members=len(plan.moving),
                         in_both=len(plan.in_both), invitations=len(plan.invitations),
                         jobs=len(plan.jobs), seat_count=target.seat_count)
    source_id, source_title = source.id, source.title
    remove_organization(session, actor=actor, org=source, merged_into=target.id)
    audit.record(session, actor=actor, action=AuditAction.ORGANIZATION_MERGE,
                 organization_id=target.id,
                 merged_id=source_id, merged_title=source_title,
                 members_moved=[u.username for _, u, _ in plan.moving],
                 in_both=[u.username for _, _, u, _, _ in plan.in_both],
                 invitations_moved=[i.email for i in plan.invitations],
                 invitations_dropped=[i.email for i in plan.dropped],
                 jobs_moved=[j.id for j in plan.jobs], **raised)
    audit.record(session, actor=actor, action=AuditAction.ORGANIZATION_MERGE_AWAY,
                 organization_id=source_id,
                 title=source_title, merged_into_id=target.id, merged_into_title=target.title)
    return result


def _move_people(session: Session, plan: _Plan) -> None:
    for theirs, mine, _user, role, status in plan.in_both:
        mine.role, mine.status = role, status
        session.add(mine)
        session.delete(theirs)
    session.flush()  # the old owner's membership steps down before the moves below
    for membership, _user, role in plan.moving:
        membership.organization_id, membership.role = plan.target.id, role
        session.add(membership)
    session.flush()


def _move_invitations(session: Session, plan: _Plan) -> None:
    for invitation in plan.invitations:
        invitation.organization_id = plan.target.id
        session.add(invitation)
    session.flush()


def _move_jobs(session: Session, plan: _Plan) -> None:
    for job in plan.jobs:
        job.organization_id = plan.target.id
        session.add(job)
    session.flush()


def _move_blocks(session: Session, plan: _Plan) -> None:
    """A block kept after a removal there still keeps the person out here, unless they are a
    member here (their status here says what holds)."""
    for here in (select(Membership.user_id).where(Membership.organization_id == plan.target.id),
                 select(StaffBlock.user_id).where(StaffBlock.organization_id == plan.target.id)):
        session.execute(delete(StaffBlock).where(StaffBlock.organization_id == plan.source.id,
                                                 StaffBlock.user_id.in_(here)))
    for block in session.exec(select(StaffBlock)
                              .where(StaffBlock.organization_id == plan.source.id)).all():
        block.organization_id = plan.target.id
        session.add(block)
    session.flush()
