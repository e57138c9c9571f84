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
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from . import market as mk
from .config import SimConfig
from .market import MILLI, REVERSE_REPO_SYMBOL, REVERSE_REPO_UNIT, BarReplay
from .store import Account, Order, Position, Quote, Store, Tx

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
SUPPORTED_PRICE_TYPES = (0, 1, 2, 3, 5)
IOC_PRICE_TYPE = 2
FIRST_TRADING_DATE = dt.date(2024, 1, 2)
REPO_LIQUIDITY = 10**9  # the repo market never runs dry


def to_milli(yuan: float) -> int:
    return math.floor(yuan * MILLI + 0.5)


def price_milli(price: float) -> int:
    """A positive price in milli-yuan (never 0, so sizing cannot divide by zero)."""
    return max(1, to_milli(price))


def to_yuan(milli: int) -> float:
    return round(milli / MILLI, 3)


def fen(milli: float) -> int:
    """Round a milli-yuan amount half-up to whole fen (0.01 CNY), as brokers bill."""
    return math.floor(milli / 10 + 0.5) * 10


def fmt_price(price: float) -> str:
    return f"{price:g}"


def trading_date(day: int) -> dt.date:
    """Calendar date of simulated trading day ``day`` (1 = 2024-01-02), weekends skipped."""
    date = FIRST_TRADING_DATE
    remaining = day - 1
    while remaining > 0:
        date += dt.timedelta(days=1)
        if date.weekday() < 5:
            remaining -= 1
    return date


class Engine:
    def __init__(
        self,
        store: Store,
        config: SimConfig,
        replay: BarReplay | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.config = config
        if replay is None and config.market.bars_csv:
            replay = BarReplay.from_csv(config.market.bars_csv)
        self.replay = replay
        self.clock = clock
        # Serialises whole operations (Store also locks per transaction).
        self._lock = threading.RLock()
        self._seed_if_empty()

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
        with self.store.transaction() as tx:
            return len(tx.accounts())

    def accounts(self) -> list[dict[str, Any]]:
        with self.store.transaction() as tx:
            return [
                {
                    "index": a.idx,
                    "account_id": a.account_id,
                    "nick_name": a.nick_name or f"账户{a.idx + 1}",
                }
                for a in tx.accounts()
            ]

    def portfolio(self, idx: int) -> dict[str, Any]:
        with self.store.transaction() as tx:
            account = tx.account(idx)
            market_value = self._market_value(tx, idx)
            return {
                "total_asset": to_yuan(account.cash + account.frozen_cash + market_value),
                "cash": to_yuan(account.cash),
                "frozen_cash": to_yuan(account.frozen_cash),
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
        avg = pos.cost / pos.volume if pos.volume else 0.0
        cost_value = pos.cost
        profit = pos.volume * last - cost_value
        return {
            "symbol": pos.symbol,
            "name": mk.KNOWN_NAMES.get(pos.symbol, pos.symbol),
            "volume": pos.volume,
            "can_use_volume": pos.can_use_volume,
            "frozen_volume": pos.frozen_volume,
            "market_value": to_yuan(pos.volume * last),
            "avg_price": round(avg / MILLI, 4),
            "open_price": round((pos.open_cost / pos.volume if pos.volume else 0.0) / MILLI, 4),
            "current_price": to_yuan(last),
            "profit": to_yuan(profit),
            # percent, like the real server
            "profit_ratio": round(profit / cost_value * 100, 4) if cost_value > 0 else 0,
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
    def buy_by_pct(
        self, idx: int, symbol: str, price: float, pct: float, price_type: object, strategy: str
    ) -> dict[str, Any]:
        """Buy total_asset × pct, capped at cash, floored to the lot (``trade_target_pct``)."""
        with self._lock, self.store.transaction() as tx:
            symbol = mk.normalize_symbol(symbol)
            refused = _price_type_refusal(symbol, price, price_type)
            if refused:
                return refused
            account = tx.account(idx)
            total = account.cash + account.frozen_cash + self._market_value(tx, idx)
            value = min(total * pct, account.cash)
            lot, unit = mk.lot_size(symbol), mk.unit_name(symbol)
            order_num = math.floor(value / price_milli(price) / lot) * lot
            if order_num <= 0:
                return _failure(
                    symbol,
                    price,
                    f"指定仓位资金不足: 最低{lot}{unit}需要:{price * lot:.2f}, "
                    f"当前可用:{to_yuan(account.cash)}",
                )
            order = self._submit(
                tx, idx, "buy", symbol, order_num, price, _as_int(price_type), strategy
            )
            return _submitted(
                order, price, f"买入订单提交成功: {symbol} {order_num}{unit} 价格{fmt_price(price)}"
            )

    def buy_shares(
        self, idx: int, symbol: str, price: float, shares: float, price_type: object, strategy: str
    ) -> dict[str, Any]:
        """Buy a number of shares; silently reduced to what the cash buys (``trade_buy_shares``)."""
        with self._lock, self.store.transaction() as tx:
            symbol = mk.normalize_symbol(symbol)
            refused = _price_type_refusal(symbol, price, price_type)
            if refused:
                return refused
            account = tx.account(idx)
            lot, unit = mk.lot_size(symbol), mk.unit_name(symbol)
            required = shares * price_milli(price)
            note = ""
            if required > account.cash:
                affordable = math.floor(account.cash / price_milli(price) / lot) * lot
                if affordable <= 0:
                    return _failure(
                        symbol,
                        price,
                        f"资金不足，无法买入: 需要{to_yuan(int(required))}, "
                        f"可用{to_yuan(account.cash)}",
                    )
                note = (
                    f"资金不足，已按可用资金将数量从{_num(shares)}{unit}调整为{affordable}{unit}; "
                )
                shares = affordable
            order_num = int(shares // lot) * lot
            if order_num <= 0:
                return _failure(symbol, price, f"{unit}数不足{lot}{unit}: {_num(shares)}")
            order = self._submit(
                tx, idx, "buy", symbol, order_num, price, _as_int(price_type), strategy
            )
            return _submitted(
                order,
                price,
                f"{note}买入订单提交成功: {symbol} {order_num}{unit} 价格{fmt_price(price)}",
            )

    def sell_shares(
        self, idx: int, symbol: str, price: float, shares: float, price_type: object, strategy: str
    ) -> dict[str, Any]:
        """Sell a number of shares of a held symbol (``trade_sell``)."""
        with self._lock, self.store.transaction() as tx:
            symbol = mk.normalize_symbol(symbol)
            return self._sell(tx, idx, symbol, price, shares, price_type, strategy)

    def sell_by_pct(
        self, idx: int, symbol: str, price: float, pct: float, price_type: object, strategy: str
    ) -> dict[str, Any]:
        """Sell floor(can_use_volume × pct / lot) × lot (``trade_sell_target_pct``)."""
        with self._lock, self.store.transaction() as tx:
            symbol = mk.normalize_symbol(symbol)
            pos = tx.position(idx, symbol)
            if pos is None:
                return _failure(symbol, price, f"未持有该股票: {symbol}")
            lot = mk.lot_size(symbol)
            order_num = math.floor(pos.can_use_volume * pct / lot) * lot
            return self._sell(tx, idx, symbol, price, order_num, price_type, strategy)

    def _sell(
        self,
        tx: Tx,
        idx: int,
        symbol: str,
        price: float,
        shares: float,
        price_type: object,
        strategy: str,
    ) -> dict[str, Any]:
        refused = _price_type_refusal(symbol, price, price_type)
        if refused:
            return refused
        if tx.position(idx, symbol) is None:
            return _failure(symbol, price, f"未持有该股票: {symbol}")
        lot, unit = mk.lot_size(symbol), mk.unit_name(symbol)
        order_num = int(shares)
        if order_num < lot:
            return _failure(
                symbol, price, f"卖出{unit}数不足{lot}{unit}: {_num(shares)}", order_num
            )
        order = self._submit(
            tx, idx, "sell", symbol, order_num, price, _as_int(price_type), strategy
        )
        return _submitted(
            order, price, f"卖出订单提交成功: {symbol} {order_num}{unit} 价格{fmt_price(price)}"
        )

    def reverse_repo(self, idx: int, reserve_amount: float) -> dict[str, Any]:
        """Lend cash − reserve overnight via 131810.SZ in units of 10 张 (1,000 CNY)."""
        with self._lock, self.store.transaction() as tx:
            account = tx.account(idx)
            usable = account.cash - to_milli(reserve_amount)
            order_num = max(0, math.floor(usable / REVERSE_REPO_UNIT / 10) * 10)
            # The real server's repo outcome carries no "price" field.
            details = {
                "symbol": REVERSE_REPO_SYMBOL,
                "order_num": order_num,
                "order_amount": to_yuan(order_num * REVERSE_REPO_UNIT),
                "available_cash": to_yuan(account.cash),
                "reserve_amount": reserve_amount,
                "usable_cash": to_yuan(max(0, usable)),
            }
            if order_num <= 0:
                message = (
                    f"逆回购资金不足: 最低需要1000元, 当前可用{to_yuan(max(0, usable))}元"
                )
                return {"success": False, **details, "message": message}
            order = self._submit(
                tx,
                idx,
                "buy",
                REVERSE_REPO_SYMBOL,
                order_num,
                to_yuan(REVERSE_REPO_UNIT),
                1,
                "逆回购",
            )
            amount = details["order_amount"]
            message = (
                f"逆回购订单提交成功: {order_num}张(约{amount:g}元), "
                f"保留{reserve_amount:g}元, OrderID: {order.order_id}"
            )
            return {
                "success": order.status != JUNK,
                **details,
                "order_id": order.order_id,
                "message": message,
            }

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
        """Cancel every 已报/部成 order of one side; returns how many were cancelled."""
        with self._lock, self.store.transaction() as tx:
            tx.account(idx)
            orders = [
                o for o in tx.open_orders(MATCHABLE) if o.account_idx == idx and o.side == side
            ]
            for order in orders:
                self._cancel(tx, order)
            return len(orders)

    # ------------------------------------------------------------ the broker
    def _submit(
        self,
        tx: Tx,
        idx: int,
        side: str,
        symbol: str,
        volume: int,
        price: float,
        price_type: int,
        strategy: str,
    ) -> Order:
        """Accept an order like a broker would: freeze, reject as 废单, or match."""
        quote = self._quote(tx, symbol)
        tick = mk.tick_size(symbol)
        # A limit order rests at its price; market types execute at the current
        # price and any remainder rests there (or is cancelled for IOC).
        limit = mk.round_to_tick(to_milli(price), tick) if price_type == 0 else quote.last
        order = Order(
            order_id=tx.next_order_id(),
            account_idx=idx,
            trading_day=self._day(tx),
            symbol=symbol,
            side=side,
            status=REPORTED,
            volume=volume,
            price=to_milli(price),
            limit_price=limit,
            price_type=price_type,
            ioc=int(price_type == IOC_PRICE_TYPE),
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
        self._match(tx, order, quote)
        if order.ioc and order.status in MATCHABLE:
            self._cancel(tx, order)
        tx.save_quote(quote)
        return order

    def _reject_reason(self, tx: Tx, order: Order, quote: Quote) -> str:
        if order.symbol != REVERSE_REPO_SYMBOL and order.price_type == 0:
            low, high = mk.price_band(order.symbol, quote.prev_close)
            if not low <= order.limit_price <= high:
                return f"委托价格超出涨跌停范围[{to_yuan(low)}, {to_yuan(high)}]"
        if order.side == "buy":
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
        if order.side == "buy":
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
        if symbol == REVERSE_REPO_SYMBOL or cumulative_value <= 0:
            return 0
        fees = self.config.fees
        return fen(max(cumulative_value * fees.commission_rate, fees.min_commission * MILLI))

    def _crosses(self, order: Order, price: int) -> bool:
        return price <= order.limit_price if order.side == "buy" else price >= order.limit_price

    def _match(self, tx: Tx, order: Order, quote: Quote) -> None:
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
        if order.side == "buy":
            self._settle_buy(tx, order, volume, value, commission)
            stamp = 0
        else:
            stamp = fen(value * self.config.fees.stamp_duty_rate)
            self._settle_sell(tx, order, volume, value - commission - stamp)
        quote.liquidity -= volume
        quote.day_volume += volume
        quote.day_amount += value
        tx.insert_fill(order, volume, price, commission, stamp, self._tick(tx), int(self.clock()))
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
        if order.side == "buy":
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
        liquidity = (
            REPO_LIQUIDITY if symbol == REVERSE_REPO_SYMBOL else self.config.market.volume_per_tick
        )
        quote = Quote(symbol, start, start, start, start, start, 0, 0, 0, liquidity)
        tx.save_quote(quote)
        return quote

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
        """Advance every symbol ``steps`` times, matching resting orders after each step."""
        for _ in range(steps):
            with self._lock, self.store.transaction() as tx:
                tx.set_meta("tick", str(self._tick(tx) + 1))
                for quote in tx.quotes():
                    self._advance(quote)
                    for order in tx.open_orders(MATCHABLE, quote.symbol):
                        self._match(tx, order, quote)
                    tx.save_quote(quote)
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
    def full_tick(self, symbols: list[str]) -> dict[str, Any]:
        with self._lock, self.store.transaction() as tx:
            date = trading_date(self._day(tx)).strftime("%Y%m%d")
            result: dict[str, Any] = {}
            for raw in symbols:
                symbol = mk.normalize_symbol(raw)
                q = self._quote(tx, symbol)
                tick = mk.tick_size(symbol)
                result[symbol] = {
                    "timetag": f"{date} tick {self._tick(tx)}",
                    "lastPrice": to_yuan(q.last),
                    "open": to_yuan(q.day_open),
                    "high": to_yuan(q.day_high),
                    "low": to_yuan(q.day_low),
                    "lastClose": to_yuan(q.prev_close),
                    "amount": to_yuan(q.day_amount),
                    "volume": q.day_volume,
                    "askPrice": [to_yuan(q.last + tick * (i + 1)) for i in range(5)],
                    "bidPrice": [to_yuan(max(tick, q.last - tick * (i + 1))) for i in range(5)],
                    "askVol": [q.liquidity // 5] * 5,
                    "bidVol": [q.liquidity // 5] * 5,
                    "stockStatus": 0,
                }
            return result

    def daily_bars(self, symbols: list[str], count: int) -> dict[str, list[dict[str, Any]]]:
        """Finished daily bars plus today's bar so far, oldest first."""
        with self._lock, self.store.transaction() as tx:
            today = self._day(tx)
            result: dict[str, list[dict[str, Any]]] = {}
            for raw in symbols:
                symbol = mk.normalize_symbol(raw)
                q = self._quote(tx, symbol)
                rows = [
                    _bar(
                        r["trading_day"],
                        r["open"],
                        r["high"],
                        r["low"],
                        r["close"],
                        r["volume"],
                        r["amount"],
                    )
                    for r in tx.bars(symbol)
                ]
                rows.append(
                    _bar(
                        today, q.day_open, q.day_high, q.day_low, q.last, q.day_volume, q.day_amount
                    )
                )
                result[symbol] = rows[-count:] if count > 0 else rows
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


def _bar(day: int, o: int, h: int, lo: int, c: int, volume: int, amount: int) -> dict[str, Any]:
    return {
        "time": trading_date(day).strftime("%Y%m%d"),
        "open": to_yuan(o),
        "high": to_yuan(h),
        "low": to_yuan(lo),
        "close": to_yuan(c),
        "volume": volume,
        "amount": to_yuan(amount),
    }


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _failure(symbol: str, price: float, message: str, order_num: int = 0) -> dict[str, Any]:
    return {
        "success": False,
        "symbol": symbol,
        "order_num": order_num,
        "price": price,
        "value": 0,
        "order_result": None,
        "message": message,
    }


def _submitted(order: Order, price: float, message: str) -> dict[str, Any]:
    # Like the real server, success only means "submitted": a broker rejection
    # (废单 57) is visible later through /order and /orders.
    return {
        "success": True,
        "symbol": order.symbol,
        "order_num": order.volume,
        "price": price,
        "value": round(order.volume * price, 3),
        "order_id": order.order_id,
        "message": f"{message}, OrderID: {order.order_id}",
    }


def _price_type_refusal(symbol: str, price: float, price_type: object) -> dict[str, Any] | None:
    # Whatever JSON the client sent: only the integers 0/1/2/3/5 are known types.
    if type(price_type) is int and price_type in SUPPORTED_PRICE_TYPES:
        return None
    return _failure(symbol, price, f"错误：不支持的价格类型 {price_type}")


def _as_int(price_type: object) -> int:
    assert type(price_type) is int  # checked by _price_type_refusal
    return price_type


def _must(pos: Position | None) -> Position:
    if pos is None:
        raise RuntimeError("position vanished while an order held it")
    return pos
