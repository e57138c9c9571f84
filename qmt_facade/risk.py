"""Pre-trade risk limits: what an order may be, checked before it is sent.

``RiskLimits`` (given as ``risk=`` to a client, or ``risk:`` in its YAML
file) holds the limits; every one is optional and an unset limit costs
nothing. The rules here are pure: each takes the numbers the plans read
(``plans.guards`` reads them, sharing one read between the checks that
need it) and raises :class:`QMTRiskError` naming the limit, the value the
order would have had and the order. Nothing here does I/O, except the
in-memory order counter's lock.

The daily and per-minute order counts live in the order journal file when
the client has one (``journal.OrderJournal.take_order_slots``), so that a
restarted strategy keeps its count; otherwise in :class:`MemoryOrderCounter`,
which a restart resets.
"""

from __future__ import annotations

import collections
import fnmatch
import functools
import math
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final, Protocol

import attrs

from qmt_facade.errors import QMTRiskError, QMTValidationError
from qmt_facade.symbols import normalize_symbol
from qmt_facade.timezones import SHANGHAI
from qmt_facade.validation import validate_positive, validate_section

__all__ = [
    "MINUTE",
    "MemoryOrderCounter",
    "OrderCounter",
    "RiskLimits",
    "check_order_counts",
    "check_order_size",
    "check_order_slots",
    "check_position",
    "check_price_band",
    "check_symbol",
    "describe_order",
    "risk_error",
    "trading_day",
]

MINUTE: Final = 60.0  # seconds: max_orders_per_minute counts a rolling window


def _field_error(name: str, value: object, rule: str) -> QMTValidationError:
    return QMTValidationError.of(f"risk.{name}", value, rule)


def _amount(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A finite number > 0, or None (attrs validator: the field names itself)."""
    if value is not None:
        try:
            validate_positive(value, attribute.name)
        except QMTValidationError as exc:
            raise _field_error(attribute.name, value, exc.rule) from None


def _fraction(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _amount(instance, attribute, value)
    if value is not None and float(value) > 1:  # type: ignore[arg-type]
        rule = "must be a fraction with 0 < x <= 1 (0.05 = 5%)"
        raise _field_error(attribute.name, value, rule)


def _count(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
        raise _field_error(attribute.name, value, "must be an int > 0")


def _pattern(name: str, pattern: object) -> str:
    """A symbol pattern: fnmatch wildcards (``68*``, ``*.BJ``) or one symbol in any spelling."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise _field_error(name, pattern, "each pattern must be a non-empty str")
    text = pattern.strip().upper()
    if any(mark in text for mark in "*?["):
        return text
    try:
        return normalize_symbol(text)  # "000001" means "000001.SZ", as for orders
    except QMTValidationError:
        raise _field_error(
            name, pattern, "must be a symbol or a pattern with * ? [ ] such as '68*' or '*.BJ'"
        ) from None


def _patterns(name: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable) or isinstance(value, bytes | Mapping):
        raise _field_error(name, value, "must be a list of symbol patterns")
    return tuple(_pattern(name, p) for p in value)


def _allowed(value: object) -> tuple[str, ...] | None:
    if value is None:
        return None
    patterns = _patterns("allowed_symbols", value)
    if not patterns:
        raise _field_error(
            "allowed_symbols", value, "must list at least one pattern, or be left out"
        )
    return patterns


def _blocked(value: object) -> tuple[str, ...]:
    return () if value is None else _patterns("blocked_symbols", value)


@attrs.frozen(kw_only=True)
class RiskLimits:
    """Pre-trade limits, each optional (None: not checked, costs nothing).

    - ``max_order_value``: CNY, price × shares of one order on one account
      (a ``position_pct`` order: what it would buy or sell, from the portfolio
      or the position, by the server's sizing rule);
    - ``max_order_shares``: shares (股/张) of one order on one account;
    - ``max_position_value`` (CNY) / ``max_position_pct`` (fraction of the
      account's total assets, 0.2 = 20%): the symbol's position after a buy;
    - ``allowed_symbols`` / ``blocked_symbols``: symbols or patterns
      (``"68*"``, ``"*.BJ"``, ``"600000"``) matched against ``CODE.EX``; both
      sides, reverse repo (131810.SZ) included;
    - ``price_band_pct``: a limit price (price_type 0) further than this
      fraction (0.05 = 5%) from the last price (market-data tick, else the
      position's current price) is refused;
    - ``max_orders_per_minute`` (rolling 60 s) / ``max_orders_per_day``
      (trading day in Asia/Shanghai): orders sent per account.
    """

    max_order_value: float | None = attrs.field(default=None, validator=_amount)
    max_order_shares: int | None = attrs.field(default=None, validator=_count)
    max_position_value: float | None = attrs.field(default=None, validator=_amount)
    max_position_pct: float | None = attrs.field(default=None, validator=_fraction)
    allowed_symbols: tuple[str, ...] | None = attrs.field(default=None, converter=_allowed)
    blocked_symbols: tuple[str, ...] = attrs.field(default=(), converter=_blocked)
    price_band_pct: float | None = attrs.field(default=None, validator=_fraction)
    max_orders_per_minute: int | None = attrs.field(default=None, validator=_count)
    max_orders_per_day: int | None = attrs.field(default=None, validator=_count)

    @classmethod
    def from_mapping(cls, values: object, source: str = "risk") -> RiskLimits:
        """The limits of a YAML ``risk:`` section; an unknown key is an error, not a typo."""
        return cls(**validate_section(cls, values, "risk", source))

    @property
    def counts_orders(self) -> bool:
        return self.max_orders_per_minute is not None or self.max_orders_per_day is not None

    @property
    def sizes_orders(self) -> bool:
        """Whether a check needs the order's size (shares or value)."""
        return self.max_order_value is not None or self.max_order_shares is not None

    @property
    def limits_positions(self) -> bool:
        return self.max_position_value is not None or self.max_position_pct is not None


def risk_error(limit: str, value: object, what: str, order: str) -> QMTRiskError:
    return QMTRiskError(
        f"风控拒绝 {limit}: {what}；订单: {order}；未发送 (refused by a risk limit, nothing sent)",
        limit=limit,
        value=value,
        order=order,
    )


def _account(index: int | None) -> str:
    return f"（账户{index}）" if index is not None else ""


def check_symbol(limits: RiskLimits, symbol: str, order: str) -> None:
    """``symbol`` (normalised CODE.EX) must match allowed_symbols and no blocked pattern."""
    for pattern in limits.blocked_symbols:
        if fnmatch.fnmatchcase(symbol, pattern):
            what = f"{symbol} 匹配 blocked_symbols 的 {pattern!r}"
            raise risk_error("blocked_symbols", symbol, what, order)
    allowed = limits.allowed_symbols
    if allowed is not None and not any(fnmatch.fnmatchcase(symbol, p) for p in allowed):
        what = f"{symbol} 不在 allowed_symbols {list(allowed)} 中"
        raise risk_error("allowed_symbols", symbol, what, order)


def check_order_size(
    limits: RiskLimits, shares: int, price: float, account: int | None, order: str
) -> None:
    """One account's order: shares and price × shares against their limits."""
    if limits.max_order_shares is not None and shares > limits.max_order_shares:
        what = f"委托数量 {shares} > 上限 {limits.max_order_shares}{_account(account)}"
        raise risk_error("max_order_shares", shares, what, order)
    value = round(shares * price, 2)
    if limits.max_order_value is not None and value > limits.max_order_value:
        what = (
            f"委托金额 {value:,.2f} 元 > 上限 {limits.max_order_value:,.2f} 元{_account(account)}"
        )
        raise risk_error("max_order_value", value, what, order)


def check_position(
    limits: RiskLimits,
    symbol: str,
    held_value: float,
    order_value: float,
    total_asset: float | None,
    account: int | None,
    order: str,
) -> None:
    """A buy: the symbol's market value after the order, in CNY and as a share of total assets."""
    after = round(held_value + order_value, 2)
    if limits.max_position_value is not None and after > limits.max_position_value:
        what = (
            f"下单后 {symbol} 持仓市值 {after:,.2f} 元 > 上限 "
            f"{limits.max_position_value:,.2f} 元{_account(account)}"
        )
        raise risk_error("max_position_value", after, what, order)
    if limits.max_position_pct is not None and total_asset is not None:
        share = after / total_asset if total_asset > 0 else math.inf
        if share > limits.max_position_pct:
            what = (
                f"下单后 {symbol} 持仓占总资产 {share:.2%}（{after:,.2f} / {total_asset:,.2f}）"
                f" > 上限 {limits.max_position_pct:.2%}{_account(account)}"
            )
            raise risk_error("max_position_pct", share, what, order)


def check_price_band(
    limits: RiskLimits, price: float, reference: float, source: str, order: str
) -> None:
    """A limit price at most ``price_band_pct`` away from ``reference``."""
    band = limits.price_band_pct
    if band is None or reference <= 0:
        return
    deviation = abs(price - reference) / reference
    if deviation > band + 1e-12:  # a price exactly on the band's edge passes
        what = (
            f"限价 {price:g} 偏离参考价 {reference:g}（{source}）{deviation:.2%} > 上限 {band:.2%}"
        )
        raise risk_error("price_band_pct", price, what, order)


def trading_day(server_time: float) -> str:
    """The A-share trading day (Beijing date, ``YYYY-MM-DD``) of a Unix time."""
    return datetime.fromtimestamp(server_time, SHANGHAI).date().isoformat()


def check_order_counts(
    limits: RiskLimits, account: int, last_minute: int, today: int, day: str, order: str
) -> None:
    """One more order on ``account``, given what it sent in the last 60 s and today."""
    per_minute = limits.max_orders_per_minute
    if per_minute is not None and last_minute >= per_minute:
        what = f"账户{account} 最近 60 秒已发送 {last_minute} 笔委托，上限 {per_minute}"
        raise risk_error("max_orders_per_minute", last_minute + 1, what, order)
    per_day = limits.max_orders_per_day
    if per_day is not None and today >= per_day:
        what = f"账户{account} 交易日 {day} 已发送 {today} 笔委托，上限 {per_day}"
        raise risk_error("max_orders_per_day", today + 1, what, order)


def check_order_slots(
    limits: RiskLimits,
    accounts: Sequence[int],
    counts: Callable[[int], tuple[int, int]],
    day: str,
    order: str,
) -> None:
    """``check_order_counts`` for each account; ``counts(account)`` is (last 60 s, today)."""
    for account in accounts:
        last_minute, today = counts(account)
        check_order_counts(limits, account, last_minute, today, day, order)


class OrderCounter(Protocol):
    """Where the per-account order counts live (memory, or the order journal file)."""

    def take_order_slots(
        self,
        accounts: Sequence[int],
        server_time: float,
        limits: RiskLimits,
        order: str,
        record: bool,
    ) -> None:
        """Check one more order on each account and, with ``record``, count it; atomic."""


class MemoryOrderCounter:
    """Order counts of this process only: a restart starts from zero (a journal keeps them)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._day = ""
        self._today: collections.Counter[int] = collections.Counter()
        self._recent: dict[int, collections.deque[float]] = collections.defaultdict(
            collections.deque
        )

    def _counts(self, server_time: float, account: int) -> tuple[int, int]:
        recent = self._recent[account]
        while recent and recent[0] <= server_time - MINUTE:
            recent.popleft()
        return len(recent), self._today[account]

    def take_order_slots(
        self,
        accounts: Sequence[int],
        server_time: float,
        limits: RiskLimits,
        order: str,
        record: bool,
    ) -> None:
        day = trading_day(server_time)
        with self._lock:
            if day != self._day:
                self._day, self._today = day, collections.Counter()
            check_order_slots(
                limits, accounts, functools.partial(self._counts, server_time), day, order
            )
            if record:
                for account in accounts:
                    self._recent[account].append(server_time)
                    self._today[account] += 1


def describe_order(
    action: str,
    symbol: str,
    price: float | None,
    shares: int | None,
    position_pct: float | None,
    price_type: int,
    trader_index: int | None,
) -> str:
    """An order in one line, for QMTRiskError.order and its message."""
    parts = [action, symbol]
    if shares is not None:
        parts.append(f"{shares}股")
    elif position_pct is not None:
        parts.append(f"position_pct={position_pct:g}")
    if price is not None:
        parts.append(f"@{price:g}")
    if price_type != 0:
        parts.append(f"price_type={price_type}")
    parts.append("全部账户" if trader_index is None else f"账户{trader_index}")
    return " ".join(parts)
