"""Field-level encryption of personal data and the keyed PESEL lookup hash."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.exceptions import InvalidTag

from enrolment.crypto import PREFIX, FieldCipher, InvalidKey, new_master_key

PESEL = "71030512348"


@pytest.fixture
def cipher() -> FieldCipher:
    return FieldCipher(new_master_key())


def test_new_master_key_decodes_to_32_bytes() -> None:
    assert len(base64.urlsafe_b64decode(new_master_key())) == 32


def test_new_master_keys_differ() -> None:
    assert new_master_key() != new_master_key()


@pytest.mark.parametrize("value", [PESEL, "Kowalska", "Żółć gęślą jaźń", "", "x" * 10_000])
def test_decrypt_returns_what_was_encrypted(cipher: FieldCipher, value: str) -> None:
    assert cipher.decrypt("last_name", cipher.encrypt("last_name", value)) == value


def test_token_carries_version_prefix(cipher: FieldCipher) -> None:
    assert cipher.encrypt("pesel", PESEL).startswith(PREFIX)


def test_same_value_encrypts_differently_each_time(cipher: FieldCipher) -> None:
    tokens = {cipher.encrypt("pesel", PESEL) for _ in range(20)}

    assert len(tokens) == 20
    assert all(cipher.decrypt("pesel", token) == PESEL for token in tokens)


def test_plaintext_does_not_appear_in_token(cipher: FieldCipher) -> None:
    for value in (PESEL, "Kowalska", "anna.kowalska@example.org"):
        token = cipher.encrypt("field", value)
        raw = base64.urlsafe_b64decode(token.removeprefix(PREFIX))

        assert value not in token
        assert value.encode() not in raw


def test_token_for_pesel_does_not_decrypt_as_last_name(cipher: FieldCipher) -> None:
    token = cipher.encrypt("pesel", PESEL)

    with pytest.raises(InvalidTag):
        cipher.decrypt("last_name", token)


def test_token_does_not_decrypt_under_another_key(cipher: FieldCipher) -> None:
    token = cipher.encrypt("pesel", PESEL)

    with pytest.raises(InvalidTag):
        FieldCipher(new_master_key()).decrypt("pesel", token)


def test_tampered_token_does_not_decrypt(cipher: FieldCipher) -> None:
    token = cipher.encrypt("pesel", PESEL)
    raw = bytearray(base64.urlsafe_b64decode(token.removeprefix(PREFIX)))
    raw[-1] ^= 0x01
    tampered = PREFIX + base64.urlsafe_b64encode(bytes(raw)).decode()

    with pytest.raises(InvalidTag):
        cipher.decrypt("pesel", tampered)


def test_same_master_key_decrypts_tokens_of_another_instance() -> None:
    key = new_master_key()
    token = FieldCipher(key).encrypt("email", "anna@example.org")

    assert FieldCipher(key).decrypt("email", token) == "anna@example.org"


def test_lookup_hash_is_deterministic_for_the_same_key() -> None:
    key = new_master_key()

    assert FieldCipher(key).lookup_hash(PESEL) == FieldCipher(key).lookup_hash(PESEL)


def test_lookup_hash_differs_between_keys() -> None:
    assert FieldCipher(new_master_key()).lookup_hash(PESEL) != FieldCipher(new_master_key()).lookup_hash(PESEL)


def test_lookup_hash_differs_between_values(cipher: FieldCipher) -> None:
    assert cipher.lookup_hash(PESEL) != cipher.lookup_hash("71030512355")


def test_lookup_hash_is_hex_sha256_without_the_plaintext(cipher: FieldCipher) -> None:
    digest = cipher.lookup_hash(PESEL)

    assert len(digest) == 64
    int(digest, 16)  # hexadecimal, or ValueError
    assert PESEL not in digest


@pytest.mark.parametrize("length", [0, 16, 31, 33, 64])
def test_rejects_master_key_that_is_not_32_bytes(length: int) -> None:
    key = base64.urlsafe_b64encode(os.urandom(length)).decode()

    with pytest.raises(InvalidKey, match="32 bytes"):
        FieldCipher(key)


def test_rejects_master_key_that_is_not_base64() -> None:
    with pytest.raises(InvalidKey):
        FieldCipher("abc")  # incorrect padding
