"""Settings: organization name and seat count (never below the seats in use)."""

import reflex as rx

from ..services import org_settings
from ..services.errors import FieldErrors, ServiceError
from .org_page import OrgPageState


class OrgSettingsState(OrgPageState):
    title_error: str = ""
    seat_count_error: str = ""
    settings_error: str = ""
    settings_notice: str = ""

    @rx.event
    def submit_settings(self, form_data: dict):
        self.title_error = self.seat_count_error = self.settings_error = ""
        self.settings_notice = ""
        try:
            with self.unit() as (session, user):
                org_settings.update_settings(session, actor=user, org_id=self._org_id,
                                             title=form_data.get("title", ""),
                                             seat_count=form_data.get("seat_count", ""))
        except FieldErrors as errors:
            self.title_error = errors.errors.get("title", "")
            self.seat_count_error = errors.errors.get("seat_count", "")
        except ServiceError as error:
            self.settings_error = error.message
        else:
            self.settings_notice = "Settings saved."
        with self.unit() as (session, user):
            self._refresh_overview(session, user)
