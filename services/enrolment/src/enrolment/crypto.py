"""Field-level protection of personal data at rest.

Each personal field is encrypted with AES-256-GCM (a random nonce per value, the field name as
associated data so a value cannot be moved to another field). PESEL is also stored as a keyed
HMAC-SHA-256, which finds duplicates without decrypting anything. Both keys derive from one
master key (``ENROLMENT_PII_KEY``, 32 bytes in URL-safe base64) through HKDF.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "v1:"


class InvalidKey(ValueError):
    pass


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


def new_master_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


class FieldCipher:
    def __init__(self, master_key: str) -> None:
        try:
            master = base64.urlsafe_b64decode(master_key.encode())
        except ValueError as error:
            raise InvalidKey("ENROLMENT_PII_KEY is not URL-safe base64") from error
        if len(master) != 32:
            raise InvalidKey("ENROLMENT_PII_KEY must decode to 32 bytes")
        self._aead = AESGCM(_derive(master, b"aktywni enrolment pii encryption"))
        self._mac_key = _derive(master, b"aktywni enrolment pesel lookup")

    def encrypt(self, field: str, value: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, value.encode(), field.encode())
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, field: str, token: str) -> str:
        raw = base64.urlsafe_b64decode(token.removeprefix(PREFIX).encode())
        return self._aead.decrypt(raw[:12], raw[12:], field.encode()).decode()

    def lookup_hash(self, value: str) -> str:
        return hmac.new(self._mac_key, value.encode(), hashlib.sha256).hexdigest()
