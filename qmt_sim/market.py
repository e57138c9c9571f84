"""The simulated market: symbols, boards, ticks, price limits and price paths.

Prices and money are integers in milli-yuan (0.001 CNY) everywhere inside the
simulator so that cash arithmetic is exact; they become floats only on the wire.

A symbol's path is a seeded random walk: step ``n`` of symbol ``s`` draws from
``random.Random(f"{seed}:{s}:{n}")``, so the same seed and symbol always give the
same sequence of steps, independent of other symbols and of wall time.
"""

from __future__ import annotations

import csv
import functools
import math
import random
from dataclasses import dataclass
from pathlib import Path

MILLI = 1000  # milli-yuan per yuan

# Prefix rules of the real server (order matters: the Shanghai list is checked first,
# so 132xxx and 204xxx are Shanghai although 13 and 20 are Shenzhen prefixes).
SH_PREFIXES = ("50", "51", "60", "73", "90", "110", "113", "132", "204", "78")
SZ_PREFIXES = ("00", "12", "13", "15", "16", "18", "20", "30", "39", "115", "1318")

REVERSE_REPO_SYMBOL = "131810.SZ"
REVERSE_REPO_UNIT = 100 * MILLI  # one 张 of R-001 is 100 CNY of principal

# Display names for the symbols the manual uses; others show their code.
KNOWN_NAMES = {
    "000001.SZ": "平安银行",
    "000002.SZ": "万科A",
    "600000.SH": "浦发银行",
    "128013.SZ": "洪涛转债",
    REVERSE_REPO_SYMBOL: "R-001",
}


@functools.lru_cache(maxsize=4096)  # pure, and called several times per order
def normalize_symbol(raw: str) -> str:
    """Suffix a code the way the real server does (``000001`` -> ``000001.SZ``).

    The suffix is recomputed from the code's prefix even when one is given.
    """
    text = raw.strip()
    code = text[: text.find(".")] if text.find(".") > 0 else text
    return f"{code}.{_market_of(text)}"


def _market_of(text: str) -> str:
    lowered = text.lower()
    if lowered.startswith("sh"):
        return "SH"
    if lowered.startswith("sz"):
        return "SZ"
    if text.startswith(SH_PREFIXES):
        return "SH"
    if text.startswith(SZ_PREFIXES):
        return "SZ"
    if text.startswith(("5", "6")):
        return "SH"
    if text.startswith(("8", "4", "9")):
        return "BJ"
    return "SZ"


def code_of(symbol: str) -> str:
    return symbol.split(".", 1)[0]


@functools.lru_cache(maxsize=4096)
def is_convertible_bond(symbol: str) -> bool:
    code = code_of(symbol)
    return len(code) == 6 and code.isdigit() and code.startswith(("11", "12"))


def lot_size(symbol: str) -> int:
    """10 张 for convertible bonds, 100 股 for everything else (STAR included)."""
    return 10 if is_convertible_bond(symbol) else 100


def unit_name(symbol: str) -> str:
    return "张" if is_convertible_bond(symbol) else "股"


def tick_size(symbol: str) -> int:
    """Price tick in milli-yuan: 0.001 for bonds and funds (codes 1xxxxx/5xxxxx), else 0.01."""
    return 1 if code_of(symbol).startswith(("1", "5")) else 10


def limit_ratio(symbol: str) -> float:
    """Daily price limit vs the previous close for the symbol's board."""
    code = code_of(symbol)
    if symbol.endswith(".BJ"):
        return 0.30
    if code.startswith(("30", "688")) or is_convertible_bond(symbol):
        return 0.20
    return 0.10


def round_to_tick(price: float, tick: int) -> int:
    """Round a milli-yuan price half-up to the tick grid, never below one tick."""
    return max(tick, math.floor(price / tick + 0.5) * tick)


def price_band(symbol: str, prev_close: int) -> tuple[int, int]:
    """(limit-down, limit-up) in milli-yuan."""
    tick = tick_size(symbol)
    ratio = limit_ratio(symbol)
    return round_to_tick(prev_close * (1 - ratio), tick), round_to_tick(
        prev_close * (1 + ratio), tick
    )


def base_price(seed: int, symbol: str, configured: dict[str, float]) -> int:
    """Starting price: from the config when given, else derived from the seed."""
    for key, value in configured.items():
        if normalize_symbol(key) == symbol:
            return round_to_tick(value * MILLI, tick_size(symbol))
    if symbol == REVERSE_REPO_SYMBOL:
        return REVERSE_REPO_UNIT
    rng = random.Random(f"{seed}:{symbol}:base")
    low, high = (100.0, 130.0) if is_convertible_bond(symbol) else (5.0, 50.0)
    return round_to_tick(rng.uniform(low, high) * MILLI, tick_size(symbol))


@dataclass(frozen=True)
class Step:
    price: int
    liquidity: int


def random_step(
    seed: int,
    symbol: str,
    step_no: int,
    last: int,
    prev_close: int,
    volatility: float,
    volume_per_tick: int,
) -> Step:
    """Step ``step_no`` of the seeded walk, clipped to the day's price band."""
    if symbol == REVERSE_REPO_SYMBOL:  # repo is quoted at its nominal 100 CNY
        return Step(REVERSE_REPO_UNIT, volume_per_tick)
    rng = random.Random(f"{seed}:{symbol}:{step_no}")
    moved = last * math.exp(volatility * rng.gauss(0.0, 1.0))
    low, high = price_band(symbol, prev_close)
    price = min(high, max(low, round_to_tick(moved, tick_size(symbol))))
    lot = lot_size(symbol)
    liquidity = max(lot, int(volume_per_tick * rng.uniform(0.5, 1.5)) // lot * lot)
    return Step(price, liquidity)


@dataclass(frozen=True)
class Bar:
    time: str
    open: int
    high: int
    low: int
    close: int
    volume: int


class BarReplay:
    """Optional CSV replay: each tick consumes the next row of every replayed symbol.

    Columns (header required): ``symbol,time,open,high,low,close,volume``.
    ``time`` is free text (e.g. ``2024-01-02 09:31``); rows of one symbol are
    replayed in file order. When a symbol's rows run out it continues with the
    seeded random walk from the last close. Replayed prices are not clipped.
    """

    COLUMNS = ("symbol", "time", "open", "high", "low", "close", "volume")

    def __init__(self, bars: dict[str, list[Bar]]) -> None:
        self.bars = bars

    @classmethod
    def from_csv(cls, path: str | Path) -> BarReplay:
        bars: dict[str, list[Bar]] = {}
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in cls.COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ValueError(f"{Path(path).name}: missing CSV columns {', '.join(missing)}")
            for line_no, row in enumerate(reader, start=2):
                symbol = normalize_symbol(row["symbol"])
                tick = tick_size(symbol)
                try:
                    bar = Bar(
                        time=row["time"],
                        open=round_to_tick(float(row["open"]) * MILLI, tick),
                        high=round_to_tick(float(row["high"]) * MILLI, tick),
                        low=round_to_tick(float(row["low"]) * MILLI, tick),
                        close=round_to_tick(float(row["close"]) * MILLI, tick),
                        volume=int(float(row["volume"])),
                    )
                except ValueError:
                    raise ValueError(
                        f"{Path(path).name}: line {line_no} has a non-numeric price or volume"
                    ) from None
                bars.setdefault(symbol, []).append(bar)
        return cls(bars)

    def first_price(self, symbol: str) -> int | None:
        rows = self.bars.get(symbol)
        return rows[0].open if rows else None

    def step(self, symbol: str, step_no: int) -> Step | None:
        """The replayed step ``step_no`` (1-based), or None once the file is exhausted."""
        rows = self.bars.get(symbol, [])
        if not 1 <= step_no <= len(rows):
            return None
        bar = rows[step_no - 1]
        return Step(bar.close, max(lot_size(symbol), bar.volume))
