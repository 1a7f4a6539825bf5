"""/ : sends everyone to where they work."""

import reflex as rx

from .. import routes
from ..state.base import AppState


class HomeState(AppState):
    @rx.event
    def route(self):
        with self.unit() as (_session, user):
            self._show_viewer(user)
        if user is None:
            return rx.redirect(routes.LOGIN)
        return rx.redirect(routes.ADMIN if user.is_staff else routes.DASHBOARD)


@rx.page(route="/", title="MemberSync", on_load=HomeState.route)
def home_page() -> rx.Component:
    return rx.center(rx.spinner(), height="50vh")
