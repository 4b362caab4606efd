"""Envelope encryption of personal data: a data key per participant, master-key rotation, the PESEL lookup hash."""

from __future__ import annotations

import base64
import os
import uuid

import pytest
from cryptography.exceptions import InvalidTag

from enrolment.store.crypto import KEY_BYTES, PREFIX, DataCipher, InvalidKey, Keyring, WrappedKey, new_key

PESEL = "71030512348"
PARTICIPANT = uuid.UUID("0190a8f2-7c1e-7d4a-9b2e-3f5a6c7d8e9f")
OTHER_PARTICIPANT = uuid.UUID("0190a8f2-7c1e-7d4a-9b2e-3f5a6c7d8ea0")


@pytest.fixture
def keyring() -> Keyring:
    return Keyring.from_config(new_key())


@pytest.fixture
def cipher(keyring: Keyring) -> DataCipher:
    _, data_cipher = keyring.new_data_key(PARTICIPANT)
    return data_cipher


def flip_last_byte(token: str) -> str:
    raw = bytearray(base64.urlsafe_b64decode(token.removeprefix(PREFIX)))
    raw[-1] ^= 0x01
    return PREFIX + base64.urlsafe_b64encode(bytes(raw)).decode()


def key_of_length(length: int) -> str:
    return base64.urlsafe_b64encode(os.urandom(length)).decode()


# --- keys -------------------------------------------------------------------------------------------


def test_new_key_decodes_to_32_bytes() -> None:
    assert len(base64.urlsafe_b64decode(new_key())) == KEY_BYTES == 32


def test_new_keys_differ() -> None:
    assert new_key() != new_key()


def test_invalid_key_is_a_value_error() -> None:
    assert issubclass(InvalidKey, ValueError)


@pytest.mark.parametrize("length", [0, 16, 31, 33, 64])
def test_from_config_rejects_current_key_that_is_not_32_bytes(length: int) -> None:
    with pytest.raises(InvalidKey, match=r"ENROLMENT_PII_KEY must decode to 32 bytes"):
        Keyring.from_config(key_of_length(length))


def test_from_config_rejects_current_key_that_is_not_base64() -> None:
    with pytest.raises(InvalidKey, match="ENROLMENT_PII_KEY"):
        Keyring.from_config("abc")  # incorrect padding


def test_from_config_rejects_a_bad_previous_key_naming_its_id() -> None:
    with pytest.raises(InvalidKey, match=r"ENROLMENT_PII_PREVIOUS_KEYS\[k0\]"):
        Keyring.from_config(new_key(), "k1", previous_keys=f"k0:{key_of_length(16)}")


def test_from_config_rejects_a_previous_key_without_a_key() -> None:
    with pytest.raises(InvalidKey, match=r"ENROLMENT_PII_PREVIOUS_KEYS\[k0\]"):
        Keyring.from_config(new_key(), "k1", previous_keys="k0")


def test_from_config_rejects_a_bad_lookup_key() -> None:
    with pytest.raises(InvalidKey, match="ENROLMENT_LOOKUP_KEY"):
        Keyring.from_config(new_key(), lookup_key=key_of_length(20))


def test_keyring_rejects_a_current_key_id_that_has_no_key() -> None:
    with pytest.raises(InvalidKey, match="'k2' has no key"):
        Keyring({"k1": os.urandom(KEY_BYTES)}, "k2", os.urandom(KEY_BYTES))


def test_from_config_ignores_blanks_and_spaces_in_previous_keys() -> None:
    old_key = new_key()
    old = Keyring.from_config(old_key, "k0")
    wrapped, data_cipher = old.new_data_key(PARTICIPANT)
    token = data_cipher.encrypt("pesel", PESEL)

    rotated = Keyring.from_config(new_key(), "k1", previous_keys=f" , k0:{old_key} ,")

    assert rotated.open_data_key(PARTICIPANT, wrapped).decrypt("pesel", token) == PESEL


# --- data keys --------------------------------------------------------------------------------------


def test_new_data_key_is_wrapped_by_the_current_master_key() -> None:
    keyring = Keyring.from_config(new_key(), "k7")

    wrapped, _ = keyring.new_data_key(PARTICIPANT)

    assert keyring.current_key_id == "k7"
    assert wrapped.key_id == "k7"
    assert wrapped.wrapped.startswith(PREFIX)


def test_opened_data_key_decrypts_what_the_new_one_encrypted(keyring: Keyring) -> None:
    wrapped, data_cipher = keyring.new_data_key(PARTICIPANT)
    token = data_cipher.encrypt("last_name", "Kowalska")

    assert keyring.open_data_key(PARTICIPANT, wrapped).decrypt("last_name", token) == "Kowalska"


def test_another_keyring_with_the_same_master_key_opens_the_data_key() -> None:
    master = new_key()
    wrapped, data_cipher = Keyring.from_config(master).new_data_key(PARTICIPANT)
    token = data_cipher.encrypt("email", "anna@example.org")

    assert Keyring.from_config(master).open_data_key(PARTICIPANT, wrapped).decrypt("email", token) == (
        "anna@example.org"
    )


def test_participant_id_may_be_given_as_uuid_or_text(keyring: Keyring) -> None:
    wrapped, data_cipher = keyring.new_data_key(PARTICIPANT)
    token = data_cipher.encrypt("pesel", PESEL)

    assert keyring.open_data_key(str(PARTICIPANT), wrapped).decrypt("pesel", token) == PESEL


def test_each_participant_gets_a_different_data_key(keyring: Keyring) -> None:
    _, first = keyring.new_data_key(PARTICIPANT)
    _, second = keyring.new_data_key(PARTICIPANT)
    token = first.encrypt("pesel", PESEL)

    with pytest.raises(InvalidTag):
        second.decrypt("pesel", token)


def test_data_key_wrapped_for_one_participant_does_not_open_for_another(keyring: Keyring) -> None:
    wrapped, _ = keyring.new_data_key(PARTICIPANT)

    with pytest.raises(InvalidTag):
        keyring.open_data_key(OTHER_PARTICIPANT, wrapped)


def test_data_key_does_not_open_under_another_master_key_of_the_same_id() -> None:
    wrapped, _ = Keyring.from_config(new_key(), "k1").new_data_key(PARTICIPANT)

    with pytest.raises(InvalidTag):
        Keyring.from_config(new_key(), "k1").open_data_key(PARTICIPANT, wrapped)


def test_data_key_with_an_unknown_key_id_is_an_invalid_key(keyring: Keyring) -> None:
    wrapped, _ = keyring.new_data_key(PARTICIPANT)

    with pytest.raises(InvalidKey, match="no master key 'k9'"):
        keyring.open_data_key(PARTICIPANT, WrappedKey("k9", wrapped.wrapped))


def test_tampered_wrapped_key_does_not_open(keyring: Keyring) -> None:
    wrapped, _ = keyring.new_data_key(PARTICIPANT)

    with pytest.raises(InvalidTag):
        keyring.open_data_key(PARTICIPANT, WrappedKey(wrapped.key_id, flip_last_byte(wrapped.wrapped)))


# --- field encryption -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [PESEL, "Kowalska", "Żółć gęślą jaźń", "", "x" * 10_000])
def test_decrypt_returns_what_was_encrypted(cipher: DataCipher, value: str) -> None:
    assert cipher.decrypt("last_name", cipher.encrypt("last_name", value)) == value


def test_token_carries_version_prefix(cipher: DataCipher) -> None:
    assert cipher.encrypt("pesel", PESEL).startswith(PREFIX)


def test_same_value_encrypts_differently_each_time(cipher: DataCipher) -> None:
    tokens = {cipher.encrypt("pesel", PESEL) for _ in range(20)}

    assert len(tokens) == 20
    assert all(cipher.decrypt("pesel", token) == PESEL for token in tokens)


def test_plaintext_does_not_appear_in_token(cipher: DataCipher) -> None:
    for value in (PESEL, "Kowalska", "anna.kowalska@example.org"):
        token = cipher.encrypt("field", value)
        raw = base64.urlsafe_b64decode(token.removeprefix(PREFIX))

        assert value not in token
        assert value.encode() not in raw


def test_token_for_one_field_does_not_decrypt_as_another(cipher: DataCipher) -> None:
    token = cipher.encrypt("pesel", PESEL)

    with pytest.raises(InvalidTag):
        cipher.decrypt("last_name", token)


def test_token_of_one_participant_does_not_decrypt_under_another_participants_cipher(keyring: Keyring) -> None:
    _, cipher_a = keyring.new_data_key(PARTICIPANT)
    _, cipher_b = keyring.new_data_key(OTHER_PARTICIPANT)
    token = cipher_a.encrypt("pesel", PESEL)

    with pytest.raises(InvalidTag):
        cipher_b.decrypt("pesel", token)


def test_participant_id_is_bound_even_under_the_same_data_key() -> None:
    data_key = os.urandom(KEY_BYTES)
    token = DataCipher(PARTICIPANT, data_key).encrypt("pesel", PESEL)

    assert DataCipher(str(PARTICIPANT), data_key).decrypt("pesel", token) == PESEL
    with pytest.raises(InvalidTag):
        DataCipher(OTHER_PARTICIPANT, data_key).decrypt("pesel", token)


def test_tampered_token_does_not_decrypt(cipher: DataCipher) -> None:
    token = cipher.encrypt("pesel", PESEL)

    with pytest.raises(InvalidTag):
        cipher.decrypt("pesel", flip_last_byte(token))


# --- rotation ---------------------------------------------------------------------------------------


def test_rotation_keeps_old_data_keys_readable_until_rewrapped_and_then_needs_only_the_new_key() -> None:
    old_key, new_master = new_key(), new_key()
    wrapped_old, data_cipher = Keyring.from_config(old_key, "k1").new_data_key(PARTICIPANT)
    token = data_cipher.encrypt("pesel", PESEL)
    rotating = Keyring.from_config(new_master, "k2", previous_keys=f"k1:{old_key}")

    assert rotating.open_data_key(PARTICIPANT, wrapped_old).decrypt("pesel", token) == PESEL

    rewrapped = rotating.rewrap(PARTICIPANT, wrapped_old)
    only_new = Keyring.from_config(new_master, "k2")

    assert rewrapped.key_id == "k2"
    assert rewrapped.wrapped != wrapped_old.wrapped
    assert only_new.open_data_key(PARTICIPANT, rewrapped).decrypt("pesel", token) == PESEL
    with pytest.raises(InvalidKey, match="no master key 'k1'"):
        only_new.open_data_key(PARTICIPANT, wrapped_old)


def test_after_rotation_new_data_keys_are_wrapped_by_the_new_master_key() -> None:
    old_key = new_key()
    rotating = Keyring.from_config(new_key(), "k2", previous_keys=f"k1:{old_key}")

    wrapped, _ = rotating.new_data_key(PARTICIPANT)

    assert wrapped.key_id == "k2"
    with pytest.raises(InvalidKey):
        Keyring.from_config(old_key, "k1").open_data_key(PARTICIPANT, wrapped)


def test_rewrap_refuses_an_unknown_key_id(keyring: Keyring) -> None:
    wrapped, _ = keyring.new_data_key(PARTICIPANT)

    with pytest.raises(InvalidKey, match="no master key 'k0'"):
        keyring.rewrap(PARTICIPANT, WrappedKey("k0", wrapped.wrapped))


def test_rewrap_refuses_a_data_key_of_another_participant(keyring: Keyring) -> None:
    wrapped, _ = keyring.new_data_key(PARTICIPANT)

    with pytest.raises(InvalidTag):
        keyring.rewrap(OTHER_PARTICIPANT, wrapped)


# --- lookup hash ------------------------------------------------------------------------------------


def test_lookup_hash_is_deterministic_for_the_same_key() -> None:
    key = new_key()

    assert Keyring.from_config(key).lookup_hash(PESEL) == Keyring.from_config(key).lookup_hash(PESEL)


def test_lookup_hash_differs_between_keys() -> None:
    assert Keyring.from_config(new_key()).lookup_hash(PESEL) != Keyring.from_config(new_key()).lookup_hash(PESEL)


def test_lookup_hash_differs_between_values(keyring: Keyring) -> None:
    assert keyring.lookup_hash(PESEL) != keyring.lookup_hash("71030512355")


def test_lookup_hash_is_hex_sha256_without_the_plaintext(keyring: Keyring) -> None:
    digest = keyring.lookup_hash(PESEL)

    assert len(digest) == 64
    assert set(digest) <= set("0123456789abcdef")
    assert PESEL not in digest


def test_lookup_hash_is_stable_across_a_rotation_when_a_lookup_key_is_given() -> None:
    lookup, old_key = new_key(), new_key()
    before = Keyring.from_config(old_key, "k1", lookup_key=lookup)
    after = Keyring.from_config(new_key(), "k2", previous_keys=f"k1:{old_key}", lookup_key=lookup)

    assert after.lookup_hash(PESEL) == before.lookup_hash(PESEL)


def test_lookup_hash_follows_the_current_key_when_no_lookup_key_is_given() -> None:
    old_key = new_key()
    before = Keyring.from_config(old_key, "k1")
    after = Keyring.from_config(new_key(), "k2", previous_keys=f"k1:{old_key}")

    assert after.lookup_hash(PESEL) != before.lookup_hash(PESEL)
    assert Keyring.from_config(old_key, "k1", lookup_key=old_key).lookup_hash(PESEL) == before.lookup_hash(PESEL)


def test_a_previous_key_reusing_the_current_key_id_is_refused() -> None:
    with pytest.raises(InvalidKey, match="'k2'"):
        Keyring.from_config(new_key(), "k2", previous_keys=f"k2:{new_key()}")
