"""/dashboard/org/[id]: an organization's management page — Members, Manage Seats, Reports,
Settings. Controls the viewer may not use are hidden; the services refuse them anyway."""

import reflex as rx

from .. import routes
from ..components.forms import LABEL_STYLE, error_callout, field_error, notice
from ..components.invitation_history import invitation_history
from ..components.layout import page_shell
from ..components.member_table import invitations_table, members_table
from ..components.modal import add_member_draft_left, add_member_modal
from ..components.reports import download_link, reports_section
from ..state.invitation_history import InvitationHistoryState
from ..state.org_import import UPLOAD_ID, OrgImportState
from ..state.org_invitations import OrgInvitationsState
from ..state.org_members import OrgMembersState
from ..state.org_page import OrgPageState
from ..state.org_reports import OrgReportsState
from ..state.org_seats import OrgSeatsState
from ..state.org_settings import OrgSettingsState

P = OrgPageState


def _seats_summary() -> rx.Component:
    return rx.hstack(
        rx.text("Seats used: ", rx.text.strong(P.seats_label, id="seats-used"), size="3"),
        rx.progress(value=P.seats_percent, max=100, width="200px", aria_label="Seats used"),
        align="center",
        spacing="3",
    )


def _header() -> rx.Component:
    return rx.vstack(
        rx.link("← MemberSync Group Dashboard", href=routes.DASHBOARD, size="2"),
        rx.heading(P.org_title, size="7", as_="h1", id="org-title"),
        rx.hstack(
            rx.badge(P.type_name),
            rx.text("Your role: ", P.viewer_role, size="2"),
            rx.cond(P.expired,
                    rx.badge("expired " + P.expires + " — read-only", color_scheme="red"),
                    rx.text("Expires: ", P.expires, size="2")),
            spacing="3",
            align="center",
        ),
        _seats_summary(),
        spacing="2",
    )


def _import_problem(problem) -> rx.Component:
    """One (row number, message) of a refused file; row 0 is the file as a whole."""
    row, message = problem[0], problem[1]
    return rx.table.row(rx.table.cell(rx.cond(row == 0, "file", row.to_string())),
                        rx.table.cell(message))


def _import_csv() -> rx.Component:
    imp = OrgImportState
    return rx.cond(
        imp.import_open,
        rx.card(
            rx.vstack(
                rx.heading("Import CSV", size="4", as_="h3"),
                rx.text("A file with the columns name, email, role (Member or Manager). Every "
                        "row is checked first; then all rows are added, or none.", size="2"),
                rx.upload(
                    rx.vstack(
                        rx.button("Choose CSV file", type="button", variant="soft"),
                        rx.text("or drop it here", size="1", color="gray"),
                        align="center",
                    ),
                    id=UPLOAD_ID,
                    accept={"text/csv": [".csv"], "text/plain": [".txt"]},
                    multiple=False,
                    on_drop=imp.import_csv(rx.upload_files(upload_id=UPLOAD_ID)),
                    border="1px dashed var(--gray-7)",
                    padding="16px",
                    width="100%",
                ),
                rx.cond(
                    imp.import_running,
                    rx.vstack(
                        rx.text(imp.import_phase, size="2", id="import-progress-text"),
                        rx.progress(value=imp.import_percent, max=100, width="100%",
                                    aria_label="Import progress"),
                        width="100%",
                    ),
                ),
                error_callout(imp.import_error, "import-error"),
                rx.cond(
                    imp.import_problems.length() > 0,
                    rx.table.root(
                        rx.table.header(rx.table.row(rx.table.column_header_cell("Row"),
                                                     rx.table.column_header_cell("Problem"))),
                        rx.table.body(rx.foreach(imp.import_problems, _import_problem)),
                        id="import-problems",
                        width="100%",
                    ),
                ),
                rx.cond(imp.import_warning,
                        rx.callout(imp.import_warning, icon="triangle_alert", color_scheme="amber",
                                   role="status", id="import-warning", width="100%")),
                notice(imp.import_notice, "import-notice"),
                width="100%",
                spacing="3",
            ),
            width="100%",
        ),
    )


def _members_section() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.cond(P.can_add | P.can_invite,
                    add_member_modal(rx.button("Add Member", disabled=P.expired))),
            rx.cond(P.can_add,
                    rx.button("Import CSV", variant="soft", on_click=OrgImportState.toggle_import,
                              disabled=P.expired)),
            rx.cond(P.can_add & ~P.expired,
                    download_link("CSV template", routes.MEMBERS_CSV_TEMPLATE, "csv-template")),
            download_link("Export members to CSV", OrgMembersState.export_url, "members-csv"),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        add_member_draft_left(),
        _import_csv(),
        members_table(),
        invitations_table(),
        invitation_history(),
        width="100%",
        spacing="4",
    )


def _seats_section() -> rx.Component:
    s = OrgSeatsState
    return rx.vstack(
        rx.heading("Manage Seats", size="5", as_="h2"),
        rx.text("Seats used / total: ", rx.text.strong(P.seats_label), " · free: ", P.seats_free,
                size="3", id="manage-seats-summary"),
        rx.progress(value=P.seats_percent, max=100, width="320px",
                    aria_label="Seats used of total"),
        rx.text("Every member and manager takes a seat, and so does every pending invitation "
                "until it is accepted, revoked or expires. The owner takes none.", size="2",
                color="gray"),
        rx.cond(
            P.can_manage_seats,
            rx.form(
                rx.hstack(
                    rx.vstack(
                        rx.el.label("Seats to add", html_for="add-seats", style=LABEL_STYLE),
                        rx.input(name="add_seats", id="add-seats", type="number", min=1,
                                 default_value="1", width="120px",
                                 on_change=rx.cond(s.errors["add_seats"],
                                                   s.clear_add_seats_error, rx.noop())),
                        spacing="1",
                    ),
                    rx.button("Add seats", type="submit"),
                    align="end",
                    spacing="3",
                ),
                field_error(s.errors["add_seats"], "add-seats"),
                notice(s.add_seats_notice, "add-seats-notice"),
                on_submit=s.submit_add_seats,
            ),
            rx.text(
                rx.cond(
                    OrgPageState.expired,
                    "This organization has expired; its seats cannot change.",
                    "Only the owner can change the number of seats of this organization.",
                ),
                size="2",
                id="no-seat-controls",
            ),
        ),
        spacing="3",
        width="100%",
    )


def _settings_section() -> rx.Component:
    s = OrgSettingsState
    return rx.vstack(
        rx.heading("Settings", size="5", as_="h2"),
        rx.form(
            rx.vstack(
                rx.el.label("Organization name", html_for="settings-title", style=LABEL_STYLE),
                rx.input(name="title", id="settings-title", default_value=P.org_title,
                         width="360px"),
                field_error(s.errors["title"], "settings-title"),
                rx.el.label("Seat count", html_for="settings-seat-count", style=LABEL_STYLE),
                rx.input(name="seat_count", id="settings-seat-count", type="number", min=1,
                         default_value=P.seat_count.to_string(), width="160px",
                         read_only=~P.can_manage_seats),
                rx.text("Not below the seats in use (", P.seats_used, ").", size="1",
                        color="gray"),
                field_error(s.errors["seat_count"], "settings-seat-count"),
                error_callout(s.errors["form"], "settings-error"),
                notice(s.settings_notice, "settings-notice"),
                rx.button("Save settings", type="submit"),
                # What the form showed when it opened: saving writes only what was changed.
                rx.el.input(type="hidden", name="opened_title", default_value=P.org_title),
                rx.el.input(type="hidden", name="opened_seat_count",
                            default_value=P.seat_count.to_string()),
                spacing="2",
            ),
            on_submit=s.submit_settings,
            key=P.org_title + "-" + P.seat_count.to_string(),
        ),
        spacing="3",
        width="100%",
    )


def _sections() -> rx.Component:
    return rx.tabs.root(
        rx.tabs.list(
            rx.tabs.trigger("Members", value="members"),
            rx.tabs.trigger("Manage Seats", value="seats"),
            rx.cond(P.can_view_reports, rx.tabs.trigger("Reports", value="reports")),
            rx.cond(P.can_edit_settings, rx.tabs.trigger("Settings", value="settings")),
        ),
        rx.tabs.content(rx.box(_members_section(), padding_top="16px"), value="members"),
        rx.tabs.content(rx.box(_seats_section(), padding_top="16px"), value="seats"),
        rx.tabs.content(rx.box(rx.cond(P.can_view_reports, reports_section()),
                               padding_top="16px"), value="reports"),
        rx.tabs.content(rx.box(rx.cond(P.can_edit_settings, _settings_section()),
                               padding_top="16px"), value="settings"),
        value=P.section,
        on_change=lambda tab: [P.set_section(tab), OrgReportsState.open_tab(tab)],
        width="100%",
    )


@rx.page(
    route=routes.ORG_PAGE,
    title="Organization · MemberSync",
    on_load=[OrgPageState.load, OrgMembersState.load_members,
             OrgInvitationsState.load_invitations, InvitationHistoryState.load_history,
             OrgReportsState.load_reports],
)
def org_page() -> rx.Component:
    return page_shell(
        rx.cond(
            P.can_view,
            rx.vstack(_header(), _sections(), width="100%", spacing="4"),
            rx.cond(
                P.load_error != "",
                rx.callout(P.load_error, icon="triangle_alert", color_scheme="red",
                           id="org-load-error", role="alert"),
                rx.spinner(),
            ),
        ),
    )
