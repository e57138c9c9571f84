"""Market data: the latest tick and bars of symbols (``/qmt/data/api/*``).

Market data is a capability of its own, not of a server line: the real main
line has no data routes (404), the upstream line and qmt-sim have them.
``server_lines.capability_call`` learns that from the first 404 of a data
route and remembers it in the ClientContext; from then on these plans raise
``QMTUnsupportedError(capability="market_data")`` before sending anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Final

from qmt_facade.errors import QMTAPIError, QMTValidationError
from qmt_facade.frames import BarMap, TickMap
from qmt_facade.plans.steps import Call, ClientContext, Plan, optional, require_any_auth
from qmt_facade.quotes import BAR_FIELDS, SHANGHAI, Bar, MarketDataFormatError, Tick
from qmt_facade.server_lines import Capability, capability_call
from qmt_facade.symbols import normalize_symbol
from qmt_server_client import models as wire
from qmt_server_client.api.market_data import get_full_tick as full_tick_route
from qmt_server_client.api.market_data import get_market_data_ex as bars_route

__all__ = [
    "BAR_PERIODS",
    "DIVIDEND_TYPES",
    "MarketTime",
    "get_full_tick",
    "get_market_data",
]

# xtquant's bar periods ("tick" is not a bar: use get_full_tick).
BAR_PERIODS: Final = ("1m", "5m", "15m", "30m", "1h", "1d", "1w", "1mon", "1q", "1hy", "1y")
DIVIDEND_TYPES: Final = tuple(kind.value for kind in wire.DividendType)
# What start_time / end_time accept.
MarketTime = date | datetime | str | None
# More bars than any request could mean (16 years of minute bars): a bigger
# count is a mistake, and past 2**63 it would not even fit the server's ints.
MAX_BAR_COUNT: Final = 1_000_000
_TIME_TEXT: Final = re.compile(r"[0-9]{8}([0-9]{6})?")


def _invalid(field: str, value: object, rule: str) -> QMTValidationError:
    return QMTValidationError.of(field, value, rule)


def validate_symbols(symbols: object) -> list[str]:
    """One symbol, a comma-separated text, or an iterable of symbols; suffixed, no repeats."""
    rule = "must be a symbol, a comma-separated str of symbols, or a list of them"
    if isinstance(symbols, str):
        items: list[object] = [s for s in symbols.split(",") if s.strip()]
    elif isinstance(symbols, Iterable) and not isinstance(symbols, bytes | Mapping):
        items = list(symbols)
    else:
        raise _invalid("symbols", symbols, rule)
    if not items:
        raise _invalid("symbols", symbols, f"{rule}; got none")
    return list(dict.fromkeys(normalize_symbol(s) for s in items))  # type: ignore[arg-type]


def _validate_period(period: object) -> str:
    if not isinstance(period, str) or period not in BAR_PERIODS:
        raise _invalid("period", period, f"must be one of {', '.join(BAR_PERIODS)}")
    return period


def _validate_time(value: object, field: str) -> str | None:
    """The server's ``YYYYMMDD`` / ``YYYYMMDDhhmmss``, in Beijing time."""
    if value is None:
        return None
    if isinstance(value, datetime):  # before date: a datetime is also a date
        local = value.astimezone(SHANGHAI) if value.tzinfo is not None else value
        return local.strftime("%Y%m%d%H%M%S")
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    rule = "must be a date, a datetime, or a str 'YYYYMMDD' / 'YYYYMMDDhhmmss' (Beijing time)"
    if isinstance(value, str) and _TIME_TEXT.fullmatch(value.strip()):
        text = value.strip()
        try:
            datetime.strptime(text, "%Y%m%d%H%M%S" if len(text) == 14 else "%Y%m%d")
        except ValueError:
            raise _invalid(field, value, f"{rule}; not a real date or time") from None
        return text
    raise _invalid(field, value, rule)


def _validate_count(count: object) -> int:
    rule = f"must be an int: -1 for every bar, or 1..{MAX_BAR_COUNT:,}"
    if isinstance(count, bool) or not isinstance(count, int):
        raise _invalid("count", count, rule)
    if not (count == -1 or 0 < count <= MAX_BAR_COUNT):
        raise _invalid("count", count, rule)
    return count


_WIRE_NAME: Final = {**{wire: wire for wire in BAR_FIELDS.values()}, **BAR_FIELDS}


def _validate_fields(fields: object) -> list[str] | None:
    """Bar fields as xtquant names; ``time`` always comes first (bars need it)."""
    if fields is None:
        return None
    rule = f"must be None (all) or names from {', '.join(BAR_FIELDS)}"
    if isinstance(fields, str):
        names: list[object] = [f.strip() for f in fields.split(",") if f.strip()]
    elif isinstance(fields, Iterable) and not isinstance(fields, bytes | Mapping):
        names = list(fields)
    else:
        raise _invalid("fields", fields, rule)
    unknown = [n for n in names if not isinstance(n, str) or n not in _WIRE_NAME]
    if unknown or not names:
        raise _invalid("fields", fields, f"{rule}; unknown: {unknown}" if unknown else rule)
    return list(dict.fromkeys(["time", *(_WIRE_NAME[n] for n in names)]))  # type: ignore[index]


def _validate_dividend_type(dividend_type: object) -> wire.DividendType:
    if not isinstance(dividend_type, str) or dividend_type not in DIVIDEND_TYPES:
        rule = f"must be one of {', '.join(DIVIDEND_TYPES)}"
        raise _invalid("dividend_type", dividend_type, rule)
    return wire.DividendType(dividend_type)


def _fetch(ctx: ClientContext, call: Call) -> Plan[dict[str, Any]]:
    """One data request; the route's 404 teaches the client that market data is missing."""
    require_any_auth(ctx, call.action)
    answer: wire.MarketDataResponse = yield from capability_call(ctx, Capability.MARKET_DATA, call)
    return answer.data.additional_properties


def _garbled(action: str, exc: Exception) -> QMTAPIError:
    return QMTAPIError(f"{action}: 服务器响应与协议不符 ({exc})", status_code=200)


def get_full_tick(ctx: ClientContext, symbols: object) -> Plan[TickMap]:
    """symbol -> Tick; symbols the server has no snapshot of are left out."""
    codes = validate_symbols(symbols)
    data = yield from _fetch(
        ctx, Call(full_tick_route, {"stock_list": ",".join(codes)}, "get_full_tick")
    )
    ticks = TickMap()
    try:
        for symbol, snapshot in data.items():
            if not isinstance(snapshot, Mapping):
                raise MarketDataFormatError(f"{symbol}: a snapshot must be an object")
            if snapshot:  # xtquant had no snapshot: the server sends {}
                ticks[symbol] = Tick.from_xt(symbol, snapshot)
    except MarketDataFormatError as exc:
        raise _garbled("get_full_tick", exc) from exc
    return ticks


def _bars_of(symbol: str, payload: Any) -> list[Bar]:
    """Both answer forms: rows (``json=1``) or columns/index/data (``json=0``)."""
    if isinstance(payload, list):
        if not all(isinstance(row, Mapping) for row in payload):
            raise MarketDataFormatError(f"{symbol}: row form with a row that is not an object")
        return [Bar.from_xt(symbol, row) for row in payload]
    if isinstance(payload, Mapping) and "columns" in payload and "data" in payload:
        columns, rows = payload["columns"], payload["data"]
        index = payload.get("index") or []
        bars = []
        for position, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != len(columns):
                raise MarketDataFormatError(f"{symbol}: row {position} does not match the columns")
            label = index[position] if position < len(index) else None
            bars.append(Bar.from_xt(symbol, dict(zip(columns, row, strict=True)), label))
        return bars
    raise MarketDataFormatError(
        f"{symbol}: neither a list of rows nor an object with columns/index/data"
    )


def get_market_data(
    ctx: ClientContext,
    symbols: object,
    period: object = "1d",
    start_time: object = None,
    end_time: object = None,
    count: object = -1,
    fields: object = None,
    dividend_type: object = "front",
) -> Plan[BarMap]:
    """symbol -> bars (oldest first), read from either answer form of get_market_data_ex."""
    codes = validate_symbols(symbols)
    bar_period = _validate_period(period)
    start = _validate_time(start_time, "start_time")
    end = _validate_time(end_time, "end_time")
    if start is not None and end is not None and start.ljust(14, "0") > end.ljust(14, "9"):
        raise _invalid("start_time", start_time, f"must not be after end_time={end_time!r}")
    kwargs = {
        "stock_list": ",".join(codes),
        "period": bar_period,
        "start_time": optional(start),
        "end_time": optional(end),
        "count": _validate_count(count),
        "field_list": optional(",".join(wanted) if (wanted := _validate_fields(fields)) else None),
        "dividend_type": _validate_dividend_type(dividend_type),
        "json": wire.BarAnswerForm.VALUE_1,  # rows: each value named, nothing to align
    }
    data = yield from _fetch(ctx, Call(bars_route, kwargs, "get_market_data"))
    try:
        return BarMap((symbol, _bars_of(symbol, payload)) for symbol, payload in data.items())
    except MarketDataFormatError as exc:
        raise _garbled("get_market_data", exc) from exc
