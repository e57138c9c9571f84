"""The typed results that QMTTradeClient returns.

Every result is a frozen attrs class with attribute access (``portfolio.cash``)
that also answers the manual's dictionary style (``portfolio["cash"]``,
``portfolio.get("cash")``, ``"cash" in portfolio``), so the manual's examples
run unchanged while new code gets types. Field names are the server's wire
names, so a key the manual prints is the key the server sent.

This module is the one place where generated wire models become user-facing
results: the generator's ``Unset`` sentinel becomes ``None`` and its enums
become plain ``str`` / ``int`` values.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TypeVar

import attrs

from qmt_facade.client_order_id import split_strategy_name
from qmt_server_client.types import Unset

__all__ = [
    "BROKER_PRICE_TYPE_NAMES",
    "CANCELABLE_STATUSES",
    "FINAL_STATUSES",
    "STATUS_NAMES",
    "Account",
    "AccountSummary",
    "CancelAllResult",
    "CancelEntry",
    "CancelResult",
    "Order",
    "OrderOutcome",
    "Portfolio",
    "Position",
    "Record",
    "TradeResult",
    "TraderResult",
]

# xtquant order status codes and their Chinese names.
STATUS_NAMES: dict[int, str] = {
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
# xtquant's price types (xtconstant), what an order carries in ``price_type``:
# the server maps the API's 0/1/2/3/5 to these (2 is 42 in Shanghai, 47 in Shenzhen).
BROKER_PRICE_TYPE_NAMES: dict[int, str] = {
    5: "最新价",
    11: "限价",
    42: "五档即成剩撤",
    44: "对手方最优",
    45: "本方最优",
    47: "五档即成剩撤",
}
CANCELABLE_STATUSES: frozenset[int] = frozenset({48, 49, 50, 55})
# Nothing more will happen to an order in one of these.
FINAL_STATUSES: frozenset[int] = frozenset({53, 54, 56, 57})


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(a.name for a in attrs.fields(cls))
    return names


R = TypeVar("R", bound="Record")


class Record:
    """Mapping-style read access for an attrs result class."""

    __slots__ = ()

    def keys(self) -> tuple[str, ...]:
        return _field_names(type(self))

    def __getitem__(self, key: str) -> Any:
        if key in _field_names(type(self)):
            return getattr(self, key)
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        return key in _field_names(type(self))

    def __iter__(self) -> Iterator[str]:
        return iter(_field_names(type(self)))

    def __len__(self) -> int:
        return len(_field_names(type(self)))

    def items(self) -> list[tuple[str, Any]]:
        return [(name, getattr(self, name)) for name in _field_names(type(self))]

    def to_dict(self) -> dict[str, Any]:
        """A plain JSON-friendly dict, nested results included."""
        return {name: _plain(value) for name, value in self.items()}

    @classmethod
    def from_wire(cls: type[R], model: Any) -> R:
        """Build from the same-named fields of a generated wire model."""
        return _from_wire(cls, model)


def _plain(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _wire_value(value: Any) -> Any:
    """A generated model's field value as a user sees it."""
    if isinstance(value, Unset):
        return None
    if isinstance(value, enum.Enum):
        return value.value
    return value


# Field values of these types pass through _wire_value unchanged (the common case).
_PLAIN = (str, int, float, bool, type(None))


_CLIENT_SIDE: Any = object()  # marks a field the wire model does not have


def _from_wire(cls: type[R], model: Any, **overrides: Any) -> R:
    """Build ``cls`` from the same-named fields of a generated model.

    Fields the model lacks (the client-side ones, such as ``reconciled``)
    keep their defaults.
    """
    values = {}
    for name in _field_names(cls):
        if name not in overrides:
            value = getattr(model, name, _CLIENT_SIDE)
            if value is _CLIENT_SIDE:
                continue
            values[name] = value if type(value) in _PLAIN else _wire_value(value)
    return cls(**values, **overrides)


@attrs.frozen
class Account(Record):
    """One of the server's accounts; ``index`` is its ``trader_index``."""

    index: int
    account_id: str
    nick_name: str


@attrs.frozen
class Portfolio(Record):
    """An account's assets in CNY. ``profit_ratio`` is in percent."""

    total_asset: float
    cash: float
    frozen_cash: float
    market_value: float
    profit: float
    profit_ratio: float


@attrs.frozen
class Position(Record):
    """One holding. Volumes in 股 (stocks) or 张 (bonds); ``profit_ratio`` in percent."""

    symbol: str
    name: str
    volume: int
    can_use_volume: int
    frozen_volume: int
    market_value: float
    avg_price: float
    open_price: float
    current_price: float
    profit: float
    profit_ratio: float


@attrs.frozen
class AccountSummary(Record):
    """Assets and positions of one account, fetched together."""

    trader_index: int
    portfolio: Portfolio
    positions: list[Position]
    timestamp: datetime  # when the client asked, local time


@attrs.frozen
class OrderOutcome(Record):
    """What one account did with an order request.

    ``success`` True means an order was submitted (``order_id`` is set), not
    that it filled; None when the answer did not say. The reverse-repo
    fields are None for other orders.
    """

    success: bool | None
    message: str
    symbol: str | None = None
    order_num: int | None = None
    price: float | None = None
    value: float | None = None
    order_id: int | None = None
    error: str | None = None
    order_amount: float | None = None
    available_cash: float | None = None
    reserve_amount: float | None = None
    usable_cash: float | None = None


@attrs.frozen
class TraderResult(Record):
    """One account's part of a trade request.

    ``status`` is the server's: "success" only means no exception escaped,
    and "failed" does not mean that no order went in. What matters is the
    order outcome: ``placed`` (an order was submitted for this account),
    ``unknown`` (the answer does not say: no ``result``, as on ``/trade/allin``
    or after an exception on the server), else refused.
    """

    trader_index: int
    status: str
    result: OrderOutcome | None
    error: str | None = None

    @property
    def placed(self) -> bool:
        return self.result is not None and self.result.success is True

    @property
    def unknown(self) -> bool:
        """The server's answer does not tell whether an order was placed."""
        return self.result is None or self.result.success is None

    @property
    def order_id(self) -> int | None:
        return self.result.order_id if self.result is not None else None

    @property
    def reason(self) -> str:
        """Why no order was placed, or why that is unknown (empty when one was placed)."""
        if self.placed:
            return ""
        if self.error:
            return self.error
        if self.result is None:
            return "服务器未返回委托结果"
        return self.result.error or self.result.message or "服务器未说明委托是否成功"

    @classmethod
    def from_wire(cls, model: Any) -> TraderResult:
        result = _wire_value(model.result)
        return _from_wire(
            cls, model, result=OrderOutcome.from_wire(result) if result is not None else None
        )


@attrs.frozen
class TradeResult(Record):
    """The answer to buy / sell / buy_all / sell_all / reverse_repo.

    The rule: when every targeted account refused the order the client
    raises ``QMTOrderRejectedError`` instead of returning. A returned
    TradeResult therefore has at least one placed order, or at least one
    account whose outcome the server did not report (``unknown``: check
    ``get_orders`` before sending again). ``all_placed`` is False when some
    accounts did not place (``rejected`` lists the refusals), and
    ``warnings`` says so in words, together with any quantity the server
    reduced for lack of cash and any field its answer lacked.
    """

    message: str
    results: list[TraderResult]
    operation: str | None = None
    trade_mode: str | None = None
    trade_param: float | None = None
    strategy_name: str | None = None
    reserve_amount: float | None = None
    warnings: list[str] = attrs.field(factory=list)
    # The id this call's orders carry (see qmt_facade.client_order_id).
    client_order_id: str | None = None
    # True when the answer was lost (a dropped connection, a timeout, a 5xx)
    # and the orders were found afterwards in get_orders; ``warnings`` names the fault.
    reconciled: bool = False
    # True on a client with dry_run=True: checked, nothing sent, no order id;
    # ``message`` holds the request(s) that would have been sent.
    dry_run: bool = False

    @property
    def placed(self) -> list[TraderResult]:
        return [r for r in self.results if r.placed]

    @property
    def rejected(self) -> list[TraderResult]:
        """Accounts that refused (the answer says no order was placed)."""
        return [r for r in self.results if not r.placed and not r.unknown]

    @property
    def unknown(self) -> list[TraderResult]:
        """Accounts whose outcome the answer does not tell."""
        return [r for r in self.results if r.unknown]

    @property
    def all_placed(self) -> bool:
        return bool(self.results) and all(r.placed for r in self.results)

    @property
    def order_ids(self) -> list[int]:
        return [r.order_id for r in self.results if r.placed and r.order_id is not None]


@attrs.frozen
class Order(Record):
    """An order as the broker reports it. ``time`` is Unix seconds.

    ``strategy_name`` is the name the caller gave; the client order id this
    SDK tags it with on the wire is split off into ``client_order_id`` (None
    for orders placed elsewhere, and on the upstream server line).
    """

    order_id: int
    symbol: str
    side: str
    status: int
    m_status: str
    volume: int
    time: int
    price: float
    price_type: int
    traded_volume: int
    traded_price: float
    strategy_name: str
    client_order_id: str | None = None

    @classmethod
    def from_wire(cls, model: Any) -> Order:
        name, client_order_id = split_strategy_name(model.strategy_name)
        return _from_wire(cls, model, strategy_name=name, client_order_id=client_order_id)

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.m_status)

    @property
    def price_type_name(self) -> str:
        """The broker's price type in words: ``限价`` for 11; ``其他`` for a code not listed."""
        return BROKER_PRICE_TYPE_NAMES.get(self.price_type, "其他")

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_cancelable(self) -> bool:
        return self.status in CANCELABLE_STATUSES

    @property
    def order_time(self) -> datetime:
        return datetime.fromtimestamp(self.time)


@attrs.frozen
class CancelResult(Record):
    """Whether the server accepted a cancel request for one order."""

    success: bool
    order_id: int
    message: str
    # True when the answer was lost and the order's status told the outcome.
    reconciled: bool = False
    # True on a client with dry_run=True: nothing was sent (``message`` shows the request).
    dry_run: bool = False


@attrs.frozen
class CancelEntry(Record):
    """One account's part of a cancel-all request."""

    trader_index: int
    status: str
    error: str | None = None


@attrs.frozen
class CancelAllResult(Record):
    """The answer to cancel_all_buy_orders / cancel_all_sell_orders."""

    message: str
    results: list[CancelEntry]
    reconciled: bool = False
    dry_run: bool = False  # nothing was sent (``message`` shows the request)

    @property
    def all_succeeded(self) -> bool:
        return all(entry.status == "success" for entry in self.results)

    @classmethod
    def from_wire(cls, model: Any) -> CancelAllResult:
        return cls(message=model.message, results=[CancelEntry.from_wire(e) for e in model.results])
