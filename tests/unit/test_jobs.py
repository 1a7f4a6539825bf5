"""Direct jobs: the staff list (search, filters), create / edit / delete, assign and unassign."""

import pytest
from factories import make_org, make_staff
from handler_harness import last_value, signed_in_tab
from sqlmodel import select

import membersync_app.membersync_app as web_app
from membersync_app import db, routes
from membersync_app.models import AuditAction, AuditEvent, Job
from membersync_app.services import auth, jobs
from membersync_app.services.edits import EditConflict
from membersync_app.services.errors import FieldErrors, ServiceError
from membersync_app.state.admin_jobs import AdminJobsState


def _job(session, title, job_type="Install", org=None):
    job = Job(job_type=job_type, title=title, organization_id=org.id if org else None)
    session.add(job)
    session.flush()
    return job


def test_list_searches_titles_and_filters_by_type_and_organization(session):
    staff = make_staff(session)
    acme = make_org(session, title="Acme")
    _job(session, "Roof repair", "Repair", acme)
    _job(session, "Roof install", "Install")
    _job(session, "Boiler install", "Install", acme)
    page = jobs.list_jobs(session, actor=staff, search="roof")
    assert [(r.title, r.organization) for r in page.rows] == [
        ("Roof install", ""), ("Roof repair", "Acme")]
    assert [r.title for r in jobs.list_jobs(session, actor=staff, job_type="Install").rows] == [
        "Boiler install", "Roof install"]
    assert [r.title for r in jobs.list_jobs(session, actor=staff, organization="acm").rows] == [
        "Boiler install", "Roof repair"]
    assert [r.title for r in jobs.list_jobs(session, actor=staff, organization="-").rows] == [
        "Roof install"]
    assert jobs.job_types(session, actor=staff) == ["Install", "Repair"]


def test_create_edit_delete_are_audited_and_checked(session):
    staff = make_staff(session)
    acme = make_org(session, title="Acme")
    with pytest.raises(FieldErrors) as refused:
        jobs.create_job(session, actor=staff, job_type=" ", title="x", organization="Nope")
    assert refused.value.errors == {"job_type": "Job type is required.",
                                    "organization": "No organization is titled “Nope”."}
    job = jobs.create_job(session, actor=staff, job_type="Install", title="Roof",
                          organization="acme")
    assert job.organization_id == acme.id
    jobs.update_job(session, actor=staff, job_id=job.id, job_type="Install", title="Roof 2",
                    organization="")
    assert (job.title, job.organization_id) == ("Roof 2", None)
    jobs.delete_job(session, actor=staff, job_id=job.id)
    assert session.exec(select(Job)).all() == []
    with pytest.raises(ServiceError, match="no longer exists"):
        jobs.delete_job(session, actor=staff, job_id=job.id)
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == [AuditAction.JOB_CREATE, AuditAction.JOB_UPDATE, AuditAction.JOB_DELETE]


def test_assign_existing_unassigned_jobs_and_unassign_them(session):
    staff = make_staff(session)
    acme, other = make_org(session, title="Acme"), make_org(session, title="Other")
    one, two = _job(session, "Roof one"), _job(session, "Roof two")
    theirs = _job(session, "Roof three", org=other)
    _job(session, "Boiler", "Repair")
    found = jobs.find_unassigned_jobs(session, actor=staff, job_type="Install", text="roof")
    assert [j.title for j in found] == ["Roof one", "Roof two"]
    with pytest.raises(ServiceError, match="is assigned to “Other”"):
        jobs.assign_jobs(session, actor=staff, org_id=acme.id, job_ids=[one.id, theirs.id])
    assert one.organization_id is None
    assert jobs.assign_jobs(session, actor=staff, org_id=acme.id, job_ids=[one.id, two.id]) == 2
    page = jobs.list_org_jobs(session, actor=staff, org_id=acme.id)
    assert [r.title for r in page.rows] == ["Roof one", "Roof two"]
    with pytest.raises(ServiceError, match="not assigned to this organization"):
        jobs.unassign_jobs(session, actor=staff, org_id=acme.id, job_ids=[theirs.id])
    assert jobs.unassign_jobs(session, actor=staff, org_id=acme.id, job_ids=[one.id]) == 1
    assert one.organization_id is None and session.get(Job, one.id) is not None
    assert len(session.exec(select(AuditEvent).where(
        AuditEvent.action == AuditAction.JOB_ASSIGN)).all()) == 2


def test_two_forms_on_one_job_keep_both_changes_and_refuse_the_same_field(session):
    ada, bo = make_staff(session, full_name="Ada Admin"), make_staff(session, full_name="Bo Boss")
    acme = make_org(session, title="Acme")
    job = _job(session, "Roof", "Install")
    opened_a = jobs.opened_job(jobs.get_job(session, actor=ada, job_id=job.id))
    opened_b = jobs.opened_job(jobs.get_job(session, actor=bo, job_id=job.id))
    fields = {"job_type": "Install", "title": "Roof", "organization": ""}
    jobs.update_job(session, actor=ada, job_id=job.id, opened=opened_a,
                    **{**fields, "title": "Roof 2"})
    # Bo's form still shows "Roof": his organization goes in, Ada's title stays.
    jobs.update_job(session, actor=bo, job_id=job.id, opened=opened_b,
                    **{**fields, "organization": "Acme"})
    assert (job.title, job.organization_id) == ("Roof 2", acme.id)
    with pytest.raises(EditConflict, match="^Ada Admin changed Title of this job after you"):
        jobs.update_job(session, actor=bo, job_id=job.id, opened=opened_b,
                        **{**fields, "title": "Roof 3", "job_type": "Repair"})
    assert (job.title, job.job_type, job.organization_id) == ("Roof 2", "Install", acme.id)


def test_a_conflict_names_who_assigned_the_job_on_an_organizations_jobs_tab(session):
    """Assigning a job in the back office changes its Organization too: a form opened before
    that names the person who assigned it, and a Title conflict still names whoever edited
    the title, not whoever only moved the job afterwards."""
    ada, bo = make_staff(session, full_name="Ada Admin"), make_staff(session, full_name="Bo Boss")
    cy, dee = make_staff(session, full_name="Cy Clerk"), make_staff(session, full_name="Dee Desk")
    acme = make_org(session, title="Acme")
    make_org(session, title="Other")
    job = _job(session, "Roof", "Install")
    fields = {"job_type": "Install", "title": "Roof", "organization": ""}
    opened_dee = jobs.opened_job(jobs.get_job(session, actor=dee, job_id=job.id))
    jobs.update_job(session, actor=bo, job_id=job.id, **{**fields, "title": "Roof 2"})
    opened_ada = jobs.opened_job(jobs.get_job(session, actor=ada, job_id=job.id))
    jobs.assign_jobs(session, actor=cy, org_id=acme.id, job_ids=[job.id])
    with pytest.raises(EditConflict, match="^Cy Clerk changed Organization of this job after"):
        jobs.update_job(session, actor=ada, job_id=job.id, opened=opened_ada,
                        **{**fields, "title": "Roof 2", "organization": "Other"})
    with pytest.raises(EditConflict, match="^Bo Boss changed Title of this job after"):
        jobs.update_job(session, actor=dee, job_id=job.id, opened=opened_dee,
                        **{**fields, "title": "Roof 3"})
    assert (job.title, job.organization_id) == ("Roof 2", acme.id)


def test_two_tabs_editing_one_job_on_the_jobs_page(app_database):
    """The /admin/jobs form passes what it showed when it opened: a field another tab saved
    meanwhile is refused with who changed it, a different field is simply kept."""
    with db.unit_of_work() as session:
        ada = make_staff(session, full_name="Ada Admin")
        bo = make_staff(session, full_name="Bo Boss")
        job_id = _job(session, "Roof", "Install").id
        cookies = [auth.activate_session(session, grant=auth.start_session(session, user=user))
                   for user in (ada, bo)]
    path, state = routes.ADMIN_JOBS, AdminJobsState
    with signed_in_tab(web_app.app, cookies[0]) as tab_a, \
            signed_in_tab(web_app.app, cookies[1]) as tab_b:
        for tab in (tab_a, tab_b):
            tab.open(path)
            assert last_value(tab.send(state.open_edit, {"record_id": job_id}, path),
                              state, "f_title") == "Roof"
        form = {"job_type": "Install", "title": "Roof", "organization": ""}
        saved = tab_a.send(state.save, {"form_data": {**form, "title": "Roof 2"}}, path)
        assert last_value(saved, state, "notice") == "Saved the job “Roof 2”."
        refused = tab_b.send(state.save, {"form_data": {**form, "title": "Roof 3"}}, path)
        assert last_value(refused, state, "form_error").startswith(
            "Ada Admin changed Title of this job after you opened the form. Nothing was saved")
        with db.unit_of_work() as session:
            assert session.get(Job, job_id).title == "Roof 2"
        # Tab A, opened again, changes the job type; tab B's second save (its title) wins the
        # title and keeps A's job type: different fields are both kept.
        tab_a.send(state.open_edit, {"record_id": job_id}, path)
        tab_a.send(state.save, {"form_data": {**form, "title": "Roof 2", "job_type": "Repair"}},
                   path)
        tab_b.send(state.save, {"form_data": {**form, "title": "Roof 3"}}, path)
        with db.unit_of_work() as session:
            job = session.get(Job, job_id)
            assert (job.title, job.job_type) == ("Roof 3", "Repair")
        tab_a.send(state.open_edit, {"record_id": job_id}, path)
        deleted = tab_a.send(state.delete, {}, path)
        assert last_value(deleted, state, "notice") == "Deleted the job “Roof 3”."
