"""The demo data: loads on a migrated database, keeps the invariants, and its sign-ins work."""

import re

import pytest
from factories import sign_in
from sqlalchemy import func
from sqlmodel import select

from membersync_app import cli
from membersync_app.models import (
    AuditEvent,
    CourseProgress,
    Invitation,
    Job,
    Membership,
    MembershipStatus,
    Organization,
    OrganizationType,
    Role,
    RoleBenefitCourse,
    RoleBenefitLicense,
    SeatTypeCourse,
    User,
    Visibility,
    utcnow,
)
from membersync_app.services import auth, demo
from membersync_app.services.errors import ServiceError
from membersync_app.services.permissions import Action, access_org, is_expired
from membersync_app.services.seats import seats_used

EXPECTED_SIGN_INS = [
    ("staff", "admin-demo-1"),
    ("owner1", "owner-demo-1"),
    ("owner2", "owner-demo-2"),
    ("manager1", "manager-demo-1"),
    ("member1", "member-demo-1"),
]


@pytest.fixture
def loaded(session):
    accounts = demo.load_demo_data(session, members_per_org=8)
    return accounts


def _orgs(session) -> dict[str, Organization]:
    return {org.title: org for org in session.exec(select(Organization))}


def _user(session, username) -> User:
    return session.exec(select(User).where(User.username == username)).one()


def _count(session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_returns_the_documented_sign_ins(loaded):
    assert [(username, password) for username, password, _ in loaded] == EXPECTED_SIGN_INS
    assert all(description for _, _, description in loaded)


def test_every_demo_sign_in_works(session, loaded):
    for username, password, _ in loaded:
        token, user = sign_in(session, username, password)
        assert user.username == username
        assert auth.user_for_token(session, token=token).id == user.id
    assert _user(session, "staff").is_staff
    assert not any(_user(session, name).is_staff for name, _ in EXPECTED_SIGN_INS[1:])


def test_seats_used_never_exceed_the_seat_count(session, loaded):
    orgs = _orgs(session)
    assert len(orgs) >= 3
    for org in orgs.values():
        assert 0 <= seats_used(session, org_id=org.id) <= org.seat_count, org.title


def test_every_organization_has_exactly_one_owner_its_owner_id(session, loaded):
    for org in _orgs(session).values():
        owners = session.exec(select(Membership).where(
            Membership.organization_id == org.id, Membership.role == Role.OWNER
        )).all()
        assert [m.user_id for m in owners] == [org.owner_id], org.title


def test_the_organizations_show_the_interesting_cases(session, loaded):
    orgs = _orgs(session)
    free = {title: org.seat_count - seats_used(session, org_id=org.id) for title,
            org in orgs.items()}
    expired = [title for title, org in orgs.items() if is_expired(org)]
    assert expired == ["Northwind Clinics"]
    assert free["Acme Logistics"] >= 5  # several seats free
    assert free["Bright Academy"] == 1  # nearly full
    owned_by_owner1 = {t for t, org in orgs.items() if org.owner_id == _user(session, "owner1").id}
    assert owned_by_owner1 == {"Acme Logistics", "Bright Academy"}


def test_named_people_have_their_roles(session, loaded):
    orgs = _orgs(session)
    acme, pilot = orgs["Acme Logistics"].id, orgs["Pilot Group"].id
    assert access_org(session, actor=_user(session, "manager1"), org_id=acme,
                      action=Action.VIEW_ORG)
    assert access_org(session, actor=_user(session, "owner1"), org_id=acme,
                      action=Action.MANAGE_SEATS)
    assert access_org(session, actor=_user(session, "staff"), org_id=pilot,
                      action=Action.EDIT_SETTINGS)
    member1 = _user(session, "member1")
    roles = session.exec(select(Membership.organization_id, Membership.role).where(
        Membership.user_id == member1.id
    )).all()
    assert sorted(roles) == sorted([(acme, Role.MEMBER), (pilot, Role.MEMBER)])
    with pytest.raises(ServiceError):
        access_org(session, actor=member1, org_id=acme, action=Action.VIEW_ORG)


def test_generated_members_and_blocked_ones(session, loaded):
    acme = _orgs(session)["Acme Logistics"]
    generated = session.exec(
        select(User.username, Membership.status)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == acme.id, User.username.like("acme.member%"))
    ).all()
    assert len(generated) == 8
    assert {status for _, status in generated} == {MembershipStatus.ACTIVE,
                                                   MembershipStatus.BLOCKED}


def test_catalog_types_and_benefits(session, loaded):
    types = {t.name: t for t in session.exec(select(OrganizationType))}
    assert {t.visibility for t in types.values()} == set(Visibility)
    # Access flags differ between types.
    assert len({(t.managers_invite, t.managers_manage_seats) for t in types.values()}) > 1
    for org_type in types.values():
        course_roles = session.exec(select(RoleBenefitCourse.role).where(
            RoleBenefitCourse.org_type_id == org_type.id)).all()
        license_roles = session.exec(select(RoleBenefitLicense.role).where(
            RoleBenefitLicense.org_type_id == org_type.id)).all()
        assert set(course_roles) | set(license_roles) == set(Role), org_type.name
    assert _count(session, SeatTypeCourse) >= 4


def test_invitations_progress_jobs_and_audit(session, loaded):
    now = utcnow()
    pending = session.exec(select(Invitation).where(
        Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
        Invitation.expires_at > now,
    )).all()
    assert len(pending) >= 2
    assert all(re.fullmatch(r"[0-9a-f]{64}", inv.token_hash) for inv in pending)
    assert _count(session, CourseProgress) > 0
    assert _count(session, CourseProgress, CourseProgress.completed_at.is_not(None)) > 0
    assert _count(session, Job) >= 3
    assert _count(session, Job, Job.organization_id.is_(None)) == 1
    assert _count(session, AuditEvent, AuditEvent.action == "demo.load") == 1


def test_members_per_org_sets_the_size(session):
    demo.load_demo_data(session, members_per_org=0)
    assert _count(session, User, User.username.like("%.member%")) == 0
    for org in _orgs(session).values():
        assert seats_used(session, org_id=org.id) <= org.seat_count


@pytest.mark.parametrize("size", [-1, demo.MAX_MEMBERS_PER_ORG + 1, "5"])
def test_members_per_org_is_checked(session, size):
    with pytest.raises(ServiceError, match="Members per organization"):
        demo.load_demo_data(session, members_per_org=size)
    assert _count(session, User) == 0


def test_the_data_is_the_same_every_time(engine):
    from sqlmodel import Session

    def names() -> tuple:
        with Session(engine) as session, session.begin():
            demo.load_demo_data(session, members_per_org=3)
            result = (
                sorted(session.exec(select(User.username)).all()),
                sorted(session.exec(select(Organization.title, Organization.seat_count)).all()),
                sorted(session.exec(select(Invitation.email)).all()),
            )
            session.rollback()
        return result

    assert names() == names()


def test_loading_twice_is_refused(session, loaded):
    with pytest.raises(ServiceError, match="already loaded"):
        demo.load_demo_data(session)


def test_progress_is_reported_per_generated_member(session):
    seen = []
    demo.load_demo_data(session, members_per_org=2, progress=lambda d, t: seen.append((d, t)))
    total = 2 * len(demo.ORGANIZATIONS)
    assert seen == [(done, total) for done in range(1, total + 1)]


# The command line


def test_cli_demo_data_if_empty_loads_once(app_database, uow, capsys):
    assert cli.main(["demo-data", "--if-empty", "--members", "2"]) == 0
    first = capsys.readouterr()
    assert "owner1    owner-demo-1" in first.out
    with uow() as session:
        users_after_first = _count(session, User)

    assert cli.main(["demo-data", "--if-empty", "--members", "2"]) == 0
    second = capsys.readouterr()
    assert "not loaded" in second.out
    assert "owner-demo-1" not in second.out
    with uow() as session:
        assert _count(session, User) == users_after_first
        assert _count(session, AuditEvent, AuditEvent.action == "demo.load") == 1


def test_cli_demo_data_if_empty_skips_a_database_with_a_staff_account(app_database, uow, capsys):
    assert cli.main(["create-staff", "--username", "admin", "--email", "admin@example.com",
                     "--password", "desk-pass-12"]) == 0
    assert cli.main(["demo-data", "--if-empty"]) == 0
    with uow() as session:
        assert _count(session, User) == 1
        assert _count(session, Organization) == 0


def test_cli_demo_data_without_if_empty_refuses_a_second_load(app_database, capsys):
    assert cli.main(["demo-data", "--members", "0"]) == 0
    capsys.readouterr()
    assert cli.main(["demo-data", "--members", "0"]) == 1
    assert "already loaded" in capsys.readouterr().err


def test_cli_demo_data_shows_a_progress_bar_for_many_members(app_database, capsys):
    members = -(-cli.PROGRESS_MIN_MEMBERS // len(demo.ORGANIZATIONS))  # just enough
    assert cli.main(["demo-data", "--members", str(members)]) == 0
    err = capsys.readouterr().err
    total = members * len(demo.ORGANIZATIONS)
    assert f"100%  {total:,}/{total:,} members" in err


def test_cli_demo_data_small_loads_show_no_progress_bar(app_database, capsys):
    assert cli.main(["demo-data", "--members", "1"]) == 0
    assert "members" not in capsys.readouterr().err
