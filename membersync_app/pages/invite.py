"""/invite/[token] — accept an invitation."""

import reflex as rx

from .. import routes
from ..components.forms import error_callout, form_field
from ..components.layout import page_shell
from ..state.invite import VALID, InviteState

S = InviteState


def _create_account_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("Create your account with ", rx.text.strong(S.invite_email), " to join.",
                    size="2"),
            form_field("Name", "full_name", field_id="invite-name", error=S.errors["full_name"],
                       auto_complete="name"),
            form_field("Password", "password", field_id="invite-password", type_="password",
                       error=S.errors["password"], auto_complete="new-password"),
            form_field("Confirm password", "confirm", field_id="invite-confirm",
                       type_="password", error=S.errors["confirm"], auto_complete="new-password"),
            rx.button("Create account and join", type="submit"),
            spacing="3", width="100%",
        ),
        on_submit=S.create_account,
    )


def _valid() -> rx.Component:
    return rx.vstack(
        rx.text("You are invited to join ", rx.text.strong(S.invite_org), " as a ",
                S.invite_role, ".", id="invite-summary"),
        error_callout(S.errors["form"], "accept-error"),
        rx.cond(
            S.viewer_signed_in,
            rx.cond(
                S.wrong_account,
                rx.vstack(
                    rx.callout(
                        "This invitation is for " + S.invite_email + ", but you are signed in "
                        "as " + S.viewer_email + ". Sign out, then sign in as "
                        + S.invite_email + " to accept it.",
                        icon="info", color_scheme="orange", id="wrong-account", role="alert"),
                    rx.button("Sign out and switch account", on_click=S.switch_account),
                ),
                rx.button("Accept invitation", on_click=S.accept),
            ),
            rx.cond(
                S.account_exists,
                rx.vstack(
                    rx.text("You already have an account with ", S.invite_email,
                            ". Sign in to accept.", size="2"),
                    rx.link(rx.button("Sign in to accept"), href=S.sign_in_href),
                ),
                _create_account_form(),
            ),
        ),
        spacing="3", width="100%",
    )


def _accepted() -> rx.Component:
    """The person who accepted opens the link again: say so, and where their access is (not
    "this link is used up, sign in")."""
    return rx.vstack(
        rx.callout(rx.text("You already accepted this invitation to join ",
                           rx.text.strong(S.invite_org), ". Your access is on My access."),
                   icon="circle_check", color_scheme="green", id="invite-accepted",
                   role="status"),
        rx.link("Go to My access", href=routes.MY_ACCESS),
    )


def _closed() -> rx.Component:
    return rx.vstack(
        rx.callout(S.link_message, icon="triangle_alert", color_scheme="orange",
                   id="invite-problem", role="alert"),
        rx.cond(
            S.viewer_signed_in,
            rx.link("Go to My access", href=routes.MY_ACCESS),
            rx.link("Go to sign in", href=routes.login_with_next(routes.MY_ACCESS)),
        ),
    )


@rx.page(route=routes.INVITE, title="Invitation · MemberSync", on_load=InviteState.load)
def invite_page() -> rx.Component:
    return page_shell(
        rx.card(
            rx.vstack(
                rx.heading("Accept invitation", size="6", as_="h1"),
                rx.cond(
                    S.link_state == "",
                    rx.spinner(),
                    rx.cond(
                        S.link_state == VALID,
                        _valid(),
                        rx.cond(S.accepted_by_viewer, _accepted(), _closed()),
                    ),
                ),
                spacing="3", width="100%",
            ),
            style={"max_width": "520px", "margin": "40px auto", "width": "100%"},
        ),
    )
