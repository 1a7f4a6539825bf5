"""The page shown for an address that does not exist: says so, inside the normal frame, with
the ways back."""

import reflex as rx

from .. import routes
from ..components.layout import page_shell
from ..state.base import AppState
from ..state.not_found import NotFoundState


@rx.page(route=routes.NOT_FOUND, title="Page not found · MemberSync", on_load=NotFoundState.load)
def not_found_page() -> rx.Component:
    return page_shell(
        rx.text("There is no page at this address. It may have moved, or the link may have "
                "a typo.", size="3", id="not-found-text"),
        rx.el.nav(
            rx.hstack(
                rx.link("Home", href=routes.HOME),
                # the Group Dashboard only to those who have one (for others it is a dead end)
                rx.cond(AppState.viewer_manages,
                        rx.link("Group Dashboard", href=routes.DASHBOARD),
                        rx.cond(AppState.viewer_signed_in,
                                rx.link("My access", href=routes.MY_ACCESS))),
                spacing="4",
            ),
            aria_label="Ways back",
        ),
        title="Page not found",
    )
