"""Enumerations shared by the models, services and pages: roles, statuses, visibility."""

from enum import StrEnum


class Role(StrEnum):
    """A person's role in one organization. Ordered from most to least powerful."""

    OWNER = "owner"
    MANAGER = "manager"
    MEMBER = "member"

    @property
    def rank(self) -> int:
        """Higher rank wins when two memberships meet (merges)."""
        return {Role.OWNER: 3, Role.MANAGER: 2, Role.MEMBER: 1}[self]


class MembershipStatus(StrEnum):
    ACTIVE = "active"
    BLOCKED = "blocked"


class Visibility(StrEnum):
    """Who sees an organization of this type in the directory."""

    PUBLIC = "public"
    PRIVATE = "private"
    HIDDEN = "hidden"
