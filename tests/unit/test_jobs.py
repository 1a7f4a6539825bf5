"""Direct jobs: the staff list (search, filters), create / edit / delete, assign and unassign."""

import pytest
from factories import make_org, make_staff
from sqlmodel import select

from membersync_app.models import AuditAction, AuditEvent, Job
from membersync_app.services import jobs
from membersync_app.services.errors import FieldErrors, ServiceError


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
