"""The Group Dashboard's rules behind what its pages say (issue 9): a seats refusal that carries
its figures, open invitations that do not count expired ones, who never set a password, who owns
the organization, and words in the right number."""

from datetime import timedelta

import pytest
from factories import make_invitation, make_membership, make_org, make_org_type, make_user

from membersync_app.models import Role, User, utcnow
from membersync_app.services import invitations, members, organizations
from membersync_app.services.display import counted, names_list
from membersync_app.services.errors import RowErrors, ServiceError
from membersync_app.services.seats import NotEnoughSeats
from membersync_app.state.org_add import refusal_errors


def entry(email: str) -> dict:
    return {"name": "N", "email": email, "role": "member"}


def test_one_free_seat_is_said_in_the_singular_and_the_refusal_carries_its_figures(session):
    org = make_org(session, seat_count=7)
    for _ in range(6):
        make_membership(session, org)
    with pytest.raises(NotEnoughSeats) as refused:
        members.add_members(session, actor=session.get(User, org.owner_id), org_id=org.id,
                            entries=[entry("a@example.com"), entry("b@example.com"),
                                     entry("c@example.com")])
    error = refused.value
    assert error.message == ("Only 1 of 7 seats is free, and this needs 3. "
                             "Add seats in Manage Seats first.")
    assert error.fact == "Only 1 of 7 seats is free, and this needs 3."
    assert (error.seat_count, error.free, error.needed, error.missing) == (7, 1, 3, 2)
    assert error.field == "seats"


def test_no_seat_left_refusal_says_how_many_are_missing(session):
    org = make_org(session, seat_count=1)
    make_membership(session, org)
    with pytest.raises(NotEnoughSeats) as refused:
        invitations.invite(session, actor=session.get(User, org.owner_id), org_id=org.id,
                           emails="x@example.com y@example.com", role="member")
    assert refused.value.fact == "No seats left: the organization's only seat is in use."
    assert refused.value.missing == 2


def test_expired_invitations_are_listed_but_not_counted_as_open(session):
    org = make_org(session)
    make_invitation(session, org)
    make_invitation(session, org, expires_at=utcnow() - timedelta(hours=1))
    make_invitation(session, org, revoked_at=utcnow())
    page = invitations.list_open_invitations(session, actor=session.get(User, org.owner_id),
                                             org_id=org.id)
    assert (page.total, page.pending) == (2, 1)


def test_members_list_tells_who_never_set_a_password(session):
    org = make_org(session)
    owner = session.get(User, org.owner_id)
    make_membership(session, org, make_user(session, email="has@example.com",
                                            password="a-long-password-1"))
    members.add_member(session, actor=owner, org_id=org.id, name="New Person",
                       email="new@example.com", role="member")
    rows = {row.email: row for row in
            members.list_members(session, actor=owner, org_id=org.id).rows}
    assert rows["has@example.com"].has_password is True
    assert rows["new@example.com"].has_password is False


def test_overview_names_the_owner(session):
    owner = make_user(session, full_name="Olivia Owner")
    org = make_org(session, owner=owner)
    manager = make_user(session)
    make_membership(session, org, manager, role=Role.MANAGER)
    assert organizations.overview(session, actor=manager, org_id=org.id).owner_name == \
        "Olivia Owner"


def test_overview_says_the_types_email_domain_as_add_member_applies_it(session):
    org = make_org(session, org_type=make_org_type(session, auto_add_domain=" @Example.COM "))
    owner = session.get(User, org.owner_id)
    assert organizations.overview(session, actor=owner, org_id=org.id).auto_add_domain == \
        "example.com"
    assert organizations.overview(session, actor=owner, org_id=make_org(session, owner=owner).id
                                 ).auto_add_domain == ""


def test_a_refusal_lands_on_the_form_row_its_entry_came_from():
    # Rows 0, 2 and 5 of the form were sent (1, 3, 4 were empty or removed).
    row_of = [0, 2, 5]
    rows, form = refusal_errors(RowErrors({1: {"email": "E"}, 2: {"name": "N"},
                                           9: {"email": "X"}}), row_of)
    assert rows == {2: {"email": "E"}, 5: {"name": "N"}}
    assert form == {"form": "X"}  # no row 9 was sent: said for the whole form
    assert refusal_errors(ServiceError("S", "seats"), row_of) == ({}, {"seats": "S"})


@pytest.mark.parametrize(("count", "words"), [(0, "0 members"), (1, "1 member"),
                                              (2, "2 members")])
def test_counted_words(count, words):
    assert counted(count, "member") == words


def test_counted_words_with_an_irregular_plural():
    assert counted(1, "person", "people") == "1 person"
    assert counted(3, "person", "people") == "3 people"


def test_names_list():
    assert names_list([]) == ""
    assert names_list(["Ann"]) == "Ann"
    assert names_list(["Ann", "Bo", "Cy"]) == "Ann, Bo and Cy"
    assert names_list([str(i) for i in range(8)], at_most=3) == "0, 1, 2 and 5 more"


def test_a_searched_invitations_page_counts_only_what_it_found_as_open(session):
    """The open count and the total describe the same rows: a search never leaves "2 open
    invitations, -2 expired"."""
    org = make_org(session)
    make_invitation(session, org, email="ada@example.com")
    make_invitation(session, org, email="bob@example.com")
    make_invitation(session, org, email="old@example.com",
                    expires_at=utcnow() - timedelta(hours=1))
    owner = session.get(User, org.owner_id)

    def counts(search: str) -> tuple[int, int]:
        page = invitations.list_open_invitations(session, actor=owner, org_id=org.id,
                                                 search=search)
        return page.total, page.pending

    assert counts("") == (3, 2)
    assert counts("zzz") == (0, 0)
    assert counts("old@") == (1, 0)
    assert counts("ada") == (1, 1)
