"""/confirm-email/[token]: confirm a new e-mail address asked for on My account."""

import reflex as rx

from .. import routes
from ..components.layout import link_page, link_problem
from ..state.account import ConfirmEmailState

S = ConfirmEmailState


@rx.page(route=routes.CONFIRM_EMAIL, title="Confirm your e-mail address · MemberSync",
         on_load=ConfirmEmailState.load)
def confirm_email_page() -> rx.Component:
    return link_page(
        "Confirm your new e-mail address", S.link_checked,
        rx.cond(
            S.confirmed,
            rx.vstack(
                rx.callout("Your e-mail address is now " + S.new_email + ".",
                           icon="circle_check", color_scheme="green", id="email-confirmed",
                           role="status"),
                rx.link("Go to My account", href=routes.ACCOUNT),
            ),
            rx.cond(
                S.link_valid,
                rx.vstack(
                    rx.text("Use ", rx.text.strong(S.new_email),
                            " as the e-mail address of your account?", size="2"),
                    rx.button("Confirm new e-mail address", on_click=S.confirm),
                    spacing="3",
                ),
                link_problem(S.link_message, "Go to My account", routes.ACCOUNT),
            ),
        ),
    )
