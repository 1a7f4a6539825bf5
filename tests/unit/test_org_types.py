"""Organization types: the three tabs validated and saved, unique names, access follows edits."""

import pytest
from factories import (
    make_course,
    make_license,
    make_membership,
    make_org,
    make_org_type,
    make_seat_type,
    make_staff,
    make_user,
)
from sqlmodel import select

from membersync_app.models import (
    AuditEvent,
    OrganizationType,
    Role,
    RoleBenefitCourse,
    Visibility,
)
from membersync_app.services import org_types
from membersync_app.services.errors import FieldErrors, ServiceError
from membersync_app.services.permissions import Action, access_org


def _all_tabs(session, **overrides):
    seat_type = make_seat_type(session)
    course, other = make_course(session), make_course(session)
    lic = make_license(session)
    values = {
        "name": "Corporate Team",
        "visibility": "public",
        "default_seat_type_id": str(seat_type.id),
        "permissions": {"managers_add_members": True, "managers_manage_seats": True},
        "invitation_days": "30",
        "access_ends_at_expiry": False,
        "auto_add_domain": "@Example.COM",
        "benefits": {"owner": {"course_ids": [course.id, other.id], "license_ids": [lic.id]},
                     "member": {"course_ids": [str(course.id)]}},
    }
    values.update(overrides)
    return values, seat_type, course, other, lic


def test_create_saves_all_three_tabs(session):
    staff = make_staff(session)
    values, seat_type, course, other, lic = _all_tabs(session)
    created = org_types.create_org_type(session, actor=staff, **values)
    assert created.visibility == Visibility.PUBLIC
    assert created.default_seat_type_id == seat_type.id
    assert (created.managers_add_members, created.managers_invite,
            created.managers_manage_seats) == (True, False, True)
    assert (created.invitation_days, created.access_ends_at_expiry) == (30, False)
    assert created.auto_add_domain == "example.com"
    form = org_types.get_org_type_form(session, actor=staff, org_type_id=created.id)
    assert form.benefits["owner"].course_ids == sorted([course.id, other.id])
    assert form.benefits["owner"].license_ids == [lic.id]
    assert form.benefits["manager"].course_ids == []
    assert form.benefits["member"].course_ids == [course.id]
    event = session.exec(select(AuditEvent)).one()
    assert event.action == "organization_type.create" and event.details["name"] == "Corporate Team"


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"name": ""}, "name"),
        ({"visibility": "secret"}, "visibility"),
        ({"default_seat_type_id": "999999"}, "default_seat_type_id"),
        ({"default_seat_type_id": {"id": 1}}, "default_seat_type_id"),
        ({"permissions": {"is_staff": True}}, "permissions"),
        ({"permissions": {"managers_invite": "yes"}}, "permissions"),
        ({"invitation_days": "0"}, "invitation_days"),
        ({"invitation_days": "366"}, "invitation_days"),
        ({"invitation_days": "two"}, "invitation_days"),
        ({"access_ends_at_expiry": "on"}, "access_ends_at_expiry"),
        ({"auto_add_domain": "not a domain"}, "auto_add_domain"),
        ({"benefits": {"staff": {}}}, "benefits"),
        ({"benefits": {"owner": {"course_ids": [999_999]}}}, "benefits"),
        ({"benefits": ["owner"]}, "benefits"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(session, override, field):
    staff = make_staff(session)
    values, *_ = _all_tabs(session, **override)
    with pytest.raises(FieldErrors) as refused:
        org_types.create_org_type(session, actor=staff, **values)
    assert field in refused.value.errors
    assert session.exec(select(OrganizationType)).all() == []
    assert session.exec(select(AuditEvent)).all() == []


def test_several_problems_are_reported_together(session):
    staff = make_staff(session)
    with pytest.raises(FieldErrors) as refused:
        org_types.create_org_type(session, actor=staff, name=" ", visibility="x",
                                  invitation_days="-1")
    assert set(refused.value.errors) == {"name", "visibility", "invitation_days"}


def test_duplicate_name_is_refused(session):
    staff = make_staff(session)
    make_org_type(session, name="Partner")
    with pytest.raises(FieldErrors) as refused:
        org_types.create_org_type(session, actor=staff, name="PARTNER")
    assert refused.value.errors["name"] == "An organization type named “PARTNER” already exists."


def test_only_staff_may_touch_types(session):
    user = make_user(session)
    org_type = make_org_type(session)
    for call in (
        lambda: org_types.create_org_type(session, actor=user, name="X"),
        lambda: org_types.update_org_type(session, actor=user, org_type_id=org_type.id, name="X",
                                          visibility="hidden"),
        lambda: org_types.delete_org_type(session, actor=user, org_type_id=org_type.id),
        lambda: org_types.list_org_types(session, actor=user),
        lambda: org_types.get_org_type_form(session, actor=None, org_type_id=org_type.id),
    ):
        with pytest.raises(ServiceError, match=r"Only staff|sign in"):
            call()
    assert session.get(OrganizationType, org_type.id).visibility == Visibility.PRIVATE


def test_editing_access_reaches_existing_members_at_once(session):
    """Access is computed from the type on every check: no copy to keep in sync."""
    staff = make_staff(session)
    org_type = make_org_type(session, managers_invite=True)
    org = make_org(session, org_type=org_type)
    manager_user = make_user(session)
    make_membership(session, org, manager_user, role=Role.MANAGER)
    access_org(session, actor=manager_user, org_id=org.id, action=Action.INVITE)
    form = org_types.get_org_type_form(session, actor=staff, org_type_id=org_type.id)
    permissions = {**form.permissions, "managers_invite": False}
    org_types.update_org_type(session, actor=staff, org_type_id=org_type.id, name=form.name,
                              visibility=form.visibility, permissions=permissions,
                              invitation_days=form.invitation_days,
                              access_ends_at_expiry=form.access_ends_at_expiry)
    with pytest.raises(ServiceError, match="Managers of this organization may not"):
        access_org(session, actor=manager_user, org_id=org.id, action=Action.INVITE)


def test_update_replaces_seat_benefits_and_audits_the_change(session):
    staff = make_staff(session)
    a, b = make_course(session), make_course(session)
    org_type = make_org_type(session, benefit_courses={"owner": [a]})
    org_types.update_org_type(session, actor=staff, org_type_id=org_type.id, name=org_type.name,
                              visibility="private",
                              benefits={"manager": {"course_ids": [b.id]}})
    rows = session.exec(select(RoleBenefitCourse)).all()
    assert [(str(r.role), r.course_id) for r in rows] == [("manager", b.id)]
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "organization_type.update")).one()
    assert "benefits" in event.details["changes"]


def test_delete_refused_while_organizations_use_it(session):
    staff = make_staff(session)
    org_type = make_org_type(session, name="Busy")
    make_org(session, title="Acme", org_type=org_type)
    make_org(session, title="Bolt", org_type=org_type)
    with pytest.raises(ServiceError, match="“Acme”") as refused:
        org_types.delete_org_type(session, actor=staff, org_type_id=org_type.id)
    assert refused.value.message == (
        "Cannot delete the organization type “Busy”: it is still used by organizations “Acme”, "
        "“Bolt”. Change their type first.")
    unused = make_org_type(session)
    org_types.delete_org_type(session, actor=staff, org_type_id=unused.id)
    assert session.get(OrganizationType, unused.id) is None


def test_list_sorts_by_organization_count(session):
    staff = make_staff(session)
    busy, quiet = make_org_type(session, name="B busy"), make_org_type(session, name="A quiet")
    make_org(session, org_type=busy)
    make_org(session, org_type=busy)
    page = org_types.list_org_types(session, actor=staff, sort="organizations", descending=True)
    assert [(r.name, r.organization_count) for r in page.rows] == [("B busy", 2), ("A quiet", 0)]
    assert quiet.id in [r.id for r in org_types.list_org_types(session, actor=staff,
                                                                 search="quiet").rows]
