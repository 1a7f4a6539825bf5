"""Demo data: a small, deterministic MemberSync world to click through (`membersync demo-data`).

Everything has fixed names so docs and tests can rely on them; only times are relative to now.
The organizations respect DESIGN.md §2: exactly one owner each, and seats used (member and manager
memberships + pending unexpired invitations) never above the seat count.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from ..models import (
    MAX_SEAT_COUNT,
    AuditAction,
    Course,
    CourseProgress,
    Invitation,
    Job,
    License,
    Membership,
    MembershipStatus,
    Organization,
    OrganizationType,
    Role,
    RoleBenefitCourse,
    RoleBenefitLicense,
    SeatType,
    SeatTypeCourse,
    SeatTypeLicense,
    User,
    Visibility,
    utcnow,
)
from . import audit
from .demo_large import MAX_LARGE_COURSES, load_large_org
from .errors import ServiceError
from .passwords import new_token
from .users import _create_user
from .validation import whole_number


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    full_name: str
    email: str
    description: str


# The demo sign-ins, printed by `membersync demo-data` and listed in the README.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("staff", "admin-demo-1", "Stella Staff", "staff@example.com",
                "staff: admin pages"),
    DemoAccount("owner1", "owner-demo-1", "Olivia Owner", "owner1@example.com",
                "owner of Acme Logistics and Bright Academy"),
    DemoAccount("owner2", "owner-demo-2", "Oscar Owner", "owner2@example.com",
                "owner of Northwind Clinics (expired) and Pilot Group"),
    DemoAccount("manager1", "manager-demo-1", "Maya Manager", "manager1@example.com",
                "manager of Acme Logistics"),
    DemoAccount("member1", "member-demo-1", "Max Member", "member1@example.com",
                "member of Acme Logistics and Pilot Group"),
)

DEFAULT_MEMBERS_PER_ORG = 6
MAX_MEMBERS_PER_ORG = 10_000

# title -> lesson count
COURSES = {
    "Safety Basics": 6,
    "First Aid Refresher": 4,
    "Leadership Essentials": 8,
    "Data Privacy for Teams": 5,
    "Advanced Spreadsheets": 10,
    "Customer Conversations": 3,
}
# name -> product
LICENSES = {
    "Office Suite Standard": "Office Suite",
    "Design Studio Pro": "Design Studio",
    "Analytics Workbench": "Analytics",
    "Secure VPN": "VPN",
}
# name -> (courses, licenses)
SEAT_TYPES = {
    "Standard Seat": (
        ["Safety Basics", "First Aid Refresher", "Data Privacy for Teams"],
        ["Office Suite Standard"],
    ),
    "Professional Seat": (
        ["Safety Basics", "Leadership Essentials", "Advanced Spreadsheets",
         "Data Privacy for Teams"],
        ["Office Suite Standard", "Analytics Workbench"],
    ),
}

FIRST_NAMES = ("Ada", "Ben", "Chloe", "Dev", "Emma", "Farid", "Grace", "Hugo", "Iris", "Jonas",
               "Kira", "Liam", "Mina", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sven", "Tara")
LAST_NAMES = ("Adams", "Berg", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito",
              "Jensen", "Kowalski", "Larsen", "Moreau", "Nakamura", "Olsen", "Petrov")

# Called as progress(done, total) while the generated members are created.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class _OrgPlan:
    title: str
    slug: str  # prefix of the generated members' usernames and e-mail domain
    owner: str
    org_type: str
    seat_type: str | None
    expires_in_days: int | None  # negative: already expired
    free_seats: int  # seats left free after members and pending invitations
    pending_invitations: int


ORGANIZATIONS = (
    # several seats free
    _OrgPlan("Acme Logistics", "acme", "owner1", "Corporate Team", None, 365, 10, 2),
    # nearly full: one seat left
    _OrgPlan("Bright Academy", "bright", "owner1", "Training Partner", "Professional Seat", 180,
             1, 1),
    # expired a month ago: read-only on the dashboard
    _OrgPlan("Northwind Clinics", "northwind", "owner2", "Training Partner", None, -30, 2, 0),
    # a hidden type, never expires
    _OrgPlan("Pilot Group", "pilot", "owner2", "Internal Pilot", "Standard Seat", None, 3, 0),
)


def load_demo_data(
    session: Session,
    *,
    members_per_org: int = DEFAULT_MEMBERS_PER_ORG,
    progress: Progress | None = None,
    courses: int = 0,
) -> list[tuple[str, str, str]]:
    """Create the demo world in the session's transaction; returns (username, password, role).

    Refuses when the demo data is already there (its staff account exists), so nothing is
    half-loaded twice. Generated members get no password (they would set it from an e-mail).
    With `courses`, the four organizations keep their default size and one large organization
    (demo_large.py) gets `members_per_org` members and `courses` courses (issue 10).
    """
    members_per_org = whole_number(members_per_org, allow_text=False)
    if members_per_org is None or members_per_org > MAX_MEMBERS_PER_ORG:
        raise ServiceError(
            f"Members per organization must be a whole number from 0 to {MAX_MEMBERS_PER_ORG:,}.",
            "members_per_org",
        )
    large_courses = whole_number(courses, allow_text=False)
    if large_courses is None or large_courses > MAX_LARGE_COURSES:
        raise ServiceError(f"Courses must be a whole number from 0 to {MAX_LARGE_COURSES}.",
                           "courses")
    large_members = members_per_org if large_courses else 0
    if large_courses:
        members_per_org = DEFAULT_MEMBERS_PER_ORG
    if session.exec(select(User).where(User.username == DEMO_ACCOUNTS[0].username)).first():
        raise ServiceError("The demo data is already loaded (the user “staff” exists).")

    now = utcnow()
    people = {
        account.username: _create_user(
            session,
            actor=None,
            username=account.username,
            email=account.email,
            full_name=account.full_name,
            password=account.password,
            is_staff=account.username == "staff",
        )
        for account in DEMO_ACCOUNTS
    }
    courses, licenses = _catalog(session)
    seat_types = _seat_types(session, courses, licenses)
    org_types = _org_types(session, courses, licenses, seat_types)

    # Named people beyond the owners: which organization, which role, which status.
    extra_memberships = {
        "Acme Logistics": [("manager1", Role.MANAGER, MembershipStatus.ACTIVE),
                           ("member1", Role.MEMBER, MembershipStatus.ACTIVE)],
        "Pilot Group": [("member1", Role.MEMBER, MembershipStatus.ACTIVE)],
    }
    total_generated = members_per_org * len(ORGANIZATIONS)
    done = 0
    orgs: dict[str, Organization] = {}
    for plan in ORGANIZATIONS:
        named = extra_memberships.get(plan.title, [])
        used = len(named) + members_per_org + plan.pending_invitations
        expires_at = (
            None if plan.expires_in_days is None else now + timedelta(days=plan.expires_in_days)
        )
        org = Organization(
            title=plan.title,
            owner_id=people[plan.owner].id,
            expires_at=expires_at,
            seat_count=min(MAX_SEAT_COUNT, used + plan.free_seats),
            org_type_id=org_types[plan.org_type].id,
            seat_type_id=seat_types[plan.seat_type].id if plan.seat_type else None,
            created_at=now - timedelta(days=400),
        )
        session.add(org)
        session.flush()
        orgs[plan.title] = org
        session.add(Membership(organization_id=org.id, user_id=people[plan.owner].id,
                               role=Role.OWNER, joined_at=org.created_at))
        for username, role, status in named:
            session.add(Membership(organization_id=org.id, user_id=people[username].id,
                                   role=role, status=status, joined_at=now - timedelta(days=90)))
        for number in range(1, members_per_org + 1):
            member = _generated_member(session, plan.slug, number)
            # Every seventh generated member is blocked, so the dashboard shows both statuses.
            status = MembershipStatus.BLOCKED if number % 7 == 0 else MembershipStatus.ACTIVE
            session.add(Membership(organization_id=org.id, user_id=member.id, role=Role.MEMBER,
                                   status=status, joined_at=now - timedelta(days=number % 60)))
            _generated_progress(session, member, number, courses["Safety Basics"], now)
            # A second course, active over months, so every report chart has a shape.
            _generated_progress(session, member, number, courses["Data Privacy for Teams"],
                                now, spread_days=150, step=5)
            done += 1
            if progress is not None and not large_members:
                progress(done, total_generated)
        for number in range(1, plan.pending_invitations + 1):
            _, token_hash = new_token()
            session.add(Invitation(
                organization_id=org.id,
                email=f"invitee{number}@{plan.slug}.example",
                role=Role.MEMBER,
                token_hash=token_hash,
                invited_by_id=people[plan.owner].id,
                created_at=now - timedelta(days=number),
                expires_at=now + timedelta(days=14 - number),
            ))

    # An expired invitation: it shows in the list but frees its seat by itself.
    _, token_hash = new_token()
    session.add(Invitation(
        organization_id=orgs["Acme Logistics"].id, email="late.invitee@acme.example",
        role=Role.MEMBER, token_hash=token_hash, invited_by_id=people["manager1"].id,
        created_at=now - timedelta(days=30), expires_at=now - timedelta(days=16),
    ))
    _named_progress(session, people, courses, now)
    for job_type, title, org_title in (
        ("Onboarding", "Onboard the Acme warehouse team", "Acme Logistics"),
        ("Renewal", "Renew the Northwind Clinics contract", "Northwind Clinics"),
        ("Setup", "Set up a new training partner", None),
    ):
        session.add(Job(job_type=job_type, title=title,
                        organization_id=orgs[org_title].id if org_title else None))

    if large_members:
        load_large_org(session, owner=people["owner1"], members=large_members,
                       courses=large_courses, progress=progress)
    audit.record(session, actor=None, action=AuditAction.DEMO_LOAD, organizations=list(orgs),
                 members_per_org=members_per_org, accounts=[a.username for a in DEMO_ACCOUNTS])
    session.flush()
    return [(account.username, account.password, account.description) for account in DEMO_ACCOUNTS]


def _catalog(session: Session) -> tuple[dict[str, Course], dict[str, License]]:
    courses = {title: Course(title=title, lesson_count=count) for title, count in COURSES.items()}
    licenses = {name: License(name=name, product=product) for name, product in LICENSES.items()}
    session.add_all([*courses.values(), *licenses.values()])
    session.flush()
    return courses, licenses


def _seat_types(
    session: Session, courses: dict[str, Course], licenses: dict[str, License]
) -> dict[str, SeatType]:
    seat_types = {name: SeatType(name=name) for name in SEAT_TYPES}
    session.add_all(seat_types.values())
    session.flush()
    for name, (course_titles, license_names) in SEAT_TYPES.items():
        seat_type_id = seat_types[name].id
        session.add_all(SeatTypeCourse(seat_type_id=seat_type_id, course_id=courses[t].id)
                        for t in course_titles)
        session.add_all(SeatTypeLicense(seat_type_id=seat_type_id, license_id=licenses[n].id)
                        for n in license_names)
    return seat_types


def _org_types(
    session: Session,
    courses: dict[str, Course],
    licenses: dict[str, License],
    seat_types: dict[str, SeatType],
) -> dict[str, OrganizationType]:
    org_types = {
        # Public, the defaults of the Access tab.
        "Training Partner": OrganizationType(
            name="Training Partner",
            visibility=Visibility.PUBLIC,
            default_seat_type_id=seat_types["Standard Seat"].id,
            invitation_days=14,
        ),
        # Private; managers run nearly everything; colleagues from acme.example join directly.
        "Corporate Team": OrganizationType(
            name="Corporate Team",
            visibility=Visibility.PRIVATE,
            default_seat_type_id=seat_types["Professional Seat"].id,
            managers_remove_members=False,
            managers_manage_seats=True,
            managers_edit_settings=True,
            invitation_days=7,
            auto_add_domain="acme.example",
        ),
        # Hidden (staff only); managers may only look; access outlives the expiry date.
        "Internal Pilot": OrganizationType(
            name="Internal Pilot",
            visibility=Visibility.HIDDEN,
            managers_add_members=False,
            managers_invite=False,
            managers_remove_members=False,
            managers_view_reports=False,
            invitation_days=30,
            access_ends_at_expiry=False,
        ),
    }
    session.add_all(org_types.values())
    session.flush()
    benefits = {
        "Training Partner": {
            Role.OWNER: (["Leadership Essentials"], ["Design Studio Pro"]),
            Role.MANAGER: (["Leadership Essentials"], []),
            Role.MEMBER: (["Customer Conversations"], []),
        },
        "Corporate Team": {
            Role.OWNER: ([], ["Secure VPN", "Design Studio Pro"]),
            Role.MANAGER: ([], ["Secure VPN"]),
            Role.MEMBER: (["First Aid Refresher"], []),
        },
        "Internal Pilot": {
            Role.OWNER: (["Advanced Spreadsheets"], []),
            Role.MANAGER: (["Advanced Spreadsheets"], []),
            Role.MEMBER: (["Safety Basics"], ["Analytics Workbench"]),
        },
    }
    for type_name, by_role in benefits.items():
        type_id = org_types[type_name].id
        for role, (course_titles, license_names) in by_role.items():
            session.add_all(RoleBenefitCourse(org_type_id=type_id, role=role,
                                              course_id=courses[t].id)
                            for t in course_titles)
            session.add_all(RoleBenefitLicense(org_type_id=type_id, role=role,
                                               license_id=licenses[n].id)
                            for n in license_names)
    return org_types


def _generated_member(session: Session, slug: str, number: int) -> User:
    first = FIRST_NAMES[(number - 1) % len(FIRST_NAMES)]
    last = LAST_NAMES[((number - 1) // len(FIRST_NAMES)) % len(LAST_NAMES)]
    username = f"{slug}.member{number}"
    return _create_user(
        session,
        actor=None,
        username=username,
        email=f"{username}@{slug}.example",
        full_name=f"{first} {last}",
        password=None,
    )


def _generated_progress(
    session: Session, member: User, number: int, course: Course, now: datetime,
    spread_days: int = 10, step: int = 2,
) -> None:
    """Deterministic progress on one course (in both seat types) for two of every three members."""
    if number % 3 == 0:
        return
    lessons = (number * step) % (course.lesson_count + 1) or 1
    session.add(CourseProgress(
        user_id=member.id,
        course_id=course.id,
        lessons_completed=lessons,
        started_at=now - timedelta(days=20 + number * 7 % spread_days),
        completed_at=(now - timedelta(days=number * 7 % spread_days)
                      if lessons == course.lesson_count else None),
        last_activity_at=now - timedelta(days=number * 7 % spread_days),
    ))


def _named_progress(
    session: Session, people: dict[str, User], courses: dict[str, Course], now: datetime
) -> None:
    """member1: one course done, one half-way; manager1: started one."""
    for username, title, lessons in (
        ("member1", "Safety Basics", COURSES["Safety Basics"]),
        ("member1", "Data Privacy for Teams", 2),
        ("manager1", "Leadership Essentials", 3),
    ):
        done = lessons == COURSES[title]
        session.add(CourseProgress(
            user_id=people[username].id,
            course_id=courses[title].id,
            lessons_completed=lessons,
            started_at=now - timedelta(days=21),
            completed_at=now - timedelta(days=2) if done else None,
            last_activity_at=now - timedelta(days=2),
        ))
