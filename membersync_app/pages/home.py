"""/ : sends everyone to where they work."""

import reflex as rx

from .. import routes
from ..state.base import AppState


@rx.page(route=routes.HOME, title="MemberSync", on_load=AppState.go_home)
def home_page() -> rx.Component:
    return rx.center(rx.spinner(), height="50vh")
