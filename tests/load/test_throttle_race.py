"""Two workers count failures on the same new key at the same moment: no failure is lost.

Runs on SQLite (BEGIN IMMEDIATE serializes the writers) and, when MEMBERSYNC_TEST_DATABASE_URL
is set, on PostgreSQL (an upsert creates the row once; SELECT ... FOR UPDATE serializes the
updates). Each thread opens its own transaction per failure; a barrier releases them together.
"""

import threading

from sqlmodel import select

from membersync_app.models import ThrottleCounter
from membersync_app.services import throttle

ROUNDS = 10
FAILURES_PER_WORKER = 4  # 2 x 4 stays below the address threshold: every failure counts


def test_concurrent_failures_are_all_counted(uow):
    for round_number in range(ROUNDS):
        key = throttle.address_key(f"198.51.100.{round_number}")
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def work(key=key, barrier=barrier, errors=errors):
            barrier.wait()
            try:
                for _ in range(FAILURES_PER_WORKER):
                    with uow() as session:
                        throttle.record_failure(session, keys=[key])
            except BaseException as error:  # reported by the assert below
                errors.append(error)

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        with uow() as session:
            row = session.exec(select(ThrottleCounter).where(ThrottleCounter.key == key)).one()
            assert row.failures == 2 * FAILURES_PER_WORKER
