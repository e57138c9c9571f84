"""The two public lines of the QMT server, what each can do, and how a client tells them apart.

The **main** line is the server the user manual documents. The older
**upstream** line lacks fixed-share trading, session ``/buy``, per-account
session trades, the reverse-repo reserve and bond lots of 10, and answers
with fewer fields, but it is the only real line with market data
(``../shared/reference/server-protocol.md``, last section).

A client learns its line once: from ``server_line="main"|"upstream"``, or,
with ``"auto"``, by :func:`detect_server_line` before its first
order-placing call. The probe is ``POST /qmt/trade/api/buy`` with the body
``{}``: the upstream line has no such route (404 text); the main line
refuses the empty body (400 ``请求数据不能为空``) or the missing session
(401 ``未登录，请先登录``). Neither can place an order, and the probe needs
no credentials. Anything else is an error, never a guess.

What a line cannot do raises :class:`QMTUnsupportedError` before anything is
sent (:func:`require`). Market data is a capability of its own, not of the
line: the client learns it from the first non-JSON 404 of a data route and
remembers it (:func:`capability_call`).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from typing import Any, Final

import attrs

from qmt_facade.errors import (
    QMTAPIError,
    QMTNotFoundError,
    QMTUnsupportedError,
    QMTValidationError,
)
from qmt_facade.json_routes import JsonRoute
from qmt_facade.plans.steps import Call, ClientContext, Plan, read
from qmt_facade.symbols import is_convertible_bond

__all__ = [
    "CAPABILITIES",
    "LINE_PROBE",
    "Capability",
    "CapabilityInfo",
    "ServerLine",
    "capability_call",
    "detect_server_line",
    "learn_unsupported",
    "line_has",
    "lot_size_on",
    "parse_server_line",
    "require",
    "unsupported_error",
]

logger = logging.getLogger("qmt_facade")


class ServerLine(enum.StrEnum):
    MAIN = "main"
    UPSTREAM = "upstream"


class Capability(enum.StrEnum):
    """Things one line of the server does and the other does not."""

    SIGNED_FIXED_SHARES = "signed_fixed_shares"
    SESSION_BUY = "session_buy"
    SESSION_ACCOUNT_CHOICE = "session_account_choice"
    SESSION_SELL_PRICE_TYPE = "session_sell_price_type"
    REVERSE_REPO_RESERVE = "reverse_repo_reserve"
    BOND_LOT_10 = "bond_lot_10"
    MARKET_DATA = "market_data"
    # Facts about the answers: never refused, they tell the facade how to read.
    TRADE_MODE_IN_ANSWER = "trade_mode_in_answer"
    REVERSE_REPO_RESULT = "reverse_repo_result"
    STRATEGY_NAME_ON_ORDER = "strategy_name_on_order"


@attrs.frozen
class CapabilityInfo:
    description: str
    lines: frozenset[ServerLine]  # the real lines that have it
    alternative: str | None = None  # what to do where it is missing
    learned: bool = False  # True: the server tells (a 404), not its line


_MAIN: Final = frozenset({ServerLine.MAIN})
_BOTH: Final = frozenset(ServerLine)

CAPABILITIES: Final[Mapping[Capability, CapabilityInfo]] = {
    Capability.SIGNED_FIXED_SHARES: CapabilityInfo(
        "按股数下单（签名接口 /outer/trade/{buy,sell} 的 order_num）",
        _MAIN,
        "买入改用 position_pct；卖出改用 position_pct，或 login() 后不带 trader_index、"
        "price_type=0 按股数卖出（上游版会话 /sell 作用于所有账户，限价）",
    ),
    Capability.SESSION_BUY: CapabilityInfo(
        "按股数买入（会话 POST /buy；上游版没有任何按股数买入的接口）",
        _MAIN,
        "改用 position_pct 买入",
    ),
    Capability.SESSION_ACCOUNT_CHOICE: CapabilityInfo(
        "会话交易指定账户（上游版 /sell、/trade 忽略 trader_index，作用于所有账户）",
        _MAIN,
        "用 client_id/secret_key 签名认证，按 position_pct 指定账户交易；"
        "或不指定 trader_index，让所有账户一起交易",
    ),
    Capability.SESSION_SELL_PRICE_TYPE: CapabilityInfo(
        "会话卖出的价格类型（上游版 /sell 忽略 price_type，总是限价）",
        _MAIN,
        "price_type=0，或用签名认证按 position_pct 卖出",
    ),
    Capability.REVERSE_REPO_RESERVE: CapabilityInfo(
        "逆回购保留金额（上游版忽略 reserve_amount，会借出全部资金）",
        _MAIN,
        "reserve_amount=0（借出全部可用资金）；要留下现金，请先让它不再可用，或连接主线服务器",
    ),
    Capability.BOND_LOT_10: CapabilityInfo(
        "可转债以 10 张为一手（上游版一律按 100 张）",
        _MAIN,
        "可转债数量用 100 的倍数",
    ),
    Capability.MARKET_DATA: CapabilityInfo(
        "行情接口 /qmt/data/api/get_full_tick、get_market_data_ex",
        frozenset({ServerLine.UPSTREAM}),
        "连接提供行情接口的服务器（上游版或模拟器）；主线的真实服务器没有行情接口",
        learned=True,
    ),
    Capability.TRADE_MODE_IN_ANSWER: CapabilityInfo("下单应答中的 trade_mode / trade_param", _MAIN),
    Capability.REVERSE_REPO_RESULT: CapabilityInfo("逆回购应答中每个账户的 result", _MAIN),
    Capability.STRATEGY_NAME_ON_ORDER: CapabilityInfo(
        "委托保留请求中的 strategy_name（上游版一律为 quant_<账户类型>）", _MAIN
    ),
}

_LINE_NAMES: Final = {"main": ServerLine.MAIN, "upstream": ServerLine.UPSTREAM, "auto": None}


def parse_server_line(value: object, field: str = "server_line") -> ServerLine | None:
    """``"main"`` / ``"upstream"`` as a ServerLine, ``"auto"`` (or None) as None."""
    if value is None or isinstance(value, ServerLine):
        return value
    if isinstance(value, str) and value.strip().lower() in _LINE_NAMES:
        return _LINE_NAMES[value.strip().lower()]
    rule = "must be 'auto', 'main' or 'upstream'"
    raise QMTValidationError.of(field, value, rule)


def line_has(line: ServerLine, capability: Capability) -> bool:
    """Whether ``line`` has ``capability`` by the table (learned capabilities: by default)."""
    info = CAPABILITIES[capability]
    return info.learned or line in info.lines


def lot_size_on(symbol: str, line: ServerLine) -> int:
    """The lot the server of ``line`` sizes with: bonds 10 on main, 100 for everything upstream."""
    if is_convertible_bond(symbol) and line_has(line, Capability.BOND_LOT_10):
        return 10
    return 100


def unsupported_error(
    capability: Capability,
    action: str,
    line: ServerLine | None,
    *,
    alternative: str | None = None,
    answered_404: bool = False,
) -> QMTUnsupportedError:
    """The error for ``action`` needing ``capability``: nothing sent, or a read the server 404'd."""
    info = CAPABILITIES[capability]
    alternative = alternative or info.alternative
    where = f"{line.value} 线服务器" if line is not None else "该服务器"
    outcome = "服务器答复 404 (the route does not exist)" if answered_404 else "未发送任何请求"
    message = f"{action}: {where}不支持{info.description} [{capability.value}]，{outcome}"
    if alternative:
        message += f"。替代: {alternative}"
    return QMTUnsupportedError(
        message,
        capability=capability.value,
        alternative=alternative,
        server_line=line.value if line is not None else None,
    )


def require(
    ctx: ClientContext,
    capability: Capability,
    action: str,
    *,
    alternative: str | None = None,
) -> None:
    """Raise QMTUnsupportedError when the client knows the server lacks ``capability``.

    A line capability needs the line known (``detect_server_line`` first); a
    learned one (market data) passes until the server has said otherwise.
    """
    line = ctx.server_line
    if capability in ctx.unsupported:
        raise unsupported_error(capability, action, line, alternative=alternative)
    if CAPABILITIES[capability].learned:
        return
    if line is None:
        raise RuntimeError(f"{action}: the server line must be known before checking {capability}")
    if not line_has(line, capability):
        raise unsupported_error(capability, action, line, alternative=alternative)


def learn_unsupported(ctx: ClientContext, capability: Capability) -> None:
    """Remember that the server lacks ``capability``: later calls raise before sending."""
    if capability not in ctx.unsupported:
        logger.info("server lacks %s: later calls needing it raise before sending", capability)
    ctx.unsupported.add(capability)


def capability_call(ctx: ClientContext, capability: Capability, call: Call) -> Plan[Any]:
    """``call``, for a route only some servers have (market data).

    Raises QMTUnsupportedError without sending once the server is known to
    lack ``capability``; learns that from the route's non-JSON 404 (safe:
    such routes are read-only, and retried like every read).
    """
    require(ctx, capability, call.action)
    try:
        return (yield from read(ctx, call))
    except QMTNotFoundError as exc:
        if exc.path is None:  # a JSON 404: the route exists, the thing asked for does not
            raise
        learn_unsupported(ctx, capability)
        raise unsupported_error(
            capability, call.action, ctx.server_line, answered_404=True
        ) from exc


def _probe_request() -> dict[str, Any]:
    return {
        "method": "post",
        "url": "/qmt/trade/api/buy",
        "json": {},
        "headers": {"Content-Type": "application/json"},
    }


# POST /qmt/trade/api/buy {}: a 404 upstream, refused on main; never an order.
LINE_PROBE: Final = JsonRoute("qmt_facade.server_lines.line_probe", _probe_request)


def detect_server_line(ctx: ClientContext) -> Plan[ServerLine]:
    """The line of the client's server: configured, cached, or probed once."""
    if ctx.server_line is not None:
        return ctx.server_line
    try:
        response = yield Call(LINE_PROBE, {}, "detect_server_line", raw=True)
    except QMTNotFoundError as exc:
        if exc.path is None:  # a JSON 404 is not the upstream line's plain "Not Found"
            raise
        line = ServerLine.UPSTREAM
    else:
        status = int(response.status_code)
        if status not in (400, 401):
            raise QMTAPIError(
                f"detect_server_line: POST /qmt/trade/api/buy answered HTTP {status}, neither "
                "the upstream line's 404 nor the main line's 400/401; "
                "pass server_line='main' or 'upstream' to the client",
                status_code=status,
            )
        line = ServerLine.MAIN
    ctx.server_line = line
    logger.info("server line detected: %s", line.value)
    return line
