"""An organization's back office: members (assign, assign several, unassign, edit membership),
change owner, delete, and what a staff block means on the Group Dashboard afterwards."""

import pytest
from factories import (
    make_course,
    make_invitation,
    make_membership,
    make_org,
    make_org_type,
    make_seat_type,
    make_staff,
    make_user,
)
from handler_harness import last_value, signed_in_tab
from sqlalchemy import event as sa_event
from sqlalchemy import func
from sqlmodel import select

import membersync_app.membersync_app as web_app
from membersync_app import db, routes
from membersync_app.models import (
    AuditAction,
    AuditEvent,
    DeletedOrganization,
    Invitation,
    Job,
    Membership,
    MembershipStatus,
    Organization,
    Role,
    StaffBlock,
    User,
)
from membersync_app.services import (
    access,
    audit_log,
    auth,
    back_office,
    invitations,
    members,
)
from membersync_app.services.errors import FieldErrors, ServiceError
from membersync_app.services.permissions import Action, access_org
from membersync_app.services.seats import seats_used
from membersync_app.state.back_office import (
    AssignJobsState,
    AssignMemberState,
    AssignSeveralState,
    BackOfficeJobsState,
    BackOfficeMembersState,
    BackOfficeState,
)


def _events(session, action):
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def _membership(session, org, user):
    return session.exec(select(Membership).where(Membership.organization_id == org.id,
                                                 Membership.user_id == user.id)).first()


# ---------------------------------------------------------------- assign


def test_assign_by_username_or_email_takes_a_seat_and_is_audited(session):
    staff = make_staff(session)
    org = make_org(session, seat_count=3)
    ann = make_user(session, username="ann_a")
    bob = make_user(session, username="bob_b", email="Bob@Example.com")
    back_office.assign_member(session, actor=staff, org_id=org.id, login="ANN_A", role="member")
    back_office.assign_member(session, actor=staff, org_id=org.id, login="bob@example.com",
                              role="manager")
    assert _membership(session, org, ann).role == Role.MEMBER
    assert _membership(session, org, bob).role == Role.MANAGER
    assert seats_used(session, org_id=org.id) == 2
    events = _events(session, AuditAction.MEMBERSHIP_ASSIGN)
    assert [(e.actor_id, e.details["username"]) for e in events] == [
        (staff.id, "ann_a"), (staff.id, "bob_b")]


@pytest.mark.parametrize(("login", "message"), [
    ("nobody", "No user has the username or e-mail “nobody”."),
    ("", "Type a username or e-mail."),
    ("sleepy", "The user “sleepy” is deactivated"),
    ("already", "“already” is already a member of this organization (as manager)."),
    ("invited", "has a pending invitation"),
])
def test_assign_refusals_say_why_and_change_nothing(session, login, message):
    staff = make_staff(session)
    org = make_org(session, seat_count=5)
    make_user(session, username="sleepy", is_active=False)
    make_membership(session, org, make_user(session, username="already"), role=Role.MANAGER)
    make_invitation(session, org, email=make_user(session, username="invited").email)
    before = session.exec(select(func.count()).select_from(Membership)).one()
    with pytest.raises(FieldErrors) as refused:
        back_office.assign_member(session, actor=staff, org_id=org.id, login=login)
    assert message in refused.value.errors["login"]
    assert session.exec(select(func.count()).select_from(Membership)).one() == before
    assert not _events(session, AuditAction.MEMBERSHIP_ASSIGN)


def test_assign_when_full_is_refused_unless_staff_raises_the_seat_count(session):
    staff = make_staff(session)
    org = make_org(session, seat_count=1)
    make_membership(session, org)
    user = make_user(session)
    with pytest.raises(ServiceError) as refused:
        back_office.assign_member(session, actor=staff, org_id=org.id, login=user.username)
    assert refused.value.field == "raise_seats"
    assert "Raise the seat count to 2" in refused.value.message
    assert _membership(session, org, user) is None and org.seat_count == 1
    back_office.assign_member(session, actor=staff, org_id=org.id, login=user.username,
                              raise_seats=True)
    assert org.seat_count == 2 and seats_used(session, org_id=org.id) == 2
    (event,) = _events(session, AuditAction.MEMBERSHIP_ASSIGN)
    assert event.details["seat_count"] == [1, 2]


def test_assign_several_is_all_or_none_with_every_problem_by_line(session):
    staff = make_staff(session)
    org = make_org(session, seat_count=10)
    ann, bob = make_user(session, username="ann_s"), make_user(session, username="bob_s")
    make_membership(session, org, make_user(session, username="member_s"))
    make_user(session, username="off_s", is_active=False)
    text = "ann_s\nghost\n\nmember_s\noff_s\nANN_S\n"
    with pytest.raises(FieldErrors) as refused:
        back_office.assign_several(session, actor=staff, org_id=org.id, usernames=text)
    assert refused.value.errors == {
        "line_2": "Line 2: No user has the username or e-mail “ghost”.",
        "line_4": "Line 4: “member_s” is already a member of this organization (as member).",
        "line_5": "Line 5: The user “off_s” is deactivated; reactivate them on the Users page "
                  "first.",
        "line_6": "Line 6: “ann_s” is listed twice (lines 1 and 6).",
    }
    assert _membership(session, org, ann) is None
    done = back_office.assign_several(session, actor=staff, org_id=org.id,
                                      usernames="ann_s\n bob_s \n", role="manager")
    assert len(done) == 2
    assert _membership(session, org, bob).role == Role.MANAGER
    assert len(_events(session, AuditAction.MEMBERSHIP_ASSIGN)) == 2


def test_assign_several_needs_the_seats_for_all(session):
    staff = make_staff(session)
    org = make_org(session, seat_count=1)
    names = [make_user(session).username for _ in range(3)]
    with pytest.raises(ServiceError, match="this needs 3"):
        back_office.assign_several(session, actor=staff, org_id=org.id, usernames="\n".join(names))
    back_office.assign_several(session, actor=staff, org_id=org.id, usernames="\n".join(names),
                               raise_seats=True)
    assert org.seat_count == 3


def test_assign_several_reads_what_it_checks_once_not_once_per_line(session):
    """Up to 500 pasted lines are checked under the organization's row lock: the users, their
    memberships and the pending invitations are read in a few queries, however many lines
    (and each refusal still names its line)."""
    staff = make_staff(session)
    org = make_org(session, seat_count=100)
    make_membership(session, org, make_user(session, username="in_q"), role=Role.MANAGER)
    make_invitation(session, org, email=make_user(session, username="inv_q",
                                                  email="inv_q@example.com").email)
    fresh = [make_user(session, username=f"fresh_{n:02d}").username for n in range(40)]
    text = "\n".join([*fresh, "IN_Q", "inv_q@example.com", "ghost_q", "FRESH_00"])
    statements: list[str] = []

    def counted(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    connection = session.connection()
    sa_event.listen(connection, "before_cursor_execute", counted)
    try:
        with pytest.raises(FieldErrors) as refused:
            back_office.assign_several(session, actor=staff, org_id=org.id, usernames=text)
    finally:
        sa_event.remove(connection, "before_cursor_execute", counted)
    assert refused.value.errors == {
        "line_41": "Line 41: “in_q” is already a member of this organization (as manager).",
        "line_42": "Line 42: “inv_q” has a pending invitation to this organization: revoke it "
                   "first, or wait until they accept it.",
        "line_43": "Line 43: No user has the username or e-mail “ghost_q”.",
        "line_44": "Line 44: “fresh_00” is listed twice (lines 1 and 44).",
    }
    assert len(statements) < 10, statements  # 44 lines once took about 130


# ---------------------------------------------------------------- members list


def test_members_list_pages_searches_and_shows_organization_admin(session):
    staff = make_staff(session)
    org = make_org(session, seat_count=50)
    for n in range(25):
        make_membership(session, org, make_user(session, username=f"pm_{n:02d}"),
                        role=Role.MANAGER if n == 3 else Role.MEMBER)
    page = back_office.list_org_members(session, actor=staff, org_id=org.id, sort="username",
                                        page=2, page_size=10)
    assert (page.total, page.page, len(page.rows)) == (26, 2, 10)
    found = back_office.list_org_members(session, actor=staff, org_id=org.id, search="pm_03")
    (row,) = found.rows
    assert (row.username, row.role, row.org_admin, row.status) == (
        "pm_03", "manager", True, "active")


# ---------------------------------------------------------------- unassign


def test_unassign_one_or_several_frees_seats_but_never_the_owner(session):
    staff = make_staff(session)
    org = make_org(session, seat_count=5)
    one, two = make_membership(session, org), make_membership(session, org)
    owner = session.exec(select(Membership).where(Membership.organization_id == org.id,
                                                  Membership.role == Role.OWNER)).one()
    with pytest.raises(ServiceError, match="is the owner and cannot be unassigned"):
        back_office.unassign_members(session, actor=staff, org_id=org.id,
                                     membership_ids=[one.id, owner.id])
    assert seats_used(session, org_id=org.id) == 2
    assert back_office.unassign_members(session, actor=staff, org_id=org.id,
                                        membership_ids=[one.id, two.id]) == 2
    assert seats_used(session, org_id=org.id) == 0
    assert len(_events(session, AuditAction.MEMBERSHIP_UNASSIGN)) == 2


def test_unassign_of_a_member_of_another_organization_is_refused(session):
    staff = make_staff(session)
    org, other = make_org(session), make_org(session)
    theirs = make_membership(session, other)
    with pytest.raises(ServiceError, match="not in this organization"):
        back_office.unassign_members(session, actor=staff, org_id=org.id,
                                     membership_ids=[theirs.id])


# ---------------------------------------------------------------- edit membership


def test_organization_admin_is_the_manager_role_and_status_blocks(session):
    staff = make_staff(session)
    org = make_org(session)
    membership = make_membership(session, org)
    change = back_office.edit_membership(session, actor=staff, org_id=org.id,
                                         membership_id=membership.id, org_admin=True,
                                         status="blocked")
    assert change.changed and (membership.role, membership.status) == (
        Role.MANAGER, MembershipStatus.BLOCKED)
    assert seats_used(session, org_id=org.id) == 1  # a blocked member keeps the seat
    unchanged = back_office.edit_membership(session, actor=staff, org_id=org.id,
                                            membership_id=membership.id, org_admin=True,
                                            status="blocked")
    assert not unchanged.changed
    back_office.edit_membership(session, actor=staff, org_id=org.id, membership_id=membership.id,
                                org_admin=False, status="active")
    assert (membership.role, membership.status) == (Role.MEMBER, MembershipStatus.ACTIVE)
    assert len(_events(session, AuditAction.MEMBERSHIP_UPDATE)) == 2


@pytest.mark.parametrize(("org_admin", "status", "field"), [
    ("yes", "active", "org_admin"), (True, "paused", "status"), (True, None, "status")])
def test_edit_membership_refuses_nonsense(session, org_admin, status, field):
    staff = make_staff(session)
    org = make_org(session)
    membership = make_membership(session, org)
    with pytest.raises(FieldErrors) as refused:
        back_office.edit_membership(session, actor=staff, org_id=org.id,
                                    membership_id=membership.id, org_admin=org_admin,
                                    status=status)
    assert field in refused.value.errors
    assert (membership.role, membership.status) == (Role.MEMBER, MembershipStatus.ACTIVE)


def test_the_owner_cannot_be_blocked_or_demoted_here(session):
    staff = make_staff(session)
    org = make_org(session)
    owner = session.exec(select(Membership).where(Membership.role == Role.OWNER,
                                                  Membership.organization_id == org.id)).one()
    with pytest.raises(ServiceError, match="is the owner"):
        back_office.edit_membership(session, actor=staff, org_id=org.id, membership_id=owner.id,
                                    org_admin=False, status="blocked")
    assert (owner.role, owner.status) == (Role.OWNER, MembershipStatus.ACTIVE)


# ---------------------------------------------------------------- what a block means


def test_a_blocked_member_keeps_the_seat_loses_access_and_cannot_manage(session):
    staff = make_staff(session)
    course = make_course(session)
    org = make_org(session, seat_type=make_seat_type(session, courses=[course]))
    person = make_user(session)
    membership = make_membership(session, org, person, role=Role.MANAGER)
    assert [c.course_id for c in access.my_access(session, actor=person).courses] == [course.id]
    back_office.edit_membership(session, actor=staff, org_id=org.id, membership_id=membership.id,
                                org_admin=True, status="blocked")
    assert access.my_access(session, actor=person).courses == []
    with pytest.raises(ServiceError, match="blocked"):
        access_org(session, actor=person, org_id=org.id, action=Action.ADD_MEMBERS)
    # The owner sees the status on the dashboard's members table.
    rows = members.list_members(session, actor=session.get(type(person), org.owner_id),
                                org_id=org.id).rows
    assert {r.user_id: r.status for r in rows}[person.id] == MembershipStatus.BLOCKED


def test_owner_cannot_remove_and_re_add_someone_staff_blocked(session):
    staff = make_staff(session)
    org = make_org(session, seat_count=5)
    owner = session.get(type(staff), org.owner_id)
    person = make_user(session, email="blocked.one@example.com")
    membership = make_membership(session, org, person, status=MembershipStatus.BLOCKED)
    members.remove_members(session, actor=owner, org_id=org.id, membership_ids=[membership.id])
    with pytest.raises(FieldErrors) as refused:
        members.add_member(session, actor=owner, org_id=org.id, name="Again",
                           email="blocked.one@example.com", role="member")
    assert refused.value.errors["email_0"] == (
        "blocked.one@example.com was blocked in this organization by staff and cannot be added "
        "back here; ask staff.")
    with pytest.raises(ServiceError, match="blocked in this organization by staff"):
        invitations.invite(session, actor=owner, org_id=org.id,
                           emails="blocked.one@example.com", role="member")
    assert _membership(session, org, person) is None
    # Staff may let them back: assigning lifts the block.
    back_office.assign_member(session, actor=staff, org_id=org.id, login=person.username)
    assert _membership(session, org, person).status == MembershipStatus.ACTIVE
    assert session.exec(select(StaffBlock)).all() == []


# ---------------------------------------------------------------- change owner


def test_change_owner_to_a_non_member_makes_the_old_owner_a_manager_taking_a_seat(session):
    staff = make_staff(session)
    org = make_org(session, seat_count=2)
    old_owner_id = org.owner_id
    new = make_user(session, username="new_boss")
    back_office.change_owner(session, actor=staff, org_id=org.id, login="new_boss")
    assert org.owner_id == new.id
    assert _membership(session, org, new).role == Role.OWNER
    old = session.exec(select(Membership).where(Membership.user_id == old_owner_id,
                                                Membership.organization_id == org.id)).one()
    assert old.role == Role.MANAGER
    assert seats_used(session, org_id=org.id) == 1
    (event,) = _events(session, AuditAction.ORGANIZATION_CHANGE_OWNER)
    assert event.details["new_owner"] == "new_boss" and event.actor_id == staff.id


def test_change_owner_to_a_member_frees_their_seat_for_the_old_owner(session):
    staff = make_staff(session)
    org = make_org(session, seat_count=1)
    member = make_membership(session, org)
    back_office.change_owner(session, actor=staff, org_id=org.id,
                             login=session.get(type(staff), member.user_id).username)
    assert member.role == Role.OWNER and seats_used(session, org_id=org.id) == 1


def test_change_owner_when_full_needs_the_raise(session):
    staff = make_staff(session)
    org = make_org(session, seat_count=1)
    make_membership(session, org)
    new = make_user(session)
    before = org.owner_id
    with pytest.raises(ServiceError, match="Raise the seat count to 2"):
        back_office.change_owner(session, actor=staff, org_id=org.id, login=new.username)
    assert org.owner_id == before
    back_office.change_owner(session, actor=staff, org_id=org.id, login=new.username,
                             raise_seats=True)
    assert (org.owner_id, org.seat_count) == (new.id, 2)


@pytest.mark.parametrize(("who", "message"), [
    ("ghost", "No user has"), ("off", "is deactivated"), ("owner", "is already the owner"),
    ("blocked", "membership is blocked"),
])
def test_change_owner_refusals(session, who, message):
    staff = make_staff(session)
    org = make_org(session, seat_count=5)
    make_user(session, username="off", is_active=False)
    make_membership(session, org, make_user(session, username="blocked"),
                    status=MembershipStatus.BLOCKED)
    login = session.get(type(staff), org.owner_id).username if who == "owner" else who
    before = org.owner_id
    with pytest.raises(ServiceError, match=message):
        back_office.change_owner(session, actor=staff, org_id=org.id, login=login)
    assert org.owner_id == before


# ---------------------------------------------------------------- delete


def test_delete_needs_the_title_and_keeps_the_audit_trail_readable(session):
    staff = make_staff(session)
    org = make_org(session, title="Doomed Ltd")
    org_id = org.id
    make_membership(session, org)
    make_invitation(session, org)
    job = Job(job_type="Install", title="Roof", organization_id=org.id)
    session.add(job)
    back_office.edit_membership(session, actor=staff, org_id=org.id,
                                membership_id=make_membership(session, org).id, org_admin=True,
                                status="active")
    with pytest.raises(ServiceError, match="Type the organization's title"):
        back_office.delete_organization(session, actor=staff, org_id=org_id,
                                        confirm_title="doomed ltd")
    assert session.get(Organization, org_id) is not None
    result = back_office.delete_organization(session, actor=staff, org_id=org_id,
                                             confirm_title="Doomed Ltd")
    assert (result.memberships, result.invitations, result.jobs) == (3, 1, 1)
    session.expire_all()
    assert session.get(Organization, org_id) is None
    for model in (Membership, Invitation):
        assert session.exec(select(model).where(model.organization_id == org_id)).all() == []
    assert session.get(Job, job.id).organization_id is None
    assert session.get(DeletedOrganization, org_id).title == "Doomed Ltd"
    page = audit_log.list_events(session, actor=staff, organization="Doomed")
    assert {r.action for r in page.rows} == {"membership.update", "organization.delete"}
    assert {r.organization for r in page.rows} == {"Doomed Ltd (deleted)"}


def test_deleting_an_organization_someone_else_just_deleted_says_so(session):
    staff = make_staff(session)
    org = make_org(session, title="Gone Inc")
    org_id = org.id
    back_office.delete_organization(session, actor=staff, org_id=org_id, confirm_title="Gone Inc")
    with pytest.raises(ServiceError, match="“Gone Inc” was already deleted"):
        back_office.delete_organization(session, actor=staff, org_id=org_id,
                                        confirm_title="Gone Inc")


def test_header_and_find_organizations(session):
    staff = make_staff(session)
    org = make_org(session, title="Alpha Works", seat_count=4,
                   org_type=make_org_type(session, name="Team"))
    make_membership(session, org)
    make_org(session, title="Alphabet Soup")
    header = back_office.org_header(session, actor=staff, org_id=org.id)
    assert (header.title, header.type_name, header.seats_used, header.seat_count) == (
        "Alpha Works", "Team", 1, 4)
    found = back_office.find_organizations(session, actor=staff, text="alpha", exclude_id=org.id)
    assert [o.title for o in found] == ["Alphabet Soup"]


def test_the_users_list_shows_each_users_memberships(session):
    from membersync_app.services import users

    staff = make_staff(session)
    person = make_user(session, username="many_orgs")
    zeta, alpha = make_org(session, title="Zeta"), make_org(session, title="Alpha")
    make_membership(session, zeta, person, role=Role.MANAGER)
    make_membership(session, alpha, person, status=MembershipStatus.BLOCKED)
    (row,) = users.list_users(session, actor=staff, search="many_orgs").rows
    assert [(m.title, m.role, m.status, m.organization_id) for m in row.memberships] == [
        ("Alpha", "member", "blocked", alpha.id), ("Zeta", "manager", "active", zeta.id)]


def test_a_selection_changes_by_one_checkbox_and_ignores_nonsense():
    from membersync_app.state.paged_list import toggled

    assert toggled([1], 2, True) == [1, 2]
    assert toggled([1, 2], 2, True) == [1, 2]
    assert toggled([1, 2], 1, False) == [2]
    assert toggled([1], "2", True) == [1]
    assert toggled([1], True, True) == [1]


def test_the_back_office_tabs_through_their_handlers(app_database):
    """The tab states (state/back_office.py) as a staff member's tab fires them: the members'
    and the jobs' lists unassign one row with their own notice, a picked user is assigned,
    Assign several lists the refused lines, Assign existing jobs tells the jobs list."""
    with db.unit_of_work() as session:
        staff = make_staff(session)
        org = make_org(session, title="Acme")
        member = make_membership(session, org, make_user(session, username="mia"))
        newcomer = make_user(session, username="noah")
        jobs_ = [Job(job_type="Install", title=title, organization_id=org_id)
                 for title, org_id in (("Roof", org.id), ("Boiler", None))]
        session.add_all(jobs_)
        session.flush()
        ids = org.id, member.id, jobs_[0].id, jobs_[1].id, newcomer.username
        cookie = auth.activate_session(session, grant=auth.start_session(session, user=staff))
    org_id, membership_id, roof_id, boiler_id, newcomer_name = ids
    path = routes.admin_organization(org_id)
    with signed_in_tab(web_app.app, cookie) as tab:
        tab.open(path, {"id": str(org_id)})
        sent = tab.send(BackOfficeMembersState.unassign_one, {"membership_id": membership_id},
                        path)
        assert last_value(sent, BackOfficeMembersState, "notice") == (
            "Unassigned 1 member; their seats are free.")
        sent = tab.send(BackOfficeJobsState.unassign_one, {"job_id": roof_id}, path)
        assert last_value(sent, BackOfficeJobsState, "notice") == (
            "Unassigned 1 job; they stay on the Jobs page.")
        sent = tab.send(BackOfficeJobsState.unassign_one, {"job_id": roof_id}, path)
        assert "not assigned to this organization" in last_value(
            sent, BackOfficeJobsState, "row_error")

        found = tab.send(AssignMemberState.search_users, {"text": "noa"}, path)
        assert [match["username"] for match in
                last_value(found, AssignMemberState, "matches")] == ["noah"]
        sent = tab.send(AssignMemberState.assign,
                        {"form_data": {"login": newcomer_name, "role": "member"}}, path)
        assert last_value(sent, AssignMemberState, "notice") == (
            "Assigned “noah”; they take a seat.")
        assert last_value(sent, AssignMemberState, "matches") == []
        sent = tab.send(AssignSeveralState.assign,
                        {"form_data": {"usernames": "nobody-here", "role": "member"}}, path)
        assert last_value(sent, AssignSeveralState, "form_error") == (
            "Nobody was assigned. Correct these lines:")
        assert len(last_value(sent, AssignSeveralState, "line_errors")) == 1

        tab.send(AssignJobsState.set_pick_text, {"text": "o"}, path)
        tab.send(AssignJobsState.toggle, {"job_id": boiler_id, "checked": True}, path)
        sent = tab.send(AssignJobsState.assign, {}, path)
        assert last_value(sent, BackOfficeJobsState, "notice") == "Assigned 1 job."
    with db.unit_of_work() as session:
        assert session.get(Job, boiler_id).organization_id == org_id
        usernames = session.exec(select(User.username).join(
            Membership, Membership.user_id == User.id).where(
            Membership.organization_id == org_id, Membership.role == Role.MEMBER)).all()
        assert usernames == ["noah"]  # mia unassigned, noah assigned


def test_the_header_moves_with_a_change_and_not_with_paging(app_database):
    """The header's seats used are read again after Assign member (and Unassign), while
    paging, sorting and searching the members list leave the header alone (no read of it
    per keystroke). Typing in Assign member again clears its refusal."""
    with db.unit_of_work() as session:
        staff = make_staff(session)
        org = make_org(session, title="Acme", seat_count=30)
        member = make_membership(session, org, make_user(session, username="mia_h"))
        for n in range(25):
            make_membership(session, org, make_user(session, username=f"pg_{n:02d}"))
        newcomer = make_user(session, username="noah_h").username
        cookie = auth.activate_session(session, grant=auth.start_session(session, user=staff))
        org_id, membership_id = org.id, member.id
    path = routes.admin_organization(org_id)
    with signed_in_tab(web_app.app, cookie) as tab:
        opened = tab.open(path, {"id": str(org_id)})
        assert last_value(opened, BackOfficeState, "header")["seats_used"] == 26

        sent = tab.send(AssignMemberState.assign,
                        {"form_data": {"login": "nobody-here", "role": "member"}}, path)
        assert "nobody-here" in last_value(sent, AssignMemberState, "errors")["login"]
        typed = tab.send(AssignMemberState.search_users, {"text": "noa"}, path)
        assert last_value(typed, AssignMemberState, "errors") == {}

        sent = tab.send(AssignMemberState.assign,
                        {"form_data": {"login": newcomer, "role": "member"}}, path)
        assert last_value(sent, AssignMemberState, "notice") == (
            "Assigned “noah_h”; they take a seat.")
        assert last_value(sent, BackOfficeState, "header")["seats_used"] == 27

        for handler, payload in ((BackOfficeMembersState.go_to_page, {"page": 2}),
                                 (BackOfficeMembersState.sort_list, {"column": "username"}),
                                 (BackOfficeMembersState.search_list, {"text": "pg_0"})):
            sent = tab.send(handler, payload, path)
            assert last_value(sent, BackOfficeMembersState, "rows")
            assert last_value(sent, BackOfficeState, "header") is None, handler

        sent = tab.send(BackOfficeMembersState.unassign_one, {"membership_id": membership_id},
                        path)
        assert last_value(sent, BackOfficeState, "header")["seats_used"] == 26
