"""services/access.py: seat type (or the type's default) plus role benefits, only while the
membership is active and the organization has not expired (when its type says so)."""

from datetime import timedelta

from factories import (
    make_course,
    make_license,
    make_membership,
    make_org,
    make_org_type,
    make_seat_type,
    make_user,
)

from membersync_app.models import MembershipStatus, Role, utcnow
from membersync_app.services import access, progress


def titles(result):
    return sorted(c.title for c in result.courses), sorted(lic.name for lic in result.licenses)


def world(session, **org_kwargs):
    seat_course, role_course, manager_course = (make_course(session, title=t)
                                                for t in ("Seat", "Member extra", "Mgr extra"))
    seat_license, role_license = make_license(session, name="L-seat"), make_license(
        session, name="L-mgr")
    default = make_seat_type(session, courses=[seat_course], licenses=[seat_license])
    org_type = make_org_type(
        session, default_seat_type=default,
        benefit_courses={Role.MEMBER: [role_course], Role.MANAGER: [manager_course]},
        benefit_licenses={Role.MANAGER: [role_license]},
        access_ends_at_expiry=org_kwargs.pop("access_ends_at_expiry", True))
    org = make_org(session, org_type=org_type, **org_kwargs)
    return org


def test_member_gets_default_seat_type_plus_role_benefits(session):
    org = world(session)
    user = make_user(session)
    make_membership(session, org, user)
    result = access.my_access(session, actor=user)
    assert titles(result) == (["Member extra", "Seat"], ["L-seat"])
    assert result.courses[0].via == [org.title] and result.courses[0].status == "not started"
    assert [(o.title, o.role, o.grants_access) for o in result.orgs] == [
        (org.title, Role.MEMBER, True)]


def test_manager_gets_manager_benefits_and_role_changes_apply_at_once(session):
    org = world(session)
    user = make_user(session)
    membership = make_membership(session, org, user, role=Role.MANAGER)
    assert titles(access.my_access(session, actor=user)) == (["Mgr extra", "Seat"],
                                                             ["L-mgr", "L-seat"])
    membership.role = Role.MEMBER
    session.add(membership)
    session.flush()
    assert titles(access.my_access(session, actor=user)) == (["Member extra", "Seat"],
                                                             ["L-seat"])


def test_org_seat_type_overrides_the_default(session):
    special = make_course(session, title="Special")
    org = world(session, seat_type=make_seat_type(session, courses=[special]))
    user = make_user(session)
    make_membership(session, org, user)
    assert titles(access.my_access(session, actor=user))[0] == ["Member extra", "Special"]


def test_blocked_membership_gives_nothing(session):
    org = world(session)
    user = make_user(session)
    make_membership(session, org, user, status=MembershipStatus.BLOCKED)
    result = access.my_access(session, actor=user)
    assert titles(result) == ([], [])
    assert "blocked" in result.orgs[0].note


def test_expired_org_ends_access_only_when_its_type_says_so(session):
    past = utcnow() - timedelta(days=1)
    ended = world(session, expires_at=past)
    user = make_user(session)
    make_membership(session, ended, user)
    result = access.my_access(session, actor=user)
    assert titles(result) == ([], []) and "expired" in result.orgs[0].note


def test_expired_org_keeps_access_when_type_allows(session):
    course = make_course(session)
    org = make_org(session, expires_at=utcnow() - timedelta(days=1),
                   org_type=make_org_type(session, access_ends_at_expiry=False),
                   seat_type=make_seat_type(session, courses=[course]))
    user = make_user(session)
    make_membership(session, org, user)
    assert [c.course_id for c in access.my_access(session, actor=user).courses] == [course.id]


def test_progress_shows_on_my_access(session):
    org = world(session)
    user = make_user(session)
    make_membership(session, org, user)
    seat_course = next(c for c in access.my_access(session, actor=user).courses
                       if c.title == "Seat")
    progress.complete_lesson(session, actor=user, course_id=seat_course.course_id, lesson=1)
    again = next(c for c in access.my_access(session, actor=user).courses if c.title == "Seat")
    assert (again.lessons_completed, again.status) == (1, "in progress")


def test_outsider_sees_nothing(session):
    world(session)
    result = access.my_access(session, actor=make_user(session))
    assert (result.orgs, result.courses, result.licenses) == ([], [], [])


def test_my_access_page_is_ready_to_show(session):
    org = world(session, expires_at=utcnow() + timedelta(days=30))
    user = make_user(session)
    make_membership(session, org, user, role=Role.MANAGER)
    seat = next(c for c in access.my_access(session, actor=user).courses if c.title == "Seat")
    progress.complete_lesson(session, actor=user, course_id=seat.course_id, lesson=1)
    page = access.my_access_page(session, actor=user)
    assert [(o.title, o.role, o.expires, o.note) for o in page.orgs] == [
        (org.title, "Manager", org.expires_at.date().isoformat(), "")]
    row = next(c for c in page.courses if c.title == "Seat")
    assert (row.id, row.lessons, row.percent, row.status, row.via) == (
        seat.course_id, "1 / 5", 20, "in progress", org.title)
    assert [(lic.name, lic.product, lic.via) for lic in page.licenses] == [
        ("L-mgr", "Product", org.title), ("L-seat", "Product", org.title)]


def test_lesson_rows_mark_the_done_ones_and_the_next():
    assert [(r.number, r.done, r.is_next) for r in access.lesson_rows(1, 3)] == [
        (1, True, False), (2, False, True), (3, False, False)]
    assert not any(r.is_next for r in access.lesson_rows(3, 3))
