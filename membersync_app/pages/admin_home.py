"""/admin: the staff back office's index."""

import reflex as rx

from .. import routes
from ..components.admin import ADMIN_SECTIONS
from ..components.layout import page_shell
from ..state.base import AppState


@rx.page(route=routes.ADMIN, title="Admin · MemberSync", on_load=AppState.guard_staff)
def admin_home_page() -> rx.Component:
    return page_shell(
        rx.grid(
            *[
                rx.link(rx.card(rx.text(name, weight="bold")), href=href)
                for name, href in ADMIN_SECTIONS
            ],
            columns="3",
            spacing="4",
            width="100%",
        ),
        title="MemberSync administration",
    )
