"""Shared test harness: a fresh database per test, built by the alembic migrations (never create_all).

Which database server:
- default: SQLite. The migrations run once per test session into a template file; each test
  gets its own copy in its tmp_path.
- PostgreSQL: set MEMBERSYNC_TEST_DATABASE_URL to a SQLAlchemy URL of an existing database on the
  server, for a role that may create databases, e.g.
      MEMBERSYNC_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres
  That database is only used to run CREATE / DROP DATABASE. The migrations run once into a
  template database `ms_test_tpl_<pid>_<random>`; each test gets `ms_test_<random>` created from it
  (CREATE DATABASE ... TEMPLATE, prepared in the background while earlier tests run) and
  dropped afterwards; the template is dropped at the end.

Fixtures (all function-scoped unless said otherwise):
- `database_url` -> str: the URL of this test's fresh, migrated database.
- `empty_database_url` -> str: the URL of a fresh database with no tables (migration tests).
- `engine` -> Engine: the app's engine (`membersync_app.db.make_engine`) on `database_url`.
- `uow` -> Callable[[], ContextManager[Session]]: `with uow() as session:` opens one transaction
  via `membersync_app.db.unit_of_work(engine)`, committed when the block ends. Use it for tests
  that run several transactions or expect a transaction to fail.
- `session` -> Session: one transaction spanning the whole test (committed at teardown). On
  SQLite it holds the write lock, so do not combine it with `uow` or the CLI in the same test.
- `app_database` -> str: points the app itself (MEMBERSYNC_DATABASE_URL, `db.get_engine()`) at
  `database_url`, for CLI tests; restores both afterwards.

No Playwright here: tests/e2e/ has its own conftest. Factories live in tests/factories.py.
"""

import os
import shutil
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, make_url, pool, text
from sqlmodel import Session

from membersync_app import db
from membersync_app.cli import alembic_config

TEST_DATABASE_URL_ENV = "MEMBERSYNC_TEST_DATABASE_URL"


def migrate_to_head(url: str) -> None:
    """alembic upgrade head on `url`, through the same Config the `membersync migrate` uses."""
    command.upgrade(alembic_config(url), "head")


class SqliteDatabases:
    """Fresh SQLite files: empty ones, or copies of one migrated template."""

    def __init__(self, base_dir: Path) -> None:
        self.base_dir = base_dir
        self._template: Path | None = None

    def empty(self, directory: Path) -> str:
        return f"sqlite:///{directory / 'empty.db'}"

    def migrated(self, directory: Path) -> str:
        if self._template is None:
            template = self.base_dir / "template.db"
            migrate_to_head(f"sqlite:///{template}")
            self._template = template
        target = directory / "membersync.db"
        shutil.copyfile(self._template, target)
        return f"sqlite:///{target}"

    def drop(self, url: str) -> None:
        """Files live in the test's tmp_path; pytest cleans those up."""

    def close(self) -> None:
        pass


class PostgresDatabases:
    """Fresh databases on a PostgreSQL server, created from a migrated template database.

    CREATE DATABASE takes 0.2-0.5 s (it fsyncs the new files), longer than most tests, but
    several run well side by side: background threads keep a few databases ready ahead of the
    tests that will take them, and drop used ones, so a test rarely waits.
    """

    PREPARED_AHEAD = 3

    def __init__(self, server_url: str) -> None:
        self.server_url = make_url(server_url)
        self.admin = create_engine(
            self.server_url, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool
        )
        self._creating = ThreadPoolExecutor(self.PREPARED_AHEAD, thread_name_prefix="create-db")
        self._dropping = ThreadPoolExecutor(2, thread_name_prefix="drop-db")
        self._template: str | None = None
        self._ready: deque[Future[str]] = deque()

    def _url_for(self, name: str) -> str:
        return self.server_url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(sql))

    def _create(self, template: str | None = None) -> str:
        name = f"ms_test_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self._url_for(name)

    def _drop_database(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def empty(self, _directory: Path) -> str:
        return self._create()

    def migrated(self, _directory: Path) -> str:
        if self._template is None:
            name = f"ms_test_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            self._execute(f'CREATE DATABASE "{name}"')
            migrate_to_head(self._url_for(name))
            self._template = name
        while len(self._ready) <= self.PREPARED_AHEAD:
            self._ready.append(self._creating.submit(self._create, self._template))
        return self._ready.popleft().result()

    def drop(self, url: str) -> None:
        self._dropping.submit(self._drop_database, make_url(url).database)

    def close(self) -> None:
        self._creating.shutdown(wait=True)
        for prepared in self._ready:
            self.drop(prepared.result())
        self._dropping.shutdown(wait=True)
        if self._template is not None:
            self._drop_database(self._template)
        self.admin.dispose()


@pytest.fixture(scope="session")
def _databases(tmp_path_factory) -> Iterator[SqliteDatabases | PostgresDatabases]:
    server_url = os.environ.get(TEST_DATABASE_URL_ENV)
    if server_url:
        databases = PostgresDatabases(server_url)
    else:
        databases = SqliteDatabases(tmp_path_factory.mktemp("db-template"))
    yield databases
    databases.close()


@pytest.fixture
def database_url(_databases, tmp_path) -> Iterator[str]:
    url = _databases.migrated(tmp_path)
    yield url
    _databases.drop(url)


@pytest.fixture
def empty_database_url(_databases, tmp_path) -> Iterator[str]:
    url = _databases.empty(tmp_path)
    yield url
    _databases.drop(url)


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    engine = db.make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine) -> Callable[[], AbstractContextManager[Session]]:
    return lambda: db.unit_of_work(engine)


@pytest.fixture
def session(uow) -> Iterator[Session]:
    with uow() as session:
        yield session


@pytest.fixture
def app_database(database_url, monkeypatch) -> Iterator[str]:
    """The app's own settings and engine (what the CLI uses) aimed at this test's database."""
    monkeypatch.setenv("MEMBERSYNC_DATABASE_URL", database_url)
    db.get_engine.cache_clear()
    yield database_url
    db.get_engine().dispose()  # close its connections before the database is dropped
    db.get_engine.cache_clear()
