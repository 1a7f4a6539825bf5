"""/admin/jobs: every direct job (job type, title, organization or "unassigned"), searched by
title, filtered by type and organization, with the add / edit form."""

import reflex as rx

from .. import routes
from ..components import admin
from ..components.data_table import Column, long_text
from ..components.forms import LABEL_STYLE
from ..services.jobs import JobRow
from ..state.admin_jobs import AdminJobsState

S = AdminJobsState


def _row(job: JobRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(job.job_type),
        rx.table.row_header_cell(long_text(job.title)),
        rx.table.cell(rx.cond(
            job.organization_id == 0,
            rx.text("unassigned", color_scheme="gray"),
            rx.link(job.organization,
                    href=routes.admin_organization(job.organization_id)))),
        rx.table.cell(admin.edit_button("Edit " + job.title, S.open_edit(job.id))),
    )


def _filters() -> rx.Component:
    return rx.form(
        rx.hstack(
            admin.job_type_select("jobs-filter-type", S.job_types, min_width="180px",
                                  name="job_type", default_value=S.filter_type),
            rx.vstack(
                rx.el.label("Organization", html_for="jobs-filter-org", style=LABEL_STYLE),
                rx.input(name="organization", id="jobs-filter-org",
                         default_value=S.filter_organization,
                         placeholder="title, or - for unassigned"),
                spacing="1",
            ),
            rx.button("Filter", type="submit", variant="soft"),
            align="end",
            spacing="3",
        ),
        on_submit=S.filter,
    )


def _form() -> rx.Component:
    return admin.form_card(
        S, "Add a job", "Edit job",
        admin.kept_field(S, "Job type", "job_type", field_id="job-type"),
        admin.kept_field(S, "Title", "title", field_id="job-title"),
        admin.kept_field(S, "Organization", "organization", field_id="job-organization",
                         placeholder="exact title; empty for unassigned"),
        delete_label="Delete job",
    )


admin.admin_list_pages(
    S, title="Jobs", route=routes.ADMIN_JOBS, record=None, form=_form,
    columns=[Column("Job type", "job_type"), Column("Title", "title"),
             Column("Organization", "organization"), Column("")],
    row=_row, search_label="Search jobs", empty_text="No jobs match.", table_id="jobs",
    above_table=lambda: [_filters()],
)
