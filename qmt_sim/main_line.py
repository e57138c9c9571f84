"""The main server line (the one the manual documents): its trading routes.

What sets it apart from the upstream line (server-protocol.md, last section):
fixed-quantity trading (``order_num`` on the signed route, the session
``/buy``), a checked ``position_pct`` range, ``trade_mode``/``trade_param`` in
the signed answer, the request's ``strategy_name`` on the orders, lots of 10
for convertible bonds, a reverse-repo reserve with a per-account result, and
session routes that honour ``trader_index``, ``price_type`` and
``strategy_name``. Routes shared with the upstream line are in
``shared_routes``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import market as mk
from .calls import (
    API,
    SESSION,
    SIGNATURE,
    Api,
    ApiError,
    Call,
    Context,
    check_trader_index,
    exception_text,
    fan_out,
    non_empty_body,
    outer_trade_fields,
    require_number,
    require_price,
    require_quantity,
    require_symbol,
    require_text,
)
from .engine import BoardLots, Engine

SIZING = BoardLots()


# ------------------------------------------------------- session routes
def _session_shares(call: Call, ctx: Context, side: str) -> Any:
    data = non_empty_body(call)
    symbol, price, shares = data.get("symbol"), data.get("price"), data.get("shares")
    price_type = data.get("price_type", 0)
    strategy = data.get("strategy_name", "Web界面")
    trader_index = data.get("trader_index")
    if not symbol or price is None or shares is None:
        raise ApiError(400, "缺少必要参数: symbol, price, shares")
    check_trader_index(trader_index, ctx.engine.account_count())
    symbol, price = require_symbol(symbol), require_price(price, "price")
    shares, strategy = require_quantity(shares, "shares"), require_text(strategy, "strategy_name")
    place = ctx.engine.buy_shares if side == "buy" else ctx.engine.sell_shares
    verb = "买入" if side == "buy" else "卖出"
    results = fan_out(
        ctx,
        trader_index,
        lambda i: place(i, symbol, price, shares, price_type, strategy),
        lambda i, exc: f"交易器{i}{verb}失败: {exc}",
    )
    return {"message": f"{verb}执行完成", "results": results}


def buy_stock(call: Call, ctx: Context) -> Any:
    return _session_shares(call, ctx, "buy")


def sell_stock(call: Call, ctx: Context) -> Any:
    return _session_shares(call, ctx, "sell")


def trade(call: Call, ctx: Context) -> Any:
    """Session buy by ratio. No range check on ``position_pct`` here, as on the real server."""
    data = non_empty_body(call)
    symbol, trade_price, pct = data.get("symbol"), data.get("trade_price"), data.get("position_pct")
    price_type = data.get("pricetype", 0)  # sic: this route spells it "pricetype"
    strategy = data.get("strategy_name", "Web界面")
    trader_index = data.get("trader_index")
    if not symbol or trade_price is None or pct is None:
        raise ApiError(400, "缺少必要参数: symbol, trade_price, position_pct")
    check_trader_index(trader_index, ctx.engine.account_count())
    symbol, price = require_symbol(symbol), require_price(trade_price, "trade_price")
    strategy = require_text(strategy, "strategy_name")
    results = fan_out(
        ctx,
        trader_index,
        lambda i: ctx.engine.buy_target_pct(i, symbol, price, pct, price_type, strategy),
        lambda i, exc: f"交易器{i}交易失败: {exc}",
    )
    return {"message": "交易执行完成", "results": results}


# ------------------------------------------------------ signature routes
def outer_trade(call: Call, ctx: Context) -> Any:
    fields = outer_trade_fields(call)
    operation, trader_index, symbol, trade_price = (
        fields.operation,
        fields.trader_index,
        fields.symbol,
        fields.trade_price,
    )
    pct, order_num = fields.position_pct, fields.body.get("order_num")
    price_type, strategy = fields.price_type, fields.strategy_name
    if not symbol or trade_price is None:
        raise ApiError(400, "缺少必要参数: symbol, trade_price")
    if pct is None and order_num is None:
        raise ApiError(400, "必须提供 position_pct 或 order_num 其中之一")
    if pct is not None and order_num is not None:
        raise ApiError(400, "position_pct 和 order_num 不能同时提供，请选择其中一个")
    if pct is not None:
        mode, param = "position_pct", pct
        if not 0 <= pct <= 1:
            raise ApiError(400, "position_pct 必须在 0 到 1 之间")
    else:
        mode, param = "order_num", order_num
        if order_num <= 0:
            raise ApiError(400, "order_num 必须大于 0")
        normalized = mk.normalize_symbol(require_symbol(symbol))
        lot = SIZING.lot(normalized)
        if order_num % lot != 0:
            raise ApiError(400, f"order_num 必须是 {lot} 的倍数（{SIZING.unit(normalized)}）")
    check_trader_index(trader_index, ctx.engine.account_count())
    symbol, price = require_symbol(symbol), require_price(trade_price, "trade_price")
    amount = require_quantity(param, mode) if mode == "order_num" else require_number(param, mode)
    strategy = require_text(strategy, "strategy_name")
    runner = _outer_runner(ctx.engine, operation, mode)
    results = fan_out(
        ctx,
        trader_index,
        lambda i: runner(i, symbol, price, amount, price_type, strategy),
        lambda i, exc: f"第三方调用-交易器{i}{operation}交易失败: {exc}",
    )
    return {
        "message": f"第三方{operation}交易执行完成",
        "operation": operation,
        "trade_mode": mode,
        "trade_param": param,
        "strategy_name": strategy,
        "results": results,
    }


def _outer_runner(engine: Engine, operation: str, mode: str) -> Callable[..., dict[str, Any]]:
    if operation == "buy":
        return engine.buy_target_pct if mode == "position_pct" else engine.buy_shares
    return engine.sell_target_pct if mode == "position_pct" else engine.sell_shares


def nhg(call: Call, ctx: Context) -> Any:
    data = call.json() or {}  # a JSON null body is accepted here
    trader_index = data.get("trader_index")
    reserve_amount = data.get("reserve_amount", 0)
    check_trader_index(trader_index, ctx.engine.account_count())
    if reserve_amount < 0:  # a string raises TypeError: the real server's 500
        raise ApiError(400, "保留金额不能为负数")
    reserve_amount = require_number(reserve_amount, "reserve_amount")
    results = fan_out(
        ctx,
        trader_index,
        lambda i: ctx.engine.reverse_repo(i, reserve_amount),
        exception_text,
        status_from_result=True,
    )
    return {"message": "逆回购执行完成", "reserve_amount": reserve_amount, "results": results}


TRADE_ROUTES: tuple[Api, ...] = (
    Api(f"{API}/buy", "POST", SESSION, "buy_stock", buy_stock),
    Api(f"{API}/sell", "POST", SESSION, "sell_stock", sell_stock),
    Api(f"{API}/trade", "POST", SESSION, "trade", trade),
    Api(f"{API}/outer/trade/{{operation}}", "POST", SIGNATURE, "outer_trade", outer_trade),
    Api(f"{API}/trade/nhg", "POST", SIGNATURE, "nhg", nhg),
)
