"""The plans (qmt_facade.plans) driven by hand with fake parsed wire models: no HTTP at all."""

from __future__ import annotations

import math
from typing import Any

import pytest
from _wire import accounts, order_wire, positions

from qmt_facade import plans
from qmt_facade.errors import (
    QMTAPIError,
    QMTAuthenticationError,
    QMTNotFoundError,
    QMTOrderRejectedError,
    QMTValidationError,
)
from qmt_facade.plans import Call, ClientContext, Emit, Pause, trading
from qmt_facade.records import OrderOutcome, TradeResult, TraderResult
from qmt_facade.server_lines import ServerLine
from qmt_server_client.api.account import get_accounts as accounts_route
from qmt_server_client.api.account import get_positions as positions_route
from qmt_server_client.api.order import get_order as order_route
from qmt_server_client.api.order import get_orders as orders_route
from qmt_server_client.types import UNSET


def session_ctx(line: ServerLine | None = ServerLine.MAIN) -> ClientContext:
    return ClientContext(signed=False, logged_in=True, server_line=line)


def signed_ctx(line: ServerLine | None = ServerLine.MAIN) -> ClientContext:
    return ClientContext(signed=True, logged_in=False, server_line=line)


def finish(plan: Any, value: Any) -> Any:
    with pytest.raises(StopIteration) as stop:
        plan.send(value)
    return stop.value.value


def outcome(
    success: bool, order_num: int = 0, order_id: int | None = None, message: str = "m"
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "success": success,
        "message": message,
        "symbol": "000001.SZ",
        "order_num": order_num,
        "price": 10.0,
    }
    if order_id is not None:
        data["order_id"] = order_id
    return data


def session_answer(*results: tuple[int, dict[str, Any] | None]) -> dict[str, Any]:
    """A session route's answer, as the JSON the order plans receive."""
    return {
        "message": "卖出执行完成",
        "results": [{"trader_index": i, "status": "success", "result": r} for i, r in results],
    }


def outer_answer(
    *results: dict[str, Any], trade_mode: str = "order_num", param: float = 100
) -> dict[str, Any]:
    return {
        "message": "第三方buy交易执行完成",
        "operation": "buy",
        "trade_mode": trade_mode,
        "trade_param": param,
        "strategy_name": "s",
        "results": list(results),
    }


# --- session sell by ratio: sized client-side ------------------------------------


@pytest.mark.parametrize(
    ("symbol", "can_use", "pct", "lot"),
    [
        ("600000", 1000, 0.55, 100),
        ("000001.SZ", 2350, 0.5, 100),
        ("128013", 95, 0.35, 10),
        ("113050", 70, 1.0, 10),
    ],
)
def test_session_sell_by_ratio_sizes_per_account(
    symbol: str, can_use: int, pct: float, lot: int
) -> None:
    order = plans.validate_order("sell", symbol, 10.0, pct, None, 0, None, "s")
    plan = plans.place_order(session_ctx(), order, "sell")
    step = next(plan)
    assert isinstance(step, Call) and step.endpoint is accounts_route
    step = plan.send(accounts(2))
    assert step.endpoint is positions_route and step.kwargs == {"trader_index": 0}
    step = plan.send(positions((order.symbol, can_use + 300, can_use)))
    assert step.endpoint is positions_route and step.kwargs == {"trader_index": 1}
    step = plan.send(positions())  # account 1 holds nothing: nothing is sent for it
    want = math.floor(can_use * pct / lot) * lot
    assert step.endpoint is trading.SESSION_SELL and step.places_order
    body = step.kwargs["body"]
    assert (body.shares, body.trader_index, body.symbol) == (want, 0, order.symbol)
    result = finish(plan, session_answer((0, outcome(True, want, 11))))
    assert isinstance(result, TradeResult)
    assert result.order_ids == [11] and [r.trader_index for r in result.rejected] == [1]
    assert result.trade_mode == "position_pct" and result.trade_param == pct
    assert len(result.warnings) == 1 and "账户1" in result.warnings[0]


def test_session_sell_by_ratio_below_one_lot_is_refused() -> None:
    order = plans.validate_order("sell", "600000", 10.0, 0.5, None, 0, 0, "s")
    plan = plans.place_order(session_ctx(), order, "sell")
    step = next(plan)
    assert step.endpoint is positions_route  # one account given: no account list needed
    with pytest.raises(QMTValidationError, match="卖出全部可卖持仓") as info:
        plan.send(positions(("600000.SH", 150, 150)))  # 150 × 0.5 = 75 < one lot
    assert info.value.field == "position_pct" and "账户0 可卖 150" in str(info.value)


def test_session_routes_chosen_by_mode_and_quantity() -> None:
    buy_shares = plans.place_order(
        session_ctx(), plans.validate_order("buy", "000001", 10.0, None, 500, 0, 1, "s"), "buy"
    )
    step = next(buy_shares)
    assert step.endpoint is trading.SESSION_BUY and step.kwargs["body"].shares == 500
    buy_pct = plans.place_order(
        session_ctx(), plans.validate_order("buy", "000001", 10.0, 0.3, None, 3, None, "s"), "buy"
    )
    step = next(buy_pct)
    assert step.endpoint is trading.SESSION_RATIO_BUY
    assert step.kwargs["body"].position_pct == 0.3 and int(step.kwargs["body"].pricetype) == 3
    assert step.kwargs["body"].trader_index is UNSET
    signed = plans.place_order(
        signed_ctx(), plans.validate_order("buy", "000001", 10.0, 0.3, None, 0, None, "s"), "buy"
    )
    step = next(signed)
    assert step.endpoint is trading.OUTER_TRADE
    assert step.kwargs["body"].position_pct == 0.3 and step.kwargs["body"].order_num is UNSET


def test_no_credentials_raise_before_any_step() -> None:
    plan = plans.place_order(
        ClientContext(False, False),
        plans.validate_order("buy", "000001", 10.0, None, 100, 0, 0, "s"),
        "buy",
    )
    with pytest.raises(QMTAuthenticationError, match="buy"):
        next(plan)


# --- check_trade ------------------------------------------------------------------


def test_signed_trade_every_account_refused_raises_with_every_outcome() -> None:
    plan = plans.place_order(
        signed_ctx(), plans.validate_order("buy", "000001", 10.0, None, 100, 0, None, "s"), "buy"
    )
    next(plan)
    answer = outer_answer(
        {
            "trader_index": 0,
            "status": "success",
            "result": outcome(False, message="资金不足，无法买入"),
        },
        {"trader_index": 1, "status": "success", "result": outcome(False, message="boom")},
    )
    with pytest.raises(QMTOrderRejectedError) as info:
        plan.send(answer)
    error = info.value
    assert [o.trader_index for o in error.outcomes] == [0, 1]
    assert "资金不足，无法买入" in str(error) and "boom" in str(error)
    assert error.server_message == "第三方buy交易执行完成"


def test_failed_status_without_result_is_unknown_not_refused() -> None:
    """ "failed" does not mean no order (the server may fail after placing): no error."""
    plan = plans.place_order(
        signed_ctx(), plans.validate_order("buy", "000001", 10.0, None, 100, 0, None, "s"), "buy"
    )
    next(plan)
    answer = outer_answer(
        {"trader_index": 0, "status": "success", "result": outcome(False, message="资金不足")},
        {"trader_index": 1, "status": "failed", "error": "交易器1买入失败: boom"},
    )
    result = finish(plan, answer)
    assert [r.trader_index for r in result.unknown] == [1]
    assert [r.trader_index for r in result.rejected] == [0] and result.order_ids == []
    assert any("账户1" in w and "get_orders" in w and "boom" in w for w in result.warnings)


def test_check_trade_warns_on_reduction_and_partial() -> None:
    result = TradeResult(
        message="m",
        results=[
            TraderResult(
                0, "success", OrderOutcome(success=True, message="ok", order_num=300, order_id=5)
            ),
            TraderResult(1, "success", OrderOutcome(success=False, message="资金不足")),
            TraderResult(
                2, "success", OrderOutcome(success=True, message="ok", order_num=500, order_id=6)
            ),
        ],
    )
    checked = plans.check_trade(result, "buy", 500)
    assert len(checked.warnings) == 2
    assert any("账户1" in w and "资金不足" in w for w in checked.warnings)
    assert any("账户0" in w and "500" in w and "300" in w for w in checked.warnings)
    assert checked.order_ids == [5, 6] and not checked.all_placed


def test_check_trade_clean_result_has_no_warnings() -> None:
    result = TradeResult(
        message="m", results=[TraderResult(0, "success", OrderOutcome(True, "ok", order_num=100))]
    )
    assert plans.check_trade(result, "buy", 100).warnings == []
    assert plans.check_trade(result, "buy", None).warnings == []


def test_check_trade_empty_results_is_unknown_not_an_error() -> None:
    checked = plans.check_trade(TradeResult(message="m", results=[]), "sell", None)
    assert checked.order_ids == []
    assert any("服务器没有返回任何账户的结果" in w and "get_orders" in w for w in checked.warnings)


# --- get_order: an unknown id is a 500 on the wire ---------------------------------


def test_get_order_500_for_unknown_id_becomes_not_found() -> None:
    plan = plans.get_order(signed_ctx(), 42, 0)
    assert next(plan).endpoint is order_route
    step = plan.throw(QMTAPIError("x", status_code=500, error="接口异常: order"))
    assert step.endpoint is orders_route
    with pytest.raises(QMTNotFoundError, match="order_id=42"):
        plan.send([order_wire(7, 50)])


def test_get_order_500_for_known_id_stays_api_error() -> None:
    plan = plans.get_order(signed_ctx(), 7, 0)
    next(plan)
    plan.throw(QMTAPIError("x", status_code=500))
    with pytest.raises(QMTAPIError) as info:
        plan.send([order_wire(7, 50)])
    assert not isinstance(info.value, QMTNotFoundError)


def test_get_order_400_is_not_looked_up() -> None:
    plan = plans.get_order(signed_ctx(), 7, 0)
    next(plan)
    with pytest.raises(QMTAPIError) as info:
        plan.throw(QMTAPIError("bad", status_code=400))
    assert info.value.status_code == 400


# --- polling plans ------------------------------------------------------------------


def test_wait_for_order_polls_until_final() -> None:
    plan = plans.wait_for_order(signed_ctx(), 7, 0, timeout=60, poll_interval=0.5, until=None)
    assert next(plan).endpoint is order_route
    step = plan.send(order_wire(7, 50))
    assert isinstance(step, Pause) and 0 < step.seconds <= 0.5
    assert next(plan).endpoint is order_route
    order = finish(plan, order_wire(7, 56, traded=100))
    assert order.status == 56


def test_watch_orders_emits_changes_only_and_stops() -> None:
    plan = plans.watch_orders(signed_ctx(), 0, poll_interval=1.0, timeout=None, order_ids=[7])
    assert next(plan).endpoint is orders_route
    step = plan.send([order_wire(7, 50), order_wire(8, 50)])  # 8 is not watched
    assert isinstance(step, Emit) and step.value.order.order_id == 7 and step.value.previous is None
    assert isinstance(next(plan), Pause)
    assert next(plan).endpoint is orders_route
    step = plan.send([order_wire(7, 50)])  # unchanged: nothing emitted
    assert isinstance(step, Pause)
    next(plan)
    step = plan.send([order_wire(7, 55, traded=40)])
    assert isinstance(step, Emit) and step.value.previous.status == 50
    next(plan)
    next(plan)
    step = plan.send([order_wire(7, 56, traded=100)])
    assert isinstance(step, Emit) and step.value.order.traded_volume == 100
    with pytest.raises(StopIteration):
        next(plan)  # every watched order final: the watch ends
