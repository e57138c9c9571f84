"""Server lines: detection, the capability table, and what each line refuses before sending."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from _wire import accounts, order_wire, positions

from qmt_facade import plans
from qmt_facade.errors import (
    QMTAPIError,
    QMTNotFoundError,
    QMTOrderRejectedError,
    QMTUnsupportedError,
    QMTValidationError,
)
from qmt_facade.plans import Call, ClientContext, trading
from qmt_facade.server_lines import (
    CAPABILITIES,
    LINE_PROBE,
    Capability,
    ServerLine,
    capability_call,
    detect_server_line,
    lot_size_on,
    parse_server_line,
)
from qmt_server_client.api.account import get_accounts as accounts_route
from qmt_server_client.api.account import get_positions as positions_route
from qmt_server_client.api.order import get_orders as orders_route
from qmt_server_client.types import Response

UPSTREAM, MAIN = ServerLine.UPSTREAM, ServerLine.MAIN
TEXT_404 = QMTNotFoundError(
    status_code=404, error="Not Found", method="POST", path="/qmt/trade/api/buy"
)


def ctx(line: ServerLine | None, signed: bool = True, logged_in: bool = False) -> ClientContext:
    return ClientContext(signed=signed, logged_in=logged_in, server_line=line)


def answered(status: int, body: bytes = b"{}") -> Response[Any]:
    return Response(status_code=HTTPStatus(status), content=body, headers={}, parsed=None)


def finish(plan: Any, value: Any) -> Any:
    with pytest.raises(StopIteration) as stop:
        plan.send(value)
    return stop.value.value


def held(*sellable: tuple[str, int]) -> Any:
    """Positions wholly sellable: (symbol, can_use_volume)."""
    return positions(*((symbol, can_use, can_use) for symbol, can_use in sellable))


def order(order_id: int, symbol: str = "131810.SZ", volume: int = 9400) -> Any:
    return order_wire(order_id, 56, traded=volume, symbol=symbol, volume=volume)


# --- the table and its helpers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "line"),
    [("main", MAIN), ("UPSTREAM", UPSTREAM), (" auto ", None), (None, None), (MAIN, MAIN)],
)
def test_parse_server_line(value: object, line: ServerLine | None) -> None:
    assert parse_server_line(value) is line


@pytest.mark.parametrize("value", ["mainline", "", 1, True])
def test_parse_server_line_refuses(value: object) -> None:
    with pytest.raises(QMTValidationError, match="'auto', 'main' or 'upstream'") as info:
        parse_server_line(value, "QMT_SERVER_LINE")
    assert info.value.field == "QMT_SERVER_LINE"


@pytest.mark.parametrize(
    ("symbol", "line", "lot"),
    [("128013", MAIN, 10), ("128013", UPSTREAM, 100), ("600000", MAIN, 100), ("113050", MAIN, 10)],
)
def test_lot_by_line(symbol: str, line: ServerLine, lot: int) -> None:
    assert lot_size_on(symbol, line) == lot


def test_every_refusable_capability_names_an_alternative() -> None:
    facts = {
        Capability.TRADE_MODE_IN_ANSWER,
        Capability.REVERSE_REPO_RESULT,
        Capability.STRATEGY_NAME_ON_ORDER,
    }
    for capability, info in CAPABILITIES.items():
        assert info.description
        assert (info.alternative is None) is (capability in facts), capability
    assert CAPABILITIES[Capability.MARKET_DATA].learned


# --- detection ---------------------------------------------------------------------------


def test_detection_upstream_by_404_then_cached() -> None:
    context = ctx(None)
    plan = detect_server_line(context)
    step = next(plan)
    assert isinstance(step, Call) and step.endpoint is LINE_PROBE and not step.places_order
    with pytest.raises(StopIteration) as stop:
        plan.throw(TEXT_404)
    assert stop.value.value is UPSTREAM and context.server_line is UPSTREAM
    with pytest.raises(StopIteration) as again:
        next(detect_server_line(context))  # cached: no second probe
    assert again.value.value is UPSTREAM


@pytest.mark.parametrize(
    "body", ['{"error": "未登录，请先登录"}'.encode(), '{"error": "请求数据不能为空"}'.encode()]
)
@pytest.mark.parametrize("status", [400, 401])
def test_detection_main_by_400_or_401(status: int, body: bytes) -> None:
    context = ctx(None)
    plan = detect_server_line(context)
    next(plan)
    assert finish(plan, answered(status, body)) is MAIN and context.server_line is MAIN


@pytest.mark.parametrize("status", [200, 404, 500, 503])
def test_detection_anything_else_is_an_error(status: int) -> None:
    context = ctx(None)
    plan = detect_server_line(context)
    next(plan)
    with pytest.raises(QMTAPIError, match="server_line='main' or 'upstream'"):
        plan.send(answered(status))
    assert context.server_line is None


def test_detection_passes_transport_errors_through() -> None:
    plan = detect_server_line(ctx(None))
    next(plan)
    with pytest.raises(QMTAPIError, match="boom"):
        plan.throw(QMTAPIError("boom", status_code=502))


def test_configured_line_is_never_probed() -> None:
    with pytest.raises(StopIteration) as stop:
        next(detect_server_line(ctx(UPSTREAM)))
    assert stop.value.value is UPSTREAM


# --- market data: learned from the first 404 ---------------------------------------------


def test_capability_call_learns_a_missing_route_and_then_refuses_before_sending() -> None:
    context = ctx(MAIN)
    call = Call(accounts_route, {}, "get_full_tick")
    plan = capability_call(context, Capability.MARKET_DATA, call)
    assert next(plan) is call
    with pytest.raises(QMTUnsupportedError) as info:
        plan.throw(TEXT_404)
    assert info.value.capability == "market_data" and info.value.server_line == "main"
    assert info.value.alternative and "get_full_tick" in str(info.value)
    with pytest.raises(QMTUnsupportedError):
        next(capability_call(context, Capability.MARKET_DATA, call))  # nothing yielded


def test_capability_call_json_404_is_not_a_missing_route() -> None:
    context = ctx(MAIN)
    plan = capability_call(context, Capability.MARKET_DATA, Call(accounts_route, {}, "x"))
    next(plan)
    with pytest.raises(QMTNotFoundError):
        plan.throw(QMTNotFoundError("no such thing", status_code=404))
    assert context.unsupported == set()
    again = Call(accounts_route, {}, "x")
    assert next(capability_call(context, Capability.MARKET_DATA, again)) is again  # still sent


# --- what the upstream line refuses before sending ------------------------------------------


def refused(context: ClientContext, plan: Any, *answers: Any) -> QMTUnsupportedError:
    """Drive ``plan`` with ``answers``; it must raise QMTUnsupportedError before any order call."""
    order_routes = {
        trading.OUTER_TRADE,
        trading.SESSION_BUY,
        trading.SESSION_SELL,
        trading.SESSION_RATIO_BUY,
        trading.REVERSE_REPO,
    }
    with pytest.raises(QMTUnsupportedError) as info:
        step = next(plan)
        for value in answers:
            assert step.endpoint not in order_routes
            step = plan.send(value)
        assert step.endpoint not in order_routes
    assert info.value.server_line == context.server_line
    return info.value


@pytest.mark.parametrize("side", ["buy", "sell"])
def test_signed_shares_on_upstream(side: str) -> None:
    context = ctx(UPSTREAM)
    order = plans.validate_order(side, "000001", 10.0, None, 500, 0, None, "s")
    error = refused(context, plans.place_order(context, order, side))
    assert error.capability == "signed_fixed_shares" and "position_pct" in (error.alternative or "")
    assert "未发送任何请求" in str(error)


def test_session_buy_by_shares_on_upstream() -> None:
    context = ctx(UPSTREAM, signed=False, logged_in=True)
    order = plans.validate_order("buy", "000001", 10.0, None, 500, 0, None, "s")
    assert refused(context, plans.place_order(context, order, "buy")).capability == "session_buy"


@pytest.mark.parametrize(
    ("price_type", "trader_index", "capability"),
    [(0, 1, "session_account_choice"), (1, None, "session_sell_price_type")],
)
def test_session_sell_by_shares_on_upstream(
    price_type: int, trader_index: int | None, capability: str
) -> None:
    context = ctx(UPSTREAM, signed=False, logged_in=True)
    order = plans.validate_order("sell", "000001", 10.0, None, 500, price_type, trader_index, "s")
    assert refused(context, plans.place_order(context, order, "sell")).capability == capability


def test_session_bond_lot_10_on_upstream() -> None:
    context = ctx(UPSTREAM, signed=False, logged_in=True)
    order = plans.validate_order("sell", "128013", 125.0, None, 50, 0, None, "s")
    assert refused(context, plans.place_order(context, order, "sell")).capability == "bond_lot_10"
    main = ctx(MAIN, signed=False, logged_in=True)
    step = next(plans.place_order(main, order, "sell"))
    assert step.endpoint is trading.SESSION_SELL and step.kwargs["body"].shares == 50


def test_session_ratio_trades_on_upstream_cannot_choose_an_account() -> None:
    context = ctx(UPSTREAM, signed=False, logged_in=True)
    buy = plans.validate_order("buy", "000001", 10.0, 0.1, None, 0, 0, "s")
    assert refused(context, plans.place_order(context, buy, "buy")).capability == (
        "session_account_choice"
    )
    sell = plans.validate_order("sell", "600000", 10.0, 0.5, None, 0, None, "s")
    error = refused(
        context,
        plans.place_order(context, sell, "sell"),
        accounts(2),
        held(("600000.SH", 1000)),
        held(("600000.SH", 1000)),
    )
    assert error.capability == "session_account_choice"


def test_session_ratio_sell_on_upstream_with_one_account_is_sent() -> None:
    context = ctx(UPSTREAM, signed=False, logged_in=True)
    sell = plans.validate_order("sell", "600000", 10.0, 0.5, None, 0, None, "s")
    plan = plans.place_order(context, sell, "sell")
    next(plan)
    plan.send(accounts(1))
    step = plan.send(held(("600000.SH", 1000)))
    assert step.endpoint is trading.SESSION_SELL and step.kwargs["body"].shares == 500


def test_reverse_repo_reserve_on_upstream() -> None:
    context = ctx(UPSTREAM)
    error = refused(context, plans.reverse_repo(context, 1000, None))
    assert error.capability == "reverse_repo_reserve" and "全部" in str(error)


# --- the ratio-sell guard ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "symbol", "can_use", "pct", "refused_here"),
    [
        (MAIN, "000001", 1000, 0.05, True),  # 50 shares floor to 0 lots: would sell 1,000
        (UPSTREAM, "000001", 850, 0.05, True),
        (MAIN, "128013", 100, 0.5, False),  # 50 bonds: 5 lots of 10 on main
        (UPSTREAM, "128013", 100, 0.5, True),  # lot 100 upstream: 0 lots, sells all 100
        (MAIN, "000001", 1000, 0.1, False),
        (MAIN, "000001", 50, 1.0, False),  # 100 %: the whole position is what was asked
    ],
)
def test_signed_ratio_sell_guard(
    line: ServerLine, symbol: str, can_use: int, pct: float, refused_here: bool
) -> None:
    context = ctx(line)
    order = plans.validate_order("sell", symbol, 10.0, pct, None, 0, 0, "s")
    plan = plans.place_order(context, order, "sell")
    step = next(plan)
    assert step.endpoint is positions_route and step.kwargs == {"trader_index": 0}
    holding = held((order.symbol, can_use))
    if not refused_here:
        assert plan.send(holding).endpoint is trading.OUTER_TRADE
        return
    with pytest.raises(QMTValidationError) as info:
        plan.send(holding)
    error = info.value
    assert error.field == "position_pct" and error.value == pct
    assert "卖出全部可卖持仓" in str(error) and "sell_all" in str(error)
    assert f"账户0 可卖 {can_use}" in str(error)


def test_ratio_sell_guard_checks_every_account_without_an_index() -> None:
    context = ctx(MAIN)
    order = plans.validate_order("sell", "000001", 10.0, 0.1, None, 0, None, "s")
    plan = plans.place_order(context, order, "sell")
    assert next(plan).endpoint is accounts_route
    plan.send(accounts(3))
    plan.send(held(("000001.SZ", 5000)))  # 500: fine
    plan.send(held())  # not held: the server answers 未持有, nothing to guard
    with pytest.raises(QMTValidationError, match="账户2 可卖 900"):
        plan.send(held(("000001.SZ", 900)))  # 90 → 0 lots


# --- reverse repo on upstream: what was placed, from /orders --------------------------------


def test_upstream_reverse_repo_reported_from_orders() -> None:
    context = ctx(UPSTREAM)
    plan = plans.reverse_repo(context, 0, None)
    assert next(plan).endpoint is accounts_route
    assert plan.send(accounts(2)).endpoint is orders_route
    plan.send([order(5)])  # account 0 had one order already
    step = plan.send([])
    assert step.endpoint is trading.REVERSE_REPO and step.places_order
    upstream_answer = {
        "message": "逆回购完成",
        "results": [
            {"trader_index": 0, "status": "success"},
            {"trader_index": 1, "status": "success"},
        ],
    }
    step = plan.send(upstream_answer)
    assert step.endpoint is orders_route and step.kwargs["body"].trader_index == 0
    step = plan.send([order(5), order(6, volume=9400), order(7, symbol="000001.SZ")])
    result = finish(plan, [])  # account 1: cash under 1,000, nothing placed
    assert result.order_ids == [6] and result.results[0].result.order_num == 9400
    assert [r.trader_index for r in result.rejected] == [1]
    assert "131810.SZ" in result.results[1].reason
    assert any("账户1 未下单" in w for w in result.warnings)


def test_upstream_reverse_repo_unreadable_orders_afterwards_is_unknown_not_an_error() -> None:
    context = ctx(UPSTREAM)
    plan = plans.reverse_repo(context, 0, 1)
    assert next(plan).endpoint is orders_route  # one account given: no account list
    plan.send([])
    plan.send({"message": "逆回购完成", "results": [{"trader_index": 0, "status": "success"}]})
    with pytest.raises(StopIteration) as stop:
        plan.throw(QMTAPIError("connection reset", status_code=None))
    result = stop.value.value
    assert [r.trader_index for r in result.unknown] == [1]
    assert any("/orders 失败" in w for w in result.warnings)
    assert any("get_orders" in w for w in result.warnings)


def test_upstream_reverse_repo_nothing_placed_anywhere_is_rejected() -> None:
    context = ctx(UPSTREAM)
    plan = plans.reverse_repo(context, 0, 0)
    next(plan)
    plan.send([])
    plan.send({"message": "逆回购完成", "results": [{"trader_index": 0, "status": "success"}]})
    with pytest.raises(QMTOrderRejectedError, match=r"131810\.SZ"):
        plan.send([])
