"""The shared page frame: header with who is signed in, links by role, sign out."""

import reflex as rx
from reflex.vars import Var

from .. import routes
from ..state.base import AppState

# Below this width (a phone, a narrow window) the links and Sign out move into the Menu.
NARROW = "48em"
WIDE_ONLY = {"display": "none", f"@media (min-width: {NARROW})": {"display": "flex"}}
NARROW_ONLY = {"display": "flex", f"@media (min-width: {NARROW})": {"display": "none"}}
# The Group Dashboard link shows only to people who own or manage an organization (for anyone
# else it leads to an empty page); these links show to everyone signed in.
NAV = (("My access", routes.MY_ACCESS), ("Directory", routes.DIRECTORY))
DASHBOARD_LINK = "Group Dashboard"


def _nav_link(text: str, href: str) -> rx.Component:
    return rx.link(text, href=href, size="2", weight="medium")


def _viewer_name(max_width: str) -> rx.Component:
    """The signed-in person's name, cut with "…" when long (the whole name on hover)."""
    return rx.el.strong(
        AppState.viewer_name,
        title=AppState.viewer_name,
        style={"display": "inline-block", "max_width": max_width, "overflow": "hidden",
               "text_overflow": "ellipsis", "white_space": "nowrap", "vertical_align": "bottom"},
    )


def _wide_links() -> rx.Component:
    return rx.el.nav(
        rx.hstack(
            rx.cond(AppState.viewer_manages, _nav_link(DASHBOARD_LINK, routes.DASHBOARD)),
            *[_nav_link(text, href) for text, href in NAV],
            rx.cond(AppState.viewer_is_staff, _nav_link("Admin", routes.ADMIN)),
            spacing="4", wrap="wrap",
        ),
        aria_label="Main",
        style=WIDE_ONLY,
    )


def _wide_account() -> rx.Component:
    return rx.hstack(
        rx.text("Signed in as ", _viewer_name("14em"), size="2", id="signed-in-as"),
        _nav_link("My account", routes.ACCOUNT),
        rx.button("Sign out", on_click=AppState.sign_out, variant="soft", size="1"),
        align="center",
        style=WIDE_ONLY,
    )


def _narrow_menu() -> rx.Component:
    """On a phone: one Menu button holding the links, My account and Sign out."""
    return rx.box(
        rx.menu.root(
            rx.menu.trigger(rx.button("Menu", variant="soft", size="2", id="header-menu")),
            rx.menu.content(
                rx.text("Signed in as ", _viewer_name("12em"), size="2",
                        style={"padding": "4px 12px"}),
                rx.cond(AppState.viewer_manages,
                        rx.menu.item(DASHBOARD_LINK, on_select=rx.redirect(routes.DASHBOARD))),
                *[rx.menu.item(text, on_select=rx.redirect(href)) for text, href in NAV],
                rx.cond(AppState.viewer_is_staff,
                        rx.menu.item("Admin", on_select=rx.redirect(routes.ADMIN))),
                rx.menu.separator(),
                rx.menu.item("My account", on_select=rx.redirect(routes.ACCOUNT)),
                rx.menu.item("Sign out", on_select=AppState.sign_out),
                align="end",
            ),
        ),
        style=NARROW_ONLY,
    )


def header() -> rx.Component:
    """Brand, links and who is signed in; on a narrow screen the links fold into a Menu so
    nothing runs off the page."""
    return rx.el.header(
        rx.flex(
            rx.link(
                rx.text("MemberSync", size="5", weight="bold"),
                href=routes.HOME,
                underline="none",
            ),
            rx.cond(AppState.viewer_signed_in, _wide_links()),
            rx.spacer(),
            rx.cond(AppState.viewer_signed_in, rx.fragment(_wide_account(), _narrow_menu())),
            align="center",
            width="100%",
            gap="16px",
            wrap="wrap",
        ),
        style={"padding": "12px 16px", "border_bottom": "1px solid var(--gray-5)"},
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
                rx.cond(AppState.sent_away != "",
                        rx.callout(AppState.sent_away, icon="info", id="sent-away",
                                   role="status")),
                *([rx.heading(title, size="7", as_="h1")] if title else []),
                *children,
                spacing="4",
                width="100%",
            ),
            # A long word (a 200-character title) breaks inside a heading or a row's name
            # cell instead of widening the page; a table still too wide for the screen
            # scrolls in its own box (Radix's Table). Other cells keep their words whole.
            style={"max_width": "1200px", "margin": "0 auto", "padding": "24px 16px",
                   "& h1, & h2, & h3, & p": {"overflow_wrap": "break-word"},
                   "& tbody th": {"overflow_wrap": "anywhere", "min_width": "8em"}},
        ),
    )


def narrow_card(*children: rx.Component, max_width: str = "480px") -> rx.Component:
    """A page's one card, centred (sign-in, the pages e-mailed links open)."""
    return rx.card(*children,
                   style={"max_width": max_width, "margin": "40px auto", "width": "100%"})


def signed_out_form_page(heading: str, *children: rx.Component, on_submit) -> rx.Component:
    """A page for someone not signed in (sign in, forgot password): one narrow card holding
    one form under its heading, so these pages look and behave alike."""
    return page_shell(narrow_card(
        rx.form(
            rx.vstack(rx.heading(heading, size="6", as_="h1"), *children, spacing="3"),
            on_submit=on_submit,
        ),
        max_width="420px",
    ))


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
