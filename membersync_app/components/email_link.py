"""The pages an e-mailed link opens (/set-password/[token], /confirm-email/[token]), drawn from a
state with state/email_link.py: EmailLinkMixin."""

import reflex as rx
from reflex.vars import Var

from .layout import link_page, link_problem


def email_link_page(state, heading: str, *, done: Var, done_view: rx.Component,
                    form: rx.Component, elsewhere: tuple[str, str]) -> rx.Component:
    """A spinner until the link is checked; then `done_view` once the link was used, else
    `form` while it works, else why it does not and where to go (`elsewhere`: the link's text
    and address)."""
    return link_page(
        heading, state.link_checked,
        rx.cond(done, done_view,
                rx.cond(state.link_valid, form, link_problem(state.link_message, *elsewhere))),
    )


def done_callout(message: Var, callout_id: str, next_step: rx.Component) -> rx.Component:
    """What the link did, and the next step."""
    return rx.vstack(
        rx.callout(message, icon="circle_check", color_scheme="green", id=callout_id,
                   role="status"),
        next_step,
    )
