"""SQLModel tables and enums only: no queries, no Reflex."""

from .audit import AuditAction, AuditEvent, OutboxMessage
from .catalog import Course, License, SeatType, SeatTypeCourse, SeatTypeLicense
from .enums import MembershipStatus, Role, Visibility
from .org_type import OrganizationType, RoleBenefitCourse, RoleBenefitLicense
from .organization import MAX_SEAT_COUNT, Invitation, Job, Membership, Organization
from .progress import CourseProgress
from .throttle import ThrottleCounter
from .timeutil import utcnow
from .user import AuthSession, PasswordSetToken, User

__all__ = [
    "MAX_SEAT_COUNT",
    "AuditAction",
    "AuditEvent",
    "AuthSession",
    "Course",
    "CourseProgress",
    "Invitation",
    "Job",
    "License",
    "Membership",
    "MembershipStatus",
    "Organization",
    "OrganizationType",
    "OutboxMessage",
    "PasswordSetToken",
    "Role",
    "RoleBenefitCourse",
    "RoleBenefitLicense",
    "SeatType",
    "SeatTypeCourse",
    "SeatTypeLicense",
    "ThrottleCounter",
    "User",
    "Visibility",
    "utcnow",
]
