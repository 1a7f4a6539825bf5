"""/set-password/[token] — set the password of an account made by "Add Member"."""

import reflex as rx

from .. import routes
from ..components.email_link import done_callout, email_link_page
from ..components.forms import form_field
from ..state.set_password import SetPasswordState

S = SetPasswordState


@rx.page(route=routes.SET_PASSWORD, title="Set your password · MemberSync",
         on_load=SetPasswordState.load)
def set_password_page() -> rx.Component:
    return email_link_page(
        S, "Set your password", done=S.password_done,
        done_view=done_callout("Your password is set. Sign in with your e-mail address "
                               + S.account_email + ".",
                               "password-set", rx.link(rx.button("Sign in"), href=S.sign_in_href)),
        form=rx.form(
            rx.vstack(
                rx.text("Account: ", rx.text.strong(S.account_email), size="2"),
                form_field("New password", "password", field_id="sp-password",
                           type_="password", error=S.errors["password"],
                           auto_complete="new-password"),
                form_field("Confirm password", "confirm", field_id="sp-confirm",
                           type_="password", error=S.errors["confirm"],
                           auto_complete="new-password"),
                rx.button("Set password", type="submit"),
                spacing="3", width="100%",
            ),
            on_submit=S.submit,
        ),
        elsewhere=("Go to sign in", routes.LOGIN),
    )
