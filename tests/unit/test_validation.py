"""services/validation.py and the services that take text and numbers from outside: control
characters are refused (searches drop them), numbers are ASCII digits only, and a refusal quotes
at most a short prefix of what was typed."""

import pytest
from factories import make_invitation, make_org, make_staff, make_user
from sqlmodel import select

from membersync_app.models import AuditEvent, Course, Membership, Organization, User
from membersync_app.services import (
    admin_organizations,
    audit,
    audit_log,
    auth,
    catalog,
    csv_import,
    invitations,
    members,
    org_settings,
    org_types,
    users,
)
from membersync_app.services.errors import FieldErrors, ServiceError
from membersync_app.services.validation import (
    ECHO_LENGTH,
    clean_email,
    clean_name,
    clean_search,
    parse_whole_number,
    shorten,
    whole_number,
)

CONTROL = ["A\x00B", "A\x07B", "A\x1bB", "A\x7fB", "A\x9bB", "A\ud800B"]


# ---------------------------------------------------------------- the helpers

@pytest.mark.parametrize("text", CONTROL)
def test_names_with_control_characters_are_refused(text):
    with pytest.raises(ServiceError) as refused:
        clean_name(text, "title", "Title")
    assert (refused.value.message, refused.value.field) == (
        "Title must not contain control characters.", "title")


def test_white_space_in_names_is_still_one_space():
    assert clean_name("  Ann\t\nLee  ", "name") == "Ann Lee"


def test_emails_with_control_characters_are_refused():
    with pytest.raises(ServiceError, match="^Email must not contain control characters.$"):
        clean_email("ann\x00@example.com")


def test_a_search_drops_control_characters():
    assert clean_search("  Per\x00son\x07  Two ") == "Person Two"
    assert clean_search(["not text"]) == ""


@pytest.mark.parametrize(("value", "number"), [
    ("12", 12), (" 7 ", 7), ("0", 0), (3, 3), (2**31 - 1, 2**31 - 1),
    ("2147483647", 2**31 - 1),
])
def test_whole_numbers(value, number):
    assert whole_number(value) == number


@pytest.mark.parametrize("value", [
    "١٢", "\uff11\uff12", "²", "+5", "-1", -1, "1_000", "1.0", 1.0, "", " ", "9" * 19,
    True, False, None, ["1"], "0x10",
    # Bigger than a database integer column holds (PostgreSQL: "integer out of range").
    2**31, "2147483648", 10**30, "9" * 18,
])
def test_what_is_not_a_whole_number(value):
    assert whole_number(value) is None


def test_ids_handed_over_as_ints_refuse_text():
    assert whole_number(4, allow_text=False) == 4
    assert whole_number("4", allow_text=False) is None


def test_other_scripts_digits_are_not_a_count():
    with pytest.raises(ServiceError, match="must be a whole number from 1 to 10"):
        parse_whole_number("١٢", "n", "Count", 1, 10)


def test_shorten_cuts_long_input_and_drops_control_characters():
    assert shorten("x" * 1000) == "x" * ECHO_LENGTH + "…"
    assert shorten("short\x00") == "short"


# ---------------------------------------------------------------- every service that takes text

def test_add_member_refuses_a_name_with_nul(session):
    org = make_org(session)
    with pytest.raises(FieldErrors) as refused:
        members.add_member(session, actor=session.get(User, org.owner_id), org_id=org.id,
                           name="A\x00B", email="ab@example.com", role="member")
    assert refused.value.errors == {"name_0": "Name must not contain control characters."}
    assert session.exec(select(User).where(User.email == "ab@example.com")).first() is None


def test_csv_import_refuses_a_name_with_nul(session):
    org = make_org(session)
    with pytest.raises(csv_import.CsvErrors) as refused:
        csv_import.import_members(session, actor=session.get(User, org.owner_id), org_id=org.id,
                                  data="name,email\nA\x00B,ab@example.com\n")
    assert refused.value.problems == [(2, "Name must not contain control characters.")]
    assert session.exec(select(User).where(User.email == "ab@example.com")).first() is None


def test_invite_refuses_an_address_with_a_control_character(session):
    org = make_org(session)
    with pytest.raises(ServiceError, match="must not contain control characters") as refused:
        invitations.invite(session, actor=session.get(User, org.owner_id), org_id=org.id,
                           emails="ann\x00@example.com", role="member")
    assert "\x00" not in refused.value.message


def test_accepting_with_a_name_with_nul_is_refused(session):
    _invitation, token = make_invitation(session, make_org(session))
    with pytest.raises(FieldErrors) as refused:
        invitations.accept_with_new_account(session, token=token, full_name="A\x00B",
                                            password="long enough 1", confirm="long enough 1")
    assert refused.value.errors == {"full_name": "Name must not contain control characters."}


def test_staff_user_fields_refuse_control_characters(session):
    with pytest.raises(FieldErrors) as refused:
        users.create_user_by_staff(session, actor=make_staff(session), username="ann\x00",
                                   email="ann\x07@example.com", full_name="Ann\x1b[31m",
                                   password="")
    assert refused.value.errors == {
        "username": "Username must not contain control characters.",
        "email": "Email must not contain control characters.",
        "full_name": "Full name must not contain control characters.",
    }


def test_catalog_titles_and_products_refuse_control_characters(session):
    staff = make_staff(session)
    with pytest.raises(FieldErrors) as refused:
        catalog.create_course(session, actor=staff, title="Course\x00", lesson_count="3")
    assert refused.value.errors == {"title": "Title must not contain control characters."}
    with pytest.raises(FieldErrors) as refused:
        catalog.create_license(session, actor=staff, name="License", product="P\x00")
    assert refused.value.errors == {"product": "Product must not contain control characters."}


def test_organization_type_name_and_domain_refuse_control_characters(session):
    with pytest.raises(FieldErrors) as refused:
        org_types.create_org_type(session, actor=make_staff(session), name="Type\x00",
                                  auto_add_domain="exa\x00mple.com")
    assert refused.value.errors["name"] == "Name must not contain control characters."
    assert refused.value.errors["auto_add_domain"] == (
        "The e-mail domain must not contain control characters.")


def test_organization_title_and_owner_refuse_control_characters(session):
    staff = make_staff(session)
    org = make_org(session)
    with pytest.raises(FieldErrors) as refused:
        admin_organizations.create_organization(
            session, actor=staff, title="Org\x00", owner="own\x00er", seat_count="5",
            org_type_id=org.org_type_id)
    assert refused.value.errors["title"] == "Title must not contain control characters."
    assert refused.value.errors["owner"] == "Owner must not contain control characters."
    with pytest.raises(FieldErrors) as refused:
        org_settings.update_settings(session, actor=session.get(User, org.owner_id),
                                     org_id=org.id, title="Org\x00", seat_count="10")
    assert refused.value.errors == {
        "title": "Organization name must not contain control characters."}


def test_searches_drop_control_characters(session):
    org = make_org(session)
    owner = session.get(User, org.owner_id)
    staff = make_staff(session)
    person = make_user(session, full_name="Zelda Searchable")
    session.add(Membership(organization_id=org.id, user_id=person.id))
    session.flush()
    audit.record(session, actor=person, action="test.event", organization_id=org.id)
    assert members.list_members(session, actor=owner, org_id=org.id,
                                search="Zel\x00da").total == 1
    assert users.list_users(session, actor=staff, search="Zel\x00da").total == 1
    assert [u.id for u in users.search_users(session, actor=staff, text="Zel\x00da")] == [person.id]
    assert audit_log.list_events(session, actor=staff, user=person.username[:4] + "\x00"
                                 + person.username[4:]).total == 1
    assert auth.find_by_login(session, login=person.username + "\x00") is None


# ---------------------------------------------------------------- numbers are ASCII digits

def test_seat_counts_in_other_scripts_are_refused(session):
    org = make_org(session, seat_count=5)
    owner = session.get(User, org.owner_id)
    with pytest.raises(ServiceError, match="Seats to add must be a whole number"):
        org_settings.add_seats(session, actor=owner, org_id=org.id, count="١٢")
    with pytest.raises(FieldErrors) as refused:
        org_settings.update_settings(session, actor=owner, org_id=org.id, title=org.title,
                                     seat_count="\uff11\uff12")  # fullwidth 12
    assert "whole number" in refused.value.errors["seat_count"]
    assert session.get(Organization, org.id).seat_count == 5


def test_lesson_counts_and_invitation_days_in_other_scripts_are_refused(session):
    staff = make_staff(session)
    with pytest.raises(FieldErrors) as refused:
        catalog.create_course(session, actor=staff, title="Course", lesson_count="١٢")
    assert "whole number" in refused.value.errors["lesson_count"]
    with pytest.raises(FieldErrors) as refused:
        org_types.create_org_type(session, actor=staff, name="Type", invitation_days="١٤")
    assert "whole number" in refused.value.errors["invitation_days"]
    assert session.exec(select(Course)).all() == []


def test_the_audit_filter_reads_only_ascii_digits_as_an_id(session):
    staff = make_staff(session)
    org = make_org(session, title="Plain title")
    audit.record(session, actor=staff, action="test.event", organization_id=org.id)
    other_script = str(org.id).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert audit_log.list_events(session, actor=staff, organization=str(org.id)).total == 1
    assert audit_log.list_events(session, actor=staff, organization=other_script).total == 0
    assert session.exec(select(AuditEvent)).all()


# ---------------------------------------------------------------- refusals quote a short prefix

def test_a_huge_invalid_email_is_not_echoed_back(session):
    huge = "x" * 900_000
    with pytest.raises(ServiceError) as refused:
        clean_email(huge)
    assert len(refused.value.message) < 200
    org = make_org(session)
    with pytest.raises(ServiceError) as refused:
        invitations.invite(session, actor=session.get(User, org.owner_id), org_id=org.id,
                           emails=huge, role="member")
    assert len(refused.value.message) < 200
    with pytest.raises(FieldErrors) as refused:
        members.add_member(session, actor=session.get(User, org.owner_id), org_id=org.id,
                           name="Ann", email=huge, role="member")
    assert len(refused.value.errors["email_0"]) < 200


def test_other_echoes_are_short_too(session):
    staff = make_staff(session)
    org = make_org(session)
    with pytest.raises(FieldErrors) as refused:
        admin_organizations.create_organization(session, actor=staff, title="Org", owner="o" * 5000,
                                                seat_count="5", org_type_id=org.org_type_id)
    assert len(refused.value.errors["owner"]) < 200
    with pytest.raises(FieldErrors) as refused:
        org_types.create_org_type(session, actor=staff, name="Type", auto_add_domain="d" * 5000)
    assert len(refused.value.errors["auto_add_domain"]) < 200
