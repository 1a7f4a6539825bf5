"""Settings read from the environment (DESIGN.md §5), in one place."""

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///membersync.db"
SESSION_COOKIE = "membersync_session"


def database_url() -> str:
    return os.environ.get("MEMBERSYNC_DATABASE_URL") or DEFAULT_DATABASE_URL


def base_url() -> str:
    return (os.environ.get("MEMBERSYNC_BASE_URL") or "http://localhost:3000").rstrip("/")


def cookies_secure() -> bool:
    """Session cookies only travel over HTTPS once the app is served over HTTPS."""
    return base_url().startswith("https://")


def listen_host() -> str:
    """The address the server listens on: every interface by default (a server people reach
    from other machines); 127.0.0.1 behind a reverse proxy on the same machine."""
    return os.environ.get("MEMBERSYNC_LISTEN_HOST") or "0.0.0.0"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str
    starttls: bool
    mail_from: str


def smtp_settings() -> SmtpSettings | None:
    """The SMTP server to deliver through, or None: mail then goes to the outbox and the log."""
    host = os.environ.get("MEMBERSYNC_SMTP_HOST", "")
    if not host:
        return None
    return SmtpSettings(
        host=host,
        port=int(os.environ.get("MEMBERSYNC_SMTP_PORT", "25")),
        user=os.environ.get("MEMBERSYNC_SMTP_USER", ""),
        password=os.environ.get("MEMBERSYNC_SMTP_PASSWORD", ""),
        starttls=os.environ.get("MEMBERSYNC_SMTP_STARTTLS", "").lower() in {"1", "true", "yes"},
        mail_from=os.environ.get("MEMBERSYNC_MAIL_FROM", "membersync@localhost"),
    )
