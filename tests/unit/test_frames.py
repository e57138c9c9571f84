"""``.to_frame()`` on positions, orders, ticks and bars; and without pandas.

pandas is part of the dev extras, so these tests import it unconditionally:
where it is missing they fail, they do not skip.
"""

from __future__ import annotations

import sys
from datetime import datetime

import pandas as pd
import pytest

from qmt_facade import (
    SHANGHAI,
    Bar,
    BarMap,
    Order,
    OrderList,
    Position,
    PositionList,
    Tick,
    TickMap,
)

POSITIONS = PositionList(
    [
        Position("000001.SZ", "平安银行", 2000, 1500, 500, 21000.0, 10.2, 10.2, 10.5, 600.0, 2.94),
        Position("128013.SZ", "洪涛转债", 100, 100, 0, 12550.0, 120.0, 120.0, 125.5, 550.0, 4.58),
    ]
)
ORDER = Order(1001, "000001.SZ", "buy", 50, "已报", 100, 1735781400, 10.5, 11, 0, 0.0, "S1")


def tick(symbol: str, last: float) -> Tick:
    return Tick(
        symbol=symbol,
        time=datetime(2025, 1, 2, 9, 30, tzinfo=SHANGHAI),
        last_price=last,
        open=last,
        high=last,
        low=last,
        last_close=last,
        volume=100,
        amount=last * 100,
        bid_prices=(last - 0.01, last - 0.02),  # two levels only: the rest is missing
        bid_volumes=(1, 2),
        ask_prices=(last + 0.01, last + 0.02, last + 0.03, last + 0.04, last + 0.05),
        ask_volumes=(5, 4, 3, 2, 1),
    )


def bar(symbol: str, day: int, close: float) -> Bar:
    return Bar(symbol=symbol, time=datetime(2025, 1, day, tzinfo=SHANGHAI), close=close, volume=7)


def test_positions_frame_has_one_row_per_position_and_every_field() -> None:
    frame = POSITIONS.to_frame()
    assert list(frame.columns) == list(POSITIONS[0].keys())
    assert frame["symbol"].tolist() == ["000001.SZ", "128013.SZ"]
    assert frame["can_use_volume"].tolist() == [1500, 100]
    assert frame.loc[1, "profit_ratio"] == 4.58


def test_empty_lists_give_empty_frames_with_the_columns() -> None:
    assert list(PositionList().to_frame().columns) == list(POSITIONS[0].keys())
    frame = OrderList().to_frame()
    assert frame.empty and list(frame.columns) == list(ORDER.keys())


def test_orders_frame() -> None:
    frame = OrderList([ORDER]).to_frame()
    assert frame.loc[0, "order_id"] == 1001 and frame.loc[0, "m_status"] == "已报"
    assert frame.loc[0, "time"] == 1735781400  # Unix seconds, as on the record


def test_tick_frame_spreads_the_levels_into_columns() -> None:
    frame = TickMap({"000001.SZ": tick("000001.SZ", 10.5), "600000.SH": tick("600000.SH", 15.2)})
    table = frame.to_frame()
    assert table.index.name == "symbol" and list(table.index) == ["000001.SZ", "600000.SH"]
    assert table.loc["600000.SH", "last_price"] == 15.2
    assert table.loc["000001.SZ", "ask_price_5"] == pytest.approx(10.55)
    assert table.loc["000001.SZ", "bid_volume_2"] == 2
    assert pd.isna(table.loc["000001.SZ", "bid_price_3"])
    assert "bid_prices" not in table.columns
    assert table.loc["000001.SZ", "time"] == pd.Timestamp("2025-01-02 09:30", tz="Asia/Shanghai")


def test_bar_frame_is_indexed_by_symbol_and_time() -> None:
    bars = BarMap(
        {
            "000001.SZ": [bar("000001.SZ", 2, 10.4), bar("000001.SZ", 3, 10.5)],
            "600000.SH": [bar("600000.SH", 3, 15.2)],
        }
    )
    table = bars.to_frame()
    assert table.index.names == ["symbol", "time"] and len(table) == 3
    assert table.loc["000001.SZ"]["close"].tolist() == [10.4, 10.5]
    assert str(table.index.get_level_values("time").tz) == "Asia/Shanghai"
    assert table.loc[("600000.SH", pd.Timestamp("2025-01-03", tz="Asia/Shanghai")), "close"] == 15.2
    assert BarMap().to_frame().empty


@pytest.mark.parametrize(
    "result",
    [POSITIONS, OrderList([ORDER]), TickMap({"000001.SZ": tick("000001.SZ", 1.0)}), BarMap()],
)
def test_without_pandas_the_error_names_the_extra(
    result: PositionList, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # makes `import pandas` fail
    with pytest.raises(ImportError) as caught:
        result.to_frame()
    assert 'pip install "qmt-facade[pandas]"' in str(caught.value)
    assert caught.value.name == "pandas"


def test_the_collections_are_still_plain_lists_and_dicts() -> None:
    assert list(POSITIONS) == POSITIONS and isinstance(POSITIONS, list)
    ticks = TickMap({"000001.SZ": tick("000001.SZ", 1.0)})
    assert isinstance(ticks, dict) and ticks == dict(ticks)
