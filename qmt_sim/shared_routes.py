"""Routes that answer the same on both server lines, and the simulator's own admin routes.

The only line-specific part here is how ``results[].trader_index`` is numbered,
which ``Context.results_by_position`` carries.
"""

from __future__ import annotations

from typing import Any

from .calls import (
    API,
    EITHER,
    PUBLIC,
    SIGNATURE,
    Api,
    ApiError,
    Call,
    Context,
    Reply,
    check_int64,
    check_trader_index,
    exception_text,
    fan_out,
    require_order_id,
    require_price,
    require_symbol,
)
from .notifier import NotificationError

MAX_TICK_STEPS = 4800  # one trading day of 3-second ticks (4 hours)


# ------------------------------------------------------------ query routes
def get_accounts(call: Call, ctx: Context) -> Any:
    return {"accounts": ctx.engine.accounts()}


def _path_index(call: Call, ctx: Context) -> int:
    index: int = call.path_params["trader_index"]
    if index >= ctx.engine.account_count():
        raise ApiError(400, "无效的交易器索引")
    return index


def get_portfolio(call: Call, ctx: Context) -> Any:
    return {"portfolio": ctx.engine.portfolio(_path_index(call, ctx))}


def get_positions(call: Call, ctx: Context) -> Any:
    return {"positions": ctx.engine.positions(_path_index(call, ctx))}


# ------------------------------------------------------------ trade routes
def trade_allin(call: Call, ctx: Context) -> Any:
    data = call.json()
    symbol, cur_price, trader_index = (
        data.get("symbol"),
        data.get("cur_price"),
        data.get("trader_index"),
    )
    if not symbol or cur_price is None:
        raise ApiError(400, "缺少必要参数: symbol, cur_price")
    check_trader_index(trader_index, ctx.engine.account_count())
    symbol, price = require_symbol(symbol), require_price(cur_price, "cur_price")
    engine = ctx.engine

    def buy_everything(i: int) -> None:
        # 100 % of total assets capped at cash, named by the server; the real
        # server drops the outcome, so every result is null.
        engine.buy_target_pct(i, symbol, price, 1, 0, engine.house_strategy(i))

    return {
        "message": "全仓买入完成",
        "results": fan_out(ctx, trader_index, buy_everything, exception_text),
    }


def _cancel_side(call: Call, ctx: Context, side: str, message: str) -> Any:
    data = call.json()
    trader_index = data.get("trader_index")
    check_trader_index(trader_index, ctx.engine.account_count())
    results = fan_out(
        ctx,
        trader_index,
        lambda i: ctx.engine.cancel_side(i, side),
        exception_text,
        with_result=False,
    )
    return {"message": message, "results": results}


def cancel_all_orders_sale(call: Call, ctx: Context) -> Any:
    return _cancel_side(call, ctx, "sell", "取消所有卖单完成")


def cancel_all_orders_buy(call: Call, ctx: Context) -> Any:
    return _cancel_side(call, ctx, "buy", "取消所有买单完成")


def cancel_order(call: Call, ctx: Context) -> Any:
    data = call.json()
    order_id, trader_index = data.get("order_id"), data.get("trader_index")
    check_trader_index(trader_index, ctx.engine.account_count(), required=True)
    # The answer echoes order_id, an integer in the spec: anything else is refused here.
    return ctx.engine.cancel_order(trader_index, require_order_id(order_id))


def order(call: Call, ctx: Context) -> Any:
    data = call.json()
    order_id, trader_index = data.get("order_id"), data.get("trader_index")
    check_trader_index(trader_index, ctx.engine.account_count(), required=True)
    found = ctx.engine.query_order(trader_index, check_int64(order_id, "order_id"))
    if found is None:
        # The real server dereferences xtquant's None: a 500 with this message.
        raise AttributeError("'NoneType' object has no attribute 'order_id'")
    return found


def orders(call: Call, ctx: Context) -> Any:
    data = call.json()
    trader_index = data.get("trader_index")
    cancelable_only = data.get("cancelable_only", False)
    check_trader_index(trader_index, ctx.engine.account_count(), required=True)
    # A bare JSON array, as the real server sends it.
    return ctx.engine.query_orders(trader_index, bool(cancelable_only))


def send_msg(call: Call, ctx: Context) -> Any:
    message = call.json().get("msg")
    try:
        ctx.engine.send_message(str(message))
    except NotificationError as exc:
        return Reply(500, {"message": str(exc), "status": "error"})
    return {"message": "消息发送成功", "status": "success"}


# ------------------------------------------------------------- sim admin
def sim_tick(call: Call, ctx: Context) -> Any:
    data = (call.json() if call.content_type else None) or {}
    if not isinstance(data, dict):
        raise ApiError(400, "请求体必须是JSON对象")
    steps = data.get("steps", 1)
    if type(steps) is not int or not 1 <= steps <= MAX_TICK_STEPS:
        raise ApiError(400, f"steps 必须是 1 到 {MAX_TICK_STEPS} 之间的整数")
    return ctx.engine.tick(steps)


def sim_next_day(call: Call, ctx: Context) -> Any:
    return ctx.engine.next_day()


def sim_clock(call: Call, ctx: Context) -> Any:
    return ctx.engine.clock_info()


def sim_health(call: Call, ctx: Context) -> Any:
    return {"status": "ok", **ctx.engine.clock_info()}


def sim_faults(call: Call, ctx: Context) -> Any:
    """Arm failures at run time: ``{"notification_failures": n}`` (0 disarms)."""
    data = call.json()
    if not isinstance(data, dict):
        raise ApiError(400, "请求体必须是JSON对象")
    failures = data.get("notification_failures", ctx.engine.notifier.failures)
    if type(failures) is not int or failures < 0:
        raise ApiError(400, "notification_failures 必须是 >= 0 的整数")
    ctx.engine.notifier.arm(failures)
    return {"notification_failures": ctx.engine.notifier.failures}


# Pure reads of the book: their answers are cached until the next write.
QUERY_ROUTES: tuple[Api, ...] = (
    Api(f"{API}/accounts", "GET", EITHER, "get_accounts", get_accounts, cacheable=True),
    Api(
        f"{API}/portfolio/{{trader_index:int}}",
        "GET",
        EITHER,
        "get_portfolio",
        get_portfolio,
        cacheable=True,
    ),
    Api(
        f"{API}/positions/{{trader_index:int}}",
        "GET",
        EITHER,
        "get_positions",
        get_positions,
        cacheable=True,
    ),
)

ORDER_ROUTES: tuple[Api, ...] = (
    Api(f"{API}/trade/allin", "POST", SIGNATURE, "trade_allin", trade_allin),
    Api(
        f"{API}/cancel_orders/sale",
        "POST",
        SIGNATURE,
        "cancel_all_orders_sale",
        cancel_all_orders_sale,
    ),
    Api(
        f"{API}/cancel_orders/buy",
        "POST",
        SIGNATURE,
        "cancel_all_orders_buy",
        cancel_all_orders_buy,
    ),
    Api(f"{API}/cancel_order", "POST", SIGNATURE, "cancel_order", cancel_order),
    Api(f"{API}/order", "POST", SIGNATURE, "order", order),
    Api(f"{API}/orders", "POST", SIGNATURE, "orders", orders),
    Api("/send_msg", "POST", SIGNATURE, "send_msg", send_msg, json_errors=False),
)

SIM_ROUTES: tuple[Api, ...] = (
    Api("/sim/tick", "POST", SIGNATURE, "sim_tick", sim_tick),
    Api("/sim/next_day", "POST", SIGNATURE, "sim_next_day", sim_next_day),
    Api("/sim/faults", "POST", SIGNATURE, "sim_faults", sim_faults),
    Api("/sim/clock", "GET", SIGNATURE, "sim_clock", sim_clock),
    Api("/sim/health", "GET", PUBLIC, "sim_health", sim_health),
)
