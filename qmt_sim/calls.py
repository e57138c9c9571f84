"""What every route handler works with: the parsed request, the route table entry, errors.

Handlers are plain synchronous functions ``(Call, Context) -> JSON``. Where the
real server fails with a Python exception (a string ``trader_index``, an
unknown order id, a POST without a JSON content type) a handler fails the same
way and the app turns the exception into the real server's 500 shape
``{"error": "接口异常: <function>", "message": "..."}``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import auth
from .engine import Engine

log = logging.getLogger("qmt_sim")

API = "/qmt/trade/api"
DATA_API = "/qmt/data/api"
UNSUPPORTED_MEDIA = (
    "415 Unsupported Media Type: Did not attempt to load JSON data because the request "
    "Content-Type was not 'application/json'."
)

# Who may call a route.
EITHER, SESSION, SIGNATURE, PUBLIC = "session-or-signature", "session", "signature", "public"


class ApiError(Exception):
    """An intentional error response (400/401/413 ...) with a JSON body."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class UnsupportedMediaType(Exception):
    """What Flask raises for get_json() without a JSON content type (a 500 on the real server)."""


class BadRequest(Exception):
    """What Flask raises for get_json() on a body that is not JSON (a 500 on the real server)."""


class FlaskErrorPage(Exception):
    """An exception outside any route's catch-all: Flask's HTML page ``Internal Server Error``."""


# Flask's text for an unparsable JSON body (outside debug mode).
BAD_REQUEST = (
    "400 Bad Request: The browser (or proxy) sent a request that this server could not "
    "understand."
)


NOT_JSON = object()


@dataclass
class Call:
    """One request, read and pre-parsed, handed to a synchronous handler."""

    method: str
    path: str
    query: str
    query_params: dict[str, str]
    path_params: dict[str, Any]
    content_type: str | None
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    parsed: Any = field(default=NOT_JSON)
    malformed: bool = False

    def json(self) -> Any:
        """Like Flask's ``request.get_json()``."""
        if not auth.is_json_content_type(self.content_type):
            raise UnsupportedMediaType(UNSUPPORTED_MEDIA)
        if self.malformed:
            raise BadRequest(BAD_REQUEST)
        return self.parsed


@dataclass(frozen=True)
class Context:
    """What a handler may use besides the request: the book, and how the line numbers results."""

    engine: Engine
    # Upstream numbers results[].trader_index by position among the chosen accounts.
    results_by_position: bool = False


Handler = Callable[[Call, Context], Any]


@dataclass(frozen=True)
class Api:
    path: str
    method: str
    auth: str
    name: str  # the real server's function name, used in 500 messages
    handler: Handler
    # False for the few real routes without the JSON catch-all: an exception
    # there is Flask's HTML page "Internal Server Error" (a 500).
    json_errors: bool = True
    # True for reads whose answer depends on the path and the book alone: it is
    # served from the ReadCache until the next write (read_cache.py).
    cacheable: bool = False


@dataclass(frozen=True)
class Reply:
    """A JSON answer with a status other than 200, returned by a handler."""

    status: int
    body: Any


# ---------------------------------------------------------------- validation
def check_trader_index(value: Any, count: int, required: bool = False) -> None:
    """The real server's index check; a string makes ``>=`` raise TypeError (a 500), as there."""
    if value is None and not required:
        return
    if value is None or value >= count or value < 0:
        raise ApiError(400, f"无效的交易器索引: {value}")


# Bounds that keep every number the book stores exact and inside SQLite's 64-bit
# integers (prices in milli-yuan, volumes, values): far beyond any real order.
MAX_PRICE = 100_000_000  # CNY
MAX_QUANTITY = 1_000_000_000_000  # shares or 张
INT64_LIMIT = 2**63


def _encodable(value: str, name: str) -> str:
    """Text that can be stored: a lone UTF-16 surrogate (JSON ``"\\ud800"``) cannot."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(400, f"{name} 含有无法编码的字符（孤立的 UTF-16 代理项）") from None
    return value


def require_symbol(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ApiError(400, "symbol 必须是非空字符串")
    return _encodable(value, "symbol")


def require_price(value: Any, name: str) -> float | int:
    """A positive finite JSON number, kept as sent (messages print it as Python would)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ApiError(400, f"{name} 必须是大于 0 的数字")
    if value > MAX_PRICE:
        raise ApiError(400, f"{name} 超出范围: 不能大于 {MAX_PRICE}")
    return value


def require_number(value: Any, name: str, maximum: float | None = None) -> float | int:
    """A finite JSON number; with ``maximum``, at most that in absolute value."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ApiError(400, f"{name} 必须是数字")
    if maximum is not None and abs(value) > maximum:
        raise ApiError(400, f"{name} 超出范围: 绝对值不能大于 {maximum}")
    return value


def require_quantity(value: Any, name: str) -> float | int:
    """Shares or 张 as sent: a finite number no larger than ``MAX_QUANTITY``."""
    return require_number(value, name, MAX_QUANTITY)


def require_order_id(value: Any) -> int:
    """An order id as xtquant takes it: a JSON integer that fits in 64 bits."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(400, "order_id 必须是整数")
    checked: int = check_int64(value, "order_id")
    return checked


def check_int64(value: Any, name: str) -> Any:
    """An integer outside 64 bits (a 400 naming ``name``); anything else passes as is."""
    if isinstance(value, int) and not -INT64_LIMIT <= value < INT64_LIMIT:
        raise ApiError(400, f"{name} 超出范围: 必须在 64 位整数之内")
    return value


def require_text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ApiError(400, f"{name} 必须是字符串")
    return _encodable(value, name)


def non_empty_body(call: Call) -> Any:
    """The JSON body; an empty or falsy one is the real server's 400."""
    data = call.json()
    if not data:
        raise ApiError(400, "请求数据不能为空")
    return data


@dataclass(frozen=True)
class OuterTrade:
    """The fields both lines read on ``/outer/trade/{operation}``, unchecked."""

    operation: str
    body: Any
    trader_index: Any
    symbol: Any
    trade_price: Any
    price_type: Any
    position_pct: Any
    strategy_name: Any


def outer_trade_fields(call: Call) -> OuterTrade:
    """The operation (400 unless buy/sell), then a non-empty body, as both lines check them."""
    operation = call.path_params["operation"]
    if operation not in ("buy", "sell"):
        raise ApiError(400, "操作类型必须是 buy 或 sell")
    data = non_empty_body(call)
    return OuterTrade(
        operation=operation,
        body=data,
        trader_index=data.get("trader_index"),
        symbol=data.get("symbol"),
        trade_price=data.get("trade_price"),
        price_type=data.get("price_type", 0),
        position_pct=data.get("position_pct"),
        strategy_name=data.get("strategy_name", "外部策略"),
    )


def fan_out(
    ctx: Context,
    trader_index: Any,
    run: Callable[[int], Any],
    failure: Callable[[int, Exception], str],
    *,
    status_from_result: bool = False,
    with_result: bool = True,
) -> list[dict[str, Any]]:
    """Run ``run`` on the chosen account, or on every account when no index is given.

    ``failure`` words the error of an account whose run raised (each route of
    the real server words it differently); the other accounts still run.
    """
    results: list[dict[str, Any]] = []
    chosen = [
        i for i in range(ctx.engine.account_count()) if trader_index is None or i == trader_index
    ]
    for position, account in enumerate(chosen):
        number = position if ctx.results_by_position else account
        try:
            result = run(account)
        except Exception as exc:  # one account failing must not hide the others
            log.warning("trader %s failed: %s", account, exc)
            results.append(
                {"trader_index": number, "error": failure(number, exc), "status": "failed"}
            )
            continue
        ok = (
            bool(result.get("success")) if status_from_result and isinstance(result, dict) else True
        )
        entry: dict[str, Any] = {"trader_index": number, "status": "success" if ok else "failed"}
        if with_result:
            entry["result"] = result
        results.append(entry)
    return results


def exception_text(index: int, exc: Exception) -> str:
    """Routes that report only the exception's text."""
    return str(exc)
