"""The shared page frame: header with who is signed in, links by role, sign out."""

import reflex as rx

from .. import routes
from ..state.base import AppState


def _nav_link(text: str, href: str) -> rx.Component:
    return rx.link(text, href=href, size="2", weight="medium")


def header() -> rx.Component:
    return rx.el.header(
        rx.hstack(
            rx.link(
                rx.text("MemberSync", size="5", weight="bold"),
                href=routes.DASHBOARD,
                underline="none",
            ),
            rx.cond(
                AppState.viewer_signed_in,
                rx.el.nav(
                    rx.hstack(
                        _nav_link("Group Dashboard", routes.DASHBOARD),
                        _nav_link("My access", routes.MY_ACCESS),
                        _nav_link("Directory", routes.DIRECTORY),
                        rx.cond(AppState.viewer_is_staff, _nav_link("Admin", routes.ADMIN)),
                        spacing="4",
                    ),
                    aria_label="Main",
                ),
            ),
            rx.spacer(),
            rx.cond(
                AppState.viewer_signed_in,
                rx.hstack(
                    rx.text(
                        "Signed in as ",
                        rx.text.strong(AppState.viewer_name),
                        size="2",
                        id="signed-in-as",
                    ),
                    rx.button("Sign out", on_click=AppState.sign_out, variant="soft", size="1"),
                    align="center",
                ),
            ),
            align="center",
            width="100%",
            spacing="5",
        ),
        style={"padding": "12px 24px", "border_bottom": "1px solid var(--gray-5)"},
    )


def _follow_server_route() -> rx.Component:
    """Loads `AppState.leave_to` as a whole page (the server sets or clears the session cookie
    there). A refresh meta element does it without script; the link is for anyone whose
    browser does not follow it."""
    return rx.cond(
        AppState.leave_to != "",
        rx.fragment(
            rx.el.meta(http_equiv="refresh", content="0;url=" + AppState.leave_to),
            rx.callout(
                rx.hstack(rx.text("One moment…"), rx.el.a("Continue", href=AppState.leave_to)),
                icon="info", role="status", id="leaving",
            ),
        ),
    )


def page_shell(*children: rx.Component, title: str = "") -> rx.Component:
    """A page with the header and a centred main area."""
    return rx.box(
        _follow_server_route(),
        header(),
        rx.el.main(
            rx.vstack(
                *([rx.heading(title, size="7", as_="h1")] if title else []),
                *children,
                spacing="4",
                width="100%",
            ),
            style={"max_width": "1200px", "margin": "0 auto", "padding": "24px"},
        ),
    )
