"""state/admin_common.py: an admin form's unsaved input is kept through a reload — its
checkboxes (permissions, Seat Benefits, a seat type's contents) and the owner fields of
"Add new" organization too, never the new owner's password. Fired as a browser tab fires them
(through the EventGuard, tests/handler_harness.py); a reload is the same tab opening the page
again."""

import pytest
from factories import make_course, make_license, make_org_type, make_seat_type, make_staff
from handler_harness import last_value, signed_in_tab

import membersync_app.membersync_app as web_app
from membersync_app import db, routes
from membersync_app.services import auth, jobs
from membersync_app.services.org_types import PERMISSION_FIELDS
from membersync_app.state.admin_catalog import AdminSeatTypesState
from membersync_app.state.admin_jobs import AdminJobsState
from membersync_app.state.admin_org_types import AdminOrgTypesState
from membersync_app.state.admin_organizations import AdminOrganizationsState


@pytest.fixture
def staff_tab(app_database):
    """A staff member's tab: open(path, record id) and send(handler, payload, path)."""
    with db.unit_of_work() as session:
        staff = make_staff(session)
        cookie = auth.activate_session(session, grant=auth.start_session(session, user=staff))
    with signed_in_tab(web_app.app, cookie) as tab:

        class Tab:
            @staticmethod
            def open(path: str, record_id: int | None = None) -> str:
                return tab.open(path, None if record_id is None else {"id": str(record_id)})

            send = staticmethod(tab.send)

        yield Tab


def test_org_type_ticks_survive_a_reload(staff_tab):
    state = AdminOrgTypesState
    with db.unit_of_work() as session:
        course, licence = make_course(session), make_license(session)
        org_type = make_org_type(session, **{PERMISSION_FIELDS[0]: False})
        ids = org_type.id, str(course.id), str(licence.id)
    org_type_id, course_id, license_id = ids
    path = routes.admin_record(routes.ADMIN_ORG_TYPE, org_type_id)
    opened = staff_tab.open(path, org_type_id)
    assert last_value(opened, state, "f_permissions")[PERMISSION_FIELDS[0]] is False
    assert last_value(opened, state, "f_access_ends_at_expiry") is True

    tick = AdminOrgTypesState.keep_tick
    for name, value, ticked in [(PERMISSION_FIELDS[0], "on", True),
                                ("access_ends_at_expiry", "on", False),
                                ("manager_course_ids", course_id, True),
                                ("member_license_ids", license_id, True),
                                ("member_license_ids", license_id, False),  # cleared again
                                ("member_license_ids", "7", True),
                                ("is_staff", "on", True)]:  # no such checkbox: ignored
        staff_tab.send(tick, {"name": name, "value": value, "ticked": ticked}, path)

    reloaded = staff_tab.open(path, org_type_id)  # before: every tick was lost
    assert last_value(reloaded, state, "draft_restored") is True
    assert last_value(reloaded, state, "f_permissions")[PERMISSION_FIELDS[0]] is True
    assert last_value(reloaded, state, "f_access_ends_at_expiry") is False
    benefits = last_value(reloaded, state, "f_benefits")
    assert benefits["manager_course_ids"] == [course_id]
    assert benefits["member_license_ids"] == ["7"]
    assert "is_staff" not in benefits

    staff_tab.send(AdminOrgTypesState.discard_draft, {}, path)
    fresh = staff_tab.open(path, org_type_id)
    assert last_value(fresh, state, "draft_restored") is False
    assert last_value(fresh, state, "f_permissions")[PERMISSION_FIELDS[0]] is False


def test_seat_type_contents_survive_a_reload(staff_tab):
    state = AdminSeatTypesState
    with db.unit_of_work() as session:
        kept, dropped = make_course(session), make_course(session)
        seat_type = make_seat_type(session, courses=[dropped])
        seat_type_id, kept_id, dropped_id = seat_type.id, str(kept.id), str(dropped.id)
    path = routes.admin_record(routes.ADMIN_SEAT_TYPE, seat_type_id)
    opened = staff_tab.open(path, seat_type_id)
    assert last_value(opened, state, "f_course_ids") == [dropped_id]
    tick = AdminSeatTypesState.keep_tick
    staff_tab.send(tick, {"name": "course_ids", "value": kept_id, "ticked": True}, path)
    staff_tab.send(tick, {"name": "course_ids", "value": dropped_id, "ticked": False}, path)
    staff_tab.send(tick, {"name": "course_ids", "value": ["not", "text"], "ticked": True}, path)

    reloaded = staff_tab.open(path, seat_type_id)
    assert last_value(reloaded, state, "draft_restored") is True
    assert last_value(reloaded, state, "f_course_ids") == [kept_id]


def test_add_new_organization_keeps_the_owner_fields_but_not_the_password(staff_tab):
    path = routes.ADMIN_ORGANIZATIONS
    staff_tab.open(path)
    state = AdminOrganizationsState
    staff_tab.send(state.open_new, {}, path)
    staff_tab.send(state.set_new_owner, {"value": True}, path)
    for name, value in [("title", "Draft Org"), ("new_owner_username", "neo_owner"),
                        ("new_owner_email", "neo@example.com"),
                        ("new_owner_full_name", "Neo Owner"),
                        ("new_owner_password", "a-secret-password")]:
        staff_tab.send(state.keep_draft, {"name": name, "value": value}, path)

    reloaded = staff_tab.open(path)  # the list, naming the form left with unsaved changes
    assert last_value(reloaded, state, "draft_label") == "a new organization"
    restored = staff_tab.send(state.continue_draft, {}, path)
    assert last_value(restored, state, "draft_restored") is True
    assert last_value(restored, state, "new_owner") is True
    assert last_value(restored, state, "f_title") == "Draft Org"
    assert last_value(restored, state, "f_new_owner_username") == "neo_owner"
    assert last_value(restored, state, "f_new_owner_email") == "neo@example.com"
    assert last_value(restored, state, "f_new_owner_full_name") == "Neo Owner"
    assert "a-secret-password" not in reloaded + restored


def test_an_existing_owner_picked_from_the_matches_is_kept(staff_tab):
    path = routes.ADMIN_ORGANIZATIONS
    staff_tab.open(path)
    state = AdminOrganizationsState
    staff_tab.send(state.open_new, {}, path)
    staff_tab.send(state.search_users, {"text": "ann"}, path)
    staff_tab.send(state.pick, {"username": "ann_lee"}, path)
    staff_tab.open(path)
    restored = staff_tab.send(state.continue_draft, {}, path)
    assert last_value(restored, state, "f_owner") == "ann_lee"
    assert last_value(restored, state, "new_owner") is False


def test_a_jobs_edit_survives_a_reload_and_continue_editing_opens_it_in_place(staff_tab):
    """/admin/jobs has no record address: "Continue editing" opens the job's form on the list
    page again, with what was typed."""
    state = AdminJobsState
    with db.unit_of_work() as session:
        job = jobs.create_job(session, actor=make_staff(session), job_type="Install",
                              title="Roof", organization="")
        job_id = job.id
    path = routes.ADMIN_JOBS
    staff_tab.open(path)
    staff_tab.send(state.open_edit, {"record_id": job_id}, path)
    staff_tab.send(state.keep_draft, {"name": "title", "value": "Roof and gutters"}, path)
    # Not a field of the job form: dropped without an error (send asserts none).
    staff_tab.send(state.keep_draft, {"name": "is_staff", "value": "yes"}, path)

    reloaded = staff_tab.open(path)
    assert last_value(reloaded, state, "form_open") is False  # a reload shows no open form
    assert last_value(reloaded, state, "draft_label") == "the job “Roof”"  # as saved
    resumed = staff_tab.send(state.continue_draft, {}, path)
    assert last_value(resumed, state, "editing_id") == job_id
    assert last_value(resumed, state, "f_title") == "Roof and gutters"
    assert last_value(resumed, state, "draft_restored") is True

    # "Discard changes" shows the job as saved, still open (not an empty "Add a job" form)
    discarded = staff_tab.send(state.discard_draft, {}, path)
    assert last_value(discarded, state, "editing_id") == job_id
    assert last_value(discarded, state, "f_title") == "Roof"
    fresh = staff_tab.send(state.open_edit, {"record_id": job_id}, path)
    assert last_value(fresh, state, "f_title") == "Roof"
    assert last_value(fresh, state, "draft_restored") is False
