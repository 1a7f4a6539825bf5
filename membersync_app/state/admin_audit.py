"""Admin state for the audit log: filters (organization, user, action) and one page of events.

The filters live in the URL (`?organization=acme&user=stella&action=member.add`, or `?org=9`
for one organization exactly, as its row's "Audit log" link opens it): the filter form is a
plain GET form that loads that address as a page, and `load` reads it, so reload, Back and a
shared link show the same events.
"""

import reflex as rx

from ..services import audit_log
from ..services.errors import ServiceError
from .base import AppState
from .paged_list import PagedListMixin

URL_FILTERS = ("organization", "org", "user", "action")


class AdminAuditState(PagedListMixin, AppState):
    sort_by: str = "when"
    sort_desc: bool = True
    rows: list[audit_log.AuditRow] = []  # noqa: RUF012
    actions: list[str] = []  # noqa: RUF012
    filter_organization: str = ""
    filter_org_id: str = ""  # one organization exactly (?org=<id>)
    filter_org_title: str = ""  # its title, shown above the table
    filter_user: str = ""
    filter_action: str = ""
    filter_key: int = 0

    def _load_page(self, session, user, **listing):
        listing.pop("search", None)
        result = audit_log.list_events(
            session, actor=user, organization=self.filter_organization,
            organization_id=self.filter_org_id or None, user=self.filter_user,
            action=self.filter_action, **listing)
        self.rows = list(result.rows)
        if self.filter_org_id and result.rows:
            self.filter_org_title = result.rows[0].organization
        return result

    @rx.event
    def load(self):
        try:
            with self._reading() as (session, user):
                self.actions = audit_log.audit_actions(session, actor=user)
        except ServiceError as error:
            self.list_error = error.message
            return
        params = self.router.url.query_parameters
        values = {key: str(params.get(key, "")) for key in URL_FILTERS}
        if (values["organization"], values["user"], values["action"]) != (
                self.filter_organization, self.filter_user, self.filter_action):
            self.filter_key += 1  # show the new filter values in the (uncontrolled) inputs
        self.filter_organization, self.filter_org_id = values["organization"], values["org"]
        self.filter_user, self.filter_action = values["user"], values["action"]
        self.filter_org_title = f"#{self.filter_org_id}" if self.filter_org_id else ""
        self.list_error = ""
        self._refresh(sort="when", descending=True, page=1)
