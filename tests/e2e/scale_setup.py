"""What the scale-out e2e tests share: PostgreSQL and Redis or a clear skip, a scratch database,
and the granian worker processes of a running app.

MEMBERSYNC_TEST_DATABASE_URL names the PostgreSQL server as in tests/conftest.py (its own
database is only used for CREATE / DROP DATABASE); each test module passes its own Redis URL,
on a database number of its own, so two modules never empty each other's Redis.
"""

import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import RunningApp
from sqlalchemy import create_engine, make_url, pool, text

PG_SERVER_URL = os.environ.get(
    "MEMBERSYNC_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def postgres_admin():
    """An AUTOCOMMIT engine on the server for CREATE / DROP DATABASE, or skip."""
    from sqlalchemy.exc import OperationalError

    admin = create_engine(PG_SERVER_URL, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool,
                          connect_args={"connect_timeout": 3})
    try:
        with admin.connect():
            pass
    except OperationalError as error:
        admin.dispose()
        pytest.skip(f"no PostgreSQL server answers at {make_url(PG_SERVER_URL)!r}: "
                    f"{str(error).splitlines()[0]}")
    return admin


def redis_client(url: str):
    """A client on `url`, or skip."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=10)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        client.close()
        pytest.skip(f"no Redis answers at {url}: {error}")
    return client


@contextmanager
def own_redis_db(url: str) -> Iterator:
    """A client on `url`; the database is emptied afterwards only if it was empty before
    (only then is it ours)."""
    client = redis_client(url)
    ours = client.dbsize() == 0
    try:
        yield client
    finally:
        if ours:
            client.flushdb()
        client.close()


@contextmanager
def scratch_postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database (skip without a server); its URL. Dropped at the end,
    also while the app still holds connections to it."""
    from conftest import _migrate

    admin = postgres_admin()
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    database_url = make_url(PG_SERVER_URL).set(database=name).render_as_string(
        hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _migrate(database_url)
        yield database_url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def wait_for(read: Callable[[], object], what: str, timeout: float = 10.0):
    """Poll `read` (a value outside the browser, which `expect` cannot wait on) until truthy."""
    deadline = time.monotonic() + timeout
    while not (value := read()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)  # polling interval of a condition wait
    return value


def worker_processes(app: RunningApp) -> list[int]:
    """Pids of the `reflex run` supervisor's granian worker children (forked: the same command
    line as the supervisor)."""
    supervisor = Path(f"/proc/{app.pid}")
    command = (supervisor / "cmdline").read_bytes()
    children = []
    for task in (supervisor / "task").iterdir():
        try:
            children += [int(pid) for pid in (task / "children").read_text().split()]
        except FileNotFoundError:  # a thread that ended while we listed them
            continue
    alive = []
    for pid in children:
        try:
            if Path(f"/proc/{pid}/cmdline").read_bytes() == command:
                alive.append(pid)
        except (FileNotFoundError, ProcessLookupError):  # it ended while we looked
            continue
    return alive


def can_count_workers(app: RunningApp) -> bool:
    return Path(f"/proc/{app.pid}/task/{app.pid}/children").exists()
