"""A realistic large organization for the demo and the benchmarks (issue 10): N members and M
courses with about half of all member x course pairs started, in bulk inserts, so 10,000 x 100
(about 500,000 progress rows) loads in well under a minute.

Deterministic (a seeded random generator): the same arguments build the same organization.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlmodel import Session

from ..models import (
    MAX_SEAT_COUNT,
    Course,
    CourseProgress,
    Membership,
    MembershipStatus,
    Organization,
    OrganizationType,
    Role,
    RoleBenefitCourse,
    SeatType,
    SeatTypeCourse,
    User,
    Visibility,
    utcnow,
)

LARGE_ORG_TITLE = "Globex Academy"
MAX_LARGE_COURSES = 500
BATCH = 500  # members per bulk insert (and per progress-bar step)
TOPICS = ("Safety", "Compliance", "Leadership", "Spreadsheets", "Privacy", "Negotiation",
          "Customer Care", "Onboarding", "Security", "Writing", "Project Work", "Coaching")
FIRST = ("Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea",
         "Mo", "Nia", "Otto", "Pia", "Quin", "Rui", "Sol", "Tao", "Uma", "Vic", "Wen", "Zoe")
LAST = ("Garcia", "Smith", "Nguyen", "Kowalski", "Okafor", "Rossi", "Tanaka", "Muller",
        "Silva", "Dubois", "Larsen", "Novak", "Haddad", "Ivanova", "Murphy", "Costa")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class LargeOrg:
    org_id: int
    owner_id: int
    course_ids: list[int]
    members: int
    progress_rows: int


def load_large_org(session: Session, *, owner: User, members: int, courses: int,
                   progress: Progress | None = None, seed: int = 10,
                   title: str = LARGE_ORG_TITLE) -> LargeOrg:
    """An organization of `members` people (5 % managers, 3 % blocked, joined over two years)
    and `courses` courses of 3 to 12 lessons in its seat type (managers get two more through
    Seat Benefits). Each member started about half their courses; some finished; their last
    activity is spread over months, and a tenth of them have been idle for a quarter."""
    rng = random.Random(seed)
    now = utcnow()
    tag = title.lower().replace(" ", "-")
    course_rows = [Course(title=f"{TOPICS[n % len(TOPICS)]} {n + 1:03d} ({title})",
                          lesson_count=3 + n % 10) for n in range(courses + 2)]
    session.add_all(course_rows)
    session.flush()
    seat_courses, manager_extra = course_rows[:courses], course_rows[courses:]
    seat_type = SeatType(name=f"{title} Seat")
    org_type = OrganizationType(name=f"{title} Type", visibility=Visibility.PRIVATE,
                                managers_manage_seats=True)
    session.add_all([seat_type, org_type])
    session.flush()
    session.add_all(SeatTypeCourse(seat_type_id=seat_type.id, course_id=c.id)
                    for c in seat_courses)
    session.add_all(RoleBenefitCourse(org_type_id=org_type.id, role=Role.MANAGER,
                                      course_id=c.id) for c in manager_extra)
    org = Organization(title=title, owner_id=owner.id, org_type_id=org_type.id,
                       seat_type_id=seat_type.id,
                       seat_count=min(MAX_SEAT_COUNT, members + max(10, members // 10)),
                       created_at=now - timedelta(days=730))
    session.add(org)
    session.flush()
    session.add(Membership(organization_id=org.id, user_id=owner.id, role=Role.OWNER,
                           joined_at=org.created_at))
    session.flush()

    rows = 0
    connection = session.connection()  # Core inserts: no ORM bookkeeping for 500,000 rows
    for start in range(0, members, BATCH):
        count = min(BATCH, members - start)
        people = [_person(rng, tag, start + i) for i in range(count)]
        user_ids = list(session.execute(
            insert(User).returning(User.id, sort_by_parameter_order=True), people).scalars())
        roles = [Role.MANAGER if rng.random() < 0.05 else Role.MEMBER for _ in user_ids]
        _insert(connection, Membership.__table__, [
            {"organization_id": org.id, "user_id": user_id, "role": role,
             "status": MembershipStatus.BLOCKED if rng.random() < 0.03
             else MembershipStatus.ACTIVE,
             "joined_at": now - timedelta(days=rng.uniform(0, 720))}
            for user_id, role in zip(user_ids, roles, strict=True)
        ])
        progress_rows = [
            row for user_id, role in zip(user_ids, roles, strict=True)
            for row in _progress(rng, user_id, seat_courses + (
                manager_extra if role == Role.MANAGER else []), now)
        ]
        if progress_rows:
            _insert(connection, CourseProgress.__table__, progress_rows)
        rows += len(progress_rows)
        if progress is not None:
            progress(start + count, members)
    session.flush()
    return LargeOrg(org_id=org.id, owner_id=owner.id, course_ids=[c.id for c in course_rows],
                    members=members, progress_rows=rows)


def _insert(connection, table, rows: list[dict]) -> None:
    """Many rows at once: PostgreSQL's COPY (several times faster than batched INSERTs there),
    else an executemany."""
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    cursor = connection.connection.driver_connection.cursor()
    with cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def _person(rng: random.Random, tag: str, number: int) -> dict:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    username = f"{first}.{last}.{number}.{tag}".lower()
    return {"username": username, "email": f"{username}@{tag}.example",
            "full_name": f"{first} {last}", "password_hash": "", "is_staff": False,
            "is_active": True, "created_at": utcnow()}


def _progress(rng: random.Random, user_id: int, courses: list[Course], now: datetime
              ) -> list[dict]:
    """About half the courses started; the keener the member, the further along."""
    keen = 0.3 + rng.random()  # above 1: most courses finished; below: few
    idle_days = rng.uniform(90, 240) if rng.random() < 0.1 else rng.expovariate(1 / 12)
    random_ = rng.random
    rows = []
    for course in courses:
        if random_() >= 0.5:
            continue
        count = course.lesson_count
        done = min(count, int(random_() ** (1 / keen) * (count + 1)))
        last = now - timedelta(days=idle_days + 60 * random_())
        rows.append({
            "user_id": user_id, "course_id": course.id, "lessons_completed": done,
            "started_at": last - timedelta(days=120 * random_()),
            "completed_at": last if done >= count else None,
            "last_activity_at": last,
        })
    return rows
