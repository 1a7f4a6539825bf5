"""Merging organization B into A: one plan for the preview and the merge, all or nothing."""

from datetime import timedelta

import pytest
from factories import make_invitation, make_membership, make_org, make_staff, make_user
from sqlmodel import select

from membersync_app.models import (
    AuditAction,
    AuditEvent,
    CourseProgress,
    DeletedOrganization,
    Invitation,
    Job,
    Membership,
    MembershipStatus,
    Organization,
    Role,
    StaffBlock,
    utcnow,
)
from membersync_app.services import back_office, merge
from membersync_app.services.errors import ServiceError
from membersync_app.services.seats import seats_used


def _world(session):
    """A (stays, 5 seats) and B (merged away) with one person in both, invitations and jobs."""
    staff = make_staff(session)
    a = make_org(session, title="Stays", seat_count=5)
    b = make_org(session, title="Leaves", seat_count=9)
    both = make_user(session, username="both")
    make_membership(session, a, both, role=Role.MEMBER)
    make_membership(session, b, both, role=Role.MANAGER)
    mover = make_user(session, username="mover")
    make_membership(session, b, mover, status=MembershipStatus.BLOCKED)
    make_membership(session, a, make_user(session, username="stayer"))
    make_invitation(session, b, email="moves@example.com")
    make_invitation(session, b, email="twice@example.com")
    make_invitation(session, a, email="twice@example.com")
    make_invitation(session, b, email="old@example.com", expires_at=utcnow() - timedelta(days=1))
    session.add(Job(job_type="Install", title="Boiler", organization_id=b.id))
    session.flush()
    return staff, a, b


def _state(session, *orgs):
    """Every row that belongs to the organizations, to compare before and after."""
    session.expire_all()
    rows = {}
    for model in (Organization, Membership, Invitation, Job, AuditEvent):
        column = model.id if model is Organization else model.organization_id
        rows[model.__name__] = sorted(
            repr(sorted(r.model_dump().items()))
            for r in session.exec(select(model).where(column.in_(list(orgs)))).all())
    return rows


def test_preview_lists_who_and_what_moves_and_the_seats_needed(session):
    staff, a, b = _world(session)
    preview = merge.preview_merge(session, actor=staff, org_id=a.id, other_org_id=b.id)
    assert [(p.username, p.role, p.status) for p in preview.moving] == [
        (session.get(type(staff), b.owner_id).username, "manager", "active"),
        ("mover", "member", "blocked")]
    assert preview.moving[0].note == "owner there: becomes a manager here"
    assert [(p.username, p.role, p.note) for p in preview.in_both] == [
        ("both", "manager", "manager there, member here")]
    assert preview.invitations == ["moves@example.com"]
    assert preview.invitations_dropped == ["twice@example.com"]
    assert preview.jobs == ["Boiler (Install)"]
    # 3 used (both, stayer, an invitation) + 2 moving people + 1 moving invitation.
    assert (preview.seats_used, preview.seats_after, preview.seat_count, preview.raise_to) == (
        3, 6, 5, 6)
    assert preview.expiry_note == ""


def test_merge_moves_everything_keeps_statuses_and_deletes_the_other(session):
    staff, a, b = _world(session)
    b_id, b_owner = b.id, b.owner_id
    progress = CourseProgress(user_id=b_owner, course_id=_course_id(session), lessons_completed=1)
    session.add(progress)
    preview = merge.preview_merge(session, actor=staff, org_id=a.id, other_org_id=b.id)
    with pytest.raises(ServiceError, match="Raise the seat count to 6"):
        merge.merge_organizations(session, actor=staff, org_id=a.id, other_org_id=b.id,
                                  signature=preview.signature)
    result = merge.merge_organizations(session, actor=staff, org_id=a.id, other_org_id=b.id,
                                       signature=preview.signature, raise_seats=True)
    assert (result.members, result.in_both, result.invitations, result.jobs) == (2, 1, 1, 1)
    session.expire_all()
    assert session.get(Organization, b_id) is None
    assert session.get(DeletedOrganization, b_id).merged_into_id == a.id
    roles = {m.user_id: (m.role, m.status) for m in session.exec(
        select(Membership).where(Membership.organization_id == a.id))}
    by_name = {session.get(type(staff), uid).username: value for uid, value in roles.items()}
    assert by_name["both"] == (Role.MANAGER, MembershipStatus.ACTIVE)
    assert by_name["mover"] == (Role.MEMBER, MembershipStatus.BLOCKED)
    assert roles[b_owner] == (Role.MANAGER, MembershipStatus.ACTIVE)
    assert session.get(Organization, a.id).seat_count == 6 == seats_used(session, org_id=a.id)
    emails = sorted(i.email for i in session.exec(
        select(Invitation).where(Invitation.organization_id == a.id)))
    assert emails == ["moves@example.com", "twice@example.com"]
    assert session.exec(select(Job)).one().organization_id == a.id
    assert session.get(CourseProgress, progress.id).user_id == b_owner  # it follows the person
    events = {e.action: e for e in session.exec(select(AuditEvent))}
    assert events[AuditAction.ORGANIZATION_MERGE].organization_id == a.id
    assert events[AuditAction.ORGANIZATION_MERGE].details["seat_count"] == [5, 6]
    assert events[AuditAction.ORGANIZATION_MERGE_AWAY].organization_id == b_id
    assert events[AuditAction.ORGANIZATION_MERGE].actor_id == staff.id


def _course_id(session):
    from factories import make_course
    return make_course(session).id


def test_a_changed_plan_is_refused_with_the_new_preview(session):
    staff, a, b = _world(session)
    preview = merge.preview_merge(session, actor=staff, org_id=a.id, other_org_id=b.id)
    make_membership(session, b)  # someone joined B since the preview
    before = _state(session, a.id, b.id)
    with pytest.raises(merge.PlanChanged) as changed:
        merge.merge_organizations(session, actor=staff, org_id=a.id, other_org_id=b.id,
                                  signature=preview.signature, raise_seats=True)
    assert "The plan changed since the preview" in changed.value.message
    assert changed.value.preview.moving_count == preview.moving_count + 1
    assert _state(session, a.id, b.id) == before


@pytest.mark.parametrize("step", ["_move_people", "_move_invitations", "_move_jobs",
                                  "_move_blocks", "remove_organization"])
def test_a_merge_that_fails_half_way_leaves_both_organizations_as_they_were(uow, monkeypatch,
                                                                           step):
    with uow() as session:
        staff, a, b = _world(session)
        ids = (a.id, b.id)
    with uow() as session:
        before = _state(session, *ids)
        preview = merge.preview_merge(session, actor=staff, org_id=ids[0], other_org_id=ids[1])
    original = getattr(merge, step)

    def fail(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(merge, step, fail)
    with pytest.raises(RuntimeError), uow() as session:
        merge.merge_organizations(session, actor=staff, org_id=ids[0], other_org_id=ids[1],
                                  signature=preview.signature, raise_seats=True)
    with uow() as session:
        assert _state(session, *ids) == before


def test_merging_into_itself_or_a_deleted_one_is_refused(session):
    staff, a, b = _world(session)
    with pytest.raises(ServiceError, match="cannot be merged into itself"):
        merge.preview_merge(session, actor=staff, org_id=a.id, other_org_id=a.id)
    b_id = b.id
    back_office.delete_organization(session, actor=staff, org_id=b_id, confirm_title="Leaves")
    with pytest.raises(ServiceError, match="“Leaves” was already deleted"):
        merge.merge_organizations(session, actor=staff, org_id=a.id, other_org_id=b_id,
                                  signature="x")


def test_deleting_an_organization_that_was_merged_away_says_where_it_went(session):
    staff, a, b = _world(session)
    b_id = b.id
    preview = merge.preview_merge(session, actor=staff, org_id=a.id, other_org_id=b_id)
    merge.merge_organizations(session, actor=staff, org_id=a.id, other_org_id=b_id,
                              signature=preview.signature, raise_seats=True)
    with pytest.raises(ServiceError, match="“Leaves” was merged into “Stays”"):
        back_office.delete_organization(session, actor=staff, org_id=b_id,
                                        confirm_title="Leaves")


def test_owners_in_both_and_expiry_in_the_preview(session):
    staff = make_staff(session)
    boss = make_user(session)
    a = make_org(session, owner=boss, seat_count=3)
    b = make_org(session, owner=boss, seat_count=3, expires_at=utcnow() - timedelta(days=2))
    preview = merge.preview_merge(session, actor=staff, org_id=a.id, other_org_id=b.id)
    assert [(p.username, p.role) for p in preview.in_both] == [(boss.username, "owner")]
    assert "has expired" in preview.expiry_note and "keeps its own expiry" in preview.expiry_note
    merge.merge_organizations(session, actor=staff, org_id=a.id, other_org_id=b.id,
                              signature=preview.signature)
    (owner,) = session.exec(select(Membership).where(Membership.organization_id == a.id)).all()
    assert (owner.user_id, owner.role) == (boss.id, Role.OWNER)
    assert a.expires_at is None


def test_a_block_kept_after_removal_moves_with_the_merge(session):
    staff = make_staff(session)
    a, b = make_org(session), make_org(session)
    person = make_user(session)
    session.add(StaffBlock(organization_id=b.id, user_id=person.id))
    session.flush()
    preview = merge.preview_merge(session, actor=staff, org_id=a.id, other_org_id=b.id)
    merge.merge_organizations(session, actor=staff, org_id=a.id, other_org_id=b.id,
                              signature=preview.signature, raise_seats=True)
    (block,) = session.exec(select(StaffBlock)).all()
    assert (block.organization_id, block.user_id) == (a.id, person.id)


def test_a_person_blocked_on_either_side_stays_blocked(session):
    staff = make_staff(session)
    a, b = make_org(session), make_org(session)
    person = make_user(session)
    make_membership(session, a, person)
    make_membership(session, b, person, role=Role.MANAGER, status=MembershipStatus.BLOCKED)
    preview = merge.preview_merge(session, actor=staff, org_id=a.id, other_org_id=b.id)
    merge.merge_organizations(session, actor=staff, org_id=a.id, other_org_id=b.id,
                              signature=preview.signature, raise_seats=True)
    membership = session.exec(select(Membership).where(Membership.user_id == person.id)).one()
    assert (membership.role, membership.status) == (Role.MANAGER, MembershipStatus.BLOCKED)


def test_find_merge_candidates_never_offers_itself(session):
    staff = make_staff(session)
    a = make_org(session, title="Same Name Co")
    make_org(session, title="Same Name Two")
    found = back_office.find_organizations(session, actor=staff, text="same name",
                                           exclude_id=a.id)
    assert [o.title for o in found] == ["Same Name Two"]


def test_reminders_already_sent_move_with_the_merge(session):
    from datetime import date

    from factories import make_course

    from membersync_app.models import ReportReminder

    staff, a, b = _world(session)
    reminder = ReportReminder(organization_id=b.id, user_id=b.owner_id,
                              course_id=make_course(session).id, day=date(2026, 11, 30))
    session.add(reminder)
    session.flush()
    preview = merge.preview_merge(session, actor=staff, org_id=a.id, other_org_id=b.id)
    merge.merge_organizations(session, actor=staff, org_id=a.id, other_org_id=b.id,
                              signature=preview.signature, raise_seats=True)
    session.expire_all()
    assert session.get(ReportReminder, reminder.id).organization_id == a.id
