"""The authorization matrix, proven at the service layer (DESIGN.md §3 "Why the service layer").

A Reflex client can send any event with any arguments, so every service must decide on its own
who may do what. Here every service call that reads or changes something on behalf of an actor
runs for every kind of actor, on an active and on an expired organization:

- allowed  <=>  the rule says so: `permissions.decide` for organization actions, "staff only" for
  the back office, "signed in" for personal pages, "an active membership gives the course" for
  course progress;
- an allowed call succeeds, and a changing call really changes something and writes an audit
  event (so the arguments are valid and the refusals below are not vacuous);
- a refused call raises ServiceError with a message, and the database is exactly as before:
  every row of every table (not only the counts) is compared, without a rollback, so the
  service refused before it wrote anything.

One table of calls (CALLS), one table of actors (ACTORS), one parametrized test. Case ids read
like "manager-without-rights-add_seats-active-refused".
"""

import functools
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from factories import (
    make_course,
    make_invitation,
    make_license,
    make_membership,
    make_org,
    make_org_type,
    make_seat_type,
    make_user,
)
from sqlmodel import Session, SQLModel, select

import membersync_app.services as services_package
from membersync_app.models import (
    AuditEvent,
    Job,
    Membership,
    MembershipStatus,
    Organization,
    Role,
    ThrottleCounter,
    User,
    utcnow,
)
from membersync_app.services import (
    access,
    admin_organizations,
    audit_log,
    back_office,
    catalog,
    csv_import,
    directory,
    invitations,
    jobs,
    members,
    merge,
    my_account,
    org_settings,
    org_types,
    organizations,
    progress,
    report_reminders,
    report_seats,
    reports,
    throttle,
    users,
)
from membersync_app.services.errors import ServiceError
from membersync_app.services.permissions import MANAGER_FLAGS, Action, decide
from membersync_app.services.report_filters import ReportFilters

MANAGER_FLAG_NAMES = sorted({flag for flag in MANAGER_FLAGS.values() if flag})


# ---------------------------------------------------------------- the actors

@dataclass(frozen=True)
class ActorKind:
    """Who calls, described by hand (the oracle never asks the services who they are)."""

    name: str
    role: Role | None = None  # membership in organization A
    status: MembershipStatus = MembershipStatus.ACTIVE
    is_staff: bool = False
    is_active: bool = True
    signed_in: bool = True
    manager_flags: bool = True  # organization A's type lets managers do everything (or nothing)


ACTORS = [
    ActorKind("staff", is_staff=True),
    ActorKind("owner", Role.OWNER),
    ActorKind("manager-with-rights", Role.MANAGER),
    ActorKind("manager-without-rights", Role.MANAGER, manager_flags=False),
    ActorKind("member", Role.MEMBER),
    ActorKind("blocked-manager", Role.MANAGER, MembershipStatus.BLOCKED),
    ActorKind("blocked-member", Role.MEMBER, MembershipStatus.BLOCKED),
    ActorKind("outsider"),  # owns organization B, nothing in A
    # Everything a person can hold (staff, manager of A), but the account is deactivated.
    ActorKind("deactivated", Role.MANAGER, is_staff=True, is_active=False),
    ActorKind("signed-out", signed_in=False),
]
ORG_STATES = ("active", "expired")


# ---------------------------------------------------------------- the world

@dataclass
class World:
    """Organization A (the one acted on) with one row of each kind, and organization B."""

    org: Organization
    org_type_id: int
    seat_type_id: int
    other_org: Organization
    member: Membership  # a plain member of A (removed, promoted)
    manager: Membership  # an active manager of A (demoted, made owner)
    invitation_id: int  # a pending invitation of A
    course_id: int  # given by A's seat type
    spare_course_id: int  # staff catalog work on rows nothing uses
    spare_license_id: int
    spare_seat_type_id: int
    spare_org_type_id: int
    target_user: User  # staff user work (reset password, deactivate)
    spare_job_id: int = 0  # an unassigned direct job (back office)
    org_job_id: int = 0  # a direct job of A


def build_world(session: Session, kind: ActorKind, org_state: str) -> tuple[World, User | None]:
    course = make_course(session, lesson_count=3)
    seat_type = make_seat_type(session, courses=[course])
    flags = dict.fromkeys(MANAGER_FLAG_NAMES, kind.manager_flags)
    org_type = make_org_type(session, access_ends_at_expiry=True, **flags)
    now = utcnow()
    expires = now - timedelta(days=1) if org_state == "expired" else now + timedelta(days=30)
    owner = make_user(session)
    org = make_org(session, owner=owner, seat_count=50, org_type=org_type, seat_type=seat_type,
                   expires_at=expires, title="Org A")
    other_org = make_org(session, seat_count=50, title="Org B")
    world = World(
        org=org, org_type_id=org_type.id, seat_type_id=seat_type.id, other_org=other_org,
        member=make_membership(session, org, role=Role.MEMBER),
        manager=make_membership(session, org, role=Role.MANAGER),
        invitation_id=make_invitation(session, org, invited_by=owner)[0].id,
        course_id=course.id,
        spare_course_id=make_course(session).id,
        spare_license_id=make_license(session).id,
        spare_seat_type_id=make_seat_type(session).id,
        spare_org_type_id=make_org_type(session).id,
        target_user=make_user(session),
    )
    world.spare_job_id = _saved(session, Job(job_type="Install", title="Spare job")).id
    world.org_job_id = _saved(session, Job(job_type="Install", title="A's job",
                                           organization_id=org.id)).id
    # The target's account is locked out after failed sign-ins (staff unlock it).
    session.add(ThrottleCounter(key=throttle.account_key(world.target_user.username), failures=5,
                                window_started_at=now, last_failure_at=now,
                                locked_until=now + timedelta(minutes=5)))
    # B has people of its own, so "outsider" means: somebody else's owner.
    make_membership(session, other_org, role=Role.MANAGER)
    make_invitation(session, other_org)

    if not kind.signed_in:
        return world, None
    if kind.role == Role.OWNER:
        return world, owner
    if kind.name == "outsider":
        return world, session.get(User, other_org.owner_id)
    actor = make_user(session, is_staff=kind.is_staff, is_active=kind.is_active)
    if kind.role is not None:
        make_membership(session, org, actor, role=kind.role, status=kind.status)
    return world, actor


def _saved(session: Session, row):
    session.add(row)
    session.flush()
    return row


# ---------------------------------------------------------------- the rules (the oracle)

@dataclass(frozen=True)
class OrgRule:
    """Organization work: every listed action must be allowed by `permissions.decide`."""

    actions: tuple[Action, ...]

    def allows(self, kind: ActorKind, org_state: str) -> bool:
        if not (kind.signed_in and kind.is_active):
            return False
        org_type = _FlagView(kind.manager_flags)
        return all(
            decide(action=action, is_staff=kind.is_staff, role=kind.role,
                   status=kind.status if kind.role else None, org_type=org_type,
                   expired=org_state == "expired").allowed
            for action in self.actions
        )


class _FlagView:
    """Stands in for OrganizationType in `decide`: only the manager flags are read."""

    def __init__(self, on: bool) -> None:
        for flag in MANAGER_FLAG_NAMES:
            setattr(self, flag, on)


class StaffRule:
    def allows(self, kind: ActorKind, org_state: str) -> bool:
        return kind.signed_in and kind.is_active and kind.is_staff


class SignedInRule:
    def allows(self, kind: ActorKind, org_state: str) -> bool:
        return kind.signed_in and kind.is_active


class CourseRule:
    """A course is theirs through an active membership of A while A has not expired."""

    def allows(self, kind: ActorKind, org_state: str) -> bool:
        return (kind.signed_in and kind.is_active and kind.role is not None
                and kind.status == MembershipStatus.ACTIVE and org_state == "active")


def org(*actions: Action) -> OrgRule:
    return OrgRule(actions)


STAFF, SIGNED_IN, COURSE = StaffRule(), SignedInRule(), CourseRule()


@dataclass(frozen=True)
class StaffOrOrgRule:
    """Account work staff may always do, and the organization's people by `actions`."""

    actions: tuple[Action, ...]

    def allows(self, kind: ActorKind, org_state: str) -> bool:
        return STAFF.allows(kind, org_state) or OrgRule(self.actions).allows(kind, org_state)


# ---------------------------------------------------------------- the calls

@dataclass(frozen=True)
class Call:
    name: str
    rule: Any
    changes: bool  # an allowed call must change the database (and audit it)
    run: Callable[[Session, User | None, World], Any]


def _entry(email: str, role: str = "member") -> list[dict]:
    return [{"name": "New Person", "email": email, "role": role}]


def _csv(role: str) -> str:
    return f"name,email,role\nCsv Person,csv.person@example.com,{role}\n"


A = Action
CALLS = [
    # -- the Group Dashboard: organization A
    Call("overview", org(A.VIEW_ORG), False,
         lambda s, a, w: organizations.overview(s, actor=a, org_id=w.org.id)),
    Call("list_members", org(A.VIEW_ORG), False,
         lambda s, a, w: members.list_members(s, actor=a, org_id=w.org.id)),
    Call("export_members", org(A.VIEW_ORG), False,
         lambda s, a, w: list(members.export_members(s, actor=a, org_id=w.org.id))),
    Call("list_invitations", org(A.VIEW_ORG), False,
         lambda s, a, w: invitations.list_open_invitations(s, actor=a, org_id=w.org.id)),
    Call("list_invitation_history", org(A.VIEW_ORG), False,
         lambda s, a, w: invitations.list_invitation_history(s, actor=a, org_id=w.org.id)),
    Call("add_member", org(A.ADD_MEMBERS), True,
         lambda s, a, w: members.add_members(s, actor=a, org_id=w.org.id,
                                             entries=_entry("new.person@example.com"))),
    Call("add_one_member", org(A.ADD_MEMBERS), True,
         lambda s, a, w: members.add_member(s, actor=a, org_id=w.org.id, name="One Person",
                                            email="one.person@example.com", role="member")),
    Call("check_may_import", org(A.ADD_MEMBERS), False,
         lambda s, a, w: csv_import.check_may_import(s, actor=a, org_id=w.org.id)),
    Call("add_manager", org(A.ADD_MEMBERS, A.CHANGE_ROLES), True,
         lambda s, a, w: members.add_members(s, actor=a, org_id=w.org.id,
                                             entries=_entry("new.boss@example.com", "manager"))),
    Call("import_csv", org(A.ADD_MEMBERS), True,
         lambda s, a, w: csv_import.import_members(s, actor=a, org_id=w.org.id,
                                                   data=_csv("member"))),
    Call("import_csv_managers", org(A.ADD_MEMBERS, A.CHANGE_ROLES), True,
         lambda s, a, w: csv_import.import_members(s, actor=a, org_id=w.org.id,
                                                   data=_csv("manager"))),
    Call("invite", org(A.INVITE), True,
         lambda s, a, w: invitations.invite(s, actor=a, org_id=w.org.id,
                                            emails="invitee@example.com", role="member")),
    Call("invite_manager", org(A.INVITE, A.CHANGE_ROLES), True,
         lambda s, a, w: invitations.invite(s, actor=a, org_id=w.org.id,
                                            emails="boss@example.com", role="manager")),
    Call("resend_invitation", org(A.INVITE), True,
         lambda s, a, w: invitations.resend(s, actor=a, org_id=w.org.id,
                                            invitation_id=w.invitation_id)),
    Call("revoke_invitation", org(A.INVITE), True,
         lambda s, a, w: invitations.revoke(s, actor=a, org_id=w.org.id,
                                            invitation_ids=[w.invitation_id])),
    Call("remove_member", org(A.REMOVE_MEMBERS), True,
         lambda s, a, w: members.remove_members(s, actor=a, org_id=w.org.id,
                                                membership_ids=[w.member.id])),
    Call("promote_member", org(A.CHANGE_ROLES), True,
         lambda s, a, w: members.set_role(s, actor=a, org_id=w.org.id,
                                          membership_ids=[w.member.id], role="manager")),
    Call("demote_manager", org(A.CHANGE_ROLES), True,
         lambda s, a, w: members.set_role(s, actor=a, org_id=w.org.id,
                                          membership_ids=[w.manager.id], role="member")),
    Call("transfer_ownership", org(A.TRANSFER_OWNERSHIP), True,
         lambda s, a, w: members.transfer_ownership(s, actor=a, org_id=w.org.id,
                                                    membership_id=w.manager.id)),
    Call("rename", org(A.EDIT_SETTINGS), True,
         lambda s, a, w: org_settings.update_settings(s, actor=a, org_id=w.org.id,
                                                      title="Renamed", seat_count="50")),
    Call("settings_seat_count", org(A.EDIT_SETTINGS, A.MANAGE_SEATS), True,
         lambda s, a, w: org_settings.update_settings(s, actor=a, org_id=w.org.id,
                                                      title="Org A", seat_count="60")),
    Call("add_seats", org(A.MANAGE_SEATS), True,
         lambda s, a, w: org_settings.add_seats(s, actor=a, org_id=w.org.id, count="5")),
    # A's plain member never set a password (factories): their e-mail can be sent again.
    Call("resend_set_password_email", StaffOrOrgRule((A.ADD_MEMBERS,)), True,
         lambda s, a, w: users.resend_set_password_email(s, actor=a, user_id=w.member.user_id,
                                                         org_id=w.org.id)),
    # -- reports (issue 10): open on an expired organization too; Remind is a change
    *[Call(f"report_{name}", org(A.VIEW_REPORTS), False,
           # looked up when called, so a test that wraps the service sees the call
           lambda s, a, w, name=name: getattr(reports, name)(s, actor=a, org_id=w.org.id,
                                                             filters=ReportFilters()))
      for name in ("overview", "course_report", "user_report", "progress_histogram")],
    Call("report_seats_over_time", org(A.VIEW_REPORTS), False,
         lambda s, a, w: report_seats.seats_over_time(s, actor=a, org_id=w.org.id)),
    Call("report_course_members", org(A.VIEW_REPORTS), False,
         lambda s, a, w: reports.course_members(s, actor=a, org_id=w.org.id,
                                                course_id=w.course_id, filters=ReportFilters())),
    Call("report_member_courses", org(A.VIEW_REPORTS), False,
         lambda s, a, w: reports.member_courses(s, actor=a, org_id=w.org.id,
                                                membership_id=w.member.id,
                                                filters=ReportFilters())),
    Call("report_export_csv", org(A.VIEW_REPORTS), False,
         lambda s, a, w: list(reports.export_rows(s, actor=a, org_id=w.org.id, report="user",
                                                  filters=ReportFilters()))),
    Call("report_remind", org(A.REMIND), True,
         lambda s, a, w: report_reminders.remind(s, actor=a, org_id=w.org.id,
                                                 membership_ids=[w.member.id])),
    # -- the person's own pages
    Call("my_access", SIGNED_IN, False, lambda s, a, w: access.my_access_page(s, actor=a)),
    Call("change_own_name", SIGNED_IN, True,
         lambda s, a, w: my_account.change_name(s, actor=a, full_name="A New Name")),
    Call("list_own_sessions", SIGNED_IN, False,
         lambda s, a, w: my_account.list_sessions(s, actor=a, session_token="")),
    Call("list_managed", SIGNED_IN, False, lambda s, a, w: organizations.list_managed(s, actor=a)),
    Call("list_directory", SIGNED_IN, False, lambda s, a, w: directory.list_directory(s, actor=a)),
    Call("view_course", COURSE, False,
         lambda s, a, w: progress.view_course(s, actor=a, course_id=w.course_id)),
    Call("complete_lesson", COURSE, True,
         lambda s, a, w: progress.complete_lesson(s, actor=a, course_id=w.course_id, lesson=1)),
    # -- the back office (staff only)
    Call("list_courses", STAFF, False, lambda s, a, w: catalog.list_courses(s, actor=a)),
    Call("get_course", STAFF, False,
         lambda s, a, w: catalog.get_course(s, actor=a, course_id=w.spare_course_id)),
    Call("create_course", STAFF, True,
         lambda s, a, w: catalog.create_course(s, actor=a, title="New course", lesson_count="4")),
    Call("update_course", STAFF, True,
         lambda s, a, w: catalog.update_course(s, actor=a, course_id=w.spare_course_id,
                                               title="Renamed course", lesson_count="4")),
    Call("delete_course", STAFF, True,
         lambda s, a, w: catalog.delete_course(s, actor=a, course_id=w.spare_course_id)),
    Call("list_licenses", STAFF, False, lambda s, a, w: catalog.list_licenses(s, actor=a)),
    Call("get_license", STAFF, False,
         lambda s, a, w: catalog.get_license(s, actor=a, license_id=w.spare_license_id)),
    Call("create_license", STAFF, True,
         lambda s, a, w: catalog.create_license(s, actor=a, name="New license", product="P")),
    Call("update_license", STAFF, True,
         lambda s, a, w: catalog.update_license(s, actor=a, license_id=w.spare_license_id,
                                                name="Renamed license", product="P")),
    Call("delete_license", STAFF, True,
         lambda s, a, w: catalog.delete_license(s, actor=a, license_id=w.spare_license_id)),
    Call("list_seat_types", STAFF, False, lambda s, a, w: catalog.list_seat_types(s, actor=a)),
    Call("get_seat_type", STAFF, False,
         lambda s, a, w: catalog.get_seat_type_form(s, actor=a, seat_type_id=w.spare_seat_type_id)),
    Call("course_choices", STAFF, False, lambda s, a, w: catalog.course_choices(s, actor=a)),
    Call("license_choices", STAFF, False, lambda s, a, w: catalog.license_choices(s, actor=a)),
    Call("seat_type_choices", STAFF, False, lambda s, a, w: catalog.seat_type_choices(s, actor=a)),
    Call("create_seat_type", STAFF, True,
         lambda s, a, w: catalog.create_seat_type(s, actor=a, name="New seat type",
                                                  course_ids=[w.course_id])),
    Call("update_seat_type", STAFF, True,
         lambda s, a, w: catalog.update_seat_type(s, actor=a, seat_type_id=w.spare_seat_type_id,
                                                  name="Renamed seat type")),
    Call("delete_seat_type", STAFF, True,
         lambda s, a, w: catalog.delete_seat_type(s, actor=a, seat_type_id=w.spare_seat_type_id)),
    Call("list_org_types", STAFF, False, lambda s, a, w: org_types.list_org_types(s, actor=a)),
    Call("org_type_choices", STAFF, False, lambda s, a, w: org_types.org_type_choices(s, actor=a)),
    Call("get_org_type", STAFF, False,
         lambda s, a, w: org_types.get_org_type_form(s, actor=a, org_type_id=w.org_type_id)),
    Call("create_org_type", STAFF, True,
         lambda s, a, w: org_types.create_org_type(s, actor=a, name="New type")),
    Call("update_org_type", STAFF, True,
         lambda s, a, w: org_types.update_org_type(s, actor=a, org_type_id=w.spare_org_type_id,
                                                   name="Renamed type", visibility="public")),
    Call("delete_org_type", STAFF, True,
         lambda s, a, w: org_types.delete_org_type(s, actor=a, org_type_id=w.spare_org_type_id)),
    Call("list_organizations", STAFF, False,
         lambda s, a, w: admin_organizations.list_organizations(s, actor=a)),
    Call("get_organization", STAFF, False,
         lambda s, a, w: admin_organizations.get_organization_form(s, actor=a, org_id=w.org.id)),
    Call("create_organization", STAFF, True,
         lambda s, a, w: admin_organizations.create_organization(
             s, actor=a, title="Org C", owner=w.target_user.username, seat_count="5",
             org_type_id=w.org_type_id)),
    Call("update_organization", STAFF, True,
         lambda s, a, w: admin_organizations.update_organization(
             s, actor=a, org_id=w.org.id, title="Org A renamed", seat_count="50",
             org_type_id=w.org_type_id, seat_type_id=w.seat_type_id)),
    Call("list_users", STAFF, False, lambda s, a, w: users.list_users(s, actor=a)),
    Call("search_users", STAFF, False, lambda s, a, w: users.search_users(s, actor=a, text="user")),
    Call("create_user", STAFF, True,
         lambda s, a, w: users.create_user_by_staff(
             s, actor=a, username="newbie", email="newbie@example.com", full_name="New Bie",
             password="")),
    Call("reset_password", STAFF, True,
         lambda s, a, w: users.set_password(s, actor=a, user_id=w.target_user.id,
                                            password="a long new password 1")),
    Call("get_user_form", STAFF, False,
         lambda s, a, w: users.get_user_form(s, actor=a, user_id=w.target_user.id)),
    Call("update_user", STAFF, True,
         lambda s, a, w: users.update_user(s, actor=a, user_id=w.target_user.id,
                                           full_name="Renamed Person",
                                           email="renamed.person@example.com")),
    Call("make_staff", STAFF, True,
         lambda s, a, w: users.set_staff(s, actor=a, user_id=w.target_user.id, is_staff=True)),
    Call("deactivate_user", STAFF, True,
         lambda s, a, w: users.set_active(s, actor=a, user_id=w.target_user.id, is_active=False)),
    Call("unlock_account", STAFF, True,
         lambda s, a, w: throttle.unlock_account(s, actor=a, user_id=w.target_user.id)),
    Call("audit_log", STAFF, False, lambda s, a, w: audit_log.list_events(s, actor=a)),
    Call("audit_actions", STAFF, False, lambda s, a, w: audit_log.audit_actions(s, actor=a)),
    # -- an organization's back office (issue 11, staff only)
    Call("back_office_header", STAFF, False,
         lambda s, a, w: back_office.org_header(s, actor=a, org_id=w.org.id)),
    Call("back_office_members", STAFF, False,
         lambda s, a, w: back_office.list_org_members(s, actor=a, org_id=w.org.id)),
    Call("find_users", STAFF, False,
         lambda s, a, w: back_office.find_users(s, actor=a, text="user")),
    Call("find_organizations", STAFF, False,
         lambda s, a, w: back_office.find_organizations(s, actor=a, text="Org",
                                                        exclude_id=w.org.id)),
    Call("assign_member", STAFF, True,
         lambda s, a, w: back_office.assign_member(s, actor=a, org_id=w.org.id,
                                                   login=w.target_user.username)),
    Call("assign_several", STAFF, True,
         lambda s, a, w: back_office.assign_several(s, actor=a, org_id=w.org.id,
                                                    usernames=w.target_user.username)),
    Call("unassign_member", STAFF, True,
         lambda s, a, w: back_office.unassign_members(s, actor=a, org_id=w.org.id,
                                                      membership_ids=[w.member.id])),
    Call("edit_membership", STAFF, True,
         lambda s, a, w: back_office.edit_membership(s, actor=a, org_id=w.org.id,
                                                     membership_id=w.member.id, org_admin=True,
                                                     status="blocked")),
    Call("change_owner", STAFF, True,
         lambda s, a, w: back_office.change_owner(s, actor=a, org_id=w.org.id,
                                                  login=w.target_user.username)),
    Call("delete_organization", STAFF, True,
         lambda s, a, w: back_office.delete_organization(s, actor=a, org_id=w.org.id,
                                                         confirm_title="Org A")),
    Call("preview_merge", STAFF, False,
         lambda s, a, w: merge.preview_merge(s, actor=a, org_id=w.org.id,
                                             other_org_id=w.other_org.id)),
    Call("merge_organizations", STAFF, True,
         lambda s, a, w: merge.merge_organizations(
             s, actor=a, org_id=w.org.id, other_org_id=w.other_org.id, raise_seats=True,
             signature=merge.preview_merge(s, actor=a, org_id=w.org.id,
                                           other_org_id=w.other_org.id).signature)),
    Call("list_jobs", STAFF, False, lambda s, a, w: jobs.list_jobs(s, actor=a)),
    Call("job_types", STAFF, False, lambda s, a, w: jobs.job_types(s, actor=a)),
    Call("get_job", STAFF, False, lambda s, a, w: jobs.get_job(s, actor=a, job_id=w.spare_job_id)),
    Call("create_job", STAFF, True,
         lambda s, a, w: jobs.create_job(s, actor=a, job_type="Install", title="New job")),
    Call("update_job", STAFF, True,
         lambda s, a, w: jobs.update_job(s, actor=a, job_id=w.spare_job_id, job_type="Repair",
                                         title="Renamed job")),
    Call("delete_job", STAFF, True,
         lambda s, a, w: jobs.delete_job(s, actor=a, job_id=w.spare_job_id)),
    Call("org_jobs", STAFF, False,
         lambda s, a, w: jobs.list_org_jobs(s, actor=a, org_id=w.org.id)),
    Call("find_unassigned_jobs", STAFF, False,
         lambda s, a, w: jobs.find_unassigned_jobs(s, actor=a, text="job")),
    Call("assign_jobs", STAFF, True,
         lambda s, a, w: jobs.assign_jobs(s, actor=a, org_id=w.org.id,
                                          job_ids=[w.spare_job_id])),
    Call("unassign_jobs", STAFF, True,
         lambda s, a, w: jobs.unassign_jobs(s, actor=a, org_id=w.org.id,
                                            job_ids=[w.org_job_id])),
]


# ---------------------------------------------------------------- the snapshot

def snapshot(session: Session) -> dict[str, list[tuple]]:
    """Every row of every table (flushed first, so pending writes count too)."""
    session.flush()
    return {
        table.name: sorted((tuple(row) for row in session.execute(table.select()).all()), key=repr)
        for table in SQLModel.metadata.sorted_tables
    }


def audit_count(tables: dict[str, list[tuple]]) -> int:
    return len(tables[AuditEvent.__tablename__])


def new_audit_actors(session: Session, before: dict[str, list[tuple]]) -> set[int | None]:
    """Who the audit events written since `before` name as the actor."""
    seen = {row[0] for row in before[AuditEvent.__tablename__]}  # the id is the first column
    return {event.actor_id for event in session.exec(select(AuditEvent)).all()
            if event.id not in seen}


# ---------------------------------------------------------------- the test

CASES = [
    pytest.param(kind, call, org_state, expected,
                 id=f"{kind.name}-{call.name}-{org_state}-{'allowed' if expected else 'refused'}")
    for call in CALLS
    for kind in ACTORS
    # Staff-only work does not depend on the organization: one organization state is enough.
    for org_state in (ORG_STATES[:1] if call.rule is STAFF else ORG_STATES)
    for expected in [call.rule.allows(kind, org_state)]
]


@pytest.mark.parametrize(("kind", "call", "org_state", "expected"), CASES)
def test_authorization_matrix(session, kind, call, org_state, expected):
    world, actor = build_world(session, kind, org_state)
    before = snapshot(session)
    if expected:
        call.run(session, actor, world)
        after = snapshot(session)
        if call.changes:
            assert after != before, "an allowed change changed nothing: are the arguments valid?"
            assert audit_count(after) > audit_count(before), "a change without an audit event"
            assert new_audit_actors(session, before) == {actor.id}, (
                "every audit event of a change names the person who made it")
        else:
            assert after == before, "a read wrote to the database"
        return
    with pytest.raises(ServiceError) as refused:
        call.run(session, actor, world)
    assert refused.value.message.strip(), "a refusal must say why"
    assert snapshot(session) == before, "a refused call changed the database"


def test_the_matrix_covers_every_action_and_both_outcomes():
    """Guard against a vacuous matrix: every Action is exercised, each call both ways."""
    used = {action for call in CALLS if isinstance(call.rule, OrgRule)
            for action in call.rule.actions}
    assert used >= set(Action)
    for call in CALLS:
        outcomes = {call.rule.allows(kind, state) for kind in ACTORS for state in ORG_STATES}
        assert outcomes == {True, False}, call.name


# ---------------------------------------------------------------- refusals do not leak expiry

OUTSIDE_KINDS = [kind for kind in ACTORS if kind.name in ("outsider", "member")]
REFUSED_EITHER_WAY = [
    pytest.param(kind, call, id=f"{kind.name}-{call.name}")
    for call in CALLS if call.rule is not STAFF
    for kind in OUTSIDE_KINDS
    if not any(call.rule.allows(kind, state) for state in ORG_STATES)
]


def _refusal(session: Session, kind: ActorKind, call: Call, org_state: str) -> str:
    """The message `kind` gets for `call` on organization A in `org_state` (world undone)."""
    savepoint = session.begin_nested()
    try:
        world, actor = build_world(session, kind, org_state)
        with pytest.raises(ServiceError) as refused:
            call.run(session, actor, world)
        return refused.value.message
    finally:
        savepoint.rollback()
        session.expunge_all()  # the undone world's rows must not linger in the identity map


@pytest.mark.parametrize(("kind", "call"), REFUSED_EITHER_WAY)
def test_an_outsiders_refusal_does_not_say_the_organization_expired(session, kind, call):
    on_active = _refusal(session, kind, call, "active")
    on_expired = _refusal(session, kind, call, "expired")
    assert on_expired == on_active
    assert "expired" not in on_expired


def test_the_expiry_leak_test_covers_every_organization_action():
    covered = {action for param in REFUSED_EITHER_WAY for action in
               getattr(param.values[1].rule, "actions", ())}
    assert covered >= set(Action)


# ---------------------------------------------------------------- every service has a row

# Public service functions that take an actor but need no row of their own, and why.
NO_ROW_NEEDED = {
    # The permission checks themselves: every row runs through them.
    "permissions.access_org": "called by every organization row",
    "permissions.require_staff": "called by every staff row",
    # Only the actor's own account, and only with its current password (or the invitee's own
    # address): no other kind of actor can be allowed. tests/unit/test_my_account.py and
    # test_invitations.py refuse them signed out, deactivated, with a wrong password or address.
    "invitations.accept": "only the invitee may accept (test_invitations.py)",
    "my_account.change_password": "needs the actor's own password (test_my_account.py)",
    "my_account.request_email_change": "needs the actor's own password (test_my_account.py)",
    "my_account.sign_out_other_sessions": "the actor's own sessions (test_my_account.py)",
}


def _services_taking_an_actor() -> list[tuple[Any, str]]:
    found = []
    for info in pkgutil.iter_modules(services_package.__path__):
        module = importlib.import_module(f"{services_package.__name__}.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if (function.__module__ == module.__name__ and not name.startswith("_")
                    and "actor" in inspect.signature(function).parameters):
                found.append((module, name))
    return found


def test_every_service_that_takes_an_actor_is_reached_by_a_matrix_row(session, monkeypatch):
    """A new service cannot skip the matrix: every public function in services/ that takes an
    acting user must be called by some row (directly, or as part of the operation it serves),
    or be named in NO_ROW_NEEDED with the reason."""
    reached: set[str] = set()

    def recording(qualified, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            reached.add(qualified)
            return function(*args, **kwargs)
        return wrapper

    services = _services_taking_an_actor()
    for module, name in services:
        short = f"{module.__name__.rsplit('.', 1)[1]}.{name}"
        monkeypatch.setattr(module, name, recording(short, getattr(module, name)))
    staff = next(kind for kind in ACTORS if kind.name == "staff")
    world, actor = build_world(session, staff, "active")
    for call in CALLS:
        savepoint = session.begin_nested()
        try:
            call.run(session, actor, world)
        except ServiceError:
            pass  # refused calls reach their service too
        finally:
            savepoint.rollback()
    every = {f"{module.__name__.rsplit('.', 1)[1]}.{name}" for module, name in services}
    assert len(every) > 50  # the discovery itself works
    missing = sorted(every - reached - set(NO_ROW_NEEDED))
    assert not missing, f"services with no authorization-matrix row: {missing}"
