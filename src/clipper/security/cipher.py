"""Encryption of stored secrets (access tokens) with rotatable Fernet keys, and where the keys come from."""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import structlog
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

if TYPE_CHECKING:
    from clipper.config import Settings

DEV_KEY_FILENAME = "fernet.key"
_GENERATE_HINT = (
    "generate one with: "
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


class FernetKeyError(RuntimeError):
    """FERNET_KEY is missing or malformed: the service must not start."""


class TokenDecryptError(Exception):
    """A ciphertext could not be decrypted with any configured key (or was tampered with)."""

    def __init__(self) -> None:
        super().__init__(
            "A stored secret could not be decrypted: it is corrupt or was encrypted with a key "
            "that is no longer in FERNET_KEY."
        )


class TokenCipher:
    """Encrypt and decrypt strings under a list of Fernet keys, newest first."""

    def __init__(self, keys: Sequence[str]) -> None:
        if isinstance(keys, str):
            raise TypeError("TokenCipher takes a list of keys, not one string; split FERNET_KEY on commas.")
        if not keys:
            raise FernetKeyError(f"No encryption key: set FERNET_KEY; {_GENERATE_HINT}")
        fernets = [_fernet(key, position) for position, key in enumerate(keys, start=1)]
        self._primary = fernets[0]
        self._multi = MultiFernet(fernets)
        self._key_count = len(fernets)

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenCipher:
        """Build the cipher from FERNET_KEY, or the development key file when it is unset."""
        keys = load_or_create_keys(
            settings.fernet_key, data_dir=settings.data_dir, production=settings.is_production
        )
        return cls(keys)

    @staticmethod
    def generate_key() -> str:
        """Return a new random key in the format FERNET_KEY expects."""
        return Fernet.generate_key().decode("ascii")

    def encrypt(self, plaintext: str) -> str:
        """Encrypt under the newest key."""
        return self._multi.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        """Decrypt with whichever configured key fits."""
        try:
            return self._multi.decrypt(ciphertext.encode("utf-8")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise TokenDecryptError() from None

    def rotate(self, ciphertext: str) -> str:
        """Re-encrypt under the newest key, keeping the original timestamp."""
        try:
            return self._multi.rotate(ciphertext.encode("utf-8")).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise TokenDecryptError() from None

    def needs_rotation(self, ciphertext: str) -> bool:
        """Tell whether the ciphertext was encrypted under an older key than the newest."""
        try:
            self._primary.decrypt(ciphertext.encode("utf-8"))
        except (InvalidToken, UnicodeError):
            self.decrypt(ciphertext)
            return True
        return False

    def __repr__(self) -> str:
        return f"TokenCipher(keys=<{self._key_count} hidden>)"


def load_or_create_keys(keys: Sequence[str], *, data_dir: Path, production: bool) -> list[str]:
    """Return the configured keys; in development without any, a key kept in `<data_dir>/fernet.key`."""
    configured = [key.strip() for key in keys if key.strip()]
    if configured:
        return configured
    if production:
        raise FernetKeyError(
            "FERNET_KEY is not set: production refuses to start without it, because stored tokens "
            f"would be unreadable after a restart; {_GENERATE_HINT}"
        )
    path = data_dir / DEV_KEY_FILENAME
    # Looked up per call, not cached per module: this runs once per start and tests capture it.
    log = structlog.get_logger(__name__)
    if not path.exists():
        _create_key_file(path)
        log.warning("generated a development encryption key; set FERNET_KEY in production", path=str(path))
    else:
        log.warning("FERNET_KEY is not set: using the development key file", path=str(path))
    return _read_key_file(path)


def _fernet(key: str, position: int) -> Fernet:
    try:
        return Fernet(key.strip().encode("ascii"))
    except (ValueError, UnicodeError):
        # The message names the key's position, never its content.
        raise FernetKeyError(
            f"FERNET_KEY entry #{position} is not a valid Fernet key (32 url-safe base64-encoded bytes); "
            + _GENERATE_HINT
        ) from None


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(TokenCipher.generate_key() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        # A hard link never replaces an existing file: if another process (API and worker starting
        # together) won the race, its key stays and both read the same one.
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)


def _read_key_file(path: Path) -> list[str]:
    keys = [line.strip() for line in path.read_text(encoding="ascii").splitlines() if line.strip()]
    if not keys:
        raise FernetKeyError(f"The development key file {path} is empty: delete it to generate a new one.")
    return keys
