"""Races between the writes people make at the same moment, each a real concurrent run (two or
three threads, each with its own connection and transaction, released together by a barrier),
with exact assertions on the final rows. SQLite serializes writers (BEGIN IMMEDIATE);
PostgreSQL (MEMBERSYNC_TEST_DATABASE_URL) locks the organization row. Many rounds each, so both
orders happen."""

import threading
from collections.abc import Callable

from factories import make_invitation, make_membership, make_org, make_user
from sqlalchemy import func
from sqlmodel import Session, select

from membersync_app.models import Invitation, Membership, Organization, OutboxMessage, Role, User
from membersync_app.services import csv_import, invariants, invitations, members, org_settings
from membersync_app.services.errors import ServiceError
from membersync_app.services.seats import seats_used

ROUNDS = 12
WON = "won"


def race(uow, attempts: list[Callable[[Session], object]]) -> list[str]:
    """Run the attempts at once; each outcome is WON or the refusal's message, in order."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [""] * len(attempts)

    def run(index, attempt):
        barrier.wait()
        try:
            with uow() as session:
                attempt(session)
            outcomes[index] = WON
        except ServiceError as error:
            outcomes[index] = error.message
        except Exception as error:  # what a person would see as a crash
            outcomes[index] = f"crash: {error!r}"

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(outcomes), f"an attempt never finished: {outcomes}"
    assert not [o for o in outcomes if o.startswith("crash")], outcomes
    return outcomes


def _owner(session, org_id):
    return session.get(User, session.get(Organization, org_id).owner_id)


def _sound(uow, org_id):
    with uow() as session:
        report = invariants.check_database(session)
        org = session.get(Organization, org_id)
        assert report.ok, report.problems
        return seats_used(session, org_id=org_id), org.seat_count


def test_accepting_an_invitation_keeps_its_seat_while_two_adds_race_for_the_last(uow):
    for n in range(ROUNDS):
        with uow() as session:
            org = make_org(session, seat_count=3)
            make_membership(session, org)
            invitee = make_user(session)
            _, token = make_invitation(session, org, email=invitee.email)
            org_id, invitee_id = org.id, invitee.id

        def accept(session, token=token, invitee_id=invitee_id):
            invitations.accept(session, actor=session.get(User, invitee_id), token=token)

        def add(session, k, org_id=org_id, n=n):
            members.add_member(session, actor=_owner(session, org_id), org_id=org_id,
                               name=f"Add {k}", email=f"race{n}-{k}@example.com", role="member")

        outcomes = race(uow, [accept, lambda s: add(s, 1), lambda s: add(s, 2)])
        assert outcomes[0] == WON, outcomes  # its seat was held for it all along
        assert sorted(outcomes[1:])[-1] == WON and outcomes[1:].count(WON) == 1, outcomes
        assert _sound(uow, org_id) == (3, 3)


def test_lowering_the_seat_count_races_an_add(uow):
    for n in range(ROUNDS):
        with uow() as session:
            org = make_org(session, seat_count=3)
            for _ in range(2):
                make_membership(session, org)
            org_id, title = org.id, org.title

        def lower(session, org_id=org_id, title=title):
            org_settings.update_settings(session, actor=_owner(session, org_id), org_id=org_id,
                                         title=title, seat_count="2")

        def add(session, org_id=org_id, n=n):
            members.add_member(session, actor=_owner(session, org_id), org_id=org_id,
                               name="Late", email=f"late{n}@example.com", role="member")

        outcomes = race(uow, [lower, add])
        assert outcomes.count(WON) == 1, outcomes
        used, count = _sound(uow, org_id)
        assert (used, count) == ((2, 2) if outcomes[0] == WON else (3, 3))


def test_resend_and_revoke_of_one_invitation(uow):
    for _ in range(ROUNDS):
        with uow() as session:
            org = make_org(session, seat_count=5)
            invitation, _ = make_invitation(session, org)
            org_id, invitation_id, email = org.id, invitation.id, invitation.email

        def resend(session, org_id=org_id, invitation_id=invitation_id):
            invitations.resend(session, actor=_owner(session, org_id), org_id=org_id,
                               invitation_id=invitation_id)

        def revoke(session, org_id=org_id, invitation_id=invitation_id):
            invitations.revoke(session, actor=_owner(session, org_id), org_id=org_id,
                               invitation_ids=[invitation_id])

        outcomes = race(uow, [resend, revoke])
        assert outcomes[1] == WON, outcomes  # a revoke always ends it
        with uow() as session:
            revoked = session.get(Invitation, invitation_id)
            mails = session.exec(select(OutboxMessage).where(
                OutboxMessage.recipient == email)).all()
        assert revoked.revoked_at is not None
        if outcomes[0] == WON:  # the resend came first: its mail predates the revocation
            assert [m.created_at <= revoked.revoked_at for m in mails] == [True]
        else:  # the revoke came first: no new link was ever mailed
            assert mails == []
        _sound(uow, org_id)


def test_csv_import_races_single_adds_all_or_nothing(uow):
    rows = 4
    for n in range(ROUNDS):
        with uow() as session:
            org = make_org(session, seat_count=rows + 1)
            org_id = org.id
        data = "name,email\n" + "\n".join(
            f"Row {k},csv{n}-{k}@example.com" for k in range(rows))

        def import_file(session, org_id=org_id, data=data):
            csv_import.import_members(session, actor=_owner(session, org_id), org_id=org_id,
                                      data=data.encode())

        def add(session, k, org_id=org_id, n=n):
            members.add_member(session, actor=_owner(session, org_id), org_id=org_id,
                               name=f"Single {k}", email=f"single{n}-{k}@example.com",
                               role="member")

        outcomes = race(uow, [import_file, lambda s: add(s, 1), lambda s: add(s, 2)])
        with uow() as session:
            imported = session.exec(select(func.count()).select_from(Membership).join(
                User, User.id == Membership.user_id).where(
                Membership.organization_id == org_id,
                User.email.like(f"csv{n}-%"))).one()
        assert imported == (rows if outcomes[0] == WON else 0), outcomes
        used, count = _sound(uow, org_id)
        assert used == rows * (outcomes[0] == WON) + outcomes[1:].count(WON) <= count


def test_transfer_of_ownership_races_the_removal_of_the_new_owner(uow):
    for _ in range(ROUNDS):
        with uow() as session:
            org = make_org(session, seat_count=5)
            heir = make_membership(session, org, role=Role.MANAGER)
            org_id, heir_id, first_owner_id = org.id, heir.id, org.owner_id

        def transfer(session, org_id=org_id, heir_id=heir_id, owner_id=first_owner_id):
            members.transfer_ownership(session, actor=session.get(User, owner_id),
                                       org_id=org_id, membership_id=heir_id)

        def remove(session, org_id=org_id, heir_id=heir_id, owner_id=first_owner_id):
            members.remove_members(session, actor=session.get(User, owner_id), org_id=org_id,
                                   membership_ids=[heir_id])

        outcomes = race(uow, [transfer, remove])
        assert outcomes.count(WON) == 1, outcomes
        _sound(uow, org_id)
        with uow() as session:
            heir = session.get(Membership, heir_id)
            owner_id = session.get(Organization, org_id).owner_id
        if outcomes[0] == WON:  # the heir owns it now and could not be removed
            assert heir is not None and heir.role == Role.OWNER
            assert owner_id == heir.user_id
        else:
            assert heir is None and owner_id == first_owner_id
