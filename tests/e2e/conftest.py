"""End-to-end harness: the real production build, its own database, Debian's Chromium.

The app is built and started once per test session on a free port, with a temporary SQLite
database migrated by alembic. Each test starts on an empty database (`_empty_database`), creates
what it needs through the same factories as the unit tests (the app reads the database on
every event, so nothing is cached), then drives Chromium and asserts what a person sees and
what the database holds: no test sees another's rows.
`start_app(env_overrides, tmp)` starts another instance the same way with other settings
(test_scale_out_e2e.py: PostgreSQL, Redis, three workers).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import Engine

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("MEMBERSYNC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_TIMEOUT_SECONDS = 300
# How long an expectation waits for its condition. Signing in loads two whole pages (the cookie
# route, then the landing page); on a 2-core machine running three workers that can take more
# than Playwright's default 5 s.
expect.set_options(timeout=15_000)


class MailCatcher:
    """A real SMTP server on loopback (aiosmtpd) that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, _server, _session, envelope):  # aiosmtpd handler hook
        with self._arrived:
            self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def wait_for(self, address: str, count: int = 1, timeout: float = 20) -> list[EmailMessage]:
        """The messages to `address` once there are `count` (mail the app sends after it
        answered the page); fails when they do not come within `timeout` seconds."""
        with self._arrived:
            arrived = self._arrived.wait_for(lambda: len(self.to(address)) >= count, timeout)
        assert arrived, f"{count} message(s) to {address} did not arrive: {self.messages}"
        return self.to(address)


@dataclass
class SmtpServer:
    host: str
    port: int
    catcher: MailCatcher

    def app_env(self) -> dict[str, str]:
        return {
            "MEMBERSYNC_SMTP_HOST": self.host,
            "MEMBERSYNC_SMTP_PORT": str(self.port),
            "MEMBERSYNC_MAIL_FROM": "membersync@example.test",
        }


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    from aiosmtpd.controller import Controller

    catcher = MailCatcher()
    controller = Controller(catcher, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield SmtpServer(host="127.0.0.1", port=controller.port, catcher=catcher)
    finally:
        controller.stop()


@dataclass
class RunningApp:
    url: str
    database_url: str
    engine: Engine
    log_path: Path
    pid: int  # the `reflex run` process; its process group holds every worker
    app_dir: Path  # the private copy the app was built in

    def log_errors(self) -> list[str]:
        """Lines the app logged as errors (tracebacks, ERROR records) so far."""
        text = self.log_path.read_text(errors="replace")
        return [line for line in text.splitlines() if "Traceback" in line or " ERROR " in line]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(url: str, process: subprocess.Popen, log_path: Path) -> None:
    """Poll /ping and / until both answer; fail early if the server process died."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited while starting:\n{log_path.read_text()[-4000:]}")
        try:
            for path in ("/ping", "/"):
                with urllib.request.urlopen(url + path, timeout=2) as response:
                    response.read()
            return
        except OSError:
            time.sleep(0.5)  # polling a server that is starting; not test synchronisation
    raise RuntimeError(f"the app did not start in time:\n{log_path.read_text()[-4000:]}")


# What the app needs to build and run; copied so parallel runs never share a .web build folder.
APP_FILES = ("rxconfig.py", "membersync_app", "assets", "reflex.lock", "alembic", "alembic.ini")


def _copy_app(destination: Path) -> Path:
    """A private copy of the app's source to build in (its own .web), like a clean clone."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in APP_FILES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name,
                            ignore=shutil.ignore_patterns("__pycache__", ".web"))
        elif source.exists():
            shutil.copy2(source, destination / name)
    return destination


def _migrate(database_url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "membersync_app.cli", "migrate"],
        cwd=REPO_ROOT,
        env={**os.environ, "MEMBERSYNC_DATABASE_URL": database_url},
        check=True,
    )


@contextmanager
def start_app(env_overrides: Mapping[str, str], tmp: Path) -> Iterator[RunningApp]:
    """Build and run the production app (single port, a free one) as an operator would.

    `env_overrides` must name an already migrated database in MEMBERSYNC_DATABASE_URL; anything
    else in it (REFLEX_REDIS_URL, GRANIAN_WORKERS, SMTP settings ...) is passed on as well.
    The app runs from a private copy of the source under `tmp` (its own .web), logs to
    `tmp / "app.log"`, and its whole process group (all workers) is stopped when the block ends.
    """
    from membersync_app.db import make_engine

    database_url = env_overrides["MEMBERSYNC_DATABASE_URL"]
    app_dir = _copy_app(tmp / "src")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp / "app.log"
    env = {
        **os.environ,
        "MEMBERSYNC_BASE_URL": url,
        "REFLEX_FRONTEND_PORT": str(port),
        "REFLEX_TELEMETRY_ENABLED": "false",
        **env_overrides,
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "reflex", "run", "--env", "prod", "--single-port"],
            cwd=app_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    engine = make_engine(database_url)
    try:
        _wait_until_serving(url, process, log_path)
        yield RunningApp(url=url, database_url=database_url, engine=engine, log_path=log_path,
                         pid=process.pid, app_dir=app_dir)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        with suppress(ProcessLookupError):  # a worker that outlived its supervisor
            os.killpg(process.pid, signal.SIGKILL)
        engine.dispose()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, smtp_server) -> Iterator[RunningApp]:
    workdir = tmp_path_factory.mktemp("app")
    database_url = f"sqlite:///{workdir / 'e2e.db'}"
    _migrate(database_url)
    with start_app({"MEMBERSYNC_DATABASE_URL": database_url, **smtp_server.app_env()},
                   workdir) as app:
        yield app


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def app_url(app_server) -> str:
    return app_server.url


@pytest.fixture
def uow(app_server):
    """Open a transaction on the app's database: `with uow() as session: ...`."""
    from membersync_app.db import unit_of_work

    return lambda: unit_of_work(app_server.engine)


@contextmanager
def no_new_app_errors(app: RunningApp) -> Iterator[None]:
    """Fail when `app` logs an error while the block runs."""
    before = len(app.log_errors())
    yield
    new_errors = app.log_errors()[before:]
    assert not new_errors, "the app logged errors:\n" + "\n".join(new_errors)


# Rows a test may leave behind without another test seeing them: the outbox (the app's
# delivery threads may still be recording a send of the last test's mail; tests find their
# mail by address), and alembic's own.
KEPT_BETWEEN_TESTS = {"outbox_messages", "alembic_version"}


@pytest.fixture(autouse=True)
def _empty_database(app_server):
    """Before each test, every table of the shared app's database is emptied (children before
    parents), so no test depends on, or is disturbed by, another test's rows."""
    from sqlmodel import SQLModel

    import membersync_app.models  # noqa: F401  (every table is in the metadata)

    with app_server.engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name not in KEPT_BETWEEN_TESTS:
                connection.execute(table.delete())
    yield


@pytest.fixture(autouse=True)
def _no_app_errors(request, app_server):
    """Fail the test when the app logged an error while it ran."""
    with no_new_app_errors(app_server):
        yield


def at(app_url: str, path: str) -> re.Pattern:
    """A URL pattern for `path` on the app; the production build may add a trailing slash."""
    route, _, query = path.partition("?")
    pattern = re.escape(app_url + route.rstrip("/")) + "/?"
    if query:
        pattern += re.escape("?" + query)
    return re.compile(pattern + "$")


def sign_in(page, app_url: str, login: str, password: str) -> None:
    """Sign in through the real form and wait until the app has moved on from /login."""
    from playwright.sync_api import expect

    page.goto(f"{app_url}/login")
    page.get_by_label("Username or email").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signed-in-as")).to_be_visible()


def sign_in_on_a_phone(page, app_url: str, login: str, password: str) -> None:
    """Sign in on a phone-sized window: the header folds into its Menu button."""
    from playwright.sync_api import expect

    page.goto(f"{app_url}/login")
    page.get_by_label("Username or email").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Menu")).to_be_visible()


# ---------------------------------------------------------------- what fits on the screen

PHONE = {"width": 390, "height": 844}


def assert_inside(box: dict, outer: dict, what: str) -> None:
    """`box` lies wholly inside `outer` (half a pixel of rounding allowed)."""
    assert box is not None, f"{what} is not rendered"
    assert box["x"] >= outer["x"] - 0.5, f"{what} starts left of its frame: {box} in {outer}"
    assert box["x"] + box["width"] <= outer["x"] + outer["width"] + 0.5, \
        f"{what} runs off the right of its frame: {box} in {outer}"


def viewport_box(page) -> dict:
    size = page.viewport_size
    return {"x": 0, "y": 0, "width": size["width"], "height": size["height"]}


def assert_no_sideways_scroll(page) -> None:
    """Nothing makes the page itself wider than the window (a wide table scrolls in its box)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width} px wide"
