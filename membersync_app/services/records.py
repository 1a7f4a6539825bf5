"""Checking what a client sent for a record (an id, a list of ids, a yes / no, a text, a whole
form) and saving or deleting the record: what every staff form service shares.

Any event handler can be called with any arguments, so each value a client sends is checked
here for its type before a service trusts it; a form's every refusal is raised at once
(`check_form`), so the form marks every mistake.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .errors import FieldErrors, ServiceError
from .validation import refuse_control_characters, shorten, whole_number

# ---------------------------------------------------------------- values a client sent


def clean_id(value: Any, field: str, what: str) -> int:
    """An id from a client: an int, or the digits of one (form fields send text)."""
    item_id = whole_number(value)
    if item_id is None:
        raise ServiceError(f"Choose {what}.", field)
    return item_id


def clean_optional_id(value: Any, field: str, what: str) -> int | None:
    if value is None or value == "":
        return None
    return clean_id(value, field, what)


def clean_id_list(values: Any, field: str, what: str) -> list[int]:
    """A list of ids (ints or digit strings), without duplicates, in the order given."""
    if values is None:
        return []
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise ServiceError(f"Choose {what} from the list.", field)
    ids = [clean_id(value, field, what) for value in values]
    return list(dict.fromkeys(ids))


def clean_bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    raise ServiceError("Choose yes or no.", field)


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ServiceError("Must be text.")
    return value


def optional_text(value: Any, field: str, label: str, max_length: int = 200) -> str:
    text = " ".join(as_text(value).split())
    if len(text) > max_length:
        raise ServiceError(f"{label} must be at most {max_length} characters.", field)
    return refuse_control_characters(text, field, label)


# ---------------------------------------------------------------- checking and saving a form


def collect(checks: Mapping[str, Callable[[], Any]]) -> tuple[dict[str, Any], dict[str, str]]:
    """Run each field's check; return the cleaned values and every field's refusal."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field, check in checks.items():
        try:
            values[field] = check()
        except ServiceError as error:
            errors[error.field or field] = error.message
    return values, errors


def check_form(
    session: Session,
    *,
    checks: Mapping[str, Callable[[], Any]],
    name_column,
    taken: str,
    own_id: int | None,
) -> dict[str, Any]:
    """Run every field's check and refuse them all at once, so the form marks every mistake.

    The name (the field called like `name_column`) must differ, ignoring case, from every other
    row's; `taken` is the refusal, with {} for the name. `own_id` is the row being edited.
    """
    values, errors = collect(checks)
    field = name_column.key
    if field in values and name_taken(session, column=name_column, name=values[field],
                                      own_id=own_id):
        errors[field] = taken.format(shorten(values[field]))
    if errors:
        raise FieldErrors(errors)
    return values


def name_taken(session: Session, *, column, name: str, own_id: int | None) -> bool:
    """Whether another row of `column`'s table already has `name`, ignoring case."""
    id_column = column.class_.id
    query = select(id_column).where(func.lower(column) == name.lower())
    if own_id is not None:
        query = query.where(id_column != own_id)
    return session.exec(query).first() is not None


def flush_or_refuse(session: Session, *, message: str, field: str) -> None:
    """Flush; a unique key another transaction took in the meantime becomes a refusal."""
    try:
        session.flush()
    except IntegrityError as error:
        raise ServiceError(message, field) from error


def get_or_refuse(session: Session, *, model, item_id: Any, message: str):
    item_id = whole_number(item_id, allow_text=False)
    row = session.get(model, item_id) if item_id is not None else None
    if row is None:
        raise ServiceError(message)
    return row


def existing_ids(session: Session, *, model, values: Any, field: str, what: str) -> list[int]:
    """Ids that all name existing rows of `model`; an unknown one is refused."""
    ids = clean_id_list(values, field, what)
    if ids:
        found = set(session.exec(select(model.id).where(model.id.in_(ids))).all())
        if missing := [i for i in ids if i not in found]:
            raise ServiceError(f"Some chosen {what} no longer exist (ids "
                               f"{', '.join(map(str, missing))}).", field)
    return ids


def apply_changes(row, values: dict) -> dict:
    """Set the values on the row; return {field: [old, new]} for what changed (for the audit)."""
    changes = {}
    for key, value in values.items():
        old = getattr(row, key)
        if old != value:
            changes[key] = [old, value]
            setattr(row, key, value)
    return changes


def delete_unless_used(
    session: Session,
    *,
    row,
    uses: Iterable[tuple[str, Any]],
    refusal: Callable[[str], str],
) -> None:
    """Delete `row` unless other rows still use it; a deletion would leave them dangling.

    `uses` pairs a label ("seat types {}") with a query for the names of the rows that use `row`
    in that way; the refusal names them all (`refusal(what)`), so the person knows what to
    change first.
    """
    named = ((label, session.exec(query).all()) for label, query in uses)
    used = [label.format(name_list(names)) for label, names in named if names]
    if used:
        raise ServiceError(refusal(" and ".join(used)))
    session.delete(row)
    session.flush()


def name_list(values: Iterable[str]) -> str:
    """Names for a refusal (“A”, “B” and 3 more): sorted, the first ten in full."""
    names = sorted(set(values))
    shown = ", ".join(f"“{name}”" for name in names[:10])
    return shown + (f" and {len(names) - 10} more" if len(names) > 10 else "")
