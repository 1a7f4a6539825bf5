"""state/selection.py's SelectionMixin, fired as a browser tab fires it
(tests/handler_harness.py): the report tables of members tick only a member shown on the page
for a reminder, a table of courses ticks nothing, and the "Select all on this page" header
shows ticked only while every tickable row is."""

import pytest
from factories import make_course, make_membership, make_org, make_seat_type, make_user
from handler_harness import last_value, signed_in_tab

import membersync_app.membersync_app as web_app
from membersync_app import db, routes
from membersync_app.services import auth
from membersync_app.state.org_members import OrgMembersState
from membersync_app.state.org_reports import CourseReportState, UserReportState


@pytest.fixture
def owner_tab(app_database):
    with db.unit_of_work() as session:
        owner = make_user(session)
        course = make_course(session)
        org = make_org(session, owner=owner, seat_count=5,
                       seat_type=make_seat_type(session, courses=[course]))
        shown = make_membership(session, org).id
        make_membership(session, org)
        elsewhere = make_membership(session, make_org(session)).id
        cookie = auth.activate_session(session, grant=auth.start_session(session, user=owner))
        org_id, course_id = org.id, course.id
    with signed_in_tab(web_app.app, cookie) as tab:
        path = routes.org_page(org_id)
        tab.open(path, {"id": str(org_id)})
        yield tab, path, shown, elsewhere, course_id


def test_only_a_member_shown_can_be_ticked_for_a_reminder(owner_tab):
    tab, path, shown, elsewhere, _course_id = owner_tab
    loaded = tab.send(UserReportState.first_page, {}, path)
    assert shown in [row["membership_id"] for row in last_value(loaded, UserReportState, "rows")]
    for row_id in (elsewhere, "two", None):  # another organization's member, not an id
        tab.send(UserReportState.toggle, {"row_id": row_id, "checked": True}, path)
    ticked = tab.send(UserReportState.toggle, {"row_id": shown, "checked": True}, path)
    assert last_value(ticked, UserReportState, "selected") == [shown]


def test_a_table_of_courses_ticks_nothing(owner_tab):
    tab, path, shown, _elsewhere, course_id = owner_tab
    loaded = tab.send(CourseReportState.first_page, {}, path)
    assert [row["course_id"] for row in last_value(loaded, CourseReportState, "rows")] == [
        course_id]
    for row_id in (course_id, shown):  # the course shown, a member
        sent = tab.send(CourseReportState.toggle, {"row_id": row_id, "checked": True}, path)
        assert last_value(sent, CourseReportState, "selected") in (None, [])
    sent = tab.send(CourseReportState.toggle_all, {"checked": True}, path)
    assert last_value(sent, CourseReportState, "selected") in (None, [])


def test_select_all_shows_ticked_only_while_every_tickable_row_is(owner_tab):
    tab, path, shown, _elsewhere, _course_id = owner_tab
    S = OrgMembersState
    loaded = tab.send(S.load_members, {}, path)
    tickable = [row["membership_id"] for row in last_value(loaded, S, "rows")
                if not row["is_owner"]]
    assert len(tickable) == 2 and last_value(loaded, S, "all_selected") is False
    wire = tab.send(S.toggle_all, {"checked": True}, path)
    assert sorted(last_value(wire, S, "selected")) == sorted(tickable)
    assert last_value(wire, S, "all_selected") is True
    wire = tab.send(S.toggle, {"row_id": shown, "checked": False}, path)  # one row cleared
    assert last_value(wire, S, "all_selected") is False
    tab.send(S.toggle_all, {"checked": True}, path)
    wire = tab.send(S.submit_search, {"form_data": {"search": "nobody-matches-this"}}, path)
    assert last_value(wire, S, "selected") == []  # the rows ticked are no longer shown
    assert last_value(wire, S, "all_selected") is False
