"""Admin state for /admin/jobs: every direct job (search, type and organization filters, pages
in SQL) and the add / edit form (RecordFormMixin, as the catalog's forms). A job has no address
of its own: Edit opens the form on the list's page."""

from typing import ClassVar

import reflex as rx

from .. import routes
from ..services import jobs
from ..services.jobs import JobRow
from .admin_common import RecordFormMixin, RecordServices
from .base import AppState
from .paged_list import PagedListMixin


class AdminJobsState(PagedListMixin, RecordFormMixin, AppState):
    _list_route = routes.ADMIN_JOBS
    _draft_fields, _noun, _label_field = ("job_type", "title", "organization"), "job", "title"
    _services: ClassVar[RecordServices] = RecordServices(
        "job_id", create=jobs.create_job, update=jobs.update_job, delete=jobs.delete_job,
        read=jobs.get_job)
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

    def _blank_form(self) -> None:
        self.f_job_type, self.f_title, self.f_organization = "", "", ""

    def _fill_form(self, job: JobRow) -> None:
        self.f_job_type, self.f_title, self.f_organization = (
            job.job_type, job.title, job.organization)
        self._opened = jobs.opened_job(job)

    def _deleted_notice(self, job) -> str:
        return f"Deleted the job “{job.title}”."
