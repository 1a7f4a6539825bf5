"""Crash safety (issue 13, item 2): backend workers killed with SIGKILL under a mixed load on
PostgreSQL + Redis + three granian workers, and nothing confirmed is lost or half-applied.

Browser-less socket.io clients (threads, each its own tab and session cookie) run a scripted
load: four owners add members, invite, remove members they added and import CSV files into
their own organizations, while a staff client merges six other organizations into theirs.
Each client records what it saw confirmed: the notice the app put in the state delta it sent
back (the words a person reads on the page). Meanwhile a backend worker process (a granian
worker child, each time one that holds a client's websocket) is killed with SIGKILL every few
seconds; granian starts a new one (rxconfig.py turns respawning on). Then:

- every operation a client saw confirmed is in the database;
- nothing is half-applied: `membersync check` finds no problem (seats used never above the seat
  count, one owner per organization, ...), every membership and invitation of the run has its
  audit event and its e-mail in the outbox, and no e-mail is there without its change;
- /health answers while a worker is down, a fresh client signs in and acts, and at the end every
  worker process, survivors and respawned ones alike, serves a signed-in client's change;
- a client whose worker was killed reconnects (as the browser does) and its next operation is
  confirmed;
- after the app stopped, `membersync deliver-outbox` sends what the crashes left waiting, and the
  SMTP server has received every e-mail whose change committed, each exactly once.

The figures (kills, operations sent, confirmed, found, mails) are printed. Skipped, with the
reason, when no PostgreSQL server or no Redis answers. Redis database /6 unless
MEMBERSYNC_TEST_CRASH_REDIS_URL says otherwise (test_scale_out_e2e.py uses /5).
"""

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio
from conftest import REPO_ROOT, RunningApp, start_app
from factories import make_invitation, make_membership, make_org, make_staff, make_user
from scale_setup import (
    can_count_workers,
    own_redis_db,
    scratch_postgres_database,
    wait_for,
    worker_processes,
)
from sqlalchemy import update
from sqlmodel import select

from membersync_app.db import make_engine, unit_of_work
from membersync_app.models import (
    AuditEvent,
    DeletedOrganization,
    DeliveryStatus,
    Invitation,
    Membership,
    Organization,
    OutboxMessage,
    User,
    utcnow,
)
from membersync_app.services import auth
from membersync_app.services.mail import UNCERTAIN_AFTER
from membersync_app.services.seats import seats_used
from membersync_app.settings import SESSION_COOKIE
from membersync_app.state.auth import LoginState
from membersync_app.state.back_office import BackOfficeState, MergeState
from membersync_app.state.org_add import OrgAddState
from membersync_app.state.org_import import OrgImportState
from membersync_app.state.org_members import OrgMembersState
from membersync_app.state.org_page import OrgPageState

REDIS_URL = os.environ.get("MEMBERSYNC_TEST_CRASH_REDIS_URL", "redis://127.0.0.1:6379/6")
WORKERS = 3
OWNERS = 4
MERGES = 6
KILLS = 6
# Granian gives up (stops the whole server) when a worker it just respawned dies again within
# 5.5 s: the kills are further apart than that.
KILL_EVERY_SECONDS = 6.0
LOAD_AFTER_LAST_KILL_SECONDS = 5.0
# A worker killed while it held a tab's state lock in Redis keeps it until the lock expires
# (Reflex: 10 s); an answer may wait that long.
ANSWER_SECONDS = 40.0
RESPAWN_SECONDS = 40.0
# A worker killed between a socket's Engine.IO handshake and its namespace's connect never
# tells the socket.io client, which then waits out its whole connect wait. The browser's
# socket.io client gives up on a connect after its `timeout` (20 s) and tries again; a tab
# reconnecting here gives up sooner, so a few tries fit in RESPAWN_SECONDS.
CONNECT_SECONDS = 8.0
NAMESPACE_REFUSED = "One or more namespaces failed to connect"  # python-socketio's words
SEATS = 1_000  # the load never runs out of seats: every refusal here would be a failure
PASSWORD = "crash-safe-pass-1"
NAMESPACE = "/_event"  # Reflex's socket.io namespace and path
ALLOWED_LOG_ERRORS = ("Unexpected exit from worker",)  # granian, once per kill


class Disconnected(Exception):
    """The socket dropped (its worker was killed) before the answer came."""


def _name(state, handler: str) -> str:
    return f"{state.get_full_name()}.{handler}"


def _flat(delta: Any, state=None) -> dict[str, Any]:
    """The vars of one state update: of `state` only when given (two states may have a var of
    the same name, as the members and invitations lists' `rows`), else of every state."""
    if isinstance(delta, str):
        delta = json.loads(delta)
    flat: dict[str, Any] = {}
    for name, state_vars in (delta or {}).get("delta", {}).items():
        if state is None or name == state.get_full_name():
            flat.update(state_vars)
    return flat


def org_router(org_id: int) -> dict:
    path = f"/dashboard/org/{org_id}"
    return {"pathname": path, "asPath": path, "query": {"id": str(org_id)}}


def back_office_router(org_id: int) -> dict:
    path = f"/admin/organizations/{org_id}"
    return {"pathname": path, "asPath": path, "query": {"id": str(org_id)}}


LOGIN_ROUTER = {"pathname": "/login/", "asPath": "/login/"}


class Tab:
    """One browser-less tab: a socket.io connection to /_event with a session cookie, that
    sends an event and waits for the state update answering it. After its worker died it
    connects again and, as the browser does, adopts the new token Reflex hands it (the dead
    worker's record of the old one stays in Redis); its client then opens the page again."""

    def __init__(self, url: str, cookie: str | None, router: dict) -> None:
        self.url, self.cookie, self.router = url, cookie, router
        self.token = str(uuid.uuid4())
        self.updates: list[dict[str, Any]] = []  # as they came: {"delta": {state: vars}}
        self.dropped = False
        self.failed_connects: list[str] = []  # reconnect tries made again, and why
        self._changed = threading.Condition()
        self._client: socketio.Client | None = None
        self.connect()

    def connect(self, wait_seconds: float = ANSWER_SECONDS) -> None:
        if self._client is not None and self._client.connected:  # an upload failed, not this
            self._client.disconnect()
        client = socketio.Client(reconnection=False)
        client.on("event", self._update, namespace=NAMESPACE)
        client.on("new_token", self._new_token, namespace=NAMESPACE)
        client.on("disconnect", self._disconnected, namespace=NAMESPACE)
        headers = {"Cookie": f"{SESSION_COOKIE}={self.cookie}"} if self.cookie else {}
        client.connect(f"{self.url}?token={self.token}", headers=headers,
                       transports=["websocket"], socketio_path=NAMESPACE,
                       namespaces=[NAMESPACE], wait_timeout=wait_seconds)
        with self._changed:
            self._client, self.dropped = client, False

    def reconnect(self, deadline: float) -> None:
        """Connect again (the killed worker's replacement may still be starting, or the worker
        this try reached may be killed before it connected the namespace)."""
        while True:
            tried_at = time.monotonic()
            try:
                self.connect(wait_seconds=CONNECT_SECONDS)
                return
            except socketio.exceptions.ConnectionError as error:
                if str(error).startswith(NAMESPACE_REFUSED) or time.monotonic() > deadline:
                    raise  # refused by the app (a failure at once), or still failing at the end
                self.failed_connects.append(f"{error} after {time.monotonic() - tried_at:.1f} s")
                time.sleep(0.2)  # retry interval of a reconnect, as the browser's backoff

    def _update(self, data: Any) -> None:
        with self._changed:
            self.updates.append(json.loads(data) if isinstance(data, str) else data)
            self._changed.notify_all()

    def _new_token(self, token: str) -> None:
        self.token = token  # the next reconnect and every upload use the tab's new token

    def _disconnected(self, *_args) -> None:
        with self._changed:
            self.dropped = True
            self._changed.notify_all()

    def local_port(self) -> int | None:
        """The client side's port of the websocket; None between two connections."""
        try:
            return self._client.eio.ws.sock.getsockname()[1]
        except (AttributeError, OSError):
            return None

    def call(self, handler: str, payload: dict, answer_keys: set[str],
             router: dict | None = None, state=None) -> dict[str, Any]:
        """Send an event; the first state update after it that sets one of `answer_keys` (of
        `state` when given), as a dict of vars."""
        with self._changed:
            if self.dropped:
                raise Disconnected()
            since = len(self.updates)
        try:
            self._client.emit("event", {"name": handler, "payload": payload,
                                        "router_data": router or self.router},
                              namespace=NAMESPACE)
        except socketio.exceptions.BadNamespaceError as error:
            raise Disconnected() from error

        def answered() -> dict | None:
            flat = (_flat(update, state) for update in self.updates[since:])
            return next((u for u in flat if answer_keys & u.keys()), None)

        with self._changed:
            self._changed.wait_for(lambda: answered() is not None or self.dropped,
                                   ANSWER_SECONDS)
            answer = answered()
            if answer is not None:
                return answer
            if self.dropped:
                raise Disconnected()
        raise AssertionError(f"no answer to {handler} within {ANSWER_SECONDS} s")

    def upload(self, handler: str, filename: str, body: bytes) -> list[dict[str, Any]]:
        """An upload as the page sends it (HTTP, any worker); the state updates it streams."""
        response = httpx.post(
            f"{self.url}/_upload",
            headers={"reflex-client-token": self.token, "reflex-event-handler": handler},
            cookies={SESSION_COOKIE: self.cookie}, timeout=ANSWER_SECONDS,
            files={"files": (filename, body, "text/csv")})
        response.raise_for_status()
        return [_flat(line) for line in response.text.splitlines() if line.strip()]

    def close(self) -> None:
        if self._client is not None:
            self._client.disconnect()


# ---------------------------------------------------------------- who holds which socket

def _tcp_inodes(server_port: int, client_port: int) -> set[str]:
    """Inodes of the server side of the TCP connection from `client_port` to `server_port`."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = fields[1], fields[2]
            if (int(local.rsplit(":", 1)[1], 16) == server_port
                    and int(remote.rsplit(":", 1)[1], 16) == client_port):
                inodes.add(f"socket:[{fields[9]}]")
    return inodes


def socket_holder(app: RunningApp, tab: Tab) -> int | None:
    """The pid of the worker process whose socket is the other end of `tab`'s websocket."""
    if (port := tab.local_port()) is None:
        return None
    inodes = _tcp_inodes(int(app.url.rsplit(":", 1)[1]), port)
    for pid in worker_processes(app):
        try:
            descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for descriptor in descriptors:
            try:
                if os.readlink(descriptor) in inodes:
                    return pid
            except OSError:
                continue
    return None


# ---------------------------------------------------------------- the load

@dataclass
class Record:
    """What one client sent and what it saw confirmed."""

    sent: Counter = field(default_factory=Counter)
    confirmed: Counter = field(default_factory=Counter)
    added: dict[str, int] = field(default_factory=dict)  # e-mail -> organization id
    imported: list[list[str]] = field(default_factory=list)  # the e-mails of each file
    invited: dict[str, int] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    remove_sent: set[str] = field(default_factory=set)
    merged: list[tuple[int, int]] = field(default_factory=list)  # (merged away, into)
    reconnects: int = 0
    merges_deferred: int = 0  # merges refused ten times under load, tried again after it
    after_reconnect: list[str] = field(default_factory=list)  # the next operation's outcome
    errors: list[str] = field(default_factory=list)


class OwnerClient(threading.Thread):
    """An owner working on their organization until `stop` is set."""

    def __init__(self, app: RunningApp, cookie: str, org_id: int, prefix: str,
                 stop: threading.Event) -> None:
        super().__init__(name=f"owner-{org_id}", daemon=True)
        self.app, self.org_id, self.prefix, self.stop = app, org_id, prefix, stop
        self.tab = Tab(app.url, cookie, org_router(org_id))
        self.record = Record()
        self.rng = random.Random(org_id)
        self.count = 0

    def _email(self, kind: str) -> str:
        self.count += 1
        return f"{kind}-{self.org_id}-{self.count}@{self.prefix}"

    def open_page(self) -> None:
        self.tab.call(_name(OrgPageState, "load"), {}, {"org_title_rx_state_",
                                                       "load_error_rx_state_"})

    def add(self) -> bool:
        email = self._email("add")
        self.record.sent["add"] += 1
        answer = self.tab.call(
            _name(OrgAddState, "submit_add"),
            {"form_data": {"name_0": f"Crash Add {self.count}", "email_0": email,
                           "role_0": "member"}},
            {"members_notice_rx_state_", "add_rows_rx_state_"})
        if str(answer.get("members_notice_rx_state_", "")).startswith("Added 1 member."):
            self.record.confirmed["add"] += 1
            self.record.added[email] = self.org_id
            return True
        self.record.errors.append(f"add {email}: {answer}")
        return False

    def invite(self) -> bool:
        email = self._email("invite")
        self.record.sent["invite"] += 1
        answer = self.tab.call(_name(OrgAddState, "submit_invite"),
                               {"form_data": {"emails": email, "invite_role": "member"}},
                               {"members_notice_rx_state_", "add_rows_rx_state_"})
        if str(answer.get("members_notice_rx_state_", "")).startswith("Invited 1 person."):
            self.record.confirmed["invite"] += 1
            self.record.invited[email] = self.org_id
            return True
        self.record.errors.append(f"invite {email}: {answer}")
        return False

    def remove(self) -> bool:
        candidates = sorted(set(self.record.added) - self.record.remove_sent)
        if not candidates:
            return self.add()
        email = self.rng.choice(candidates)
        self.record.sent["remove"] += 1
        found = self.tab.call(_name(OrgMembersState, "submit_search"),
                              {"form_data": {"search": email}}, {"rows_rx_state_"},
                              state=OrgMembersState)
        rows = [row for row in found["rows_rx_state_"] if row["email"] == email]
        if not rows:
            self.record.errors.append(f"remove {email}: not in the search result {found}")
            return False
        self.record.remove_sent.add(email)
        answer = self.tab.call(_name(OrgMembersState, "remove_one"),
                               {"membership_id": rows[0]["membership_id"]},
                               {"members_notice_rx_state_", "members_error_rx_state_"})
        if str(answer.get("members_notice_rx_state_", "")).startswith("Removed 1 member"):
            self.record.confirmed["remove"] += 1
            self.record.removed.add(email)
            return True
        self.record.errors.append(f"remove {email}: {answer}")
        return False

    def import_csv(self) -> bool:
        emails = [self._email("csv") for _ in range(3)]
        body = "name,email,role\n" + "".join(
            f"Crash Import {e.split('@')[0]},{e},member\n" for e in emails)
        self.record.sent["import"] += 1
        try:
            updates = self.tab.upload(_name(OrgImportState, "import_csv"), "members.csv",
                                      body.encode())
        except httpx.HTTPError as error:  # the worker serving the upload was killed
            raise Disconnected() from error
        if any(str(u.get("import_notice_rx_state_", "")).startswith("Imported 3 members.")
               for u in updates):
            self.record.confirmed["import"] += 1
            self.record.added.update(dict.fromkeys(emails, self.org_id))
            self.record.imported.append(emails)
            return True
        self.record.errors.append(f"import {emails}: {updates}")
        return False

    def reconnect(self) -> None:
        """Back on the page through another connection, as the browser does on its own."""
        self.record.reconnects += 1
        deadline = time.monotonic() + RESPAWN_SECONDS
        while True:
            self.tab.reconnect(deadline)
            try:
                self.open_page()
                return
            except Disconnected:  # the worker it reached was killed too
                assert time.monotonic() < deadline, "could not open the page again"

    def run(self) -> None:
        operations = [self.add] * 4 + [self.invite] * 2 + [self.remove] * 3 + [self.import_csv]
        reconnected = False
        try:
            self.open_page()
            # After a reconnect the next operation is always made, also when the load stops.
            while not self.stop.is_set() or reconnected:
                operation = self.add if reconnected else self.rng.choice(operations)
                try:
                    done = operation()
                except Disconnected:
                    if reconnected:
                        self.record.after_reconnect.append("cut off by another kill")
                    self.reconnect()
                    reconnected = True
                    continue
                if reconnected:
                    self.record.after_reconnect.append("confirmed" if done else "refused")
                reconnected = False
        except Exception as error:  # reported by the test, which fails on it
            self.record.errors.append(f"{type(error).__name__}: {error}")
        finally:
            self.tab.close()


class StaffClient(threading.Thread):
    """Staff merging each (source, target) pair through the back office's Merge tab, spread
    over the run (those left when the load stops follow at once). A merge refused because the
    target changed since the preview (the owners keep adding to it) is previewed and tried
    again, as a person would; one still refused after ten tries while the owners are busy is
    tried again once the load has stopped (a person would come back later), and only a
    refusal then is an error."""

    def __init__(self, app: RunningApp, cookie: str, pairs: list[tuple[int, int]],
                 every: float, stop: threading.Event) -> None:
        super().__init__(name="staff", daemon=True)
        self.app, self.pairs, self.every, self.stop = app, pairs, every, stop
        self.tab = Tab(app.url, cookie, back_office_router(pairs[0][1]))
        self.record = Record()

    def merge(self, source: int, target: int) -> None:
        router = back_office_router(target)
        self.tab.call(_name(BackOfficeState, "load"), {}, {"header_rx_state_",
                                                          "org_error_rx_state_"}, router)
        self.record.sent["merge"] += 1
        for attempt in range(20):
            if attempt == 10:
                self.record.merges_deferred += 1
                self.stop.wait()
            preview = self.tab.call(_name(MergeState, "pick"), {"other_id": source},
                                    {"has_preview_rx_state_", "merge_error_rx_state_"}, router)
            if not preview.get("has_preview_rx_state_"):
                self.record.errors.append(f"merge preview {source} -> {target}: {preview}")
                return
            answer = self.tab.call(_name(MergeState, "merge"), {"raise_seats": True},
                                   {"merge_notice_rx_state_", "merge_error_rx_state_"}, router)
            if str(answer.get("merge_notice_rx_state_", "")).startswith("Merged"):
                self.record.confirmed["merge"] += 1
                self.record.merged.append((source, target))
                return
        self.record.errors.append(f"merge {source} -> {target} kept being refused: {answer}")

    def run(self) -> None:
        try:
            for source, target in self.pairs:
                self.stop.wait(self.every)  # spread over the run; all done when it ends
                while True:
                    try:
                        self.merge(source, target)
                        break
                    except Disconnected:
                        self.record.reconnects += 1
                        self.tab.reconnect(time.monotonic() + RESPAWN_SECONDS)
                        # The merge may have committed before the worker died: look again.
                        with unit_of_work(self.app.engine) as session:
                            if session.get(Organization, source) is None:
                                break
        except Exception as error:
            self.record.errors.append(f"{type(error).__name__}: {error}")
        finally:
            self.tab.close()


# ---------------------------------------------------------------- signing in, acting, killing

def sign_in_fresh(url: str, login: str, password: str) -> str:
    """Sign in as a new browser does (the form's event, then the cookie route): the cookie."""
    tab = Tab(url, None, LOGIN_ROUTER)
    try:
        answer = tab.call(_name(LoginState, "sign_in"),
                          {"form_data": {"login": login, "password": password}},
                          {"leave_to_rx_state_", "error_rx_state_"})
    finally:
        tab.close()
    leave_to = answer.get("leave_to_rx_state_")
    assert leave_to, f"sign-in refused: {answer}"
    response = httpx.get(url + leave_to, follow_redirects=False, timeout=ANSWER_SECONDS)
    assert response.status_code == 303, response.text
    return response.cookies[SESSION_COOKIE]


def act_on(app: RunningApp, cookie: str, org_id: int, email: str,
           worker: int | None = None) -> int:
    """Add `email` to `org_id` from a new tab (on `worker` when given: tabs are opened until
    one lands there); the pid of the worker that served it."""
    for _attempt in range(60):
        tab = Tab(app.url, cookie, org_router(org_id))
        holder = socket_holder(app, tab)
        if worker is not None and holder != worker:
            tab.close()
            continue
        try:
            tab.call(_name(OrgPageState, "load"), {}, {"org_title_rx_state_"})
            answer = tab.call(_name(OrgAddState, "submit_add"),
                              {"form_data": {"name_0": "Fresh Client", "email_0": email,
                                             "role_0": "member"}},
                              {"members_notice_rx_state_", "add_rows_rx_state_"})
        finally:
            tab.close()
        assert str(answer.get("members_notice_rx_state_", "")).startswith("Added 1 member."), \
            answer
        return holder
    raise AssertionError(f"no new connection landed on worker {worker}")


def _gone(pid: int) -> bool:
    """The process has exited (its sockets are closed), reaped or not yet."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):
        return True


def health(url: str, resets: list[str] | None = None) -> str:
    """"ok" when /health answers 200 (the database and Redis answer), else what went wrong.
    Generous timeout: right after a kill every tab of the dead worker reconnects at once, on a
    machine whose two cores also run the database. A connection reset by the dying worker is
    tried once more, on a new connection, as a browser or a load balancer would; the reset is
    noted in `resets` (printed), and a second failure is the answer."""
    try:
        return _health_once(url)
    except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as error:  # a reset
        if resets is None:
            return f"{type(error).__name__}: {error}"
        resets.append(f"{type(error).__name__}: {error}")
    except httpx.HTTPError as error:
        return f"{type(error).__name__}: {error}"
    try:
        return _health_once(url)
    except httpx.HTTPError as error:
        return f"{type(error).__name__}: {error}"


def _health_once(url: str) -> str:
    response = httpx.get(f"{url}/health", timeout=ANSWER_SECONDS)
    return "ok" if response.status_code == 200 else f"{response.status_code} {response.text}"


@dataclass
class Kills:
    pids: list[int] = field(default_factory=list)
    at: list = field(default_factory=list)  # when (UTC, the clock of the outbox's claims)
    held_a_tab: list[bool] = field(default_factory=list)  # the victim served a client's socket
    health_while_down: list[str] = field(default_factory=list)
    health_resets: list[str] = field(default_factory=list)  # probes reset once, then answered
    respawn_seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def kill_workers(app: RunningApp, tabs: Callable[[], list[Tab]], kills: Kills,
                 stop: threading.Event, fresh: Callable[[int], None]) -> None:
    """KILLS times, KILL_EVERY_SECONDS apart: SIGKILL the worker holding a client's websocket
    (a different client each time), check /health while it is down, wait for its replacement."""
    try:
        for number in range(KILLS):
            if stop.wait(KILL_EVERY_SECONDS):
                return
            workers = worker_processes(app)
            assert len(workers) == WORKERS, workers
            candidates = tabs()
            tab = candidates[number % len(candidates)]
            holder = socket_holder(app, tab)
            victim = holder or random.choice(workers)  # the tab was between two connections
            os.kill(victim, signal.SIGKILL)
            killed_at = time.monotonic()
            kills.at.append(utcnow())
            kills.pids.append(victim)
            kills.held_a_tab.append(holder is not None)
            # The workers accept from one shared socket: a connection the victim took in its
            # last moments is reset (seen once in six runs); once it is gone, the survivors
            # take every new connection.
            wait_for(lambda v=victim: _gone(v), f"worker {victim} to be gone", RESPAWN_SECONDS)
            kills.health_while_down.append(health(app.url, kills.health_resets))
            wait_for(lambda v=victim: len(ws := worker_processes(app)) == WORKERS
                     and v not in ws, f"a worker in place of {victim}", RESPAWN_SECONDS)
            kills.respawn_seconds.append(time.monotonic() - killed_at)
            if number == KILLS // 2:
                fresh(number)
    except Exception as error:
        kills.errors.append(f"{type(error).__name__}: {error}")


# ---------------------------------------------------------------- the world

@dataclass
class World:
    prefix: str  # the e-mail domain of everyone the load adds or invites
    owners: list[tuple[str, int]]  # (cookie, organization id)
    staff_cookie: str
    pairs: list[tuple[int, int]]  # (organization merged away, organization merged into)
    seeded: dict[int, list[int]]  # organization merged away -> its members' user ids
    fresh_login: str
    fresh_org: int


def build_world(engine) -> World:
    prefix = f"crash-{uuid.uuid4().hex[:8]}.example.com"
    with unit_of_work(engine) as session:
        staff = make_staff(session)
        owners, targets = [], []
        for _ in range(OWNERS):
            owner = make_user(session)
            org = make_org(session, owner=owner, seat_count=SEATS)
            for _ in range(2):
                make_membership(session, org)
            targets.append(org)
            owners.append(owner)
        pairs, seeded = [], {}
        for number in range(MERGES):
            source = make_org(session, seat_count=10)
            seeded[source.id] = [make_membership(session, source).user_id for _ in range(3)]
            make_invitation(session, source, email=f"seeded-{number}@{prefix}")
            pairs.append((source.id, targets[number % OWNERS].id))
        fresh_user = make_user(session, password=PASSWORD)
        fresh_org = make_org(session, owner=fresh_user, seat_count=SEATS)
        def cookie(user) -> str:  # a session opened as the sign-in route opens one
            return auth.activate_session(session, grant=auth.start_session(session, user=user))

        return World(prefix=prefix,
                     owners=[(cookie(u), o.id) for u, o in zip(owners, targets, strict=True)],
                     staff_cookie=cookie(staff), pairs=pairs, seeded=seeded,
                     fresh_login=fresh_user.username, fresh_org=fresh_org.id)


def final_org(session, org_id: int) -> int:
    """Where an organization's people are now: itself, or what it was merged into."""
    while (gone := session.get(DeletedOrganization, org_id)) is not None:
        assert gone.merged_into_id is not None, f"organization {org_id} was deleted"
        org_id = gone.merged_into_id
    return org_id


def cli(database_url: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "membersync_app.cli", *args], cwd=REPO_ROOT,
        env={**os.environ, "MEMBERSYNC_DATABASE_URL": database_url, **(env or {})},
        capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def redis_db():
    with own_redis_db(REDIS_URL) as client:
        yield client


@pytest.fixture(scope="module")
def crash_database(redis_db) -> Iterator[str]:
    with scratch_postgres_database("ms_e2e_crash") as database_url:
        yield database_url


# Not the session's SQLite app: this test starts (and stops) its own.
@pytest.fixture(autouse=True)
def _no_app_errors():
    yield


def run_load(app: RunningApp, world: World, kills: Kills, fresh: Callable[[int], None]
             ) -> tuple[list[OwnerClient], StaffClient]:
    """Run the clients and the killer until the kills are done and the load ran on a little
    (the killed worker's replacement serving too); return the clients once they stopped."""
    stop = threading.Event()
    owners = [OwnerClient(app, cookie, org_id, world.prefix, stop)
              for cookie, org_id in world.owners]
    run_seconds = KILLS * KILL_EVERY_SECONDS + LOAD_AFTER_LAST_KILL_SECONDS
    staff = StaffClient(app, world.staff_cookie, world.pairs, run_seconds / (MERGES + 1), stop)
    killer = threading.Thread(
        target=kill_workers, name="killer", daemon=True,
        args=(app, lambda: [o.tab for o in owners] + [staff.tab], kills, stop, fresh))
    threads = [*owners, staff, killer]
    for thread in threads:
        thread.start()
    try:
        killer.join(run_seconds + KILLS * RESPAWN_SECONDS)
        stop.wait(LOAD_AFTER_LAST_KILL_SECONDS)  # the load goes on after the last kill
    finally:
        stop.set()
        for thread in threads:
            thread.join(ANSWER_SECONDS + RESPAWN_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a client never stopped"
    return owners, staff


# ---------------------------------------------------------------- the test

def test_killed_workers_lose_nothing_confirmed_and_half_apply_nothing(
    crash_database, smtp_server, tmp_path
):
    began = time.monotonic()
    database_url = crash_database
    engine = make_engine(database_url)
    world = build_world(engine)
    kills = Kills()
    fresh_results: list[int] = []
    env = {"MEMBERSYNC_DATABASE_URL": database_url, "REFLEX_REDIS_URL": REDIS_URL,
           "GRANIAN_WORKERS": str(WORKERS), **smtp_server.app_env()}

    with start_app(env, tmp_path) as app:
        if not can_count_workers(app):
            pytest.skip("no /proc/<pid>/task/<tid>/children here to find the worker processes")
        first_workers = set(worker_processes(app))
        assert len(first_workers) == WORKERS
        errors_before = len(app.log_errors())
        started = time.monotonic()

        def fresh_client_acts(number: int) -> None:
            """While the load and the kills go on, a new browser signs in and adds someone."""
            cookie = sign_in_fresh(app.url, world.fresh_login, PASSWORD)
            fresh_results.append(act_on(app, cookie, world.fresh_org,
                                        f"fresh-{number}@{world.prefix}"))

        owners, staff = run_load(app, world, kills, fresh_client_acts)
        load_seconds = time.monotonic() - started

        assert not kills.errors, kills.errors
        assert len(kills.pids) == KILLS
        assert kills.health_while_down == ["ok"] * KILLS, kills.health_while_down
        assert fresh_results, "the fresh client never signed in and acted"
        clients = [*owners, staff]
        for client in clients:
            assert not client.record.errors, (client.name, client.record.errors)

        # Every worker process now serves a signed-in client's change: the survivors and the
        # ones granian started in place of the killed.
        cookie = sign_in_fresh(app.url, world.fresh_login, PASSWORD)
        workers = worker_processes(app)
        assert len(workers) == WORKERS
        respawned = [pid for pid in workers if pid not in first_workers]
        for pid in workers:
            assert act_on(app, cookie, world.fresh_org, f"worker-{pid}@{world.prefix}",
                          worker=pid) == pid
        assert health(app.url) == "ok"

        # Let the workers finish sending the mail of the last operations before stopping.
        wait_for(lambda: not _sending_now(engine, world.prefix, kills.at[-1]),
                 "the last e-mails to be sent", 30)
        log_errors = app.log_errors()[errors_before:]
    unexpected = [line for line in log_errors
                  if not any(allowed in line for allowed in ALLOWED_LOG_ERRORS)]
    assert not unexpected, "the app logged errors:\n" + "\n".join(unexpected)

    records = [client.record for client in clients]
    reconnects = sum(r.reconnects for r in records)
    assert reconnects >= sum(kills.held_a_tab), f"{reconnects} reconnects for {KILLS} kills"
    for owner in owners:  # went on after every reconnect: confirmed, unless killed again
        outcomes = owner.record.after_reconnect
        assert len(outcomes) == owner.record.reconnects, (owner.name, outcomes)
        assert set(outcomes) <= {"confirmed", "cut off by another kill"}, (owner.name, outcomes)
    continued = sum(o.record.after_reconnect.count("confirmed") for o in owners)

    # ---------------------------------------------------------------- nothing confirmed lost
    found = Counter()
    with unit_of_work(engine) as session:
        def memberships_of(email: str) -> list[Membership]:
            return session.exec(select(Membership).join(User, User.id == Membership.user_id)
                                .where(User.email == email)).all()

        def added_to(email: str, org_id: int) -> bool:
            """Added to `org_id` (and, unless a remove was sent for it, still there)."""
            if email in removes_sent:  # confirmed or not: the add's own record stays
                return any(e.organization_id == org_id and e.details.get("email") == email
                           for e in adds)
            return [m.organization_id for m in memberships_of(email)] == \
                [final_org(session, org_id)]

        adds = session.exec(select(AuditEvent).where(AuditEvent.action == "member.add")).all()
        removes_sent = set().union(*(r.remove_sent for r in records))
        for record in records:
            imported = {e for emails in record.imported for e in emails}
            for email, org_id in record.added.items():
                assert added_to(email, org_id), email
                found["add"] += email not in imported
            found["import"] += len(record.imported)  # each of its rows was checked above
            for email in record.removed:
                assert memberships_of(email) == [], email
                found["remove"] += 1
            for email, org_id in record.invited.items():
                pending = session.exec(select(Invitation).where(
                    Invitation.email == email, Invitation.accepted_at.is_(None),
                    Invitation.revoked_at.is_(None))).all()
                assert [i.organization_id for i in pending] == [final_org(session, org_id)], \
                    email
                found["invite"] += 1
            for source, target in record.merged:
                assert session.get(Organization, source) is None
                assert session.get(DeletedOrganization, source).merged_into_id == target
                moved = session.exec(select(Membership.user_id).where(
                    Membership.organization_id == target,
                    Membership.user_id.in_(world.seeded[source]))).all()
                assert sorted(moved) == sorted(world.seeded[source]), (source, target)
                found["merge"] += 1

        # ------------------------------------------------------------ nothing half-applied
        for org_id in {final_org(session, o) for _c, o in world.owners}:
            org = session.get(Organization, org_id)
            assert seats_used(session, org_id=org_id) <= org.seat_count
        half_applied = _half_applied(session, world.prefix)
    assert half_applied == [], "\n".join(half_applied)
    check = cli(database_url, "check")
    assert check.returncode == 0, check.stdout + check.stderr

    # ---------------------------------------------------------------- every e-mail, once
    delivered_by_app = _received(smtp_server.catcher, world.prefix)
    resumed = cli(database_url, "deliver-outbox", env=smtp_server.app_env())
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    mails = _outbox(engine, world.prefix)
    uncertain = [m for m in mails if m.status == DeliveryStatus.SENDING]
    assert all(m.status in (DeliveryStatus.DELIVERED, DeliveryStatus.SENDING) for m in mails), \
        Counter(m.status for m in mails)
    received = _received(smtp_server.catcher, world.prefix)
    assert max(received.values(), default=0) == 1, \
        [key for key, n in received.items() if n > 1]
    for message in mails:  # delivered: arrived; cut off mid-send: may have arrived
        got = received[(message.recipient, message.subject)]
        assert got == 1 if message.status == DeliveryStatus.DELIVERED else got <= 1, \
            (message.id, message.status, got)
    assert set(received) <= {(m.recipient, m.subject) for m in mails}
    resent = _settle_uncertain(engine, database_url, smtp_server, uncertain, world.prefix)
    received = _received(smtp_server.catcher, world.prefix)
    assert sorted(received.values()) == [1] * len(mails), "an e-mail is missing or came twice"

    sent = sum((r.sent for r in records), Counter())
    confirmed = sum((r.confirmed for r in records), Counter())
    print(f"\ncrash safety: {len(kills.pids)} workers killed with SIGKILL (pids "
          f"{kills.pids}; respawned in {', '.join(f'{s:.1f}' for s in kills.respawn_seconds)} "
          f"s; /health 200 while down: {kills.health_while_down.count('ok')}/{len(kills.pids)}, "
          f"{len(kills.health_resets)} after one reset connection); "
          f"{len(respawned)} of the {WORKERS} workers serving at the end were respawned ones\n"
          f"  operations sent {sum(sent.values())} {dict(sent)}\n"
          f"  confirmed       {sum(confirmed.values())} {dict(confirmed)}\n"
          f"  found in the DB {sum(found.values())} {dict(found)}\n"
          f"  merges refused ten times while owners added, then done after the load: "
          f"{staff.record.merges_deferred}\n"
          f"  reconnects {reconnects} (staff {staff.record.reconnects}); the owners' next "
          f"operation after one: {continued} confirmed, "
          f"{sum(o.record.reconnects for o in owners) - continued} cut off by another kill; "
          f"connect tries made again: {[f for c in clients for f in c.tab.failed_connects]}\n"
          f"  e-mails: {len(mails)} committed, {sum(delivered_by_app.values())} sent by the "
          f"app, {sum(received.values()) - sum(delivered_by_app.values()) - resent} by "
          f"`membersync deliver-outbox`, {len(uncertain)} cut off mid-send ({resent} resent "
          f"with --resend-uncertain); {sum(received.values())} received, each once\n"
          f"  load {load_seconds:.0f} s, whole test {time.monotonic() - began:.0f} s")
    # Every merge was made (a merge whose answer a kill cut off is not sent again).
    assert all(_merged(engine, source, target) for source, target in world.pairs)
    engine.dispose()


def _merged(engine, source: int, target: int) -> bool:
    with unit_of_work(engine) as session:
        gone = session.get(DeletedOrganization, source)
        return gone is not None and gone.merged_into_id == target


def _sending_now(engine, prefix: str, last_kill) -> bool:
    """Is a worker sending one of the run's e-mails right now? (One claimed before the last
    kill and still `sending` was cut off by a kill: it will never be marked.)"""
    with unit_of_work(engine) as session:
        return session.exec(select(OutboxMessage.id).where(
            OutboxMessage.recipient.like(f"%@{prefix}"),
            OutboxMessage.status == DeliveryStatus.SENDING,
            OutboxMessage.claimed_at > last_kill)).first() is not None


def _outbox(engine, prefix: str) -> list[OutboxMessage]:
    with unit_of_work(engine) as session:
        return session.exec(select(OutboxMessage).where(
            OutboxMessage.recipient.like(f"%@{prefix}")).order_by(OutboxMessage.id)).all()


def _received(catcher, prefix: str) -> Counter:
    return Counter((str(m["To"]), str(m["Subject"])) for m in list(catcher.messages)
                   if str(m["To"]).endswith(f"@{prefix}"))


def _half_applied(session, prefix: str) -> list[str]:
    """Every change of the run came whole: each membership with its `member.add` audit event
    (and a removed one with its `member.remove`), each invitation with its `invitation.create`,
    and exactly one outbox e-mail per added or invited address, none without its change."""
    problems = []
    events = session.exec(select(AuditEvent).where(AuditEvent.action.in_(
        ["member.add", "member.remove", "invitation.create"]))).all()
    by_email: dict[str, Counter] = {}
    adds_by_user: Counter = Counter()
    removes_by_user: Counter = Counter()
    for event in events:
        email = str(event.details.get("email", ""))
        if email.endswith(f"@{prefix}"):
            by_email.setdefault(email, Counter())[event.action] += 1
        if event.action == "member.add":
            adds_by_user[event.details.get("user_id")] += 1
        elif event.action == "member.remove":
            removes_by_user[event.details.get("user_id")] += 1
    users = session.exec(select(User).where(User.email.like(f"%@{prefix}"))).all()
    for user in users:
        held = len(session.exec(select(Membership.id).where(Membership.user_id == user.id)).all())
        balance = adds_by_user[user.id] - removes_by_user[user.id]
        if held != balance:
            problems.append(f"{user.email}: {held} membership(s), but {adds_by_user[user.id]} "
                            f"member.add and {removes_by_user[user.id]} member.remove events")
    invitations = session.exec(select(Invitation.email).where(
        Invitation.email.like(f"%@{prefix}"), Invitation.email.notlike("seeded-%"))).all()
    problems += [f"{email}: an invitation without its invitation.create event"
                 for email in invitations
                 if by_email.get(email, Counter())["invitation.create"] != 1]
    mails = Counter(session.exec(select(OutboxMessage.recipient).where(
        OutboxMessage.recipient.like(f"%@{prefix}"))).all())
    for email in set(mails) | set(by_email):
        changes = by_email.get(email, Counter())
        expected = changes["member.add"] + changes["invitation.create"]
        if mails[email] != expected:
            problems.append(f"{email}: {mails[email]} e-mail(s) in the outbox for {expected} "
                            "change(s) that send one")
    return problems


def _settle_uncertain(engine, database_url: str, smtp_server, uncertain: list[OutboxMessage],
                      prefix: str) -> int:
    """E-mails cut off between their claim and the SMTP server's answer by a kill: after ten
    minutes `membersync deliver-outbox` names them and sends nothing; the operator, having
    looked in the mail server's log (here: the test's SMTP server) for those that arrived,
    sends the rest with --resend-uncertain. Returns how many were resent."""
    if not uncertain:
        return 0
    ids = [m.id for m in uncertain]
    with unit_of_work(engine) as session:  # ten minutes later
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(
            claimed_at=utcnow() - UNCERTAIN_AFTER - timedelta(minutes=1)))
    listed = cli(database_url, "deliver-outbox", env=smtp_server.app_env())
    for message_id in ids:
        assert f"Uncertain: #{message_id} " in listed.stdout, listed.stdout
    received = _received(smtp_server.catcher, prefix)
    arrived = [m.id for m in uncertain if received[(m.recipient, m.subject)]]
    with unit_of_work(engine) as session:  # what the operator found in the mail server's log
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(arrived))
                        .values(status=DeliveryStatus.DELIVERED, delivered_at=utcnow()))
    resent = cli(database_url, "deliver-outbox", "--resend-uncertain",
                 env=smtp_server.app_env())
    assert resent.returncode == 0, resent.stdout + resent.stderr
    return len(ids) - len(arrived)
