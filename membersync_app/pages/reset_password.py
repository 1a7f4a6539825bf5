"""/reset-password/[token]: choose a new password from the e-mailed link."""

import reflex as rx

from .. import routes
from ..components.forms import form_field
from ..components.layout import link_page, link_problem
from ..services.password_rules import RULES_HINT
from ..state.password_reset import RESET_PASSWORD_IDS, ResetPasswordState

S = ResetPasswordState


@rx.page(route=routes.RESET_PASSWORD, title="Choose a new password · MemberSync",
         on_load=ResetPasswordState.load)
def reset_password_page() -> rx.Component:
    password_id, confirm_id = RESET_PASSWORD_IDS
    return link_page(
        "Choose a new password", S.link_checked,
        rx.cond(
            S.link_valid,
            rx.form(
                rx.vstack(
                    rx.text("Account: ", rx.text.strong(S.account_username), size="2"),
                    form_field("New password", "password", field_id=password_id,
                               type_="password", auto_complete="new-password",
                               error=S.errors.get("password", "")),
                    form_field("Confirm password", "confirm", field_id=confirm_id,
                               type_="password", auto_complete="new-password",
                               error=S.errors.get("confirm", "")),
                    rx.text(RULES_HINT, size="1", color_scheme="gray"),
                    rx.button("Set new password and sign in", type="submit"),
                    spacing="3", width="100%",
                ),
                on_submit=S.submit,
            ),
            link_problem(S.link_message, "Ask for a new link", routes.FORGOT_PASSWORD),
        ),
    )
