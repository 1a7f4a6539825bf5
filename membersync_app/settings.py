"""Settings read from the environment (DESIGN.md §5), typed and checked in one place.

`read_settings()` checks every variable at once and names each bad one in a `SettingsError`;
the CLI and rxconfig.py call it at start-up, so `./scripts/run.sh` stops with one clear line
instead of failing at the first e-mail. The small functions below read one setting each.
"""

import ipaddress
import os
from collections.abc import Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DEFAULT_DATABASE_URL = "sqlite:///membersync.db"
DEFAULT_BASE_URL = "http://localhost:3000"
DEFAULT_LISTEN_HOST = "0.0.0.0"  # every interface: a server people reach from other machines
SESSION_COOKIE = "membersync_session"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class SettingsError(ValueError):
    """Some environment variables are wrong; the message names each one."""


class SmtpSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    host: str
    port: Annotated[int, Field(ge=1, le=65535)] = 25
    user: str = ""
    password: str = ""
    starttls: bool = False
    mail_from: str = "membersync@localhost"


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    database_url: str = DEFAULT_DATABASE_URL
    base_url: str = DEFAULT_BASE_URL
    listen_host: str = DEFAULT_LISTEN_HOST
    smtp: SmtpSettings | None = None

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, url: str) -> str:
        if not url.startswith(("sqlite:", "postgresql")):
            raise ValueError("must be an sqlite:/// or postgresql+psycopg:// URL")
        return url

    @field_validator("base_url")
    @classmethod
    def _web_address(cls, url: str) -> str:
        if not url.startswith(("http://", "https://")) or len(url) < len("http://x"):
            raise ValueError("must start with http:// or https://")
        return url.rstrip("/")

    @field_validator("listen_host")
    @classmethod
    def _ip_address(cls, host: str) -> str:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise ValueError("must be an IP address such as 127.0.0.1 or 0.0.0.0") from None
        return host


# Which environment variable each setting comes from (for the messages).
_VARIABLES = {
    ("database_url",): "MEMBERSYNC_DATABASE_URL",
    ("base_url",): "MEMBERSYNC_BASE_URL",
    ("listen_host",): "MEMBERSYNC_LISTEN_HOST",
    ("smtp", "host"): "MEMBERSYNC_SMTP_HOST",
    ("smtp", "port"): "MEMBERSYNC_SMTP_PORT",
    ("smtp", "user"): "MEMBERSYNC_SMTP_USER",
    ("smtp", "password"): "MEMBERSYNC_SMTP_PASSWORD",
    ("smtp", "starttls"): "MEMBERSYNC_SMTP_STARTTLS",
    ("smtp", "mail_from"): "MEMBERSYNC_MAIL_FROM",
}


def _flag(text: str) -> bool | str:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    return False if lowered in _FALSE else text  # anything else: pydantic refuses it


def read_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Every setting, checked; SettingsError names every variable that is wrong."""
    env = os.environ if environ is None else environ
    smtp = None
    if env.get("MEMBERSYNC_SMTP_HOST"):
        smtp = {
            "host": env["MEMBERSYNC_SMTP_HOST"],
            "port": env.get("MEMBERSYNC_SMTP_PORT") or 25,
            "user": env.get("MEMBERSYNC_SMTP_USER", ""),
            "password": env.get("MEMBERSYNC_SMTP_PASSWORD", ""),
            "starttls": _flag(env.get("MEMBERSYNC_SMTP_STARTTLS", "")),
            "mail_from": env.get("MEMBERSYNC_MAIL_FROM") or "membersync@localhost",
        }
    try:
        return Settings(
            database_url=env.get("MEMBERSYNC_DATABASE_URL") or DEFAULT_DATABASE_URL,
            base_url=env.get("MEMBERSYNC_BASE_URL") or DEFAULT_BASE_URL,
            listen_host=env.get("MEMBERSYNC_LISTEN_HOST") or DEFAULT_LISTEN_HOST,
            smtp=smtp,
        )
    except ValidationError as error:
        problems = [
            f"{_VARIABLES.get(tuple(map(str, problem['loc'])), problem['loc'])}: "
            f"{problem['msg'].removeprefix('Value error, ')}"
            for problem in error.errors()
        ]
        raise SettingsError("; ".join(problems)) from None


def database_url() -> str:
    return read_settings().database_url


def base_url() -> str:
    return read_settings().base_url


def cookies_secure() -> bool:
    """Session cookies only travel over HTTPS once the app is served over HTTPS."""
    return base_url().startswith("https://")


def listen_host() -> str:
    """The address the server listens on: 127.0.0.1 behind a reverse proxy on the same
    machine."""
    return read_settings().listen_host


def smtp_settings() -> SmtpSettings | None:
    """The SMTP server to deliver through, or None: mail then goes to the outbox and the log."""
    return read_settings().smtp
