"""Enumerations shared by the models, services and pages: roles, statuses, visibility."""

from enum import StrEnum


class Role(StrEnum):
    """A person's role in one organization."""

    OWNER = "owner"
    MANAGER = "manager"
    MEMBER = "member"


class MembershipStatus(StrEnum):
    ACTIVE = "active"
    BLOCKED = "blocked"


class Visibility(StrEnum):
    """Who sees an organization of this type in the directory."""

    PUBLIC = "public"
    PRIVATE = "private"
    HIDDEN = "hidden"
