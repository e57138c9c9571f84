"""The guard rails of an order call, run after validation and before anything is sent.

- the risk limits (``qmt_facade.risk``): the rules are there; this module
  reads what they need, each thing at most once per call and account
  (``AccountReads``, shared with the ratio-sell guard), and nothing at all
  for a limit that is not set;
- the order rate limit (``qmt_facade.rate_limit``): a ``throttle`` before
  each request that places or cancels an order;
- the order counts (max_orders_per_minute / max_orders_per_day), taken in
  one atomic step (a ``Guard``) right before the order is sent;
- the dry run: the request a call would send is logged and returned in a
  result marked ``dry_run``, and nothing order-placing is sent.
"""

from __future__ import annotations

import functools
import logging
import math
from typing import TYPE_CHECKING

import attrs

from qmt_facade.errors import QMTUnsupportedError
from qmt_facade.json_routes import describe_request
from qmt_facade.plans.accounts import get_accounts, get_portfolio, get_positions, same_symbol
from qmt_facade.plans.market_data import get_full_tick
from qmt_facade.plans.steps import Call, ClientContext, Guard, Plan, throttle
from qmt_facade.records import Portfolio, Position, TradeResult
from qmt_facade.risk import (
    check_order_size,
    check_position,
    check_price_band,
    check_symbol,
    describe_order,
)
from qmt_facade.server_lines import Capability

if TYPE_CHECKING:
    from qmt_facade.frames import PositionList
    from qmt_facade.plans.reconcile import SentOrder
    from qmt_facade.plans.trading import OrderRequest

__all__ = [
    "AccountReads",
    "buy_shares_by_ratio",
    "check_order_risk",
    "dry_run_request",
    "dry_run_result",
    "guard_order",
    "guard_order_call",
    "sell_shares_by_ratio",
]

logger = logging.getLogger("qmt_facade")


def buy_shares_by_ratio(portfolio: Portfolio, pct: float, price: float, lot: int) -> int:
    """What the server buys for ``position_pct``: total_asset × pct, capped at cash, in lots."""
    amount = min(portfolio.total_asset * pct, portfolio.cash)
    return max(0, math.floor(amount / price / lot) * lot)


def sell_shares_by_ratio(sellable: int, pct: float, lot: int) -> int:
    """What the server sells for ``position_pct``: floor(sellable × pct / lot) lots.

    When that is 0 the server sells the whole sellable position (the
    ratio-sell guard refuses such a call before it is sent).
    """
    return math.floor(sellable * pct / lot) * lot


@attrs.define
class AccountReads:
    """The reads one order call makes of its accounts, each made at most once.

    ``targets`` are the accounts the call acts on: its ``trader_index``, or
    every account (one ``get_accounts``) when it has none.
    """

    ctx: ClientContext
    trader_index: int | None
    _targets: list[int] | None = None
    _portfolios: dict[int, Portfolio] = attrs.field(factory=dict)
    _positions: dict[int, PositionList] = attrs.field(factory=dict)

    def targets(self) -> Plan[list[int]]:
        if self._targets is None:
            if self.trader_index is not None:
                self._targets = [self.trader_index]
            else:
                self._targets = [a.index for a in (yield from get_accounts(self.ctx))]
        return self._targets

    def portfolio(self, index: int) -> Plan[Portfolio]:
        if index not in self._portfolios:
            self._portfolios[index] = yield from get_portfolio(self.ctx, index)
        return self._portfolios[index]

    def position(self, index: int, symbol: str) -> Plan[Position | None]:
        """The account's position in ``symbol`` (normalised), or None."""
        if index not in self._positions:
            self._positions[index] = yield from get_positions(self.ctx, index)
        return next((p for p in self._positions[index] if same_symbol(p.symbol, symbol)), None)


def _order_text(order: OrderRequest, action: str) -> str:
    return describe_order(
        action,
        order.symbol,
        order.price,
        order.shares,
        order.position_pct,
        order.price_type,
        order.trader_index,
    )


def _shares_on(order: OrderRequest, index: int, reads: AccountReads, lot: int) -> Plan[int]:
    """The shares ``order`` comes to on account ``index`` (read for a position_pct order)."""
    if order.shares is not None:
        return order.shares
    pct = order.position_pct if order.position_pct is not None else 0.0
    if order.side == "buy":
        portfolio = yield from reads.portfolio(index)
        return buy_shares_by_ratio(portfolio, pct, order.price, lot)
    position = yield from reads.position(index, order.symbol)
    sellable = position.can_use_volume if position is not None else 0
    return sell_shares_by_ratio(sellable, pct, lot) or sellable


def _reference_price(
    ctx: ClientContext, symbol: str, reads: AccountReads
) -> Plan[tuple[float, str] | None]:
    """The price band's reference: the tick's last price, else a position's current price."""
    if Capability.MARKET_DATA not in ctx.unsupported:
        try:
            ticks = yield from get_full_tick(ctx, [symbol])
        except QMTUnsupportedError:
            pass  # learned now: later orders go straight to the positions
        else:
            tick = ticks.get(symbol)
            if tick is not None and tick.last_price > 0:
                return tick.last_price, "行情最新价 last price"
    for index in (yield from reads.targets()):
        position = yield from reads.position(index, symbol)
        if position is not None and position.current_price > 0:
            return position.current_price, f"账户{index}持仓现价 current price"
    return None


def check_order_risk(
    ctx: ClientContext, order: OrderRequest, action: str, reads: AccountReads, lot: int
) -> Plan[None]:
    """Every set risk limit on ``order``, cheapest first; raises QMTRiskError."""
    limits = ctx.risk
    if limits is None:
        return
    text = _order_text(order, action)
    check_symbol(limits, order.symbol, text)
    if order.shares is not None:
        check_order_size(limits, order.shares, order.price, order.trader_index, text)
    if limits.price_band_pct is not None and order.price_type == 0:
        reference = yield from _reference_price(ctx, order.symbol, reads)
        if reference is not None:
            check_price_band(limits, order.price, reference[0], reference[1], text)
        elif order.symbol not in ctx.risk_notes:
            ctx.risk_notes.add(order.symbol)
            logger.warning(
                "%s: price_band_pct not checked for %s: no market data and no position "
                "gives a reference price (said once per symbol)",
                action,
                order.symbol,
            )
    sized = order.shares is None and limits.sizes_orders
    held = order.side == "buy" and limits.limits_positions
    if not (sized or held):
        return
    for index in (yield from reads.targets()):
        shares = yield from _shares_on(order, index, reads, lot)
        if sized:
            check_order_size(limits, shares, order.price, index, text)
        if held:
            position = yield from reads.position(index, order.symbol)
            total = None
            if limits.max_position_pct is not None:
                total = (yield from reads.portfolio(index)).total_asset
            value = position.market_value if position is not None else 0.0
            check_position(limits, order.symbol, value, shares * order.price, total, index, text)


def take_order_slots(ctx: ClientContext, accounts: list[int], text: str) -> Plan[None]:
    """Count one order on each account against max_orders_per_minute / _per_day (atomic)."""
    limits, counter = ctx.risk, ctx.order_counter
    if limits is None or counter is None or not limits.counts_orders:
        return
    check = functools.partial(
        counter.take_order_slots, accounts, ctx.clock.now(), limits, text, not ctx.dry_run
    )
    yield Guard(check)


def guard_order(
    ctx: ClientContext,
    action: str,
    reads: AccountReads,
    text: str,
    risk: Plan[None] | None = None,
) -> Plan[None]:
    """Risk checks (``risk``), then a rate-limit slot, then the order counts: before sending."""
    if risk is not None and ctx.risk is not None:
        yield from risk
    if ctx.order_slots is not None and not ctx.dry_run:
        yield from throttle(ctx.order_slots, action)
    if ctx.risk is not None and ctx.risk.counts_orders:
        yield from take_order_slots(ctx, (yield from reads.targets()), text)


def guard_order_call(
    ctx: ClientContext, order: OrderRequest, action: str, reads: AccountReads, lot: int
) -> Plan[None]:
    """``guard_order`` for a buy or sell."""
    risk = check_order_risk(ctx, order, action, reads, lot) if ctx.risk is not None else None
    yield from guard_order(ctx, action, reads, _order_text(order, action), risk)


def dry_run_result(call: Call, sent: SentOrder) -> TradeResult:
    """What a dry run returns instead of sending the order ``call``; the request is logged."""
    by_shares = sent.shares is not None
    return TradeResult(
        message=dry_run_request(call),
        results=[],
        operation=sent.side,
        trade_mode=None if sent.side is None else "order_num" if by_shares else "position_pct",
        trade_param=sent.shares if by_shares else sent.position_pct,
        strategy_name=sent.strategy_name,
        reserve_amount=sent.reserve_amount,
        client_order_id=sent.client_order_id,
        dry_run=True,
    )


def dry_run_request(call: Call) -> str:
    """Log and describe a request a dry run does not send (cancels)."""
    request = describe_request(call.endpoint, call.kwargs)
    logger.info("%s: dry run, not sent: %s", call.action, request)
    return f"dry run 未发送 (not sent): {request}"
