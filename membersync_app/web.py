"""The HTTP side of the app, for what Reflex's socket cannot do safely on its own.

- `/_auth/session` swaps a one-minute sign-in grant for the session token and sets it in an
  HttpOnly, SameSite=Strict cookie (Secure over HTTPS); `/_auth/sign-out` revokes the session
  and clears the cookie. No script ever sees the token.
- Uploads (`/_upload`) carry the tab's client token, which is no credential: an upload is let
  through only when the cookie it was sent with belongs to the session the tab's state is bound
  to (see state/event_guard.py).
- `/_reports/csv` and `/_members/csv` stream a report table or the members table as CSV to the
  cookie's user (the service re-checks permission); `/_members/csv-template` is Import CSV's
  template.
- `/health` says whether the database and Redis answer, and how many e-mails wait in the outbox.
- Every response carries the security headers below.
"""

import base64
import hashlib
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from reflex.istate.manager.token import BaseStateToken
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from . import routes
from .db import read_only_unit, unit_of_work
from .models import utcnow
from .services import auth, csv_import, csv_safety, mail, members, reports
from .services.errors import ServiceError
from .services.report_filters import ReportFilters
from .settings import SESSION_COOKIE, cookies_secure
from .state.base import AppState, session_token_from_cookie_header

ASGIApp = Callable[[dict, Callable, Callable], Awaitable[None]]
UPLOAD_PATH = "/_upload"
BUILT_PAGES = Path(".web/build/client")


def _activate(grant: str, user_agent: str) -> str | None:
    with unit_of_work() as session:
        return auth.activate_session(session, grant=grant, user_agent=user_agent)


def _revoke(token: str) -> None:
    with unit_of_work() as session:
        auth.sign_out(session, token=token)


def _session_id(token: str) -> int | None:
    if not token:
        return None
    with read_only_unit() as session:
        return auth.session_id_for_token(session, token=token)


def _see_other(path: str) -> Response:
    response = RedirectResponse(path, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


async def open_session(request: Request) -> Response:
    target = routes.safe_next(request.query_params.get("next"), "/")
    token = await run_in_threadpool(_activate, request.query_params.get("grant", ""),
                                    request.headers.get("user-agent", ""))
    if token is None:  # used, expired or made up: sign in again
        return _see_other(routes.login_with_next(target))
    response = _see_other(target)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=int(auth.SESSION_LIFETIME.total_seconds()), path="/",
        httponly=True, samesite="strict", secure=cookies_secure(),
    )
    return response


async def close_session(request: Request) -> Response:
    await run_in_threadpool(_revoke, request.cookies.get(SESSION_COOKIE, ""))
    response = _see_other(routes.safe_next(request.query_params.get("next"), routes.LOGIN))
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                           secure=cookies_secure())
    return response


def _health() -> tuple[bool, dict[str, Any]]:
    report: dict[str, Any] = {}
    try:
        with read_only_unit() as session:
            report["database"] = "ok"
            report["outbox_backlog"] = mail.backlog(session)
    except SQLAlchemyError as error:
        report["database"] = f"unreachable: {type(error).__name__}"
    redis_url = os.environ.get("REFLEX_REDIS_URL", "")
    if not redis_url:
        report["redis"] = "not used"
    else:
        try:
            Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2).ping()
            report["redis"] = "ok"
        except RedisError as error:
            report["redis"] = f"unreachable: {type(error).__name__}"
    healthy = report["database"] == "ok" and report["redis"] in ("ok", "not used")
    return healthy, report


async def health(_request: Request) -> Response:
    """For load balancers and operators: 200 when the database (and Redis, when used) answer,
    503 otherwise; the body says which, and how many e-mails wait in the outbox."""
    healthy, report = await run_in_threadpool(_health)
    return JSONResponse({"status": "ok" if healthy else "unavailable", **report},
                        status_code=200 if healthy else 503,
                        headers={"Cache-Control": "no-store"})


def _report_csv_rows(token: str, params: dict[str, Any]) -> Iterator[tuple]:
    """The rows of one report table, read in one read-only transaction. The service checks
    who asks (the cookie's user) and what they may see."""
    with read_only_unit() as session:
        yield from reports.export_rows(
            session, actor=auth.user_for_token(session, token=token),
            org_id=params.get("org", ""), report=params.get("report", ""),
            filters=ReportFilters.from_query(params), course_id=params.get("course") or None,
            membership_id=params.get("member") or None, sort=params.get("sort", ""),
            descending=params.get("desc") == "1", search=params.get("search", ""))


def _members_csv_rows(token: str, params: dict[str, Any]) -> Iterator[tuple]:
    """Export members to CSV: the members table as searched and sorted; the service checks
    that the cookie's user may see this organization's members."""
    with read_only_unit() as session:
        yield from members.export_members(
            session, actor=auth.user_for_token(session, token=token), org_id=params.get("org", ""),
            search=params.get("search", ""), sort=params.get("sort", ""),
            descending=params.get("desc") == "1")


def _query_with_ids(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query_params.items())
    for key in ("org", "course", "member"):  # ids arrive as text; the services want ints
        if params.get(key, "").isascii() and params.get(key, "").isdigit():
            params[key] = int(params[key])
    return params


async def _csv_download(rows: Iterator[tuple], filename: Callable[[], str]) -> Response:
    """Stream `rows` as a CSV download (csv_safety neutralises every cell). The first row is
    read before anything is sent: by then the service has run every check, so a refusal is
    a whole response — 400 for a bad parameter (a field), 403 otherwise."""
    lines = csv_safety.csv_lines(rows)
    try:
        first = await run_in_threadpool(next, lines)
    except ServiceError as error:
        return Response(error.message + "\n", status_code=400 if error.field else 403,
                        media_type="text/plain", headers={"Cache-Control": "no-store"})

    async def body() -> AsyncIterator[str]:
        yield first
        while (line := await run_in_threadpool(next, lines, None)) is not None:
            yield line

    return StreamingResponse(body(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename()}"',
        "Cache-Control": "no-store"})


async def report_csv(request: Request) -> Response:
    """GET /_reports/csv?org=…&report=course|user|course_members|member_courses&<filters>:
    the table as shown, every row, streamed (10,000 rows never sit in memory)."""
    params = _query_with_ids(request)
    rows = _report_csv_rows(request.cookies.get(SESSION_COOKIE, ""), params)
    return await _csv_download(
        rows, lambda: reports.csv_filename(str(params.get("report", "")), params["org"]))


async def members_csv(request: Request) -> Response:
    """GET /_members/csv?org=…&search=…&sort=name|email|role|status|joined&desc=1: every
    member the table would show, in its order, streamed."""
    params = _query_with_ids(request)
    rows = _members_csv_rows(request.cookies.get(SESSION_COOKIE, ""), params)
    return await _csv_download(
        rows, lambda: f"membersync-members-{params['org']}-{utcnow():%Y%m%d}.csv")


async def members_csv_template(_request: Request) -> Response:
    """GET /_members/csv-template: the columns Import CSV reads and two example rows. The same
    for everyone (it holds nobody's data), so no session is needed."""
    return Response("".join(csv_import.template_lines()), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="{csv_import.TEMPLATE_FILENAME}"'})


async def _bound_session_id(client_token: str) -> int | None:
    """The session the tab's state belongs to (None: a signed-out or unknown tab)."""
    from .membersync_app import app  # imported late: the app module imports this one

    root = await app.state_manager.get_state(BaseStateToken(ident=client_token, cls=AppState))
    return (await root.get_state(AppState))._session_id


class UploadGate:
    """Refuses an upload unless its own cookie proves the session its tab is bound to."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http" and scope["path"].endswith(UPLOAD_PATH):
            headers = Headers(scope=scope)
            client_token = headers.get("reflex-client-token", "")
            token = session_token_from_cookie_header(headers.get("cookie", ""))
            proven = await run_in_threadpool(_session_id, token)
            if not client_token or proven is None or proven != await _bound_session_id(
                    client_token):
                refusal = JSONResponse({"detail": "Sign in again to upload a file."},
                                       status_code=403)
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)


@cache
def inline_script_hashes(build_dir: Path = BUILT_PAGES) -> tuple[str, ...]:
    """CSP hashes of the inline scripts the production build puts in its pages, so the
    policy allows exactly those and no other inline script."""
    found = {
        "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
        for page in build_dir.rglob("*.html")
        for body in _INLINE_SCRIPT.findall(page.read_bytes())
    }
    return tuple(sorted(found))


def content_security_policy() -> str:
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' " + " ".join(inline_script_hashes()),
        "style-src 'self' 'unsafe-inline'",  # Radix and emotion write style attributes
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


@cache
def security_headers() -> list[tuple[bytes, bytes]]:
    headers = {
        "content-security-policy": content_security_policy(),
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
        "x-frame-options": "DENY",
    }
    return [(name.encode(), value.encode()) for name, value in headers.items()]


class SecurityHeaders:
    """Adds the security headers to every HTTP response (pages, API, uploads)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((name, value) for name, value in security_headers() if name not in names),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def wrap_backend(backend: ASGIApp) -> ASGIApp:
    """Reflex's api_transformer: the auth routes first, then Reflex (socket, upload, pages)."""
    server = Starlette(routes=[
        Route(routes.AUTH_SESSION, open_session, methods=["GET"]),
        Route(routes.AUTH_SIGN_OUT, close_session, methods=["GET"]),
        Route(routes.REPORT_CSV, report_csv, methods=["GET"]),
        Route(routes.MEMBERS_CSV, members_csv, methods=["GET"]),
        Route(routes.MEMBERS_CSV_TEMPLATE, members_csv_template, methods=["GET"]),
        Route(routes.HEALTH, health, methods=["GET"]),
    ])
    server.mount("", UploadGate(backend))
    return SecurityHeaders(server)
