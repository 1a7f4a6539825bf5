"""/dashboard: the organizations the signed-in user owns or manages."""

import reflex as rx

from ..services import organizations
from .base import AppState


class DashboardState(AppState):
    orgs: list[organizations.ManagedOrgRow] = rx.field(default_factory=list)

    @rx.event
    def load(self):
        with self._reading() as (session, user):
            if away := self._away_unless_signed_in(user):
                return away
            self.orgs = organizations.list_managed(session, actor=user)
        return None
