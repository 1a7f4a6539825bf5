"""The one error type for refusals: a message a person understands, and the field it belongs to."""


class ServiceError(Exception):
    """A refused operation. Nothing was changed; `message` says why, `field` names the control."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class FieldErrors(ServiceError):
    """Several fields refused at once, so a form can show every message next to its field."""

    def __init__(self, errors: dict[str, str]) -> None:
        first_field, first_message = next(iter(errors.items()))
        super().__init__(first_message, first_field)
        self.errors = errors


class RowErrors(FieldErrors):
    """Refusals of a form of many rows (the Add Member modal, a CSV import), by row and field:
    `rows` is {k: {field: message}}, k counting the entries as they were sent, from 0. A caller
    reads `rows`, never a key: `errors` holds the same messages as `<field>_<k>` only for a
    form that names its inputs so."""

    def __init__(self, rows: dict[int, dict[str, str]]) -> None:
        self.rows = dict(sorted(rows.items()))
        super().__init__({f"{field}_{k}": message
                          for k, fields in self.rows.items() for field, message in fields.items()})


class ConcurrentChange(ServiceError):
    """The database refused a transaction because another one changed the same rows at the same
    moment (a deadlock, a lock wait that ran out). Nothing was saved; trying again is safe."""

    def __init__(self) -> None:
        super().__init__("Someone else changed this at the same moment, so nothing was saved. "
                         "Please try again.")


def errors_by_field(error: ServiceError, default_field: str = "form") -> dict[str, str]:
    """A refusal as a form's `errors` dict: every field's message, or the one message under its
    field (`default_field` when it names none)."""
    if isinstance(error, FieldErrors):
        return dict(error.errors)
    return {error.field or default_field: error.message}
