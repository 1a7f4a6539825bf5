"""/login: Username or email, Password, Sign in."""

import reflex as rx

from .. import routes
from ..components.forms import error_callout, form_field
from ..components.layout import signed_out_form_page
from ..state.auth import PASSWORD_INPUT_ID, LoginState


@rx.page(route=routes.LOGIN, title="Sign in · MemberSync", on_load=LoginState.load)
def login_page() -> rx.Component:
    return signed_out_form_page(
        "Sign in",
        form_field("Username or email", "login", field_id="login-name",
                   auto_complete="username", auto_focus=True),
        form_field("Password", "password", field_id=PASSWORD_INPUT_ID,
                   type_="password", auto_complete="current-password"),
        error_callout(LoginState.error, "login-error"),
        rx.button("Sign in", type="submit", width="100%"),
        rx.link("Forgot your password?", href=routes.FORGOT_PASSWORD, size="2"),
        on_submit=LoginState.sign_in,
    )
