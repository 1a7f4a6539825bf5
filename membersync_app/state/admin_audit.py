"""Admin state for the audit log: filters (organization, user, action) and one page of events."""

import reflex as rx
from pydantic import BaseModel

from ..services import audit_log
from ..services.errors import ServiceError
from .base import AppState
from .paged_list import PagedListMixin


class AuditItem(BaseModel):
    id: int
    when: str
    actor: str
    organization: str
    action: str
    details: str


class AdminAuditState(PagedListMixin, AppState):
    sort_by: str = "when"
    sort_desc: bool = True
    rows: list[AuditItem] = []  # noqa: RUF012
    actions: list[str] = []  # noqa: RUF012
    filter_organization: str = ""
    filter_user: str = ""
    filter_action: str = ""
    filter_key: int = 0

    def _load_page(self, session, user, **listing):
        listing.pop("search", None)
        result = audit_log.list_events(
            session, user, organization=self.filter_organization, user=self.filter_user,
            action=self.filter_action, **listing)
        self.rows = [
            AuditItem(id=r.id, when=r.created_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
                      actor=r.actor, organization=r.organization, action=r.action,
                      details=r.details)
            for r in result.rows
        ]
        return result

    @rx.event
    def load(self):
        try:
            with self.unit() as (session, user):
                self.actions = audit_log.audit_actions(session, user)
        except ServiceError as error:
            self.list_error = error.message
            return
        # /admin/audit?organization=<id> opens the log of one organization (from its row).
        organization = str(self.router.url.query_parameters.get("organization", ""))
        if (organization, self.filter_user, self.filter_action) != (
                self.filter_organization, "", ""):
            self.filter_key += 1  # show the new filter values in the (uncontrolled) inputs
        self.filter_organization = organization
        self.filter_user, self.filter_action = "", ""
        self._refresh(sort="when", descending=True, page=1)

    @rx.event
    def apply_filters(self, form_data: dict):
        values = {key: form_data.get(key, "") for key in ("organization", "user", "action")}
        if not all(isinstance(v, str) for v in values.values()):
            self.list_error = "Filters must be text."
            return
        previous = (self.filter_organization, self.filter_user, self.filter_action)
        self.filter_organization = values["organization"]
        self.filter_user = values["user"]
        self.filter_action = values["action"]
        self._refresh(page=1)
        if self.list_error:
            self.filter_organization, self.filter_user, self.filter_action = previous

    @rx.event
    def clear_filters(self):
        self.filter_organization, self.filter_user, self.filter_action = "", "", ""
        self.filter_key += 1
        self._refresh(page=1)
