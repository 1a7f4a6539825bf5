"""Shared test harness: a fresh database per test, built by the alembic migrations (no create_all).

Which database server:
- default: SQLite. The migrations run once per test session into a template file; each test
  gets its own copy in its tmp_path (0.2 ms; migrating per test would take 70 ms).
- PostgreSQL: set MEMBERSYNC_TEST_DATABASE_URL to the SQLAlchemy URL of an existing database on
  the server, for a role that may create databases, e.g.
      MEMBERSYNC_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres
  That database is only used for CREATE / DROP DATABASE. The migrations run once into a template
  database `ms_test_tpl_<pid>_<random>`; tests get databases `ms_test_<random>` copied from it,
  each test starting with empty tables (see PostgresDatabases for how, and why). Everything
  is dropped when the session ends.

Fixtures (all function-scoped unless said otherwise):
- `database_url` -> str: the URL of this test's fresh, migrated database.
- `empty_database_url` -> str: the URL of a fresh database with no tables (migration tests;
  any test that changes the schema must use this one, never `database_url`).
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
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path
from queue import Empty, SimpleQueue

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, make_url, pool, text
from sqlmodel import Session, SQLModel

import membersync_app.models  # noqa: F401  (every table on SQLModel.metadata)
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
    """Scratch databases on a PostgreSQL server, migrated once through a template database.

    Measured on the dev server: CREATE DATABASE ... TEMPLATE takes 0.2-0.5 s and every DROP
    DATABASE forces a checkpoint (0.05-0.2 s, one at a time), so creating and dropping one per
    test made the suite several times slower. A used database is therefore emptied instead
    (every table's rows deleted, id sequences restarted: about 0.03 s, in a background thread)
    and handed to a later test; the next test gets a new copy of the template when none is
    ready yet. Databases from `empty_database_url` are created and dropped for real.
    """

    def __init__(self, server_url: str) -> None:
        self.server_url = make_url(server_url)
        self.admin = create_engine(
            self.server_url, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool
        )
        self._cleaner = ThreadPoolExecutor(1, thread_name_prefix="empty-db")
        self._template: str | None = None
        self._clean: SimpleQueue[str] = SimpleQueue()
        self._reused: set[str] = set()  # every database handed out by migrated()

    def _url_for(self, name: str) -> str:
        return self.server_url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(sql))

    def _create(self, template: str | None = None) -> str:
        name = f"ms_test_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def _drop_database(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def empty(self, _directory: Path) -> str:
        return self._url_for(self._create())

    def migrated(self, _directory: Path) -> str:
        if self._template is None:
            self._template = f"ms_test_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            self._execute(f'CREATE DATABASE "{self._template}"')
            migrate_to_head(self._url_for(self._template))
        try:
            name = self._clean.get_nowait()
        except Empty:
            name = self._create(template=self._template)
            self._reused.add(name)
        return self._url_for(name)

    def _empty_out(self, name: str) -> None:
        """Back to the state of a fresh copy of the template: no rows, ids from 1."""
        self._execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        engine = create_engine(self._url_for(name), poolclass=pool.NullPool)
        try:
            with engine.begin() as connection:
                for table in reversed(SQLModel.metadata.sorted_tables):
                    connection.execute(table.delete())
                for table in SQLModel.metadata.sorted_tables:
                    if "id" in table.c and table.c.id.primary_key:
                        connection.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), 1, false)"
                        ))
        finally:
            engine.dispose()
        self._clean.put(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        if name in self._reused:
            self._cleaner.submit(self._empty_out, name)
        else:
            self._drop_database(name)

    def close(self) -> None:
        self._cleaner.shutdown(wait=True)
        for name in [*self._reused, *([self._template] if self._template else [])]:
            self._drop_database(name)
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
    db._read_only_engine.cache_clear()  # read_only_unit() must read this test's database too
    yield database_url
    db.get_engine().dispose()  # close its connections before the database is dropped
    db.get_engine.cache_clear()
    db._read_only_engine.cache_clear()
