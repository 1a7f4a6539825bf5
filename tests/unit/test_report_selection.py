"""state/org_reports.py: the report tables of members tick rows through the shared
SelectionMixin, so only a member shown on the page can be ticked for a reminder, and a table of
courses ticks nothing. Fired as a browser tab fires them (tests/handler_harness.py)."""

import pytest
from factories import make_membership, make_org, make_user
from handler_harness import last_value, signed_in_tab

import membersync_app.membersync_app as web_app
from membersync_app import db, routes
from membersync_app.services import auth
from membersync_app.state.org_reports import CourseReportState, UserReportState


@pytest.fixture
def owner_tab(app_database):
    with db.unit_of_work() as session:
        owner = make_user(session)
        org = make_org(session, owner=owner, seat_count=5)
        shown = make_membership(session, org).id
        elsewhere = make_membership(session, make_org(session)).id
        cookie = auth.activate_session(session, grant=auth.start_session(session, user=owner))
        org_id = org.id
    with signed_in_tab(web_app.app, cookie) as tab:
        path = routes.org_page(org_id)
        tab.open(path, {"id": str(org_id)})
        yield tab, path, shown, elsewhere


def test_only_a_member_shown_can_be_ticked_for_a_reminder(owner_tab):
    tab, path, shown, elsewhere = owner_tab
    loaded = tab.send(UserReportState.first_page, {}, path)
    assert shown in [row["membership_id"] for row in last_value(loaded, UserReportState, "rows")]
    for row_id in (elsewhere, "two", None):  # another organization's member, not an id
        tab.send(UserReportState.toggle, {"row_id": row_id, "checked": True}, path)
    ticked = tab.send(UserReportState.toggle, {"row_id": shown, "checked": True}, path)
    assert last_value(ticked, UserReportState, "selected") == [shown]


def test_a_table_of_courses_ticks_nothing(owner_tab):
    tab, path, shown, _elsewhere = owner_tab
    tab.send(CourseReportState.first_page, {}, path)
    sent = tab.send(CourseReportState.toggle, {"row_id": shown, "checked": True}, path)
    assert last_value(sent, CourseReportState, "selected") in (None, [])
