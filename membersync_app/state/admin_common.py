"""What every admin form state shares: open / close, per-field errors, delete confirmation,
each record's own URL, and the draft kept through a reload or Back.

Each record has its own address (`/admin/courses/3`): Edit goes there and its `on_load` opens
the form, so reload and Back land where the person was. What is typed into the form's text
fields is kept on the server as it is typed (`keep_draft`), and so is each tick of its
checkboxes (`keep_tick`: permissions, Seat Benefits, a seat type's contents): reloading, or
leaving with Back and coming back, shows the form again with the unsaved input and says so; the
list names a record left with unsaved changes. A password field is never kept. Save, Cancel
and "Discard changes" drop the draft. (Kept rather than warned about: a warning before leaving
needs the browser's beforeunload, which Reflex does not offer without hand-written JavaScript,
and a reload would still lose the input.)
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import reflex as rx
from sqlmodel import Session

from .. import routes
from ..models import User
from ..services import catalog, org_types
from ..services.catalog import Choice
from ..services.edits import EditConflict
from ..services.errors import FieldErrors, ServiceError
from ..services.validation import whole_number

FIX_FIELDS = "Nothing was saved. Please correct the fields marked below."


# Where each picker's choices come from: a form state names the ones it shows (`_choices`).
CHOICE_SOURCES: dict[str, Callable[..., list[Choice]]] = {
    "course_choices": catalog.course_choices,
    "license_choices": catalog.license_choices,
    "seat_type_choices": catalog.seat_type_choices,
    "org_type_choices": org_types.org_type_choices,
}


def form_id(value) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class RecordServices:
    """The services behind one kind of admin record, called by AdminFormMixin's `_save_record`
    and `_delete_record` (and RecordFormMixin's `read`): `id_name` is the keyword that names the
    record ("course_id")."""

    id_name: str
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any] | None = None
    read: Callable[..., Any] | None = None


class AdminFormMixin(rx.State, mixin=True):
    """The add / edit form of an admin list page (mixed in with PagedListMixin and AppState,
    whose `_refresh` and `unit` it uses). The form's inputs are uncontrolled: what the user typed
    stays in them when the service refuses; `form_key` changes to show a new record."""

    form_open: bool = False
    editing_id: int = 0  # 0: adding a new one
    form_key: int = 0
    errors: dict[str, str] = {}  # noqa: RUF012  (Reflex copies var defaults)
    form_error: str = ""
    notice: str = ""
    confirm_delete: bool = False
    # What the edit form showed when it opened (services/edits.py), kept on the server: saving
    # writes only what the person changed, and detects what someone else changed meanwhile.
    _opened: dict = {}  # noqa: RUF012
    # The unsaved input: {"record": editing_id, "label": shown on the list, "values": {...}}.
    _draft: dict = {}  # noqa: RUF012
    draft_restored: bool = False  # the open form shows a kept draft
    draft_label: str = ""  # the list's "unsaved changes to …" line ("" when none)
    draft_record: int = -1  # which record the kept draft belongs to (0: a new one)
    # The list's path and the record path (routes.ADMIN_COURSE), set by each state.
    _list_route: ClassVar[str] = ""
    _record_route: ClassVar[str] = ""
    _draft_fields: ClassVar[tuple[str, ...]] = ()  # text fields kept as typed (f_<name> vars)
    _draft_ticks: ClassVar[tuple[str, ...]] = ()  # checkbox names whose ticks are kept
    _noun: ClassVar[str] = "record"
    _label_field: ClassVar[str] = "name"  # the f_<field> (and the saved row's field) naming it
    _services: ClassVar[RecordServices | None] = None  # what Save and Delete call
    # The pickers whose choices are loaded when the form opens: vars named in CHOICE_SOURCES.
    _choices: ClassVar[tuple[str, ...]] = ()

    _carried_notice: str = ""  # a save's notice, for the list it redirected to

    @rx.event
    def load(self):
        """Open the page: no form open, the list's current page (from PagedListMixin) fresh."""
        self._done(self._arrival_notice())
        self._refresh()

    def _arrival_notice(self) -> str:
        """The notice a save on the record's address left for the list (once), else ""."""
        notice, self._carried_notice = self._carried_notice, ""
        return notice

    def _open_form(self, editing_id: int) -> None:
        self.form_open = True
        self.editing_id = editing_id
        self.form_key += 1
        self.errors = {}
        self.form_error = ""
        self.notice = ""
        self.confirm_delete = False
        self.draft_restored = False
        if self._draft.get("record") == editing_id and (
                self._draft.get("values") or self._draft.get("ticks")):
            for name, value in self._draft.get("values", {}).items():
                setattr(self, f"f_{name}", value)
            for name, ticks in self._draft.get("ticks", {}).items():
                for value, ticked in ticks.items():
                    self._apply_tick(name, value, ticked)
            self.draft_restored = True

    @rx.event
    def keep_draft(self, name: str, value: str):
        """A text field of the open form changed: keep its value (never sent back: a backend
        var), so a reload or Back does not lose it."""
        self._keep_text(name, value)

    def _keep_text(self, name: str, value: str) -> None:
        if (not self.form_open or name not in self._draft_fields
                or not isinstance(value, str) or len(value) > 10_000):
            return
        self._keep("values", name, value)
        if name in self.errors:  # it described the value before this change
            self.errors = {key: message for key, message in self.errors.items() if key != name}

    @rx.event
    def keep_tick(self, name: str, value: str, ticked: bool):
        """A checkbox of the open form was ticked or cleared (`value`: which choice of the group
        `name`, "on" for a lone checkbox): keep that, as keep_draft keeps typing."""
        self._keep_tick(name, value, ticked)

    def _keep_tick(self, name: str, value: str, ticked: bool) -> None:
        if (not self.form_open or name not in self._draft_ticks or not isinstance(value, str)
                or len(value) > 100 or not isinstance(ticked, bool)):
            return
        ticks = (self._draft.get("ticks", {}) if self._same_record() else {}).get(name, {})
        if value not in ticks and len(ticks) >= 1_000:  # more than any form offers
            return
        self._keep("ticks", name, {**ticks, value: ticked})

    def _same_record(self) -> bool:
        return self._draft.get("record") == self.editing_id

    def _keep(self, kind: str, key: str, value) -> None:
        """Record one change of the open form in the draft ("values": typed text by field,
        "ticks": {value: ticked} by checkbox name); a draft of another record goes."""
        kept = {kind_: dict(self._draft.get(kind_, {})) if self._same_record() else {}
                for kind_ in ("values", "ticks")}
        kept[kind][key] = value
        self._draft = {"record": self.editing_id, "label": self._draft_label(), **kept}
        self.draft_label, self.draft_record = self._draft["label"], self.editing_id

    def _apply_tick(self, name: str, value: str, ticked: bool) -> None:
        """Put a kept tick back into the form's field: the f_<name> var, a bool for a lone
        checkbox or the list of ticked ids for a group. A state whose checkboxes live elsewhere
        (a dict of them) says how."""
        current = getattr(self, f"f_{name}")
        if isinstance(current, bool):
            setattr(self, f"f_{name}", ticked)
        else:
            others = [item for item in current if item != value]
            setattr(self, f"f_{name}", [*others, value] if ticked else others)

    def _draft_label(self) -> str:
        """How the list names the record of a kept draft."""
        if self.editing_id == 0:
            return f"a new {self._noun}"
        return f"the {self._noun} “{getattr(self, f'f_{self._label_field}', '')}”"

    @rx.event
    def continue_draft(self):
        """Back to the form left with unsaved changes (they are filled in again)."""
        if self.draft_record == 0:
            return type(self).open_new
        if self.draft_record > 0:
            return self._go_to_record(self.draft_record)
        return None

    def _forget_draft(self) -> None:
        self._draft, self.draft_restored = {}, False
        self.draft_label, self.draft_record = "", -1

    @rx.event
    def discard_draft(self):
        """Drop the kept input and show the record as saved."""
        editing_id, was_open = self.editing_id, self.form_open
        self._forget_draft()
        self._done("")
        if editing_id:
            return self._go_to_record(editing_id)
        return type(self).open_new if was_open else None

    @rx.event
    def open_edit(self, record_id: int):
        """Edit goes to the record's own address; its on_load (`load_record`) opens the form
        (RecordFormMixin: a record kind without addresses opens it there and then)."""
        if (number := whole_number(record_id, allow_text=False)) is None:
            return None
        return self._go_to_record(number)

    def _go_to_record(self, record_id: int):
        """To the record's own address (a form without addresses, a back office tab, has no
        records to go to)."""
        if self._record_route:
            return rx.redirect(routes.admin_record(self._record_route, record_id))
        return None

    @rx.event
    def load_record(self):
        """on_load of the record's address: the list behind it, and the form on the record."""
        if not self._record_route:  # a form with no address of its own (the back office tabs)
            return
        self._refresh()
        record_id = whole_number(self.id)  # the route's [id]
        if record_id is None:
            self._done("")
            self.list_error = f"There is no {self._noun} at this address."
            return
        self._open_record(record_id)

    def _open_record(self, record_id: int) -> None:
        """Read the record into the form's fields and open it (each state says how)."""
        raise NotImplementedError

    def _back_to_list(self):
        """After Save, Delete or Cancel on a record's address, go back to the list's."""
        if self._list_route and self.router.url.path.rstrip("/") != self._list_route:
            self._carried_notice = self.notice
            return rx.redirect(self._list_route)
        return None

    def _refused(self, error: ServiceError) -> None:
        if isinstance(error, EditConflict):
            # The form now stands on what is saved: saving again puts this person's input there.
            self._opened = error.opened.as_dict()
        if isinstance(error, FieldErrors):
            self.errors = dict(error.errors)
            self.form_error = FIX_FIELDS
        elif error.field:
            self.errors = {error.field: error.message}
            self.form_error = FIX_FIELDS
        else:
            self.errors = {}
            self.form_error = error.message
        self.confirm_delete = False

    def _done(self, notice: str) -> None:
        self.form_open = False
        self.editing_id = 0
        self._opened = {}
        self.draft_restored = False
        self.errors = {}
        self.form_error = ""
        self.confirm_delete = False
        self.notice = notice

    def _load_choices(self, session: Session, user: User | None) -> None:
        """Fill each picker's choices (`_choices`) for the form about to open."""
        for var in self._choices:
            setattr(self, var, CHOICE_SOURCES[var](session, actor=user))

    def _open_new_with(self, prepare: Callable[[Session, User | None], None]) -> None:
        """Open an empty form once the pickers' choices are loaded and `prepare` (reset the
        fields) ran, in one transaction; a refusal shows above the list and the form stays
        closed."""
        try:
            with self._reading() as (session, user):
                self._load_choices(session, user)
                prepare(session, user)
        except ServiceError as error:
            self.list_error = error.message
            return
        self._opened = {}
        self._open_form(0)

    def _open_edit_with(self, read: Callable[[Session, User | None], int]) -> None:
        """Open the form on the record that `read` loads into the fields (it returns the id).

        A refusal (say, another staff member deleted the record) replaces the last notice above
        the list, and the form stays closed.
        """
        try:
            with self._reading() as (session, user):
                record_id = read(session, user)
                self._load_choices(session, user)
        except ServiceError as error:
            self.notice, self.list_error = "", error.message
            return
        self._open_form(record_id)

    def _save_record(self, fields: dict[str, Any]) -> bool:
        """Create the record from the form's `fields`, or update the one being edited (only what
        changed since it opened), through `_services`. Returns whether it was accepted."""
        services = self._services

        def write(session, user):
            if self.editing_id:
                return services.update(session, actor=user, opened=self._opened,
                                       **{services.id_name: self.editing_id}, **fields)
            return services.create(session, actor=user, **fields)

        return self._submit(write, self._saved_notice)

    def _saved_notice(self, record) -> str:
        return f"Saved the {self._noun} “{getattr(record, self._label_field)}”."

    def _delete_record(self):
        """Delete the record being edited; accepted: back to the list with a notice."""
        services = self._services

        def write(session, user):
            return services.delete(session, actor=user, **{services.id_name: self.editing_id})

        if self._submit(write, self._deleted_notice):
            return self._back_to_list()
        return None

    def _deleted_notice(self, _record) -> str:
        """The notice once the record is deleted (`_record`: what the delete service returned)."""
        return f"Deleted the {self._noun}."

    def _submit(self, write: Callable[[Session, User | None], Any],
                notice: Callable[[Any], str]) -> bool:
        """Save or delete through a service in one transaction. Accepted: close the form, show
        `notice(what write returned)`, reload the list. Refused: the form stays open with the
        service's messages (and the user's input). Returns whether it was accepted."""
        try:
            with self._unit() as (session, user):
                result = write(session, user)
        except ServiceError as error:
            self._refused(error)
            return False
        self._done(notice(result))
        self._forget_draft()
        self._refresh()
        return True

    @rx.event
    def close_form(self):
        self._done("")
        self._forget_draft()
        return self._back_to_list()

    @rx.event
    def ask_delete(self):
        self.confirm_delete = True

    @rx.event
    def cancel_delete(self):
        self.confirm_delete = False


class RecordFormMixin(AdminFormMixin, mixin=True):
    """The whole add / edit form of a record kind its `_services` describe in full (a catalog
    entry): the form's inputs are its text fields (`_draft_fields`) and checkbox groups
    (`_draft_ticks`); a state says how to empty them (`_blank_form`) and how to fill them from
    the record it read (`_fill_form`, which also sets `_opened`)."""

    def _blank_form(self) -> None:
        raise NotImplementedError

    def _fill_form(self, record) -> None:
        raise NotImplementedError

    @rx.event
    def open_new(self):
        if self._choices:  # the pickers' choices are read first
            self._open_new_with(lambda _session, _user: self._blank_form())
            return
        self._blank_form()
        self._opened = {}
        self._open_form(0)

    def _go_to_record(self, record_id: int):
        if self._record_route:
            return super()._go_to_record(record_id)
        self._open_record(record_id)  # no address of its own (jobs): the form opens in place
        return None

    def _open_record(self, record_id: int) -> None:
        services = self._services

        def read(session, user):
            record = services.read(session, actor=user, **{services.id_name: record_id})
            self._fill_form(record)
            return record.id

        self._open_edit_with(read)

    @rx.event
    def save(self, form_data: rx.form.FormData):
        fields = {name: form_data.get(name) for name in self._draft_fields}
        fields |= {name: form_data.getlist(name) for name in self._draft_ticks}
        return self._back_to_list() if self._save_record(fields) else None

    @rx.event
    def delete(self):
        return self._delete_record()


def ticked(form_data, name: str) -> bool:
    """Whether a checkbox was ticked. The browser submits its value ("on") only when ticked;
    Reflex may add the element's ref value (True / False) under its id."""
    value = form_data.get(name)
    return value not in (None, False, "", "false", "off")
