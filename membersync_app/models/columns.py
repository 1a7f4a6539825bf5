"""Column helpers shared by the tables."""

from enum import StrEnum

from sqlalchemy import Column
from sqlalchemy import Enum as SAEnum


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
