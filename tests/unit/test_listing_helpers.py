"""The shared list helper of services/listing.py, seen through a service that uses it:
`list_page` searches in several columns, offers the sort columns' names as sorts, and shows the
last page for a page past the end. (`records.delete_unless_used`'s refusals are checked word for
word by each delete's own test: test_catalog.py, test_org_types.py.)"""

from factories import make_course, make_license, make_staff

from membersync_app.services import catalog


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
    for title, lessons in (("C", 1), ("A", 3), ("B", 9)):  # added, title and lesson orders differ
        make_course(session, title=title, lesson_count=lessons)
    by_lessons = catalog.list_courses(session, actor=staff, sort="lesson_count", descending=True)
    assert [row.title for row in by_lessons.rows] == ["B", "A", "C"]  # not the title order
    unknown = catalog.list_courses(session, actor=staff, sort="used_by")
    assert [row.title for row in unknown.rows] == ["A", "B", "C"]  # the default: by title
    last = catalog.list_courses(session, actor=staff, page=7, page_size=2)
    assert (last.page, [row.title for row in last.rows]) == (2, ["C"])
