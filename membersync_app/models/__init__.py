"""SQLModel tables and enums only: no queries, no Reflex."""

from .audit import AuditAction, AuditEvent, DeliveryStatus, OutboxMessage
from .back_office import DeletedOrganization, StaffBlock
from .catalog import Course, License, SeatType, SeatTypeCourse, SeatTypeLicense
from .enums import MembershipStatus, Role, Visibility
from .org_type import OrganizationType, RoleBenefitCourse, RoleBenefitLicense
from .organization import MAX_SEAT_COUNT, Invitation, Job, Membership, Organization
from .progress import CourseProgress
from .reminder import ReportReminder
from .throttle import ThrottleCounter
from .timeutil import utcnow
from .user import AuthSession, LinkPurpose, PasswordSetToken, User

__all__ = [
    "MAX_SEAT_COUNT",
    "AuditAction",
    "AuditEvent",
    "AuthSession",
    "Course",
    "CourseProgress",
    "DeletedOrganization",
    "DeliveryStatus",
    "Invitation",
    "Job",
    "License",
    "LinkPurpose",
    "Membership",
    "MembershipStatus",
    "Organization",
    "OrganizationType",
    "OutboxMessage",
    "PasswordSetToken",
    "ReportReminder",
    "Role",
    "RoleBenefitCourse",
    "RoleBenefitLicense",
    "SeatType",
    "SeatTypeCourse",
    "SeatTypeLicense",
    "StaffBlock",
    "ThrottleCounter",
    "User",
    "Visibility",
    "utcnow",
]
