"""The database engine and the one way to run a unit of work (a transaction)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, partial
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from .services import mail
from .services.errors import ConcurrentChange
from .settings import database_url

T = TypeVar("T")


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


# SQLSTATEs of a transaction that lost a race with another one: a deadlock, a serialization
# failure, a lock not available. Nothing of it was saved; doing it again is safe.
_LOST_RACE_STATES = {"40P01", "40001", "55P03"}


def lost_a_race(error: DBAPIError) -> bool:
    """Whether the database refused the transaction only because another one ran at once."""
    if getattr(error.orig, "sqlstate", None) in _LOST_RACE_STATES:
        return True
    return isinstance(error, OperationalError) and "database is locked" in str(error.orig)


@contextmanager
def unit_of_work(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any exception.

    A transaction that loses a race with another (a deadlock, a lock wait that timed out) is
    rolled back and refused as ConcurrentChange, a ServiceError with a sentence a person
    understands, so nobody ever sees a raw database error.

    The e-mails the transaction queued (`mail.queue`) go to `mail.deliver_soon` only after the
    commit succeeded: never from inside the transaction (SMTP is slow, and SQLite writers would
    wait on it), never after a rollback (the change, and so its mail, does not exist).
    """
    try:
        with Session(engine or get_engine(), expire_on_commit=False) as session, session.begin():
            yield session
    except DBAPIError as error:
        if lost_a_race(error):
            raise ConcurrentChange() from error
        raise
    mail.deliver_soon(partial(unit_of_work, engine), mail.queued_in(session))


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


def in_transaction(
    work: Callable[[Session], T], *, attempts: int = 3, engine: Engine | None = None
) -> T:
    """`work(session)` in one unit of work, run again (at most `attempts` times in all) when the
    transaction lost a race with another; the last loss is refused as ConcurrentChange."""
    for attempt in range(1, attempts + 1):
        try:
            with unit_of_work(engine) as session:
                return work(session)
        except ConcurrentChange:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")
