"""The shared list helper of services/listing.py and delete helper of services/records.py,
seen through the services that use them: `list_page` (search in several columns, sort names from
the sort columns, the last page for a page past the end) and `delete_unless_used` (the refusal
names every user, word for word)."""

import pytest
from factories import make_course, make_license, make_org, make_org_type, make_seat_type, make_staff

from membersync_app.models import Role
from membersync_app.services import catalog, org_types
from membersync_app.services.errors import ServiceError


def test_a_search_finds_a_row_by_any_of_its_searched_columns(session):
    staff = make_staff(session)
    make_license(session, name="VPN", product="Network")
    make_license(session, name="Office", product="Desk vpn kit")
    make_license(session, name="Paint", product="Art")
    page = catalog.list_licenses(session, actor=staff, search="vpn", sort="name")
    assert [row.name for row in page.rows] == ["Office", "VPN"]
    assert page.total == 2


def test_the_sorts_offered_are_the_sort_columns_and_a_page_past_the_end_is_the_last(session):
    staff = make_staff(session)
    for title, lessons in (("B", 3), ("A", 9), ("C", 1)):
        make_course(session, title=title, lesson_count=lessons)
    by_lessons = catalog.list_courses(session, actor=staff, sort="lesson_count", descending=True)
    assert [row.title for row in by_lessons.rows] == ["A", "B", "C"]
    unknown = catalog.list_courses(session, actor=staff, sort="used_by")
    assert [row.title for row in unknown.rows] == ["A", "B", "C"]  # the default: by title
    last = catalog.list_courses(session, actor=staff, page=7, page_size=2)
    assert (last.page, [row.title for row in last.rows]) == (2, ["C"])


def test_deleting_a_course_in_use_says_which_seat_types_and_types_use_it(session):
    staff = make_staff(session)
    course = make_course(session, title="Used")
    make_seat_type(session, name="Gold Seat", courses=[course])
    make_org_type(session, name="Partner", benefit_courses={Role.MANAGER: [course]})
    with pytest.raises(ServiceError) as refused:
        catalog.delete_course(session, actor=staff, course_id=course.id)
    assert refused.value.message == (
        "Cannot delete the course “Used”: it is still used by seat types “Gold Seat” and the "
        "Seat Benefits of organization types “Partner”. Remove it there first.")


def test_deleting_a_seat_type_in_use_names_only_what_uses_it(session):
    staff = make_staff(session)
    seat_type = make_seat_type(session, name="Pro")
    make_org_type(session, name="Corporate", default_seat_type=seat_type)
    with pytest.raises(ServiceError) as refused:
        catalog.delete_seat_type(session, actor=staff, seat_type_id=seat_type.id)
    assert refused.value.message == (
        "The seat type “Pro” is still used by organization types “Corporate” (default seat "
        "type). Change those first.")


def test_deleting_an_organization_type_in_use_names_its_organizations(session):
    staff = make_staff(session)
    org_type = make_org_type(session, name="Busy")
    make_org(session, title="Acme", org_type=org_type)
    make_org(session, title="Bolt", org_type=org_type)
    with pytest.raises(ServiceError) as refused:
        org_types.delete_org_type(session, actor=staff, org_type_id=org_type.id)
    assert refused.value.message == (
        "Cannot delete the organization type “Busy”: it is still used by organizations “Acme”, "
        "“Bolt”. Change their type first.")
