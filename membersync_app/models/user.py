"""People who sign in, and their server-side sign-in sessions."""

from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from .timeutil import utcnow


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


class AuthSession(SQLModel, table=True):
    """A signed-in browser. Only the SHA-256 of its random token is stored.

    A session starts as a one-minute, single-use sign-in grant (`activated_at` empty): the page
    that checked the password hands the browser to a server route, which swaps the grant for
    the real token in an HttpOnly cookie, so no script ever sees the session token.
    """

    __tablename__ = "auth_sessions"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = Field(default=None)
    activated_at: datetime | None = Field(default=None)


class PasswordSetToken(SQLModel, table=True):
    """A one-time "set your password" link sent to a person added by e-mail."""

    __tablename__ = "password_set_tokens"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = Field(default=None)
