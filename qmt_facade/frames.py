"""Result collections with ``.to_frame()``: pandas DataFrames, when pandas is installed.

``get_positions`` and ``get_orders`` return a ``PositionList`` / ``OrderList``
(plain lists with one more method), ``get_full_tick`` a ``TickMap`` and
``get_market_data`` a ``BarMap`` (plain dicts with one more method). pandas
is the optional extra ``qmt-facade[pandas]``; it is imported only when
``to_frame()`` is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Final, Generic, TypeVar

import attrs

from qmt_facade.quotes import Bar, Tick
from qmt_facade.records import Order, Position, Record

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PANDAS_EXTRA", "BarMap", "OrderList", "PositionList", "RecordList", "TickMap"]

PANDAS_EXTRA: Final = 'pip install "qmt-facade[pandas]"'
R = TypeVar("R", bound=Record)


def _require_pandas() -> None:
    """Fail with the extra to install; the caller then imports pandas itself (typed)."""
    try:
        import pandas  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"to_frame() needs pandas, the optional extra [pandas]: {PANDAS_EXTRA}",
            name="pandas",
        ) from exc


def _columns(record_type: type[Any]) -> list[str]:
    return [field.name for field in attrs.fields(record_type)]


class RecordList(list[R], Generic[R]):
    """A list of records of one type; ``to_frame()`` gives one row per record."""

    record_type: ClassVar[type[Record]]

    def to_frame(self) -> pd.DataFrame:
        """A DataFrame with the records' fields as columns (no rows for an empty list)."""
        _require_pandas()
        import pandas

        columns = _columns(self.record_type)
        rows = [[getattr(record, name) for name in columns] for record in self]
        return pandas.DataFrame(rows, columns=columns)


class PositionList(RecordList[Position]):
    """``get_positions``' answer: a list of Position."""

    record_type = Position


class OrderList(RecordList[Order]):
    """``get_orders``' answer: a list of Order (``time`` stays Unix seconds)."""

    record_type = Order


_LEVEL_FIELDS: Final = ("bid_prices", "bid_volumes", "ask_prices", "ask_volumes")
_LEVELS: Final = 5


def _tick_columns() -> list[str]:
    columns: list[str] = []
    for name in _columns(Tick):
        if name in _LEVEL_FIELDS:  # bid_prices -> bid_price_1 ... bid_price_5
            columns.extend(f"{name[:-1]}_{level}" for level in range(1, _LEVELS + 1))
        else:
            columns.append(name)
    return columns


def _tick_row(tick: Tick) -> list[Any]:
    row: list[Any] = []
    for name in _columns(Tick):
        value = getattr(tick, name)
        if name in _LEVEL_FIELDS:
            levels = list(value[:_LEVELS])
            row.extend(levels + [None] * (_LEVELS - len(levels)))
        else:
            row.append(value)
    return row


class TickMap(dict[str, Tick]):
    """``get_full_tick``' answer: symbol -> Tick."""

    def to_frame(self) -> pd.DataFrame:
        """One row per symbol (the index); five columns per side and level kind."""
        _require_pandas()
        import pandas

        frame = pandas.DataFrame([_tick_row(t) for t in self.values()], columns=_tick_columns())
        return frame.set_index("symbol")


class BarMap(dict[str, list[Bar]]):
    """``get_market_data``' answer: symbol -> bars, oldest first."""

    def to_frame(self) -> pd.DataFrame:
        """Every bar in one DataFrame indexed by (symbol, time)."""
        _require_pandas()
        import pandas

        columns = _columns(Bar)
        rows = [[getattr(bar, name) for name in columns] for bars in self.values() for bar in bars]
        return pandas.DataFrame(rows, columns=columns).set_index(["symbol", "time"])
