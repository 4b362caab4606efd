"""Server-side sessions in memory: the cookie holds only a signed random id, never a token.

A session holds the signed-in person's tokens (access, refresh, id), the CSRF token of its forms,
and, between the redirect to the provider and the callback, the PKCE verifier, state and nonce.
It keeps no personal data of participants. Sessions end after ``idle_seconds`` without a request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field


@dataclass
class Session:
    session_id: str
    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    access_token: str = ""
    refresh_token: str = ""
    id_token: str = ""
    expires_at: float = 0.0
    user: str = ""
    organisation_id: str = ""
    role: str = ""
    #: the sign-in in progress: state → (PKCE verifier, nonce, where to go afterwards)
    pending: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    seen: float = field(default_factory=time.monotonic)

    @property
    def signed_in(self) -> bool:
        return bool(self.access_token)

    def sign_out(self) -> None:
        self.access_token = self.refresh_token = self.id_token = ""
        self.user = self.organisation_id = self.role = ""
        self.expires_at = 0.0
        self.csrf_token = secrets.token_urlsafe(32)


class Sessions:
    def __init__(self, secret: str, idle_seconds: int = 1800) -> None:
        self._key = hashlib.sha256(secret.encode()).digest()
        self._sessions: dict[str, Session] = {}
        self.idle_seconds = idle_seconds

    def _sign(self, session_id: str) -> str:
        return hmac.new(self._key, session_id.encode(), hashlib.sha256).hexdigest()

    def cookie_value(self, session: Session) -> str:
        return f"{session.session_id}.{self._sign(session.session_id)}"

    def new(self) -> Session:
        self._expire()
        session = Session(secrets.token_urlsafe(32))
        self._sessions[session.session_id] = session
        return session

    def find(self, cookie: str | None) -> Session | None:
        """The session a cookie names, if its signature holds and it has not been idle too long."""
        if not cookie or "." not in cookie:
            return None
        session_id, signature = cookie.rsplit(".", 1)
        if not hmac.compare_digest(signature, self._sign(session_id)):
            return None
        session = self._sessions.get(session_id)
        if session is None or time.monotonic() - session.seen > self.idle_seconds:
            self._sessions.pop(session_id, None)
            return None
        session.seen = time.monotonic()
        return session

    def end(self, session: Session) -> None:
        self._sessions.pop(session.session_id, None)

    def _expire(self) -> None:
        now = time.monotonic()
        for session_id in [k for k, s in self._sessions.items() if now - s.seen > self.idle_seconds]:
            del self._sessions[session_id]
