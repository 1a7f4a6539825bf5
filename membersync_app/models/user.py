"""People who sign in, and their server-side sign-in sessions."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from .columns import enum_column, version_field, versioned
from .timeutil import utcnow


@versioned
class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (
        # Sign-in and "is this username taken" compare lower-cased usernames: this index serves
        # those lookups and stops "Ann" and "ann" from both existing.
        Index("uq_users_username_lower", text("lower(username)"), unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=150, unique=True, index=True)
    email: str = Field(max_length=254, unique=True, index=True)  # stored lower-case
    full_name: str = Field(default="", max_length=200)
    password_hash: str = Field(default="", max_length=255)  # empty: no password set yet
    is_staff: bool = Field(default=False)
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)
    version: int | None = version_field()


class _HashedToken(SQLModel):
    """What a sign-in session and an e-mailed link share: a random token of which only the
    SHA-256 is stored (a stolen database holds no usable token), the account it is for, and
    when it stops working. Not a table itself."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class AuthSession(_HashedToken, table=True):
    """A signed-in browser. Only the SHA-256 of its random token is stored.

    A session starts as a one-minute, single-use sign-in grant (`activated_at` empty): the page
    that checked the password hands the browser to a server route, which swaps the grant for
    the real token in an HttpOnly cookie, so no script ever sees the session token.
    """

    __tablename__ = "auth_sessions"

    revoked_at: datetime | None = Field(default=None)
    activated_at: datetime | None = Field(default=None)
    # For "My account": which browser (as it named itself) and when it last sent an event.
    user_agent: str = Field(default="", max_length=300)
    last_seen_at: datetime | None = Field(default=None)


class LinkPurpose(StrEnum):
    """What an e-mailed account link does (PasswordSetToken.purpose)."""

    SET_PASSWORD = "set_password"  # the first password of an account added by e-mail
    RESET_PASSWORD = "reset_password"  # "Forgot your password?"
    CHANGE_EMAIL = "change_email"  # confirms `new_email` for the account


class PasswordSetToken(_HashedToken, table=True):
    """A one-time e-mailed account link: "set your password" for a person added by e-mail,
    "reset your password", or "confirm your new e-mail address" (`purpose`)."""

    __tablename__ = "password_set_tokens"

    used_at: datetime | None = Field(default=None)
    purpose: LinkPurpose = Field(
        default=LinkPurpose.SET_PASSWORD,
        sa_column=enum_column(LinkPurpose, "link_purpose"),
    )
    new_email: str | None = Field(default=None, max_length=254)  # CHANGE_EMAIL only
