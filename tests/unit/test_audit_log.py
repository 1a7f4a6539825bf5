"""The audit log: filtered by organization, user and action, newest first, paged, staff only."""

import pytest
from factories import make_org, make_staff, make_user
from sqlmodel import delete

from membersync_app.models import Organization
from membersync_app.services import audit, audit_log, catalog
from membersync_app.services.errors import ServiceError


def test_filters_combine_and_newest_comes_first(session):
    staff = make_staff(session, username="stella")
    other = make_staff(session, username="oscar")
    acme = make_org(session, title="Acme")
    beta = make_org(session, title="Beta")
    audit.record(session, actor=staff, action="member.add", organization_id=acme.id,
                 email="a@example.com")
    audit.record(session, actor=other, action="member.add", organization_id=beta.id)
    audit.record(session, actor=staff, action="member.remove", organization_id=acme.id)
    catalog.create_course(session, actor=staff, title="C", lesson_count=1)

    def actions(**filters):
        return [r.action for r in audit_log.list_events(session, actor=staff, **filters).rows]

    assert actions() == ["course.create", "member.remove", "member.add", "member.add"]
    assert actions(organization="acme") == ["member.remove", "member.add"]
    assert actions(organization=str(beta.id)) == ["member.add"]
    assert actions(user="oscar") == ["member.add"]
    assert actions(action="member.add", user="stella") == ["member.add"]
    assert actions(descending=False)[0] == "member.add"
    row = audit_log.list_events(session, actor=staff, organization="Acme",
                                action="member.add").rows[0]
    assert (row.actor, row.organization, row.details) == (
        "stella", "Acme", '{"email": "a@example.com"}')
    assert audit_log.audit_actions(session, actor=staff) == ["course.create", "member.add",
                                                        "member.remove"]


def test_events_of_a_deleted_organization_stay_readable(session):
    staff = make_staff(session)
    org = make_org(session, title="Gone")
    audit.record(session, actor=None, action="organization.delete", organization_id=org.id)
    session.exec(delete(Organization).where(Organization.id == org.id))
    row = audit_log.list_events(session, actor=staff, organization=str(org.id)).rows[0]
    assert (row.actor, row.organization) == ("system", f"#{org.id} (deleted)")


def test_pages(session):
    staff = make_staff(session)
    for n in range(45):
        audit.record(session, actor=staff, action="test.event", organization_id=None, n=n)
    page = audit_log.list_events(session, actor=staff, page=3, page_size=20)
    assert (page.total, page.page_count, len(page.rows)) == (45, 3, 5)
    assert page.rows[-1].details == '{"n": 0}'


@pytest.mark.parametrize("filters", [{"organization": 5}, {"user": ["x"]}, {"action": {}},
                                     {"page": "1"}])
def test_refuses_filters_of_the_wrong_type(session, filters):
    staff = make_staff(session)
    with pytest.raises(ServiceError):
        audit_log.list_events(session, actor=staff, **filters)


def test_only_staff_read_the_log(session):
    with pytest.raises(ServiceError):
        audit_log.list_events(session, actor=make_user(session))
    with pytest.raises(ServiceError):
        audit_log.audit_actions(session, actor=None)


def test_one_organization_by_id_not_by_the_digits_in_other_titles(session):
    """Issue 9, item 9: the "Audit log" link of organization 9 showed every title with a 9."""
    staff = make_staff(session)
    org = make_org(session, title="Plain")
    lookalike = make_org(session, title=f"Branch {org.id} North")
    audit.record(session, actor=staff, action="member.add", organization_id=org.id)
    audit.record(session, actor=staff, action="member.add", organization_id=lookalike.id)
    by_text = audit_log.list_events(session, actor=staff, organization=str(org.id)).rows
    assert {r.organization for r in by_text} == {"Plain", lookalike.title}  # typed text
    by_id = audit_log.list_events(session, actor=staff, organization_id=str(org.id)).rows
    assert [r.organization for r in by_id] == ["Plain"]
    with pytest.raises(ServiceError):
        audit_log.list_events(session, actor=staff, organization_id="nine")


def test_details_read_as_lines(session):
    staff = make_staff(session)
    org = make_org(session, title="Acme")
    audit.record(session, actor=staff, action="organization.update_settings",
                 organization_id=org.id, title=["Old", "New"],
                 seat_count=[3, 5])
    audit.record(session, actor=staff, action="organization.update", organization_id=org.id,
                 title="New",
                 changes={"expires_at": [None, "2031-01-31"], "seat_type_id": [1, 2]})
    audit.record(session, actor=staff, action="seat_type.update", organization_id=None,
                 name="Basic", course_ids=[1, 2],
                 is_staff=True)
    lines = [r.lines for r in audit_log.list_events(session, actor=staff, descending=False).rows]
    assert lines == [
        ("Seat count: 3 → 5", "Title: Old → New"),
        ("Expires at: — → 2031-01-31", "Seat type id: 1 → 2", "Title: New"),
        ("Course ids: 1, 2", "Is staff: yes", "Name: Basic"),
    ]
