"""/confirm-email/[token]: confirm a new e-mail address asked for on My account."""

import reflex as rx

from .. import routes
from ..components.email_link import done_callout, email_link_page
from ..state.account import ConfirmEmailState

S = ConfirmEmailState


@rx.page(route=routes.CONFIRM_EMAIL, title="Confirm your e-mail address · MemberSync",
         on_load=ConfirmEmailState.load)
def confirm_email_page() -> rx.Component:
    return email_link_page(
        S, "Confirm your new e-mail address", done=S.confirmed,
        done_view=done_callout("Your e-mail address is now " + S.new_email + ".",
                               "email-confirmed", rx.link("Go to My account", href=routes.ACCOUNT)),
        form=rx.vstack(
            rx.text("Use ", rx.text.strong(S.new_email),
                    " as the e-mail address of your account?", size="2"),
            rx.button("Confirm new e-mail address", on_click=S.confirm),
            spacing="3",
        ),
        elsewhere=("Go to My account", routes.ACCOUNT),
    )
