"""Authentication of the simulated server: HMAC request signatures and login cookies.

The signature rule is an independent implementation of the real server's rule
(see the protocol reference): the string to sign is
``METHOD\\nPATH\\nQUERY\\nBODY\\nTIMESTAMP\\nCLIENT_ID`` where BODY is the parsed
JSON body re-serialised with sorted keys, no spaces and ASCII escapes, or the
empty string for GET, non-JSON and empty/falsy bodies.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Collection, Container, Mapping
from dataclasses import dataclass
from typing import Any

MISSING_HEADERS = "缺少必要的签名验证参数"
MISSING_HEADERS_OR_SESSION = "未登录或缺少必要的签名验证参数"
BAD_TIMESTAMP = "无效的时间戳格式"
EXPIRED = "请求时间戳过期"
UNKNOWN_CLIENT = "无效的客户端ID"
BAD_SIGNATURE = "签名验证失败"
NOT_LOGGED_IN = "未登录，请先登录"
WRONG_CLIENT_SECRET = "客户端密钥错误"  # upstream line only (URL secret)

SESSION_COOKIE = "session"
SESSION_MAX_AGE = 31 * 24 * 3600  # Flask's default permanent-session lifetime


def is_json_content_type(content_type: str | None) -> bool:
    """Same test as Flask's ``request.is_json``."""
    mimetype = (content_type or "").split(";", 1)[0].strip().lower()
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


# Python's json.dumps(obj, sort_keys=True, separators=(",", ":")), built once:
# json.dumps builds a new encoder on every call with non-default options.
CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


def canonical_body(parsed: Any) -> str:
    """The BODY field of the string to sign for an already-parsed JSON body."""
    if not parsed:
        return ""
    return CANONICAL_JSON.encode(parsed)


def string_to_sign(
    method: str, path: str, query: str, body: str, timestamp: str, client_id: str
) -> str:
    return "\n".join((method.upper(), path, query, body, timestamp, client_id))


def compute_signature(secret: str, message: str) -> str:
    return hmac.digest(secret.encode("utf-8"), message.encode("utf-8"), "sha256").hex()


@dataclass(frozen=True)
class Credentials:
    """The three signature fields of a request ("" when absent)."""

    client_id: str
    timestamp: str
    signature: str


def header_credentials(headers: Mapping[str, str]) -> Credentials:
    """The main line reads the X-* headers only."""
    return Credentials(
        headers.get("x-client-id", ""),
        headers.get("x-timestamp", ""),
        headers.get("x-signature", ""),
    )


def header_or_query_credentials(
    headers: Mapping[str, str], query: Mapping[str, str]
) -> Credentials:
    """The upstream line falls back to ``client_id``/``timestamp``/``signature`` in the query."""
    return Credentials(
        headers.get("x-client-id") or query.get("client_id", ""),
        headers.get("x-timestamp") or query.get("timestamp", ""),
        headers.get("x-signature") or query.get("signature", ""),
    )


@dataclass(frozen=True)
class UrlSecretVerdict:
    used: bool  # both client_id and client_secret were in the query, non-empty
    problem: str | None = None  # the 401 message, or None when they match


def check_url_secret(
    query: Mapping[str, str], secret_for: Callable[[str], str | None]
) -> UrlSecretVerdict:
    """The upstream line's ``?client_id=&client_secret=``: decides alone when both are given.

    No timestamp, no signature; the X-* headers are ignored. Either one
    missing or empty: not used (the request goes on to signature checking).
    """
    client_id, secret = query.get("client_id", ""), query.get("client_secret", "")
    if not (client_id and secret):
        return UrlSecretVerdict(used=False)
    expected = secret_for(client_id)
    if expected is None:
        return UrlSecretVerdict(used=True, problem=UNKNOWN_CLIENT)
    if not hmac.compare_digest(secret.encode("utf-8"), expected.encode("utf-8")):
        return UrlSecretVerdict(used=True, problem=WRONG_CLIENT_SECRET)
    return UrlSecretVerdict(used=True)


class SignatureVerifier:
    """Checks the three signature fields; returns None when valid, else the 401 message."""

    def __init__(
        self,
        secret_for: Callable[[str], str | None],
        timeout_seconds: int,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.secret_for = secret_for
        self.timeout_seconds = timeout_seconds
        self.now = now

    def verify(
        self,
        credentials: Credentials,
        method: str,
        path: str,
        query: str,
        read_body: Callable[[], str],
        missing_message: str = MISSING_HEADERS,
    ) -> str | None:
        """The 401 text for a request, or None when it is signed right.

        ``read_body`` is called only once the headers, the timestamp and the
        client id passed, as the real decorator calls ``get_json()``: a broken
        body behind bad credentials is a 401, not the body's 500.
        """
        client_id, timestamp, signature = (
            credentials.client_id,
            credentials.timestamp,
            credentials.signature,
        )
        if not (client_id and timestamp and signature):
            return missing_message
        try:
            request_time = int(timestamp)
        except ValueError:
            return BAD_TIMESTAMP
        if abs(int(self.now()) - request_time) > self.timeout_seconds:
            return EXPIRED
        secret = self.secret_for(client_id)
        if secret is None:
            return UNKNOWN_CLIENT
        expected = compute_signature(
            secret, string_to_sign(method, path, query, read_body(), timestamp, client_id)
        )
        # Bytes so that a non-ASCII header cannot raise inside compare_digest.
        if not hmac.compare_digest(signature.encode("utf-8"), expected.encode("utf-8")):
            return BAD_SIGNATURE
        return None


@dataclass(frozen=True)
class Session:
    username: str
    session_id: str  # the same across refreshes of one login; logout revokes it


class SessionSigner:
    """Login cookie ``base64(json).issued_at.hmac`` signed with the session secret.

    The payload names the user and a random session id. A cookie is refused
    when forged, older than ``SESSION_MAX_AGE``, issued in the future, of a
    user no longer configured, or of a session logged out (``revoked``).
    """

    def __init__(
        self,
        secret: str,
        users: Collection[str],
        revoked: Container[str] = frozenset(),
        now: Callable[[], float] = time.time,
    ) -> None:
        self._key = hashlib.sha256(("qmt-sim-session:" + secret).encode("utf-8")).digest()
        self.users = frozenset(users)
        self.revoked = revoked
        self.now = now

    def _mac(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode("utf-8", "replace"), hashlib.sha256).hexdigest()

    def issue(self, username: str, session_id: str | None = None) -> str:
        """A cookie for a new login, or a refreshed one (same session id, new issue time)."""
        payload = {"u": username, "s": session_id or secrets.token_hex(16)}
        data = (
            base64.urlsafe_b64encode(json.dumps(payload).encode("utf-8"))
            .decode("ascii")
            .rstrip("=")
        )
        signed = f"{data}.{int(self.now())}"
        return f"{signed}.{self._mac(signed)}"

    def session(self, cookie: str | None) -> Session | None:
        """The login a cookie proves, or None (absent, forged, expired, revoked...)."""
        if not cookie or cookie.count(".") != 2:
            return None
        data, issued, mac = cookie.split(".")
        signed = f"{data}.{issued}"
        if not hmac.compare_digest(
            mac.encode("utf-8", "replace"), self._mac(signed).encode("ascii")
        ):
            return None
        if not issued.isdigit():
            return None
        age = self.now() - int(issued)  # issue times are truncated: never ahead of now
        if age < 0 or age > SESSION_MAX_AGE:
            return None
        try:
            decoded = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
        except ValueError:
            return None
        if not isinstance(decoded, dict):
            return None
        user, session_id = decoded.get("u"), decoded.get("s")
        if not isinstance(user, str) or not isinstance(session_id, str):
            return None
        if user not in self.users or session_id in self.revoked:
            return None
        return Session(user, session_id)

    def username(self, cookie: str | None) -> str | None:
        """The logged-in user of a cookie, or None."""
        found = self.session(cookie)
        return found.username if found is not None else None
