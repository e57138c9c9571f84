"""Exceptions raised by qmt_facade.

The hierarchy extends the one the user manual documents::

    QMTTradeClientError
    ├── QMTAPIError
    │   ├── QMTAuthenticationError (the manual draws it beside QMTAPIError)
    │   ├── QMTConnectionError
    │   │   └── QMTTimeoutError
    │   ├── QMTNotFoundError
    │   ├── QMTOrderRejectedError
    │   ├── QMTOrderStateUnknownError
    │   └── QMTUnsupportedError
    ├── QMTValidationError (also a ValueError)
    ├── QMTRiskError
    ├── QMTRateLimitError
    └── QMTWaitTimeoutError (also a TimeoutError)

Nothing here formats headers, cookies or credentials: callers pass only the
method, the path and what the server said, so a secret cannot leak through
an exception message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "AUTH_FAILED_TEXT",
    "CONNECTION_FAILED_TEXT",
    "DO_NOT_RESEND_TEXT",
    "QMTAPIError",
    "QMTAuthenticationError",
    "QMTConnectionError",
    "QMTNotFoundError",
    "QMTOrderRejectedError",
    "QMTOrderStateUnknownError",
    "QMTRateLimitError",
    "QMTRiskError",
    "QMTTimeoutError",
    "QMTTradeClientError",
    "QMTUnsupportedError",
    "QMTValidationError",
    "QMTWaitTimeoutError",
    "safe_url",
]

# What every order-state-unknown message says, in these words.
DO_NOT_RESEND_TEXT = "do not resend before checking get_orders"
# Verbatim from the manual's 常见错误 table; users grep for these.
AUTH_FAILED_TEXT = "认证失败，请检查登录状态或API密钥"
CONNECTION_FAILED_TEXT = "连接失败，请检查服务器地址"


def safe_url(url: str) -> str:
    """Return ``url`` without user-info, query or fragment.

    The server accepts ``client_secret`` as a query parameter and a base URL
    may embed ``user:password@``; neither may reach an error message.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid url>"
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal lost its brackets in .hostname
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"{host}:{port}" if port is not None else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _request_label(method: str | None, path: str | None) -> str:
    if method and path:
        return f"{method.upper()} {path}"
    return method or path or ""


class QMTTradeClientError(Exception):
    """Base class of every error qmt_facade raises."""


class QMTAPIError(QMTTradeClientError):
    """The server could not be reached or did not do what was asked.

    ``error`` is the server's ``"error"`` field and ``server_message`` its
    ``"message"`` field (the exception text on a 500).
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        status_code: int | None = None,
        error: str | None = None,
        server_message: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.error = error
        self.server_message = server_message
        self.method = method
        self.path = path
        if message is None:
            message = self._describe()
        super().__init__(message)

    def _describe(self) -> str:
        head = _request_label(self.method, self.path) or "request"
        if self.status_code is not None:
            head += f" -> HTTP {self.status_code}"
        details = [d for d in (self.error, self.server_message) if d]
        return f"{head}: {' | '.join(details)}" if details else head


class QMTAuthenticationError(QMTAPIError):
    """Login failed, the session expired, or the server refused the signature.

    Also a ``QMTAPIError``: the manual's error-handling example calls a trade
    method without credentials inside ``except QMTAPIError``, and an
    authentication failure is an API call that failed.
    """

    def __init__(
        self,
        detail: str | None = None,
        *,
        status_code: int | None = None,
        error: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        parts = [p for p in (detail, error, _request_label(method, path)) if p]
        if status_code is not None:
            parts.append(f"HTTP {status_code}")
        message = AUTH_FAILED_TEXT
        if parts:
            message += ": " + "; ".join(parts)
        super().__init__(message, status_code=status_code, error=error, method=method, path=path)


class QMTConnectionError(QMTAPIError):
    """No HTTP answer at all: refused, DNS failure, reset, or timeout.

    On an order-placing call it means the request was never sent (the
    connection could not be opened): nothing happened on the server.
    """

    def __init__(
        self,
        base_url: str,
        detail: str | None = None,
        *,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        self.base_url = safe_url(base_url)
        message = f"{CONNECTION_FAILED_TEXT}: {self.base_url}"
        extra = "; ".join(p for p in (_request_label(method, path), detail) if p)
        if extra:
            message += f" ({extra})"
        super().__init__(message, method=method, path=path)


class QMTTimeoutError(QMTConnectionError):
    """The request timed out.

    On an order-placing call this is only raised when the request provably
    never left (the connection could not be opened in time); a timeout
    while waiting for the answer becomes ``QMTOrderStateUnknownError``
    unless the order is found.
    """


class QMTNotFoundError(QMTAPIError):
    """The thing asked for does not exist (unknown route, unknown order id)."""


class QMTOrderRejectedError(QMTAPIError):
    """No targeted account placed an order.

    ``outcomes`` holds every account's outcome, so a caller can see why each
    one refused; ``server_message`` is the response's ``"message"``.
    """

    def __init__(
        self,
        message: str,
        outcomes: Sequence[object],
        *,
        status_code: int | None = 200,
        server_message: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        self.outcomes: Sequence[object] = tuple(outcomes)
        super().__init__(
            message,
            status_code=status_code,
            server_message=server_message,
            method=method,
            path=path,
        )


class QMTOrderStateUnknownError(QMTAPIError):
    """An order request may have reached the server, and the client could not tell.

    Raised when the answer to an order-placing call was lost after the
    request may have been written (a dropped connection, a read timeout, a
    5xx, a garbled answer) and the order could not be found afterwards, or
    more than one order matched. ``client_order_id`` names the order,
    ``candidates`` lists orders that might be it, ``fault`` says what was
    lost. Do not resend before checking ``get_orders``.
    """

    def __init__(
        self,
        message: str,
        *,
        client_order_id: str | None = None,
        candidates: Sequence[object] = (),
        fault: str | None = None,
        status_code: int | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        self.client_order_id = client_order_id
        self.candidates: Sequence[object] = tuple(candidates)
        self.fault = fault
        super().__init__(message, status_code=status_code, method=method, path=path)


class QMTUnsupportedError(QMTAPIError):
    """The server (its line, its routes) cannot do what was asked; nothing was sent.

    ``capability`` names what is missing, ``alternative`` what to do instead
    (None when there is nothing), ``server_line`` the line the client talks to.
    """

    def __init__(
        self,
        message: str,
        *,
        capability: str,
        alternative: str | None = None,
        server_line: str | None = None,
    ) -> None:
        self.capability = capability
        self.alternative = alternative
        self.server_line = server_line
        super().__init__(message)


class QMTRiskError(QMTTradeClientError):
    """A pre-trade risk limit refused the order; nothing was sent.

    ``limit`` is the limit's name (e.g. ``"max_order_value"``), ``value`` the
    value the order would have had, ``order`` a description of the order.
    """

    def __init__(self, message: str, *, limit: str, value: object, order: object) -> None:
        self.limit = limit
        self.value = value
        self.order = order
        super().__init__(message)


class QMTRateLimitError(QMTTradeClientError):
    """The order rate limit did not free a slot within ``max_wait`` seconds; nothing was sent."""

    def __init__(self, message: str, *, max_wait: float) -> None:
        self.max_wait = max_wait
        super().__init__(message)


class QMTValidationError(QMTTradeClientError, ValueError):
    """A parameter was refused before any request was sent.

    Also a ``ValueError``, which is what the manual tells users to catch.
    """

    def __init__(self, message: str, *, field: str, value: object, rule: str) -> None:
        self.field = field
        self.value = value
        self.rule = rule
        super().__init__(message)

    @classmethod
    def of(cls, field: str, value: object, rule: str, prefix: str | None = None) -> Self:
        """The usual refusal: ``[prefix: ]field=value: rule``, whatever the value."""
        detail = f"{field}={shown_value(value)}: {rule}"
        message = f"{prefix}: {detail}" if prefix else detail
        return cls(message, field=field, value=value, rule=rule)


def shown_value(value: object) -> str:
    """``repr(value)`` for a message; never raises.

    An int of more than 4,300 digits cannot be turned into text (Python
    raises ValueError), and a user's object may have a failing ``__repr__``.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"<an int of {value.bit_length()} bits>"
    try:
        return repr(value)
    except Exception:
        return f"<{type(value).__name__}>"


class QMTWaitTimeoutError(QMTTradeClientError, TimeoutError):
    """wait_for_order gave up before the order reached the wanted status.

    ``last_order`` is the order as last seen; the order itself is untouched.
    """

    def __init__(self, message: str, *, last_order: object) -> None:
        self.last_order = last_order
        super().__init__(message)
