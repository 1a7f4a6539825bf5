"""/dashboard: the organizations the signed-in user owns or manages."""

import reflex as rx
from pydantic import BaseModel

from .. import routes
from ..services import organizations
from .base import AppState


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
        with self.unit() as (session, user):
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
                seats_percent=min(100, round(100 * row.seats_used / max(row.seat_count, 1))),
                expires=row.expires_at.date().isoformat() if row.expires_at else "never",
                expired=row.expired,
                href=routes.org_page(row.id),
            )
            for row in rows
        ]
        return None
