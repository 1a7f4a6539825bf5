"""Scale-out as an operator runs it: PostgreSQL, Reflex state in Redis, three granian workers.

The app is started once for this module with its own scratch PostgreSQL database (migrated by
`python -m membersync_app.cli migrate`, dropped at the end), REFLEX_REDIS_URL on a Redis
database of its own (/5 unless MEMBERSYNC_TEST_REDIS_URL says otherwise) and GRANIAN_WORKERS=3.
Then real browsers prove that two managers racing for the last seat from two worker processes
get exactly one seat, and that several browsers are served by several workers across reloads.

Skipped, with the reason, when no PostgreSQL server or no Redis answers (a fresh machine has
neither). MEMBERSYNC_TEST_DATABASE_URL names the PostgreSQL server as in tests/conftest.py.
"""

import os
import pickle
from collections.abc import Iterator

import pytest
from conftest import RunningApp, no_new_app_errors, sign_in, start_app
from factories import make_membership, make_org, make_user
from playwright.sync_api import Page, expect
from scale_setup import (
    can_count_workers,
    own_redis_db,
    scratch_postgres_database,
    wait_for,
    worker_processes,
)
from sqlalchemy import func
from sqlmodel import select

from membersync_app.models import Membership, Organization, Role, User
from membersync_app.services.seats import seats_used

REDIS_URL = os.environ.get("MEMBERSYNC_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
WORKERS = 3
BROWSERS = 6
PASSWORD = "scale-out-pass-1"
# Reflex keeps, per connected tab, which worker process holds its websocket under this key
# (reflex.utils.token_manager.RedisTokenManager, 0.10): the only place that says which worker
# serves a browser. Unpickled with Reflex's own class; the Redis is the one this test started.
SOCKET_RECORD_KEY = "token_manager_socket_record_{token}"
RELOADS_TO_CHANGE_WORKER = 20  # each reload lands on one of 3 workers: (1/3)**20 to fail


@pytest.fixture(scope="module")
def redis_db():
    with own_redis_db(REDIS_URL) as client:
        yield client


@pytest.fixture(scope="module")
def scale_out_app(tmp_path_factory, smtp_server, redis_db) -> Iterator[RunningApp]:
    with scratch_postgres_database("ms_e2e_scale") as database_url:
        env = {
            "MEMBERSYNC_DATABASE_URL": database_url,
            "REFLEX_REDIS_URL": REDIS_URL,
            "GRANIAN_WORKERS": str(WORKERS),
            **smtp_server.app_env(),
        }
        with start_app(env, tmp_path_factory.mktemp("scale-out")) as app:
            yield app


# This module's app replaces the session's SQLite one for the shared fixtures.
@pytest.fixture
def app_url(scale_out_app) -> str:
    return scale_out_app.url


@pytest.fixture
def uow(scale_out_app):
    from membersync_app.db import unit_of_work

    return lambda: unit_of_work(scale_out_app.engine)


@pytest.fixture(autouse=True)
def _no_app_errors(scale_out_app):
    with no_new_app_errors(scale_out_app):
        yield


# ---------------------------------------------------------------- helpers

def tab_token(page: Page) -> str:
    """The id Reflex gives a browser tab (sessionStorage): its state's key in Redis."""
    return page.evaluate("sessionStorage.getItem('token')")


def worker_of(page: Page, redis_db) -> str:
    """The id of the worker process that holds this tab's websocket now."""
    token = tab_token(page)
    raw = wait_for(lambda: redis_db.get(SOCKET_RECORD_KEY.format(token=token)),
                    f"the socket record of tab {token}")
    return pickle.loads(raw).instance_id


def new_browser_page(browser) -> Page:
    return browser.new_context().new_page()


def open_org(page: Page, app_url: str, org: Organization) -> None:
    page.goto(f"{app_url}/dashboard")
    page.get_by_role("link", name=f"View {org.title}").click()
    expect(page.get_by_role("heading", name=org.title)).to_be_visible()


def fill_add_member(page: Page, name: str, email: str) -> None:
    page.get_by_role("button", name="Add Member").click()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Email", exact=True).fill(email)


# ---------------------------------------------------------------- tests

def test_scaled_app_runs_three_worker_processes(scale_out_app):
    if not can_count_workers(scale_out_app):
        pytest.skip("no /proc/<pid>/task/<tid>/children here to count the worker processes")
    assert len(worker_processes(scale_out_app)) == WORKERS


def test_two_managers_on_two_workers_race_for_the_last_seat(browser, app_url, uow, redis_db):
    with uow() as session:
        owner = make_user(session, password=PASSWORD, full_name="Olive Owner")
        manager = make_user(session, password=PASSWORD, full_name="Mark Manager")
        org = make_org(session, owner=owner, seat_count=2)
        make_membership(session, org, manager, role=Role.MANAGER)  # 1 of the 2 seats
    emails = [f"race-owner-{org.id}@example.com", f"race-manager-{org.id}@example.com"]

    pages = []
    for user in (owner, manager):
        page = new_browser_page(browser)
        sign_in(page, app_url, user.username, PASSWORD)
        open_org(page, app_url, org)
        expect(page.locator("#seats-used")).to_have_text("1 / 2")
        pages.append(page)
    # Two server processes, as DESIGN.md invariant 1 says: move the manager's tab until its
    # websocket is held by another worker than the owner's.
    reloads = 0
    while worker_of(pages[0], redis_db) == worker_of(pages[1], redis_db):
        assert reloads < RELOADS_TO_CHANGE_WORKER, "every reload landed on the same worker"
        pages[1].reload()
        reloads += 1
        expect(pages[1].locator("#seats-used")).to_have_text("1 / 2")
    for page, email in zip(pages, emails, strict=True):
        fill_add_member(page, f"Racer {email.split('-')[1]}", email)

    # Fire both clicks at one instant on the browsers' shared clock, then wait on both outcomes.
    fire_at = pages[0].evaluate("Date.now() + 500")
    for page in pages:
        page.get_by_role("button", name="Add Members").evaluate(
            "(button, at) => setTimeout(() => { window.clickedAt = Date.now(); button.click(); },"
            " at - Date.now())", fire_at)
    outcomes = []
    for page in pages:
        added = page.locator("#members-notice", has_text="Added 1 member")
        refused = page.locator("#seats-error", has_text="No seats left")
        expect(added.or_(refused)).to_be_visible()
        outcomes.append("added" if added.is_visible() else "refused")
    clicked = [page.evaluate("window.clickedAt") for page in pages]
    print(f"clicks {abs(clicked[1] - clicked[0])} ms apart: {outcomes}")
    assert sorted(outcomes) == ["added", "refused"], (outcomes, clicked)

    for page in pages:  # both see the organization full, the refused one its typing kept
        expect(page.locator("#seats-used")).to_have_text("2 / 2")
    loser = pages[outcomes.index("refused")]
    expect(loser.get_by_label("Email", exact=True)).to_have_value(
        emails[outcomes.index("refused")])
    with uow() as session:
        assert seats_used(session, org_id=org.id) == session.get(Organization,
                                                                 org.id).seat_count == 2
        joined = session.exec(
            select(User.email).join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == org.id, User.email.in_(emails))
        ).all()
        assert joined == [emails[outcomes.index("added")]]
    for page in pages:
        page.context.close()


def test_many_browsers_keep_working_across_reloads_on_three_workers(
    browser, app_url, uow, redis_db
):
    with uow() as session:
        people = []
        for n in range(BROWSERS):
            owner = make_user(session, password=PASSWORD)
            org = make_org(session, owner=owner, seat_count=10 + n)
            make_membership(session, org)
            people.append((owner, org))

    pages: list[Page] = []
    for owner, org in people:
        page = new_browser_page(browser)
        sign_in(page, app_url, owner.username, PASSWORD)
        expect(page.get_by_role("heading", name="MemberSync Group Dashboard")).to_be_visible()
        expect(page.get_by_role("rowheader")).to_have_text([org.title])  # theirs, nobody else's
        expect(page.get_by_text(f"1 / {org.seat_count}")).to_be_visible()
        pages.append(page)
    workers = {worker_of(page, redis_db) for page in pages}
    for page in pages:  # every tab's state lives in Redis, where any worker finds it
        assert redis_db.keys(f"{tab_token(page)}_*"), tab_token(page)

    for page, (_owner, org) in zip(pages, people, strict=True):
        page.reload()
        expect(page.locator("#signed-in-as")).to_be_visible()
        expect(page.get_by_role("rowheader")).to_have_text([org.title])
        expect(page.get_by_text(f"1 / {org.seat_count}")).to_be_visible()
    workers |= {worker_of(page, redis_db) for page in pages}
    assert len(workers) >= 2, f"all {BROWSERS} browsers were served by one worker: {workers}"

    # After the reload every browser keeps working: open its organization and add a member.
    for page, (_owner, org) in zip(pages, people, strict=True):
        open_org(page, app_url, org)
        fill_add_member(page, "Reload Survivor", f"after-reload-{org.id}@example.com")
        page.get_by_role("button", name="Add Members").click()
        expect(page.locator("#members-notice")).to_contain_text("Added 1 member")
        expect(page.locator("#seats-used")).to_have_text(f"2 / {org.seat_count}")
    with uow() as session:
        for _owner, org in people:
            assert session.exec(select(func.count()).select_from(Membership).where(
                Membership.organization_id == org.id)).one() == 3
            assert seats_used(session, org_id=org.id) == 2
    for page in pages:
        page.context.close()
