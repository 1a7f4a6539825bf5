"""/login: Username or email, Password, Sign in."""

import reflex as rx

from .. import routes
from ..components.forms import error_callout, form_field
from ..components.layout import narrow_card, page_shell
from ..state.auth import PASSWORD_INPUT_ID, LoginState


@rx.page(route=routes.LOGIN, title="Sign in · MemberSync", on_load=LoginState.load)
def login_page() -> rx.Component:
    return page_shell(
        narrow_card(
            rx.form(
                rx.vstack(
                    rx.heading("Sign in", size="6", as_="h1"),
                    form_field("Username or email", "login", field_id="login-name",
                               auto_complete="username", auto_focus=True),
                    form_field("Password", "password", field_id=PASSWORD_INPUT_ID,
                               type_="password", auto_complete="current-password"),
                    error_callout(LoginState.error, "login-error"),
                    rx.button("Sign in", type="submit", width="100%"),
                    rx.link("Forgot your password?", href=routes.FORGOT_PASSWORD, size="2"),
                    spacing="3",
                ),
                on_submit=LoginState.sign_in,
            ),
            max_width="420px",
        ),
    )
