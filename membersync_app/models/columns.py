"""Column helpers shared by the tables."""

from enum import StrEnum
from typing import Any

from sqlalchemy import Column, event
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import attributes, object_session
from sqlmodel import Field


def version_field() -> Any:
    """The row's version: 1 when created, one more at every update (`versioned`), so an edit
    form can tell that someone saved since it opened (services/edits.py).

    The database gives the 1 (no Python default): an INSERT built from the models then names
    no version column, and still runs on a database migrated to an older revision."""
    return Field(default=None, nullable=False, sa_column_kwargs={"server_default": "1"})


def _bump_version(_mapper, _connection, target) -> None:
    session = object_session(target)
    if session is not None and not session.is_modified(target, include_collections=False):
        return  # marked dirty without a real change: no new version
    if attributes.get_history(target, "version").has_changes():
        return  # the service moved it on itself (a change of child rows only)
    target.version = (target.version or 0) + 1


def versioned(model: type) -> type:
    """Class decorator: every ORM update of a row of `model` moves its version on."""
    event.listen(model, "before_update", _bump_version)
    return model


def enum_column(enum_cls: type[StrEnum], name: str, **column_kwargs) -> Column:
    """A VARCHAR column with a CHECK constraint holding the enum's values.

    Not a native PostgreSQL ENUM: a new value is then a plain migration on every database.
    """
    return Column(
        SAEnum(
            enum_cls,
            name=name,
            native_enum=False,
            create_constraint=True,
            length=16,
            values_callable=lambda members: [m.value for m in members],
        ),
        nullable=False,
        **column_kwargs,
    )
