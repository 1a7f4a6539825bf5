"""The database engine and the one way to run a unit of work (a transaction)."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

from .settings import database_url


def make_engine(url: str) -> Engine:
    """An engine for `url`. SQLite transactions start with BEGIN IMMEDIATE.

    SQLite's default deferred transactions let two writers both read "one seat left" and then
    both try to write; an immediate transaction takes the write lock first, so seat checks and
    the writes that follow them are serialized, as row locks do on PostgreSQL.
    """
    if not url.startswith("sqlite"):
        # A plan per execution: a generic plan cached for a 100-member organization is a bad
        # plan for a 100,000-member one (measured in bench/members_at_scale.py).
        return create_engine(
            url, pool_pre_ping=True,
            connect_args={"options": "-c plan_cache_mode=force_custom_plan"},
        )
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event decide
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        reads_only = connection.get_execution_options().get("membersync_read_only", False)
        connection.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")

    return engine


@cache
def get_engine() -> Engine:
    return make_engine(database_url())


@contextmanager
def unit_of_work(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any exception."""
    with Session(engine or get_engine(), expire_on_commit=False) as session, session.begin():
        yield session


@cache
def _read_only_engine() -> Engine:
    return get_engine().execution_options(membersync_read_only=True, postgresql_readonly=True)


@contextmanager
def read_only_unit(engine: Engine | None = None) -> Iterator[Session]:
    """A transaction that only reads: on SQLite a plain deferred BEGIN, so it never waits for
    (or holds up) the write lock; on PostgreSQL a READ ONLY transaction."""
    bound = (engine.execution_options(membersync_read_only=True, postgresql_readonly=True)
             if engine is not None else _read_only_engine())
    with Session(bound, expire_on_commit=False) as session, session.begin():
        yield session
