"""Password hashes: argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile), never the password itself."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
MIN_LENGTH = 10


def check_strength(password: str) -> str | None:
    """Why ``password`` is too weak (an i18n key), or None."""
    if len(password) < MIN_LENGTH:
        return "access_password_short"
    if password.strip() != password or not password.strip():
        return "access_password_blank"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches ``stored_hash`` (False for no hash or a malformed one)."""
    if not stored_hash:
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's (re-hash at the next sign-in)."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
