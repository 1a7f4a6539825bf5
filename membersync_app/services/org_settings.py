"""An organization's Settings (name, seat count) and Manage Seats (add seats) on its
management page.

Rename needs "edit settings"; any change of the seat count also needs "manage seats" (the
organization type's Access tab decides both for managers). The seat count never goes below the
seats in use (DESIGN.md §2, invariant 4); the check runs with the organization row locked.
"""

from typing import Any

from sqlmodel import Session

from ..models import MAX_SEAT_COUNT, AuditAction, Organization, User
from . import audit, edits
from .admin_organizations import last_organization_editor
from .errors import FieldErrors, ServiceError
from .permissions import Action, access_org
from .records import collect, name_taken
from .seats import require_seat_count_floor
from .validation import clean_name, parse_seat_count, parse_whole_number, shorten, whole_number

SETTINGS_LABELS = {"title": "Organization name", "seat_count": "Seat count"}


def opened_settings(*, title: Any, seat_count: Any) -> edits.Opened | None:
    """What the Settings form showed when it opened, as the browser sent it back (the values
    only: a form that lies about them can only lose its own change)."""
    count = whole_number(seat_count)
    if not isinstance(title, str) or count is None:
        return None
    return edits.Opened(version=None, values={"title": title, "seat_count": count})


def update_settings(
    session: Session, *, actor: User | None, org_id: int, title: Any, seat_count: Any,
    opened: Any = None,
) -> Organization:
    """Save the Settings form: organization name and seat count, both or neither.

    With `opened` (`opened_settings(...)`), only what the person changed is written, and a
    field someone else changed meanwhile is a conflict (services/edits.py): a rename in one
    tab is not undone by a seat count saved from a tab opened earlier.
    """
    access = access_org(session, actor=actor, org_id=org_id, action=Action.EDIT_SETTINGS, lock=True)
    org = access.org
    values, errors = collect({
        "title": lambda: clean_name(title if isinstance(title, str) else "", "title",
                                    "Organization name"),
        "seat_count": lambda: parse_seat_count(seat_count),
    })
    if errors:
        raise FieldErrors(errors)
    mine = edits.changed_since(
        what="organization", version=org.version, values=values,
        current={"title": org.title, "seat_count": org.seat_count}, opened_form=opened,
        labels=SETTINGS_LABELS, editor=last_organization_editor(session, org_id=org.id))
    new_title = mine.get("title", org.title)
    new_count = mine.get("seat_count", org.seat_count)
    if new_title.lower() != org.title.lower() and name_taken(
            session, column=Organization.title, name=new_title, own_id=org.id):
        # Titles are unique ignoring case (docs/decisions.md), as on the admin form: a
        # dashboard rename must not take another organization's name (mails, directory).
        errors["title"] = f"An organization titled “{shorten(new_title)}” already exists."
    try:
        if new_count != org.seat_count:
            if not access.may(actor, Action.MANAGE_SEATS):
                raise ServiceError("You may not change the seat count here.", "seat_count")
            require_seat_count_floor(session, org_id=org.id, new_count=new_count,
                                     field="seat_count")
    except ServiceError as error:
        errors["seat_count"] = error.message
    if errors:
        raise FieldErrors(errors)
    changes = {}
    if new_title != org.title:
        changes["title"] = [org.title, new_title]
    if new_count != org.seat_count:
        changes["seat_count"] = [org.seat_count, new_count]
    if not changes:
        return org
    org.title = new_title
    org.seat_count = new_count
    session.add(org)
    session.flush()
    audit.record(session, actor=actor, action=AuditAction.ORGANIZATION_UPDATE_SETTINGS,
                 organization_id=org.id, **changes)
    return org


def add_seats(session: Session, *, actor: User | None, org_id: int, count: Any) -> Organization:
    """Manage Seats: raise the seat count by `count`."""
    access = access_org(session, actor=actor, org_id=org_id, action=Action.MANAGE_SEATS, lock=True)
    org = access.org
    room = MAX_SEAT_COUNT - org.seat_count
    if room < 1:
        raise ServiceError(f"This organization already has the most seats ({MAX_SEAT_COUNT:,}).",
                           "add_seats")
    added = parse_whole_number(count, "add_seats", "Seats to add", 1, room)
    old = org.seat_count
    org.seat_count = old + added
    session.add(org)
    session.flush()
    audit.record(session, actor=actor, action=AuditAction.ORGANIZATION_ADD_SEATS,
                 organization_id=org.id, added=added,
                 seat_count=[old, org.seat_count])
    return org

