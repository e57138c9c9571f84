"""The upstream server line: its trading routes and its sizing.

The older fork that also serves market data (server-protocol.md, "The upstream
server line: how it differs"). Compared with the main line it has no
fixed-quantity buy at all (no session ``/buy``: a 404; ``order_num`` ignored on
the signed route, where ``position_pct`` is required and not range-checked),
leaner answers (no ``trade_mode``/``trade_param``; reverse repo without
``result`` or ``reserve_amount``), a lot of 100 for everything, convertible
bonds included, orders always named ``quant_<account_type>``, a reverse repo
that lends ALL cash, and session ``/sell`` and ``/trade`` that ignore
``trader_index``, ``strategy_name`` (and on ``/sell`` ``price_type``) and trade
every account. Its extra authentication (URL secret, signature fields in the
query) is in ``auth``; its result numbering is ``Context.results_by_position``.
"""

from __future__ import annotations

from typing import Any

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
    require_price,
    require_quantity,
    require_symbol,
)

LOT = 100


class FlatLots:
    """Every instrument in lots of 100 股, convertible bonds too."""

    def lot(self, symbol: str) -> int:
        return LOT

    def unit(self, symbol: str) -> str:
        return "股"


SIZING = FlatLots()
LIMIT = 0  # the API's price type the session /sell always uses


# ------------------------------------------------------- session routes
def sell_stock(call: Call, ctx: Context) -> Any:
    """Session sell by quantity on EVERY account; only symbol, price and shares are read."""
    data = non_empty_body(call)
    symbol, price, shares = data.get("symbol"), data.get("price"), data.get("shares")
    if not symbol or price is None or shares is None:
        raise ApiError(400, "缺少必要参数: symbol, price, shares")
    symbol, price = require_symbol(symbol), require_price(price, "price")
    shares = require_quantity(shares, "shares")
    engine = ctx.engine
    results = fan_out(
        ctx,
        None,
        lambda i: engine.sell_shares(i, symbol, price, shares, LIMIT, engine.house_strategy(i)),
        lambda i, exc: f"交易器{i}卖出失败: {exc}",
    )
    return {"message": "卖出执行完成", "results": results}


def trade(call: Call, ctx: Context) -> Any:
    """Session buy by ratio on EVERY account; ``strategy_name`` and ``trader_index`` ignored."""
    data = non_empty_body(call)
    symbol, trade_price, pct = data.get("symbol"), data.get("trade_price"), data.get("position_pct")
    price_type = data.get("pricetype", 0)
    if not symbol or trade_price is None or pct is None:
        raise ApiError(400, "缺少必要参数: symbol, trade_price, position_pct")
    symbol, price = require_symbol(symbol), require_price(trade_price, "trade_price")
    engine = ctx.engine
    results = fan_out(
        ctx,
        None,
        lambda i: engine.buy_target_pct(
            i, symbol, price, pct, price_type, engine.house_strategy(i)
        ),
        lambda i, exc: f"交易器{i}交易失败: {exc}",
    )
    return {"message": "交易执行完成", "results": results}


# ------------------------------------------------------ signature routes
def outer_trade(call: Call, ctx: Context) -> Any:
    """Buy or sell by ratio only; ``order_num`` is never read, ``position_pct`` never checked."""
    fields = outer_trade_fields(call)
    operation, trader_index, symbol, trade_price, pct = (
        fields.operation,
        fields.trader_index,
        fields.symbol,
        fields.trade_price,
        fields.position_pct,
    )
    if not symbol or trade_price is None or pct is None:
        raise ApiError(400, "缺少必要参数: symbol, trade_price, position_pct")
    check_trader_index(trader_index, ctx.engine.account_count())
    symbol, price = require_symbol(symbol), require_price(trade_price, "trade_price")
    engine = ctx.engine
    run = engine.buy_target_pct if operation == "buy" else engine.sell_target_pct
    results = fan_out(
        ctx,
        trader_index,
        lambda i: run(i, symbol, price, pct, fields.price_type, engine.house_strategy(i)),
        lambda i, exc: f"第三方调用-交易器{i}{operation}交易失败: {exc}",
    )
    return {
        "message": f"第三方{operation}交易执行完成",
        "operation": operation,
        "strategy_name": fields.strategy_name,  # only echoed
        "results": results,
    }


def nhg(call: Call, ctx: Context) -> Any:
    """Reverse repo with ALL cash; ``reserve_amount`` is ignored and no result is reported."""
    data = call.json()  # JSON null: "'NoneType' object has no attribute 'get'", a 500
    trader_index = data.get("trader_index")
    check_trader_index(trader_index, ctx.engine.account_count())
    results = fan_out(
        ctx, trader_index, ctx.engine.lend_all_cash, exception_text, with_result=False
    )
    return {"message": "逆回购完成", "results": results}


TRADE_ROUTES: tuple[Api, ...] = (
    Api(f"{API}/sell", "POST", SESSION, "sell_stock", sell_stock),
    Api(f"{API}/trade", "POST", SESSION, "trade", trade),
    Api(f"{API}/outer/trade/{{operation}}", "POST", SIGNATURE, "outer_trade", outer_trade),
    Api(f"{API}/trade/nhg", "POST", SIGNATURE, "nhg", nhg),
)
