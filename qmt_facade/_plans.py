"""The client's business logic, written once for the sync and the async client.

Every public method of QMTTradeClient / AsyncQMTTradeClient is a *plan*: a
generator that validates its arguments, then yields steps for a driver to
perform and receives their results:

- ``Call``: one HTTP request through the generated client. The driver sends
  back the parsed 200 body, or throws the mapped ``QMTTradeClientError`` into
  the plan at the ``yield`` (so a plan can react to an error).
- ``Pause``: sleep (time.sleep or asyncio.sleep).
- ``Emit``: hand a value to the caller of an iterating method (watch_orders).

Plans compose with ``yield from``. The drivers (client.py, aio.py) contain
no business rules; no plan does I/O itself.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Collection, Generator
from datetime import datetime
from types import ModuleType
from typing import Any, Literal, TypeVar

import attrs

from qmt_facade.errors import (
    QMTAPIError,
    QMTAuthenticationError,
    QMTNotFoundError,
    QMTOrderRejectedError,
    QMTValidationError,
    QMTWaitTimeoutError,
)
from qmt_facade.records import (
    FINAL_STATUSES,
    Account,
    AccountSummary,
    CancelAllResult,
    CancelResult,
    Order,
    OrderOutcome,
    Portfolio,
    Position,
    TradeResult,
    TraderResult,
)
from qmt_facade.symbols import lot_size, normalize_symbol
from qmt_facade.validation import (
    validate_non_negative,
    validate_optional_trader_index,
    validate_order_id,
    validate_position_pct,
    validate_positive,
    validate_price,
    validate_price_type,
    validate_quantity_choice,
    validate_reserve_amount,
    validate_shares,
    validate_strategy_name,
    validate_trader_index,
)
from qmt_server_client import models as wire
from qmt_server_client.api.account import get_accounts as accounts_route
from qmt_server_client.api.account import get_portfolio as portfolio_route
from qmt_server_client.api.account import get_positions as positions_route
from qmt_server_client.api.order import cancel_all_buy_orders as cancel_buys_route
from qmt_server_client.api.order import cancel_all_sell_orders as cancel_sells_route
from qmt_server_client.api.order import cancel_order as cancel_order_route
from qmt_server_client.api.order import get_order as order_route
from qmt_server_client.api.order import get_orders as orders_route
from qmt_server_client.api.session import login as login_route
from qmt_server_client.api.session import logout as logout_route
from qmt_server_client.api.session_trade import session_buy as session_buy_route
from qmt_server_client.api.session_trade import session_sell as session_sell_route
from qmt_server_client.api.session_trade import session_trade_by_ratio as session_ratio_route
from qmt_server_client.api.trade import outer_trade as outer_trade_route
from qmt_server_client.api.trade import reverse_repo as reverse_repo_route
from qmt_server_client.types import UNSET

logger = logging.getLogger("qmt_facade")

T = TypeVar("T")
Side = Literal["buy", "sell"]

DEFAULT_STRATEGY_NAME = "客户端交易"
# The failure page of POST /login contains this text (server-protocol.md).
LOGIN_FAILED_MARKER = "用户名或密码错误"


@attrs.frozen
class Call:
    """One request: a generated endpoint module and its keyword arguments."""

    endpoint: ModuleType
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


@attrs.frozen
class AuthMode:
    """Which credentials the client holds right now."""

    signed: bool
    logged_in: bool


def _require_any_auth(mode: AuthMode, action: str) -> None:
    if not (mode.signed or mode.logged_in):
        raise QMTAuthenticationError(
            f"{action} 需要先 login() 或在创建客户端时提供 client_id 和 secret_key"
        )


def _require_signature(mode: AuthMode, action: str) -> None:
    if not mode.signed:
        raise QMTAuthenticationError(
            f"{action} 只接受API签名认证：请在创建客户端时提供 client_id 和 secret_key"
            "（服务器对该接口不接受登录会话）"
        )


# --- session -----------------------------------------------------------------


def login(username: str, password: str) -> Plan[bool]:
    for name, value in (("username", username), ("password", password)):
        if not isinstance(value, str) or not value:
            shown = "***" if name == "password" else repr(value)
            raise QMTValidationError(
                f"{name}={shown}: must be a non-empty str",
                field=name,
                value=None if name == "password" else value,
                rule="non-empty str",
            )
    response = yield Call(
        login_route,
        {"body": wire.LoginForm(username=username, password=password)},
        "login",
        raw=True,
    )
    if response.status_code == 302:
        return True
    text = response.content.decode("utf-8", "replace")
    if response.status_code == 200 and LOGIN_FAILED_MARKER in text:
        raise QMTAuthenticationError(f"{LOGIN_FAILED_MARKER} (username={username!r})")
    raise QMTAPIError(
        f"login: unexpected HTTP {response.status_code} from POST /login",
        status_code=int(response.status_code),
    )


def logout() -> Plan[bool]:
    yield Call(logout_route, {}, "logout", raw=True)
    return True


# --- queries -----------------------------------------------------------------


def get_accounts(mode: AuthMode) -> Plan[list[Account]]:
    _require_any_auth(mode, "get_accounts")
    answer: wire.AccountList = yield Call(accounts_route, {}, "get_accounts")
    return [Account.from_wire(a) for a in answer.accounts]


def get_portfolio(mode: AuthMode, trader_index: int) -> Plan[Portfolio]:
    index = validate_trader_index(trader_index)
    _require_any_auth(mode, "get_portfolio")
    answer: wire.PortfolioResponse = yield Call(
        portfolio_route, {"trader_index": index}, "get_portfolio"
    )
    return Portfolio.from_wire(answer.portfolio)


def get_positions(mode: AuthMode, trader_index: int) -> Plan[list[Position]]:
    index = validate_trader_index(trader_index)
    _require_any_auth(mode, "get_positions")
    answer: wire.PositionList = yield Call(
        positions_route, {"trader_index": index}, "get_positions"
    )
    return [Position.from_wire(p) for p in answer.positions]


def get_account_summary(mode: AuthMode, trader_index: int) -> Plan[AccountSummary]:
    timestamp = datetime.now().astimezone()
    portfolio = yield from get_portfolio(mode, trader_index)
    positions = yield from get_positions(mode, trader_index)
    return AccountSummary(
        trader_index=trader_index, portfolio=portfolio, positions=positions, timestamp=timestamp
    )


def _same_symbol(reported: str, wanted: str) -> bool:
    try:
        return normalize_symbol(reported) == wanted
    except QMTValidationError:  # a symbol this client does not understand
        return reported.upper() == wanted


def get_position_by_symbol(mode: AuthMode, symbol: str, trader_index: int) -> Plan[Position | None]:
    wanted = normalize_symbol(symbol)
    positions = yield from get_positions(mode, trader_index)
    return next((p for p in positions if _same_symbol(p.symbol, wanted)), None)


def has_position(mode: AuthMode, symbol: str, trader_index: int) -> Plan[bool]:
    position = yield from get_position_by_symbol(mode, symbol, trader_index)
    return position is not None and position.volume > 0


# --- trading -----------------------------------------------------------------


@attrs.frozen
class OrderRequest:
    """A validated buy or sell: exactly one of ``shares`` / ``position_pct`` is set."""

    side: Side
    symbol: str
    price: float
    shares: int | None
    position_pct: float | None
    price_type: int
    trader_index: int | None
    strategy_name: str


def validate_order(
    side: Side,
    symbol: str,
    price: float,
    position_pct: float | None,
    shares: int | None,
    price_type: int,
    trader_index: int | None,
    strategy_name: str,
) -> OrderRequest:
    validate_quantity_choice(position_pct, shares)
    normalized = normalize_symbol(symbol)
    return OrderRequest(
        side=side,
        symbol=normalized,
        price=validate_price(price),
        shares=validate_shares(shares, normalized) if shares is not None else None,
        position_pct=validate_position_pct(position_pct) if position_pct is not None else None,
        price_type=validate_price_type(price_type),
        trader_index=validate_optional_trader_index(trader_index),
        strategy_name=validate_strategy_name(strategy_name),
    )


def _optional(value: Any) -> Any:
    return UNSET if value is None else value


def place_order(mode: AuthMode, order: OrderRequest, action: str) -> Plan[TradeResult]:
    """Place ``order`` through the route the credentials allow, then check the outcome."""
    _require_any_auth(mode, action)
    if mode.signed:
        result = yield from _outer_trade(order, action)
    elif order.shares is not None:
        result = yield from _session_order(order, order.shares, order.trader_index, action)
    elif order.side == "buy":
        result = yield from _session_buy_by_ratio(order, action)
    else:
        result = yield from _session_sell_by_ratio(mode, order, action)
    return check_trade(result, action, order.shares)


def _outer_trade(order: OrderRequest, action: str) -> Plan[TradeResult]:
    body = wire.OuterTradeRequest(
        symbol=order.symbol,
        trade_price=order.price,
        position_pct=_optional(order.position_pct),
        order_num=_optional(order.shares),
        price_type=wire.PriceType(order.price_type),
        trader_index=_optional(order.trader_index),
        strategy_name=order.strategy_name,
    )
    answer: wire.OuterTradeResponse = yield Call(
        outer_trade_route,
        {"operation": wire.TradeOperation(order.side), "body": body},
        action,
        places_order=True,
    )
    return TradeResult(
        message=answer.message,
        results=[TraderResult.from_wire(r) for r in answer.results],
        operation=answer.operation.value,
        trade_mode=answer.trade_mode.value,
        trade_param=answer.trade_param,
        strategy_name=answer.strategy_name,
    )


def _session_result(answer: wire.SessionTradeResponse, order: OrderRequest) -> TradeResult:
    return TradeResult(
        message=answer.message,
        results=[TraderResult.from_wire(r) for r in answer.results],
        operation=order.side,
        trade_mode="order_num" if order.shares is not None else "position_pct",
        trade_param=order.shares if order.shares is not None else order.position_pct,
        strategy_name=order.strategy_name,
    )


def _session_order(
    order: OrderRequest, shares: int, trader_index: int | None, action: str
) -> Plan[TradeResult]:
    body = wire.SessionOrderRequest(
        symbol=order.symbol,
        price=order.price,
        shares=shares,
        price_type=wire.PriceType(order.price_type),
        strategy_name=order.strategy_name,
        trader_index=_optional(trader_index),
    )
    route = session_buy_route if order.side == "buy" else session_sell_route
    answer: wire.SessionTradeResponse = yield Call(route, {"body": body}, action, places_order=True)
    return _session_result(answer, order)


def _session_buy_by_ratio(order: OrderRequest, action: str) -> Plan[TradeResult]:
    body = wire.SessionRatioTradeRequest(
        symbol=order.symbol,
        trade_price=order.price,
        position_pct=order.position_pct if order.position_pct is not None else 0.0,
        pricetype=wire.PriceType(order.price_type),
        strategy_name=order.strategy_name,
        trader_index=_optional(order.trader_index),
    )
    answer: wire.SessionTradeResponse = yield Call(
        session_ratio_route, {"body": body}, action, places_order=True
    )
    return _session_result(answer, order)


def _session_sell_by_ratio(mode: AuthMode, order: OrderRequest, action: str) -> Plan[TradeResult]:
    """The session routes only sell by shares: size each account's order here.

    Same rule as the server's: floor(can_use_volume × pct / lot) × lot.
    """
    if order.trader_index is not None:
        targets = [order.trader_index]
    else:
        targets = [account.index for account in (yield from get_accounts(mode))]
    lot = lot_size(order.symbol)
    pct = order.position_pct if order.position_pct is not None else 0.0
    results: list[TraderResult] = []
    message = "卖出执行完成"
    for index in targets:
        position = yield from get_position_by_symbol(mode, order.symbol, index)
        sellable = position.can_use_volume if position is not None else 0
        shares = math.floor(sellable * pct / lot) * lot
        if shares <= 0:
            results.append(
                _not_sent(index, order, f"可卖数量不足一手: 可用 {sellable}, 比例 {pct}")
            )
            continue
        placed = yield from _session_order(order, shares, index, action)
        message = placed.message
        results.extend(placed.results)
    return TradeResult(
        message=message,
        results=results,
        operation="sell",
        trade_mode="position_pct",
        trade_param=pct,
        strategy_name=order.strategy_name,
    )


def _not_sent(index: int, order: OrderRequest, why: str) -> TraderResult:
    """An account for which the client sent nothing (it would place no order)."""
    outcome = OrderOutcome(
        success=False, message=why, symbol=order.symbol, order_num=0, price=order.price
    )
    return TraderResult(trader_index=index, status="success", result=outcome)


def check_trade(result: TradeResult, action: str, requested_shares: int | None) -> TradeResult:
    """Raise when no account placed an order; otherwise say in words what fell short."""
    if not result.placed:
        reasons = "; ".join(f"账户{r.trader_index}: {r.reason}" for r in result.results)
        raise QMTOrderRejectedError(
            f"{action} 未下单，没有任何账户委托成功 — {reasons or '服务器没有返回任何账户的结果'}",
            outcomes=result.results,
            server_message=result.message,
        )
    warnings = [f"账户{r.trader_index} 未下单: {r.reason}" for r in result.rejected]
    if requested_shares is not None:
        for r in result.placed:
            placed_num = r.result.order_num if r.result is not None else None
            if placed_num is not None and placed_num < requested_shares:
                warnings.append(
                    f"账户{r.trader_index} 委托数量由 {requested_shares} 减为 {placed_num}"
                    f"（服务器按可用资金调整）"
                )
    for warning in warnings:
        logger.warning("%s: %s", action, warning)
    return attrs.evolve(result, warnings=warnings) if warnings else result


def buy_all(
    mode: AuthMode, symbol: str, price: float, trader_index: int | None
) -> Plan[TradeResult]:
    # Not /trade/allin: that route answers result: null for every account, so
    # the caller could not tell whether (or which) order was placed. Buying
    # position_pct=1.0 spends the same cash (total_asset × 1, capped at cash)
    # and reports the order.
    order = validate_order("buy", symbol, price, 1.0, None, 0, trader_index, DEFAULT_STRATEGY_NAME)
    return (yield from place_order(mode, order, "buy_all"))


def sell_all(
    mode: AuthMode, symbol: str, price: float, trader_index: int | None
) -> Plan[TradeResult]:
    order = validate_order("sell", symbol, price, 1.0, None, 0, trader_index, DEFAULT_STRATEGY_NAME)
    return (yield from place_order(mode, order, "sell_all"))


def reverse_repo(
    mode: AuthMode, reserve_amount: float, trader_index: int | None
) -> Plan[TradeResult]:
    reserve = validate_reserve_amount(reserve_amount)
    index = validate_optional_trader_index(trader_index)
    _require_signature(mode, "reverse_repo")
    body = wire.ReverseRepoRequest(reserve_amount=reserve, trader_index=_optional(index))
    answer: wire.ReverseRepoResponse = yield Call(
        reverse_repo_route, {"body": body}, "reverse_repo", places_order=True
    )
    result = TradeResult(
        message=answer.message,
        results=[TraderResult.from_wire(r) for r in answer.results],
        operation="sell",  # xtquant places reverse repo (131810.SZ) as a sell order
        reserve_amount=answer.reserve_amount,
    )
    return check_trade(result, "reverse_repo", None)


# --- orders ------------------------------------------------------------------


def get_order(mode: AuthMode, order_id: int, trader_index: int) -> Plan[Order]:
    oid = validate_order_id(order_id)
    index = validate_trader_index(trader_index)
    _require_signature(mode, "get_order")
    try:
        answer: wire.Order = yield Call(
            order_route, {"body": wire.OrderRef(order_id=oid, trader_index=index)}, "get_order"
        )
    except QMTAPIError as exc:
        # The server answers an unknown id with a generic 500; tell the two
        # apart by looking the id up in the account's order list.
        if exc.status_code not in (404, 500):
            raise
        known = yield from get_orders(mode, index)
        if any(o.order_id == oid for o in known):
            raise
        raise QMTNotFoundError(
            f"订单不存在: order_id={oid}, trader_index={index}",
            status_code=exc.status_code,
            error=exc.error,
            server_message=exc.server_message,
        ) from exc
    return Order.from_wire(answer)


def get_orders(
    mode: AuthMode, trader_index: int, cancelable_only: bool = False
) -> Plan[list[Order]]:
    index = validate_trader_index(trader_index)
    if not isinstance(cancelable_only, bool):
        raise QMTValidationError(
            f"cancelable_only={cancelable_only!r}: must be True or False",
            field="cancelable_only",
            value=cancelable_only,
            rule="bool",
        )
    _require_signature(mode, "get_orders")
    body = wire.OrdersQuery(trader_index=index, cancelable_only=cancelable_only)
    answer: list[wire.Order] = yield Call(orders_route, {"body": body}, "get_orders")
    return [Order.from_wire(o) for o in answer]


def cancel_order(mode: AuthMode, order_id: int, trader_index: int) -> Plan[CancelResult]:
    oid = validate_order_id(order_id)
    index = validate_trader_index(trader_index)
    _require_signature(mode, "cancel_order")
    answer: wire.CancelResult = yield Call(
        cancel_order_route,
        {"body": wire.OrderRef(order_id=oid, trader_index=index)},
        "cancel_order",
        places_order=True,
    )
    result = CancelResult.from_wire(answer)
    if not result.success:
        logger.warning("cancel_order %s refused: %s", oid, result.message)
    return result


def cancel_all(mode: AuthMode, side: Side, trader_index: int | None) -> Plan[CancelAllResult]:
    action = "cancel_all_buy_orders" if side == "buy" else "cancel_all_sell_orders"
    index = validate_optional_trader_index(trader_index)
    _require_signature(mode, action)
    route = cancel_buys_route if side == "buy" else cancel_sells_route
    answer: wire.CancelAllResponse = yield Call(
        route,
        {"body": wire.CancelAllRequest(trader_index=_optional(index))},
        action,
        places_order=True,
    )
    result = CancelAllResult.from_wire(answer)
    for entry in result.results:
        if entry.status != "success":
            logger.warning("%s failed on account %s: %s", action, entry.trader_index, entry.error)
    return result


# --- order lifecycle (the server has no push notifications: poll) --------------


def _check_polling(timeout: float | None, poll_interval: float) -> None:
    validate_positive(poll_interval, "poll_interval")
    if timeout is not None:
        validate_non_negative(timeout, "timeout")


def wait_for_order(
    mode: AuthMode,
    order_id: int,
    trader_index: int,
    timeout: float,
    poll_interval: float,
    until: Collection[int] | None,
) -> Plan[Order]:
    """Poll one order until its status is in ``until`` (default: final)."""
    _check_polling(timeout, poll_interval)
    wanted = frozenset(until) if until is not None else FINAL_STATUSES
    deadline = time.monotonic() + timeout
    while True:
        order = yield from get_order(mode, order_id, trader_index)
        if order.status in wanted:
            return order
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise QMTWaitTimeoutError(
                f"wait_for_order: order {order_id} still {order.status} {order.status_name} "
                f"after {timeout}s",
                last_order=order,
            )
        yield Pause(min(poll_interval, remaining))


@attrs.frozen
class OrderEvent:
    """An order that appeared or changed (status or filled volume) since the last poll."""

    order: Order
    previous: Order | None  # None when the order is new to the watcher


def watch_orders(
    mode: AuthMode,
    trader_index: int,
    poll_interval: float,
    timeout: float | None,
    order_ids: Collection[int] | None,
) -> Plan[None]:
    """Emit an OrderEvent for every new or changed order.

    Stops when ``timeout`` seconds have passed (None: never), or, when
    ``order_ids`` is given, once every one of them is final.
    """
    _check_polling(timeout, poll_interval)
    watched = frozenset(validate_order_id(o) for o in order_ids) if order_ids is not None else None
    deadline = None if timeout is None else time.monotonic() + timeout
    seen: dict[int, Order] = {}
    while True:
        orders = yield from get_orders(mode, trader_index)
        for order in orders:
            if watched is not None and order.order_id not in watched:
                continue
            previous = seen.get(order.order_id)
            if previous is None or (previous.status, previous.traded_volume) != (
                order.status,
                order.traded_volume,
            ):
                seen[order.order_id] = order
                yield Emit(OrderEvent(order=order, previous=previous))
        if watched is not None and all(o in seen and seen[o].is_final for o in watched):
            return None
        pause = poll_interval
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            pause = min(pause, remaining)
        yield Pause(pause)
