"""Writing the audit trail: every change records who, what, where, in its own transaction."""

from typing import Any

from sqlmodel import Session

from ..models import AuditAction, AuditEvent, User


def record(
    session: Session,
    *,
    actor: User | None,
    action: AuditAction,
    organization_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the current transaction (it commits or rolls back with the change)."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        organization_id=organization_id,
        action=action,
        details={key: _jsonable(value) for key, value in details.items()},
    )
    session.add(event)
    return event


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)
