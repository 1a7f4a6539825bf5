"""Admin state for /admin/jobs: every direct job (search, type and organization filters, pages
in SQL) and the add / edit form."""

import reflex as rx

from ..services import jobs
from ..services.jobs import JobRow
from .admin_common import AdminFormMixin
from .base import AppState
from .paged_list import PagedListMixin


class AdminJobsState(PagedListMixin, AdminFormMixin, AppState):
    sort_by: str = "title"
    rows: list[JobRow] = []  # noqa: RUF012
    job_types: list[str] = []  # noqa: RUF012
    filter_type: str = ""
    filter_organization: str = ""
    f_job_type: str = ""
    f_title: str = ""
    f_organization: str = ""

    def _load_page(self, session, user, **listing):
        result = jobs.list_jobs(session, actor=user, job_type=self.filter_type,
                                organization=self.filter_organization, **listing)
        self.rows = result.rows
        self.job_types = jobs.job_types(session, actor=user)
        return result

    @rx.event
    def filter(self, form_data: dict):
        job_type, organization = form_data.get("job_type"), form_data.get("organization")
        self.filter_type = job_type if isinstance(job_type, str) else ""
        self.filter_organization = organization if isinstance(organization, str) else ""
        self._refresh(page=1)

    @rx.event
    def open_new(self):
        self.f_job_type, self.f_title, self.f_organization = "", "", ""
        self._open_form(0)

    @rx.event
    def open_edit(self, job_id: int):
        def read(session, user):
            job = jobs.get_job(session, actor=user, job_id=job_id)
            self.f_job_type, self.f_title, self.f_organization = (
                job.job_type, job.title, job.organization)
            return job.id

        self._open_edit_with(read)

    @rx.event
    def save(self, form_data: dict):
        fields = {key: form_data.get(key) for key in ("job_type", "title", "organization")}

        def write(session, user):
            if self.editing_id:
                return jobs.update_job(session, actor=user, job_id=self.editing_id, **fields)
            return jobs.create_job(session, actor=user, **fields)

        self._submit(write, lambda job: f"Saved the job “{job.title}”.")

    @rx.event
    def delete(self):
        self._submit(lambda session, user: jobs.delete_job(session, actor=user,
                                                           job_id=self.editing_id),
                     lambda job: f"Deleted the job “{job.title}”.")

