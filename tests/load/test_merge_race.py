"""Merges racing each other and the Group Dashboard: no deadlock, all or nothing, seats never
over the count.

Runs on SQLite (BEGIN IMMEDIATE serializes the writers) and, when MEMBERSYNC_TEST_DATABASE_URL
is set, on PostgreSQL (both organizations' rows locked in id order). Threads with their own
connections start together at a barrier, many rounds over.
"""

import threading

from factories import make_membership, make_org, make_staff, make_user
from sqlmodel import select

from membersync_app.models import Organization, User
from membersync_app.services import back_office, members, merge
from membersync_app.services.errors import ServiceError
from membersync_app.services.seats import seats_used

ROUNDS = 10


def race(uow, attempts) -> list[str]:
    """Run the attempts at once; their outcomes in the order given ("won" or the refusal)."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = [""] * len(attempts)

    def run(index, attempt):
        barrier.wait()
        try:
            with uow() as session:
                attempt(session)
            outcomes[index] = "won"
        except ServiceError as error:
            outcomes[index] = error.message

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a merge hung: deadlock?"
    return outcomes


def _previewed(uow, staff_id, into_id, other_id) -> str:
    with uow() as session:
        return merge.preview_merge(session, actor=session.get(User, staff_id), org_id=into_id,
                                   other_org_id=other_id).signature


def test_two_merges_in_opposite_directions_one_wins_without_deadlock(uow):
    for _ in range(ROUNDS):
        _opposite_merges(uow)


def _opposite_merges(uow) -> None:
    with uow() as session:
        staff_id = make_staff(session).id
        a, b = make_org(session, seat_count=10), make_org(session, seat_count=10)
        for org in (a, b):
            make_membership(session, org)
        ids = (a.id, b.id)
    signatures = {(x, y): _previewed(uow, staff_id, x, y) for x, y in (ids, ids[::-1])}

    def merging(into, other):
        def attempt(session):
            merge.merge_organizations(session, actor=session.get(User, staff_id),
                                      org_id=into, other_org_id=other,
                                      signature=signatures[(into, other)],
                                      raise_seats=True)
        return attempt

    outcomes = race(uow, [merging(*ids), merging(*ids[::-1])])
    assert outcomes.count("won") == 1, outcomes
    assert any("was merged into" in o for o in outcomes), outcomes
    with uow() as session:
        (left,) = session.exec(select(Organization).where(Organization.id.in_(ids))).all()
        # Both owners (one as a manager) and both members: nobody lost, no seat over.
        assert seats_used(session, org_id=left.id) == 3 <= left.seat_count


def test_a_merge_racing_adds_on_the_target_never_overfills_it(uow):
    for _ in range(ROUNDS):
        _merge_against_adds(uow)


def _merge_against_adds(uow) -> None:
    with uow() as session:
        staff_id = make_staff(session).id
        target = make_org(session, seat_count=3)
        make_membership(session, target)
        other = make_org(session, seat_count=5)
        make_membership(session, other)  # the merge needs 2 seats: exactly what is free
        ids, owner_id = (target.id, other.id), target.owner_id
        newcomers = [make_user(session).email for _ in range(2)]
    signature = _previewed(uow, staff_id, *ids)

    def merging(session):
        merge.merge_organizations(session, actor=session.get(User, staff_id), org_id=ids[0],
                                  other_org_id=ids[1], signature=signature)

    def adding(email):
        def attempt(session):
            members.add_member(session, actor=session.get(User, owner_id), org_id=ids[0],
                               name="Newcomer", email=email, role="member")
        return attempt

    merged, *added = race(uow, [merging, *(adding(e) for e in newcomers)])
    with uow() as session:
        org = session.get(Organization, ids[0])
        assert seats_used(session, org_id=org.id) <= org.seat_count == 3, (merged, added)
        assert (session.get(Organization, ids[1]) is None) == (merged == "won")
        if merged == "won":  # it took both free seats: every add that came later lost
            assert seats_used(session, org_id=org.id) == 3
            assert all(a == "won" or "No seats left" in a for a in added), added
        else:  # an add came first: the plan changed, nothing was merged
            assert "The plan changed" in merged and "won" in added, (merged, added)


def test_deleting_while_another_staff_user_merges_it(uow):
    for _ in range(ROUNDS):
        _merge_against_delete(uow)


def _merge_against_delete(uow) -> None:
    with uow() as session:
        staff_id = make_staff(session).id
        target, other = make_org(session, seat_count=10), make_org(session, title=None)
        make_membership(session, other)
        ids, other_title = (target.id, other.id), other.title
    signature = _previewed(uow, staff_id, *ids)

    def merging(session):
        merge.merge_organizations(session, actor=session.get(User, staff_id), org_id=ids[0],
                                  other_org_id=ids[1], signature=signature, raise_seats=True)

    def deleting(session):
        back_office.delete_organization(session, actor=session.get(User, staff_id),
                                        org_id=ids[1], confirm_title=other_title)

    merged, deleted = race(uow, [merging, deleting])
    assert [merged, deleted].count("won") == 1, (merged, deleted)
    loser = deleted if merged == "won" else merged
    assert "was merged into" in loser or "was already deleted" in loser, loser
    with uow() as session:
        assert session.get(Organization, ids[1]) is None
        assert seats_used(session, org_id=ids[0]) == (2 if merged == "won" else 0)


def test_assigning_while_an_owner_adds_the_last_seat(uow):
    for _ in range(ROUNDS):
        _assign_against_add(uow)


def _assign_against_add(uow) -> None:
    with uow() as session:
        staff_id = make_staff(session).id
        org = make_org(session, seat_count=2)
        make_membership(session, org)
        org_id, owner_id = org.id, org.owner_id
        assignee, newcomer = make_user(session).username, make_user(session).email

    def assigning(session):
        back_office.assign_member(session, actor=session.get(User, staff_id), org_id=org_id,
                                  login=assignee)

    def adding(session):
        members.add_member(session, actor=session.get(User, owner_id), org_id=org_id,
                           name="Newcomer", email=newcomer, role="member")

    outcomes = race(uow, [assigning, adding])
    assert outcomes.count("won") == 1, outcomes
    assert any("seats" in o.lower() for o in outcomes if o != "won"), outcomes
    with uow() as session:
        assert seats_used(session, org_id=org_id) == 2
