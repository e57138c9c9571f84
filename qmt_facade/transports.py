"""The async client's transport: httpx's API over aiohttp, failures sorted the facade's way.

``AsyncQMTTradeClient`` sends through an ``httpx.AsyncClient`` whose transport
is httpx-aiohttp's ``AiohttpTransport``: httpx keeps the request building,
auth flow (signing, the clock-skew resend), timeouts, cookies and event
hooks; aiohttp does the connection pool and the HTTP parsing, at about a
third of the CPU per call of httpx's own asyncio stack (anyio + httpcore).

What a failure means for an order depends on whether a byte of the request
may have left (``_transport.request_failed``). httpx-aiohttp maps aiohttp's
exceptions coarsely (any ``ClientConnectionError``, a reset or a dropped
connection after the request was written included, becomes
``httpx.ConnectTimeout``, i.e. *not sent*), so :class:`ClassifiedTransport`
maps them again, from the aiohttp exception itself:

- *not sent* (provably never written): ``ClientConnectorError`` (refused,
  DNS, TLS handshake, proxy unreachable) -> ``httpx.ConnectError``;
  ``ConnectionTimeoutError`` (no connection within the connect/pool
  timeout) -> ``httpx.ConnectTimeout``;
- *maybe sent*: everything else, and anything raised while the answer's
  body is read: timeouts -> ``httpx.ReadTimeout``, a dropped connection or
  a garbled answer -> ``httpx.RemoteProtocolError``, resets and the rest
  -> ``httpx.ReadError``.

aiohttp is imported when the first transport is made, never by
``import qmt_facade``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    import aiohttp

__all__ = ["ClassifiedTransport", "aiohttp_transport", "classify_aiohttp_error"]


def aiohttp_transport() -> ClassifiedTransport:
    """A new transport over its own aiohttp session (opened at the first request)."""
    import aiohttp
    from httpx_aiohttp import AiohttpTransport

    limits = httpx.Limits()  # httpx's defaults: 100 connections, idle ones kept 5 s

    def new_session() -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=limits.max_connections or 0,
            keepalive_timeout=limits.keepalive_expiry,
            ssl=inner.ssl_context,
        )
        # httpx keeps the cookies (login() / logout()): aiohttp must keep none,
        # or a logged-out client would go on sending its session cookie.
        session = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())
        # aiohttp silently resends an idempotent request (GET) once when a
        # connection drops; the facade's retry policy decides that alone.
        session._retry_connection = False
        return session

    inner = AiohttpTransport(limits=limits, client=new_session)
    return ClassifiedTransport(inner)


class ClassifiedTransport(httpx.AsyncBaseTransport):
    """Wraps an aiohttp-based transport so its failures say whether the request may have left."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self.inner.handle_async_request(request)
        except Exception as exc:
            error = classify_aiohttp_error(exc, request, answered=False)
            if error is None:
                raise
            raise error from exc
        response.stream = _ClassifiedStream(response.stream, request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


class _ClassifiedStream(httpx.AsyncByteStream):
    """The answer's body: a failure while reading it always comes after the request left."""

    def __init__(self, inner: Any, request: httpx.Request) -> None:
        self._inner = inner
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._inner:
                yield chunk
        except Exception as exc:
            error = classify_aiohttp_error(exc, self._request, answered=True)
            if error is None:
                raise
            raise error from exc

    async def aclose(self) -> None:
        await self._inner.aclose()


def classify_aiohttp_error(
    exc: BaseException, request: httpx.Request, *, answered: bool
) -> httpx.TransportError | None:
    """The httpx error ``exc`` stands for (None: not a transport failure, re-raise it).

    ``exc`` is what the aiohttp transport raised: an aiohttp exception, or
    httpx-aiohttp's httpx error chained to one. ``answered``: the failure
    came while reading the answer's body.
    """
    import aiohttp

    cause = exc.__cause__ if isinstance(exc, httpx.TransportError) else exc
    if not isinstance(cause, aiohttp.ClientError | OSError):  # OSError: TimeoutError too
        return None
    message = f"{type(cause).__name__}: {cause}".rstrip(": ")
    if not answered:
        if isinstance(cause, aiohttp.ClientConnectorError):
            return httpx.ConnectError(message, request=request)
        if isinstance(cause, aiohttp.ConnectionTimeoutError):
            return httpx.ConnectTimeout(message, request=request)
    if isinstance(cause, TimeoutError):
        return httpx.ReadTimeout(message, request=request)
    if isinstance(cause, aiohttp.ServerDisconnectedError | aiohttp.ClientResponseError):
        return httpx.RemoteProtocolError(message, request=request)
    return httpx.ReadError(message, request=request)
