"""Small builders for test data, straight through the models, with random-but-valid defaults.

Each takes the session first and flushes, so the returned rows have ids. Nothing here writes
audit events or checks permissions: tests build the world, then call the service under test.
"""

import functools
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import create_engine, pool, text
from sqlmodel import Session

from membersync_app.models import (
    Course,
    Invitation,
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
from membersync_app.services import auth
from membersync_app.services.errors import ServiceError
from membersync_app.services.passwords import hash_password, new_token

# Argon2 is slow on purpose; tests reuse one hash per password (each still verifies for real).
_hash_password = functools.cache(hash_password)


def _uid() -> str:
    return uuid.uuid4().hex[:8]


def _save(session: Session, row):
    session.add(row)
    session.flush()
    return row


def make_user(
    session: Session,
    *,
    username: str | None = None,
    email: str | None = None,
    full_name: str | None = None,
    password: str | None = None,
    is_staff: bool = False,
    is_active: bool = True,
) -> User:
    """A user; without `password` the account has none set and cannot sign in."""
    username = username or f"user_{_uid()}"
    return _save(session, User(
        username=username,
        email=(email or f"{username}@example.com").lower(),
        full_name=full_name if full_name is not None else f"Test {username}",
        password_hash=_hash_password(password) if password else "",
        is_staff=is_staff,
        is_active=is_active,
    ))


def make_staff(session: Session, **kwargs) -> User:
    kwargs.setdefault("username", f"staff_{_uid()}")
    return make_user(session, is_staff=True, **kwargs)


def make_course(session: Session, *, title: str | None = None, lesson_count: int = 5) -> Course:
    return _save(session, Course(title=title or f"Course {_uid()}", lesson_count=lesson_count))


def make_license(session: Session, *, name: str | None = None, product: str = "Product") -> License:
    return _save(session, License(name=name or f"License {_uid()}", product=product))


def make_seat_type(
    session: Session,
    *,
    name: str | None = None,
    courses: Iterable[Course] = (),
    licenses: Iterable[License] = (),
) -> SeatType:
    seat_type = _save(session, SeatType(name=name or f"Seat type {_uid()}"))
    session.add_all(SeatTypeCourse(seat_type_id=seat_type.id, course_id=c.id) for c in courses)
    session.add_all(SeatTypeLicense(seat_type_id=seat_type.id, license_id=lic.id)
                    for lic in licenses)
    session.flush()
    return seat_type


def make_org_type(
    session: Session,
    *,
    name: str | None = None,
    visibility: Visibility = Visibility.PRIVATE,
    default_seat_type: SeatType | None = None,
    benefit_courses: dict[Role, Iterable[Course]] | None = None,
    benefit_licenses: dict[Role, Iterable[License]] | None = None,
    **access,
) -> OrganizationType:
    """An organization type; `access` sets Access-tab fields (managers_invite=False, ...)."""
    org_type = _save(session, OrganizationType(
        name=name or f"Org type {_uid()}",
        visibility=visibility,
        default_seat_type_id=default_seat_type.id if default_seat_type else None,
        **access,
    ))
    for role, courses in (benefit_courses or {}).items():
        session.add_all(RoleBenefitCourse(org_type_id=org_type.id, role=role, course_id=c.id)
                        for c in courses)
    for role, licenses in (benefit_licenses or {}).items():
        session.add_all(RoleBenefitLicense(org_type_id=org_type.id, role=role, license_id=lic.id)
                        for lic in licenses)
    session.flush()
    return org_type


def make_org(
    session: Session,
    *,
    owner: User | None = None,
    seat_count: int = 10,
    org_type: OrganizationType | None = None,
    seat_type: SeatType | None = None,
    expires_at: datetime | None = None,
    title: str | None = None,
) -> Organization:
    """An organization with its owner's Membership (role owner): DESIGN.md §2 invariant 2."""
    owner = owner or make_user(session)
    org_type = org_type or make_org_type(session)
    org = _save(session, Organization(
        title=title or f"Org {_uid()}",
        owner_id=owner.id,
        expires_at=expires_at,
        seat_count=seat_count,
        org_type_id=org_type.id,
        seat_type_id=seat_type.id if seat_type else None,
    ))
    _save(session, Membership(organization_id=org.id, user_id=owner.id, role=Role.OWNER))
    return org


def make_membership(
    session: Session,
    org: Organization,
    user: User | None = None,
    role: Role = Role.MEMBER,
    status: MembershipStatus = MembershipStatus.ACTIVE,
) -> Membership:
    """`user` joins `org` (a new user when None). Does not check seats: tests may overfill."""
    user = user or make_user(session)
    return _save(session, Membership(
        organization_id=org.id, user_id=user.id, role=role, status=status
    ))


def make_invitation(
    session: Session,
    org: Organization,
    *,
    email: str | None = None,
    role: Role = Role.MEMBER,
    invited_by: User | None = None,
    expires_at: datetime | None = None,
    accepted_at: datetime | None = None,
    revoked_at: datetime | None = None,
) -> tuple[Invitation, str]:
    """A pending invitation (expires in 14 days unless told), and its raw token for the link."""
    token, token_hash = new_token()
    now = utcnow()
    invitation = _save(session, Invitation(
        organization_id=org.id,
        email=(email or f"invitee_{_uid()}@example.com").lower(),
        role=role,
        token_hash=token_hash,
        invited_by_id=invited_by.id if invited_by else org.owner_id,
        created_at=now,
        expires_at=expires_at or now + timedelta(days=14),
        accepted_at=accepted_at,
        revoked_at=revoked_at,
    ))
    return invitation, token


def sign_in(session: Session, login: str, password: str) -> tuple[str, User]:
    """Sign in as a browser does (password check, then the grant swapped for the session token);
    a refusal raises ServiceError with the message the page would show."""
    attempt = auth.sign_in(session, login=login, password=password, address="198.51.100.7")
    if attempt.user is None:
        raise ServiceError(attempt.error, "password")
    return auth.activate_session(session, grant=attempt.grant), attempt.user


def run_sql(url: str, *statements: str) -> list:
    """Raw SQL on a database URL, in one transaction (migration tests, which work below the
    models); returns the last statement's rows."""
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.begin() as connection:
            result = None
            for statement in statements:
                result = connection.execute(text(statement))
            return list(result) if result is not None and result.returns_rows else []
    finally:
        engine.dispose()
