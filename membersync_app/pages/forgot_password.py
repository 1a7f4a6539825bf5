"""/forgot-password: ask for a link to set a new password."""

import reflex as rx

from .. import routes
from ..components.forms import error_callout, form_field
from ..components.layout import signed_out_form_page
from ..state.password_reset import ForgotPasswordState

S = ForgotPasswordState


@rx.page(route=routes.FORGOT_PASSWORD, title="Forgot your password? · MemberSync",
         on_load=ForgotPasswordState.load)
def forgot_password_page() -> rx.Component:
    return signed_out_form_page(
        "Forgot your password?",
        rx.text("Enter your username or e-mail address. We will e-mail you a link "
                "to choose a new password.", size="2"),
        form_field("Username or email", "login", field_id="fp-login",
                   auto_complete="username", auto_focus=True,
                   error=S.errors.get("login", "")),
        error_callout(S.errors.get("form", ""), "fp-error"),
        rx.cond(
            S.notice != "",
            rx.callout(S.notice, icon="mail", color_scheme="green", id="fp-sent",
                       role="status"),
        ),
        rx.button("Send the link", type="submit", width="100%"),
        rx.link("Back to sign in", href=routes.LOGIN, size="2"),
        on_submit=S.request_reset,
    )
