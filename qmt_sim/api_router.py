"""The API's ASGI front: routes API requests straight from the ASGI scope.

Starlette's per-request machinery (its middleware, the route list tried in
turn, ``Request``, the header objects) costs more CPU than most of the
simulator's handlers; ``ApiRouter`` replaces it for the API routes only: one
dict lookup (or one regex for the few paths with a parameter), the headers
read once into a dict, the body read from ``receive``. Everything else (the
login and other pages, unknown paths) goes on to the Starlette app.

It also answers what Flask answers for any route on its own: ``OPTIONS``
(200 with ``Allow``), ``HEAD`` as ``GET``, and a wrong method, which the real
server's catch-all error handler turns into its HTML 500 page. JSON answers
are ``JsonAnswer``s: the bytes Flask's ``jsonify`` writes and their headers,
made once, so a cached answer is sent again as it is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from starlette.responses import HTMLResponse
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from . import auth
from .calls import Api, ApiError

INTERNAL_ERROR = "Internal Server Error"
# Anything that sends an answer: a JsonAnswer or a Starlette response.
Answer = Callable[[Scope, Receive, Send], Awaitable[None]]


def flask_json(content: Any) -> bytes:
    """JSON as Flask's jsonify writes it: sorted keys, ASCII escapes, compact, a final newline."""
    return (auth.CANONICAL_JSON.encode(content) + "\n").encode("ascii")


class JsonAnswer:
    """A JSON answer, rendered when made and never changed, so it can be cached and re-sent.

    The same headers as Starlette's ``JSONResponse`` (content-length, then
    content-type), without its per-answer header building.
    """

    __slots__ = ("body", "headers", "status_code")

    def __init__(self, content: Any, status_code: int = 200) -> None:
        self.status_code = status_code
        self.body = flask_json(content)
        self.headers = (
            (b"content-length", str(len(self.body)).encode("ascii")),
            (b"content-type", b"application/json"),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.headers}
        )
        await send({"type": "http.response.body", "body": self.body})


class ClientGone(Exception):
    """The client disconnected before its request body arrived."""


@dataclass
class RawRequest:
    """One API request as the ASGI server handed it over, body not yet read."""

    method: str
    path: str
    query_string: bytes
    headers: dict[str, str]  # lower-case names; the first of repeated headers wins
    path_params: dict[str, Any]
    receive: Receive

    async def body(self, limit: int) -> bytes:
        """The body, refusing anything larger than ``limit`` bytes with a 413."""
        declared = self.headers.get("content-length")
        if declared is None and "transfer-encoding" not in self.headers:
            return b""  # HTTP/1.1: a request without either header has no body
        too_large = ApiError(413, f"请求体过大，上限 {limit} 字节")
        declared = declared or ""
        if declared.isdigit() and int(declared) > limit:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def headers_of(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in scope["headers"]:
        name = key.decode("latin-1")
        if name not in headers:
            headers[name] = value.decode("latin-1")
    return headers


Respond = Callable[[Api, RawRequest], Awaitable[Answer]]
# Other routes of the app, for OPTIONS: (path regex match, methods).
OtherRoutes = Iterable[tuple[Callable[[str], Any], Iterable[str]]]


class ApiRouter:
    """ASGI app: API routes answered by ``respond``, anything else by ``fallback``."""

    def __init__(
        self, apis: Iterable[Api], respond: Respond, fallback: ASGIApp, others: OtherRoutes = ()
    ) -> None:
        self.respond = respond
        self.fallback = fallback
        self.in_flight = 0  # API requests being answered right now
        self.others = list(others)
        self.exact: dict[str, dict[str, Api]] = {}
        self.templated: list[tuple[Any, dict[str, Any], dict[str, Api]]] = []
        templates: dict[str, dict[str, Api]] = {}
        for api in apis:
            if "{" in api.path:
                templates.setdefault(api.path, {})[api.method] = api
            else:
                self.exact.setdefault(api.path, {})[api.method] = api
        for template, by_method in templates.items():
            regex, _, convertors = compile_path(template)
            self.templated.append((regex, convertors, by_method))

    def match(self, path: str) -> tuple[dict[str, Api], dict[str, Any]] | None:
        by_method = self.exact.get(path)
        if by_method is not None:
            return by_method, {}
        for regex, convertors, methods in self.templated:
            found = regex.match(path)
            if found is not None:
                params = {k: convertors[k].convert(v) for k, v in found.groupdict().items()}
                return methods, params
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.fallback(scope, receive, send)
            return
        method: str = scope["method"]
        found = self.match(scope["path"])
        if method == "OPTIONS":
            await self._options(found, scope, receive, send)
            return
        if found is None:
            await self.fallback(scope, receive, send)
            return
        by_method, params = found
        api = by_method.get("GET" if method == "HEAD" else method)
        if api is None:
            await HTMLResponse(INTERNAL_ERROR, status_code=500)(scope, receive, send)
            return
        request = RawRequest(
            method, scope["path"], scope["query_string"], headers_of(scope), params, receive
        )
        self.in_flight += 1
        try:
            response = await self.respond(api, request)
        except ClientGone:
            return
        finally:
            self.in_flight -= 1
        await response(scope, receive, send)

    async def _options(
        self,
        found: tuple[dict[str, Api], dict[str, Any]] | None,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        """Flask's automatic OPTIONS answer: every method the path takes, empty body."""
        methods = set(found[0]) if found is not None else set()
        for matches, route_methods in self.others:
            if matches(scope["path"]):
                methods.update(route_methods)
        if not methods:
            await self.fallback(scope, receive, send)
            return
        if "GET" in methods:
            methods.add("HEAD")
        methods.add("OPTIONS")
        allow = ", ".join(sorted(methods))
        await HTMLResponse(b"", headers={"Allow": allow})(scope, receive, send)
