"""/account — My account: password, name, e-mail address (confirmed by link), sessions."""

import reflex as rx

from .. import routes
from ..components.forms import error_callout, form_field, notice
from ..components.layout import page_shell
from ..services.my_account import SessionRow
from ..services.password_rules import RULES_HINT
from ..state.account import (
    EMAIL_PASSWORD_ID,
    PASSWORD_FIELD_IDS,
    AccountState,
    EmailFormState,
    NameFormState,
    PasswordFormState,
)

S = AccountState


def _form_end(form, name: str, button: str) -> tuple[rx.Component, ...]:
    """What closes each form: a refusal that belongs to no field, the notice, the button."""
    return (error_callout(form.errors.get("form", ""), f"{name}-form-error"),
            notice(form.notice, f"{name}-notice"),
            rx.button(button, type="submit"))


def _section(title: str, section_id: str, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, size="4", as_="h2"), *children, spacing="3", width="100%"),
        id=section_id, width="100%", style={"max_width": "640px"},
    )


def _password_form() -> rx.Component:
    f = PasswordFormState
    current_id, password_id, confirm_id = PASSWORD_FIELD_IDS
    return _section(
        "Password", "account-password",
        rx.form(
            rx.vstack(
                form_field("Current password", "current", field_id=current_id, type_="password",
                           auto_complete="current-password", error=f.errors.get("current", "")),
                form_field("New password", "password", field_id=password_id, type_="password",
                           auto_complete="new-password", error=f.errors.get("password", "")),
                form_field("Confirm new password", "confirm", field_id=confirm_id,
                           type_="password", auto_complete="new-password",
                           error=f.errors.get("confirm", "")),
                rx.text(RULES_HINT, size="1", color_scheme="gray"),
                *_form_end(f, "password", "Change password"),
                spacing="3", width="100%",
            ),
            on_submit=f.change_password,
        ),
    )


def _name_form() -> rx.Component:
    f = NameFormState
    return _section(
        "Name", "account-name",
        rx.form(
            rx.vstack(
                form_field("Full name", "full_name", field_id="acc-full-name",
                           default_value=S.account_full_name, auto_complete="name",
                           error=f.errors.get("full_name", "")),
                *_form_end(f, "name", "Save name"),
                spacing="3", width="100%",
            ),
            on_submit=f.change_name,
            # A new key when the saved name arrives, so the field shows it (uncontrolled input).
            key=S.account_full_name,
        ),
    )


def _email_form() -> rx.Component:
    f = EmailFormState
    return _section(
        "E-mail address", "account-email",
        rx.text("Your e-mail address: ", rx.text.strong(S.account_email, id="current-email"),
                size="2"),
        rx.cond(
            S.pending_email != "",
            rx.text("Waiting for confirmation: ", rx.text.strong(S.pending_email),
                    " (open the link we sent there).", size="2", id="pending-email"),
        ),
        rx.form(
            rx.vstack(
                form_field("New e-mail address", "new_email", field_id="acc-new-email",
                           type_="email", auto_complete="email",
                           error=f.errors.get("new_email", "")),
                form_field("Current password", "current", field_id=EMAIL_PASSWORD_ID,
                           type_="password", auto_complete="current-password",
                           error=f.errors.get("current", "")),
                *_form_end(f, "email", "Change e-mail address"),
                spacing="3", width="100%",
            ),
            on_submit=f.change_email,
        ),
    )


def _session_row(item: SessionRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            item.browser, rx.cond(item.current, rx.badge("This browser", margin_left="8px"))),
        rx.table.cell(item.started),
        rx.table.cell(item.last_seen),
    )


def _sessions() -> rx.Component:
    return _section(
        "Active sessions", "account-sessions",
        rx.table.root(
            rx.table.header(rx.table.row(
                rx.table.column_header_cell("Browser"),
                rx.table.column_header_cell("Signed in"),
                rx.table.column_header_cell("Last seen"),
            )),
            rx.table.body(rx.foreach(S.sessions, _session_row)),
            width="100%", id="sessions-table",
        ),
        error_callout(S.sessions_error, "sessions-error"),
        notice(S.sessions_notice, "sessions-notice"),
        rx.button("Sign out of other sessions", on_click=S.sign_out_others, variant="soft"),
    )


@rx.page(route=routes.ACCOUNT, title="My account · MemberSync", on_load=AccountState.load)
def account_page() -> rx.Component:
    return page_shell(
        rx.cond(
            S.loaded,
            rx.vstack(
                rx.text("Username: ", rx.text.strong(S.account_username), size="2"),
                _password_form(),
                _name_form(),
                _email_form(),
                _sessions(),
                spacing="4", width="100%",
            ),
            rx.spinner(),
        ),
        title="My account",
    )
