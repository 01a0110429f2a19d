"""Security primitives: password hashing and strength, the token cipher and its keys, random tokens."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pwdlib.hashers.argon2 import Argon2Hasher
from structlog.testing import capture_logs

from clipper.config import Settings
from clipper.security import (
    FernetKeyError,
    TokenCipher,
    TokenDecryptError,
    hash_password,
    hash_token,
    load_or_create_keys,
    needs_rehash,
    new_token,
    password_problems,
    tokens_equal,
    verify_password,
)

SECRET = "EAAB-long-lived-page-token-0123456789"


def new_key() -> str:
    return Fernet.generate_key().decode()


class TestHashPassword:
    def test_the_right_password_verifies(self) -> None:
        assert verify_password("correct horse battery", hash_password("correct horse battery"))

    def test_a_wrong_password_does_not_verify(self) -> None:
        assert not verify_password("incorrect horse", hash_password("correct horse battery"))

    def test_hashes_are_argon2id_and_salted(self) -> None:
        first, second = hash_password("same password"), hash_password("same password")
        assert first.startswith("$argon2id$")
        assert first != second
        assert "same password" not in first

    def test_a_missing_hash_never_verifies(self) -> None:
        assert not verify_password("anything at all", None)

    def test_a_hash_of_an_unknown_scheme_never_verifies(self) -> None:
        assert not verify_password("anything at all", "$2b$12$not-an-argon2-hash")
        assert not verify_password("anything at all", "plaintext")


class TestNeedsRehash:
    def test_a_fresh_hash_does_not(self) -> None:
        assert not needs_rehash(hash_password("correct horse battery"))

    def test_a_hash_with_weaker_parameters_does(self) -> None:
        weak = Argon2Hasher(time_cost=1, memory_cost=8 * 1024).hash("correct horse battery")
        assert verify_password("correct horse battery", weak)
        assert needs_rehash(weak)

    def test_a_hash_of_another_scheme_does(self) -> None:
        assert needs_rehash("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW")


class TestPasswordProblems:
    def test_a_good_password_has_none(self) -> None:
        assert password_problems("Tulips-in-April", email="ana@example.com") == []

    def test_a_short_password_is_refused(self) -> None:
        assert password_problems("Sh0rt!") == ["Use at least 10 characters."]

    def test_a_password_of_one_kind_of_character_is_refused(self) -> None:
        assert password_problems("onlylowercaseletters") == [
            "Mix at least two kinds of characters: lower case, upper case, digits, symbols."
        ]
        assert password_problems("48151623420815") != []

    def test_the_email_address_is_refused(self) -> None:
        problems = password_problems("Ana.Garcia@Example.com", email="ana.garcia@example.com")
        assert problems == ["Don't use your email address as your password."]

    def test_the_email_local_part_is_refused(self) -> None:
        problems = password_problems("Ana.Garcia99", email="ana.garcia99@example.com")
        assert "Don't use your email address as your password." in problems

    @pytest.mark.parametrize("password", ["Password2024!", "qwerty12345", "1q2w3e4r5t", "Instagram123"])
    def test_a_common_password_is_refused(self, password: str) -> None:
        assert password_problems(password) == [
            "This password is too common and easy to guess; choose another."
        ]

    def test_every_problem_is_reported_at_once(self) -> None:
        assert len(password_problems("ana", email="ana@example.com")) == 3

    def test_an_absurdly_long_password_is_refused(self) -> None:
        assert password_problems("Ab1" * 400) == ["Use at most 1024 characters."]


class TestTokenCipher:
    def test_decrypt_returns_what_was_encrypted(self) -> None:
        cipher = TokenCipher([new_key()])
        ciphertext = cipher.encrypt(SECRET)
        assert SECRET not in ciphertext
        assert cipher.decrypt(ciphertext) == SECRET

    def test_the_same_plaintext_encrypts_differently_each_time(self) -> None:
        cipher = TokenCipher([new_key()])
        assert cipher.encrypt(SECRET) != cipher.encrypt(SECRET)

    def test_a_ciphertext_from_an_unknown_key_is_a_decrypt_error(self) -> None:
        ciphertext = TokenCipher([new_key()]).encrypt(SECRET)
        with pytest.raises(TokenDecryptError) as caught:
            TokenCipher([new_key()]).decrypt(ciphertext)
        assert SECRET not in str(caught.value)
        assert ciphertext not in str(caught.value)

    @pytest.mark.parametrize("garbage", ["", "not-a-token", "gAAAAA" + "x" * 80, "jalapeño"])
    def test_garbage_is_a_decrypt_error(self, garbage: str) -> None:
        with pytest.raises(TokenDecryptError):
            TokenCipher([new_key()]).decrypt(garbage)

    def test_a_tampered_ciphertext_is_a_decrypt_error(self) -> None:
        cipher = TokenCipher([new_key()])
        ciphertext = cipher.encrypt(SECRET)
        tampered = ciphertext[:-6] + ("A" if ciphertext[-6] != "A" else "B") + ciphertext[-5:]
        with pytest.raises(TokenDecryptError):
            cipher.decrypt(tampered)

    def test_rotation_moves_a_ciphertext_to_the_newest_key(self) -> None:
        old, new = new_key(), new_key()
        ciphertext = TokenCipher([old]).encrypt(SECRET)
        during = TokenCipher([new, old])
        assert during.decrypt(ciphertext) == SECRET
        assert during.needs_rotation(ciphertext)
        rotated = during.rotate(ciphertext)
        assert not during.needs_rotation(rotated)
        assert TokenCipher([new]).decrypt(rotated) == SECRET
        with pytest.raises(TokenDecryptError):
            TokenCipher([new]).decrypt(ciphertext)

    def test_rotating_what_no_key_opens_is_a_decrypt_error(self) -> None:
        ciphertext = TokenCipher([new_key()]).encrypt(SECRET)
        with pytest.raises(TokenDecryptError):
            TokenCipher([new_key()]).rotate(ciphertext)

    def test_needs_rotation_of_what_no_key_opens_is_a_decrypt_error(self) -> None:
        ciphertext = TokenCipher([new_key()]).encrypt(SECRET)
        with pytest.raises(TokenDecryptError):
            TokenCipher([new_key()]).needs_rotation(ciphertext)

    def test_invalid_key_material_is_a_config_error_that_hides_the_key(self) -> None:
        bad = "this-is-not-a-fernet-key-but-looks-secret"
        with pytest.raises(FernetKeyError, match="#2") as caught:
            TokenCipher([new_key(), bad])
        assert bad not in str(caught.value)

    def test_no_key_is_a_config_error(self) -> None:
        with pytest.raises(FernetKeyError, match="FERNET_KEY"):
            TokenCipher([])

    def test_a_single_string_is_refused(self) -> None:
        with pytest.raises(TypeError, match="list of keys"):
            TokenCipher(new_key())

    def test_repr_hides_the_keys(self) -> None:
        key = new_key()
        assert key not in repr(TokenCipher([key, new_key()]))
        assert repr(TokenCipher([key, new_key()])) == "TokenCipher(keys=<2 hidden>)"

    def test_generated_keys_are_usable(self) -> None:
        key = TokenCipher.generate_key()
        assert TokenCipher([key]).decrypt(TokenCipher([key]).encrypt(SECRET)) == SECRET

    def test_from_settings_reads_the_comma_separated_keys(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        old, new = new_key(), new_key()
        ciphertext = TokenCipher([old]).encrypt(SECRET)
        monkeypatch.setenv("FERNET_KEY", f"{new}, {old}")
        cipher = TokenCipher.from_settings(Settings(data_dir=tmp_path, _env_file=None))
        assert cipher.decrypt(ciphertext) == SECRET
        assert not (tmp_path / "fernet.key").exists()


class TestLoadOrCreateKeys:
    def test_configured_keys_are_used_as_given(self, tmp_path: Path) -> None:
        keys = [new_key(), new_key()]
        assert load_or_create_keys(keys, data_dir=tmp_path, production=True) == keys
        assert not (tmp_path / "fernet.key").exists()

    def test_development_without_a_key_generates_one_file_only_the_owner_reads(self, tmp_path: Path) -> None:
        data_dir = tmp_path / "data"
        with capture_logs() as logs:
            keys = load_or_create_keys([], data_dir=data_dir, production=False)
        key_file = data_dir / "fernet.key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert key_file.read_text().strip() == keys[0]
        assert TokenCipher(keys).decrypt(TokenCipher(keys).encrypt(SECRET)) == SECRET
        assert [entry["log_level"] for entry in logs] == ["warning"]
        assert keys[0] not in repr(logs)
        assert list(data_dir.iterdir()) == [key_file]

    def test_development_reuses_the_generated_key(self, tmp_path: Path) -> None:
        first = load_or_create_keys([], data_dir=tmp_path, production=False)
        ciphertext = TokenCipher(first).encrypt(SECRET)
        second = load_or_create_keys([""], data_dir=tmp_path, production=False)
        assert second == first
        assert TokenCipher(second).decrypt(ciphertext) == SECRET

    def test_processes_starting_together_agree_on_one_key(self, tmp_path: Path) -> None:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(
                pool.map(lambda _: load_or_create_keys([], data_dir=tmp_path, production=False), range(16))
            )
        assert len({tuple(keys) for keys in results}) == 1
        assert [path.name for path in tmp_path.iterdir()] == ["fernet.key"]

    def test_production_without_a_key_refuses_to_start(self, tmp_path: Path) -> None:
        load_or_create_keys([], data_dir=tmp_path, production=False)
        with pytest.raises(FernetKeyError, match="production refuses to start"):
            load_or_create_keys([], data_dir=tmp_path, production=True)

    def test_an_empty_key_file_is_a_config_error(self, tmp_path: Path) -> None:
        (tmp_path / "fernet.key").write_text("\n")
        with pytest.raises(FernetKeyError, match="empty"):
            load_or_create_keys([], data_dir=tmp_path, production=False)


class TestTokens:
    def test_new_tokens_are_long_and_unique(self) -> None:
        tokens = {new_token() for _ in range(100)}
        assert len(tokens) == 100
        assert all(len(token) >= 43 for token in tokens)

    def test_hash_token_is_stable_and_hides_the_token(self) -> None:
        token = new_token()
        assert hash_token(token) == hash_token(token)
        assert token not in hash_token(token)
        assert hash_token(token) != hash_token(new_token())

    def test_tokens_equal_compares_values(self) -> None:
        token = new_token()
        assert tokens_equal(token, str(token))
        assert not tokens_equal(token, new_token())
