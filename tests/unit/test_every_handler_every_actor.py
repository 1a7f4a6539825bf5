"""Every event handler of every State, fired by every kind of actor (issue 12, item 4).

A client can send any event to any handler with any arguments (REFLEX_NOTES.md, "What a
client can do"), so each handler is a public endpoint. This test *discovers* the handlers (no
list to keep up to date) and fires each one through Reflex's own event processing, with the
app's middleware (the EventGuard) in front and the session cookie in the connection's headers
(tests/handler_harness.py), as:

    signed out · an outsider · a blocked member of the target organization · an active member ·
    a manager of another organization · the owner of another organization · a manager of the
    target organization whose type's Access tab grants nothing.

Staff are not in the list: staff may do everything.

Each actor first opens the handler's page (the page that loads its state, or its parent's;
the on_load handlers run, with the target's id in the route and a crafted query string).
Then, per actor, six payloads chosen by the handler's type hints and parameter names: one
aimed at the target (its ids of the kind each parameter names, "owner" for texts, forms
holding its ids and forged fields), one at a third organization, one from each parameter's
list of crafted values (huge, negative, float and string numbers, empty and very long texts,
forged roles, SQL and HTML...; each actor takes the next one), and three of the wrong shape,
which the guard must refuse. Before each event the ids the handler's state keeps (`_org_id`,
`editing_id`, selections...) are set to the target's, the third organization's, or nothing,
as a client could have steered them there. Uploads go the way `/_upload` delivers them.

Checks: every row of every table is compared before and after (IGNORED_COLUMNS lists what
moves on any event); no update sent to the tab may hold data of an organization that actor may
not see (distinctive marker strings); no handler raises (KNOWN_TO_RAISE lists the exceptions).
Handlers that may change something for some actor are in ALLOWED with the reason and, per
table, which rows they may touch (the actor's own, the throttle's...). A canary runs the same
machinery as the target's owner and must see both a change and the data. `-s` prints a tally.
"""

import asyncio
import functools
import inspect
import io
import re
import time
import typing
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import reflex as rx
from argon2 import PasswordHasher
from factories import (
    make_course,
    make_invitation,
    make_membership,
    make_org,
    make_org_type,
    make_seat_type,
    make_staff,
    make_user,
)
from handler_harness import (
    Browser,
    Change,
    changes,
    columns_of,
    event_name,
    snapshot,
    table_names,
)
from reflex.state import EventHandlerSetVar
from reflex_base.utils.form import FORM_DATA_ENTRIES_KEY
from sqlmodel import select

import membersync_app.membersync_app as web_app
from membersync_app import db, state
from membersync_app.models import (
    CourseProgress,
    Job,
    Membership,
    MembershipStatus,
    Role,
    User,
    Visibility,
)
from membersync_app.services import auth, passwords, throttle
from membersync_app.state.base import AppState

APP = web_app.app

ACTORS = (
    "signed_out",
    "outsider",
    "blocked_member",
    "member",
    "manager_elsewhere",
    "owner_elsewhere",
    "manager_without_rights",
)

# Columns that legitimately move on any event, whoever sends it.
IGNORED_COLUMNS = {
    # The event guard notes when a session was last seen (at most once a minute) at any event
    # of a signed-in tab; "My account" shows it.
    "auth_sessions": {"last_seen_at"},
}


# --- the world ---------------------------------------------------------------------------------

@dataclass
class Org:
    """One organization and the ids a client might aim at."""

    id: int
    owner_membership: int
    member_membership: int
    member_user: int
    member_username: str
    invitation: int
    job: int
    course: int
    markers: frozenset[str]  # text only its own people may be shown
    staff_markers: frozenset[str]  # text only staff may be shown (its back office)
    title: str


@dataclass
class World:
    target: Org  # the organization the actors aim at
    elsewhere: Org  # where the "elsewhere" actors are manager and owner
    bystander: Org  # nobody's: a third organization
    users: dict[str, int]  # actor kind -> user id (signed_out: absent)
    logins: dict[str, tuple[str, str]]  # actor kind -> (username, e-mail)
    owner_cookie: str = ""  # the target's owner: not an actor, the canary's browser
    cookies: dict[str, str] = field(default_factory=dict)  # actor kind -> session token

    def who(self, actor: str) -> "Who":
        if actor not in self.users:
            return Who()
        return Who(self.users[actor], frozenset(throttle.account_key(login)
                                                for login in self.logins[actor]))


def _make_org(session, tag: str, *, grants: bool, owner=None) -> tuple[Any, Org]:
    """An organization whose every name, e-mail and title carries `Zqx<tag>`."""
    course = make_course(session, title=f"Course {tag}")
    org_type = make_org_type(
        session, name=f"Type {tag}", visibility=Visibility.PRIVATE,
        default_seat_type=make_seat_type(session, name=f"Seats {tag}", courses=[course]),
        managers_add_members=grants, managers_invite=grants, managers_remove_members=grants,
        managers_manage_seats=grants, managers_edit_settings=grants,
        managers_view_reports=grants)
    low = tag.lower()
    owner = owner or make_user(session, username=f"owner_{low}", full_name=f"Zqx{tag} Owner Name",
                               email=f"zqx{low}.owner@{low}.example")
    title = f"Zqx{tag} Title Of The Organization"
    org = make_org(session, owner=owner, org_type=org_type, title=title, seat_count=50)
    member = make_user(session, username=f"member_{low}", full_name=f"Zqx{tag} Member Name",
                       email=f"zqx{low}.member@{low}.example")
    membership = make_membership(session, org, member)
    session.add(CourseProgress(user_id=member.id, course_id=course.id, lessons_completed=2))
    invitation, _token = make_invitation(session, org, email=f"zqx{low}.invitee@{low}.example")
    job = Job(job_type="Zqx job type", title=f"Zqx{tag} Job Title", organization_id=org.id)
    session.add(job)
    session.flush()
    owner_membership = session.exec(select(Membership).where(
        Membership.organization_id == org.id, Membership.user_id == owner.id)).one()
    markers = {title, member.full_name, member.email, invitation.email}
    if owner.full_name.startswith("Zqx"):
        markers |= {owner.full_name, owner.email}
    return org, Org(id=org.id, owner_membership=owner_membership.id,
                    member_membership=membership.id, member_user=member.id,
                    member_username=member.username, invitation=invitation.id, job=job.id,
                    course=course.id, markers=frozenset(markers),
                    staff_markers=frozenset({job.title}), title=title)


def _open_session(session, user) -> str:
    token = auth.activate_session(session, grant=auth.start_session(session, user=user),
                                  user_agent="Firefox")
    assert token
    return token


def build_world() -> World:
    with db.unit_of_work() as session:
        make_staff(session)  # staff exist; they are no actor here
        target_org, target = _make_org(session, "T", grants=False)
        manager_elsewhere = make_user(session, username="mgr_elsewhere", full_name="Actor ME")
        owner_elsewhere = make_user(session, username="own_elsewhere", full_name="Actor OE")
        elsewhere_org, elsewhere = _make_org(session, "O", grants=True, owner=owner_elsewhere)
        make_membership(session, elsewhere_org, manager_elsewhere, Role.MANAGER)
        _bystander_org, bystander = _make_org(session, "B", grants=True)
        actors = {
            "outsider": make_user(session, username="outsider", full_name="Actor OU"),
            "blocked_member": make_user(session, username="blocked", full_name="Actor BM"),
            "member": make_user(session, username="member", full_name="Actor MM"),
            "manager_elsewhere": manager_elsewhere,
            "owner_elsewhere": owner_elsewhere,
            "manager_without_rights": make_user(session, username="mgr_norights",
                                                full_name="Actor MN"),
        }
        make_membership(session, target_org, actors["blocked_member"],
                        status=MembershipStatus.BLOCKED)
        make_membership(session, target_org, actors["member"])
        make_membership(session, target_org, actors["manager_without_rights"], Role.MANAGER)
        world = World(target=target, elsewhere=elsewhere, bystander=bystander,
                      users={kind: user.id for kind, user in actors.items()},
                      logins={kind: (user.username, user.email) for kind, user in actors.items()})
        for kind, user in actors.items():
            world.cookies[kind] = _open_session(session, user)
            _open_session(session, user)  # another browser: "sign out the others" may end it
        world.owner_cookie = _open_session(session, session.get(User, target_org.owner_id))
    return world


def forbidden_markers(world: World, actor: str) -> frozenset[str]:
    """What the actor may never be shown."""
    target, elsewhere, bystander = world.target, world.elsewhere, world.bystander
    staff_only = target.staff_markers | elsewhere.staff_markers | bystander.staff_markers
    every = target.markers | elsewhere.markers | bystander.markers | staff_only
    if actor in ("member", "blocked_member"):
        return every - {target.title}  # "My access" lists their organization
    if actor in ("manager_elsewhere", "owner_elsewhere"):
        return every - elsewhere.markers
    if actor == "manager_without_rights":
        # Managers may always open their organization's page (members, invitations): what
        # the missing rights guard are changes, which the database comparison covers.
        return every - target.markers
    return every


# --- handlers and where they live ------------------------------------------------------------

def _app_states(cls=AppState):
    yield cls
    for substate in cls.get_substates():
        yield from _app_states(substate)


STATES = list(_app_states())

HANDLERS = sorted(
    ((f"{cls.__name__}.{name}", cls, handler) for cls in STATES
     for name, handler in cls.event_handlers.items()
     if not isinstance(handler, EventHandlerSetVar)),
    key=lambda item: item[0],
)


@functools.cache
def page_routes() -> dict[type, str]:
    """Each state class that a page loads (its on_load handlers), and that page's route.
    (Reflex registers the @rx.page pages when it compiles; the same call does it here.)"""
    if not APP._load_events:
        APP._apply_decorated_pages()
    by_name = {cls.__name__: cls for cls in STATES}
    found: dict[type, str] = {}
    for route, load_events in APP._load_events.items():
        for load_event in load_events:
            handler = getattr(load_event, "handler", load_event)
            cls = by_name.get(handler.fn.__qualname__.split(".")[0])
            if cls is not None and cls is not AppState:
                found.setdefault(cls, route)
    return found


FALLBACK_ROUTE = "dashboard/org/[id]"  # for AppState's own handlers: the most sensitive page


def _page_state(cls: type) -> type | None:
    """The state itself, or its nearest parent, that a page loads."""
    routes = page_routes()
    while cls is not AppState:
        if cls in routes:
            return cls
        cls = cls.get_parent_state()
    return None


def route_for(cls: type) -> str:
    """The page a state's handlers are used on: its own, or its nearest parent's."""
    found = _page_state(cls)
    return page_routes()[found] if found else FALLBACK_ROUTE


def page_path(route: str, world: World) -> tuple[str, dict[str, str]]:
    """A concrete address for a route: the target in its [id], a made-up [token], and a query
    string a client could have typed (a redirect target, report filters, ids)."""
    params = {}
    for name in re.findall(r"\[(\w+)\]", route):
        if name == "token":
            params[name] = "Zq-not-a-real-token-0123456789abcdefghijklmnopqrs"
        elif route.startswith("my/course"):
            params[name] = str(world.target.course)
        else:
            params[name] = str(world.target.id)
    path = "/" + re.sub(r"\[(\w+)\]", lambda m: params[m.group(1)], route).removeprefix("index")
    query = {"tab": "reports", "next": "//evil.example/next", "status": "all", "role": "owner",
             "q": "Zqx", "org_id": str(world.target.id), "course": str(world.target.course),
             "member": str(world.target.member_membership)}
    return f"{path}?{urlencode(query)}", {**query, **params}


# --- crafted arguments -------------------------------------------------------------------------

def _discovered_form_keys() -> tuple[str, ...]:
    """Every field name a state reads from a submitted form (and a first form row's `_0`)."""
    keys = set()
    for path in Path(state.__file__).parent.glob("*.py"):
        source = path.read_text()
        keys |= set(re.findall(r"""form_data(?:\.get|\.getlist)?[\[(]\s*["'](\w+)["']""", source))
        keys |= set(re.findall(r"""ticked\(form_data,\s*["'](\w+)["']""", source))
    keys |= {f"{key}_0" for key in list(keys)}
    return tuple(sorted(keys))


FORM_KEYS = _discovered_form_keys()
FORGED_FIELDS = ("org_id", "organization_id", "user_id", "membership_id", "is_staff",
                 "owner_id", "role")
LONG = "x" * 100_000
FORM_KINDS = ("huge", "negative", "empty", "long", "aimed")


def _form_value(key: str, kind: str, t: Org) -> str:
    """One field of a crafted form, by what its name says it holds. `aimed` points at `t`;
    the other kinds are huge, negative, empty or very long values."""
    if kind == "empty":
        return ""
    if kind == "long":
        return LONG
    numeric = {"huge": "9" * 40, "negative": "-5"}
    if re.search(r"(_id|_ids|seat_count|add_seats|lesson_count|days)(_0)?$", key):
        return numeric.get(kind, str(_id_for(key, t, t)))
    if "expires" in key:
        return {"huge": "99999-12-31", "negative": "-0001-01-01"}.get(kind, "2099-12-31")
    if "role" in key:
        return {"huge": "staff", "negative": "manager"}.get(kind, "owner")
    if key.startswith("email") or key == "new_email":
        return {"huge": "a@" + "b" * 300 + ".example"}.get(kind, "forged.person@example.com")
    if key == "emails":
        return "forged.one@example.com\nforged.two@example.com"
    if key in ("login", "username", "usernames", "owner", "new_owner", "organization"):
        return t.member_username if kind == "aimed" else str(t.id)
    if key == "status":
        return "active"
    if key == "visibility":
        return "public"
    if key == "search":
        return "Zqx"
    if key in ("raise_seats", "is_staff") or key.startswith(("managers_", "access_")):
        return "on"
    if key in ("password", "current", "confirm"):
        return {"huge": "9" * 40, "negative": "-1"}.get(kind, "Forged-passw0rd-for-tests")
    return {"huge": "1" * 300, "negative": "-1.5"}.get(kind, "Forged text")


def _form(kind: str, world: World, org: Org, *, entries: bool) -> dict:
    values = {key: _form_value(key, kind, org) for key in FORM_KEYS}
    if kind == "aimed":
        values |= {name: str(org.id) for name in FORGED_FIELDS}
        values |= {"role": "owner", "is_staff": "on"}
    if entries:  # how a browser submits rx.form.FormData: [name, value] pairs
        return {FORM_DATA_ENTRIES_KEY: [[k, v] for k, v in values.items()]}
    return values


def _accepted_values(hint: Any, world: World) -> list[Any]:
    """Arguments of the declared shape (the guard lets them through to the handler)."""
    t, b = world.target, world.bystander
    hint = _plain(hint)
    origin = typing.get_origin(hint) or hint
    if hint is int:
        return [t.id, t.member_membership, b.id, str(t.invitation), t.job, 0, t.owner_membership]
    if hint is bool:
        return [True, False]
    if hint is float:
        return [1.5, -1.0]
    if hint is str:
        return ["owner", "", LONG, "staff", str(t.id), "Zqx", "manager", "' OR '1'='1",
                "<img src=x onerror=alert(1)>", t.member_username, "active", "reports"]
    if origin is rx.form.FormData or (isinstance(origin, type)
                                      and issubclass(origin, typing.Mapping)):
        entries = origin is rx.form.FormData
        return [_form(kind, world, t, entries=entries) for kind in FORM_KINDS]
    if origin is list and _is_upload(hint):
        return ["upload"]  # sent as /_upload sends files (_fire_for_every_actor)
    if origin is list:
        return [[t.member_membership, t.owner_membership], []]
    return [None]


def _plain(hint: Any) -> Any:
    """`int` for `int | None`: what a value must be when it is given."""
    if typing.get_origin(hint) in (typing.Union, type(int | None)):
        return next((a for a in typing.get_args(hint) if a is not type(None)), hint)
    return hint


def _refused_values(hint: Any) -> list[Any]:
    """Arguments of another shape: the guard must refuse them before any handler runs."""
    if _plain(hint) is int:
        return [2**63, "9" * 40, -1, 1.5, "1.5", "-3", True, None, {"id": 1}]
    return [{"nested": {"role": "owner"}}, ["owner"], 7.5, None, 2**63]


def _is_upload(hint: Any) -> bool:
    return any(isinstance(arg, type) and issubclass(arg, rx.UploadFile)
               for arg in typing.get_args(hint))


def _parameters(handler) -> list[tuple[str, Any]]:
    hints = typing.get_type_hints(handler.fn)
    return [(p.name, hints.get(p.name, Any))
            for p in list(inspect.signature(handler.fn).parameters.values())[1:]]


def _aimed_value(name: str, hint: Any, org: Org, other: Org, world: World) -> Any:
    """The argument that hits `org` hardest: an id of the kind the parameter names."""
    if _plain(hint) is int:
        return _id_for(name, org, other)
    if _plain(hint) is str:
        return "owner"
    if _plain(hint) is bool:
        return True
    values = _accepted_values(hint, world)
    if isinstance(values[0], dict):  # a form: the target's ids and forged fields
        return _form("aimed", world, org, entries=FORM_DATA_ENTRIES_KEY in values[0])
    if isinstance(values[0], list):
        return [org.member_membership, org.owner_membership]
    return values[0]


def payloads(handler, actor_index: int, world: World) -> list[Any]:
    """A few crafted payloads for one actor. The first aims at the target (ids of the kind
    each parameter names), the second at the third organization, the third takes the next
    value of each parameter's list (huge, negative, empty, long, forged...): different actors
    get different ones, so the seven of them together try most of each list. Then three of the
    wrong shape."""
    parameters = _parameters(handler)
    t, b = world.target, world.bystander
    if not parameters:
        return [{}, {}, {"org_id": t.id, "role": "owner"}]
    accepted = [
        {name: _aimed_value(name, hint, t, b, world) for name, hint in parameters},
        {name: _aimed_value(name, hint, b, t, world) for name, hint in parameters},
        {name: (values := _accepted_values(hint, world))[actor_index % len(values)]
         for name, hint in parameters},
    ]
    first_name, first_hint = parameters[0]
    wrong = _refused_values(first_hint)
    refused = [
        {**accepted[0], first_name: wrong[actor_index % len(wrong)]},
        {**accepted[0], "role": "owner", "org_id": t.id},  # a forged extra field
        [accepted[0]] if actor_index % 2 else "org_id=1",  # not a mapping at all
    ]
    return accepted + refused


# --- page state a client could have steered -------------------------------------------------

SEED_MODES = ("target", "bystander", "none")


def seed_mode(number: int, actor_index: int) -> str:
    """The page state for a payload: the aimed payloads' own organization, then by actor."""
    return SEED_MODES[number] if number < 2 else SEED_MODES[actor_index % 3]


def _id_for(name: str, org: Org, other: Org) -> int:
    """The id of `org`'s that a parameter or var of this name points at (an organization's
    own id when the name says nothing)."""
    for kind, found in (("other", other.id), ("course", org.course), ("user", org.member_user),
                        ("membership", org.member_membership), ("target", org.member_membership),
                        ("invitation", org.invitation), ("job", org.job)):
        if kind in name:
            return found
    return org.id


@functools.cache
def _id_vars() -> dict[type, tuple[tuple[str, str], ...]]:
    """Per state class: its int vars named like ids and its list[int] vars (a selection)."""
    found = {}
    for cls in STATES:
        names = []
        for name, var_field in cls.get_fields().items():
            var_type = var_field.outer_type_
            if var_type is int and re.search(r"(^|_)id$", name):
                names.append((name, "id"))
            elif typing.get_origin(var_type) is list and typing.get_args(var_type) == (int,):
                names.append((name, "ids"))
        if names:
            found[cls] = tuple(names)
    return found


def seeds(mode: str, world: World, cls: type) -> dict[type, dict[str, Any]]:
    """Values for the ids the handler's state (and its parents) keep. Other states of the
    page keep what its on_load put there: the target's id from the route."""
    org, other = ((world.target, world.bystander) if mode == "target"
                  else (world.bystander, world.target))
    values = {}
    for state_class, names in _id_vars().items():
        if not issubclass(cls, state_class):
            continue
        values[state_class] = {
            name: (0 if mode == "none" else _id_for(name, org, other)) if kind == "id"
            else ([] if mode == "none" else [org.member_membership, org.owner_membership])
            for name, kind in names
        }
    return values


# --- what may change ------------------------------------------------------------------------

@dataclass(frozen=True)
class Who:
    """Who sent the events, as the rules below need it."""

    id: int | None = None  # None: signed out
    account_keys: frozenset[str] = frozenset()  # their sign-in throttle keys


def _own(column: str):
    return lambda row, who: who.id is not None and row.get(column) == who.id


def _anyone(_row, _who):
    return True


def _throttle(*kinds: str):
    """Throttle rows of these kinds ("link", "address", "account", "reset")."""
    return lambda row, _who: row["key"].split(":", 1)[0] in kinds


def _own_account_lock(row, who):
    return row["key"] in who.account_keys


def _audit_of(*prefixes: str):
    """Audit rows of these actions that name no organization."""
    return lambda row, _who: (row["organization_id"] is None
                              and row["action"].startswith(prefixes))


@dataclass(frozen=True)
class Allowed:
    reason: str
    tables: dict[str, Any]  # table -> rule(row, who) that every changed row must pass


_OWN_SESSIONS = {"auth_sessions": _own("user_id"), "audit_events": _own("actor_id")}
_LINK = {"throttle_counters": _throttle("link"), "audit_events": _audit_of("auth.")}
_WRONG_LINK = "a wrong link token counts toward the client address's lock for links"
_MY_ACCOUNT = {"throttle_counters": _own_account_lock, "audit_events": _own("actor_id")}

ALLOWED = {
    "LoginState.sign_in": Allowed(
        "a wrong password counts toward the lock of the account typed (whoever's it is) and "
        "of the address, and is audited naming that account; a right one opens a session", {
            "throttle_counters": _throttle("account", "address"),
            "audit_events": _audit_of("auth."), "auth_sessions": _own("user_id")}),
    "ForgotPasswordState.request_reset": Allowed(
        "asking for a reset link counts per address and per account, and for an existing "
        "account writes its link (hash only) and its e-mail, the same whoever asks", {
            "throttle_counters": _throttle("link", "reset"), "password_set_tokens": _anyone,
            "outbox_messages": _anyone,
            "audit_events": _audit_of("user.request_password_reset", "auth.")}),
    "ResetPasswordState.load": Allowed(_WRONG_LINK, _LINK),
    "ResetPasswordState.submit": Allowed(_WRONG_LINK, _LINK),
    "SetPasswordState.load": Allowed(_WRONG_LINK, _LINK),
    "SetPasswordState.submit": Allowed(_WRONG_LINK, _LINK),
    "InviteState.load": Allowed(_WRONG_LINK, _LINK),
    "InviteState.accept": Allowed(_WRONG_LINK, _LINK),
    "InviteState.create_account": Allowed(_WRONG_LINK, _LINK),
    "ConfirmEmailState.load": Allowed(_WRONG_LINK, _LINK),
    "ConfirmEmailState.confirm": Allowed(_WRONG_LINK, _LINK),
    "AppState.sign_out": Allowed("signing out revokes the tab's own session", _OWN_SESSIONS),
    "InviteState.switch_account": Allowed("signs the tab's own session out", _OWN_SESSIONS),
    "AccountState.sign_out_others": Allowed("ends the actor's own other sessions",
                                            _OWN_SESSIONS),
    "PasswordFormState.change_password": Allowed(
        "a wrong current password counts toward the actor's own sign-in lock; a right one "
        "changes the actor's own password and ends their other sessions", {
            **_MY_ACCOUNT, **_OWN_SESSIONS, "users": _own("id")}),
    "NameFormState.change_name": Allowed("changes the actor's own name", {
        "users": _own("id"), "audit_events": _own("actor_id")}),
    "EmailFormState.change_email": Allowed(
        "a wrong current password counts toward the actor's own sign-in lock; a right one "
        "writes the actor's own confirmation link and its e-mail to the new address", {
            **_MY_ACCOUNT, "password_set_tokens": _own("user_id"), "outbox_messages": _anyone}),
    "CourseState.complete": Allowed("completes a lesson of the actor's own course", {
        "course_progress": _own("user_id"), "audit_events": _own("actor_id")}),
}


# Handlers that raise whatever they are sent. They change nothing and send nothing; they are
# listed so a new handler that raises still fails this test.
KNOWN_TO_RAISE: dict[str, str] = {}


def forbidden_changes(name: str, found, who: Who) -> list[str]:
    allowed = ALLOWED.get(name)
    bad = []
    for change in found:
        rule = allowed.tables.get(change.table) if allowed else None
        if rule is None or not rule(change.row, who):
            bad.append(str(change))
    return bad


# The permission checks' refusals (services/permissions.py), and the sentences the organization
# rules use: seeing one in a reply shows the crafted event got as far as a service.
REFUSALS = (
    "Please sign in first.", "Only staff may do that.", "That organization does not exist.",
    "Only the owner and managers of this organization may do that.",
    "Your membership of this organization is blocked.",
    "Managers of this organization may not do that.", "Only the owner may do that.",
)


# --- the run ---------------------------------------------------------------------------------

@dataclass
class Run:
    """One database, one event processor, the actors' open tabs, the tally."""

    world: World
    runner: asyncio.Runner
    browser: Browser
    tabs: dict[tuple[str, str], str] = field(default_factory=dict)  # (actor, route) -> tab
    events: int = 0
    leaks: list[str] = field(default_factory=list)
    last_rows: dict | None = None  # the rows after the last handler, when nothing ran since
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    started: float = field(default_factory=time.perf_counter)
    fired: set[tuple[str, str]] = field(default_factory=set)  # (handler, actor)
    refused: set[tuple[str, str]] = field(default_factory=set)  # a permission refusal came back
    allowed_changes: set[tuple[str, str]] = field(default_factory=set)  # (handler, actor)

    def cookie(self, actor: str) -> str:
        return self.world.cookies.get(actor, "")

    def rows(self) -> dict:
        started = time.perf_counter()
        try:
            return snapshot(db.get_engine(), IGNORED_COLUMNS)
        finally:
            self.seconds["snapshots"] += time.perf_counter() - started

    async def open_tab(self, actor: str, route: str) -> bool:
        """Opens the actor's tab on the route (hydrated, on_load run) unless it is open;
        whether it opened one."""
        if (actor, route) in self.tabs:
            return False
        tab = self.browser.new_tab()
        path, params = page_path(route, self.world)
        sent = await self.browser.open_page(tab, path=path, query=params,
                                            cookie=self.cookie(actor))
        self.tally(f"opening /{route}", actor, {}, sent)
        self.tabs[actor, route] = tab
        return True

    def tally(self, what: str, actor: str, payload: Any, sent) -> list[str]:
        """Counts the event, notes what it leaked; returns the exceptions it raised."""
        self.events += 1
        if any(refusal in sent.wire for refusal in REFUSALS):
            self.refused.add((what, actor))
        for marker in forbidden_markers(self.world, actor):
            if marker in sent.wire:
                self.leaks.append(f"{what} as {actor}: sent {marker!r}")
        return [f"{actor} {str(payload)[:120]}: {error!r}" for error in sent.errors]

    def heal(self) -> bool:
        """After an allowed handler: actors whose session it ended get a new one (and new
        tabs); whether any did."""
        healed = False
        with db.unit_of_work() as session:
            for actor, user_id in self.world.users.items():
                if auth.user_for_token(session, token=self.world.cookies[actor]) is None:
                    self.world.cookies[actor] = _open_session(session, session.get(User, user_id))
                    self.tabs = {k: v for k, v in self.tabs.items() if k[0] != actor}
                    healed = True
        return healed


def _csv_upload(text: str) -> list[rx.UploadFile]:
    data = text.encode()
    return [rx.UploadFile(file=io.BytesIO(data), path=Path("members.csv"), size=len(data))]


UPLOADS = (
    "name,email,role\nForged Owner,forged.owner@example.com,owner\n"
    "Forged Staff,forged.staff@example.com,staff\n",
    "name,email,role\n=HYPERLINK(\"http://x\"),forged.formula@example.com,manager\n"
    + ("Long," + "y" * 300 + "@example.com,member\n") * 3,
)


@pytest.fixture(scope="module")
def run(_databases, tmp_path_factory):
    url = _databases.migrated(tmp_path_factory.mktemp("every-handler"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MEMBERSYNC_DATABASE_URL", url)
        # Argon2 with its production cost takes ~0.7 s a check on this machine, and sign-in,
        # My account and the link pages check a password at nearly every crafted event. The
        # same library and code path with the smallest cost keeps the run in budget.
        cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        patch.setattr(passwords, "_hasher", cheap)
        patch.setattr(passwords, "_DUMMY_HASH", cheap.hash("membersync-dummy-password"))
        db.get_engine.cache_clear()
        db._read_only_engine.cache_clear()
        runner = asyncio.Runner()
        browser = Browser(APP)
        try:
            world = build_world()
            runner.run(browser.start())
            yield Run(world=world, runner=runner, browser=browser)
        finally:
            runner.run(browser.stop())
            runner.close()
            db.get_engine().dispose()
            db._read_only_engine().dispose()
            db.get_engine.cache_clear()
            db._read_only_engine.cache_clear()
    _databases.drop(url)


def test_handlers_are_discovered():
    assert len(HANDLERS) > 200
    assert {cls.__name__ for _, cls, _ in HANDLERS} >= {"OrgMembersState", "AccountState",
                                                        "BackOfficeState", "LoginState"}


def test_every_state_is_on_a_page_or_under_one():
    """A new state whose page has no on_load still finds the page of its parent state."""
    assert route_for(AppState) == FALLBACK_ROUTE
    assert [cls.__name__ for cls in STATES if cls is not AppState and not _page_state(cls)] == []


def test_allowed_handlers_exist():
    names = {name for name, _, _ in HANDLERS}
    assert set(ALLOWED) <= names, set(ALLOWED) - names
    assert set(IGNORED_COLUMNS) <= table_names()
    for table, columns in IGNORED_COLUMNS.items():
        assert columns <= columns_of(table)


@pytest.mark.parametrize(("name", "table", "row", "forbidden"), [
    ("NameFormState.change_name", "users", {"id": 7}, False),
    ("NameFormState.change_name", "users", {"id": 8}, True),
    ("NameFormState.change_name", "memberships", {"user_id": 7}, True),
    ("PasswordFormState.change_password", "throttle_counters", {"key": "account:ann"}, False),
    ("PasswordFormState.change_password", "throttle_counters", {"key": "account:bob"}, True),
    ("AppState.sign_out", "auth_sessions", {"user_id": 8}, True),
    ("InviteState.accept", "throttle_counters", {"key": "link:203.0.113.77"}, False),
    ("InviteState.accept", "throttle_counters", {"key": "account:bob"}, True),
    ("InviteState.accept", "audit_events", {"organization_id": 1, "action": "auth.x"}, True),
    ("OrgMembersState.remove_one", "audit_events", {"actor_id": 7}, True),
])
def test_an_allowed_handler_may_change_only_what_its_rule_says(name, table, row, forbidden):
    ann = Who(7, frozenset({"account:ann", "account:ann@example.com"}))
    change = Change(table, (1,), None, row)
    assert bool(forbidden_changes(name, [change], ann)) is forbidden


@pytest.mark.parametrize(("name", "cls", "handler"), HANDLERS, ids=[n for n, _, _ in HANDLERS])
def test_every_handler_every_actor(run, name, cls, handler):
    run.runner.run(_fire_for_every_actor(run, name, cls, handler))


async def _fire_for_every_actor(run: Run, name: str, cls: type, handler) -> None:
    world, browser = run.world, run.browser
    route = route_for(cls)
    path, params = page_path(route, world)
    wire_name = event_name(handler)
    upload = any(_is_upload(hint) for _, hint in _parameters(handler))
    opened = False
    for actor in ACTORS:
        opened |= await run.open_tab(actor, route)
    before, run.last_rows = (run.last_rows if not opened and run.last_rows else run.rows()), None
    problems, errors = [], []
    for index, actor in enumerate(ACTORS):
        await run.open_tab(actor, route)  # again, if an allowed handler ended its session
        tab = run.tabs[actor, route]
        run.fired.add((name, actor))
        for number, payload in enumerate(payloads(handler, index, world)):
            await browser.set_vars(tab, seeds(seed_mode(number, index), world, cls))
            if upload and isinstance(payload, dict) and "upload" in payload.values():
                for text in UPLOADS:
                    files = {k: _csv_upload(text) for k, v in payload.items() if v == "upload"}
                    sent = await browser.send(tab, wire_name, {**payload, **files},
                                              path=path, upload=True)
                    errors += run.tally(name, actor, payload, sent)
                continue
            sent = await browser.send(tab, wire_name, payload, path=path, query=params,
                                      cookie=run.cookie(actor))
            errors += run.tally(name, actor, payload, sent)
        if name in ALLOWED:  # what may change depends on who acted: compare per actor
            after = run.rows()
            found = changes(before, after)
            if found:
                run.allowed_changes.add((name, actor))
            problems += [f"as {actor}: {line}" for line in
                         forbidden_changes(name, found, world.who(actor))]
            before = run.rows() if run.heal() else after
    after = run.rows()
    if bad := forbidden_changes(name, changes(before, after), Who()):
        problems += [f"as one of the actors (user ids: {world.users}): {line}" for line in bad]
    run.last_rows = after
    leaks, run.leaks = run.leaks, []
    assert not problems, "\n".join(problems)
    assert not leaks, "\n".join(leaks)
    errors = [line for line in errors if name not in KNOWN_TO_RAISE]
    assert not errors, "\n".join(errors)


def test_the_checks_see_a_change_and_a_leak(run):
    """The same machinery and checks, for the target's owner, who may change and see it all:
    a promotion is caught by the row comparison, and the member list by the marker check."""
    run.runner.run(_as_the_owner(run))


async def _as_the_owner(run: Run) -> None:
    world, browser = run.world, run.browser
    path, params = page_path("dashboard/org/[id]", world)
    tab = browser.new_tab()
    opened = await browser.open_page(tab, path=path, query=params, cookie=world.owner_cookie)
    assert forbidden_markers(world, "outsider") & {m for m in world.target.markers
                                                   if m in opened.wire}
    members = state.org_members.OrgMembersState.event_handlers
    run.last_rows = None
    before = run.rows()
    for handler in ("promote_one", "demote_one"):
        sent = await browser.send(tab, event_name(members[handler]),
                                  {"membership_id": world.target.member_membership},
                                  path=path, query=params, cookie=world.owner_cookie)
        assert not sent.errors
        found = changes(before, run.rows())
        assert any(c.table == "memberships" and c.key == (world.target.member_membership,)
                   for c in found) or handler == "demote_one"
        assert forbidden_changes(f"OrgMembersState.{handler}", found, Who())


def test_tally(run, capsys):
    """Last in the module: what the run above did (printed with -s; the report quotes it)."""
    if len(run.fired) < len(HANDLERS) * len(ACTORS):
        pytest.skip("only part of the handlers ran (-k): no tally")
    handlers = {name for name, _ in run.fired}
    refused = {pair for pair in run.refused if pair in run.fired}
    with capsys.disabled():
        print(f"\n{len(handlers)} handlers x {len(ACTORS)} actor kinds = {len(run.fired)} "
              f"(handler, actor) pairs, {len(refused)} of them answered with a permission "
              f"refusal; {run.events} events in {time.perf_counter() - run.started:.1f} s "
              f"(events {run.browser.seconds['events']:.1f} s, setting vars "
              f"{run.browser.seconds['setting vars']:.1f} s, database snapshots "
              f"{run.seconds['snapshots']:.1f} s)\nallowed handlers that changed rows: "
              + ", ".join(sorted(f"{n} ({a})" for n, a in run.allowed_changes)))
    assert handlers == {name for name, _, _ in HANDLERS}
