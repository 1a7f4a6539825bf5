"""Saving a form that was opened a while ago, when someone else may have saved in between.

A form remembers what it showed when it opened (`Opened`: the record's version and its values).
On save, only the fields the person changed are written, so a field they did not touch never
goes back to what they saw. When the record's version moved on since (someone else saved), the
fields the other person changed are compared with this person's: the same field changed by
both is a conflict, refused with who changed what; different fields are simply both kept.
The version columns (migration 309) move on at every update of the row (`models.versioning`).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlmodel import Session, select

from ..models import AuditEvent, User
from .errors import ServiceError


@dataclass(frozen=True)
class Opened:
    """What an edit form showed when it opened: the record's id and version, and comparable
    values. Without the version (a form that only knows the values it shows), every save
    compares; without the id, the caller vouches that it is the record being saved."""

    version: int | None
    values: dict[str, Any]
    record: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """For a state's backend var (kept on the server, never sent to the browser)."""
        return {"version": self.version, "values": dict(self.values), "record": self.record}


class EditConflict(ServiceError):
    """Someone else changed a field this person changed too. `opened` is the record as it is
    now: the form adopts it, so saving again applies this person's input over the other's."""

    def __init__(self, message: str, opened: Opened) -> None:
        super().__init__(message)
        self.opened = opened


def comparable(value: Any) -> Any:
    """A value as forms compare it: dates as ISO text, enums as their value, lists sorted."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(comparable(item) for item in value)
    if isinstance(value, Mapping):
        return {str(key): comparable(item) for key, item in value.items()}
    return value


def opened(version: int | None, values: Mapping[str, Any], *, record: int) -> Opened:
    return Opened(version=version, values={key: comparable(v) for key, v in values.items()},
                  record=record)


def clean_opened(value: Any) -> Opened | None:
    """The `opened` a caller passed (None: an old caller without one; everything is written)."""
    if isinstance(value, Opened):
        return value
    if (isinstance(value, Mapping) and isinstance(value.get("version"), (int, type(None)))
            and isinstance(value.get("values"), Mapping)
            and isinstance(value.get("record"), (int, type(None)))):
        return Opened(version=value["version"], values=dict(value["values"]),
                      record=value.get("record"))
    return None


def changed_since(
    *,
    what: str,
    record: int | None = None,
    version: int | None,
    values: Mapping[str, Any],
    current: Mapping[str, Any],
    opened_form: Any,
    labels: Mapping[str, str],
    editor: Callable[[list[str]], str],
) -> dict[str, Any]:
    """The fields of `values` (checked, to be written) that the person changed since the form
    opened; refuses with EditConflict when someone else changed one of them meanwhile.

    `record` is the id of the record being saved: a form opened on another record says nothing
    about this one, so every field is written, as without a form. `current` holds the record's
    values now (same keys as `values`), `labels` the names the form shows, `editor(fields)` who
    changed those fields last (asked only on a conflict).
    """
    before = clean_opened(opened_form)
    if before is not None and None not in (before.record, record) and before.record != record:
        before = None
    if before is None:
        return dict(values)
    mine = {key: value for key, value in values.items()
            if comparable(value) != before.values.get(key, _MISSING)}
    now = {key: comparable(value) for key, value in current.items()}
    if before.version is not None and version == before.version:
        return mine
    theirs = [key for key in now if now[key] != before.values.get(key, _MISSING)]
    clash = [key for key in theirs if key in mine and comparable(mine[key]) != now[key]]
    if clash:
        fields = ", ".join(labels.get(key, key) for key in clash)
        raise EditConflict(
            f"{editor(clash)} changed {fields} of this {what} after you opened the form. Nothing "
            "was saved; your input is still below. Save again to put yours in place of "
            "theirs, or Cancel to keep theirs.",
            Opened(version=version, values=now, record=record),
        )
    return mine


_MISSING = object()


def last_editor(
    session: Session, *conditions: Any, aliases: Mapping[str, str] | None = None
) -> Callable[[list[str]], str]:
    """Who changed `fields` last, among the audit events matching `conditions` (the record's
    events): the newest of its last 50 events whose details name one of the fields (under
    "changes" when it has them, else as a key; `aliases` maps a form field to the audit's name
    for it), else its newest event's author, else "Someone"."""

    def editor(fields: list[str]) -> str:
        wanted = {(aliases or {}).get(key, key) for key in fields}
        rows = session.exec(
            select(AuditEvent.details, User.full_name, User.username)
            .join(User, AuditEvent.actor_id == User.id)
            .where(*conditions)
            .order_by(AuditEvent.id.desc())
            .limit(50)
        ).all()
        for details, full_name, username in rows:
            named = set(details["changes"]) if "changes" in details else set(details)
            if named & wanted:
                return full_name or username
        return (rows[0][1] or rows[0][2]) if rows else "Someone"

    return editor
