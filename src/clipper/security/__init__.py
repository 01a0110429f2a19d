"""Security primitives: password hashing and strength, encrypted secrets, random tokens."""

from clipper.security.cipher import FernetKeyError, TokenCipher, TokenDecryptError, load_or_create_keys
from clipper.security.passwords import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)
from clipper.security.tokens import hash_token, new_token, tokens_equal

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "FernetKeyError",
    "TokenCipher",
    "TokenDecryptError",
    "hash_password",
    "hash_token",
    "load_or_create_keys",
    "needs_rehash",
    "new_token",
    "password_problems",
    "tokens_equal",
    "verify_password",
]
