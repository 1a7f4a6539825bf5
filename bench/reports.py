"""How fast the reports are at 10,000 members x 100 courses, next to the floor of each.

Builds the large demo organization (services/demo_large.py: --members members, --courses
courses, about half of all member x course pairs started: ~500,000 progress rows at the
default size) in a scratch database, then times each report call as one event of the app runs
it (a read-only transaction, the actor loaded, the permission checked) and, in the same run, a
hand-written single SQL query over the same rows: the floor. For each call it prints the
median and p95 of --runs runs and a line ending in `ratio <median / floor median>`. Then the
JSON size of what each report puts in the browser's state (one page of rows, the charts).

    python bench/reports.py                       # SQLite file in a temp directory
    python bench/reports.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

With --database-url the server gets a scratch database `ms_bench_<random>` (the URL's own
database is only used to CREATE and DROP it). Prints figures; asserts nothing.
"""

import argparse
import dataclasses
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

# Run from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from members_at_scale import describe, p95, scratch_database
from sqlalchemy import Engine, text

from membersync_app.db import make_engine, read_only_unit, unit_of_work
from membersync_app.models import Membership, Organization, Role, User, utcnow
from membersync_app.services import report_seats, reports
from membersync_app.services.demo_large import LargeOrg, load_large_org
from membersync_app.services.report_filters import ReportFilters
from membersync_app.state.org_reports import (
    course_figure,
    progress_figure,
    seats_figure,
)

FILTERS = ReportFilters()  # the page's default: active members, every course

# The floors: one hand-written query each, over the same rows the call reads (active members
# of the organization, their progress rows), without permission checks or paging helpers.
FLOORS = {
    "course_report": """
        SELECT cp.course_id, count(*),
               sum(CASE WHEN cp.lessons_completed >= c.lesson_count THEN 1 ELSE 0 END),
               sum(CASE WHEN cp.lessons_completed > 0 THEN 1 ELSE 0 END)
        FROM course_progress cp
        JOIN memberships m ON m.user_id = cp.user_id AND m.organization_id = :org
        JOIN courses c ON c.id = cp.course_id
        WHERE m.status = 'active'
        GROUP BY cp.course_id""",
    "user_report": """
        SELECT m.id, u.full_name, u.email, count(cp.id),
               sum(CASE WHEN cp.lessons_completed >= c.lesson_count THEN 1 ELSE 0 END),
               max(cp.last_activity_at)
        FROM memberships m JOIN users u ON u.id = m.user_id
        LEFT JOIN course_progress cp ON cp.user_id = m.user_id
        LEFT JOIN courses c ON c.id = cp.course_id
        WHERE m.organization_id = :org AND m.status = 'active'
        GROUP BY m.id, u.full_name, u.email
        ORDER BY lower(u.full_name), m.id LIMIT 25""",
    "course_members": """
        SELECT m.id, u.full_name, u.email, cp.lessons_completed, cp.started_at,
               cp.completed_at, cp.last_activity_at
        FROM memberships m JOIN users u ON u.id = m.user_id
        LEFT JOIN course_progress cp ON cp.user_id = m.user_id AND cp.course_id = :course
        WHERE m.organization_id = :org AND m.status = 'active'
        ORDER BY lower(u.full_name), m.id LIMIT 25""",
    "member_courses": """
        SELECT c.id, c.title, cp.lessons_completed, cp.last_activity_at
        FROM courses c
        LEFT JOIN course_progress cp ON cp.course_id = c.id AND cp.user_id = :user
        WHERE c.id IN (SELECT course_id FROM seat_type_courses WHERE seat_type_id = :seat_type)
        ORDER BY lower(c.title), c.id LIMIT 25""",
    "seats_over_time": """
        SELECT date(joined_at), count(*) FROM memberships
        WHERE organization_id = :org AND role <> 'owner' AND joined_at >= :since
        GROUP BY date(joined_at)""",
    "csv_users": """
        SELECT m.id, u.full_name, u.email, m.role, m.status, count(cp.id),
               sum(CASE WHEN cp.lessons_completed >= c.lesson_count THEN 1 ELSE 0 END),
               max(cp.last_activity_at)
        FROM memberships m JOIN users u ON u.id = m.user_id
        LEFT JOIN course_progress cp ON cp.user_id = m.user_id
        LEFT JOIN courses c ON c.id = cp.course_id
        WHERE m.organization_id = :org AND m.status IN ('active', 'blocked')
        GROUP BY m.id, u.full_name, u.email, m.role, m.status
        ORDER BY lower(u.full_name), m.id""",
}


@dataclasses.dataclass(frozen=True)
class World:
    large: LargeOrg
    seat_type_id: int
    course_id: int  # a course of the seat type
    membership_id: int  # an active member
    user_id: int


def build(engine: Engine, members: int, courses: int) -> tuple[World, float]:
    started = time.perf_counter()
    with unit_of_work(engine) as session:
        owner = User(username="bench.owner", email="bench.owner@example.com",
                     full_name="Bench Owner")
        session.add(owner)
        session.flush()
        large = load_large_org(session, owner=owner, members=members, courses=courses)
        org = session.get(Organization, large.org_id)
        membership = session.execute(
            Membership.__table__.select().where(Membership.organization_id == org.id,
                                                Membership.role == Role.MEMBER,
                                                Membership.status == "active").limit(1)
        ).first()
        world = World(large=large, seat_type_id=org.seat_type_id, course_id=large.course_ids[0],
                      membership_id=membership.id, user_id=membership.user_id)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    return world, time.perf_counter() - started


Call = Callable[..., object]


def report_calls(world: World) -> dict[str, tuple[str, Call]]:
    org = world.large.org_id
    common = {"org_id": org, "filters": FILTERS}
    csv_all = ReportFilters(status=None)

    def export(session, actor):
        return sum(1 for _ in reports.csv_lines(reports.export_rows(
            session, actor=actor, org_id=org, report="user", filters=csv_all)))

    return {
        "Course Report (page + chart)": ("course_report", lambda s, a: reports.course_report(
            s, actor=a, **common)),
        "User Report first page": ("user_report", lambda s, a: reports.user_report(
            s, actor=a, **common)),
        "course drill-down page": ("course_members", lambda s, a: reports.course_members(
            s, actor=a, course_id=world.course_id, **common)),
        "member drill-down": ("member_courses", lambda s, a: reports.member_courses(
            s, actor=a, membership_id=world.membership_id, **common)),
        "Seats over time": ("seats_over_time", lambda s, a: report_seats.seats_over_time(
            s, actor=a, org_id=org)),
        f"CSV export of all {world.large.members:,} users": ("csv_users", export),
    }


def _time(engine: Engine, work: Callable) -> float:
    started = time.perf_counter()
    with read_only_unit(engine) as session:
        work(session)
    return (time.perf_counter() - started) * 1000


def run(engine: Engine, world: World, runs: int) -> None:
    params = {"org": world.large.org_id, "course": world.course_id, "user": world.user_id,
              "seat_type": world.seat_type_id, "since": utcnow() - timedelta(days=90)}
    owner_id = world.large.owner_id
    print(f"{'call':38} {'median':>9} {'p95':>9} {'floor':>9} {'floor p95':>9}")
    for name, (floor_key, call) in report_calls(world).items():
        calls, floors = [], []
        floor_sql = text(FLOORS[floor_key])
        for index in range(runs + 2):  # 2 warm-up runs; call and floor alternate
            took = _time(engine, lambda s, call=call: call(s, s.get(User, owner_id)))
            floor = _time(engine, lambda s, q=floor_sql: s.execute(q, params).all())
            if index >= 2:
                calls.append(took)
                floors.append(floor)
        ratio = statistics.median(calls) / statistics.median(floors)
        print(f"{name:38} {statistics.median(calls):9.1f} {p95(calls):9.1f} "
              f"{statistics.median(floors):9.1f} {p95(floors):9.1f}   ratio {ratio:.2f}",
              flush=True)


def state_sizes(engine: Engine, world: World) -> None:
    """What each report puts in the browser's state, as JSON (a frame carries at most this)."""
    org, common = world.large.org_id, {"org_id": world.large.org_id, "filters": FILTERS}

    def size(*parts) -> int:
        return len(json.dumps(parts, default=str).encode())

    def rows(page) -> list:
        return [dataclasses.asdict(row) for row in page.rows]

    with read_only_unit(engine) as session:
        actor = session.get(User, world.large.owner_id)
        overview = reports.overview(session, actor=actor, **common)
        seats = report_seats.seats_over_time(session, actor=actor, org_id=org)
        course = reports.course_report(session, actor=actor, **common)
        course_page, chart = course.page, course.chart
        user_page = reports.user_report(session, actor=actor, **common)
        histogram = reports.progress_histogram(session, actor=actor, **common)
        drill = reports.course_members(session, actor=actor, course_id=world.course_id,
                                       **common)
        member = reports.member_courses(session, actor=actor, membership_id=world.membership_id,
                                        **common)
    figure = lambda f: json.loads(f.to_json())  # noqa: E731  (plotly's own serialisation)
    print("\nJSON size of the state each report sends to the browser:")
    for name, value in (
        ("Overview cards + Seats over time chart",
         size(dataclasses.asdict(overview), figure(seats_figure(seats)))),
        (f"Course Report: page of {len(course_page.rows)} rows + chart of {len(chart)} courses",
         size(rows(course_page), figure(course_figure(chart)))),
        (f"User Report: page of {len(user_page.rows)} rows + histogram",
         size(rows(user_page), figure(progress_figure(histogram)))),
        (f"course drill-down: page of {len(drill.page.rows)} rows", size(rows(drill.page))),
        (f"member drill-down: page of {len(member.page.rows)} rows", size(rows(member.page))),
    ):
        print(f"  {name:60} {value:8,} bytes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--courses", type=int, default=100)
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server URL (a scratch database is created there)")
    parser.add_argument("--runs", type=int, default=15, help="timed runs per call (default 15)")
    args = parser.parse_args(argv)
    if args.database_url and args.database_url.startswith("sqlite"):
        parser.error("--database-url is for PostgreSQL; SQLite is the default")
    if not 10 <= args.members <= 98_000 or not 1 <= args.courses <= 500:
        parser.error("--members from 10 to 98,000, --courses from 1 to 500")
    with scratch_database(args.database_url) as url:
        engine = make_engine(url)
        try:
            print(f"MemberSync reports: {describe(engine)}, {os.cpu_count()} CPUs, "
                  f"load average {os.getloadavg()[0]:.1f}")
            world, seconds = build(engine, args.members, args.courses)
            print(f"built: {args.members:,} members x {args.courses} courses, "
                  f"{world.large.progress_rows:,} progress rows in {seconds:.1f} s")
            print(f"{args.runs} runs per call, median and p95 in ms; each call is one read-only "
                  "transaction, as one event in the app is\n")
            run(engine, world, args.runs)
            state_sizes(engine, world)
            print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        finally:
            engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
