"""Password hashing with Argon2id, and the random tokens behind sessions and e-mailed links."""

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the user does not exist, so a wrong username costs as long as a wrong
# password and response time does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("membersync-dummy-password")


def _utf8(text: str) -> bytes:
    """`text` as UTF-8; a lone surrogate (a JSON client can send "\\ud800") is kept as its
    bytes instead of raising UnicodeEncodeError. Any other text encodes as before, so existing
    hashes still verify."""
    return text.encode("utf-8", "surrogatepass")


def hash_password(password: str) -> str:
    return _hasher.hash(_utf8(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return (_hasher.verify(password_hash or _DUMMY_HASH, _utf8(password))
                and bool(password_hash))
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> tuple[str, str]:
    """A random URL-safe token and its SHA-256 hex digest (only the digest is stored).

    A fast hash is right here: the token has 256 random bits, nothing to brute-force.
    """
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(_utf8(token)).hexdigest()
