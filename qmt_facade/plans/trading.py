"""Placing orders (buy, sell, buy_all, sell_all, reverse_repo) and judging their answers.

Every order-placing call first learns the server line (``server_lines``)
and refuses what that line cannot do before sending. Answers are read
leniently (``order_answers``): nothing raises once an order may be placed.

Every order call gets a client order id (the caller's, or a generated one),
sent inside ``strategy_name``; with a journal, its intent is recorded before
the order is sent and its outcome after (``journaled``). A request whose
answer was lost after it may have reached the server is looked up in
``/orders`` (``plans.reconcile``), never sent again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Final

import attrs

from qmt_facade.client_order_id import (
    DEFAULT_STRATEGY_NAME,
    new_client_order_id,
    split_strategy_name,
    tag_strategy_name,
    validate_client_order_id,
)
from qmt_facade.errors import (
    QMTConnectionError,
    QMTOrderRejectedError,
    QMTOrderStateUnknownError,
    QMTTradeClientError,
    QMTValidationError,
)
from qmt_facade.journal import JournalIntent, JournalOutcome, OutcomeStatus
from qmt_facade.json_routes import json_answers
from qmt_facade.order_answers import Sent, read_trade_answer
from qmt_facade.plans.guards import (
    AccountReads,
    dry_run_result,
    guard_order,
    guard_order_call,
    sell_shares_by_ratio,
)
from qmt_facade.plans.orders import get_orders
from qmt_facade.plans.reconcile import SentOrder, reconcile_order
from qmt_facade.plans.steps import (
    Call,
    ClientContext,
    Plan,
    Record,
    Side,
    optional,
    require_any_auth,
    require_signature,
    throttle,
)
from qmt_facade.records import OrderOutcome, TradeResult, TraderResult
from qmt_facade.risk import check_symbol, describe_order
from qmt_facade.server_lines import (
    Capability,
    ServerLine,
    detect_server_line,
    line_has,
    lot_size_on,
    require,
    unsupported_error,
)
from qmt_facade.symbols import normalize_symbol
from qmt_facade.validation import (
    validate_optional_trader_index,
    validate_position_pct,
    validate_price,
    validate_price_type,
    validate_quantity_choice,
    validate_reserve_amount,
    validate_shares,
    validate_strategy_name,
)
from qmt_server_client import models as wire
from qmt_server_client.api.session_trade import session_buy as session_buy_route
from qmt_server_client.api.session_trade import session_sell as session_sell_route
from qmt_server_client.api.session_trade import session_trade_by_ratio as session_ratio_route
from qmt_server_client.api.trade import outer_trade as outer_trade_route
from qmt_server_client.api.trade import reverse_repo as reverse_repo_route

logger = logging.getLogger("qmt_facade")

REVERSE_REPO_SYMBOL: Final = "131810.SZ"  # Shenzhen R-001, placed as a sell

# Order answers reach the plans as JSON, read by order_answers (never raising).
OUTER_TRADE: Final = json_answers(outer_trade_route)
SESSION_BUY: Final = json_answers(session_buy_route)
SESSION_SELL: Final = json_answers(session_sell_route)
SESSION_RATIO_BUY: Final = json_answers(session_ratio_route)
REVERSE_REPO: Final = json_answers(reverse_repo_route)


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


def claim_client_order_id(ctx: ClientContext, client_order_id: str | None) -> str:
    """The caller's id (checked, and unused by this client so far) or a new one.

    A dry run checks the caller's id without using it up.
    """
    if client_order_id is None:
        return new_client_order_id()  # 48 random bits: never checked against the past
    validate_client_order_id(client_order_id)
    if client_order_id in ctx.used_client_order_ids:
        rule = "must be unique: this client already sent an order with it"
        raise QMTValidationError(
            f"client_order_id={client_order_id!r}: {rule}",
            field="client_order_id",
            value=client_order_id,
            rule=rule,
        )
    if not ctx.dry_run:
        ctx.used_client_order_ids.add(client_order_id)
    return client_order_id


def _sent_order(
    ctx: ClientContext, order: OrderRequest, action: str, client_order_id: str
) -> SentOrder:
    sent_local, sent_offset = ctx.clock.stamp()
    return SentOrder(
        action=action,
        client_order_id=client_order_id,
        symbol=order.symbol,
        side=order.side,
        price=order.price,
        price_type=order.price_type,
        shares=order.shares,
        position_pct=order.position_pct,
        trader_index=order.trader_index,
        strategy_name=order.strategy_name,
        sent_local=sent_local,
        sent_offset=sent_offset,
    )


def journaled(ctx: ClientContext, sent: SentOrder, placing: Plan[TradeResult]) -> Plan[TradeResult]:
    """Run ``placing`` between a journal intent and its outcome (Record steps)."""
    if not ctx.journaling:
        return (yield from placing)
    yield Record(
        JournalIntent(
            client_order_id=sent.client_order_id,
            action=sent.action,
            request=sent.to_request(),
            created_at=ctx.clock.now(),
        )
    )
    try:
        result = yield from placing
    except QMTTradeClientError as error:
        status: OutcomeStatus = (
            "unknown"
            if isinstance(error, QMTOrderStateUnknownError)
            else "not_sent"
            if isinstance(error, QMTConnectionError)
            else "rejected"
        )
        yield Record(JournalOutcome(sent.client_order_id, status, detail=str(error)))
        raise
    placed = tuple((r.trader_index, r.order_id) for r in result.placed if r.order_id is not None)
    status = "reconciled" if result.reconciled else "placed" if placed else "unknown"
    yield Record(JournalOutcome(sent.client_order_id, status, placed, "; ".join(result.warnings)))
    return result


def _place(
    ctx: ClientContext, call: Call, sent: SentOrder, read_answer: Callable[[Any], TradeResult]
) -> Plan[TradeResult]:
    """Send one order request; a maybe-placed failure is reconciled, never resent.

    A dry run stops here: the request is logged and described, not sent.
    """
    if ctx.dry_run:
        return dry_run_result(call, sent)
    try:
        answer = yield call
    except QMTOrderStateUnknownError as fault:
        return (yield from reconcile_order(ctx, sent, fault))
    result = read_answer(answer)
    if not result.results:
        # A 200 naming no account at all (garbled, truncated to "{}") says
        # nothing of the order: look it up as after a lost answer.
        why = "HTTP 200 whose answer lists no account"
        lost = QMTOrderStateUnknownError(f"{sent.action}: {why}", fault=why)
        return (yield from reconcile_order(ctx, sent, lost))
    if result.strategy_name is not None:  # the server echoes the tagged name
        result = attrs.evolve(result, strategy_name=split_strategy_name(result.strategy_name)[0])
    return result


def _claim(ctx: ClientContext, sent: SentOrder, result: TradeResult) -> TradeResult:
    """Remember this call's orders (reconciliation never hands them to another); tag the result."""
    for r in result.placed:
        if r.order_id is not None:
            # The upstream line numbers results within the chosen accounts.
            index = sent.trader_index if sent.trader_index is not None else r.trader_index
            ctx.claimed_orders.add((index, r.order_id))
    return attrs.evolve(result, client_order_id=sent.client_order_id)


def place_order(
    ctx: ClientContext, order: OrderRequest, action: str, client_order_id: str | None = None
) -> Plan[TradeResult]:
    """Place ``order`` through the route the credentials and the line allow, then judge it.

    Before anything is sent: the line's capabilities, the ratio-sell guard,
    the risk limits, a rate-limit slot and the order counts (``guards``),
    all sharing one set of account reads. A dry run then returns the request
    instead of sending it (no journal entry, no order id).
    """
    require_any_auth(ctx, action)
    coid = claim_client_order_id(ctx, client_order_id)
    line = yield from detect_server_line(ctx)
    reads = AccountReads(ctx, order.trader_index)
    signed = ctx.signed and (order.shares is None or line_has(line, Capability.SIGNED_FIXED_SHARES))
    if not signed and not ctx.logged_in:
        raise unsupported_error(Capability.SIGNED_FIXED_SHARES, action, line)
    if not signed:
        _require_session_route(ctx, order, line, action)
    sizes: dict[int, int] = {}
    if order.side == "sell" and order.position_pct is not None:
        sizes = yield from ratio_sell_sizes(ctx, order, line, action, reads)
        if not signed and len(sizes) > 1:
            require(ctx, Capability.SESSION_ACCOUNT_CHOICE, action)
    yield from guard_order_call(ctx, order, action, reads, lot_size_on(order.symbol, line))
    sent = _sent_order(ctx, order, action, coid)
    if signed:
        placing = _outer_trade(ctx, order, line, sent)
    else:
        placing = _session_trade(ctx, order, sent, sizes)
    if ctx.dry_run:
        return (yield from placing)
    return (yield from journaled(ctx, sent, _checked(ctx, sent, placing, order.shares)))


def _checked(
    ctx: ClientContext, sent: SentOrder, placing: Plan[TradeResult], shares: int | None
) -> Plan[TradeResult]:
    result = yield from placing
    return _claim(ctx, sent, check_trade(result, sent.action, shares))


def ratio_sell_sizes(
    ctx: ClientContext,
    order: OrderRequest,
    line: ServerLine,
    action: str,
    reads: AccountReads | None = None,
) -> Plan[dict[int, int]]:
    """Each targeted account's sell quantity by the server's rule; refuses the ones it would clear.

    The rule (both lines): floor(can_use_volume × pct / lot) × lot, and when
    that is 0 the server sells the WHOLE sellable position. The facade has
    the positions, so a ratio under one lot never reaches the server.
    """
    pct = order.position_pct if order.position_pct is not None else 0.0
    reads = reads if reads is not None else AccountReads(ctx, order.trader_index)
    lot = lot_size_on(order.symbol, line)
    sizes: dict[int, int] = {}
    cleared: list[str] = []
    for index in (yield from reads.targets()):
        position = yield from reads.position(index, order.symbol)
        sellable = position.can_use_volume if position is not None else 0
        sizes[index] = sell_shares_by_ratio(sellable, pct, lot)
        if sellable > 0 and sizes[index] == 0 and pct < 1:
            cleared.append(
                f"账户{index} 可卖 {sellable}（比例至少需 {lot}/{sellable}≈{lot / sellable:.4g}）"
            )
    if cleared:
        rule = f"floor(can_use_volume × position_pct / {lot}) must be at least one lot"
        raise QMTValidationError(
            f"{action} 拒绝发送: position_pct={pct} 在 {'; '.join(cleared)} 上取整为 0 手，"
            f"服务器会因此卖出全部可卖持仓 ({rule}; the server sells the whole position "
            f"when it is 0)。请提高比例或按 shares 卖出；确要清仓请用 sell_all()",
            field="position_pct",
            value=pct,
            rule=rule,
        )
    return sizes


def _sent(order: OrderRequest, action: str, trader_index: int | None) -> Sent:
    by_shares = order.shares is not None
    return Sent(
        action=action,
        trader_index=trader_index,
        operation=order.side,
        trade_mode="order_num" if by_shares else "position_pct",
        trade_param=order.shares if by_shares else order.position_pct,
        strategy_name=order.strategy_name,
    )


def _wire_strategy_name(sent: SentOrder) -> str:
    return tag_strategy_name(sent.strategy_name or DEFAULT_STRATEGY_NAME, sent.client_order_id)


def _outer_trade(
    ctx: ClientContext, order: OrderRequest, line: ServerLine, sent: SentOrder
) -> Plan[TradeResult]:
    action = sent.action
    body = wire.OuterTradeRequest(
        symbol=order.symbol,
        trade_price=order.price,
        position_pct=optional(order.position_pct),
        order_num=optional(order.shares),
        price_type=wire.PriceType(order.price_type),
        trader_index=optional(order.trader_index),
        strategy_name=_wire_strategy_name(sent),
    )
    call = Call(
        OUTER_TRADE,
        {"operation": wire.TradeOperation(order.side), "body": body},
        action,
        places_order=True,
    )
    expected = ["operation", "strategy_name"]
    if line_has(line, Capability.TRADE_MODE_IN_ANSWER):
        expected += ["trade_mode", "trade_param"]
    fallback = _sent(order, action, order.trader_index)
    return (
        yield from _place(
            ctx, call, sent, lambda answer: read_trade_answer(answer, fallback, expected)
        )
    )


def _require_session_route(
    ctx: ClientContext, order: OrderRequest, line: ServerLine, action: str
) -> None:
    """What the line's session routes cannot do for ``order`` raises before anything is read."""
    if order.shares is not None and order.side == "buy":
        require(ctx, Capability.SESSION_BUY, action)
        return
    if order.trader_index is not None:
        require(ctx, Capability.SESSION_ACCOUNT_CHOICE, action)
    if order.shares is not None:  # a sell by shares
        if order.price_type != 0:
            require(ctx, Capability.SESSION_SELL_PRICE_TYPE, action)
        if order.shares % lot_size_on(order.symbol, line):
            require(ctx, Capability.BOND_LOT_10, action)


def _session_trade(
    ctx: ClientContext, order: OrderRequest, sent: SentOrder, sizes: dict[int, int]
) -> Plan[TradeResult]:
    """The cookie-session routes: /buy and /sell by shares, /trade to buy by ratio."""
    if order.shares is not None:
        return (yield from _session_order(ctx, order, sent))
    if order.side == "buy":
        return (yield from _session_buy_by_ratio(ctx, order, sent))
    return (yield from _session_sell_by_ratio(ctx, order, sent, sizes))


def _session_order(ctx: ClientContext, order: OrderRequest, sent: SentOrder) -> Plan[TradeResult]:
    """/buy or /sell of ``sent.shares`` for ``sent.trader_index`` (None: every account)."""
    shares = sent.shares if sent.shares is not None else 0
    body = wire.SessionOrderRequest(
        symbol=order.symbol,
        price=order.price,
        shares=shares,
        price_type=wire.PriceType(order.price_type),
        strategy_name=_wire_strategy_name(sent),
        trader_index=optional(sent.trader_index),
    )
    route = SESSION_BUY if order.side == "buy" else SESSION_SELL
    call = Call(route, {"body": body}, sent.action, places_order=True)
    fallback = attrs.evolve(
        _sent(order, sent.action, sent.trader_index), trade_mode="order_num", trade_param=shares
    )
    return (yield from _place(ctx, call, sent, lambda answer: read_trade_answer(answer, fallback)))


def _session_buy_by_ratio(
    ctx: ClientContext, order: OrderRequest, sent: SentOrder
) -> Plan[TradeResult]:
    body = wire.SessionRatioTradeRequest(
        symbol=order.symbol,
        trade_price=order.price,
        position_pct=order.position_pct if order.position_pct is not None else 0.0,
        pricetype=wire.PriceType(order.price_type),
        strategy_name=_wire_strategy_name(sent),
        trader_index=optional(order.trader_index),
    )
    call = Call(SESSION_RATIO_BUY, {"body": body}, sent.action, places_order=True)
    fallback = _sent(order, sent.action, order.trader_index)
    return (yield from _place(ctx, call, sent, lambda answer: read_trade_answer(answer, fallback)))


def _session_sell_by_ratio(
    ctx: ClientContext, order: OrderRequest, sent: SentOrder, sizes: dict[int, int]
) -> Plan[TradeResult]:
    """The session routes only sell by shares: one /sell per account, of ``sizes[account]``.

    ``sizes`` come from ``ratio_sell_sizes`` (the server's rule). The
    upstream line's /sell ignores trader_index and sells on every account,
    so there one account's size can only be sent when the server has one
    account (``place_order`` checks). Each request after the first waits
    for its own rate-limit slot.
    """
    results: list[TraderResult] = []
    warnings: list[str] = []
    messages: list[str] = []
    reconciled = False
    accounts = list(sizes.items())
    for position, (index, shares) in enumerate(accounts):
        if shares <= 0:
            results.append(_not_sent(index, order, f"可卖数量不足一手: 比例 {order.position_pct}"))
            continue
        account_order = attrs.evolve(sent, trader_index=index, shares=shares)
        try:
            if messages and ctx.order_slots is not None and not ctx.dry_run:
                yield from throttle(ctx.order_slots, sent.action)
            placed = yield from _session_order(ctx, order, account_order)
        except QMTOrderStateUnknownError as error:
            done = ", ".join(f"账户{r.trader_index}: #{r.order_id}" for r in results if r.placed)
            if done:
                error.args = (f"{error.args[0]}; 已下单 (placed before): {done}",)
            raise
        except QMTTradeClientError as error:
            if not any(r.placed for r in results):
                raise  # nothing placed by this call: the error tells the whole truth
            # Earlier accounts hold live orders: a plain error would hide them
            # (and invite a resend), so report them with this account unsent.
            why = f"未发送 (not sent): {error}"
            warnings.append(f"账户{index}: {why}")
            results += [_not_sent(i, order, why) for i, _ in accounts[position:]]
            break
        messages.append(placed.message)
        results.extend(placed.results)
        warnings.extend(placed.warnings)
        reconciled = reconciled or placed.reconciled
    message = messages[-1] if messages else "卖出执行完成"
    if ctx.dry_run:  # every request it did not send
        message = "; ".join(messages)
    return TradeResult(
        message=message,
        results=results if not ctx.dry_run else [],
        operation="sell",
        trade_mode="position_pct",
        trade_param=order.position_pct,
        strategy_name=order.strategy_name,
        warnings=warnings,
        reconciled=reconciled,
        client_order_id=sent.client_order_id if ctx.dry_run else None,
        dry_run=ctx.dry_run,
    )


def _not_sent(index: int, order: OrderRequest, why: str) -> TraderResult:
    """An account for which the client sent nothing (it would place no order)."""
    outcome = OrderOutcome(
        success=False, message=why, symbol=order.symbol, order_num=0, price=order.price
    )
    return TraderResult(trader_index=index, status="success", result=outcome)


def check_trade(result: TradeResult, action: str, requested_shares: int | None) -> TradeResult:
    """Raise when every account refused; otherwise say in words what fell short or is unknown.

    Only a refusal the answer states is an error: an account whose outcome
    the answer does not tell (no ``result``, an unreadable answer) may hold
    a live order, so the result is returned with a warning instead.
    """
    placed, unknown = result.placed, result.unknown
    if result.results and not placed and not unknown:
        reasons = "; ".join(f"账户{r.trader_index}: {r.reason}" for r in result.results)
        raise QMTOrderRejectedError(
            f"{action} 未下单，没有任何账户委托成功 — {reasons}",
            outcomes=result.results,
            server_message=result.message,
        )
    warnings = list(result.warnings)
    if len(placed) < len(result.results):
        warnings += [f"账户{r.trader_index} 未下单: {r.reason}" for r in result.rejected]
    check_first = "委托是否已下达不明，请先用 get_orders 核对，不要直接重发"
    warnings += [f"账户{r.trader_index} {check_first}（{r.reason}）" for r in unknown]
    if not result.results:
        warnings.append(f"服务器没有返回任何账户的结果: {check_first}")
    if requested_shares is not None:
        for r in placed:
            placed_num = r.result.order_num if r.result is not None else None
            if placed_num is not None and placed_num < requested_shares:
                warnings.append(
                    f"账户{r.trader_index} 委托数量由 {requested_shares} 减为 {placed_num}"
                    f"（服务器按可用资金调整）"
                )
    for warning in warnings:
        logger.warning("%s: %s", action, warning)
    if len(warnings) == len(result.warnings):
        return result  # nothing to add (the common case)
    return attrs.evolve(result, warnings=warnings)


def buy_all(
    ctx: ClientContext,
    symbol: str,
    price: float,
    trader_index: int | None,
    client_order_id: str | None = None,
) -> Plan[TradeResult]:
    # Not /trade/allin: that route answers result: null for every account, so
    # the caller could not tell whether (or which) order was placed. Buying
    # position_pct=1.0 spends the same cash (total_asset × 1, capped at cash)
    # and reports the order.
    order = validate_order("buy", symbol, price, 1.0, None, 0, trader_index, DEFAULT_STRATEGY_NAME)
    return (yield from place_order(ctx, order, "buy_all", client_order_id))


def sell_all(
    ctx: ClientContext,
    symbol: str,
    price: float,
    trader_index: int | None,
    client_order_id: str | None = None,
) -> Plan[TradeResult]:
    order = validate_order("sell", symbol, price, 1.0, None, 0, trader_index, DEFAULT_STRATEGY_NAME)
    return (yield from place_order(ctx, order, "sell_all", client_order_id))


def reverse_repo(
    ctx: ClientContext,
    reserve_amount: float,
    trader_index: int | None,
    client_order_id: str | None = None,
) -> Plan[TradeResult]:
    """Lend cash through 131810.SZ.

    The upstream line ignores ``reserve_amount`` (it lends ALL cash: refused
    here unless it is 0) and answers without any per-account ``result``:
    there the facade lists each account's orders before and after, and
    reports the new 131810.SZ order it finds as what was placed.
    """
    reserve = validate_reserve_amount(reserve_amount)
    index = validate_optional_trader_index(trader_index)
    require_signature(ctx, "reverse_repo")
    coid = claim_client_order_id(ctx, client_order_id)
    line = yield from detect_server_line(ctx)
    if reserve > 0:
        require(ctx, Capability.REVERSE_REPO_RESERVE, "reverse_repo")
    reads = AccountReads(ctx, index)
    # Of the risk limits only the symbol lists and the order counts apply:
    # lending all cash is what a reverse repo is for.
    text = describe_order("reverse_repo", REVERSE_REPO_SYMBOL, None, None, None, 5, index)
    if ctx.risk is not None:
        check_symbol(ctx.risk, REVERSE_REPO_SYMBOL, text)
    yield from guard_order(ctx, "reverse_repo", reads, text)
    reported = line_has(line, Capability.REVERSE_REPO_RESULT)
    before: dict[int, set[int]] = {}
    if not reported:
        for target in (yield from reads.targets()):
            before[target] = {o.order_id for o in (yield from get_orders(ctx, target))}
    # The route takes no strategy_name: the id stays client-side (journal,
    # result), and a lost answer is matched on the repo symbol and time.
    sent_local, sent_offset = ctx.clock.stamp()
    sent = SentOrder(
        action="reverse_repo",
        client_order_id=coid,
        symbol=REVERSE_REPO_SYMBOL,
        side=None,
        price=None,
        price_type=5,
        shares=None,
        position_pct=None,
        trader_index=index,
        strategy_name=None,
        sent_local=sent_local,
        sent_offset=sent_offset,
        tagged=False,
        reserve_amount=reserve,
    )
    body = wire.ReverseRepoRequest(reserve_amount=reserve, trader_index=optional(index))
    call = Call(REVERSE_REPO, {"body": body}, "reverse_repo", places_order=True)
    fallback = Sent("reverse_repo", index, operation="sell", reserve_amount=reserve)
    expected = ["reserve_amount"] if reported else []

    if ctx.dry_run:
        return dry_run_result(call, sent)

    def placing() -> Plan[TradeResult]:
        result = yield from _place(
            ctx,
            call,
            sent,
            lambda answer: read_trade_answer(answer, fallback, expected, result_expected=reported),
        )
        if not reported and not result.reconciled:
            result = yield from _repo_orders_from_book(ctx, result, before)
        return _claim(ctx, sent, check_trade(result, "reverse_repo", None))

    return (yield from journaled(ctx, sent, placing()))


def _repo_orders_from_book(
    ctx: ClientContext, result: TradeResult, before: dict[int, set[int]]
) -> Plan[TradeResult]:
    """Each account's outcome, from the 131810.SZ orders that appeared in its /orders.

    A failed read leaves that account *unknown* (never an error: the
    order may be live).
    """
    answered = {r.trader_index: r for r in result.results}
    results: list[TraderResult] = []
    warnings = list(result.warnings)
    for index, known_ids in before.items():
        entry = answered.get(index) or TraderResult(
            trader_index=index, status="unknown", result=None
        )
        try:
            orders = yield from get_orders(ctx, index)
        except QMTTradeClientError as exc:
            warnings.append(f"账户{index} 逆回购后读取 /orders 失败: {exc}")
            results.append(entry)
            continue
        new = [o for o in orders if o.order_id not in known_ids and o.symbol == REVERSE_REPO_SYMBOL]
        if len(new) > 1:
            warnings.append(f"账户{index} 出现 {len(new)} 笔新的逆回购委托，报告第一笔")
        if new:
            order = new[0]
            outcome = OrderOutcome(
                success=True,
                message=f"逆回购委托已下达（据 /orders 核对）: {order.symbol} {order.volume}张, "
                f"OrderID: {order.order_id}",
                symbol=order.symbol,
                order_num=order.volume,
                price=order.price,
                order_id=order.order_id,
            )
        else:
            outcome = OrderOutcome(
                success=False,
                message="逆回购未下单: /orders 中没有新的 131810.SZ 委托（可用资金不足 1000 元？）",
                symbol=REVERSE_REPO_SYMBOL,
                order_num=0,
            )
        results.append(attrs.evolve(entry, result=outcome))
    return attrs.evolve(result, results=results, warnings=warnings)
