"""HMAC-SHA256 request signing, as the QMT server verifies it.

The server signs ``METHOD\\nPATH\\nQUERY\\nBODY\\nTIMESTAMP\\nCLIENT_ID`` where
BODY is not the bytes sent but the server's own re-serialisation of the parsed
JSON (sorted keys, no spaces, non-ASCII as ``\\uXXXX``). Reproducing that
exactly is the whole point of this module.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Generator

import httpx

from qmt_facade.clock import TIMESTAMP_EXPIRED

__all__ = [
    "QMTSignatureAuth",
    "canonical_body",
    "compute_signature",
    "string_to_sign",
]

HEADER_CLIENT_ID = "X-Client-ID"
HEADER_TIMESTAMP = "X-Timestamp"
HEADER_SIGNATURE = "X-Signature"

# Same settings as the server's json.dumps(obj, sort_keys=True,
# separators=(",", ":")); built once because json.dumps constructs a new
# encoder on every call when given non-default arguments.
_CANONICAL_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


def canonical_body(content: bytes) -> str:
    """The BODY field: the JSON re-serialised the way the server does it.

    Empty content, or JSON that parses to a falsy value (``{}``, ``[]``,
    ``0``, ``null``...), gives ``""``. Invalid JSON raises ``ValueError``
    (the server would answer 400 anyway).
    """
    if not content:
        return ""
    parsed = json.loads(content)
    if not parsed:
        return ""
    return _CANONICAL_ENCODER.encode(parsed)


def string_to_sign(
    method: str,
    path: str,
    query: str,
    body: str,
    timestamp: int | str,
    client_id: str,
) -> str:
    """The six newline-joined fields; ``body`` is already canonical.

    ``path`` is percent-decoded (what Flask's ``request.path`` holds) and
    ``query`` is the raw query string without ``?``. GET signs no body.
    """
    method = method.upper()
    if method == "GET":
        body = ""
    return f"{method}\n{path}\n{query}\n{body}\n{timestamp}\n{client_id}"


def compute_signature(secret_key: str | bytes, message: str) -> str:
    """Lowercase hex HMAC-SHA256 of ``message`` (UTF-8) under ``secret_key``."""
    key = secret_key.encode("utf-8") if isinstance(secret_key, str) else secret_key
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def _is_json(content_type: str | None) -> bool:
    # Mirrors Flask's request.is_json: the server ignores the body (signs "")
    # unless the mimetype is application/json or application/*+json.
    if not content_type:
        return False
    mimetype = content_type.split(";", 1)[0].strip().lower()
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


class QMTSignatureAuth(httpx.Auth):
    """Adds ``X-Client-ID``, ``X-Timestamp`` and ``X-Signature`` to each request.

    Works with both ``httpx.Client`` and ``httpx.AsyncClient``. The secret is
    turned into an HMAC object at construction and not kept as text, so it
    cannot show up in ``repr()``, ``vars()`` or tracebacks.
    """

    requires_request_body = True
    # The 401 body tells an expired timestamp from a bad signature.
    requires_response_body = True

    def __init__(
        self,
        client_id: str,
        secret_key: str | bytes,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not isinstance(client_id, str) or not client_id or not client_id.isprintable():
            # client_id is not secret, but keep the message free of it anyway:
            # a caller may have swapped the two arguments.
            raise TypeError("client_id must be a non-empty printable str")
        if isinstance(secret_key, str):
            key = secret_key.encode("utf-8")
        elif isinstance(secret_key, bytes):
            key = secret_key
        else:
            raise TypeError("secret_key must be str or bytes")
        if not key:
            raise ValueError("secret_key must not be empty")
        self.client_id = client_id
        self._clock = clock
        # Keyed once; .copy() per request skips re-deriving the padded key.
        self._mac = hmac.new(key, digestmod=hashlib.sha256)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client_id={self.client_id!r})"

    def sign(self, method: str, path: str, query: str, body: str, timestamp: int | str) -> str:
        """Signature for already-extracted fields (``body`` canonical)."""
        message = string_to_sign(method, path, query, body, timestamp, self.client_id)
        mac = self._mac.copy()
        mac.update(message.encode("utf-8"))
        return mac.hexdigest()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self._sign_request(request)
        response = yield request
        if response.status_code == 401 and _says_timestamp_expired(response):
            # The server refused before doing anything. The client's clock
            # has meanwhile learned the server's time from this answer's
            # Date header (qmt_facade.clock): sign again and resend once.
            self._sign_request(request)
            yield request

    def _sign_request(self, request: httpx.Request) -> None:
        method = request.method
        url = request.url
        if method == "GET":
            body = ""
        else:
            content = request.content
            if content and _is_json(request.headers.get("Content-Type")):
                body = canonical_body(content)
            else:
                body = ""
        timestamp = str(int(self._clock()))
        # url.path is percent-decoded like Flask's request.path; url.query is
        # the raw query as sent, like request.query_string.
        signature = self.sign(method, url.path, url.query.decode("utf-8"), body, timestamp)
        headers = request.headers
        headers[HEADER_CLIENT_ID] = self.client_id
        headers[HEADER_TIMESTAMP] = timestamp
        headers[HEADER_SIGNATURE] = signature


def _says_timestamp_expired(response: httpx.Response) -> bool:
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("error") == TIMESTAMP_EXPIRED
