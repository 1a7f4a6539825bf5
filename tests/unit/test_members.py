"""services/members.py: adding (seat limit, duplicates, new accounts), listing, removing,
promote / demote, ownership — and refusals that change nothing."""

from datetime import timedelta

import pytest
from factories import (
    make_invitation,
    make_membership,
    make_org,
    make_org_type,
    make_staff,
    make_user,
)
from sqlalchemy import func
from sqlmodel import select

from membersync_app.models import (
    AuditEvent,
    Invitation,
    Membership,
    OutboxMessage,
    PasswordSetToken,
    Role,
    User,
    utcnow,
)
from membersync_app.services import mail, members, roster
from membersync_app.services.errors import FieldErrors, ServiceError
from membersync_app.services.listing import MAX_PAGE_SIZE
from membersync_app.services.seats import seats_used


def count(session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def entry(email, name="Ann Example", role="member"):
    return {"name": name, "email": email, "role": role}


def test_add_unknown_email_creates_account_membership_and_welcome_mail(session):
    org = make_org(session, seat_count=3)
    owner = session.get(User, org.owner_id)
    result = members.add_member(session, actor=owner, org_id=org.id, name="  Ann   Example ",
                                email="Ann@Example.COM", role="Member")
    user = session.exec(select(User).where(User.email == "ann@example.com")).one()
    assert user.full_name == "Ann Example" and user.password_hash == ""
    membership = result.memberships[0]
    assert (membership.user_id, membership.role) == (user.id, Role.MEMBER)
    assert result.created_accounts == ["ann@example.com"]
    assert seats_used(session, org_id=org.id) == 1
    (message_id,) = mail.queued_in(session)  # delivered after the commit
    outbox = session.get(OutboxMessage, message_id)
    assert outbox.recipient == "ann@example.com" and "/set-password/" in outbox.body
    assert count(session, PasswordSetToken, PasswordSetToken.user_id == user.id) == 1
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.organization_id == org.id))
    assert "member.add" in list(actions)


def test_add_known_email_adds_the_account_as_is(session):
    org = make_org(session)
    owner = session.get(User, org.owner_id)
    known = make_user(session, full_name="Known Person", password="pass-word-1")
    result = members.add_member(session, actor=owner, org_id=org.id, name="Other Name",
                                email=known.email.upper(), role="manager")
    assert result.memberships[0].user_id == known.id
    assert result.memberships[0].role == Role.MANAGER
    assert result.created_accounts == []
    # They are told by e-mail (no link token: they sign in as usual).
    (message_id,) = mail.queued_in(session)
    told = session.get(OutboxMessage, message_id)
    assert told.recipient == known.email and "/set-password/" not in told.body
    assert session.get(User, known.id).full_name == "Known Person"


def test_add_several_rows_at_once(session):
    org = make_org(session, seat_count=5)
    owner = session.get(User, org.owner_id)
    result = members.add_members(session, actor=owner, org_id=org.id, entries=[
        entry("a@example.com", "A"), entry("b@example.com", "B", "manager")])
    assert [m.role for m in result.memberships] == [Role.MEMBER, Role.MANAGER]
    assert seats_used(session, org_id=org.id) == 2


def test_seat_limit_refuses_the_whole_batch(uow):
    with uow() as session:
        org = make_org(session, seat_count=2)
        make_membership(session, org)
        owner_id, org_id = org.owner_id, org.id
    with uow() as session, pytest.raises(ServiceError) as refused:
        members.add_members(session, actor=session.get(User, owner_id), org_id=org_id,
                            entries=[entry("x@example.com"), entry("y@example.com")])
    assert refused.value.field == "seats"
    assert "Only 1 of 2 seats is free" in refused.value.message
    with uow() as session:
        assert count(session, User, User.email.in_(["x@example.com", "y@example.com"])) == 0
        assert seats_used(session, org_id=org_id) == 1


def test_no_seat_left_message_offers_manage_seats(session):
    org = make_org(session, seat_count=1)
    make_membership(session, org)
    with pytest.raises(ServiceError, match=r"No seats left.*Manage Seats"):
        members.add_member(session, actor=session.get(User, org.owner_id), org_id=org.id,
                           name="N", email="n@example.com", role="member")


def test_pending_invitations_count_against_seats_but_expired_do_not(session):
    org = make_org(session, seat_count=2)
    make_invitation(session, org)
    make_invitation(session, org, expires_at=utcnow() - timedelta(minutes=1))
    owner = session.get(User, org.owner_id)
    members.add_member(session, actor=owner, org_id=org.id, name="N", email="n@example.com",
                       role="member")
    with pytest.raises(ServiceError, match="No seats left"):
        members.add_member(session, actor=owner, org_id=org.id, name="M", email="m@example.com",
                           role="member")


@pytest.mark.parametrize(
    ("bad_entry", "field", "message"),
    [
        (entry("not-an-email"), "email_0", "not a valid e-mail address"),
        (entry(""), "email_0", "Email is required"),
        (entry("new@example.com", name=""), "name_0", "Name is required"),
        (entry("a@example.com", role="owner"), "role_0", "Role must be Member or Manager"),
        (entry("a@example.com", role={"x": 1}), "role_0", "Role must be Member or Manager"),
        ({"name": ["x"], "email": 5}, "email_0", "Email is required"),
    ],
)
def test_each_field_is_validated(session, bad_entry, field, message):
    org = make_org(session)
    with pytest.raises(FieldErrors) as refused:
        members.add_members(session, actor=session.get(User, org.owner_id), org_id=org.id,
                            entries=[bad_entry])
    assert message in refused.value.errors[field]


def test_duplicate_email_in_batch_already_member_and_pending_invitation(session):
    org = make_org(session)
    owner = session.get(User, org.owner_id)
    existing = make_membership(session, org)
    existing_email = session.get(User, existing.user_id).email
    invitation, _ = make_invitation(session, org, email="invited@example.com")
    with pytest.raises(FieldErrors) as refused:
        members.add_members(session, actor=owner, org_id=org.id, entries=[
            entry("dup@example.com"), entry("DUP@example.com"), entry(existing_email),
            entry(invitation.email), entry(owner.email)])
    errors = refused.value.errors
    assert "listed twice (rows 1 and 2)" in errors["email_1"]
    assert "already a member" in errors["email_2"]
    assert "pending invitation" in errors["email_3"]
    assert "already a member" in errors["email_4"]
    assert count(session, Membership, Membership.organization_id == org.id) == 2


def test_auto_add_domain_limits_direct_adds(session):
    """Outside the type's e-mail domain the address is invited instead of added (it used to be
    refused); at the domain it is added directly."""
    org = make_org(session, org_type=make_org_type(session, auto_add_domain="corp.example"))
    owner = session.get(User, org.owner_id)
    outside = members.add_member(session, actor=owner, org_id=org.id, name="X",
                                 email="x@other.example", role="member")
    assert outside.memberships == [] and [i.email for i in outside.invitations] == [
        "x@other.example"]
    assert session.exec(select(User).where(User.email == "x@other.example")).first() is None
    inside = members.add_member(session, actor=owner, org_id=org.id, name="Y",
                                email="y@corp.example", role="member")
    assert len(inside.memberships) == 1 and inside.invitations == []


def test_members_and_outsiders_may_not_add(session):
    org = make_org(session)
    member = make_membership(session, org)
    outsider = make_user(session)
    for actor in (session.get(User, member.user_id), outsider, None):
        with pytest.raises(ServiceError):
            members.add_member(session, actor=actor, org_id=org.id, name="X",
                               email="x@example.com", role="member")


def test_manager_without_add_right_is_refused(session):
    org = make_org(session, org_type=make_org_type(session, managers_add_members=False))
    manager = make_membership(session, org, role=Role.MANAGER)
    with pytest.raises(ServiceError, match="Managers of this organization may not"):
        members.add_member(session, actor=session.get(User, manager.user_id), org_id=org.id,
                           name="X", email="x@example.com", role="member")


def test_manager_of_a_cannot_touch_b(session):
    org_a, org_b = make_org(session), make_org(session)
    manager = session.get(User, make_membership(session, org_a, role=Role.MANAGER).user_id)
    victim = make_membership(session, org_b)
    with pytest.raises(ServiceError):
        members.add_member(session, actor=manager, org_id=org_b.id, name="X",
                           email="x@example.com", role="member")
    with pytest.raises(ServiceError):
        members.remove_members(session, actor=manager, org_id=org_b.id,
                               membership_ids=[victim.id])
    # Org A's id with B's membership id: not found in A.
    with pytest.raises(ServiceError, match="not in this organization"):
        members.remove_members(session, actor=manager, org_id=org_a.id,
                               membership_ids=[victim.id])
    with pytest.raises(ServiceError):
        members.list_members(session, actor=manager, org_id=org_b.id)
    assert session.get(Membership, victim.id) is not None


@pytest.mark.parametrize("bad_org_id", [{"id": 1}, "1", None, True, [1]])
def test_wrong_org_id_types_are_refused(session, bad_org_id):
    org = make_org(session)
    with pytest.raises(ServiceError, match="does not exist"):
        members.add_member(session, actor=session.get(User, org.owner_id), org_id=bad_org_id,
                           name="X", email="x@example.com", role="member")


def test_list_members_pages_searches_and_sorts_in_sql(session):
    org = make_org(session, seat_count=100)
    owner = session.get(User, org.owner_id)
    for i in range(30):
        make_membership(session, org, make_user(session, full_name=f"Person {i:02d}",
                                                email=f"p{i:02d}@example.com"))
    first = members.list_members(session, actor=owner, org_id=org.id, sort="email", page_size=25)
    assert first.total == 31 and len(first.rows) == 25 and first.page_count == 2
    second = members.list_members(session, actor=owner, org_id=org.id, sort="email", page=2,
                                  page_size=25)
    assert len(second.rows) == 6
    found = members.list_members(session, actor=owner, org_id=org.id, search="P07@")
    assert [row.email for row in found.rows] == ["p07@example.com"]
    names = [r.name for r in members.list_members(session, actor=owner, org_id=org.id,
                                                  search="person", sort="name",
                                                  descending=True).rows]
    assert names[:2] == ["Person 29", "Person 28"]
    owner_row = members.list_members(session, actor=owner, org_id=org.id,
                                     search=owner.username).rows[0]
    assert (owner_row.role, owner_row.seat) == (Role.OWNER, "no seat (owner)")
    assert {row.seat for row in first.rows if row.role != Role.OWNER} == {"1 seat"}
    # Wildcards are literal; an unknown sort falls back to the default, a huge page size to
    # the largest, and a value of the wrong type is refused (as in every list: listing.py).
    assert members.list_members(session, actor=owner, org_id=org.id, search="%").total == 0
    odd = members.list_members(session, actor=owner, org_id=org.id, sort="nonsense", page=2,
                               page_size=10**6)
    assert odd.page == 1 and odd.total == 31 and len(odd.rows) == 31
    assert odd.page_size == MAX_PAGE_SIZE
    for wrong in ({"sort": {"x": 1}}, {"page": "2"}, {"search": ["x"]}):
        with pytest.raises(ServiceError):
            members.list_members(session, actor=owner, org_id=org.id, **wrong)


def test_remove_frees_the_seat_and_never_removes_the_owner(uow):
    with uow() as session:
        org = make_org(session, seat_count=2)
        owner_membership = session.exec(select(Membership).where(
            Membership.organization_id == org.id)).one()
        a, b = make_membership(session, org), make_membership(session, org)
        ids = {"org": org.id, "owner": org.owner_id, "owner_m": owner_membership.id,
               "a": a.id, "b": b.id}
    with uow() as session, pytest.raises(ServiceError, match="owner and cannot be removed"):
        members.remove_members(session, actor=session.get(User, ids["owner"]),
                               org_id=ids["org"], membership_ids=[ids["a"], ids["owner_m"]])
    with uow() as session:
        assert session.get(Membership, ids["a"]) is not None  # nothing half-done
        removed = members.remove_members(session, actor=session.get(User, ids["owner"]),
                                         org_id=ids["org"], membership_ids=[ids["a"], ids["b"]])
        assert removed == 2
    with uow() as session:
        assert seats_used(session, org_id=ids["org"]) == 0
        assert count(session, AuditEvent, AuditEvent.action == "member.remove") == 2


def test_promote_and_demote_one_or_many(session):
    org = make_org(session)
    owner = session.get(User, org.owner_id)
    a, b = make_membership(session, org), make_membership(session, org)
    assert members.set_role(session, actor=owner, org_id=org.id, membership_ids=[a.id, b.id],
                            role="manager") == 2
    assert session.get(Membership, a.id).role == Role.MANAGER
    assert members.set_role(session, actor=owner, org_id=org.id, membership_ids=[a.id],
                            role="member") == 1
    assert session.get(Membership, a.id).role == Role.MEMBER
    owner_m = session.exec(select(Membership).where(Membership.user_id == owner.id)).one()
    with pytest.raises(ServiceError, match="owner"):
        members.set_role(session, actor=owner, org_id=org.id, membership_ids=[owner_m.id],
                         role="member")
    with pytest.raises(ServiceError, match="Role must be"):
        members.set_role(session, actor=owner, org_id=org.id, membership_ids=[a.id], role="owner")
    with pytest.raises(ServiceError):
        members.set_role(session, actor=owner, org_id=org.id, membership_ids="1", role="member")


def test_transfer_ownership_to_a_manager_keeps_a_single_owner(session):
    org = make_org(session)
    old_owner = session.get(User, org.owner_id)
    manager = make_membership(session, org, role=Role.MANAGER)
    member = make_membership(session, org)
    with pytest.raises(ServiceError, match="promote this member to manager first"):
        members.transfer_ownership(session, actor=old_owner, org_id=org.id,
                                   membership_id=member.id)
    members.transfer_ownership(session, actor=old_owner, org_id=org.id, membership_id=manager.id)
    owners = session.exec(select(Membership).where(Membership.organization_id == org.id,
                                                   Membership.role == Role.OWNER)).all()
    assert [m.user_id for m in owners] == [manager.user_id]
    assert org.owner_id == manager.user_id
    old = session.exec(select(Membership).where(Membership.user_id == old_owner.id)).one()
    assert old.role == Role.MANAGER
    # The old owner is a manager now: only the owner transfers.
    with pytest.raises(ServiceError, match="Only the owner"):
        members.transfer_ownership(session, actor=old_owner, org_id=org.id, membership_id=old.id)


def test_staff_may_manage_any_organization(session):
    org = make_org(session)
    staff = make_staff(session)
    members.add_member(session, actor=staff, org_id=org.id, name="S", email="s@example.com",
                       role="member")
    assert seats_used(session, org_id=org.id) == 1


def test_expired_organization_is_read_only(session):
    org = make_org(session, expires_at=utcnow() - timedelta(days=1))
    owner = session.get(User, org.owner_id)
    with pytest.raises(ServiceError, match="expired"):
        members.add_member(session, actor=owner, org_id=org.id, name="X", email="x@example.com",
                           role="member")
    assert members.list_members(session, actor=owner, org_id=org.id).total == 1


@pytest.mark.parametrize("page", [2, 10**6, 2**31 - 1])
def test_a_page_past_the_end_shows_the_last_page(session, page):
    """A client may send any page number; a huge one used to overflow the database's OFFSET
    (OverflowError on SQLite, DataError on PostgreSQL) instead of showing a page."""
    org = make_org(session)
    owner = session.get(User, org.owner_id)
    for _ in range(3):
        make_membership(session, org)
    result = members.list_members(session, actor=owner, org_id=org.id, page=page, page_size=2)
    assert (result.page, result.total, len(result.rows)) == (2, 4, 2)


# ---------------------------------------------------------------- Add Member is no account probe

def _add(session, org, actor, name, email, role="member"):
    return members.add_member(session, actor=actor, org_id=org.id, name=name, email=email,
                              role=role)


def _outcome(session, org, owner, result, email):
    """What the adder can see after adding `email`: notice, e-mails, the table row, searches."""
    (row,) = [r for r in members.list_members(session, actor=owner, org_id=org.id).rows
              if r.email == email]
    mails = session.exec(select(OutboxMessage.recipient)
                         .where(OutboxMessage.id.in_(mail.queued_in(session)))).all()
    assert mails[-1:] == [email]
    return {
        "notice": result.notice(),
        "mails": result.email_count,
        "name": row.name,
        "found_by_typed_name": members.list_members(session, actor=owner, org_id=org.id,
                                                    search="Typed Name").total,
    }


def test_adding_an_address_reads_the_same_whether_or_not_it_has_an_account(session):
    org = make_org(session, seat_count=5)
    owner = session.get(User, org.owner_id)
    known = make_user(session, username="real_username", email="known@example.com",
                      full_name="Secret Real Name", password="pass-word-1")
    on_known = _outcome(session, org, owner, _add(session, org, owner, "Typed Name",
                                                  "known@example.com"), "known@example.com")
    other = make_org(session, owner=owner, seat_count=5)
    on_new = _outcome(session, other, owner, _add(session, other, owner, "Typed Name",
                                                  "new@example.com"), "new@example.com")
    assert on_known == on_new
    assert on_known["name"] == "Typed Name" and on_known["mails"] == 1
    # The account's own name and username are not searchable while the typed name shows.
    for probe in ("Secret", "real_username"):
        assert members.list_members(session, actor=owner, org_id=org.id, search=probe).total == 0
    assert session.get(User, known.id).full_name == "Secret Real Name"


def test_a_missing_name_is_asked_for_whether_or_not_the_address_has_an_account(session):
    org = make_org(session)
    owner = session.get(User, org.owner_id)
    known = make_user(session, email="known@example.com")
    messages = []
    for email in (known.email, "unknown@example.com"):
        with pytest.raises(FieldErrors) as refused:
            _add(session, org, owner, "", email)
        messages.append(refused.value.errors)
    assert messages[0] == messages[1] == {"name_0": "Name is required."}


def test_an_existing_account_outside_the_domain_is_invited_not_added(session):
    org = make_org(session, seat_count=5,
                   org_type=make_org_type(session, auto_add_domain="corp.example"))
    owner = session.get(User, org.owner_id)
    known = make_user(session, email="someone@else.example", full_name="Someone Else")
    on_known = _add(session, org, owner, "Typed", known.email, "manager")
    on_new = _add(session, org, owner, "Typed", "nobody@else.example")
    assert on_known.memberships == [] == on_new.memberships
    assert on_known.notice() == on_new.notice()
    assert "Invited 1 person" in on_known.notice()
    assert session.exec(select(Membership).where(Membership.user_id == known.id)).all() == []
    invitation = on_known.invitations[0]
    assert (invitation.email, invitation.role) == (known.email, Role.MANAGER)
    assert "/invite/" in session.get(OutboxMessage, mail.queued_in(session)[0]).body
    assert seats_used(session, org_id=org.id) == 2  # each invitation holds a seat
    created = session.exec(select(AuditEvent).where(
        AuditEvent.action == "invitation.create", AuditEvent.organization_id == org.id)).all()
    assert [e.details["source"] for e in created] == ["dashboard", "dashboard"]
    # Staff are not bound by the domain: they add directly.
    direct = _add(session, org, make_staff(session), "Typed", "staff.added@else.example")
    assert len(direct.memberships) == 1 and direct.invitations == []


def test_without_the_invite_right_outside_addresses_are_refused_alike(session):
    org = make_org(session, org_type=make_org_type(session, auto_add_domain="corp.example",
                                                  managers_invite=False))
    manager = session.get(User, make_membership(session, org, role=Role.MANAGER).user_id)
    known = make_user(session, email="someone@else.example")
    messages = []
    for email in (known.email, "nobody@else.example"):
        with pytest.raises(ServiceError) as refused:
            _add(session, org, manager, "Typed", email)
        messages.append((refused.value.message, refused.value.field))
    assert messages[0] == messages[1]
    assert messages[0][0].startswith("Only addresses at corp.example may be added directly")
    assert session.exec(select(func.count()).select_from(Invitation)).one() == 0


def test_signing_in_forgets_the_typed_names(session):
    owner = make_user(session)
    org_a, org_b = make_org(session, owner=owner), make_org(session, owner=owner)
    person = make_user(session, full_name="Own Name")
    bystander = make_user(session, full_name="Bystander")
    for org in (org_a, org_b):
        _add(session, org, owner, f"Typed in {org.id}", person.email)
        _add(session, org, owner, "Typed bystander", bystander.email)
    assert roster.forget_added_names(session, user_id=person.id) == 2
    for org in (org_a, org_b):
        names = {r.email: r.name for r in members.list_members(session, actor=owner,
                                                                org_id=org.id).rows}
        assert names[person.email] == "Own Name"
        assert names[bystander.email] == "Typed bystander"
    assert roster.forget_added_names(session, user_id=person.id) == 0
