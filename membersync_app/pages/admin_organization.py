"""/admin/organizations/[id]: an organization's back office — Details (the edit form and Change
owner), Members, Direct Jobs, Merge and Delete, under a header with its title, owner, type,
seats and expiry."""

import reflex as rx

from .. import routes
from ..components.admin import (
    SUGGESTIONS_STYLE,
    admin_page,
    checkbox,
    form_buttons,
    job_type_select,
    select_field,
    user_typeahead,
)
from ..components.data_table import Column, data_table, long_text, select_all
from ..components.forms import LABEL_STYLE, error_callout, field_error, form_field, notice
from ..components.modal import confirm_dialog
from ..services.back_office import OrgChoice, OrgMemberRow
from ..services.jobs import JobRow
from ..services.merge import MergePerson
from ..state.admin_organizations import AdminOrganizationsState
from ..state.back_office import (
    ASSIGN_LOGIN_ID,
    NEW_OWNER_ID,
    AssignJobsState,
    AssignMemberState,
    AssignSeveralState,
    BackOfficeJobsState,
    BackOfficeMembersState,
    BackOfficeState,
    ChangeOwnerState,
    DeleteOrgState,
    MergeState,
)
from ..state.base import AppState
from .admin_organizations import organization_form

B = BackOfficeState
ROLES = [("member", "Member"), ("manager", "Manager")]


def _header() -> rx.Component:
    h = B.header
    return rx.vstack(
        rx.link("← Organizations", href=routes.ADMIN_ORGANIZATIONS, size="2"),
        rx.heading(h.title, size="7", as_="h1", id="back-office-title"),
        rx.hstack(
            rx.text("Owner: ", rx.text.strong(h.owner_label), size="2", id="org-owner"),
            rx.badge(h.type_name),
            rx.text("Seats used: ", rx.text.strong(h.seats_used.to_string() + " / "
                                                   + h.seat_count.to_string(), id="seats-used"),
                    size="2"),
            rx.cond(h.expired, rx.badge("expired " + B.expires_text, color_scheme="red"),
                    rx.text("Expires: ", B.expires_text, size="2")),
            spacing="4",
            align="center",
            wrap="wrap",
        ),
        spacing="2",
    )


def _tab_form(state, heading, *fields: rx.Component, form_id: str, submit: rx.Component,
              on_submit, max_width: str = "720px", with_notice: bool = True,
              spacing: str = "2") -> rx.Component:
    """A form on a tab: heading, its last notice (unless the tab shows it elsewhere) and
    refusal, the fields, the submit button."""
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(heading, size="4", as_="h2"),
                *([notice(state.notice, f"{form_id}-notice")] if with_notice else []),
                error_callout(state.form_error, f"{form_id}-error"),
                *fields,
                submit,
                spacing=spacing,
                width="100%",
            ),
            on_submit=on_submit,
            key=state.form_key,
        ),
        width="100%",
        max_width=max_width,
    )


def _raise_option(state, label) -> rx.Component:
    """Offered once a refusal said the seats are not enough."""
    return rx.cond(state.errors.contains("raise_seats"),
                   checkbox(label, "raise_seats"))


def _role_select(field_id: str) -> rx.Component:
    return select_field("Role", "role", options=ROLES, default_value="member",
                        field_id=field_id)


# ---------------------------------------------------------------- Details


def _change_owner() -> rx.Component:
    S = ChangeOwnerState
    return _tab_form(
        S, "Change owner",
        rx.text("Any active user, a member already or not. The current owner becomes a "
                "manager and takes a seat.", size="2", color_scheme="gray"),
        user_typeahead(S, label="New owner", name="new_owner", input_id=NEW_OWNER_ID,
                       no_match="No active user matches."),
        _raise_option(S, "Raise the seat count by one"),
        field_error(S.errors.get("raise_seats", ""), "owner-raise"),
        form_id="owner", submit=rx.button("Change owner", type="submit"),
        on_submit=S.change_owner,
    )


def _details() -> rx.Component:
    orgs = AdminOrganizationsState
    return rx.vstack(
        notice(orgs.notice),
        rx.cond(orgs.form_open, organization_form(),
                rx.vstack(
                    error_callout(orgs.list_error, "details-error"),
                    rx.button("Edit details", on_click=orgs.open_details),
                )),
        _change_owner(),
        spacing="4",
        width="100%",
    )


# ---------------------------------------------------------------- Members


def _member_row(row: OrgMemberRow) -> rx.Component:
    S = BackOfficeMembersState
    return rx.table.row(
        rx.table.cell(rx.cond(
            row.is_owner, rx.fragment(),
            rx.checkbox(checked=S.selected.contains(row.membership_id),
                        on_change=lambda checked: S.toggle(row.membership_id, checked),
                        aria_label="Select " + row.username))),
        rx.table.row_header_cell(long_text(row.name)),
        rx.table.cell(long_text(row.username, "10em")),
        rx.table.cell(long_text(row.email)),
        rx.table.cell(row.role),
        rx.table.cell(rx.cond(row.org_admin | row.is_owner, "yes", "no")),
        rx.table.cell(rx.cond(row.status == "blocked",
                              rx.badge("blocked", color_scheme="red"), rx.text("active"))),
        rx.table.cell(row.joined_on),
        rx.table.cell(rx.cond(
            row.is_owner,
            rx.text("The owner cannot be unassigned: change the owner on Details first.",
                    size="1", color_scheme="gray"),
            rx.hstack(
                rx.button("Edit membership", size="1", variant="soft",
                          aria_label="Edit membership of " + row.username,
                          on_click=S.open_membership(row.membership_id)),
                confirm_dialog(
                    rx.button("Unassign", size="1", variant="soft", color_scheme="red",
                              aria_label="Unassign " + row.username),
                    title="Unassign from the organization?",
                    question=row.username + " loses the seat and the access it gives, at once.",
                    confirm_label="Yes, unassign", on_confirm=S.unassign_one(row.membership_id)),
                spacing="2",
            ))),
        data_username=row.username,
    )


def _membership_form() -> rx.Component:
    S = BackOfficeMembersState
    return _tab_form(
        S, "Edit membership of " + S.edit_username,
        checkbox("Organization admin", "org_admin", checked=S.edit_org_admin),
        rx.text("An organization admin is a manager of the organization.", size="1",
                color_scheme="gray"),
        field_error(S.errors.get("org_admin", ""), "membership-org-admin"),
        select_field("Status", "status", options=[("active", "Active"), ("blocked", "Blocked")],
                     default_value=S.edit_status, field_id="membership-status",
                     error=S.errors.get("status", ""),
                     hint="A blocked member keeps the seat but loses access."),
        form_id="membership", submit=form_buttons(S, "Save", None), on_submit=S.save,
        max_width="520px", with_notice=False, spacing="3",
    )


def _assign_member() -> rx.Component:
    S = AssignMemberState
    return _tab_form(
        S, "Assign member",
        user_typeahead(S, label="Username or e-mail", name="login", input_id=ASSIGN_LOGIN_ID,
                       no_match="No active user matches."),
        _role_select("assign-role"),
        field_error(S.errors.get("role", ""), "assign-role"),
        _raise_option(S, "Raise the seat count"),
        field_error(S.errors.get("raise_seats", ""), "assign-raise"),
        form_id="assign", submit=rx.button("Assign member", type="submit"),
        on_submit=S.assign, max_width="100%",
    )


def _assign_several() -> rx.Component:
    S = AssignSeveralState
    return _tab_form(
        S, "Assign several",
        rx.cond(S.line_errors.length() > 0,
                rx.el.ul(rx.foreach(S.line_errors,
                                    lambda m: rx.el.li(rx.text(m, color="red", size="2"))),
                         id="assign-several-lines")),
        rx.el.label("Usernames, one per line", html_for="assign-usernames", style=LABEL_STYLE),
        rx.text_area(name="usernames", id="assign-usernames", rows="5", width="100%"),
        field_error(S.errors.get("usernames", ""), "assign-usernames"),
        _role_select("assign-several-role"),
        _raise_option(S, "Raise the seat count"),
        field_error(S.errors.get("raise_seats", ""), "assign-several-raise"),
        rx.text("All are assigned, or none.", size="1", color_scheme="gray"),
        form_id="assign-several", submit=rx.button("Assign all", type="submit"),
        on_submit=S.assign, max_width="100%",
    )


def _members() -> rx.Component:
    S = BackOfficeMembersState
    bulk = rx.cond(
        S.selected.length() > 0,
        rx.hstack(
            rx.text(S.selected.length().to_string() + " selected", size="2"),
            confirm_dialog(
                rx.button("Unassign selected", size="1", color_scheme="red"),
                title="Unassign from the organization?",
                question=S.selected.length().to_string()
                + " selected members lose their seats and the access they give, at once.",
                confirm_label="Yes, unassign", on_confirm=S.unassign_selected),
            spacing="2", align="center",
        ),
    )
    return rx.vstack(
        rx.hstack(_assign_member(), _assign_several(), spacing="4", align="start",
                  width="100%"),
        rx.cond(S.form_open, _membership_form()),
        data_table(
            S,
            columns=[Column("Select", header=select_all(S)), Column("Name", "name"),
                     Column("Username", "username"), Column("Email", "email"),
                     Column("Role", "role"),
                     Column("Organization admin", "org_admin"), Column("Status", "status"),
                     Column("Joined", "joined"), Column("")],
            rows=S.rows, row=_member_row, search_label="Search members",
            empty_text="No members match.", table_id="org-members",
            above_table=[notice(S.notice, "members-notice"),
                         error_callout(S.row_error, "members-error"), bulk],
        ),
        spacing="4",
        width="100%",
    )


# ---------------------------------------------------------------- Direct Jobs


def _job_row(job: JobRow) -> rx.Component:
    S = BackOfficeJobsState
    return rx.table.row(
        rx.table.cell(rx.checkbox(checked=S.selected.contains(job.id),
                                  on_change=lambda checked: S.toggle(job.id, checked),
                                  aria_label="Select " + job.title)),
        rx.table.row_header_cell(long_text(job.title)),
        rx.table.cell(job.job_type),
        rx.table.cell(rx.button("Unassign", size="1", variant="soft", color_scheme="red",
                                aria_label="Unassign " + job.title,
                                on_click=S.unassign_one(job.id))),
    )


def _pick_job(job: JobRow) -> rx.Component:
    S = AssignJobsState
    return rx.el.label(
        rx.checkbox(checked=S.picked.contains(job.id),
                    on_change=lambda checked: S.toggle(job.id, checked)),
        rx.text(job.title + " (" + job.job_type + ")", as_="span", size="2"),
        style={"display": "flex", "gap": "8px", "align_items": "center"},
    )


def _assign_jobs() -> rx.Component:
    S = AssignJobsState
    return rx.card(
        rx.vstack(
            rx.heading("Assign existing jobs", size="4", as_="h2"),
            error_callout(S.assign_error, "assign-jobs-error"),
            rx.hstack(
                job_type_select("pick-job-type", S.job_types, min_width="200px",
                                value=S.pick_type, on_change=S.set_pick_type),
                rx.vstack(
                    rx.el.label("Part of the title", html_for="pick-job-title",
                                style=LABEL_STYLE),
                    rx.input(id="pick-job-title", on_change=S.set_pick_text.debounce(250),
                             auto_complete="off"),
                    spacing="1",
                ),
                spacing="3", align="end",
            ),
            rx.cond(
                S.matches.length() > 0,
                rx.vstack(rx.foreach(S.matches, _pick_job), spacing="1", role="group",
                          aria_label="Unassigned jobs", style=SUGGESTIONS_STYLE),
                rx.cond(S.searched, rx.text("No unassigned job matches.", size="1",
                                            color_scheme="gray")),
            ),
            rx.button("Assign selected jobs", on_click=S.assign,
                      disabled=S.picked.length() == 0),
            spacing="2",
        ),
        width="100%",
        max_width="720px",
    )


def _jobs() -> rx.Component:
    S = BackOfficeJobsState
    return rx.vstack(
        _assign_jobs(),
        data_table(
            S,
            columns=[Column("Select", header=select_all(S)), Column("Title", "title"),
                     Column("Job type", "job_type"), Column("")],
            rows=S.rows, row=_job_row, search_label="Search jobs",
            empty_text="No jobs are assigned to this organization.", table_id="org-jobs",
            toolbar=rx.link("All jobs", href=routes.ADMIN_JOBS, size="2"),
            above_table=[notice(S.notice, "jobs-notice"), error_callout(S.row_error, "jobs-error"),
                         rx.cond(S.selected.length() > 0,
                                 rx.button("Unassign selected jobs", size="1",
                                           color_scheme="red", on_click=S.unassign_selected))],
        ),
        spacing="4",
        width="100%",
    )


# ---------------------------------------------------------------- Merge


def _people(title: str, people, count, section_id: str) -> rx.Component:
    def person(p: MergePerson) -> rx.Component:
        return rx.el.li(
            rx.text(p.name, " (", p.username, ") → ", p.role,
                    rx.cond(p.status == "blocked", ", blocked", ""),
                    rx.cond(p.note != "", " — " + p.note, ""), size="2"))

    return rx.vstack(
        rx.heading(title, " (", count, ")", size="3", as_="h3"),
        rx.cond(count > 0, rx.el.ul(rx.foreach(people, person)),
                rx.text("None.", size="2", color_scheme="gray")),
        spacing="1", id=section_id,
    )


def _texts(title: str, items, count, section_id: str) -> rx.Component:
    return rx.vstack(
        rx.heading(title, " (", count, ")", size="3", as_="h3"),
        rx.cond(count > 0, rx.el.ul(rx.foreach(items, lambda t: rx.el.li(rx.text(t, size="2")))),
                rx.text("None.", size="2", color_scheme="gray")),
        spacing="1", id=section_id,
    )


def _preview() -> rx.Component:
    S = MergeState
    p = S.preview
    question = ("“" + p.other_title + "” is deleted after its members, invitations and jobs "
                "move into “" + p.org_title + "”. This cannot be undone.")
    return rx.card(
        rx.vstack(
            rx.heading("Preview: merge “", p.other_title, "” into “", p.org_title, "”",
                       size="4", as_="h2"),
            _people("Members who move", p.moving, p.moving_count, "merge-moving"),
            _people("People in both (they keep the higher role)", p.in_both, p.in_both_count,
                    "merge-in-both"),
            _texts("Pending invitations that move", p.invitations, p.invitations_count,
                   "merge-invitations"),
            rx.cond(p.invitations_dropped.length() > 0,
                    rx.text("Not duplicated (already pending or a member here): ",
                            p.invitations_dropped.join(", "), size="2")),
            _texts("Jobs that move", p.jobs, p.jobs_count, "merge-jobs"),
            rx.text("Seats: ", p.seats_after, " needed after the merge (", p.seats_used,
                    " used now) against a seat count of ", p.seat_count, ".", size="2",
                    id="merge-seats"),
            rx.cond(p.expiry_note != "", rx.callout(p.expiry_note, color_scheme="orange",
                                                    id="merge-expiry")),
            rx.hstack(
                rx.cond(
                    p.raise_to > 0,
                    confirm_dialog(
                        rx.button("Raise the seat count to " + p.raise_to.to_string()
                                  + " and merge", color_scheme="red"),
                        title="Merge the organizations?", question=question,
                        confirm_label="Yes, merge", on_confirm=S.merge(True)),
                    confirm_dialog(rx.button("Merge", color_scheme="red"),
                                   title="Merge the organizations?", question=question,
                                   confirm_label="Yes, merge", on_confirm=S.merge(False)),
                ),
                rx.button("Cancel", variant="soft", color_scheme="gray", on_click=S.cancel),
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        max_width="820px",
    )


def _merge() -> rx.Component:
    S = MergeState

    def candidate(choice: OrgChoice) -> rx.Component:
        return rx.button(choice.title, type="button", variant="ghost", size="1",
                         on_click=S.pick(choice.id), aria_label="Preview merging " + choice.title)

    return rx.vstack(
        rx.text("The organization you are on stays; the one you pick moves into it and is "
                "deleted.", size="2"),
        notice(S.merge_notice, "merge-notice"),
        error_callout(S.merge_error, "merge-error"),
        rx.el.label("Organization to merge into this one", html_for="merge-search",
                    style=LABEL_STYLE),
        rx.input(id="merge-search", auto_complete="off", width="360px",
                 placeholder="Type part of its title", on_change=S.search_orgs.debounce(250)),
        rx.cond(S.candidates.length() > 0,
                rx.vstack(rx.foreach(S.candidates, candidate), spacing="1", role="list",
                          aria_label="Matching organizations", style=SUGGESTIONS_STYLE),
                rx.cond(S.candidates_searched,
                        rx.text("No other organization matches.", size="1",
                                color_scheme="gray"))),
        rx.cond(S.has_preview, _preview()),
        spacing="3",
        width="100%",
    )


# ---------------------------------------------------------------- Delete


def _delete() -> rx.Component:
    S = DeleteOrgState
    return _tab_form(
        S, "Delete this organization",
        rx.text("Its memberships and invitations are deleted, its jobs become unassigned. Its "
                "audit log stays. This cannot be undone.", size="2"),
        form_field("Type the organization's title to confirm", "confirm_title",
                   field_id="delete-confirm", auto_complete="off",
                   error=S.errors.get("confirm_title", "")),
        form_id="delete", submit=rx.button("Delete organization", type="submit",
                                           color_scheme="red"),
        on_submit=S.delete_org, max_width="620px",
    )


def _tabs() -> rx.Component:
    return rx.tabs.root(
        rx.tabs.list(
            rx.tabs.trigger("Details", value="details"),
            rx.tabs.trigger("Members", value="members"),
            rx.tabs.trigger("Direct Jobs", value="jobs"),
            rx.tabs.trigger("Merge", value="merge"),
            rx.tabs.trigger("Delete", value="delete"),
        ),
        *[rx.tabs.content(rx.box(body, padding_top="16px"), value=value)
          for value, body in (("details", _details()), ("members", _members()),
                              ("jobs", _jobs()), ("merge", _merge()), ("delete", _delete()))],
        value=B.tab,
        on_change=B.set_tab,
        width="100%",
    )


@rx.page(route=routes.ADMIN_ORGANIZATION, title="Organization · Admin · MemberSync",
         on_load=[AppState.guard_staff, B.load, AdminOrganizationsState.open_details,
                  BackOfficeMembersState.load, AssignMemberState.load, AssignSeveralState.load,
                  ChangeOwnerState.load, BackOfficeJobsState.load, AssignJobsState.load,
                  MergeState.load, DeleteOrgState.load])
def admin_organization_page() -> rx.Component:
    return admin_page(
        rx.cond(
            B.org_loaded,
            rx.vstack(_header(), _tabs(), spacing="4", width="100%"),
            rx.cond(
                DeleteOrgState.deleted_notice != "",
                rx.vstack(notice(DeleteOrgState.deleted_notice, "deleted-notice"),
                          rx.link("Back to Organizations", href=routes.ADMIN_ORGANIZATIONS)),
                rx.cond(B.org_error != "",
                        rx.vstack(rx.callout(B.org_error, color_scheme="red", role="alert"),
                                  rx.link("Back to Organizations",
                                          href=routes.ADMIN_ORGANIZATIONS)),
                        rx.spinner(aria_label="Loading")),
            ),
        ),
        title="",
    )
