"""How the Add Member modal places a refusal (issue 8, items 8 and 12): each row's messages on the
form row the entry came from, keyed (row, field); the form's own fields on themselves; anything
else in the form's message. The refusals are the services' own, not made-up dictionaries."""

import pytest
from factories import make_membership, make_org

from membersync_app.models import User
from membersync_app.services import invitations, members
from membersync_app.services.errors import FieldErrors, RowErrors, ServiceError
from membersync_app.services.seats import NotEnoughSeats
from membersync_app.state.org_add import refusal_errors


def entry(email, name="Ann Example", role="member"):
    return {"name": name, "email": email, "role": role}


def test_row_refusals_land_on_the_form_rows_that_were_sent(session):
    org = make_org(session, seat_count=10)
    owner = session.get(User, org.owner_id)
    # Form rows 0, 3 and 7 were sent; the rows between were left empty.
    with pytest.raises(FieldErrors) as refused:
        members.add_members(session, actor=owner, org_id=org.id,
                            entries=[entry("ok@example.com"), entry("not-an-address"),
                                     entry("b@example.com", name="")])
    rows, form = refusal_errors(refused.value, [0, 3, 7])
    assert set(rows) == {3, 7}
    assert set(rows[3]) == {"email"} and rows[3]["email"]
    assert set(rows[7]) == {"name"} and rows[7]["name"] == "Name is required."
    assert form == {}


def test_a_seats_refusal_is_the_forms_own(session):
    org = make_org(session, seat_count=1)
    make_membership(session, org)
    with pytest.raises(NotEnoughSeats) as refused:
        members.add_members(session, actor=session.get(User, org.owner_id), org_id=org.id,
                            entries=[entry("a@example.com")])
    error = refused.value
    rows, form = refusal_errors(error, [0])
    assert rows == {}
    assert form == {"seats": error.message}


def test_the_invite_forms_fields_are_kept_and_row_looking_keys_are_not_rows_there(session):
    org = make_org(session, seat_count=10)
    with pytest.raises(ServiceError) as refused:
        invitations.invite(session, actor=session.get(User, org.owner_id), org_id=org.id,
                           emails="not an address", role="member")
    error = refused.value
    rows, form = refusal_errors(error, None)
    assert rows == {}
    assert form == {"emails": error.message}
    # Without rows sent (the Invite members form), a row's refusal has no row to go to.
    assert refusal_errors(RowErrors({0: {"email": "E"}}), None) == ({}, {"form": "E"})
    assert refusal_errors(FieldErrors({"email_0": "E", "invite_role": "R"}), None) == (
        {}, {"form": "E", "invite_role": "R"})


def test_what_has_no_place_is_said_once_for_the_form():
    rows, form = refusal_errors(FieldErrors({"": "Not allowed.", "email_5": "Gone.",
                                             "owner": "X.", "email_x": "Y."}), [0, 1])
    assert rows == {}
    assert form == {"form": "Not allowed. Gone. X. Y."}
    # a row that was not sent (entry 5 of 2)
    assert refusal_errors(RowErrors({5: {"email": "Gone."}}), [0, 1]) == ({}, {"form": "Gone."})
