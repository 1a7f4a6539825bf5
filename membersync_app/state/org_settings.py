"""Settings: organization name and seat count (never below the seats in use)."""

import reflex as rx

from ..services import org_settings
from ..services.edits import EditConflict
from ..services.errors import FieldErrors, ServiceError
from .org_page import OrgPageState


class OrgSettingsState(OrgPageState):
    errors: dict[str, str] = {}  # noqa: RUF012  ("title", "seat_count", "form")
    settings_notice: str = ""
    # After a conflict: the organization as saved then ({"org_id", "opened"}), so saving again
    # puts this person's input in place of the other change (services/edits.py).
    _conflict: dict = {}  # noqa: RUF012

    def _forget_dialogs(self) -> None:
        self.errors, self.settings_notice = {}, ""

    @rx.event
    def submit_settings(self, form_data: dict):
        self._forget_dialogs()
        opened = (self._conflict.get("opened") if self._conflict.get("org_id") == self._org_id
                  else org_settings.opened_settings(title=form_data.get("opened_title"),
                                                    seat_count=form_data.get("opened_seat_count")))
        try:
            with self._unit() as (session, user):
                org_settings.update_settings(session, actor=user, org_id=self._org_id,
                                             title=form_data.get("title", ""),
                                             seat_count=form_data.get("seat_count", ""),
                                             opened=opened)
        except EditConflict as conflict:
            # The header is not refreshed: the form is keyed by the saved name and seat count,
            # and a new key would replace what the person typed.
            self._conflict = {"org_id": self._org_id, "opened": conflict.opened.as_dict()}
            self.errors = {"form": conflict.message}
            return
        except FieldErrors as errors:
            self.errors = dict(errors.errors)
        except ServiceError as error:
            self.errors = {"form": error.message}
        else:
            self.settings_notice = "Settings saved."
            self._conflict = {}
        self._reread_header()
