"""Password hashing (argon2 through pwdlib) and the strength check used at sign-up."""

from __future__ import annotations

import functools
import string

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024

_hasher = PasswordHash((Argon2Hasher(),))

# Exact matches (compared case-insensitively) that already pass the length and variety rules.
_COMMON_PASSWORDS = frozenset(
    {
        "1q2w3e4r5t",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "zaq12wsxcde3",
        "qwertyuiop1",
        "qwerty12345",
        "qwerty123456",
        "asdfghjkl1",
        "abc1234567",
        "abcd123456",
        "abc123456789",
        "a1b2c3d4e5",
        "1234567890a",
        "1234567890q",
        "aa12345678",
        "zxcvbnm123",
        "iloveyou12",
        "trustno1234",
        "passw0rd123",
        "p@ssw0rd123",
        "p@ssword123",
        "contentclipper1",
    }
)
# Words that stay guessable however many digits or symbols are appended ("Password2024!").
_COMMON_WORDS = frozenset(
    {
        "password",
        "passwort",
        "motdepasse",
        "qwerty",
        "qwertyuiop",
        "asdfghjkl",
        "letmein",
        "welcome",
        "iloveyou",
        "admin",
        "administrator",
        "changeme",
        "secret",
        "instagram",
        "facebook",
        "clipper",
        "contentclipper",
        "football",
        "baseball",
        "basketball",
        "sunshine",
        "princess",
        "starwars",
        "superman",
        "batman",
        "dragon",
        "monkey",
        "master",
        "shadow",
        "whatever",
        "trustno",
        "login",
        "abc",
        "abcdef",
        "abcdefgh",
    }
)
_TRAILING_NOISE = string.digits + string.punctuation + " "


def hash_password(password: str) -> str:
    """Hash a password with argon2id and a fresh salt."""
    return _hasher.hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    """Tell whether the password matches the hash; a missing or unknown hash never matches."""
    if hashed is None:
        # Spend the same time as a real check, so login timing does not reveal which emails exist.
        _hasher.verify(password, _dummy_hash())
        return False
    try:
        return _hasher.verify(password, hashed)
    except UnknownHashError:
        return False


def needs_rehash(hashed: str) -> bool:
    """Tell whether the hash was made with weaker parameters (or another scheme) than today's."""
    hasher = _hasher.current_hasher
    if not hasher.identify(hashed):
        return True
    return hasher.check_needs_rehash(hashed)


def password_problems(password: str, *, email: str | None = None) -> list[str]:
    """List what makes the password unacceptable at sign-up, each as advice; empty when it is fine."""
    problems: list[str] = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"Use at most {MAX_PASSWORD_LENGTH} characters.")
    if password and _character_classes(password) < 2:
        problems.append("Mix at least two kinds of characters: lower case, upper case, digits, symbols.")
    if email and _is_email(password, email):
        problems.append("Don't use your email address as your password.")
    if _is_common(password):
        problems.append("This password is too common and easy to guess; choose another.")
    return problems


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash("clipper-timing-equaliser")


def _character_classes(password: str) -> int:
    lower = any(char.islower() for char in password)
    upper = any(char.isupper() for char in password)
    digit = any(char.isdigit() for char in password)
    other = any(not (char.islower() or char.isupper() or char.isdigit()) for char in password)
    return lower + upper + digit + other


def _is_email(password: str, email: str) -> bool:
    candidate = password.strip().casefold()
    address = email.strip().casefold()
    local_part = address.partition("@")[0]
    return candidate in {address, local_part}


def _is_common(password: str) -> bool:
    folded = password.casefold()
    return folded in _COMMON_PASSWORDS or folded.rstrip(_TRAILING_NOISE) in _COMMON_WORDS
