"""What a person's memberships give them, computed on every read (DESIGN.md §2, "What a member's
seat gives them"): the organization's seat type (or its type's default) plus the type's Seat
Benefits for the person's role, only for an active membership of an organization that has not
expired (when its type says access ends at expiry). Nothing is copied, so nothing goes stale.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, literal, or_, union
from sqlmodel import Session, select

from ..models import (
    Course,
    CourseProgress,
    License,
    Membership,
    MembershipStatus,
    Organization,
    OrganizationType,
    Role,
    RoleBenefitCourse,
    RoleBenefitLicense,
    SeatTypeCourse,
    SeatTypeLicense,
    User,
    utcnow,
)
from .display import expiry_text, percent
from .permissions import is_expired, require_signed_in


def _granting_memberships(user_id: int):
    """(organization id, org type id, seat type id, role) of memberships that grant access now."""
    seat_type = func.coalesce(Organization.seat_type_id, OrganizationType.default_seat_type_id)
    return (
        select(Membership.organization_id.label("org_id"),
               Organization.org_type_id.label("org_type_id"),
               seat_type.label("seat_type_id"),
               Membership.role.label("role"))
        .join(Organization, Organization.id == Membership.organization_id)
        .join(OrganizationType, OrganizationType.id == Organization.org_type_id)
        .where(
            Membership.user_id == user_id,
            Membership.status == MembershipStatus.ACTIVE,
            or_(Organization.expires_at.is_(None), Organization.expires_at > utcnow(),
                OrganizationType.access_ends_at_expiry.is_(False)),
        )
        .subquery()
    )


def _grants(user_id: int, seat_link, benefit_link, item_key: str):
    """(item id, organization id) for every way the user gets an item: through the seat type
    of an organization (`seat_link`), or as a Seat Benefit of their role (`benefit_link`).
    `item_key` is the links' item column, "course_id" or "license_id"."""
    grants = _granting_memberships(user_id)
    via_seat = select(getattr(seat_link, item_key).label("item_id"), grants.c.org_id).join(
        grants, grants.c.seat_type_id == seat_link.seat_type_id)
    via_role = select(getattr(benefit_link, item_key).label("item_id"), grants.c.org_id).join(
        grants, and_(grants.c.org_type_id == benefit_link.org_type_id,
                     grants.c.role == benefit_link.role))
    return union(via_seat, via_role).subquery()


def _course_grants(user_id: int):
    return _grants(user_id, SeatTypeCourse, RoleBenefitCourse, "course_id")


def _license_grants(user_id: int):
    return _grants(user_id, SeatTypeLicense, RoleBenefitLicense, "license_id")


def has_course(session: Session, *, user_id: int, course_id: int) -> bool:
    grants = _course_grants(user_id)
    return session.exec(
        select(literal(1)).select_from(grants).where(grants.c.item_id == course_id).limit(1)
    ).first() is not None


@dataclass(frozen=True)
class MyOrg:
    org_id: int
    title: str
    role: Role
    blocked: bool
    expired: bool
    expires_at: datetime | None
    grants_access: bool
    note: str  # why it gives no access, when it does not


@dataclass(frozen=True)
class MyCourse:
    course_id: int
    title: str
    lesson_count: int
    lessons_completed: int
    status: str  # not started / in progress / completed
    via: list[str]


@dataclass(frozen=True)
class MyLicense:
    license_id: int
    name: str
    product: str
    via: list[str]


@dataclass
class MyAccess:
    orgs: list[MyOrg] = field(default_factory=list)
    courses: list[MyCourse] = field(default_factory=list)
    licenses: list[MyLicense] = field(default_factory=list)


def progress_status(lessons_completed: int, lesson_count: int) -> str:
    if lessons_completed <= 0:
        return "not started"
    if lessons_completed >= lesson_count:
        return "completed"
    return "in progress"


@dataclass(frozen=True)
class LessonRow:
    """A lesson of the course page: its number, whether it is done, whether it is the one to
    complete next (lessons go in order)."""

    number: int
    done: bool
    is_next: bool


def lesson_rows(lessons_completed: int, lesson_count: int) -> list[LessonRow]:
    """The lessons of a course as its page shows them, for progress `lessons_completed`."""
    return [LessonRow(number=n, done=n <= lessons_completed, is_next=n == lessons_completed + 1)
            for n in range(1, lesson_count + 1)]


def my_access(session: Session, *, actor: User | None) -> MyAccess:
    """The signed-in person's organizations, courses (with progress) and licenses."""
    actor = require_signed_in(actor)
    result = MyAccess()
    org_titles: dict[int, str] = {}
    for membership, org, org_type in session.exec(
        select(Membership, Organization, OrganizationType)
        .join(Organization, Organization.id == Membership.organization_id)
        .join(OrganizationType, OrganizationType.id == Organization.org_type_id)
        .where(Membership.user_id == actor.id)
        .order_by(Organization.title)
    ).all():
        expired = is_expired(org)
        blocked = membership.status != MembershipStatus.ACTIVE
        note = ""
        if blocked:
            note = "Your membership is blocked: it gives no access."
        elif expired and org_type.access_ends_at_expiry:
            note = "This organization has expired: its access has ended."
        org_titles[org.id] = org.title
        result.orgs.append(MyOrg(org_id=org.id, title=org.title, role=membership.role,
                                 blocked=blocked, expired=expired, expires_at=org.expires_at,
                                 grants_access=not note, note=note))

    course_grants = _course_grants(actor.id)
    via: dict[int, list[str]] = {}
    for course_id, org_id in session.exec(select(course_grants.c.item_id, course_grants.c.org_id)):
        via.setdefault(course_id, []).append(org_titles.get(org_id, ""))
    if via:
        for course, progress in session.exec(
            select(Course, CourseProgress)
            .outerjoin(CourseProgress, and_(CourseProgress.course_id == Course.id,
                                            CourseProgress.user_id == actor.id))
            .where(Course.id.in_(list(via)))
            .order_by(Course.title)
        ).all():
            done = min(progress.lessons_completed, course.lesson_count) if progress else 0
            result.courses.append(MyCourse(
                course_id=course.id, title=course.title, lesson_count=course.lesson_count,
                lessons_completed=done, status=progress_status(done, course.lesson_count),
                via=sorted(set(via[course.id])),
            ))

    license_grants = _license_grants(actor.id)
    license_via: dict[int, list[str]] = {}
    for license_id, org_id in session.exec(
        select(license_grants.c.item_id, license_grants.c.org_id)
    ):
        license_via.setdefault(license_id, []).append(org_titles.get(org_id, ""))
    if license_via:
        for lic in session.exec(
            select(License).where(License.id.in_(list(license_via))).order_by(License.name)
        ).all():
            result.licenses.append(MyLicense(license_id=lic.id, name=lic.name,
                                             product=lic.product,
                                             via=sorted(set(license_via[lic.id]))))
    return result


@dataclass(frozen=True)
class MyOrgRow:
    """An organization on My access, ready to show."""

    title: str
    role: str  # "Owner" / "Manager" / "Member"
    expires: str  # YYYY-MM-DD or "never"
    note: str  # why it gives no access ("" when it does)


@dataclass(frozen=True)
class MyCourseRow:
    """A course on My access, ready to show (its page: routes.course_page(id))."""

    id: int
    title: str
    lessons: str  # "2 / 5": lessons completed of all
    percent: int  # the fill of the progress bar
    status: str
    via: str  # the organizations it comes through, comma-separated


@dataclass(frozen=True)
class MyLicenseRow:
    """A license on My access, ready to show."""

    name: str
    product: str
    via: str


@dataclass(frozen=True)
class MyAccessPage:
    """What /my shows."""

    orgs: list[MyOrgRow]
    courses: list[MyCourseRow]
    licenses: list[MyLicenseRow]


def my_access_page(session: Session, *, actor: User | None) -> MyAccessPage:
    """`my_access` ready to show: roles, dates, progress and where each comes from as text."""
    result = my_access(session, actor=actor)
    return MyAccessPage(
        orgs=[MyOrgRow(title=o.title, role=o.role.value.capitalize(),
                       expires=expiry_text(o.expires_at), note=o.note) for o in result.orgs],
        courses=[MyCourseRow(id=c.course_id, title=c.title,
                             lessons=f"{c.lessons_completed} / {c.lesson_count}",
                             percent=percent(c.lessons_completed, c.lesson_count),
                             status=c.status, via=", ".join(c.via)) for c in result.courses],
        licenses=[MyLicenseRow(name=lic.name, product=lic.product, via=", ".join(lic.via))
                  for lic in result.licenses],
    )
