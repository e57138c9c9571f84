"""Routes whose 200 answer reaches the plan as plain JSON, not as a generated model.

The answer to an order-placing call arrives after the order was placed. A
generated model's ``from_dict`` raises on a missing field (the upstream
line sends no ``trade_mode``, no reverse-repo ``result``) or an unexpected
value, and that exception would turn a placed order into an error. So
order-placing calls go through a :class:`JsonRoute`: the request is built by
the generated module (``_get_kwargs``, the same body and URL as its
``sync_detailed``), the answer is only decoded from JSON, and the plan reads
it leniently (``qmt_facade.order_answers``).

A JsonRoute offers the two functions the drivers call on a generated
module (``sync_detailed`` / ``asyncio_detailed``) and returns the same
``Response``, so the drivers do not know the difference.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from types import ModuleType
from typing import Any

import httpx

from qmt_server_client import AuthenticatedClient
from qmt_server_client.types import Response

__all__ = ["JsonRoute", "describe_request", "json_answers"]


class JsonRoute:
    """A route called like a generated endpoint module, answering ``parsed`` = decoded JSON."""

    def __init__(self, name: str, build_request: Callable[..., dict[str, Any]]) -> None:
        self.__name__ = name  # the drivers log the endpoint's module name
        self._build_request = build_request

    def __repr__(self) -> str:
        return f"JsonRoute({self.__name__})"

    def build_request(self, **kwargs: Any) -> dict[str, Any]:
        """The keyword arguments of ``httpx.Client.request`` for this call."""
        return self._build_request(**kwargs)

    def sync_detailed(self, *, client: AuthenticatedClient, **kwargs: Any) -> Response[Any]:
        response = client.get_httpx_client().request(**self._build_request(**kwargs))
        return _decoded(response)

    async def asyncio_detailed(
        self, *, client: AuthenticatedClient, **kwargs: Any
    ) -> Response[Any]:
        response = await client.get_async_httpx_client().request(**self._build_request(**kwargs))
        return _decoded(response)


def _decoded(response: httpx.Response) -> Response[Any]:
    # A 200 that is not JSON raises ValueError here, which the drivers report
    # like any unparseable answer; other statuses are judged by interpret().
    parsed = json.loads(response.content) if response.status_code == 200 else None
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def json_answers(route: ModuleType) -> JsonRoute:
    """The generated ``route`` module, with its 200 answer left as JSON."""
    build: Callable[..., dict[str, Any]] = route._get_kwargs
    return JsonRoute(route.__name__, build)


def describe_request(endpoint: ModuleType | JsonRoute, kwargs: dict[str, Any]) -> str:
    """``METHOD /path body``: the request a call would send, body bytes as httpx encodes them.

    For a dry run: the headers (signature, session cookie) are left out.
    """
    build: Callable[..., dict[str, Any]] = (
        endpoint.build_request if isinstance(endpoint, JsonRoute) else endpoint._get_kwargs
    )
    options = build(**kwargs)
    request = httpx.Request(
        options["method"], options["url"], params=options.get("params"), json=options.get("json")
    )
    body = request.content.decode("utf-8")
    target = request.url.raw_path.decode("ascii")
    return f"{request.method.upper()} {target}" + (f" {body}" if body else "")
