"""Direct jobs (staff only): the /admin/jobs list, create / edit / delete, and an organization's
jobs (assign existing unassigned jobs, unassign). An unassigned job has no organization."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import AuditAction, AuditEvent, Job, Organization, User
from . import audit, edits
from .back_office import _staff_org
from .errors import FieldErrors, ServiceError
from .listing import DEFAULT_PAGE_SIZE, Page, list_page
from .permissions import require_staff
from .records import apply_changes, as_text, clean_id_list, collect, get_or_refuse
from .validation import clean_name, clean_search, refuse_control_characters, shorten

MAX_JOB_TYPES = 200
MAX_PICK = 20  # jobs offered by the "Assign existing jobs" search
GONE = "That job no longer exists (another staff member may have deleted it)."
# The edit form's fields (by the name update_job writes), for a conflict's message.
JOB_LABELS = {"job_type": "Job type", "title": "Title", "organization_id": "Organization"}
# What changes a job's fields, so its last editor is found in the audit trail: the edit form,
# and assigning / unassigning it on an organization's Jobs tab (its Organization).
JOB_EDITS = (AuditAction.JOB_UPDATE, AuditAction.JOB_ASSIGN, AuditAction.JOB_UNASSIGN)


@dataclass(frozen=True)
class JobRow:
    id: int
    job_type: str
    title: str
    organization_id: int  # 0: unassigned
    organization: str  # the organization's title, or "" when unassigned


def _rows(results) -> list[JobRow]:
    return [JobRow(id=job.id, job_type=job.job_type, title=job.title,
                   organization_id=job.organization_id or 0, organization=title or "")
            for job, title in results]


def _query():
    return (select(Job, Organization.title)
            .outerjoin(Organization, Organization.id == Job.organization_id))


def _page(session: Session, query, **listing_args: Any) -> Page[JobRow]:
    """One page of `query`'s jobs, searched by title, sorted by any column, in SQL."""
    return list_page(
        session, query=query, search_in=[Job.title],
        sort_columns={"title": func.lower(Job.title), "job_type": func.lower(Job.job_type),
                      "organization": func.lower(func.coalesce(Organization.title, ""))},
        default_sort="title", tiebreak=Job.id, make_rows=_rows, **listing_args,
    )


def list_jobs(
    session: Session, *, actor: User | None, search: Any = "", job_type: Any = "",
    organization: Any = "", sort: Any = "title", descending: Any = False, page: Any = 1,
    page_size: Any = DEFAULT_PAGE_SIZE,
) -> Page[JobRow]:
    """Every job, searched by title, filtered by type (exact) and organization (title contains;
    "-" for unassigned ones), one page in SQL."""
    require_staff(actor)
    query = _query()
    if job_type := clean_search(job_type, 100):
        query = query.where(Job.job_type == job_type)
    if (org_text := clean_search(organization)) == "-":
        query = query.where(Job.organization_id.is_(None))
    elif org_text:
        query = query.where(Organization.title.icontains(org_text, autoescape=True))
    return _page(session, query, search=search, sort=sort, descending=descending, page=page,
                 page_size=page_size)


def job_types(session: Session, *, actor: User | None) -> list[str]:
    """The job types in use, for the type filter and pick."""
    require_staff(actor)
    return list(session.exec(select(Job.job_type).distinct().order_by(Job.job_type)
                             .limit(MAX_JOB_TYPES)).all())


def get_job(session: Session, *, actor: User | None, job_id: Any) -> JobRow:
    require_staff(actor)
    job = get_or_refuse(session, model=Job, item_id=job_id, message=GONE)
    return _rows(session.exec(_query().where(Job.id == job.id)).all())[0]


def opened_job(job: JobRow) -> dict:
    """What the edit form shows of `job` (get_job's row), for `update_job(opened=...)`. A job
    has no version column, so every save compares the form's values with the job's."""
    values = {"job_type": job.job_type, "title": job.title,
              "organization_id": job.organization_id or None}
    return edits.opened(None, values, record=job.id).as_dict()


def _check(session: Session, job_type: Any, title: Any, organization: Any) -> dict:
    values, errors = collect({
        "job_type": lambda: clean_name(as_text(job_type), "job_type", "Job type", 100),
        "title": lambda: clean_name(as_text(title), "title", "Title"),
        "organization_id": lambda: _organization_id(session, organization),
    })
    if errors:
        raise FieldErrors(errors)
    return values


def _organization_id(session: Session, organization: Any) -> int | None:
    """The organization named exactly (ignoring case), or None for empty (unassigned)."""
    text = " ".join(as_text(organization).split())
    if not text:
        return None
    refuse_control_characters(text, "organization", "Organization")
    org_id = session.exec(select(Organization.id)
                          .where(func.lower(Organization.title) == text.lower())).first()
    if org_id is None:
        raise ServiceError(f"No organization is titled “{shorten(text)}”.", "organization")
    return org_id


def create_job(
    session: Session, *, actor: User | None, job_type: Any, title: Any, organization: Any = "",
) -> Job:
    actor = require_staff(actor)
    values = _check(session, job_type, title, organization)
    job = Job(**values)
    session.add(job)
    return _recorded(session, actor=actor, job=job, action=AuditAction.JOB_CREATE,
                     job_type=job.job_type, title=job.title)


def update_job(
    session: Session, *, actor: User | None, job_id: Any, job_type: Any, title: Any,
    organization: Any = "", opened: Any = None,
) -> Job:
    """Write what the person changed since the form opened (`opened`, from `opened_job`; None:
    every field); a field someone else changed meanwhile too is refused (services/edits.py)."""
    actor = require_staff(actor)
    job = get_or_refuse(session, model=Job, item_id=job_id, message=GONE)
    values = edits.changed_since(
        what="job", record=job.id, version=None,
        values=_check(session, job_type, title, organization),
        current={key: getattr(job, key) for key in JOB_LABELS}, opened_form=opened,
        labels=JOB_LABELS,
        editor=edits.last_editor(session, AuditEvent.action.in_(JOB_EDITS),
                                 AuditEvent.details["job_id"].as_integer() == job.id))
    changes = apply_changes(job, values)
    session.add(job)
    return _recorded(session, actor=actor, job=job, action=AuditAction.JOB_UPDATE,
                     title=job.title,
                     changes=changes)


def delete_job(session: Session, *, actor: User | None, job_id: Any) -> Job:
    actor = require_staff(actor)
    job = get_or_refuse(session, model=Job, item_id=job_id, message=GONE)
    session.delete(job)
    return _recorded(session, actor=actor, job=job, action=AuditAction.JOB_DELETE,
                     job_type=job.job_type, title=job.title)


def _recorded(session: Session, *, actor: User, job: Job, action: AuditAction,
              **details: Any) -> Job:
    """Write the job's change and its audit event, under the job's organization so that the
    organization's audit trail shows it too."""
    session.flush()
    audit.record(session, actor=actor, action=action, organization_id=job.organization_id,
                 job_id=job.id, **details)
    return job


# ---------------------------------------------------------------- an organization's jobs


def list_org_jobs(
    session: Session, *, actor: User | None, org_id: Any, search: Any = "", sort: Any = "title",
    descending: Any = False, page: Any = 1, page_size: Any = DEFAULT_PAGE_SIZE,
) -> Page[JobRow]:
    _, org = _staff_org(session, actor=actor, org_id=org_id)
    return _page(session, _query().where(Job.organization_id == org.id), search=search,
                 sort=sort, descending=descending, page=page, page_size=page_size)


def find_unassigned_jobs(
    session: Session, *, actor: User | None, job_type: Any = "", text: Any = "",
) -> list[JobRow]:
    """Unassigned jobs of `job_type` whose title contains `text` (at most MAX_PICK)."""
    require_staff(actor)
    query = _query().where(Job.organization_id.is_(None))
    if kind := clean_search(job_type, 100):
        query = query.where(Job.job_type == kind)
    if title := clean_search(text):
        query = query.where(Job.title.icontains(title, autoescape=True))
    if not kind and not title:
        return []
    return _rows(session.exec(query.order_by(func.lower(Job.title), Job.id)
                              .limit(MAX_PICK)).all())


def _jobs(session: Session, job_ids: Any) -> list[Job]:
    ids = clean_id_list(job_ids, "jobs", "jobs")
    if not ids:
        raise ServiceError("Choose at least one job.", "jobs")
    if len(ids) > 500:
        raise ServiceError("Choose at most 500 jobs at once.", "jobs")
    jobs = list(session.exec(select(Job).where(Job.id.in_(ids)).with_for_update()).all())
    if len(jobs) != len(ids):
        raise ServiceError(GONE, "jobs")
    return jobs


def assign_jobs(session: Session, *, actor: User | None, org_id: Any, job_ids: Any) -> int:
    """Assign unassigned jobs to the organization (one or several at once)."""
    actor, org = _staff_org(session, actor=actor, org_id=org_id, lock=True)
    jobs = _jobs(session, job_ids)
    for job in jobs:
        if job.organization_id is not None:
            where = session.get(Organization, job.organization_id)
            raise ServiceError(f"The job “{job.title}” is assigned to “{where.title}”: unassign "
                               "it there first.", "jobs")
    return _move_jobs(session, actor=actor, jobs=jobs, org=org, assign=True)


def unassign_jobs(session: Session, *, actor: User | None, org_id: Any, job_ids: Any) -> int:
    """The jobs stay, unassigned."""
    actor, org = _staff_org(session, actor=actor, org_id=org_id, lock=True)
    jobs = _jobs(session, job_ids)
    for job in jobs:
        if job.organization_id != org.id:
            raise ServiceError(f"The job “{job.title}” is not assigned to this organization "
                               "(any more). Reload the page.", "jobs")
    return _move_jobs(session, actor=actor, jobs=jobs, org=org, assign=False)


def _move_jobs(session: Session, *, actor: User, jobs: list[Job], org: Organization,
               assign: bool) -> int:
    """Assign the jobs to `org` (or take them from it), each with its audit event under `org`;
    returns how many moved. The event names its change under "changes", so an edit conflict on
    the job's Title or Job type never blames whoever only moved it (edits.last_editor)."""
    action = AuditAction.JOB_ASSIGN if assign else AuditAction.JOB_UNASSIGN
    for job in jobs:
        before = job.organization_id
        job.organization_id = org.id if assign else None
        session.add(job)
        audit.record(session, actor=actor, action=action, organization_id=org.id, job_id=job.id,
                     job_type=job.job_type, title=job.title,
                     changes={"organization_id": [before, job.organization_id]})
    session.flush()
    return len(jobs)
