"""Edit forms opened a while ago (issue 9, item 4): only the fields the person changed are
written, and a field someone else changed since the form opened is a conflict that says who
changed what; the admin forms (organizations, types, catalog, users) use services/edits.py."""

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

from membersync_app.models import Organization
from membersync_app.services import admin_organizations, catalog, org_types, users
from membersync_app.services.edits import EditConflict


@pytest.fixture
def staff(session):
    return make_staff(session, full_name="Ada Admin"), make_staff(session, full_name="Bo Boss")


def _org_fields(form, **changes):
    fields = {"title": form.title, "expires_at": form.expires_on,
              "seat_count": str(form.seat_count), "org_type_id": str(form.org_type_id),
              "seat_type_id": "" if form.seat_type_id is None else str(form.seat_type_id)}
    return {**fields, **changes}


def test_admin_organization_form_keeps_another_staff_members_change(session, staff):
    ada, bo = staff
    org = make_org(session, title="Acme", seat_count=5)
    form_a = admin_organizations.get_organization_form(session, actor=ada, org_id=org.id)
    form_b = admin_organizations.get_organization_form(session, actor=bo, org_id=org.id)
    admin_organizations.update_organization(session, actor=ada, org_id=org.id, opened=form_a.opened,
                                            **_org_fields(form_a, title="Acme Renamed"))
    admin_organizations.update_organization(session, actor=bo, org_id=org.id, opened=form_b.opened,
                                            **_org_fields(form_b, seat_count="9"))
    assert (org.title, org.seat_count) == ("Acme Renamed", 9)


def test_admin_organization_conflict_names_the_person_and_the_field(session, staff):
    ada, bo = staff
    org = make_org(session, title="Acme", seat_count=5)
    form_a = admin_organizations.get_organization_form(session, actor=ada, org_id=org.id)
    form_b = admin_organizations.get_organization_form(session, actor=bo, org_id=org.id)
    admin_organizations.update_organization(session, actor=ada, org_id=org.id, opened=form_a.opened,
                                            **_org_fields(form_a, seat_count="7"))
    with pytest.raises(EditConflict, match=r"^Ada Admin changed Seat count of this organization"):
        admin_organizations.update_organization(session, actor=bo, org_id=org.id,
                                                opened=form_b.opened,
                                                **_org_fields(form_b, seat_count="8"))
    assert org.seat_count == 7


def test_org_type_tabs_write_only_what_changed(session, staff):
    ada, bo = staff
    course = make_course(session)
    org_type = make_org_type(session, name="Club")
    form_a = org_types.get_org_type_form(session, actor=ada, org_type_id=org_type.id)
    form_b = org_types.get_org_type_form(session, actor=bo, org_type_id=org_type.id)

    def fields(form, **changes):
        return {"name": form.name, "visibility": form.visibility,
                "default_seat_type_id": form.default_seat_type_id,
                "permissions": form.permissions, "invitation_days": form.invitation_days,
                "access_ends_at_expiry": form.access_ends_at_expiry,
                "auto_add_domain": form.auto_add_domain,
                "benefits": {role: vars(b) for role, b in form.benefits.items()}, **changes}

    org_types.update_org_type(session, actor=ada, org_type_id=org_type.id, opened=form_a.opened,
                              **fields(form_a, name="Club Renamed"))
    # Bo, on the Seat Benefits tab of a form opened before Ada's rename, gives members a course.
    org_types.update_org_type(session, actor=bo, org_type_id=org_type.id, opened=form_b.opened,
                              **fields(form_b, benefits={"member": {"course_ids": [course.id]}}))
    saved = org_types.get_org_type_form(session, actor=ada, org_type_id=org_type.id)
    assert saved.name == "Club Renamed"
    assert saved.benefits["member"].course_ids == [course.id]
    with pytest.raises(EditConflict, match=r"^Ada Admin changed Name of this organization type"):
        org_types.update_org_type(session, actor=bo, org_type_id=org_type.id, opened=form_b.opened,
                                  **fields(form_b, name="Club B"))


@pytest.mark.parametrize("kind", ["course", "license", "seat_type"])
def test_catalog_forms_detect_conflicts_and_merge_the_rest(session, staff, kind):
    ada, bo = staff
    if kind == "course":
        item = make_course(session, title="Fire", lesson_count=3)
        opened = catalog.opened_course(item)

        def save(actor, opened, **changes):
            fields = {"title": "Fire", "lesson_count": "3", **changes}
            return catalog.update_course(session, actor=actor, course_id=item.id, opened=opened,
                                         **fields)
        first, second, clash = {"title": "Fire 2"}, {"lesson_count": "4"}, {"title": "Fire 3"}
    elif kind == "license":
        item = make_license(session, name="Office", product="Suite")
        opened = catalog.opened_license(item)

        def save(actor, opened, **changes):
            fields = {"name": "Office", "product": "Suite", **changes}
            return catalog.update_license(session, actor=actor, license_id=item.id, opened=opened,
                                          **fields)
        first, second, clash = {"name": "Office 2"}, {"product": "Suite 2"}, {"name": "Office 3"}
    else:
        course = make_course(session)
        item = make_seat_type(session, name="Basic")
        opened = catalog.get_seat_type_form(session, actor=ada, seat_type_id=item.id).opened

        def save(actor, opened, **changes):
            fields = {"name": "Basic", "course_ids": [], "license_ids": [], **changes}
            return catalog.update_seat_type(session, actor=actor, seat_type_id=item.id,
                                            opened=opened,
                                            **fields)
        first, second, clash = ({"name": "Basic 2"}, {"course_ids": [str(course.id)]},
                                {"name": "Basic 3"})
    save(ada, opened, **first)
    save(bo, opened, **second)  # a field Ada did not touch: both changes stay
    with pytest.raises(EditConflict, match="^Ada Admin changed"):
        save(bo, opened, **clash)
    session.refresh(item)
    assert getattr(item, next(iter(first))) == next(iter(first.values()))


def test_staff_edit_a_users_name_and_email(session, staff):
    ada, bo = staff
    user = make_user(session, full_name="Tpyo Name", email="wrong@example.com")
    form_a = users.opened_user(user)
    form_b = users.opened_user(user)
    users.update_user(session, actor=ada, user_id=user.id, full_name="Typo Name",
                      email="wrong@example.com", opened=form_a)
    users.update_user(session, actor=bo, user_id=user.id, full_name="Tpyo Name",
                      email="Right@Example.com", opened=form_b)
    assert (user.full_name, user.email) == ("Typo Name", "right@example.com")
    with pytest.raises(EditConflict, match="^Bo Boss changed Email of this user"):
        users.update_user(session, actor=ada, user_id=user.id, full_name="Typo Name",
                          email="other@example.com", opened=form_a)


def test_a_form_opened_on_another_organization_says_nothing_about_this_one(session):
    # Found by the fuzzing: the fields that matched the other organization's form were taken
    # as "unchanged" and silently not written.
    staff = make_staff(session)
    seat_type = make_seat_type(session)
    first = make_org(session, seat_type=seat_type)
    second = make_org(session)
    second.seat_type_id = None
    session.add(second)
    session.flush()
    opened_on_first = admin_organizations.get_organization_form(
        session, actor=staff, org_id=first.id).opened
    admin_organizations.update_organization(
        session, actor=staff, org_id=second.id, title=second.title, expires_at="",
        seat_count=str(second.seat_count), org_type_id=second.org_type_id,
        seat_type_id=seat_type.id, opened=opened_on_first)
    assert session.get(Organization, second.id).seat_type_id == seat_type.id
