"""Throughput of the real app: browser-less socket.io clients against 1 and 3 backend workers on
PostgreSQL + Redis, and the ratio of 3 workers to 1.

Builds the production app (as the e2e tests do), signs each client in with its own session
cookie, opens an organization's page (its on_load), then has every client page through the
members list (events `go_to_page` 2, 1, 2, …) for --seconds, each event timed from send to the
state delta it brings back. Prints events per second, p50 and p95. Asserts nothing.

    python bench/app_throughput.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Needs a PostgreSQL server and Redis (REFLEX_REDIS_URL, default redis://127.0.0.1:6379/0).
"""

import argparse
import os
import queue
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests" / "e2e")]

import socketio  # noqa: E402  (the test extra: python-socketio[client])
from conftest import start_app  # noqa: E402  (tests/e2e: builds and runs the production app)
from members_at_scale import p95, scratch_database  # noqa: E402
from throughput import build  # noqa: E402

from membersync_app.db import make_engine, unit_of_work  # noqa: E402
from membersync_app.models import User  # noqa: E402
from membersync_app.services import auth  # noqa: E402
from membersync_app.settings import SESSION_COOKIE  # noqa: E402
from membersync_app.state.org_members import OrgMembersState  # noqa: E402
from membersync_app.state.org_page import OrgPageState  # noqa: E402

NAMESPACE = "/_event"
REPLY_TIMEOUT = 30


def session_cookies(url: str, targets: list[tuple[int, int]]) -> list[str]:
    """A session token per owner, opened the way the sign-in route opens one."""
    engine = make_engine(url)
    tokens = []
    with unit_of_work(engine) as session:
        for _org_id, owner_id in targets:
            grant = auth.start_session(session, user=session.get(User, owner_id))
            tokens.append(auth.activate_session(session, grant=grant))
    engine.dispose()
    return tokens


class Client:
    """One browser-less tab: its own client token, an owner's cookie, one organization."""

    def __init__(self, app_url: str, cookie: str, org_id: int) -> None:
        self.replies: queue.Queue = queue.Queue()
        self.router = {"pathname": f"/dashboard/org/{org_id}",
                       "asPath": f"/dashboard/org/{org_id}", "query": {"id": str(org_id)}}
        self.socket = socketio.Client(reconnection=False)
        self.socket.on("event", self.replies.put, namespace=NAMESPACE)
        self.socket.connect(f"{app_url}?token={uuid.uuid4()}",
                            headers={"Cookie": f"{SESSION_COOKIE}={cookie}"},
                            transports=["websocket"], socketio_path=NAMESPACE,
                            namespaces=[NAMESPACE], wait_timeout=REPLY_TIMEOUT)

    def send(self, handler: str, payload: dict) -> None:
        self.socket.emit("event", {"name": handler, "payload": payload,
                                   "router_data": self.router}, namespace=NAMESPACE)

    def open_page(self) -> None:
        self.send(f"{OrgPageState.get_full_name()}.load", {})
        self.replies.get(timeout=REPLY_TIMEOUT)
        time.sleep(1.0)  # let the first load's follow-up deltas arrive (a bench, not a test)
        while not self.replies.empty():
            self.replies.get_nowait()

    def page_through(self, seconds: float, latencies: list[float]) -> None:
        handler = f"{OrgMembersState.get_full_name()}.go_to_page"
        page = 2
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            began = time.perf_counter()
            self.send(handler, {"page": page})
            self.replies.get(timeout=REPLY_TIMEOUT)
            latencies.append(time.perf_counter() - began)
            page = 3 - page

    def close(self) -> None:
        self.socket.disconnect()


def measure(app_url: str, cookies: list[str], targets: list[tuple[int, int]], clients: int,
            seconds: float) -> tuple[float, float, float]:
    tabs = [Client(app_url, cookies[i % len(cookies)], targets[i % len(targets)][0])
            for i in range(clients)]
    for tab in tabs:
        tab.open_page()
    samples: list[list[float]] = [[] for _ in tabs]
    threads = [threading.Thread(target=tab.page_through, args=(seconds, samples[i]))
               for i, tab in enumerate(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for tab in tabs:
        tab.close()
    latencies = [s for per_tab in samples for s in per_tab]
    return (len(latencies) / seconds, statistics.median(latencies) * 1000,
            p95(latencies) * 1000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL server URL")
    parser.add_argument("--redis-url", default=os.environ.get("REFLEX_REDIS_URL",
                                                                 "redis://127.0.0.1:6379/0"))
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    with scratch_database(args.database_url) as url:
        targets = build(url, 8)
        cookies = session_cookies(url, targets)
        rates = {}
        print(f"{args.clients} socket.io clients, {args.seconds:.0f} s each run, PostgreSQL + "
              f"Redis, {os.cpu_count()} CPUs\n")
        print(f"{'workers':>7} {'events/s':>9} {'p50 ms':>8} {'p95 ms':>8}")
        for workers in (1, 3):
            with tempfile.TemporaryDirectory(prefix="ms-app-bench-") as tmp, start_app(
                {"MEMBERSYNC_DATABASE_URL": url, "REFLEX_REDIS_URL": args.redis_url,
                 "GRANIAN_WORKERS": str(workers)}, Path(tmp)) as app:
                rate, p50, p95_ms = measure(app.url, cookies, targets, args.clients,
                                            args.seconds)
            rates[workers] = rate
            print(f"{workers:>7} {rate:>9.1f} {p50:>8.1f} {p95_ms:>8.1f}")
        print(f"\n3 workers / 1 worker: ratio {rates[3] / rates[1]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
