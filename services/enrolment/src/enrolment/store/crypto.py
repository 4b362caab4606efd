"""Protection of personal data at rest: envelope encryption with a data key per participant.

- Each participant's personal fields are encrypted with AES-256-GCM under a **data key of their
  own**; the field name and the participant id are bound in as associated data, so a value cannot
  be moved to another field or person.
- The data key is stored only wrapped (encrypted) by a **master key** from the configuration, in a
  collection of its own. Erasure deletes the wrapped key: whatever copies of the ciphertext remain,
  in replicas or backups of the participants, can no longer be read (crypto-shredding).
- Master keys have ids; the current one wraps new data keys, older ones still unwrap, and
  `rewrap` moves a data key to the current master key (key rotation without re-encrypting data).
- PESEL is also kept as a keyed HMAC-SHA-256 (a blind index) to find duplicates without decrypting.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import uuid
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "v1:"
KEY_BYTES = 32
NONCE_BYTES = 12


class InvalidKey(ValueError):
    pass


def decode_key(text: str, name: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode())
    except ValueError as error:
        raise InvalidKey(f"{name} is not URL-safe base64") from error
    if len(raw) != KEY_BYTES:
        raise InvalidKey(f"{name} must decode to {KEY_BYTES} bytes")
    return raw


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose).derive(master)


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> str:
    nonce = os.urandom(NONCE_BYTES)
    return PREFIX + base64.urlsafe_b64encode(nonce + AESGCM(key).encrypt(nonce, plaintext, aad)).decode()


def _open(key: bytes, token: str, aad: bytes) -> bytes:
    raw = base64.urlsafe_b64decode(token.removeprefix(PREFIX).encode())
    return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)


@dataclass(frozen=True)
class WrappedKey:
    key_id: str
    wrapped: str


class DataCipher:
    """Encrypts and decrypts one participant's fields with their data key."""

    def __init__(self, participant_id: uuid.UUID | str, data_key: bytes) -> None:
        self._pid = str(participant_id)
        self._key = data_key

    def encrypt(self, field: str, value: str) -> str:
        return _seal(self._key, value.encode(), f"{field}:{self._pid}".encode())

    def decrypt(self, field: str, token: str) -> str:
        return _open(self._key, token, f"{field}:{self._pid}".encode()).decode()


class Keyring:
    def __init__(self, master_keys: dict[str, bytes], current_key_id: str, lookup_key: bytes) -> None:
        if current_key_id not in master_keys:
            raise InvalidKey(f"the current key id {current_key_id!r} has no key")
        self._masters = {kid: _derive(key, b"aktywni enrolment key wrapping") for kid, key in master_keys.items()}
        self.current_key_id = current_key_id
        self._lookup = _derive(lookup_key, b"aktywni enrolment pesel lookup")

    @classmethod
    def from_config(
        cls, current_key: str, current_key_id: str = "k1", previous_keys: str = "", lookup_key: str = ""
    ) -> Keyring:
        """``previous_keys``: ``id:key,id:key`` still able to unwrap; ``lookup_key`` defaults to the current key."""
        keys = {current_key_id: decode_key(current_key, "ENROLMENT_PII_KEY")}
        for item in filter(None, (part.strip() for part in previous_keys.split(","))):
            kid, _, text = item.partition(":")
            if kid in keys:
                raise InvalidKey(f"ENROLMENT_PII_PREVIOUS_KEYS names key id {kid!r} twice or as the current key")
            keys[kid] = decode_key(text, f"ENROLMENT_PII_PREVIOUS_KEYS[{kid}]")
        lookup = decode_key(lookup_key, "ENROLMENT_LOOKUP_KEY") if lookup_key else keys[current_key_id]
        return cls(keys, current_key_id, lookup)

    def new_data_key(self, participant_id: uuid.UUID | str) -> tuple[WrappedKey, DataCipher]:
        data_key = os.urandom(KEY_BYTES)
        wrapped = _seal(self._masters[self.current_key_id], data_key, f"dek:{participant_id}".encode())
        return WrappedKey(self.current_key_id, wrapped), DataCipher(participant_id, data_key)

    def open_data_key(self, participant_id: uuid.UUID | str, wrapped: WrappedKey) -> DataCipher:
        master = self._masters.get(wrapped.key_id)
        if master is None:
            raise InvalidKey(f"no master key {wrapped.key_id!r} is configured")
        return DataCipher(participant_id, _open(master, wrapped.wrapped, f"dek:{participant_id}".encode()))

    def rewrap(self, participant_id: uuid.UUID | str, wrapped: WrappedKey) -> WrappedKey:
        """The same data key, wrapped by the current master key."""
        master = self._masters.get(wrapped.key_id)
        if master is None:
            raise InvalidKey(f"no master key {wrapped.key_id!r} is configured")
        data_key = _open(master, wrapped.wrapped, f"dek:{participant_id}".encode())
        return WrappedKey(
            self.current_key_id,
            _seal(self._masters[self.current_key_id], data_key, f"dek:{participant_id}".encode()),
        )

    def lookup_hash(self, value: str) -> str:
        return hmac.new(self._lookup, value.encode(), hashlib.sha256).hexdigest()
