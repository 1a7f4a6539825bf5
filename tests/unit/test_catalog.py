"""Courses, licenses and seat types: staff only, validated, unique names, refused deletes in use."""

import pytest
from factories import (
    make_course,
    make_license,
    make_org,
    make_org_type,
    make_seat_type,
    make_staff,
    make_user,
)
from sqlmodel import select

from membersync_app.models import AuditEvent, Course, License, Role, SeatType, SeatTypeCourse
from membersync_app.services import catalog, listing
from membersync_app.services.errors import FieldErrors, ServiceError


def _actions(session):
    return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]


def test_create_course_trims_the_title_and_writes_an_audit_event(session):
    staff = make_staff(session)
    course = catalog.create_course(session, actor=staff, title="  Fire   Safety ", lesson_count="4")
    assert (course.title, course.lesson_count) == ("Fire Safety", 4)
    assert _actions(session) == ["course.create"]


@pytest.mark.parametrize(
    ("title", "lessons", "field"),
    [("", "3", "title"), ("   ", "3", "title"), ("Ok", "0", "lesson_count"),
     ("Ok", "2.5", "lesson_count"), ("Ok", "abc", "lesson_count"), ("Ok", {"x": 1}, "lesson_count"),
     ({"evil": 1}, "3", "title")],
)
def test_course_refuses_bad_input_and_saves_nothing(session, title, lessons, field):
    staff = make_staff(session)
    with pytest.raises(FieldErrors) as refused:
        catalog.create_course(session, actor=staff, title=title, lesson_count=lessons)
    assert field in refused.value.errors
    assert session.exec(select(Course)).all() == []
    assert _actions(session) == []


def test_duplicate_course_title_is_refused_case_insensitively(session):
    staff = make_staff(session)
    make_course(session, title="Safety Basics")
    with pytest.raises(FieldErrors) as refused:
        catalog.create_course(session, actor=staff, title="safety basics", lesson_count=2)
    assert refused.value.errors == {"title": "A course titled “safety basics” already exists."}


def test_renaming_a_course_to_its_own_name_is_fine_but_not_to_another(session):
    staff = make_staff(session)
    first = make_course(session, title="One")
    make_course(session, title="Two")
    catalog.update_course(session, actor=staff, course_id=first.id, title="ONE", lesson_count=3)
    assert (first.title, first.lesson_count) == ("ONE", 3)
    with pytest.raises(FieldErrors) as refused:
        catalog.update_course(session, actor=staff, course_id=first.id, title="two", lesson_count=3)
    assert "title" in refused.value.errors
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "course.update")).one()
    assert event.details["changes"] == {"title": ["One", "ONE"], "lesson_count": [5, 3]}


def test_non_staff_and_signed_out_are_refused_everywhere(session):
    user = make_user(session)
    course = make_course(session)
    for actor in (user, None):
        for call in (
            lambda a: catalog.create_course(session, actor=a, title="X", lesson_count=1),
            lambda a: catalog.update_course(session, actor=a, course_id=course.id, title="X",
                                            lesson_count=1),
            lambda a: catalog.delete_course(session, actor=a, course_id=course.id),
            lambda a: catalog.list_courses(session, actor=a),
            lambda a: catalog.create_license(session, actor=a, name="X", product=""),
            lambda a: catalog.create_seat_type(session, actor=a, name="X"),
            lambda a: catalog.list_seat_types(session, actor=a),
        ):
            with pytest.raises(ServiceError):
                call(actor)
    assert [c.title for c in session.exec(select(Course))] == [course.title]


def test_deleting_a_course_in_use_names_the_users(session):
    staff = make_staff(session)
    course = make_course(session, title="Used")
    make_seat_type(session, name="Gold Seat", courses=[course])
    make_org_type(session, name="Partner", benefit_courses={Role.MANAGER: [course]})
    with pytest.raises(ServiceError) as refused:
        catalog.delete_course(session, actor=staff, course_id=course.id)
    assert "“Gold Seat”" in refused.value.message
    assert "“Partner”" in refused.value.message
    assert refused.value.message == (  # word for word (records.delete_unless_used)
        "Cannot delete the course “Used”: it is still used by seat types “Gold Seat” and the "
        "Seat Benefits of organization types “Partner”. Remove it there first.")
    assert session.get(Course, course.id) is not None
    unused = make_course(session)
    catalog.delete_course(session, actor=staff, course_id=unused.id)
    assert session.get(Course, unused.id) is None
    assert _actions(session) == ["course.delete"]


def test_license_create_update_delete_and_duplicate(session):
    staff = make_staff(session)
    lic = catalog.create_license(session, actor=staff, name="VPN", product="Secure")
    with pytest.raises(FieldErrors) as refused:
        catalog.create_license(session, actor=staff, name="vpn", product="")
    assert "name" in refused.value.errors
    catalog.update_license(session, actor=staff, license_id=lic.id, name="VPN Pro",
                           product="Secure")
    make_seat_type(session, name="Net Seat", licenses=[lic])
    with pytest.raises(ServiceError, match="Net Seat"):
        catalog.delete_license(session, actor=staff, license_id=lic.id)
    assert session.get(License, lic.id).name == "VPN Pro"


def test_seat_type_picks_courses_and_licenses_and_edits_them(session):
    staff = make_staff(session)
    a, b = make_course(session), make_course(session)
    lic = make_license(session)
    seat_type = catalog.create_seat_type(session, actor=staff, name="Standard",
                                         course_ids=[str(a.id), a.id], license_ids=[lic.id])
    form = catalog.get_seat_type_form(session, actor=staff, seat_type_id=seat_type.id)
    assert (form.course_ids, form.license_ids) == ([a.id], [lic.id])
    catalog.update_seat_type(session, actor=staff, seat_type_id=seat_type.id, name="Standard",
                             course_ids=[b.id], license_ids=[])
    form = catalog.get_seat_type_form(session, actor=staff, seat_type_id=seat_type.id)
    assert (form.course_ids, form.license_ids) == ([b.id], [])
    rows = session.exec(select(SeatTypeCourse)).all()
    assert [(r.seat_type_id, r.course_id) for r in rows] == [(seat_type.id, b.id)]


@pytest.mark.parametrize("course_ids", [[999_999], "1,2", {"1": 1}, [None], [True]])
def test_seat_type_refuses_unknown_or_malformed_ids(session, course_ids):
    staff = make_staff(session)
    with pytest.raises(FieldErrors) as refused:
        catalog.create_seat_type(session, actor=staff, name="Bad", course_ids=course_ids)
    assert "course_ids" in refused.value.errors
    assert session.exec(select(SeatType)).all() == []


@pytest.mark.parametrize(("org_title", "used_by"), [
    ("Acme", "organizations “Acme” and organization types “Corporate” (default seat type)"),
    (None, "organization types “Corporate” (default seat type)"),  # names only what uses it
])
def test_deleting_a_seat_type_in_use_names_organizations_and_types(session, org_title, used_by):
    staff = make_staff(session)
    seat_type = make_seat_type(session, name="Pro")
    if org_title:
        make_org(session, title=org_title, seat_type=seat_type)
    make_org_type(session, name="Corporate", default_seat_type=seat_type)
    with pytest.raises(ServiceError) as refused:
        catalog.delete_seat_type(session, actor=staff, seat_type_id=seat_type.id)
    assert "“Corporate”" in refused.value.message
    if org_title:
        assert "“Acme”" in refused.value.message
    assert refused.value.message == (
        f"The seat type “Pro” is still used by {used_by}. Change those first.")
    lonely = make_seat_type(session)
    catalog.delete_seat_type(session, actor=staff, seat_type_id=lonely.id)
    assert session.get(SeatType, lonely.id) is None


def test_course_list_searches_sorts_and_pages_in_sql(session):
    staff = make_staff(session)
    for n in range(25):
        make_course(session, title=f"Course {n:02d}", lesson_count=n + 1)
    make_course(session, title="Other 100%_")
    page = catalog.list_courses(session, actor=staff, search="course", page=2, page_size=10)
    assert page.total == 25 and page.page_count == 3
    assert [r.title for r in page.rows] == [f"Course {n:02d}" for n in range(10, 20)]
    page = catalog.list_courses(session, actor=staff, sort="lesson_count", descending=True,
                                page_size=3)
    assert [r.lesson_count for r in page.rows] == [25, 24, 23]
    # LIKE wildcards are matched literally.
    assert [r.title for r in catalog.list_courses(session, actor=staff, search="%_").rows] == [
        "Other 100%_"]
    # A page past the end shows the last page.
    assert catalog.list_courses(session, actor=staff, page=99, page_size=10).page == 3


@pytest.mark.parametrize(
    "kwargs",
    [{"page": "2"}, {"page": {"a": 1}}, {"page_size": 2.5}, {"search": ["x"]},
     {"sort": {"x": 1}}, {"descending": "yes"}],
)
def test_list_refuses_arguments_of_the_wrong_type(session, kwargs):
    staff = make_staff(session)
    with pytest.raises(ServiceError):
        catalog.list_courses(session, actor=staff, **kwargs)


def test_unknown_sort_falls_back_and_page_size_is_capped(session):
    staff = make_staff(session)
    page = catalog.list_courses(session, actor=staff, sort="password_hash; drop", page_size=10_000)
    assert page.page_size == listing.MAX_PAGE_SIZE
