"""The market-data routes, in the upstream line's answer shapes (server-protocol.md §6).

The real main line has no such routes (404); the simulator serves them on both
lines unless ``server.market_data`` is false, so that a main-line user can
still test against quotes (a documented superset). Prices come from the
simulated market; the simulated day runs from 09:30:00 in steps of
``SECONDS_PER_TICK`` per market tick. Only daily bars exist, whatever
``period`` asks for.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import market as mk
from .calls import DATA_API, EITHER, Api, ApiError, Call, Context
from .engine import DailyBar, to_yuan
from .store import Quote

BEIJING = dt.timezone(dt.timedelta(hours=8))
OPEN = dt.time(9, 30)
CLOSE = dt.time(15, 0)
SECONDS_PER_TICK = 3  # xtquant's snapshot interval
DEFAULT_HISTORY_DAYS = 60
BAR_FIELDS = (
    "time",
    "open",
    "high",
    "low",
    "close",
    "volume",
    "amount",
    "settelementPrice",
    "openInterest",
    "preClose",
    "suspendFlag",
)  # fmt: skip  (sic: xtquant spells it "settelementPrice")


def _stock_list(call: Call) -> list[str]:
    """Suffixed, de-duplicated codes; a wrong suffix is replaced, as there."""
    raw = call.query_params.get("stock_list", "")
    if not raw:
        raise ApiError(400, "缺少必要参数: stock_list")
    codes = [part.strip() for part in raw.split(",") if part.strip()]
    if not codes:
        raise ValueError("stock_list 不能为空")  # the real server's 500
    return list(dict.fromkeys(mk.normalize_symbol(code) for code in codes))


def _listed(symbol: str) -> bool:
    """Every 6-digit code is quoted by the simulated market; anything else is unknown."""
    code = mk.code_of(symbol)
    return len(code) == 6 and code.isdigit()


def _milliseconds(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def _clock(date: dt.date, tick: int) -> dt.datetime:
    opened = dt.datetime.combine(date, OPEN, BEIJING)
    closed = dt.datetime.combine(date, CLOSE, BEIJING)
    return min(closed, opened + dt.timedelta(seconds=SECONDS_PER_TICK * tick))


def _tick_view(symbol: str, quote: Quote, date: dt.date, tick: int) -> dict[str, Any]:
    lot, step = mk.lot_size(symbol), mk.tick_size(symbol)
    moment = _clock(date, tick)
    stamp = moment.strftime("%Y%m%d %H:%M:%S")
    depth = quote.liquidity // 5 // lot
    return {
        "amount": to_yuan(quote.day_amount),
        "askPrice": [to_yuan(quote.last + step * (i + 1)) for i in range(5)],
        "askVol": [depth] * 5,
        "bidPrice": [to_yuan(max(step, quote.last - step * (i + 1))) for i in range(5)],
        "bidVol": [depth] * 5,
        "high": to_yuan(quote.day_high),
        "lastClose": to_yuan(quote.prev_close),
        "lastPrice": to_yuan(quote.last),
        "lastSettlementPrice": 0.0,
        "low": to_yuan(quote.day_low),
        "open": to_yuan(quote.day_open),
        "openInt": 13,  # what xtquant reported for a stock in the observed session
        "pvolume": quote.day_volume,  # shares (张)
        "settlementPrice": 0.0,
        "stockStatus": 0,
        "time": _milliseconds(moment),
        "timeFmt": stamp,
        "timetag": stamp,
        "transactionNum": 0,
        "volume": quote.day_volume // lot,  # lots (手)
    }


def get_full_tick(call: Call, ctx: Context) -> Any:
    symbols = [s for s in _stock_list(call) if _listed(s)]
    date, tick, quotes = ctx.engine.quotes(symbols)
    data = {symbol: _tick_view(symbol, quote, date, tick) for symbol, quote in quotes.items()}
    return {"status": "success", "data": data}


def _bar_values(symbol: str, bar: DailyBar) -> dict[str, Any]:
    midnight = dt.datetime.combine(bar.date, dt.time(0), BEIJING)
    return {
        "time": float(_milliseconds(midnight)),
        "open": bar.open,
        "high": bar.high,
        "low": bar.low,
        "close": bar.close,
        "volume": float(bar.volume // mk.lot_size(symbol)),
        "amount": bar.amount,
        "settelementPrice": 0.0,
        "openInterest": 0.0,
        "preClose": bar.pre_close,
        "suspendFlag": 0.0,
    }


def _time_fmt(milliseconds: float) -> str:
    """The date of ``time`` in the server host's local timezone, as the real server prints it."""
    return dt.datetime.fromtimestamp(milliseconds / 1000).strftime("%Y%m%d")


def _day(value: str) -> str:
    return value.strip()[:8]


def get_market_data_ex(call: Call, ctx: Context) -> Any:
    params = call.query_params
    symbols = [s for s in _stock_list(call) if _listed(s)]
    fields = [f.strip() for f in params.get("field_list", "").split(",") if f.strip()]
    columns = [f for f in fields if f in BAR_FIELDS] if fields else list(BAR_FIELDS)
    count = int(params.get("count", "-1"))  # "abc": the real server's ValueError, a 500
    rows_form = params.get("json", "0") == "1"
    bars_of = ctx.engine.daily_bars(symbols)
    today = ctx.engine.today()
    start = _day(params.get("start_time") or "") or (
        today - dt.timedelta(days=DEFAULT_HISTORY_DAYS)
    ).strftime("%Y%m%d")
    end = _day(params.get("end_time") or "") or today.strftime("%Y%m%d")
    with_time_fmt = "time" in columns
    data: dict[str, Any] = {}
    for symbol, bars in bars_of.items():
        chosen = [b for b in bars if start <= b.date.strftime("%Y%m%d") <= end]
        if count > 0:
            chosen = chosen[-count:]
        rows = []
        for bar in chosen:
            values = _bar_values(symbol, bar)
            row = {name: values[name] for name in columns}
            if with_time_fmt:
                row["timeFmt"] = _time_fmt(values["time"])
            rows.append(row)
        if rows_form:
            data[symbol] = rows
        elif not rows:
            data[symbol] = {"columns": [], "index": [], "data": []}
        else:
            names = [*columns, "timeFmt"] if with_time_fmt else columns
            data[symbol] = {
                "columns": names,
                "index": [bar.date.strftime("%Y%m%d") for bar in chosen],
                "data": [[row[name] for name in names] for row in rows],
            }
    return {"status": "success", "data": data}


DATA_ROUTES: tuple[Api, ...] = (
    Api(f"{DATA_API}/get_full_tick", "GET", EITHER, "get_full_tick", get_full_tick),
    Api(f"{DATA_API}/get_market_data_ex", "GET", EITHER, "get_market_data_ex", get_market_data_ex),
)
