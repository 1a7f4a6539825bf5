"""/dashboard: the organizations the signed-in user owns or manages."""

import reflex as rx
from pydantic import BaseModel

from .. import routes
from ..services import organizations
from .base import AppState
from .display import expiry_text, percent


class OrgCard(BaseModel):
    id: int
    title: str
    type_name: str
    role: str
    seats_used: int
    seat_count: int
    seats_percent: int
    expires: str
    expired: bool
    href: str


class DashboardState(AppState):
    orgs: list[OrgCard] = rx.field(default_factory=list)

    @rx.event
    def load(self):
        with self._unit() as (session, user):
            self._show_viewer(user)
            if user is None:
                return rx.redirect(routes.login_with_next(routes.DASHBOARD))
            rows = organizations.list_managed(session, user)
        self.orgs = [
            OrgCard(
                id=row.id,
                title=row.title,
                type_name=row.type_name,
                role=row.role.capitalize(),
                seats_used=row.seats_used,
                seat_count=row.seat_count,
                seats_percent=percent(row.seats_used, row.seat_count),
                expires=expiry_text(row.expires_at),
                expired=row.expired,
                href=routes.org_page(row.id),
            )
            for row in rows
        ]
        return None
