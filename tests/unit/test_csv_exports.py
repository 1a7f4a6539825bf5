"""Every CSV MemberSync writes: Export members to CSV (the members table as searched and sorted,
every page), the import's CSV template, and the one writer that neutralises formula cells."""

import asyncio
import csv
import io
import re
from pathlib import Path

import httpx
import pytest
from factories import make_membership, make_org, make_user

from membersync_app import routes, web
from membersync_app.models import MembershipStatus, Role, User
from membersync_app.services import auth, csv_import, csv_safety, members
from membersync_app.services.errors import ServiceError
from membersync_app.settings import SESSION_COOKIE

EVIL = '=HYPERLINK("http://evil.example","Click")'


def _org_with_people(session, count: int = 30):
    """An organization with `count` members besides its owner, one named like a formula."""
    org = make_org(session, seat_count=count + 5)
    for number in range(count - 1):
        make_membership(session, org, make_user(session, full_name=f"Person {number:02d}"))
    make_membership(session, org, make_user(session, full_name=EVIL), role=Role.MANAGER,
                    status=MembershipStatus.BLOCKED)
    return org


def _all_pages(session, actor, org_id, **listing) -> list[members.MemberRow]:
    rows, page = [], 1
    while True:
        result = members.list_members(session, actor=actor, org_id=org_id, page=page,
                                      **listing)
        rows += result.rows
        if page >= result.page_count:
            return rows
        page += 1


@pytest.mark.parametrize(("search", "sort", "descending"), [
    ("", "name", False), ("", "joined", True), ("person 1", "email", False),
    ("", "role", True), ("nobody matches", "name", False)])
def test_the_export_is_the_table_as_searched_and_sorted_every_page(session, search, sort,
                                                                   descending):
    org = _org_with_people(session)
    owner = session.get(User, org.owner_id)
    exported = list(members.export_members(session, actor=owner, org_id=org.id, search=search,
                                           sort=sort, descending=descending))
    shown = _all_pages(session, owner, org.id, search=search, sort=sort, descending=descending)
    assert exported[0] == ("name", "email", "role", "status", "joined")
    assert [(name, email) for name, email, *_ in exported[1:]] == [
        (row.name, row.email) for row in shown]
    if not search:
        assert len(exported) == 1 + 31  # more than one page of 25: every page is exported


def test_the_export_neutralises_formula_names_and_says_role_and_status(session):
    org = _org_with_people(session, count=3)
    text = "".join(csv_safety.csv_lines(members.export_members(
        session, actor=session.get(User, org.owner_id), org_id=org.id)))
    rows = list(csv.reader(io.StringIO(text)))
    evil = next(row for row in rows if "HYPERLINK" in row[0])
    assert evil[0] == "'" + EVIL and evil[2:4] == ["manager", "blocked"]
    assert not re.search(r"^=|,=", text, re.MULTILINE)


def test_members_and_outsiders_may_not_export(session):
    org = _org_with_people(session, count=2)
    member = session.get(User, make_membership(session, org).user_id)
    for actor in (member, make_user(session), None):
        with pytest.raises(ServiceError):
            list(members.export_members(session, actor=actor, org_id=org.id))


def test_csv_safety_neutralises_every_formula_start():
    assert [csv_safety.neutralise(v) for v in
            ("=1", "+1", "-1", "@x", "\tx", "\rx", "ok", "a=b", 5, None)] == [
        "'=1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "ok", "a=b", "5", ""]
    assert csv_safety.quoted_if_formula("@cmd") == "“@cmd”"
    assert csv_safety.quoted_if_formula("Ann") == "Ann"


def test_every_csv_writer_goes_through_csv_safety():
    """One writer for every CSV MemberSync writes, so none forgets to neutralise a cell."""
    package = Path(web.__file__).parent
    writers = [path.relative_to(package).as_posix() for path in package.rglob("*.py")
               if "csv.writer(" in path.read_text() or "csv.DictWriter(" in path.read_text()]
    assert writers == ["services/csv_safety.py"]


# ---------------------------------------------------------------- the server routes


async def _no_reflex(scope, receive, send):  # what wrap_backend puts behind its own routes
    raise AssertionError(f"{scope['path']} reached Reflex")


class Client:
    """GET requests to the app's own routes in front of Reflex (web.wrap_backend), as a
    browser sends them: with or without the session cookie."""

    def __init__(self) -> None:
        self.app = web.wrap_backend(_no_reflex)
        self.cookies: dict[str, str] = {}

    def get(self, url: str) -> httpx.Response:
        async def fetch() -> httpx.Response:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app),
                                         base_url="http://testserver",
                                         cookies=self.cookies) as client:
                return await client.get(url)
        return asyncio.run(fetch())


@pytest.fixture
def client(app_database) -> Client:
    return Client()


def _signed_in(uow, user_id: int) -> str:
    with uow() as session:
        return auth.activate_session(session, grant=auth.start_session(
            session, user=session.get(User, user_id)), user_agent="Firefox")


def test_the_members_csv_route_streams_the_table_to_its_managers_only(client, uow):
    with uow() as session:
        org = _org_with_people(session, count=3)
        org_id, owner_id = org.id, org.owner_id
        member_id = make_membership(session, org).user_id
    url = routes.members_csv(org_id, search="", sort="name", descending=False)

    client.cookies[SESSION_COOKIE] = _signed_in(uow, owner_id)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="membersync-members-{org_id}-' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["name", "email", "role", "status", "joined"] and len(rows) == 1 + 5
    assert "'" + EVIL in [row[0] for row in rows]

    client.cookies[SESSION_COOKIE] = _signed_in(uow, member_id)
    assert client.get(url).status_code == 403
    client.cookies.clear()
    refused = client.get(url)
    assert refused.status_code == 403 and "name" not in refused.text


def test_the_csv_template_route_needs_no_session(client):
    response = client.get(routes.MEMBERS_CSV_TEMPLATE)
    assert response.status_code == 200
    assert csv_import.TEMPLATE_FILENAME in response.headers["content-disposition"]
    assert response.text == "".join(csv_import.template_lines())
