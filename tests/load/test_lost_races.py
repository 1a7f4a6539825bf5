"""A transaction that loses a race (a deadlock on PostgreSQL, a lock wait that runs out on
SQLite) is refused with a sentence, never a raw database error, and `in_transaction` runs it
again a bounded number of times."""

import threading

import pytest
from factories import make_org
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from membersync_app.db import in_transaction, lost_a_race, make_engine, unit_of_work
from membersync_app.models import Organization
from membersync_app.services.errors import ConcurrentChange


class _Locked(Exception):
    def __str__(self):
        return "database is locked"


def test_a_lock_timeout_is_a_concurrent_change_with_a_sentence(engine):
    with pytest.raises(ConcurrentChange, match="Someone else changed this"), \
            unit_of_work(engine):
        raise OperationalError("UPDATE organizations ...", {}, _Locked())


def test_other_database_errors_are_not_disguised(engine):
    with pytest.raises(OperationalError), unit_of_work(engine):
        raise OperationalError("SELECT ...", {}, Exception("no such table: x"))


def test_in_transaction_tries_again_then_gives_up(engine):
    calls = []

    def flaky(session):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("UPDATE ...", {}, _Locked())
        return "done"

    assert in_transaction(flaky, engine=engine) == "done" and len(calls) == 3

    def always_locked(session):
        calls.append(1)
        raise OperationalError("UPDATE ...", {}, _Locked())

    calls.clear()
    with pytest.raises(ConcurrentChange):
        in_transaction(always_locked, attempts=2, engine=engine)
    assert len(calls) == 2


def _opposite_lock_orders(database_url, work_runner):
    """Two transactions lock two organizations in opposite orders at the same moment."""
    engine = make_engine(database_url)
    with unit_of_work(engine) as session:
        first, second = make_org(session), make_org(session)
        ids = (first.id, second.id)
    barrier = threading.Barrier(2)
    outcomes = [""] * 2

    def lock_both(index):
        order = ids if index == 0 else ids[::-1]
        tries = []

        def work(session):
            session.execute(select(Organization).where(Organization.id == order[0])
                            .with_for_update())
            tries.append(1)
            if len(tries) == 1:  # both hold their first lock before either asks for the second
                barrier.wait(timeout=10)
            session.execute(update(Organization).where(Organization.id == order[1])
                            .values(seat_count=Organization.seat_count + 1))
            return "won"

        try:
            outcomes[index] = work_runner(work, engine)
        except ConcurrentChange as refusal:
            outcomes[index] = refusal.message

    threads = [threading.Thread(target=lock_both, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    engine.dispose()
    return outcomes


@pytest.fixture
def postgres_url(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("deadlocks between row locks happen on PostgreSQL; SQLite serializes writers")
    return database_url


def test_a_deadlock_is_refused_with_a_sentence(postgres_url):
    def once(work, engine):
        with unit_of_work(engine) as session:
            return work(session)

    outcomes = _opposite_lock_orders(postgres_url, once)
    assert sorted(outcomes) == ["Someone else changed this at the same moment, so nothing was "
                                "saved. Please try again.", "won"]


def test_in_transaction_gets_both_through_a_deadlock(postgres_url):
    outcomes = _opposite_lock_orders(
        postgres_url, lambda work, engine: in_transaction(work, engine=engine))
    assert outcomes == ["won", "won"]


def test_lost_a_race_reads_the_sqlstate():
    class Deadlock(Exception):
        sqlstate = "40P01"

    assert lost_a_race(OperationalError("x", {}, Deadlock()))
    assert not lost_a_race(OperationalError("x", {}, Exception("disk I/O error")))
