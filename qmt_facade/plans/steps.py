"""The steps a plan yields to its driver, and the credentials check every plan starts with.

A *plan* is a generator that validates its arguments, then yields steps and
receives their results:

- ``Call``: one HTTP request through the generated client. The driver sends
  back the parsed 200 body, or throws the mapped ``QMTTradeClientError`` into
  the plan at the ``yield`` (so a plan can react to an error).
- ``Pause``: sleep (time.sleep or asyncio.sleep).
- ``Emit``: hand a value to the caller of an iterating method (watch_orders).

Plans compose with ``yield from``. The drivers (client.py, aio.py) contain
no business rules; no plan does I/O itself.
"""

from __future__ import annotations

from collections.abc import Generator
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import attrs

from qmt_facade.errors import QMTAuthenticationError
from qmt_facade.json_routes import JsonRoute
from qmt_server_client.types import UNSET

if TYPE_CHECKING:
    from qmt_facade.server_lines import Capability, ServerLine

T = TypeVar("T")
Side = Literal["buy", "sell"]


@attrs.frozen
class Call:
    """One request: a generated endpoint module (or a JsonRoute) and its keyword arguments."""

    endpoint: ModuleType | JsonRoute
    kwargs: dict[str, Any]
    action: str  # the facade method, for errors and logs
    places_order: bool = False  # a timeout then leaves the order state unknown
    raw: bool = False  # hand the plan the generated Response, whatever its status


@attrs.frozen
class Pause:
    seconds: float


@attrs.frozen
class Emit:
    value: Any


Step = Call | Pause | Emit
Plan = Generator[Step, Any, T]


@attrs.define
class ClientContext:
    """What plans know of their client: its credentials and what it learned of the server.

    One per client, long-lived; plans read it and may record what they
    learn (state, never I/O). ``logged_in`` follows login()/logout().
    ``server_line`` is the configured line, or None until detected
    (``server_lines.detect_server_line``); ``unsupported`` holds what the
    server was found to lack (market data); ``default_trader_index`` is the
    account the query methods use when called without one.
    """

    signed: bool
    logged_in: bool = False
    server_line: ServerLine | None = None
    unsupported: set[Capability] = attrs.field(factory=set)
    default_trader_index: int = 0


def require_any_auth(ctx: ClientContext, action: str) -> None:
    if not (ctx.signed or ctx.logged_in):
        raise QMTAuthenticationError(
            f"{action} 需要先 login() 或在创建客户端时提供 client_id 和 secret_key"
        )


def require_signature(ctx: ClientContext, action: str) -> None:
    if not ctx.signed:
        raise QMTAuthenticationError(
            f"{action} 只接受API签名认证：请在创建客户端时提供 client_id 和 secret_key"
            "（服务器对该接口不接受登录会话）"
        )


def optional(value: Any) -> Any:
    """None as the generated client's UNSET: the field is left out of the request."""
    return UNSET if value is None else value
