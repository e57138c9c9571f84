"""How the facade's requests reach the network: its httpx clients, and the async transport.

**Per-request work the facade does without.** Its httpx clients
(:class:`FacadeHttpxClient`, :class:`FacadeAsyncHttpxClient`) skip two
things httpx repeats for every request although the outcome never changes
for this facade's calls (measured on the bench, together about 40 us of
a 150 us in-process call): parsing the base URL and the route's path
again to join them (the joined URL is kept per path), and feeding every
answer through ``http.cookiejar`` when it sets no cookie (the session
cookie of ``login()`` still is).

**The async transport.**

``AsyncQMTTradeClient`` sends through an ``httpx.AsyncClient`` whose transport
is httpx-aiohttp's ``AiohttpTransport``: httpx keeps the request building,
auth flow (signing, the clock-skew resend), timeouts, cookies and event
hooks; aiohttp does the connection pool and the HTTP parsing, at about a
third of the CPU per call of httpx's own asyncio stack (anyio + httpcore).

What a failure means for an order depends on whether a byte of the request
may have left (``_transport.request_failed``). httpx-aiohttp maps aiohttp's
exceptions coarsely (any ``ClientConnectionError``, a reset or a dropped
connection after the request was written included, becomes
``httpx.ConnectTimeout``, i.e. *not sent*), so the facade's subclass of its
transport maps them again, from the aiohttp exception itself:

- *not sent* (provably never written): ``ClientConnectorError`` (refused,
  DNS, TLS handshake, proxy unreachable) -> ``httpx.ConnectError``;
  ``ConnectionTimeoutError`` (no connection within the connect/pool
  timeout) -> ``httpx.ConnectTimeout``;
- *maybe sent*: everything else, and anything raised while the answer's
  body is read: timeouts -> ``httpx.ReadTimeout``, a dropped connection or
  a garbled answer -> ``httpx.RemoteProtocolError``, resets and the rest
  -> ``httpx.ReadError``.

The subclass also sends the URL exactly as httpx built it (and the
signature covers it): httpx-aiohttp hands aiohttp a string, which yarl
re-quotes (``%2C`` in a query becomes ``,`` and the server refuses the
signature). aiohttp is imported when the first transport is made, never
by ``import qmt_facade``.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from typing import Any

import httpx
from httpx._client import BaseClient  # the two methods overridden are BaseClient's

__all__ = [
    "AnswerCookies",
    "FacadeAsyncHttpxClient",
    "FacadeHttpxClient",
    "aiohttp_transport",
    "classify_aiohttp_error",
]

# Routes with a path parameter (an account index) make a few URLs per route.
_JOINED_URLS_KEPT = 512


class AnswerCookies(httpx.Cookies):
    """A cookie jar that reads only answers that set a cookie."""

    def extract_cookies(self, response: httpx.Response) -> None:
        headers = response.headers
        if "set-cookie" in headers or "set-cookie2" in headers:
            super().extract_cookies(response)


class _PerRequestSavings(BaseClient):
    """What both facade httpx clients change of httpx's BaseClient (see the module doc)."""

    _joined: dict[str, httpx.URL]
    _joined_base: httpx.URL | None

    def _save_per_request_work(self) -> None:
        self._cookies = AnswerCookies(self._cookies)
        self._joined, self._joined_base = {}, None

    @property
    def cookies(self) -> httpx.Cookies:
        return self._cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._cookies = AnswerCookies(cookies)

    def _merge_url(self, url: httpx.URL | str) -> httpx.URL:
        if type(url) is not str:
            return super()._merge_url(url)
        base = self.base_url
        if base is not self._joined_base:  # a new base_url: the joined URLs are stale
            self._joined, self._joined_base = {}, base
        joined = self._joined.get(url)
        if joined is None:
            if len(self._joined) >= _JOINED_URLS_KEPT:
                self._joined.clear()
            joined = self._joined[url] = super()._merge_url(url)
        return joined


class FacadeHttpxClient(_PerRequestSavings, httpx.Client):
    """The blocking client's httpx.Client."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._save_per_request_work()


class FacadeAsyncHttpxClient(_PerRequestSavings, httpx.AsyncClient):
    """The async client's httpx.AsyncClient."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._save_per_request_work()


def aiohttp_transport() -> httpx.AsyncBaseTransport:
    """A new aiohttp transport with its own session (opened at the first request)."""
    return _aiohttp_transport_class()()


@functools.cache
def _aiohttp_transport_class() -> type[httpx.AsyncBaseTransport]:
    """httpx-aiohttp's AiohttpTransport, sending what httpx built and sorting failures.

    Made at the first call: the module imports neither aiohttp nor httpx-aiohttp.
    """
    import aiohttp
    import yarl
    from httpx_aiohttp import AiohttpTransport

    @functools.cache
    def client_timeout(
        connect: float | None, read: float | None, pool: float | None
    ) -> aiohttp.ClientTimeout:
        # httpx's write timeout has no aiohttp counterpart; pool waits count as connecting.
        return aiohttp.ClientTimeout(sock_connect=connect, sock_read=read, connect=pool)

    class QMTAiohttpTransport(AiohttpTransport):
        def __init__(self) -> None:
            self.limits = httpx.Limits()  # httpx's: 100 connections, idle ones kept 5 s
            super().__init__(limits=self.limits, client=self._new_session)

        def _new_session(self) -> aiohttp.ClientSession:
            connector = aiohttp.TCPConnector(
                limit=self.limits.max_connections or 0,
                keepalive_timeout=self.limits.keepalive_expiry,
                ssl=self.ssl_context,
            )
            # httpx keeps the cookies (login() / logout()): aiohttp must keep
            # none, or a logged-out client would go on sending its session cookie.
            jar = aiohttp.DummyCookieJar()
            session = aiohttp.ClientSession(connector=connector, cookie_jar=jar)
            # aiohttp silently resends an idempotent request (GET) once when a
            # connection drops; the facade's retry policy decides that alone.
            session._retry_connection = False
            return session

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if not isinstance(self.client, aiohttp.ClientSession):
                self.client = self.get_client()
            timeout = request.extensions.get("timeout", {})
            try:
                response = await self.client.request(
                    request.method,
                    # encoded=True: the URL exactly as httpx built it and the
                    # signature covers it (yarl would decode %2C in a query).
                    yarl.URL(str(request.url), encoded=True),
                    headers=request.headers.multi_items(),
                    data=request.content or None,
                    allow_redirects=False,
                    auto_decompress=False,  # httpx decodes, as for its own transports
                    compress=False,
                    timeout=client_timeout(
                        timeout.get("connect"), timeout.get("read"), timeout.get("pool")
                    ),
                    server_hostname=request.extensions.get("sni_hostname"),
                )
            except Exception as exc:
                error = classify_aiohttp_error(exc, request, answered=False)
                if error is None:
                    raise
                raise error from exc
            extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
            if response.reason:
                extensions["reason_phrase"] = response.reason.encode()
            return httpx.Response(
                status_code=response.status,
                headers=response.raw_headers,
                stream=_AnswerBody(response, request),
                request=request,
                extensions=extensions,
            )

    return QMTAiohttpTransport


class _AnswerBody(httpx.AsyncByteStream):
    """An aiohttp answer's body, read in one piece (the facade reads every answer whole).

    A failure while reading it always comes after the request left.
    """

    def __init__(self, response: Any, request: httpx.Request) -> None:
        self._response = response  # an aiohttp.ClientResponse
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            body: bytes = await self._response.read()
        except Exception as exc:
            error = classify_aiohttp_error(exc, self._request, answered=True)
            if error is None:
                raise
            raise error from exc
        if body:
            yield body

    async def aclose(self) -> None:
        await self._response.__aexit__(None, None, None)  # back to the pool, or closed


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
