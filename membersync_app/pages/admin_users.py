"""/admin/users: list, search, create, edit name and e-mail (/admin/users/[id]), reset password,
resend the set-password e-mail, make staff, deactivate (both asked first), unlock."""

import reflex as rx

from .. import routes
from ..components import admin
from ..components.data_table import Column, long_text
from ..components.forms import error_callout, form_field
from ..components.modal import confirm_dialog
from ..services.users import UserMembership, UserRow
from ..state.admin_users import RESET_PASSWORD_INPUT_ID, AdminUsersState

S = AdminUsersState


def _membership(membership: UserMembership) -> rx.Component:
    return rx.el.li(
        rx.link(membership.title,
                href=routes.admin_organization(membership.organization_id),
                size="2"),
        rx.text(" · " + membership.role + rx.cond(membership.status == "blocked",
                                                  " · blocked", ""), as_="span", size="1"),
    )


def _memberships(user: UserRow) -> rx.Component:
    """Each membership (organization, role, status) links to the organization's back office."""
    shown = user.memberships.length()
    return rx.cond(
        user.organization_count == 0,
        rx.text("none", size="1", color_scheme="gray"),
        rx.vstack(
            rx.el.ul(rx.foreach(user.memberships, _membership),
                     style={"margin": "0", "padding_left": "16px"}),
            rx.cond(user.organization_count > shown,
                    rx.text("and ", (user.organization_count - shown).to_string(), " more",
                            size="1", color_scheme="gray")),
            spacing="0",
        ),
    )


def _who(user: UserRow):
    """The person as a dialog names them: "Ann Lee (ann)", or the username alone."""
    return rx.cond(user.full_name != "", user.full_name + " (" + user.username + ")",
                   user.username)


def _asked_first(label: str, aria_label, *, title, question, on_confirm,
                 **button_style) -> rx.Component:
    """A row's button whose action is asked first (confirm_dialog); its Confirm says `label`."""
    return confirm_dialog(
        rx.button(label, size="1", variant="soft", aria_label=aria_label, **button_style),
        title=title, question=question, confirm_label=label, on_confirm=on_confirm,
    )


def _row(user: UserRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(long_text(user.username, "10em")),
        rx.table.cell(long_text(user.full_name)),
        rx.table.cell(long_text(user.email)),
        rx.table.cell(rx.cond(user.is_staff, rx.badge("staff"), "")),
        rx.table.cell(
            rx.hstack(
                rx.cond(user.is_active, "active", rx.badge("deactivated", color_scheme="red")),
                rx.cond(user.is_locked,
                        rx.badge("locked", color_scheme="orange",
                                 title="Too many failed sign-ins")),
                spacing="2",
            )
        ),
        rx.table.cell(_memberships(user)),
        rx.table.cell(rx.text(user.created_on, white_space="nowrap")),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    user.is_locked,
                    rx.button("Unlock", size="1", variant="soft", color_scheme="orange",
                              aria_label="Unlock " + user.username,
                              on_click=S.unlock(user.id)),
                ),
                admin.edit_button("Edit " + user.username, S.open_edit(user.id)),
                rx.button("Reset password", size="1", variant="soft",
                          aria_label="Reset password of " + user.username,
                          on_click=S.start_reset(user.id, user.username)),
                rx.cond(
                    ~user.has_password & user.is_active,
                    rx.button("Resend set-password e-mail", size="1", variant="soft",
                              aria_label="Resend set-password e-mail to " + user.username,
                              on_click=S.resend_set_password(user.id)),
                ),
                rx.cond(
                    user.is_staff,
                    rx.button("Remove staff", size="1", variant="soft", color_scheme="gray",
                              aria_label="Remove staff rights of " + user.username,
                              on_click=S.set_staff(user.id, False)),
                    _asked_first(
                        "Make staff", "Make " + user.username + " staff",
                        title="Make " + _who(user) + " staff?",
                        question=_who(user) + " will use every admin page: organizations, "
                        "users (passwords, staff rights), the audit log. Only staff can take "
                        "this back.",
                        on_confirm=S.set_staff(user.id, True),
                    ),
                ),
                rx.cond(
                    user.is_active,
                    _asked_first(
                        "Deactivate", "Deactivate " + user.username,
                        title="Deactivate " + _who(user) + "?",
                        question=_who(user) + " is signed out everywhere now and can no "
                        "longer sign in. Their memberships and seats stay; Reactivate undoes "
                        "it.",
                        on_confirm=S.set_active(user.id, False), color_scheme="red",
                    ),
                    rx.button("Reactivate", size="1", variant="soft", color_scheme="green",
                              aria_label="Reactivate " + user.username,
                              on_click=S.set_active(user.id, True)),
                ),
                spacing="2",
                wrap="wrap",
            )
        ),
    )


def _edit_form() -> rx.Component:
    """Staff correct a user's name and e-mail (the username stays)."""
    return admin.form_card(
        S, "Add a user", f"Edit the user {S.f_username}",
        admin.draft_restored_notice(S),
        admin.kept_field(S, "Full name", "full_name", field_id="user-full-name"),
        admin.kept_field(S, "Email", "email", field_id="user-email", type_="email"),
        rx.text("A new e-mail address takes effect at once; links already sent to the "
                "old one stop working.", size="1", color_scheme="gray"),
        delete_label=None, max_width="600px",
    )


def _create_form() -> rx.Component:
    return admin.form_card(
        S, "Add a user", "Edit a user",
        form_field("Username", "username", field_id="user-username",
                   auto_complete="off", error=S.errors.get("username", "")),
        form_field("Email", "email", field_id="user-email", type_="email",
                   error=S.errors.get("email", "")),
        form_field("Full name", "full_name", field_id="user-full-name",
                   error=S.errors.get("full_name", "")),
        form_field("Password", "password", field_id="user-password", type_="password",
                   auto_complete="new-password", error=S.errors.get("password", "")),
        rx.text("Leave the password empty to create the account without one "
                "(it can be set later with Reset password).", size="1", color_scheme="gray"),
        admin.checkbox("Staff (may use the admin pages)", "is_staff"),
        delete_label=None, save_label="Create user", max_width="600px",
    )


def _reset_form() -> rx.Component:
    return rx.cond(
        S.reset_user_id != 0,
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading("Reset the password of ", S.reset_username, size="4", as_="h2"),
                    form_field("New password", "password", field_id=RESET_PASSWORD_INPUT_ID,
                               type_="password", auto_complete="new-password",
                               error=S.reset_error),
                    rx.hstack(
                        rx.button("Set password", type="submit"),
                        rx.button("Cancel", type="button", variant="soft", color_scheme="gray",
                                  on_click=S.cancel_reset),
                    ),
                    spacing="3",
                ),
                on_submit=S.reset_password,
            ),
            max_width="600px",
            width="100%",
        ),
    )


def _form() -> rx.Component:
    return rx.cond(S.editing_id != 0, _edit_form(), _create_form())


admin.admin_list_pages(
    S, title="Users", route=routes.ADMIN_USERS, record=("User", routes.ADMIN_USER),
    form=_form,
    columns=[Column("Username", "username"), Column("Full name", "full_name"),
             Column("Email", "email"), Column("Staff", "is_staff"), Column("Status", "is_active"),
             Column("Memberships"), Column("Created", "created_at"), Column("")],
    row=_row, search_label="Search users", empty_text="No users match.", table_id="users",
    restored_notice=False,  # the edit form shows it itself; a new user's form keeps nothing
    messages=lambda: [error_callout(S.row_error, "user-action-error")],
    above_table=lambda: [_reset_form()],
)
