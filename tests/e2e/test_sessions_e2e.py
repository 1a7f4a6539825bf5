"""Sessions that cannot leak or be borrowed (issue 7), against the production build.

A tab handed to the next person shows nothing of the last one; a client token (sessionStorage,
chosen by the browser) replayed without the HttpOnly session cookie, over the socket or an
upload, does nothing; no script or frame ever sees the session token; every response carries
the security headers and the build runs under its CSP; payloads of the wrong shape are refused
quietly; fast wrong passwords lock the account. The raw socket.io client below plays the
client a page never would.
"""

import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import socketio
from conftest import at, sign_in
from factories import make_invitation, make_membership, make_org, make_staff, make_user
from factories import sign_in as open_session
from playwright.sync_api import expect
from sqlmodel import select

from membersync_app.models import AuditEvent, AuthSession, Membership, Organization, User
from membersync_app.settings import SESSION_COOKIE
from membersync_app.state.auth import LoginState
from membersync_app.state.org_import import OrgImportState
from membersync_app.state.org_members import OrgMembersState
from membersync_app.state.org_page import OrgPageState
from membersync_app.state.org_settings import OrgSettingsState

PASSWORD = "session-pass-1"
EVENT_NAMESPACE = "/_event"  # Reflex's socket.io namespace and path
WAIT_SECONDS = 20


def _uid() -> str:
    return uuid.uuid4().hex[:8]


def handler_name(state, handler: str) -> str:
    return f"{state.get_full_name()}.{handler}"


def org_router_data(org_id: int) -> dict:
    """What the page sends as router_data on /dashboard/org/<id> (sniffed from a real frame)."""
    path = f"/dashboard/org/{org_id}"
    return {"pathname": path, "asPath": path, "query": {"id": str(org_id)}}


LOGIN_ROUTER_DATA = {"pathname": "/login/", "asPath": "/login/"}


class RawSocket:
    """A socket.io client on /_event that sends what a test tells it, with the client token and
    cookie a test gives it (none by default), and keeps every message the app sends back."""

    def __init__(self, url: str, *, token: str | None = None, cookie: str | None = None):
        self.token = token or str(uuid.uuid4())
        self.received: list[tuple[str, Any]] = []
        self._arrived = threading.Condition()
        self._client = socketio.Client(reconnection=False)
        self._client.on("*", self._keep, namespace=EVENT_NAMESPACE)
        headers = {"Cookie": f"{SESSION_COOKIE}={cookie}"} if cookie else {}
        self._client.connect(f"{url}?token={self.token}", headers=headers,
                             transports=["websocket"], socketio_path=EVENT_NAMESPACE,
                             namespaces=[EVENT_NAMESPACE], wait_timeout=WAIT_SECONDS)

    def _keep(self, event: str, data: Any = None) -> None:
        with self._arrived:
            self.received.append((event, data))
            self._arrived.notify_all()

    def text(self, since: int = 0) -> str:
        with self._arrived:
            return json.dumps(self.received[since:], ensure_ascii=False)

    def wait_for(self, found: Callable[[str], bool], what: str, since: int = 0) -> str:
        """Block until what the app sent (after message number `since`) satisfies `found`."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: found(self.text(since)), WAIT_SECONDS):
                raise AssertionError(f"the app never sent {what}; it sent:\n"
                                     f"{self.text(since)[-3000:]}")
            return self.text(since)

    def send(self, name: str, payload: Any, router_data: dict) -> int:
        """Emit an event the way the page does; returns the message count before it."""
        before = len(self.received)
        self._client.emit("event", {"name": name, "payload": payload,
                                    "router_data": router_data}, namespace=EVENT_NAMESPACE)
        return before

    def send_and_wait(self, name: str, payload: Any, router_data: dict, marker: str) -> str:
        """Send an event and wait for the app's answer to carry `marker`; returns the answer."""
        since = self.send(name, payload, router_data)
        return self.wait_for(lambda text: marker in text, f"{marker!r} after {name}", since)

    def ping(self) -> None:
        """Round trip through the connection: whatever the app sent on connect is here now."""
        pongs = sum(event == "ping" for event, _ in self.received)
        self._client.emit("ping", namespace=EVENT_NAMESPACE)
        self.wait_for(lambda _text: sum(event == "ping" for event, _ in self.received) > pongs,
                      "a pong")

    @property
    def given_new_token(self) -> bool:
        """Reflex answers a token already connected elsewhere with a fresh one."""
        return any(event == "new_token" for event, _ in self.received)

    def close(self) -> None:
        self._client.disconnect()


@contextmanager
def raw_socket(url: str, **kwargs) -> Iterator[RawSocket]:
    sock = RawSocket(url, **kwargs)
    try:
        yield sock
    finally:
        sock.close()


@contextmanager
def reattach(url: str, token: str) -> Iterator[RawSocket]:
    """A raw socket on a closed tab's client token, once the server has let go of the tab
    (until then Reflex hands a second connection with that token a fresh one)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        sock = RawSocket(url, token=token)
        sock.ping()
        if not sock.given_new_token:
            break
        sock.close()
        assert time.monotonic() < deadline, "the server never let go of the closed tab's token"
    try:
        yield sock
    finally:
        sock.close()


class FrameLog:
    """Every websocket frame a page sends and receives, on every socket it opens."""

    def __init__(self, page):
        self.frames: list[tuple[str, str]] = []
        self.watching = False
        page.on("websocket", self._watch)

    def _watch(self, ws) -> None:
        ws.on("framesent", lambda payload: self._keep("sent", payload))
        ws.on("framereceived", lambda payload: self._keep("received", payload))

    def _keep(self, direction: str, payload: str | bytes) -> None:
        if self.watching:
            text = payload if isinstance(payload, str) else payload.decode(errors="replace")
            self.frames.append((direction, text))

    def received(self) -> list[str]:
        return [text for direction, text in self.frames if direction == "received"]

    def sent_events(self) -> list[list]:
        """The socket.io events the page sent: `42/_event,["event", {...}]` as [name, data]."""
        events = []
        for direction, text in self.frames:
            if direction == "sent" and text.startswith("42"):
                events.append(json.loads(text[text.index("["):]))
        return events


def assert_no_frame_carries(frames: list[str], secrets: dict[str, str]) -> None:
    leaks = []
    for label, secret in secrets.items():
        carrying = [frame for frame in frames if secret in frame]
        if carrying:
            at_ = carrying[0].index(secret)
            leaks.append(f"{label} {secret!r} in {len(carrying)} frame(s), first: "
                         f"…{carrying[0][max(0, at_ - 200):at_ + 100]}…")
    assert not leaks, "frames leaked:\n" + "\n".join(leaks)


def client_token(page) -> str:
    """The tab's Reflex client token: in sessionStorage, and in the socket URL."""
    return dict(page.evaluate("Object.entries(sessionStorage)"))["token"]


def session_cookie(page) -> dict:
    return next(c for c in page.context.cookies() if c["name"] == SESSION_COOKIE)


def sign_out(page, app_url: str) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(at(app_url, "/login"))
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def log_text(app_server) -> str:
    return app_server.log_path.read_text(errors="replace")


def refusals(app_server, name: str) -> int:
    return log_text(app_server).count(f"Refused {name}:")


# ------------------------------------------------------------------ 1. a tab reused by another


def test_admin_users_list_reaches_nobody_who_signs_in_after_in_that_tab(page, app_url, uow):
    uid = _uid()
    with uow() as session:
        staff = make_staff(session, password=PASSWORD, full_name=f"Stella Staff {uid}")
        # "0..." sorts first by username: the bystander is on the list's first page.
        bystander = make_user(session, username=f"0bystander_{uid}",
                              email=f"bystander-{uid}@example.com")
        member = make_user(session, password=PASSWORD, full_name=f"Mo Member {uid}")
        member_org = make_org(session)
        make_membership(session, member_org, member)
        member_org_owner = session.get(User, member_org.owner_id)
    frames = FrameLog(page)
    sign_in(page, app_url, staff.username, PASSWORD)
    page.goto(f"{app_url}/admin/users")
    expect(page.locator("#users tr", has_text=bystander.email)).to_be_visible()
    shown = {text.strip() for text in page.locator("#users td").all_inner_texts() if "@" in text}
    assert bystander.email in shown

    frames.watching = True
    sign_out(page, app_url)
    sign_in(page, app_url, member.username, PASSWORD)
    expect(page).to_have_url(at(app_url, "/my"))
    page.reload()
    expect(page).to_have_url(at(app_url, "/my"))
    expect(page.locator("#signed-in-as")).to_contain_text(member.full_name)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin")
           ).to_have_count(0)

    assert frames.received(), "no frame was recorded after the sign-out"
    others = shown - {member.email, member_org_owner.email}
    assert_no_frame_carries(frames.received(), {
        "the staff user's e-mail": staff.email,
        "the staff user's name": staff.full_name,
        "the staff-only is_staff field": '"is_staff"',
        "the staff-only has_password field": '"has_password"',
        **{f"another user's e-mail #{i}": email for i, email in enumerate(sorted(others))},
    })


def test_an_owners_members_and_invitations_reach_nobody_who_signs_in_after(page, app_url, uow):
    uid = _uid()
    with uow() as session:
        owner = make_user(session, password=PASSWORD, full_name=f"Olga Owner {uid}")
        org_a = make_org(session, owner=owner, title=f"Secret Org {uid}")
        ada = make_user(session, full_name=f"Ada Insider {uid}", email=f"ada-{uid}@example.com")
        make_membership(session, org_a, ada)
        invitation, _ = make_invitation(session, org_a, email=f"invitee-{uid}@example.com")
        member = make_user(session, password=PASSWORD, full_name=f"Ben Elsewhere {uid}")
        make_membership(session, make_org(session), member)
    frames = FrameLog(page)
    sign_in(page, app_url, owner.username, PASSWORD)
    page.goto(f"{app_url}/dashboard/org/{org_a.id}")
    expect(page.locator("#members-table tr", has_text=ada.email)).to_be_visible()
    expect(page.locator("#invitations-table tr", has_text=invitation.email)).to_be_visible()

    frames.watching = True
    sign_out(page, app_url)
    sign_in(page, app_url, member.username, PASSWORD)
    expect(page).to_have_url(at(app_url, "/my"))
    page.reload()
    expect(page.locator("#signed-in-as")).to_contain_text(member.full_name)

    assert frames.received(), "no frame was recorded after the sign-out"
    assert_no_frame_carries(frames.received(), {
        "a member's name": ada.full_name,
        "a member's e-mail": ada.email,
        "the owner's name": owner.full_name,
        "the owner's e-mail": owner.email,
        "an invitation address": invitation.email,
        "the organization's title": org_a.title,
    })


# ------------------------------------------------------------------ 2. a stolen client token


def test_a_client_token_without_the_cookie_cannot_remove_a_member(page, app_url, uow):
    uid = _uid()
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner)
        carl = make_membership(session, org, make_user(session, full_name=f"Carl Control {uid}"))
        vera_user = make_user(session, full_name=f"Vera Victim {uid}",
                              email=f"vera-{uid}@example.com")
        vera = make_membership(session, org, vera_user)
    frames = FrameLog(page)
    sign_in(page, app_url, owner.username, PASSWORD)
    page.goto(f"{app_url}/dashboard/org/{org.id}")
    expect(page.locator("#members-table tr", has_text=vera_user.email)).to_be_visible()
    token = client_token(page)

    # The exact frame a real "Remove" sends, taken from the page (Carl goes for real).
    frames.watching = True
    carl_row = page.locator("#members-table tr", has_text=f"Carl Control {uid}")
    carl_row.get_by_role("button", name="Remove").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Yes, remove").click()
    expect(carl_row).to_have_count(0)
    real = next(data for name, data in frames.sent_events()
                if name == "event" and data["name"].endswith(".remove_one"))
    assert real["name"] == handler_name(OrgMembersState, "remove_one")
    assert real["payload"] == {"membership_id": carl.id}
    stolen = {**real, "payload": {"membership_id": vera.id}}

    def vera_untouched(answer: str) -> None:
        assert vera_user.email not in answer  # the borrowed tab's view is not handed over
        with uow() as session:
            assert session.get(Membership, vera.id) is not None
            removals = session.exec(select(AuditEvent).where(
                AuditEvent.action == "member.remove",
                AuditEvent.organization_id == org.id)).all()
        assert [event.details["user_id"] for event in removals] == [carl.user_id]

    # While the tab is open (Reflex hands a second connection with a connected token a fresh
    # token, so this shows only that nothing slips through there).
    with raw_socket(app_url, token=token) as thief:
        answer = thief.send_and_wait(stolen["name"], stolen["payload"], stolen["router_data"],
                                     "members_notice_rx_state_")
    vera_untouched(answer)
    page.reload()
    expect(page.locator("#members-table tr", has_text=vera_user.email)).to_be_visible()

    # After the tab is gone: the server still holds its state under that token.
    page.close()
    with reattach(app_url, token) as thief:
        answer = thief.send_and_wait(stolen["name"], stolen["payload"], stolen["router_data"],
                                     "members_notice_rx_state_")
    assert token in answer  # the event ran on the closed tab's own state
    vera_untouched(answer)


def test_a_client_token_without_the_right_cookie_cannot_upload(page, app_url, uow, tmp_path):
    uid = _uid()
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, seat_count=10)
        other = make_user(session, password=PASSWORD)
        other_token, _ = open_session(session, other.username, PASSWORD)
    real_csv = tmp_path / "real.csv"
    real_csv.write_text(f"name,email,role\nReal Person,real-{uid}@example.com,member\n")
    sign_in(page, app_url, owner.username, PASSWORD)
    page.goto(f"{app_url}/dashboard/org/{org.id}")
    expect(page.get_by_role("heading", name=org.title)).to_be_visible()

    # One real import through the page, to take the exact request it makes.
    page.get_by_role("button", name="Import CSV").click()
    with page.expect_request(lambda r: r.method == "POST" and "/_upload" in r.url) as sniffed:
        page.locator("#csv-upload input[type=file]").set_input_files(str(real_csv))
    expect(page.locator("#import-notice")).to_contain_text("Imported 1 member")
    request = sniffed.value
    headers = request.all_headers()
    assert headers["reflex-event-handler"] == handler_name(OrgImportState, "import_csv")
    assert headers["reflex-client-token"] == client_token(page)
    replay = {"reflex-client-token": headers["reflex-client-token"],
              "reflex-event-handler": headers["reflex-event-handler"]}

    def upload(email: str, cookie: str | None) -> httpx.Response:
        body = f"name,email,role\nStolen Upload,{email},member\n".encode()
        cookies = {SESSION_COOKIE: cookie} if cookie else None
        with httpx.Client(cookies=cookies, timeout=WAIT_SECONDS) as client:
            return client.post(request.url, headers=replay,
                               files={"files": ("members.csv", body, "text/csv")})

    def members_with(email: str) -> list[Membership]:
        with uow() as session:
            return session.exec(select(Membership).join(User).where(
                Membership.organization_id == org.id, User.email == email)).all()

    no_cookie = upload(f"no-cookie-{uid}@example.com", None)
    assert no_cookie.status_code == 403, no_cookie.text
    assert members_with(f"no-cookie-{uid}@example.com") == []
    wrong_cookie = upload(f"other-cookie-{uid}@example.com", other_token)
    assert wrong_cookie.status_code == 403, wrong_cookie.text
    assert members_with(f"other-cookie-{uid}@example.com") == []
    # The very same request with the owner's own cookie goes through: the refusals above were
    # for the cookie, not for the shape of the request.
    own = upload(f"own-cookie-{uid}@example.com", session_cookie(page)["value"])
    assert own.status_code == 200, own.text
    assert len(members_with(f"own-cookie-{uid}@example.com")) == 1


# ------------------------------------------------------------------ 4. the cookie itself


def test_the_session_cookie_is_out_of_reach_of_scripts_and_frames(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        make_org(session, owner=owner)
    frames = FrameLog(page)
    frames.watching = True
    sign_in(page, app_url, owner.username, PASSWORD)
    cookie = session_cookie(page)
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert len(cookie["value"]) >= 32
    script_view = page.evaluate("document.cookie")
    assert SESSION_COOKIE not in script_view
    assert cookie["value"] not in script_view

    page.reload()
    expect(page.locator("#signed-in-as")).to_contain_text(owner.full_name)
    page.goto(f"{app_url}/dashboard")
    expect(page.get_by_role("heading", name="MemberSync Group Dashboard")).to_be_visible()
    assert cookie["value"] not in page.evaluate("document.cookie")

    sign_out(page, app_url)
    assert [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE] == []
    page.goto(f"{app_url}/dashboard")
    expect(page).to_have_url(at(app_url, "/login?next=/dashboard"))

    assert frames.frames, "no frame was recorded"
    assert_no_frame_carries([text for _, text in frames.frames],
                            {"the session token": cookie["value"]})


# ------------------------------------------------------------------ 5. security headers, CSP

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def test_every_response_carries_the_security_headers(app_url):
    with httpx.Client(base_url=app_url, follow_redirects=True, timeout=WAIT_SECONDS) as client:
        login = client.get("/login")
        assets = re.findall(r'(?:src|href)="(/assets/[^"]+\.js)"', login.text)
        assert assets, login.text[:2000]
        for response in (login, client.get("/dashboard"), client.get("/ping"),
                         client.get(assets[0])):
            assert response.status_code == 200, response.url
            for name, value in SECURITY_HEADERS.items():
                assert response.headers.get(name) == value, (response.url, name)
            policy = response.headers.get("content-security-policy", "")
            assert "frame-ancestors 'none'" in policy, (response.url, policy)
            assert "default-src 'self'" in policy, (response.url, policy)


def test_the_production_build_runs_under_its_content_security_policy(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, seat_count=4)
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    try:
        sign_in(page, app_url, owner.username, PASSWORD)
        expect(page.get_by_role("rowheader", name=org.title)).to_be_visible()
        page.goto(f"{app_url}/dashboard/org/{org.id}")
        expect(page.get_by_role("heading", name=org.title)).to_be_visible()
        expect(page.locator("#seats-used")).to_have_text("0 / 4")
    finally:  # a page the policy broke fails above; the violations are the reason to report
        violations = [m for m in messages if "content security policy" in m.lower()]
        assert violations == [], "\n".join(violations)


# ------------------------------------------------------------------ 6. wrong shapes


def to_arabic_indic(number: int) -> str:
    """"12" written with Arabic-Indic digits ("١٢"): Python's int() reads it as 12."""
    return str(number).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


def test_sign_in_payloads_of_the_wrong_shape_are_refused_quietly(app_url, app_server, uow):
    with uow() as session:
        user = make_user(session, password=PASSWORD)
    sign_in_name = handler_name(LoginState, "sign_in")
    right = {"login": user.username, "password": PASSWORD}
    wrong_shapes = [
        f"login={user.username}&password={PASSWORD}",  # no mapping at all
        {"form_data": f"login={user.username}&password={PASSWORD}"},  # a string for the form
        {"form_data": [["login", user.username], ["password", PASSWORD]]},  # a list
        {"form_data": right, "next": "/admin"},  # an extra argument
        {"form_data": {"login": [user.username], "password": PASSWORD}},  # a list as a value
        {},  # the argument missing
    ]
    before = refusals(app_server, sign_in_name)
    with raw_socket(app_url) as client:
        for payload in wrong_shapes:
            client.send(sign_in_name, payload, LOGIN_ROUTER_DATA)
        # Events of one tab run in order: once this one is answered, the others were handled.
        client.send_and_wait(handler_name(LoginState, "load"), {}, LOGIN_ROUTER_DATA,
                             "error_rx_state_")
        answers = client.text()
    assert "/_auth/session" not in answers
    with uow() as session:
        assert session.exec(select(AuthSession).where(AuthSession.user_id == user.id)).all() == []
        assert session.exec(select(AuditEvent).where(AuditEvent.actor_id == user.id)).all() == []
    assert refusals(app_server, sign_in_name) - before == len(wrong_shapes)


def test_dashboard_payloads_of_the_wrong_shape_change_nothing(page, app_url, app_server, uow):
    uid = _uid()
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, seat_count=6, title=f"Shape Org {uid}")
        victim_user = make_user(session, email=f"victim-{uid}@example.com")
        victim = make_membership(session, org, victim_user)
    sign_in(page, app_url, owner.username, PASSWORD)
    remove = handler_name(OrgMembersState, "remove_one")
    save = handler_name(OrgSettingsState, "submit_settings")
    go_to_page = handler_name(OrgMembersState, "go_to_page")
    settings = {"title": f"Hijacked {uid}", "seat_count": "99"}
    wrong_shapes = {
        remove: [
            {"membership_id": to_arabic_indic(victim.id)},
            {"membership_id": [victim.id]},
            {"membership_id": victim.id, "confirm": True},
            {},
        ],
        save: [
            {"form_data": f"title=Hijacked {uid}&seat_count=99"},
            {"form_data": [["title", f"Hijacked {uid}"], ["seat_count", "99"]]},
            {"form_data": settings, "extra": 1},
            {"form_data": {"title": [f"Hijacked {uid}"], "seat_count": "99"}},
            {"form_data": {**settings, "seat_count": 99}},
        ],
        go_to_page: [{"page": to_arabic_indic(2)}, {"page": [2]}, {"page": {"n": 2}}],
    }
    before = {name: refusals(app_server, name) for name in wrong_shapes}
    route = org_router_data(org.id)
    with raw_socket(app_url, cookie=session_cookie(page)["value"]) as owner_socket:
        # The page's own loading, so the socket holds what the owner's tab would.
        owner_socket.send(handler_name(OrgPageState, "load"), {}, route)
        owner_socket.send_and_wait(handler_name(OrgMembersState, "load_members"), {}, route,
                                   victim_user.email)
        for name, payloads in wrong_shapes.items():
            for payload in payloads:
                owner_socket.send(name, payload, route)
        owner_socket.send_and_wait(go_to_page, {"page": 1}, route, "page_rx_state_")
    with uow() as session:
        assert session.get(Membership, victim.id) is not None
        saved = session.get(Organization, org.id)
        assert (saved.title, saved.seat_count) == (org.title, 6)
        assert session.exec(select(AuditEvent).where(
            AuditEvent.organization_id == org.id)).all() == []
    for name, payloads in wrong_shapes.items():
        assert refusals(app_server, name) - before[name] == len(payloads), name


# ------------------------------------------------------------------ 7. throttling


def test_thirty_fast_wrong_passwords_lock_the_account_and_are_audited(page, app_url, uow):
    with uow() as session:
        user = make_user(session, password=PASSWORD)
    sign_in_name = handler_name(LoginState, "sign_in")
    # From another loopback address: the failures count against that client address, not
    # against 127.0.0.1, which every other browser test signs in from.
    elsewhere = app_url.replace("127.0.0.1", "127.0.0.2")
    with raw_socket(elsewhere) as guesser:
        for attempt in range(30):
            guesser.send(sign_in_name, {"form_data": {"login": user.username,
                                                      "password": f"guess-{attempt}"}},
                         LOGIN_ROUTER_DATA)
        # Each refused attempt empties the password field: thirty answers, thirty of those.
        guesser.wait_for(lambda text: text.count("ref_login_password") >= 30,
                         "an answer to every attempt")
    with raw_socket(elsewhere) as owner_of_account:
        answer = owner_of_account.send_and_wait(
            sign_in_name, {"form_data": {"login": user.username, "password": PASSWORD}},
            LOGIN_ROUTER_DATA, "error_rx_state_")
    assert "Too many attempts: try again in" in answer
    assert "/_auth/session" not in answer

    # The person at the real form is refused too, with the right password.
    page.goto(f"{app_url}/login")
    page.get_by_label("Username or email").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text(
        re.compile(r"Too many attempts: try again in \d+ minutes?"))
    expect(page).to_have_url(at(app_url, "/login"))

    with uow() as session:
        actions = session.exec(select(AuditEvent.action).where(
            AuditEvent.actor_id == user.id)).all()
        assert session.exec(select(AuthSession).where(AuthSession.user_id == user.id)).all() == []
    assert actions.count("auth.sign_in_failed") >= 5
    assert "auth.locked" in actions
    assert "auth.sign_in" not in actions


def test_an_event_naming_no_handler_leaves_neither_a_traceback_nor_the_cookie_in_the_log(
        app_url, app_server, uow):
    with uow() as session:
        user = make_user(session, password=PASSWORD)
        token, _ = open_session(session, user.username, PASSWORD)
    with raw_socket(app_url, cookie=token) as client:
        client.send("reflex___state____state.no_such_handler", {}, LOGIN_ROUTER_DATA)
        # Events of one tab run in order: once this one is answered, the first was handled.
        client.send_and_wait(handler_name(LoginState, "load"), {}, LOGIN_ROUTER_DATA,
                             "error_rx_state_")
    log = log_text(app_server)
    assert token not in log
    assert "Refused an event that names no handler." in log
    # (the autouse fixture fails the test on any Traceback or ERROR line)
