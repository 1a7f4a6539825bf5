"""Throughput of the service calls behind the busiest pages, with 1, 2, 4 and 8 concurrent
clients, on SQLite or PostgreSQL.

Each client is its own process with its own connection pool (as the app's workers are), and
runs one call in a loop for --seconds, each call in its own transaction as one Reflex event
runs it. Prints calls per second, p50 and p95 per call and client count, and the speed-up over
one client. Asserts nothing.

    python bench/throughput.py                        # SQLite file in a temp directory
    python bench/throughput.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Calls:
- add-member (own org): each client adds people to its own organization (no shared row lock);
- add-member (one org): every client adds to the same organization (its row lock serializes);
- list-members: the first page of an organization's members (a read-only transaction);
- course-report: the Course Report of an organization (when services/reports.py has it).
"""

import argparse
import multiprocessing
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from members_at_scale import _org, describe, p95, scratch_database

from membersync_app.db import make_engine, read_only_unit, unit_of_work
from membersync_app.models import (
    Course,
    OrganizationType,
    SeatType,
    SeatTypeCourse,
    User,
)
from membersync_app.services import members

CLIENTS = (1, 2, 4, 8)
ORG_SIZE = 1_000


def build(url: str, organizations: int) -> list[tuple[int, int]]:
    """(organization id, owner id) for `organizations` organizations of ORG_SIZE members."""
    engine = make_engine(url)
    rng = random.Random(11)
    targets = []
    with unit_of_work(engine) as session:
        courses = [Course(title=f"Course {n}", lesson_count=8) for n in range(1, 11)]
        seat_type = SeatType(name="Standard seat")
        org_type = OrganizationType(name="Company")
        session.add_all([*courses, seat_type, org_type])
        session.flush()
        session.add_all(SeatTypeCourse(seat_type_id=seat_type.id, course_id=c.id)
                        for c in courses)
        for n in range(organizations):
            owner = User(username=f"owner{n}", email=f"owner{n}@example.com", full_name="Owner")
            session.add(owner)
            session.flush()
            org, _people, _rows = _org(session, title=f"Org {n}", owner=owner, size=ORG_SIZE,
                                       seat_count=100_000, org_type=org_type,
                                       seat_type=seat_type, courses=courses, rng=rng)
            targets.append((org.id, owner.id))
    engine.dispose()
    return targets


def _add_member(url_counter: list[int]):
    def call(session, owner, org_id, client):
        url_counter[0] += 1
        members.add_member(session, actor=owner, org_id=org_id, name="Bench Person",
                           email=f"bench-{client}-{url_counter[0]}-{time.time_ns()}@example.com",
                           role="member")
    return call


def _list_members(session, owner, org_id, _client):
    members.list_members(session, actor=owner, org_id=org_id, search="", sort="name",
                         descending=False, page=1)


def _course_report():
    try:
        from membersync_app.services import reports
        from membersync_app.services.report_filters import ReportFilters
    except ImportError:
        return None

    def call(session, owner, org_id, _client):
        reports.course_report(session, actor=owner, org_id=org_id, filters=ReportFilters())
    return call


def _client(url: str, call_name: str, target: tuple[int, int], client: int, seconds: float,
            start_at: float, results) -> None:
    engine = make_engine(url)
    call: Callable = {
        "add-member (own org)": _add_member([0]),
        "add-member (one org)": _add_member([0]),
        "list-members": _list_members,
        "course-report": _course_report(),
    }[call_name]
    reads_only = call_name in ("list-members", "course-report")
    unit = read_only_unit if reads_only else unit_of_work
    org_id, owner_id = target
    latencies = []
    while time.time() < start_at:
        time.sleep(0.001)  # wait for the common start, so every client runs at once
    deadline = start_at + seconds
    while time.time() < deadline:
        began = time.perf_counter()
        with unit(engine) as session:
            call(session, session.get(User, owner_id), org_id, client)
        latencies.append(time.perf_counter() - began)
    engine.dispose()
    results.put(latencies)


def run(url: str, call_name: str, targets: list[tuple[int, int]], clients: int,
        seconds: float) -> tuple[float, float, float]:
    """(calls per second, p50 ms, p95 ms) with `clients` processes at once."""
    results = multiprocessing.get_context("fork").Queue()
    start_at = time.time() + 0.5
    processes = []
    for client in range(clients):
        target = targets[0] if call_name == "add-member (one org)" else targets[client]
        process = multiprocessing.get_context("fork").Process(
            target=_client, args=(url, call_name, target, client, seconds, start_at, results))
        process.start()
        processes.append(process)
    latencies = [sample for _ in processes for sample in results.get()]
    for process in processes:
        process.join()
    return (len(latencies) / seconds, statistics.median(latencies) * 1000,
            p95(latencies) * 1000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server URL (scratch database)")
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement")
    args = parser.parse_args(argv)
    calls = ["add-member (own org)", "add-member (one org)", "list-members"]
    if _course_report() is not None:
        calls.append("course-report")
    with scratch_database(args.database_url) as url:
        engine = make_engine(url)
        print(f"database: {describe(engine)}; {multiprocessing.cpu_count()} CPUs")
        engine.dispose()
        began = time.perf_counter()
        targets = build(url, max(CLIENTS))
        print(f"built {max(CLIENTS)} organizations of {ORG_SIZE:,} members in "
              f"{time.perf_counter() - began:.1f} s; {args.seconds:.0f} s per measurement\n")
        print(f"{'call':<22} {'clients':>7} {'calls/s':>9} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'x one client':>12}")
        for call_name in calls:
            single = None
            for clients in CLIENTS:
                rate, p50, p95_ms = run(url, call_name, targets, clients, args.seconds)
                single = single or rate
                print(f"{call_name:<22} {clients:>7} {rate:>9.1f} {p50:>8.1f} {p95_ms:>8.1f} "
                      f"{rate / single:>12.2f}")
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
