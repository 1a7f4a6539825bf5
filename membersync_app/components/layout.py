"""The shared page frame: header with who is signed in, links by role, sign out."""

import reflex as rx
from reflex.vars import Var

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
                    _nav_link("My account", routes.ACCOUNT),
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


def narrow_card(*children: rx.Component, max_width: str = "480px") -> rx.Component:
    """A page's one card, centred (sign-in, the pages e-mailed links open)."""
    return rx.card(*children,
                   style={"max_width": max_width, "margin": "40px auto", "width": "100%"})


def link_page(heading: str, checked: Var, content: rx.Component) -> rx.Component:
    """The page an e-mailed link opens: its heading, a spinner until the link is checked, then
    `content`."""
    return page_shell(narrow_card(rx.vstack(
        rx.heading(heading, size="6", as_="h1"),
        rx.cond(~checked, rx.spinner(), content),
        spacing="3", width="100%",
    )))


def link_problem(message: Var, link_text: str, href: str) -> rx.Component:
    """Why a link does not work, and where to go instead."""
    return rx.vstack(
        rx.callout(message, icon="triangle_alert", color_scheme="orange", id="link-problem",
                   role="alert"),
        rx.link(link_text, href=href),
    )
