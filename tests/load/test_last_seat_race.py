"""Two writers add a member for the last free seat at the same moment: exactly one wins.

Runs on SQLite (BEGIN IMMEDIATE serializes the writers) and, when MEMBERSYNC_TEST_DATABASE_URL
is set, on PostgreSQL (SELECT ... FOR UPDATE on the organization row). Two threads each open
their own connection and transaction; a barrier releases them together, many rounds over.
"""

import threading

import pytest
from factories import make_membership, make_org
from sqlalchemy import func
from sqlmodel import select

from membersync_app.models import Membership, User
from membersync_app.services import invitations, members
from membersync_app.services.errors import ServiceError
from membersync_app.services.seats import seats_used

ROUNDS = 15


def race(uow, org_id, owner_id, attempts):
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(attempt):
        barrier.wait()
        try:
            with uow() as session:
                attempt(session, session.get(User, owner_id))
            outcome = "won"
        except ServiceError as error:
            outcome = error.message
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.parametrize("kind", ["add+add", "add+invite"])
def test_exactly_one_writer_takes_the_last_seat(uow, kind):
    for round_number in range(ROUNDS):
        with uow() as session:
            org = make_org(session, seat_count=2)
            make_membership(session, org)
            org_id, owner_id = org.id, org.owner_id

        def add(session, owner, n, org_id=org_id, round_number=round_number):
            members.add_member(session, actor=owner, org_id=org_id, name=f"R{n}",
                               email=f"r{round_number}-{n}@example.com", role="member")

        def invite(session, owner, org_id=org_id, round_number=round_number):
            invitations.invite(session, actor=owner, org_id=org_id,
                               emails=f"i{round_number}@example.com", role="member")

        second = (lambda s, o: add(s, o, 2)) if kind == "add+add" else invite
        outcomes = race(uow, org_id, owner_id, [lambda s, o: add(s, o, 1), second])
        assert sorted(outcomes)[-1] == "won" and outcomes.count("won") == 1, outcomes
        assert any("No seats left" in o for o in outcomes)
        with uow() as session:
            assert seats_used(session, org_id=org_id) == 2
            assert session.exec(select(func.count()).select_from(Membership).where(
                Membership.organization_id == org_id)).one() <= 3
