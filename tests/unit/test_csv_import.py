"""services/csv_import.py: every row validated first, errors by row number, all or nothing."""

import pytest
from factories import make_membership, make_org, make_org_type, make_user
from sqlalchemy import func
from sqlmodel import select

from membersync_app.db import read_only_unit
from membersync_app.models import Membership, Organization, OutboxMessage, Role, User
from membersync_app.services import csv_import
from membersync_app.services.csv_import import CsvErrors


def member_count(session, org_id):
    return session.exec(select(func.count()).select_from(Membership).where(
        Membership.organization_id == org_id)).one()


def test_a_checked_file_is_written_in_one_step(uow):
    with uow() as session:
        org = make_org(session, seat_count=300)
        org_id, owner_id = org.id, org.owner_id
    lines = ["name,email,role"] + [f"Person {i},p{i}@example.com,member" for i in range(250)]
    lines.append("Boss,boss@example.com,Manager")
    with uow() as session:
        checked = csv_import.check_file(session, actor=session.get(User, owner_id),
                                        org_id=org_id, data="\n".join(lines).encode())
        assert member_count(session, org_id) == 1  # checking writes nothing
    assert checked.count == 251
    with uow() as session:
        result = csv_import.write_checked(session, actor=session.get(User, owner_id),
                                          org_id=org_id, checked=checked)
        assert len(result.memberships) == 251
    with uow() as session:
        boss = session.exec(select(Membership).join(User, User.id == Membership.user_id).where(
            User.email == "boss@example.com")).one()
        assert boss.role == Role.MANAGER
        assert member_count(session, org_id) == 252


def test_the_write_checks_again_what_changed_since_the_check(uow):
    with uow() as session:
        org = make_org(session, seat_count=10)
        org_id, owner_id = org.id, org.owner_id
    data = b"name,email\nAnn,ann@example.com\nBob,bob@example.com"
    with uow() as session:
        checked = csv_import.check_file(session, actor=session.get(User, owner_id),
                                        org_id=org_id, data=data)
    with uow() as session:  # someone else adds Bob in between
        make_membership(session, session.get(Organization, org_id),
                        make_user(session, email="bob@example.com"))
    with pytest.raises(CsvErrors) as refused, uow() as session:
        csv_import.write_checked(session, actor=session.get(User, owner_id), org_id=org_id,
                                 checked=checked)
    assert [row for row, _ in refused.value.problems] == [3]
    with uow() as session:
        assert member_count(session, org_id) == 2  # the owner and Bob: Ann was not added


def test_errors_listed_by_row_number_and_nothing_added(uow):
    with uow() as session:
        org = make_org(session, seat_count=10)
        existing = make_membership(session, org)
        existing_email = session.get(User, existing.user_id).email
        org_id, owner_id = org.id, org.owner_id
    data = "\n".join([
        "Name,Email,Role",
        "Good,good@example.com,member",
        "Bad,not-an-email,member",
        "",
        "Dup,good@example.com,member",
        f"Known,{existing_email},member",
        "Boss,boss@example.com,owner",
    ])
    with uow() as session, pytest.raises(CsvErrors) as refused:
        csv_import.import_members(session, actor=session.get(User, owner_id), org_id=org_id,
                                  data=data)
    problems = dict(refused.value.problems)
    assert sorted(problems) == [3, 5, 6, 7]
    assert "not a valid e-mail" in problems[3]
    assert "listed twice (rows 2 and 5)" in problems[5]
    assert "already a member" in problems[6] and "Member or Manager" in problems[7]
    with uow() as session:
        assert member_count(session, org_id) == 2
        assert session.exec(select(User).where(User.email == "good@example.com")).first() is None


def test_too_few_seats_refuses_the_whole_file(session):
    org = make_org(session, seat_count=2)
    data = "name,email\nA,a@example.com\nB,b@example.com\nC,c@example.com\n"
    with pytest.raises(CsvErrors) as refused:
        csv_import.import_members(session, actor=session.get(User, org.owner_id),
                                  org_id=org.id, data=data)
    assert "Only 2 of 2 seats are free, and this needs 3" in refused.value.problems[0][1]
    assert member_count(session, org.id) == 1


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("", "empty"),
        ("email\nx@example.com", "must name the columns"),
        ("name,email,role\n", "no member rows"),
        (b"\xff\xfe\x00bad", "UTF-8"),
        (12, "Choose a CSV file"),
    ],
)
def test_file_level_problems(session, data, words):
    org = make_org(session)
    with pytest.raises(CsvErrors) as refused:
        csv_import.import_members(session, actor=session.get(User, org.owner_id),
                                  org_id=org.id, data=data)
    assert words in refused.value.problems[0][1]


def test_semicolons_bom_and_missing_role_column(session):
    org = make_org(session)
    data = "\ufeffname;email\nSemi Colon;semi@example.com\n".encode()
    result = csv_import.import_members(session, actor=session.get(User, org.owner_id),
                                       org_id=org.id, data=data)
    assert [m.role for m in result.memberships] == [Role.MEMBER]


def test_members_may_not_import(session):
    org = make_org(session)
    member = session.get(User, make_membership(session, org).user_id)
    with pytest.raises(Exception, match="Only the owner and managers"):
        csv_import.import_members(session, actor=member, org_id=org.id,
                                  data="name,email\nA,a@example.com")


def test_an_upload_is_read_only_as_far_as_the_size_limit():
    """The import handler reads at most MAX_BYTES + 1 bytes of an upload, so a huge file sent
    by any client (the permission check comes after the read) never sits in memory whole; the
    service then refuses it as too large."""
    import asyncio
    import io

    from starlette.datastructures import UploadFile

    from membersync_app.state.org_import import read_upload

    huge = UploadFile(io.BytesIO(b"name,email\n" + b"x" * (3 * csv_import.MAX_BYTES)))
    data = asyncio.run(read_upload(huge))
    assert len(data) == csv_import.MAX_BYTES + 1
    with pytest.raises(csv_import.CsvErrors) as refused:
        csv_import.parse_csv(data)
    assert "larger than" in refused.value.problems[0][1]


def test_rows_outside_the_email_domain_are_invited_like_add_member(session):
    org = make_org(session, seat_count=5,
                   org_type=make_org_type(session, auto_add_domain="corp.example"))
    known = make_user(session, email="known@else.example", full_name="Real Name")
    result = csv_import.import_members(
        session, actor=session.get(User, org.owner_id), org_id=org.id,
        data=f"name,email\nIn Side,in@corp.example\nTyped,{known.email}\nNew,new@else.example\n")
    assert len(result.memberships) == 1
    assert sorted(i.email for i in result.invitations) == [known.email, "new@else.example"]
    assert result.notice("Imported").startswith("Imported 1 member. Invited 2 people instead")
    assert member_count(session, org.id) == 2  # the owner and in@corp.example


FORMULA_FILE = "\n".join([
    "name,email,role",
    "Plain Person,plain@example.com,member",
    '"=HYPERLINK(""http://evil.example"",""Click"")",link@example.com,member',
    "+SUM(1+1),sum@example.com,member",
    "Minus,-minus@example.com,member",
    "@cmd,at@example.com,member",
    '"\t=TAB()",tab@example.com,member',
    "Another Plain,plain2@example.com,member",
])


def test_formula_cells_are_imported_as_typed_with_a_warning_naming_their_rows(uow):
    with uow() as session:
        org = make_org(session, seat_count=20)
        org_id, owner_id = org.id, org.owner_id
    with uow() as session:
        checked = csv_import.check_file(session, actor=session.get(User, owner_id),
                                        org_id=org_id, data=FORMULA_FILE.encode())
    assert checked.formula_rows == (3, 4, 5, 6, 7)
    warning = checked.warning()
    assert warning.startswith("Rows 3, 4, 5, 6 and 7: a name or e-mail starts with =, +, -, @")
    with uow() as session:
        csv_import.write_checked(session, actor=session.get(User, owner_id), org_id=org_id,
                                 checked=checked)
    with uow() as session:
        names = set(session.exec(select(Membership.added_name).where(
            Membership.organization_id == org_id, Membership.added_name.is_not(None))).all())
        assert {'=HYPERLINK("http://evil.example","Click")', "+SUM(1+1)", "@cmd",
                "=TAB()"} <= names  # as typed (the tab before = is trimmed like any space)
        bodies = [m.body for m in session.exec(select(OutboxMessage)).all()]
    greetings = [line for body in bodies for line in body.splitlines()
                 if line.startswith("Hello ")]
    assert len(greetings) == 7
    assert 'Hello “=HYPERLINK("http://evil.example","Click")”,' in greetings
    assert "Hello “+SUM(1+1)”," in greetings and "Hello “@cmd”," in greetings
    assert "Hello Plain Person," in greetings
    # No e-mail line starts a name a spreadsheet or a mail client's preview would run.
    assert not [line for line in greetings if line.startswith(("Hello =", "Hello +", "Hello @"))]


def test_a_file_without_formula_cells_has_no_warning_and_one_row_is_named_alone(session):
    org = make_org(session, seat_count=5)
    owner = session.get(User, org.owner_id)
    clean = csv_import.check_file(session, actor=owner, org_id=org.id,
                                  data="name,email\nAnn,ann@example.com\n")
    assert clean.formula_rows == () and clean.warning() == ""
    one = csv_import.check_file(session, actor=owner, org_id=org.id,
                                data="name,email\n-Ann,ann@example.com\n")
    assert one.warning().startswith("Row 2: a name or e-mail starts with")


def test_a_long_list_of_formula_rows_is_shortened():
    checked = csv_import.CheckedImport(rows=(), formula_rows=tuple(range(2, 32)))
    assert "Rows 2, 3, 4," in checked.warning()
    assert "21 and 10 more:" in checked.warning()


def test_the_write_reports_its_progress_in_steps_and_commits_at_the_end(uow, engine):
    with uow() as session:
        org = make_org(session, seat_count=300)
        org_id, owner_id = org.id, org.owner_id
    lines = ["name,email"] + [f"Person {i},p{i}@example.com" for i in range(250)]
    with uow() as session:
        checked = csv_import.check_file(session, actor=session.get(User, owner_id),
                                        org_id=org_id, data="\n".join(lines))
    seen: list[tuple[int, int]] = []  # (rows reported, members committed at that moment)

    def progress(written: int) -> None:
        with read_only_unit(engine) as other:  # another connection: only what is committed
            seen.append((written, member_count(other, org_id)))

    with uow() as session:
        result = csv_import.write_checked(session, actor=session.get(User, owner_id),
                                          org_id=org_id, checked=checked, progress=progress)
    assert [written for written, _ in seen] == [100, 200, 250]
    assert {committed for _, committed in seen} == {1}  # nothing committed before the end
    assert len(result.memberships) == 250 and result.email_count == 250
    with uow() as session:
        assert member_count(session, org_id) == 251


def test_the_csv_template_is_a_file_the_import_accepts(session):
    org = make_org(session)
    text = "".join(csv_import.template_lines())
    assert text.splitlines()[0] == "name,email,role"
    result = csv_import.import_members(session, actor=session.get(User, org.owner_id),
                                       org_id=org.id, data=text.encode())
    assert sorted((m.added_name, m.role) for m in result.memberships) == [
        ("Ada Lovelace", Role.MEMBER), ("Grace Hopper", Role.MANAGER)]
