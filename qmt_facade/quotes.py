"""Market data as typed records: ``Tick`` (a snapshot) and ``Bar`` (one period).

The server relays xtquant's dictionaries untyped: camelCase keys, every bar
value a float (``time`` in milliseconds and ``volume`` included), dates as
text in the *server's* timezone. This module turns them into records with
snake_case fields, ints where xtquant counts, and aware datetimes in
Asia/Shanghai, the exchanges' time, whatever the timezone of either host.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import attrs

from qmt_facade.records import Record
from qmt_facade.timezones import SHANGHAI

__all__ = ["BAR_FIELDS", "SHANGHAI", "Bar", "Tick", "parse_market_time"]

# Bar attribute -> xtquant field name. ``settelementPrice`` is xtquant's spelling.
BAR_FIELDS: Final[dict[str, str]] = {
    "time": "time",
    "open": "open",
    "high": "high",
    "low": "low",
    "close": "close",
    "volume": "volume",
    "amount": "amount",
    "pre_close": "preClose",
    "settlement_price": "settelementPrice",
    "open_interest": "openInterest",
    "suspend_flag": "suspendFlag",
}
_TEXT_TIME_FORMATS: Final = ("%Y%m%d%H%M%S", "%Y%m%d %H:%M:%S", "%Y%m%d")


class MarketDataFormatError(ValueError):
    """A market-data answer the facade cannot read (the plan reports it as a QMTAPIError)."""


def _number(value: Any) -> float | None:
    """A finite float, or None for a missing, NaN or non-numeric value."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _count(value: Any) -> int | None:
    """A volume or flag: xtquant sends 10000.0 for 10000."""
    number = _number(value)
    return int(number) if number is not None else None


def parse_market_time(value: Any) -> datetime | None:
    """An aware Asia/Shanghai datetime from xtquant's ``time`` (ms) or a date text.

    Numbers are epoch milliseconds (0 or less means no time). Texts are
    ``YYYYMMDD``, ``YYYYMMDDhhmmss`` or ``YYYYMMDD hh:mm:ss``, read as
    Beijing time. Anything else gives None.
    """
    number = _number(value)
    if number is not None:
        return datetime.fromtimestamp(number / 1000, SHANGHAI) if number > 0 else None
    if isinstance(value, str):
        text = value.strip()
        for layout in _TEXT_TIME_FORMATS:
            try:
                return datetime.strptime(text, layout).replace(tzinfo=SHANGHAI)
            except ValueError:
                continue
    return None


def _levels(value: Any, convert: Any) -> tuple[Any, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        return ()
    return tuple(convert(v) for v in value)


@attrs.frozen
class Tick(Record):
    """The latest snapshot of one symbol (xtquant ``get_full_tick``).

    ``volume`` is as xtquant counts it (lots, 手, for stocks); ``time`` is
    None when the server sent no usable timestamp. The five price levels are
    best first; a level the market does not have is 0.
    """

    symbol: str
    time: datetime | None
    last_price: float
    open: float
    high: float
    low: float
    last_close: float
    volume: int
    amount: float
    bid_prices: tuple[float | None, ...] = ()
    bid_volumes: tuple[int | None, ...] = ()
    ask_prices: tuple[float | None, ...] = ()
    ask_volumes: tuple[int | None, ...] = ()
    stock_status: int | None = None

    @classmethod
    def from_xt(cls, symbol: str, snapshot: Mapping[str, Any]) -> Tick:
        """Build from xtquant's snapshot dict; MarketDataFormatError when a price is missing."""
        required = {
            "last_price": "lastPrice",
            "open": "open",
            "high": "high",
            "low": "low",
            "last_close": "lastClose",
            "amount": "amount",
        }
        values: dict[str, Any] = {}
        for attribute, key in required.items():
            number = _number(snapshot.get(key))
            if number is None:
                raise MarketDataFormatError(
                    f"{symbol}: {key}={snapshot.get(key)!r} is not a number"
                )
            values[attribute] = number
        volume = _count(snapshot.get("volume"))
        if volume is None:
            raise MarketDataFormatError(
                f"{symbol}: volume={snapshot.get('volume')!r} is not a number"
            )
        moment = parse_market_time(snapshot.get("time"))
        if moment is None:  # ``timetag`` / ``timeFmt``: the same instant as text
            moment = parse_market_time(snapshot.get("timetag") or snapshot.get("timeFmt"))
        return cls(
            symbol=symbol,
            time=moment,
            volume=volume,
            bid_prices=_levels(snapshot.get("bidPrice"), _number),
            bid_volumes=_levels(snapshot.get("bidVol"), _count),
            ask_prices=_levels(snapshot.get("askPrice"), _number),
            ask_volumes=_levels(snapshot.get("askVol"), _count),
            stock_status=_count(snapshot.get("stockStatus")),
            **values,
        )


@attrs.frozen
class Bar(Record):
    """One bar of one symbol (xtquant ``get_market_data_ex``).

    ``time`` is the bar's start in Asia/Shanghai (midnight for daily bars).
    Fields left out of ``fields=`` are None.
    """

    symbol: str
    time: datetime
    open: float | None = None
    high: float | None = None
    low: float | None = None
    close: float | None = None
    volume: int | None = None
    amount: float | None = None
    pre_close: float | None = None
    settlement_price: float | None = None
    open_interest: float | None = None
    suspend_flag: int | None = None

    @property
    def date(self) -> dt.date:
        """The trading date of the bar, in Beijing time."""
        return self.time.date()

    @classmethod
    def from_xt(cls, symbol: str, row: Mapping[str, Any], index: str | None = None) -> Bar:
        """Build from one row of fields; ``index`` is the column form's date text.

        The time comes from ``time`` (ms), else the index, else ``timeFmt``
        (the server-local date, a day early on a host not on Beijing time).
        """
        moment = parse_market_time(row.get("time"))
        for fallback in (index, row.get("timeFmt")):
            if moment is None:
                moment = parse_market_time(fallback)
        if moment is None:
            raise MarketDataFormatError(f"{symbol}: a bar without a usable time: {dict(row)!r}")
        values: dict[str, Any] = {}
        for attribute, key in BAR_FIELDS.items():
            if attribute == "time" or key not in row:
                continue
            convert = _count if attribute in ("volume", "suspend_flag") else _number
            values[attribute] = convert(row[key])
        return cls(symbol=symbol, time=moment, **values)
