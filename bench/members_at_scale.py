"""How the Group Dashboard's service calls scale with the size of an organization.

Builds one organization with --members members (default 10,000) and one with 100 in a scratch
database, then times each service call a dashboard page makes, each in its own transaction as
the app runs them, and prints median and p95 for both sizes and their ratio: a ratio near 1
means the call costs what a page costs, not what the organization holds.

    python bench/members_at_scale.py                       # SQLite file in a temp directory
    python bench/members_at_scale.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    python bench/members_at_scale.py --members 50000 --runs 50 --explain --what-if

With --database-url the server gets a scratch database `ms_bench_<random>` (the URL's own
database is only used to CREATE and DROP it). --explain prints the query plan of every SELECT
each call runs on the big organization; --what-if then times the query shapes and indexes
proposed in bench/README.md, on the scratch database only. Prints figures; asserts nothing.
"""

import argparse
import dataclasses
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

# Run from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, create_engine, event, func, make_url, or_, pool, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from membersync_app.db import make_engine, unit_of_work
from membersync_app.models import (
    MAX_SEAT_COUNT,
    Course,
    CourseProgress,
    Invitation,
    License,
    Membership,
    MembershipStatus,
    Organization,
    OrganizationType,
    Role,
    RoleBenefitCourse,
    SeatType,
    SeatTypeCourse,
    SeatTypeLicense,
    User,
    utcnow,
)
from membersync_app.services import (
    access,
    audit,
    auth,
    members,
    organizations,
    seats,
)
from membersync_app.services.listing import DEFAULT_PAGE_SIZE

SMALL_ORG = 100
MAX_MEMBERS = 98_000  # + 1% invitations + the members add_members adds <= MAX_SEAT_COUNT
MAX_RUNS = 300
FIRST = ["Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea",
         "Mo", "Nia", "Otto", "Pia", "Quin", "Rui", "Sol", "Tao", "Uma", "Vic", "Wen", "Xia",
         "Yves", "Zoe"]
LAST = ["Garcia", "Smith", "Nguyen", "Kowalski", "Okafor", "Rossi", "Tanaka", "Muller", "Silva",
        "Dubois", "Larsen", "Novak", "Haddad", "Ivanova", "Murphy", "Costa", "Jensen", "Patel",
        "Schmidt", "Moreau"]
SEARCH_TERM = "kowalski"  # one last name in twenty: a search that finds many rows


# ---------------------------------------------------------------- databases

@contextmanager
def scratch_database(server_url: str | None) -> Iterator[str]:
    """A new, migrated database: a SQLite file in a temp dir, or a scratch PostgreSQL database."""
    from membersync_app.cli import migrate

    if server_url is None:
        with tempfile.TemporaryDirectory(prefix="ms-bench-") as directory:
            url = f"sqlite:///{Path(directory) / 'bench.db'}"
            migrate(url)
            yield url
        return
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool)
    name = f"ms_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        migrate(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def describe(engine: Engine) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            version = connection.exec_driver_sql("select sqlite_version()").scalar()
            return f"SQLite {version} (file in a temp directory, WAL)"
        version = connection.exec_driver_sql("show server_version").scalar()
        return f"PostgreSQL {version}"


# ---------------------------------------------------------------- data

@dataclass(frozen=True)
class Target:
    """One organization to time calls on, its owner, and one of its members with a seat."""

    org_id: int
    owner_id: int
    member_id: int
    size: int

    @property
    def last_page(self) -> int:
        return max(1, -(-(self.size + 1) // DEFAULT_PAGE_SIZE))  # + 1: the owner is listed


@dataclass(frozen=True)
class World:
    big: Target
    small: Target
    users: int
    progress_rows: int
    seconds: float


def _people(session: Session, count: int, tag: str, rng: random.Random) -> list[User]:
    users = []
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        username = f"{first}.{last}.{tag}{i}".lower()
        users.append(User(username=username, email=f"{username}@example.com",
                          full_name=f"{first} {last}", password_hash=""))
    session.add_all(users)
    session.flush()
    return users


def _org(session: Session, *, title: str, owner: User, size: int, seat_count: int,
         org_type: OrganizationType, seat_type: SeatType, courses: list[Course],
         rng: random.Random) -> tuple[Organization, list[User], int]:
    """An organization with `size` members (5% managers, 2% blocked), their course progress
    (about 60% of members have a row per course) and 1% pending invitations."""
    org = Organization(title=title, owner_id=owner.id, seat_count=seat_count,
                       org_type_id=org_type.id, seat_type_id=seat_type.id)
    session.add(org)
    session.flush()
    people = _people(session, size, f"o{org.id}n", rng)
    now = utcnow()
    session.add(Membership(organization_id=org.id, user_id=owner.id, role=Role.OWNER))
    session.add_all(
        Membership(
            organization_id=org.id, user_id=user.id,
            role=Role.MANAGER if rng.random() < 0.05 else Role.MEMBER,
            status=MembershipStatus.BLOCKED if rng.random() < 0.02 else MembershipStatus.ACTIVE,
            joined_at=now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60)),
        )
        for user in people
    )
    progress = [
        CourseProgress(user_id=user.id, course_id=course.id,
                       lessons_completed=rng.randint(0, course.lesson_count),
                       started_at=now - timedelta(days=rng.randrange(300)))
        for user in people for course in courses if rng.random() < 0.6
    ]
    session.add_all(progress)
    session.add_all(
        Invitation(organization_id=org.id, email=f"invited{i}.o{org.id}@example.com",
                   token_hash=uuid.uuid4().hex, invited_by_id=owner.id,
                   expires_at=now + timedelta(days=14))
        for i in range(size // 100)
    )
    session.flush()
    return org, people, len(progress)


def build_world(engine: Engine, big: int) -> World:
    """Catalog, then per size an owner running that organization and three small side ones."""
    started = time.perf_counter()
    rng = random.Random(7)
    with unit_of_work(engine) as session:
        courses = [Course(title=f"Course {n}", lesson_count=8) for n in range(1, 4)]
        licenses = [License(name=f"License {n}", product="Suite") for n in range(1, 3)]
        seat_type = SeatType(name="Standard seat")
        org_type = OrganizationType(name="Company")
        session.add_all([*courses, *licenses, seat_type, org_type])
        session.flush()
        session.add_all([SeatTypeCourse(seat_type_id=seat_type.id, course_id=c.id)
                         for c in courses[:2]])
        session.add_all([SeatTypeLicense(seat_type_id=seat_type.id, license_id=lic.id)
                         for lic in licenses])
        session.add(RoleBenefitCourse(org_type_id=org_type.id, role=Role.MANAGER,
                                      course_id=courses[2].id))
        common = {"org_type": org_type, "seat_type": seat_type, "courses": courses, "rng": rng}
        targets, users, progress_rows = [], 0, 0
        for label, size in (("big", big), ("small", SMALL_ORG)):
            owner = User(username=f"{label}_owner", email=f"{label}_owner@example.com",
                         full_name=f"{label.capitalize()} Owner")
            session.add(owner)
            session.flush()
            org, people, progress = _org(session, title=f"{label.capitalize()} Org", owner=owner,
                                         size=size, seat_count=MAX_SEAT_COUNT, **common)
            for n in range(3):  # owners often run a few organizations
                _, side_people, side_progress = _org(
                    session, title=f"{label.capitalize()} Side Org {n}", owner=owner, size=10,
                    seat_count=50, **common)
                users += len(side_people)
                progress += side_progress
            targets.append(Target(org_id=org.id, owner_id=owner.id,
                                  member_id=people[len(people) // 2].id, size=size))
            users += 1 + size
            progress_rows += progress
    if engine.dialect.name == "postgresql":
        # What autovacuum does soon after a bulk load; without statistics the planner guesses.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    return World(big=targets[0], small=targets[1], users=users, progress_rows=progress_rows,
                 seconds=time.perf_counter() - started)


# ---------------------------------------------------------------- calls

Call = Callable[[Session, User, Target], object]


def _page(sort: str = "name", descending: bool = False, search: str = "", last: bool = False):
    def call(session, actor, target):
        return members.list_members(session, actor=actor, org_id=target.org_id, search=search,
                                    sort=sort, descending=descending,
                                    page=target.last_page if last else 1)
    return call


def _add_one():
    counter = iter(range(10**9))

    def call(session, actor, target):
        n = next(counter)
        return members.add_member(session, actor=actor, org_id=target.org_id,
                                  name=f"Added Person {n}",
                                  email=f"added{n}.o{target.org_id}@example.com", role="member")
    return call


CALLS: dict[str, Call] = {
    "list_members: first page (by name)": _page(),
    f"list_members: search '{SEARCH_TERM}'": _page(search=SEARCH_TERM),
    "list_members: sort name, descending": _page("name", descending=True),
    "list_members: sort email": _page("email"),
    "list_members: sort role": _page("role"),
    "list_members: sort status": _page("status"),
    "list_members: sort joined": _page("joined"),
    "list_members: last page (by name)": _page(last=True),
    "seats.seats_used": lambda s, actor, t: seats.seats_used(s, org_id=t.org_id),
    "organizations.overview (every org event)":
        lambda s, actor, t: organizations.overview(s, actor=actor, org_id=t.org_id),
    "organizations.list_managed (owner)": lambda s, actor, t: organizations.list_managed(s,
                                                                                         actor=actor),
    "access.my_access_page (one member)":
        lambda s, actor, t: access.my_access_page(s, actor=s.get(User, t.member_id)),
    "members.add_members (one more)": _add_one(),  # last: it grows the organization
    # The floor under every change: one small INSERT and its COMMIT (the disk's flush).
    "baseline: audit.record alone (write+commit)":
        lambda s, actor, t: audit.record(s, actor=actor, action="bench.baseline",
                                         organization_id=t.org_id),
}


def _time_once(engine: Engine, call: Call, target: Target) -> float:
    """Milliseconds for one run in its own transaction, as one event in the app is."""
    started = time.perf_counter()
    with unit_of_work(engine) as session:
        call(session, session.get(User, target.owner_id), target)
    return (time.perf_counter() - started) * 1000


def time_call(engine: Engine, call: Call, targets: list[Target], runs: int, warmup: int = 2
              ) -> list[list[float]]:
    """Samples (ms) per target. Runs alternate between the targets, so a busy moment on the
    machine lands on both sizes alike and the ratio stays fair."""
    samples: list[list[float]] = [[] for _ in targets]
    for run in range(warmup + runs):
        for target, kept in zip(targets, samples, strict=True):
            elapsed = _time_once(engine, call, target)
            if run >= warmup:
                kept.append(elapsed)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]  # nearest rank


def page_json_bytes(engine: Engine, target: Target) -> tuple[int, int]:
    """(rows, bytes) of one page of the members table as the state sends it to the browser."""
    with unit_of_work(engine) as session:
        page = members.list_members(session, actor=session.get(User, target.owner_id),
                                    org_id=target.org_id)
    # OrgMembersState holds the service's rows as they are; Reflex sends each as its fields.
    items = [dataclasses.asdict(row) for row in page.rows]
    return len(items), len(json.dumps({"rows": items, "total": page.total}).encode())


# ---------------------------------------------------------------- query plans

@contextmanager
def captured_selects(engine: Engine) -> Iterator[list[tuple[str, object]]]:
    statements: list[tuple[str, object]] = []

    def before(_conn, _cursor, statement, parameters, _context, _executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def explain(engine: Engine, target: Target, names: list[str]) -> None:
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
    for name in names:
        with captured_selects(engine) as statements:
            _time_once(engine, CALLS[name], target)
        print(f"\n=== {name}: {len(statements)} SELECT(s)")
        with engine.connect() as connection:
            for statement, parameters in statements:
                if "FOR UPDATE" in statement.upper():
                    statement = statement[: statement.upper().rindex("FOR UPDATE")]
                print("--", " ".join(statement.split())[:300])
                plan = connection.exec_driver_sql(prefix + statement, parameters).all()
                for row in plan:
                    print("   ", row[-1])
            connection.rollback()


# ---------------------------------------------------------------- what if

# Indexes proposed in bench/README.md, tried on the scratch database only (never on the app's).
PROPOSED_INDEXES = {
    "users (lower(username)), unique":
        "CREATE UNIQUE INDEX ix_users_username_lower ON users (lower(username))",
}


def _sign_in_lookup(session, _actor, target):
    # The query auth.sign_in runs (auth.find_by_login) (no password hashing: that is fixed cost).
    user = session.get(User, target.member_id)
    return auth.find_by_login(session, login=user.username)


WHAT_IF_CALLS: dict[str, Call] = {
    "auth.find_by_login (sign-in lookup)": _sign_in_lookup,
    "members.add_members (one more)": CALLS["members.add_members (one more)"],
}


def _members_query(target: Target, *, join_users: bool):
    query = select(func.count()).select_from(Membership)
    if join_users:
        query = query.join(User, User.id == Membership.user_id)
    return query.where(Membership.organization_id == target.org_id)


def _last_page_query(target: Target, *, from_the_end: bool):
    """The last page by name as list_members asks for it (OFFSET from the start), or the same
    rows read from the other end (reversed order, small OFFSET), to reverse in Python."""
    name = members.SORT_COLUMNS["name"]
    total = target.size + 1
    offset = (target.last_page - 1) * DEFAULT_PAGE_SIZE
    query = (select(Membership, User).join(User, User.id == Membership.user_id)
             .where(Membership.organization_id == target.org_id))
    if from_the_end:
        return query.order_by(name.desc(), Membership.id.desc()).limit(total - offset)
    return query.order_by(name.asc(), Membership.id).offset(offset).limit(DEFAULT_PAGE_SIZE)


def _search_conditions(target: Target):
    pattern = f"%{SEARCH_TERM}%"
    return [Membership.organization_id == target.org_id,
            or_(func.lower(User.full_name).like(pattern), User.email.like(pattern),
                func.lower(User.username).like(pattern))]


def _search_two_queries(session, _actor, target):
    """What list_members runs for a search: a count, then the page (two passes)."""
    conditions = _search_conditions(target)
    total = session.exec(select(func.count()).select_from(Membership)
                         .join(User, User.id == Membership.user_id).where(*conditions)).one()
    rows = session.exec(select(Membership, User).join(User, User.id == Membership.user_id)
                        .where(*conditions).order_by(members.SORT_COLUMNS["name"], Membership.id)
                        .limit(DEFAULT_PAGE_SIZE)).all()
    return total, rows


def _search_one_query(session, _actor, target):
    """The same page and total in one pass: count(*) OVER () on every row of the page."""
    rows = session.exec(select(Membership, User, func.count().over())
                        .join(User, User.id == Membership.user_id)
                        .where(*_search_conditions(target))
                        .order_by(members.SORT_COLUMNS["name"], Membership.id)
                        .limit(DEFAULT_PAGE_SIZE)).all()
    return (rows[0][2] if rows else 0), rows


def _query_call(make_query):
    def call(session, _actor, target):
        return session.exec(make_query(target)).all()
    return call


QUERY_VARIANTS: list[tuple[str, Call, Call]] = [
    ("count for the members table (no search)",
     _query_call(lambda t: _members_query(t, join_users=True)),
     _query_call(lambda t: _members_query(t, join_users=False))),
    ("last page by name",
     _query_call(lambda t: _last_page_query(t, from_the_end=False)),
     _query_call(lambda t: _last_page_query(t, from_the_end=True))),
    (f"search '{SEARCH_TERM}': total and first page", _search_two_queries, _search_one_query),
]


PLAN_CALLS = ["list_members: first page (by name)", "list_members: sort role",
              f"list_members: search '{SEARCH_TERM}'", "seats.seats_used"]


def _what_if_custom_plans(engine: Engine, world: World, runs: int) -> None:
    """psycopg prepares a statement on its 5th run on a connection; PostgreSQL may then reuse
    one generic plan for every organization id, sized for an average organization. Compare
    with a connection that always plans for the actual id."""
    custom = create_engine(engine.url, pool_pre_ping=True,
                           connect_args={"options": "-c plan_cache_mode=force_custom_plan"})
    try:
        print("\nPostgreSQL plan cache (median ms; warm-up of 6 runs, so statements are prepared)")
        print(f"{'call':44} {'default: small':>15} {'big':>8} {'custom plans: small':>20} "
              f"{'big':>8}")
        for name in PLAN_CALLS:
            default = time_call(engine, CALLS[name], [world.small, world.big], runs, warmup=6)
            forced = time_call(custom, CALLS[name], [world.small, world.big], runs, warmup=6)
            print(f"{name:44} {statistics.median(default[0]):15.2f} "
                  f"{statistics.median(default[1]):8.2f} {statistics.median(forced[0]):20.2f} "
                  f"{statistics.median(forced[1]):8.2f}")
    finally:
        custom.dispose()


def what_if(engine: Engine, world: World, runs: int) -> None:
    """Time the calls the proposals touch, before and after the proposed indexes, and the
    query shapes proposed for list_members next to the ones it runs now."""
    def medians(calls: dict[str, Call]) -> dict[str, float]:
        return {name: statistics.median(time_call(engine, call, [world.big], runs)[0])
                for name, call in calls.items()}

    print(f"\nProposed query shapes ({world.big.size:,}-member organization, median ms)")
    print(f"{'query':44} {'as now':>9} {'proposed':>9}")
    for name, now, proposed in QUERY_VARIANTS:
        (before, after) = time_call(engine, now, [world.big], runs)[0], time_call(
            engine, proposed, [world.big], runs)[0]
        print(f"{name:44} {statistics.median(before):9.2f} {statistics.median(after):9.2f}")

    if engine.dialect.name == "postgresql":
        _what_if_custom_plans(engine, world, runs)

    before = medians(WHAT_IF_CALLS)
    with engine.begin() as connection:
        for statement in PROPOSED_INDEXES.values():
            connection.exec_driver_sql(statement)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE users")
    after = medians(WHAT_IF_CALLS)
    print(f"\nProposed indexes: {'; '.join(PROPOSED_INDEXES)} (median ms)")
    print(f"{'call':44} {'without':>9} {'with':>9}")
    for name in WHAT_IF_CALLS:
        print(f"{name:44} {before[name]:9.2f} {after[name]:9.2f}")


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000,
                        help="members of the big organization (default 10,000)")
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server URL (a scratch database is created there); "
                             "default: SQLite in a temp directory")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per call (default 30)")
    parser.add_argument("--explain", action="store_true",
                        help="print the query plans of the calls on the big organization")
    parser.add_argument("--what-if", action="store_true",
                        help="then time the proposed query shapes and indexes (scratch DB only)")
    args = parser.parse_args(argv)
    if args.database_url and args.database_url.startswith("sqlite"):
        parser.error("--database-url is for PostgreSQL; SQLite is the default")
    # The big organization holds its members, 1% pending invitations and the members the
    # add_members runs add, within the largest seat count there is.
    if not SMALL_ORG <= args.members <= MAX_MEMBERS:
        parser.error(f"--members must be from {SMALL_ORG} to {MAX_MEMBERS:,}")
    if not 1 <= args.runs <= MAX_RUNS:
        parser.error(f"--runs must be from 1 to {MAX_RUNS}")
    if args.database_url:
        probe = create_engine(args.database_url, poolclass=pool.NullPool,
                              connect_args={"connect_timeout": 5})
        try:
            with probe.connect():
                pass
        except OperationalError as error:
            parser.exit(1, f"no PostgreSQL server answers at {args.database_url}: "
                           f"{str(error).splitlines()[0]}\n")
        finally:
            probe.dispose()

    with scratch_database(args.database_url) as url:
        engine = make_engine(url)
        try:
            print(f"MemberSync members_at_scale: {describe(engine)}, {os.cpu_count()} CPUs, "
                  f"load average {os.getloadavg()[0]:.1f}")
            print(f"{args.runs} runs per call, median and p95 in ms; each call is one "
                  "transaction, as one event in the app is")
            world = build_world(engine, args.members)
            print(f"built: organizations of {args.members:,} and {SMALL_ORG} members, "
                  f"{world.users:,} users, {world.progress_rows:,} progress rows "
                  f"in {world.seconds:.1f} s\n")
            big_label, small_label = f"{args.members:,} members", f"{SMALL_ORG} members"
            print(f"{'call':44} {small_label:>17} {big_label:>19}  {'ratio':>6}")
            for name, call in CALLS.items():
                small, big = time_call(engine, call, [world.small, world.big], args.runs)
                ratio = statistics.median(big) / statistics.median(small)
                print(f"{name:44} {statistics.median(small):7.2f} {p95(small):7.2f}   "
                      f"{statistics.median(big):9.2f} {p95(big):7.2f}  {ratio:5.1f}x",
                      flush=True)
            for label, target in ((small_label, world.small), (big_label, world.big)):
                rows, size = page_json_bytes(engine, target)
                print(f"one page of rows as JSON ({label}): {rows} rows, {size:,} bytes")
            print(f"load average at the end: {os.getloadavg()[0]:.1f}")
            if args.explain:
                explain(engine, world.big, list(CALLS))
            if args.what_if:
                what_if(engine, world, args.runs)
        finally:
            engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
