"""Paper-trading engine: the real server's trading rules on top of a simulated broker.

Two layers, like the real deployment:

* the *server* layer (``buy_by_pct``, ``buy_shares``, ``sell_shares`` ...) sizes
  orders exactly like the real HTTP server (lots, caps at cash, reductions) and
  returns its ``OrderOutcome`` dicts;
* the *broker* layer (``_submit``) plays xtquant + exchange: it freezes cash or
  shares, rejects what a broker would reject as 废单 (57), and matches orders
  against the simulated market.

Every public method runs in one SQLite transaction, committed before it returns.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from . import market as mk
from .config import SimConfig
from .market import MILLI, REVERSE_REPO_SYMBOL, REVERSE_REPO_UNIT, BarReplay
from .notifier import Notifier
from .store import Account, Order, Position, Quote, Store, Tx

log = logging.getLogger("qmt_sim")

Number = int | float  # a JSON number as the client sent it

STATUS_NAMES = {
    48: "未报",
    49: "待报",
    50: "已报",
    51: "已报待撤",
    52: "部成待撤",
    53: "部撤",
    54: "已撤",
    55: "部成",
    56: "已成",
    57: "废单",
    255: "未知",
}
REPORTED, PART_CANCELLED, CANCELLED, PART_FILLED, FILLED, JUNK = 50, 53, 54, 55, 56, 57
CANCELABLE = (48, 49, 50, 55)
MATCHABLE = (REPORTED, PART_FILLED)
# xtquant's price types (xtconstant), the codes orders carry on the wire.
FIX_PRICE = 11
LATEST_PRICE = 5
SH_BEST_FIVE_CANCEL, SZ_BEST_FIVE_CANCEL = 42, 47  # 最优五档即时成交剩余撤销
PEER_PRICE_FIRST, MINE_PRICE_FIRST = 44, 45  # 对手方最优, 本方最优
IOC_PRICE_TYPES = (SH_BEST_FIVE_CANCEL, SZ_BEST_FIVE_CANCEL)
BEST_FIVE_CANCEL = -2  # placeholder for "42 or 47, by exchange"
# The API's price_type (request) -> xtquant's, as the real server's order_dif_type maps it.
BROKER_PRICE_TYPES: dict[Any, int] = {
    0: FIX_PRICE,
    1: LATEST_PRICE,
    2: BEST_FIVE_CANCEL,
    3: MINE_PRICE_FIRST,
    5: PEER_PRICE_FIRST,
}
RETRY_ATTEMPTS = 3  # the real server's buy-by-ratio loop
REPO_MINIMUM = 1000  # CNY; the repo lends in units of 10 张 of 100 CNY
FIRST_TRADING_DATE = dt.date(2024, 1, 2)
REPO_LIQUIDITY = 10**9  # the repo market never runs dry


def to_milli(yuan: float) -> int:
    return math.floor(yuan * MILLI + 0.5)


def to_yuan(milli: int) -> float:
    return round(milli / MILLI, 3)


def fen(milli: float) -> int:
    """Round a milli-yuan amount half-up to whole fen (0.01 CNY), as brokers bill."""
    return math.floor(milli / 10 + 0.5) * 10


def trading_date(day: int) -> dt.date:
    """Calendar date of simulated trading day ``day`` (1 = 2024-01-02), weekends skipped."""
    date = FIRST_TRADING_DATE
    remaining = day - 1
    while remaining > 0:
        date += dt.timedelta(days=1)
        if date.weekday() < 5:
            remaining -= 1
    return date


class Sizing(Protocol):
    """How a server line sizes orders: the lot of a symbol and the word for its unit."""

    def lot(self, symbol: str) -> int: ...

    def unit(self, symbol: str) -> str: ...


class BoardLots:
    """The main line's sizing: 10 张 for convertible bonds, 100 股 for everything else."""

    def lot(self, symbol: str) -> int:
        return mk.lot_size(symbol)

    def unit(self, symbol: str) -> str:
        return mk.unit_name(symbol)


@dataclass(frozen=True)
class DailyBar:
    date: dt.date
    open: float
    high: float
    low: float
    close: float
    volume: int  # shares / 张
    amount: float
    pre_close: float


class Engine:
    def __init__(
        self,
        store: Store,
        config: SimConfig,
        replay: BarReplay | None = None,
        clock: Callable[[], float] = time.time,
        sizing: Sizing | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.sizing: Sizing = sizing or BoardLots()
        self.notifier = notifier or Notifier(config.server.notification_failures)
        if replay is None and config.market.bars_csv:
            replay = BarReplay.from_csv(config.market.bars_csv)
        self.replay = replay
        self.clock = clock
        # Serialises whole operations (Store also locks per transaction).
        self._lock = threading.RLock()
        self._seed_if_empty()
        with self.store.read() as tx:
            # Accounts come from the seed only: no route adds or removes one.
            self._account_count = len(tx.accounts())

    # ------------------------------------------------------------------ setup
    def _seed_if_empty(self) -> None:
        """A config only seeds an empty database; afterwards the DB is the truth."""
        with self.store.transaction() as tx:
            if tx.get_meta("seeded") is not None:
                return
            for idx, seed in enumerate(self.config.accounts):
                tx.insert_account(
                    Account(idx, seed.account_id, seed.nick_name, to_milli(seed.cash), 0)
                )
                for p in seed.positions:
                    symbol = mk.normalize_symbol(p.symbol)
                    cost = to_milli(p.avg_price) * p.volume
                    tx.save_position(Position(idx, symbol, p.volume, p.volume, 0, cost, cost))
                    self._quote(tx, symbol)
            for symbol in self.config.market.prices:
                self._quote(tx, mk.normalize_symbol(symbol))
            if self.replay is not None:
                for symbol in self.replay.bars:
                    self._quote(tx, symbol)
            tx.set_meta("trading_day", "1")
            tx.set_meta("tick", "0")
            tx.set_meta("seeded", str(int(self.clock())))

    # ------------------------------------------------------------- read side
    def account_count(self) -> int:
        return self._account_count

    def accounts(self) -> list[dict[str, Any]]:
        with self.store.read() as tx:
            return [
                {
                    "index": a.idx,
                    "account_id": a.account_id,
                    "nick_name": a.nick_name or f"账户{a.idx + 1}",
                }
                for a in tx.accounts()
            ]

    def portfolio(self, idx: int) -> dict[str, Any]:
        with self.store.statement() as tx:
            cash, frozen_cash, market_value = tx.assets(idx)  # one query
        if market_value is None:  # a position without a quote yet: create it first
            with self.store.transaction() as tx:
                account = tx.account(idx)
                cash, frozen_cash = account.cash, account.frozen_cash
                market_value = self._market_value(tx, idx)
        return {
            "total_asset": to_yuan(cash + frozen_cash + market_value),
            "cash": to_yuan(cash),
            "frozen_cash": to_yuan(frozen_cash),
            "market_value": to_yuan(market_value),
            # xtquant's XtAsset has no profit fields, so the real server always sends 0.
            "profit": 0,
            "profit_ratio": 0,
        }

    def positions(self, idx: int) -> list[dict[str, Any]]:
        with self.store.transaction() as tx:
            tx.account(idx)
            return [self._position_view(tx, p) for p in tx.positions(idx)]

    def _position_view(self, tx: Tx, pos: Position) -> dict[str, Any]:
        last = self._quote(tx, pos.symbol).last
        avg_price = round(pos.cost / pos.volume / MILLI, 4) if pos.volume else 0.0
        current_price = to_yuan(last)
        # Profit as the real server computes it from xtquant's floats, unrounded.
        cost_value = pos.volume * avg_price if avg_price > 0 else 0
        profit = pos.volume * current_price - cost_value if cost_value > 0 else 0
        return {
            "symbol": pos.symbol,
            "name": mk.KNOWN_NAMES.get(pos.symbol, pos.symbol),
            "volume": pos.volume,
            "can_use_volume": pos.can_use_volume,
            "frozen_volume": pos.frozen_volume,
            "market_value": to_yuan(pos.volume * last),
            "avg_price": avg_price,
            "open_price": round((pos.open_cost / pos.volume if pos.volume else 0.0) / MILLI, 4),
            "current_price": current_price,
            "profit": profit,
            "profit_ratio": profit / cost_value * 100 if cost_value > 0 else 0,  # percent
        }

    def _market_value(self, tx: Tx, idx: int) -> int:
        return sum(p.volume * self._quote(tx, p.symbol).last for p in tx.positions(idx))

    def query_order(self, idx: int, order_id: Any) -> dict[str, Any] | None:
        """Today's order by id, or None (the real server then fails with a 500)."""
        with self.store.transaction() as tx:
            order = (
                tx.order(order_id)
                if isinstance(order_id, int) and not isinstance(order_id, bool)
                else None
            )
            if order is None or order.account_idx != idx or order.trading_day != self._day(tx):
                return None
            return order_view(order)

    def query_orders(self, idx: int, cancelable_only: bool) -> list[dict[str, Any]]:
        with self.store.transaction() as tx:
            orders = tx.orders_of_day(idx, self._day(tx))
            return [order_view(o) for o in orders if not cancelable_only or o.status in CANCELABLE]

    # --------------------------------------------------- server-layer trading
    # These follow the real server's account wrapper (qmt_trade.py): sizing in
    # float CNY exactly as Python computes it there, its result dicts and
    # messages, and its notifications. Numbers the request sent (price, pct,
    # shares, reserve) are kept as sent: the messages print them as Python would.
    def house_strategy(self, idx: int) -> str:
        """The strategy name the real server gives orders it names itself."""
        seeds = self.config.accounts
        account_type = seeds[idx].account_type if idx < len(seeds) else 1001 + idx
        return f"quant_{account_type}"

    def buy_target_pct(
        self, idx: int, symbol: str, price: Number, pct: Any, price_type: Any, strategy: str
    ) -> dict[str, Any]:
        """Buy by ratio inside the server's retry loop (``trade_target_pct``).

        Each attempt sizes and places the order, then notifies; if anything
        raises, the notification included, the whole buy is redone. So a failed
        notification leaves the first order live and places a second one, and
        the answer reports only the last (server-protocol.md §5).
        """
        last: Exception | None = None
        for attempt in range(RETRY_ATTEMPTS):
            try:
                result = self.buy_by_pct(idx, symbol, price, pct, price_type, strategy)
                self.notifier.send(str(result))
                return result
            except Exception as exc:
                log.warning("buy by ratio, attempt %s of trader %s failed: %s", attempt, idx, exc)
                last = exc
        return {
            "success": False,
            "symbol": symbol,  # unsuffixed: the loop fails before the symbol is converted
            "order_num": 0,
            "price": price,
            "value": 0,
            "order_result": None,
            "message": f"获取账户信息失败，重试{RETRY_ATTEMPTS}次后仍然失败: {last}",
        }

    def buy_by_pct(
        self, idx: int, symbol: str, price: Number, pct: Any, price_type: Any, strategy: str
    ) -> dict[str, Any]:
        """One attempt: total_asset × pct capped at cash, floored to the lot (``trade_buy``)."""
        with self._lock, self.store.transaction() as tx:
            account = tx.account(idx)
            cash = to_yuan(account.cash)
            total = to_yuan(account.cash + account.frozen_cash + self._market_value(tx, idx))
            value = min(total * pct, cash)  # a string pct raises here, as on the real server
            symbol = mk.normalize_symbol(symbol)
            lot, unit = self.sizing.lot(symbol), self.sizing.unit(symbol)
            order_num = math.floor(value / price / lot) * lot
            if order_num <= 0:
                return {
                    "success": False,
                    "symbol": symbol,
                    "order_num": 0,
                    "price": price,
                    "error": "Insufficient funds",
                    "message": f"指定仓位资金不足: 最低{lot}{unit}需要:{price * lot:.2f}, "
                    f"当前可用:{cash}",
                }
            return self._place(tx, idx, "buy", symbol, order_num, price, price_type, strategy)

    def buy_shares(
        self, idx: int, symbol: str, price: Number, shares: Number, price_type: Any, strategy: str
    ) -> dict[str, Any]:
        """Buy a quantity, silently reduced to what the cash buys (``trade_buy_shares``)."""
        with self._lock, self.store.transaction() as tx:
            symbol = mk.normalize_symbol(symbol)
            lot, unit = self.sizing.lot(symbol), self.sizing.unit(symbol)
            cash = to_yuan(tx.account(idx).cash)
            required = shares * price
            if required > cash:
                shares = math.floor(cash / price / lot) * lot
                if shares <= 0:
                    return _refusal(
                        symbol, price, 0, f"资金不足，无法买入: 需要{required}, 可用{cash}"
                    )
            order_num = int(shares / lot) * lot
            if order_num <= 0:
                return _refusal(symbol, price, order_num, f"{unit}数不足{lot}{unit}: {shares}")
            return self._place(tx, idx, "buy", symbol, order_num, price, price_type, strategy)

    def sell_shares(
        self, idx: int, symbol: str, price: Number, shares: Any, price_type: Any, strategy: str
    ) -> dict[str, Any]:
        """Sell a quantity; 0 sells the whole sellable position (``trade_sell``)."""
        with self._lock, self.store.transaction() as tx:
            symbol = mk.normalize_symbol(symbol)
            return self._sell(tx, idx, symbol, price, shares, price_type, strategy)

    def sell_target_pct(
        self, idx: int, symbol: str, price: Number, pct: Any, price_type: Any, strategy: str
    ) -> dict[str, Any]:
        """Sell by ratio, then notify (``trade_sell_target_pct``).

        The quantity floors to the lot; when that is 0 the server sells the
        WHOLE sellable position. A failed notification raises out of here after
        the order was placed: the route then reports ``status: failed``.
        """
        with self._lock, self.store.transaction() as tx:
            symbol = mk.normalize_symbol(symbol)
            pos = tx.position(idx, symbol)
            if pos is None:
                return _refusal(symbol, price, 0, f"未持有该股票: {symbol}")
            lot = self.sizing.lot(symbol)
            order_num = int(pos.can_use_volume * pct / lot) * lot
            result = self._sell(tx, idx, symbol, price, order_num, price_type, strategy)
        self.notifier.send(str(result))
        return result

    def _sell(
        self,
        tx: Tx,
        idx: int,
        symbol: str,
        price: Number,
        order_num: Any,
        price_type: Any,
        strategy: str,
    ) -> dict[str, Any]:
        pos = tx.position(idx, symbol)
        if pos is None:
            return _refusal(symbol, price, 0, f"未持有该股票: {symbol}")
        if order_num is None or order_num == 0:
            order_num = pos.can_use_volume
        lot, unit = self.sizing.lot(symbol), self.sizing.unit(symbol)
        if order_num < lot:
            return _refusal(symbol, price, order_num, f"卖出{unit}数不足{lot}{unit}: {order_num}")
        return self._place(tx, idx, "sell", symbol, order_num, price, price_type, strategy)

    def _place(
        self,
        tx: Tx,
        idx: int,
        side: str,
        symbol: str,
        order_num: Number,
        price: Number,
        price_type: Any,
        strategy: str,
    ) -> dict[str, Any]:
        """Map the API's price type to xtquant's and submit (``order_dif_type``)."""
        code = broker_price_type(price_type, symbol)
        if code is None:
            return {"success": False, "message": f"错误：不支持的价格类型 {price_type}"}
        sent_price = price if code == FIX_PRICE else 0  # market kinds send price 0
        order = self._submit(tx, idx, side, symbol, int(order_num), sent_price, code, strategy)
        verb = "买入" if side == "buy" else "卖出"
        # Like the real server, success only means "submitted": a broker rejection
        # (废单 57) is visible later through /order and /orders.
        return {
            "success": True,
            "symbol": symbol,
            "order_num": order_num,
            "price": price,
            "value": order_num * price,
            "order_id": order.order_id,
            # "限价单" and "股" whatever the price type and the instrument, as there.
            "message": f"{verb}限价单提交成功: {symbol} {order_num}股 @{price}, "
            f"OrderID: {order.order_id}",
        }

    def reverse_repo(self, idx: int, reserve_amount: Any) -> dict[str, Any]:
        """Lend cash − reserve through 131810.SZ in units of 10 张 (main line ``nhg``)."""
        with self._lock, self.store.transaction() as tx:
            cash = to_yuan(tx.account(idx).cash)
            usable = cash - reserve_amount
            details: dict[str, Any] = {
                "symbol": REVERSE_REPO_SYMBOL,
                "order_num": 0,
                "available_cash": cash,
                "reserve_amount": reserve_amount,
                "usable_cash": usable,
            }
            if usable < REPO_MINIMUM:
                message = f"逆回购资金不足: 最低需要{REPO_MINIMUM}元, 当前可用{usable}元"
                return {"success": False, **details, "message": message}
            order_num = math.floor(usable / 100 / 10) * 10
            amount = order_num * 100
            order = self._lend(tx, idx, order_num)
            message = (
                f"逆回购订单提交成功: {order_num}张(约{amount}元), 保留{reserve_amount}元, "
                f"OrderID: {order.order_id}"
            )
            return {
                "success": True,
                **details,
                "order_num": order_num,
                "order_amount": amount,
                "order_id": order.order_id,
                "message": message,
            }

    def lend_all_cash(self, idx: int) -> None:
        """Upstream ``nhg``: lend ALL cash, floor(cash / 1000) × 10 张, and report nothing."""
        with self._lock, self.store.transaction() as tx:
            order_num = math.floor(to_yuan(tx.account(idx).cash) / REPO_MINIMUM) * 10
            if order_num > 0:
                self._lend(tx, idx, order_num)

    def _lend(self, tx: Tx, idx: int, order_num: int) -> Order:
        # xtquant books lending as a SELL of R-001 at the latest price, price 0, no strategy.
        return self._submit(tx, idx, "sell", REVERSE_REPO_SYMBOL, order_num, 0, LATEST_PRICE, "")

    def send_message(self, text: str) -> None:
        """``/send_msg``: relay a notification (raises when a failure is configured)."""
        self.notifier.send(text)

    def cancel_order(self, idx: int, order_id: Any) -> dict[str, Any]:
        with self._lock, self.store.transaction() as tx:
            order = (
                tx.order(order_id)
                if isinstance(order_id, int) and not isinstance(order_id, bool)
                else None
            )
            ok = order is not None and order.account_idx == idx and order.status in CANCELABLE
            if ok and order is not None:
                self._cancel(tx, order)
                return {
                    "success": True,
                    "order_id": order_id,
                    "message": f"撤单成功: OrderID {order_id}",
                }
            return {
                "success": False,
                "order_id": order_id,
                "message": f"撤单失败: OrderID {order_id}",
            }

    def cancel_side(self, idx: int, side: str) -> int:
        """Cancel every 已报/部成 order of one side, notifying after each (``cancel_all_orders``).

        A failed notification raises after that cancel and skips the rest.
        Returns how many orders were cancelled.
        """
        with self.store.transaction() as tx:
            tx.account(idx)
            targets = [
                o.order_id
                for o in tx.open_orders(MATCHABLE)
                if o.account_idx == idx and o.side == side
            ]
        cancelled = 0
        for order_id in targets:
            with self._lock, self.store.transaction() as tx:
                order = tx.order(order_id)
                if order is None or order.status not in MATCHABLE:
                    continue  # filled or cancelled meanwhile
                self._cancel(tx, order)
                cancelled += 1
            self.notifier.send(f"撤单 {order_id} 成功")
        return cancelled

    # ------------------------------------------------------------ the broker
    def _submit(
        self,
        tx: Tx,
        idx: int,
        side: str,
        symbol: str,
        volume: int,
        price: Number,
        price_type: int,
        strategy: str,
    ) -> Order:
        """Accept an order like a broker would: freeze, reject as 废单, or match.

        ``price_type`` is xtquant's code and ``price`` what was sent with it (0
        for the market kinds), which is what the order then shows.
        """
        quote = self._quote(tx, symbol)
        tick = mk.tick_size(symbol)
        # A limit order rests at its price; market types execute at the current
        # price and any remainder rests there (or is cancelled for IOC).
        limit = mk.round_to_tick(to_milli(price), tick) if price_type == FIX_PRICE else quote.last
        order = Order(
            order_id=0,  # given by tx.insert_order
            account_idx=idx,
            trading_day=self._day(tx),
            symbol=symbol,
            side=side,
            status=REPORTED,
            volume=volume,
            price=to_milli(price),
            limit_price=limit,
            price_type=price_type,
            ioc=int(price_type in IOC_PRICE_TYPES),
            traded_volume=0,
            traded_value=0,
            commission=0,
            frozen_cash=0,
            strategy_name=strategy,
            remark="",
            created_at=int(self.clock()),
        )
        order.remark = self._reject_reason(tx, order, quote)
        if order.remark:
            order.status = JUNK
            tx.insert_order(order)
            return order
        self._freeze(tx, order)
        tx.insert_order(order)
        # Without fills nothing executes, IOC included: a broker that has done nothing yet.
        # The repo auction matches on the next market tick, so a new repo order rests first.
        if self.config.market.fills and symbol != REVERSE_REPO_SYMBOL:
            self._match(tx, order, quote)
            if order.ioc and order.status in MATCHABLE:
                self._cancel(tx, order)
        if order.traded_volume:  # a fill used up liquidity and moved the day's volume
            tx.save_quote(quote)
        return order

    def _reject_reason(self, tx: Tx, order: Order, quote: Quote) -> str:
        if order.symbol != REVERSE_REPO_SYMBOL and order.price_type == FIX_PRICE:
            low, high = mk.price_band(order.symbol, quote.prev_close)
            if not low <= order.limit_price <= high:
                return f"委托价格超出涨跌停范围[{to_yuan(low)}, {to_yuan(high)}]"
        if _pays_cash(order):
            if tx.account(order.account_idx).cash < self._buy_freeze(order):
                return "可用资金不足"
        else:
            pos = tx.position(order.account_idx, order.symbol)
            if pos is None or pos.can_use_volume < order.volume:
                return "可用股份不足"
        return ""

    def _buy_freeze(self, order: Order) -> int:
        value = order.volume * order.limit_price
        return value + self._commission_due(order.symbol, value)

    def _freeze(self, tx: Tx, order: Order) -> None:
        if _pays_cash(order):
            account = tx.account(order.account_idx)
            order.frozen_cash = self._buy_freeze(order)
            account.cash -= order.frozen_cash
            account.frozen_cash += order.frozen_cash
            tx.save_account(account)
            return
        pos = _must(tx.position(order.account_idx, order.symbol))
        pos.can_use_volume -= order.volume
        pos.frozen_volume += order.volume
        tx.save_position(pos)

    def _commission_due(self, symbol: str, cumulative_value: int) -> int:
        """Commission for an order's total traded value so far (minimum applies per order)."""
        fees = self.config.fees
        if not fees.enabled or symbol == REVERSE_REPO_SYMBOL or cumulative_value <= 0:
            return 0
        return fen(max(cumulative_value * fees.commission_rate, fees.min_commission * MILLI))

    def _crosses(self, order: Order, price: int) -> bool:
        if order.symbol == REVERSE_REPO_SYMBOL:
            return True  # lending at the latest price always finds a borrower
        return price <= order.limit_price if order.side == "buy" else price >= order.limit_price

    def _match(self, tx: Tx, order: Order, quote: Quote, tick: int | None = None) -> None:
        """Fill as much of ``order`` as this tick's liquidity allows, at the market price."""
        if order.status not in MATCHABLE or not self._crosses(order, quote.last):
            return
        volume = min(order.remaining, quote.liquidity)
        if volume <= 0:
            return
        price = quote.last
        value = volume * price
        commission = (
            self._commission_due(order.symbol, order.traded_value + value) - order.commission
        )
        order.traded_volume += volume
        order.traded_value += value
        order.commission += commission
        order.status = FILLED if order.remaining == 0 else PART_FILLED
        if _pays_cash(order):
            self._settle_buy(tx, order, volume, value, commission)
            stamp = 0
        else:
            fees = self.config.fees
            stamp = fen(value * fees.stamp_duty_rate) if fees.enabled else 0
            self._settle_sell(tx, order, volume, value - commission - stamp)
        quote.liquidity -= volume
        quote.day_volume += volume
        quote.day_amount += value
        tick = self._tick(tx) if tick is None else tick
        tx.insert_fill(order, volume, price, commission, stamp, tick, int(self.clock()))
        tx.save_order(order)

    def _settle_buy(self, tx: Tx, order: Order, volume: int, value: int, commission: int) -> None:
        charge = value + commission
        account = tx.account(order.account_idx)
        # Fill price <= limit, so the charge always fits in what was frozen.
        order.frozen_cash -= charge
        account.frozen_cash -= charge
        if order.status == FILLED:  # give back what the better price saved
            account.frozen_cash -= order.frozen_cash
            account.cash += order.frozen_cash
            order.frozen_cash = 0
        tx.save_account(account)
        pos = tx.position(order.account_idx, order.symbol) or Position(
            order.account_idx, order.symbol, 0, 0, 0, 0, 0
        )
        pos.volume += volume
        pos.cost += charge  # avg_price includes buy fees; open_price does not
        pos.open_cost += value
        # T+1 for shares; convertible bonds trade T+0; the repo is never sellable.
        if mk.is_convertible_bond(order.symbol):
            pos.can_use_volume += volume
        tx.save_position(pos)

    def _settle_sell(self, tx: Tx, order: Order, volume: int, proceeds: int) -> None:
        account = tx.account(order.account_idx)
        account.cash += proceeds  # sale proceeds are usable the same day, as in A-shares
        tx.save_account(account)
        pos = _must(tx.position(order.account_idx, order.symbol))
        pos.cost -= pos.cost * volume // pos.volume
        pos.open_cost -= pos.open_cost * volume // pos.volume
        pos.volume -= volume
        pos.frozen_volume -= volume
        tx.save_position(pos)

    def _cancel(self, tx: Tx, order: Order) -> None:
        """Cancel the unfilled rest of an order and release what it froze."""
        order.status = PART_CANCELLED if order.traded_volume else CANCELLED
        if _pays_cash(order):
            account = tx.account(order.account_idx)
            account.frozen_cash -= order.frozen_cash
            account.cash += order.frozen_cash
            order.frozen_cash = 0
            tx.save_account(account)
        else:
            pos = _must(tx.position(order.account_idx, order.symbol))
            pos.frozen_volume -= order.remaining
            pos.can_use_volume += order.remaining
            tx.save_position(pos)
        tx.save_order(order)

    # ---------------------------------------------------------------- market
    def _day(self, tx: Tx) -> int:
        return tx.get_int_meta("trading_day", 1)

    def _tick(self, tx: Tx) -> int:
        return tx.get_int_meta("tick", 0)

    def _quote(self, tx: Tx, symbol: str) -> Quote:
        """The symbol's market state, creating it on first use."""
        quote = tx.quote(symbol)
        if quote is not None:
            return quote
        start = self.replay.first_price(symbol) if self.replay else None
        if start is None:
            start = mk.base_price(self.config.market.seed, symbol, self.config.market.prices)
        liquidity = self._quote_liquidity(symbol)
        quote = Quote(symbol, start, start, start, start, start, 0, 0, 0, liquidity)
        tx.save_quote(quote)
        return quote

    def _quote_liquidity(self, symbol: str) -> int:
        return (
            REPO_LIQUIDITY if symbol == REVERSE_REPO_SYMBOL else self.config.market.volume_per_tick
        )

    def _advance(self, quote: Quote) -> None:
        steps = quote.steps + 1
        step = self.replay.step(quote.symbol, steps) if self.replay else None
        if step is None:
            m = self.config.market
            step = mk.random_step(
                m.seed,
                quote.symbol,
                steps,
                quote.last,
                quote.prev_close,
                m.volatility,
                m.volume_per_tick,
            )
        quote.steps = steps
        quote.last = step.price
        quote.day_high = max(quote.day_high, step.price)
        quote.day_low = min(quote.day_low, step.price)
        quote.liquidity = REPO_LIQUIDITY if quote.symbol == REVERSE_REPO_SYMBOL else step.liquidity

    def tick(self, steps: int = 1) -> dict[str, Any]:
        """Advance every symbol ``steps`` times, matching resting orders after each step.

        With ``market.moves: false`` prices stay where they are (liquidity is
        still renewed); with ``market.fills: false`` nothing is matched.
        """
        market = self.config.market
        # One transaction for all the steps: quotes and resting orders are read
        # once and written once, so a long tick costs little more than its walk.
        with self._lock, self.store.transaction() as tx:
            tick = self._tick(tx)
            quotes = tx.quotes()
            resting = {
                q.symbol: tx.open_orders(MATCHABLE, q.symbol) if market.fills else []
                for q in quotes
            }
            for _ in range(steps):
                tick += 1
                for quote in quotes:
                    if market.moves:
                        self._advance(quote)
                    else:
                        quote.liquidity = self._quote_liquidity(quote.symbol)
                    for order in resting[quote.symbol]:
                        self._match(tx, order, quote, tick)
            for quote in quotes:
                tx.save_quote(quote)
            tx.set_meta("tick", str(tick))
        return self.clock_info()

    def next_day(self) -> dict[str, Any]:
        """Close the day: expire open orders, mature repos, release T+1 shares, roll closes."""
        with self._lock, self.store.transaction() as tx:
            day = self._day(tx)
            for order in tx.open_orders((*CANCELABLE, 51, 52)):
                self._cancel(tx, order)
            self._mature_repos(tx)
            for pos in tx.all_positions():
                pos.can_use_volume = pos.volume - pos.frozen_volume
                tx.save_position(pos)
            for quote in tx.quotes():
                tx.save_bar(quote, day)
                quote.prev_close = quote.day_open = quote.day_high = quote.day_low = quote.last
                quote.day_volume = quote.day_amount = 0
                tx.save_quote(quote)
            tx.set_meta("trading_day", str(day + 1))
        return self.clock_info()

    def _mature_repos(self, tx: Tx) -> None:
        for pos in tx.all_positions():
            if pos.symbol != REVERSE_REPO_SYMBOL:
                continue
            principal = pos.volume * REVERSE_REPO_UNIT
            interest = fen(principal * self.config.market.repo_rate / 365)
            account = tx.account(pos.account_idx)
            account.cash += principal + interest
            tx.save_account(account)
            pos.volume = pos.can_use_volume = pos.frozen_volume = 0
            tx.save_position(pos)

    def clock_info(self) -> dict[str, Any]:
        with self.store.transaction() as tx:
            day = self._day(tx)
            return {
                "trading_day": day,
                "date": trading_date(day).isoformat(),
                "tick": self._tick(tx),
                "symbols": len(tx.quotes()),
            }

    # ----------------------------------------------------------- market data
    def today(self) -> dt.date:
        """The simulated trading date (the server's "today")."""
        with self.store.transaction() as tx:
            return trading_date(self._day(tx))

    def quotes(self, symbols: list[str]) -> tuple[dt.date, int, dict[str, Quote]]:
        """The trading date, the tick and the market state of each (suffixed) symbol."""
        with self._lock, self.store.transaction() as tx:
            found = {symbol: self._quote(tx, symbol) for symbol in symbols}
            return trading_date(self._day(tx)), self._tick(tx), found

    def daily_bars(self, symbols: list[str]) -> dict[str, list[DailyBar]]:
        """Each symbol's finished daily bars plus today's bar so far, oldest first."""
        with self._lock, self.store.transaction() as tx:
            today = self._day(tx)
            result: dict[str, list[DailyBar]] = {}
            for symbol in symbols:
                q = self._quote(tx, symbol)
                rows = [
                    (r["trading_day"], r["open"], r["high"], r["low"], r["close"], r["volume"],
                     r["amount"])
                    for r in tx.bars(symbol)
                ]  # fmt: skip
                rows.append(
                    (today, q.day_open, q.day_high, q.day_low, q.last, q.day_volume, q.day_amount)
                )
                bars: list[DailyBar] = []
                previous_close: int | None = None
                for day, o, h, lo, c, volume, amount in rows:
                    if previous_close is None:
                        previous_close = q.prev_close if day == today else o
                    bars.append(
                        DailyBar(
                            trading_date(day), to_yuan(o), to_yuan(h), to_yuan(lo), to_yuan(c),
                            volume, to_yuan(amount), to_yuan(previous_close),
                        )
                    )  # fmt: skip
                    previous_close = c
                result[symbol] = bars
            return result


def order_view(order: Order) -> dict[str, Any]:
    """An order in the real server's wire shape."""
    traded_price = order.traded_value / order.traded_volume / MILLI if order.traded_volume else 0.0
    return {
        "order_id": order.order_id,
        "symbol": order.symbol,
        "side": order.side,
        "status": order.status,
        "m_status": STATUS_NAMES.get(order.status, "未知"),
        "volume": order.volume,
        "time": order.created_at,
        "price": to_yuan(order.price),
        "price_type": order.price_type,
        "traded_volume": order.traded_volume,
        "traded_price": round(traded_price, 4),
        "strategy_name": order.strategy_name,
    }


def _refusal(symbol: str, price: Number, order_num: Any, message: str) -> dict[str, Any]:
    """A refusal before any order, in the shape the real server's helpers return it."""
    return {
        "success": False,
        "symbol": symbol,
        "order_num": order_num,
        "price": price,
        "value": 0,
        "order_result": None,
        "message": message,
    }


def broker_price_type(price_type: Any, symbol: str) -> int | None:
    """xtquant's price type for the API's 0/1/2/3/5, or None for anything else.

    A dict lookup, as on the real server: JSON ``0.0`` or ``true`` match 0 and 1.
    """
    try:
        code = BROKER_PRICE_TYPES.get(price_type)
    except TypeError:  # unhashable JSON (a list, an object)
        return None
    if code == BEST_FIVE_CANCEL:
        return SH_BEST_FIVE_CANCEL if symbol.endswith(".SH") else SZ_BEST_FIVE_CANCEL
    return code


def _pays_cash(order: Order) -> bool:
    """Buys pay cash; so does lending through the repo, although xtquant books it as a sell."""
    return order.side == "buy" or order.symbol == REVERSE_REPO_SYMBOL


def _must(pos: Position | None) -> Position:
    if pos is None:
        raise RuntimeError("position vanished while an order held it")
    return pos
