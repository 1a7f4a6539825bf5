"""Fires MemberSync's event handlers through Reflex's own event machinery, as a browser tab does.

`Browser` runs a real `BaseStateEventProcessor` with the app as its middleware (so the
EventGuard runs before every handler), an in-memory state manager, and a stand-in for the
socket namespace that keeps every update the server would have sent. An event is built the
way `EventNamespace.on_event` builds it from a socket frame: the route the client names,
mapped through the app's router, plus the connection's own headers (where the session cookie
lives), its client address and the tab's client token. Uploads arrive without a connection, as
`/_upload` delivers them.

Used by tests/unit/test_every_handler_every_actor.py; `signed_in_tab` and `last_value` follow
one person's tab through a sequence of events (drafts kept through a reload).
"""

import asyncio
import contextlib
import dataclasses
import json
import time
import uuid
from collections import defaultdict
from typing import Any

from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.token import BaseStateToken
from reflex.state import State, StateUpdate
from reflex_base.event import Event
from reflex_base.event.processor.base_state_processor import BaseStateEventProcessor
from reflex_base.utils.format import format_event_handler, json_dumps
from sqlalchemy import Engine
from sqlmodel import SQLModel

from membersync_app.settings import SESSION_COOKIE

CLIENT_ADDRESS = "203.0.113.77"  # TEST-NET-3: never a real client
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


class _CapturingNamespace:
    """Stands in for Reflex's socket.io namespace: keeps each update per client token."""

    def __init__(self) -> None:
        self.updates: dict[str, list[StateUpdate]] = defaultdict(list)

    async def emit_update(self, update: StateUpdate, token: str) -> None:
        self.updates[token].append(update)


@dataclasses.dataclass
class Sent:
    """What one event made the server send to the tab, and any exception a handler raised."""

    wire: str  # every update as the JSON the socket would carry
    errors: list[BaseException]


class Browser:
    """One worker's event processing, with any number of tabs (client tokens)."""

    def __init__(self, app) -> None:
        self.app = app
        self.errors: list[BaseException] = []
        self.seconds: dict[str, float] = defaultdict(float)  # where the time went
        self.namespace = _CapturingNamespace()
        self.processor = BaseStateEventProcessor(
            middleware=app, backend_exception_handler=self._record_exception
        )
        self.processor.configure(state_manager=StateManagerMemory(),
                                 event_namespace=self.namespace)

    def _record_exception(self, error: Exception) -> None:
        self.errors.append(error)

    async def start(self) -> None:
        await self.processor.start()

    async def stop(self) -> None:
        await self.processor.stop()

    @staticmethod
    def new_tab() -> str:
        return str(uuid.uuid4())

    def _router_data(self, tab: str, path: str, query: dict[str, str],
                     cookie: str | None) -> dict[str, Any]:
        """What `EventNamespace.on_event` makes of a frame sent from `path` (with its query
        string) on a connection whose handshake carried `cookie` (None: a connection without
        one). `query` is what the browser sends beside it: the query and the route's params."""
        route = self.app.router(path.partition("?")[0]) or "404"
        # The browser sends the dynamic route's values ([id] -> "26") among the query.
        route_parts = route.strip("/").split("/")
        path_parts = path.partition("?")[0].strip("/").split("/")
        params = {name[1:-1]: value
                  for name, value in zip(route_parts, path_parts, strict=False)
                  if name.startswith("[") and name.endswith("]")}
        headers = {"host": "localhost:3000", "origin": "http://localhost:3000",
                   "user-agent": USER_AGENT, "asgi-scope-client": CLIENT_ADDRESS}
        if cookie is not None:
            headers["cookie"] = f"{SESSION_COOKIE}={cookie}" if cookie else ""
        return {
            "pathname": "/" + route.removeprefix("/"),
            "asPath": path,
            "query": {**params, **query},
            "headers": headers,
            "ip": CLIENT_ADDRESS,
            "sid": f"sid-{tab}",
            "token": tab,
        }

    async def send(self, tab: str, name: str, payload: Any, *, path: str,
                   query: dict[str, str] | None = None, cookie: str | None = "",
                   upload: bool = False) -> Sent:
        """Send one event from `tab` and wait for it and every event it chained.

        `upload=True` delivers it as `/_upload` does: no connection, so no headers or route
        (the tab's state keeps those of its last socket event)."""
        started = time.perf_counter()
        before = len(self.namespace.updates[tab])
        errors_before = len(self.errors)
        event = Event(name=name, payload=payload,
                      router_data={} if upload else self._router_data(tab, path, query or {},
                                                                       cookie))
        future = await self.processor.enqueue(tab, event)
        errors: list[BaseException] = []
        try:
            await future.wait_all()
        except Exception as error:  # a handler's exception is a finding, not a test crash
            errors.append(error)
        while self.processor._tasks:  # chained events and exception handlers still running
            await asyncio.wait(list(self.processor._tasks.values()))
        errors.extend(e for e in self.errors[errors_before:] if e not in errors)
        sent = self.namespace.updates[tab][before:]
        self.seconds["events"] += time.perf_counter() - started
        return Sent(wire="\n".join(json_dumps(update) for update in sent), errors=errors)

    async def open_page(self, tab: str, *, path: str, query: dict[str, str] | None = None,
                        cookie: str | None = "") -> Sent:
        """A browser's first frame on a page: hydrate, then the page's on_load handlers."""
        hydrate = format_event_handler(State.event_handlers["hydrate_and_load"])
        return await self.send(tab, hydrate, {}, path=path, query=query, cookie=cookie)

    async def set_vars(self, tab: str, values: dict[type, dict[str, Any]]) -> None:
        """Put vars of the tab's states where a sequence of events could have put them."""
        started = time.perf_counter()
        async with self.processor._root_context.state_manager.modify_state(
                BaseStateToken(ident=tab, cls=State)) as root:
            for state_class, assignments in values.items():
                state = await root.get_state(state_class)
                for name, value in assignments.items():
                    if getattr(state, name) != value:  # an unchanged var stays clean
                        setattr(state, name, value)
        self.seconds["setting vars"] += time.perf_counter() - started


def event_name(handler) -> str:
    return format_event_handler(handler)


@contextlib.contextmanager
def signed_in_tab(app, cookie: str):
    """One browser tab holding the session `cookie`: `open(path, query)` opens a page as a
    (re)load does, `send(handler, payload, path, query)` fires one handler; each returns what
    the server sent (one JSON update per line) and fails on a handler's exception."""
    if not app._load_events:
        app._apply_decorated_pages()
    runner, browser = asyncio.Runner(), Browser(app)
    runner.run(browser.start())
    tab_id = browser.new_tab()

    class Tab:
        @staticmethod
        def open(path: str, query: dict[str, str] | None = None) -> str:
            sent = runner.run(browser.open_page(tab_id, path=path, query=query, cookie=cookie))
            assert not sent.errors, sent.errors
            return sent.wire

        @staticmethod
        def send(handler, payload: dict, path: str, query: dict[str, str] | None = None) -> str:
            sent = runner.run(browser.send(tab_id, event_name(handler), payload, path=path,
                                           query=query, cookie=cookie))
            assert not sent.errors, sent.errors
            return sent.wire

    try:
        yield Tab
    finally:
        runner.run(browser.stop())
        runner.close()


def last_value(wire: str, state: type, var: str):
    """The last value the server sent for `state`'s var `var` in `wire`, or None."""
    found = []
    for line in wire.splitlines():
        delta = json.loads(line).get("delta", {}).get(state.get_full_name(), {})
        if f"{var}_rx_state_" in delta:
            found.append(delta[f"{var}_rx_state_"])
    return found[-1] if found else None


# --- the database, as rows -----------------------------------------------------------------

def snapshot(engine: Engine, ignored: dict[str, set[str]]) -> dict[str, dict[tuple, dict]]:
    """Every row of every table, keyed by primary key, without the `ignored` columns.

    Plain SQL, one statement a table: it runs once or more per handler."""
    rows: dict[str, dict[tuple, dict]] = {}
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            skip = ignored.get(table.name, set())
            key = [c.name for c in (table.primary_key.columns or table.columns)]
            result = connection.exec_driver_sql(f'SELECT * FROM "{table.name}"')
            names = list(result.keys())
            found = {}
            for values in result:
                row = dict(zip(names, values, strict=True))
                found[tuple(row[k] for k in key)] = {c: v for c, v in row.items()
                                                     if c not in skip}
            rows[table.name] = found
    return rows


@dataclasses.dataclass(frozen=True)
class Change:
    table: str
    key: tuple
    before: dict | None  # None: a new row
    after: dict | None  # None: a deleted row

    @property
    def row(self) -> dict:
        return self.after if self.after is not None else self.before

    def __str__(self) -> str:
        if self.before is None:
            return f"{self.table}: new row {self.after}"
        if self.after is None:
            return f"{self.table}: deleted row {self.before}"
        moved = {c: (self.before[c], self.after[c]) for c in self.after
                 if self.before.get(c) != self.after[c]}
        return f"{self.table} {self.key}: {moved}"


def changes(before: dict, after: dict) -> list[Change]:
    found = []
    for table, old_rows in before.items():
        new_rows = after[table]
        for key in old_rows.keys() | new_rows.keys():
            old, new = old_rows.get(key), new_rows.get(key)
            if old != new:
                found.append(Change(table, key, old, new))
    return found


def table_names() -> set[str]:
    return set(SQLModel.metadata.tables)


def columns_of(table: str) -> set[str]:
    return {c.name for c in SQLModel.metadata.tables[table].columns}


__all__ = ["Browser", "Change", "Sent", "changes", "columns_of", "event_name",
           "snapshot", "table_names"]
