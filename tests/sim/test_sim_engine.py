"""Direct tests of the market model and the trading engine (no HTTP)."""

from __future__ import annotations

import copy
import threading
from pathlib import Path
from typing import Any

import pytest
from sim_http import sample_config

from qmt_sim import market as mk
from qmt_sim.config import ConfigError, load_config, parse_config
from qmt_sim.engine import Engine
from qmt_sim.store import Store


def make_engine(tmp_path: Path, name: str = "engine.sqlite3", **market: Any) -> Engine:
    raw = copy.deepcopy(sample_config())
    raw["market"].update({"tick_seconds": 0, **market})
    return Engine(Store(tmp_path / name), parse_config(raw))


def order_of(engine: Engine, idx: int, outcome: dict[str, Any]) -> dict[str, Any]:
    assert outcome["success"], outcome
    found = engine.query_order(idx, outcome["order_id"])
    assert found is not None
    return found


def position(engine: Engine, idx: int, symbol: str) -> dict[str, Any] | None:
    return next((p for p in engine.positions(idx) if p["symbol"] == symbol), None)


def quote(engine: Engine, symbol: str) -> dict[str, float]:
    """Last price and the day's range of one suffixed symbol, in CNY."""
    _, _, quotes = engine.quotes([symbol])
    q = quotes[symbol]
    return {"last": q.last / 1000, "low": q.day_low / 1000, "high": q.day_high / 1000}


# ------------------------------------------------------------------ market
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("000001", "000001.SZ"),
        ("000001.SZ", "000001.SZ"),
        ("600000", "600000.SH"),
        ("688001", "688001.SH"),
        ("300750", "300750.SZ"),
        ("510300", "510300.SH"),
        ("159915", "159915.SZ"),
        ("128013", "128013.SZ"),
        ("113050", "113050.SH"),
        ("110059", "110059.SH"),
        ("115001", "115001.SZ"),
        ("132001", "132001.SH"),
        ("204001", "204001.SH"),
        ("131810", "131810.SZ"),
        ("430047", "430047.BJ"),
        ("830799", "830799.BJ"),
        ("920001", "920001.BJ"),
        ("900901", "900901.SH"),
    ],
)
def test_symbols_are_suffixed_by_prefix(raw: str, expected: str) -> None:
    assert mk.normalize_symbol(raw) == expected


def test_lots_and_units() -> None:
    assert mk.lot_size("128013.SZ") == 10 and mk.unit_name("128013.SZ") == "张"
    assert mk.lot_size("113050.SH") == 10
    assert mk.lot_size("688001.SH") == 100 and mk.unit_name("688001.SH") == "股"
    assert mk.lot_size("000001.SZ") == 100


def test_price_bands_per_board() -> None:
    assert mk.price_band("000001.SZ", 10_000) == (9_000, 11_000)
    assert mk.price_band("300750.SZ", 10_000) == (8_000, 12_000)
    assert mk.price_band("688001.SH", 10_000) == (8_000, 12_000)
    assert mk.price_band("430047.BJ", 10_000) == (7_000, 13_000)
    assert mk.price_band("600000.SH", 10_555) == (9_500, 11_610)  # rounded to 0.01


def test_price_path_is_deterministic_per_seed(tmp_path: Path) -> None:
    first = make_engine(tmp_path, "a.sqlite3")
    second = make_engine(tmp_path, "b.sqlite3")
    other_seed = make_engine(tmp_path, "c.sqlite3", seed=7)
    for engine in (first, second, other_seed):
        engine.tick(30)
    prices = [
        (quote(engine, "000001.SZ"), quote(engine, "600000.SH"))
        for engine in (first, second, other_seed)
    ]
    assert prices[0] == prices[1]
    assert prices[0][0]["last"] != prices[2][0]["last"]


def test_prices_stay_on_ticks_and_inside_the_band(tmp_path: Path) -> None:
    engine = make_engine(tmp_path, volatility=0.05)  # wild, to hit the limits
    engine.tick(200)
    seen = quote(engine, "000001.SZ")
    assert 9.45 <= seen["low"] <= seen["high"] <= 11.55
    assert round(seen["last"] * 100) == pytest.approx(seen["last"] * 100)


def test_csv_replay_drives_prices(tmp_path: Path) -> None:
    csv_file = tmp_path / "bars.csv"
    csv_file.write_text(
        "symbol,time,open,high,low,close,volume\n"
        "000001.SZ,2024-01-02 09:31,10.00,10.10,9.90,10.05,5000\n"
        "000001.SZ,2024-01-02 09:32,10.05,10.20,10.00,10.15,6000\n",
        encoding="utf-8",
    )
    engine = make_engine(tmp_path, bars_csv=str(csv_file))
    engine.tick(1)
    assert quote(engine, "000001.SZ")["last"] == 10.05
    engine.tick(1)
    assert quote(engine, "000001.SZ")["last"] == 10.15


# ------------------------------------------------------------------ config
def test_bad_config_names_file_and_key(tmp_path: Path) -> None:
    raw = sample_config()
    raw["accounts"][0]["cash"] = -1
    with pytest.raises(
        ConfigError, match=r"^config\.yaml: accounts\[0\]\.cash must be a number >= 0$"
    ):
        parse_config(raw, source="config.yaml")
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError, match=r"nope\.yaml: cannot read file"):
        load_config(missing)
    broken = tmp_path / "broken.yaml"
    broken.write_text("accounts: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken\.yaml: not valid YAML"):
        load_config(broken)
    del raw["outer_api_clients"]
    with pytest.raises(ConfigError, match="outer_api_clients must be a non-empty list"):
        parse_config(raw)


# ------------------------------------------------------------------ trading
def test_buy_fills_at_market_with_minimum_commission(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    outcome = engine.buy_shares(1, "000002", 20.30, 100, 0, "t")
    order = order_of(engine, 1, outcome)
    assert (order["status"], order["m_status"], order["traded_volume"]) == (56, "已成", 100)
    # 100 × 20.30 = 2030; commission max(0.5075, 5) = 5
    assert engine.portfolio(1)["cash"] == 500_000 - 2030 - 5
    held = position(engine, 1, "000002.SZ")
    assert held is not None and held["avg_price"] == pytest.approx(20.35)


def test_sell_pays_commission_and_stamp_duty(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    outcome = engine.sell_shares(0, "000001", 10.50, 1000, 0, "t")
    assert order_of(engine, 0, outcome)["status"] == 56
    # 10500 − commission 5 − stamp duty 5.25
    assert engine.portfolio(0)["cash"] == 1_000_000 + 10_500 - 5 - 5.25


def test_fees_can_be_switched_off(tmp_path: Path) -> None:
    raw = copy.deepcopy(sample_config())
    raw["fees"]["enabled"] = False
    engine = Engine(Store(tmp_path / "free.sqlite3"), parse_config(raw))
    order_of(engine, 1, engine.buy_shares(1, "000002", 20.30, 100, 0, "t"))
    order_of(engine, 0, engine.sell_shares(0, "000001", 10.50, 1000, 0, "t"))
    assert engine.portfolio(1)["cash"] == 500_000 - 2030  # no commission
    assert engine.portfolio(0)["cash"] == 1_000_000 + 10_500  # no commission, no stamp duty


def test_switches_must_be_booleans_and_the_line_known() -> None:
    raw = sample_config()
    raw["market"]["fills"] = "no"
    with pytest.raises(ConfigError, match=r"market\.fills must be true or false$"):
        parse_config(raw)
    raw = sample_config()
    raw["server"]["line"] = "legacy"
    with pytest.raises(ConfigError, match=r"server\.line must be one of main, upstream$"):
        parse_config(raw)


def test_t_plus_one_for_shares(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    engine.buy_shares(1, "000002", 20.30, 100, 0, "t")
    held = position(engine, 1, "000002.SZ")
    assert held is not None and (held["volume"], held["can_use_volume"]) == (100, 0)
    rejected = order_of(engine, 1, engine.sell_shares(1, "000002", 20.30, 100, 0, "t"))
    assert rejected["status"] == 57
    engine.next_day()
    held = position(engine, 1, "000002.SZ")
    assert held is not None and held["can_use_volume"] == 100
    assert order_of(engine, 1, engine.sell_shares(1, "000002", 1.0, 100, 1, "t"))["status"] == 56


def test_convertible_bonds_are_t_plus_zero(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    bought = order_of(engine, 1, engine.buy_shares(1, "128013", 150, 10, 0, "t"))
    assert bought["status"] == 56
    sold = order_of(engine, 1, engine.sell_shares(1, "128013", 1, 10, 1, "t"))
    assert sold["status"] == 56


def test_limit_outside_price_band_is_junk(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    order = order_of(engine, 0, engine.buy_shares(0, "000001", 11.56, 100, 0, "t"))
    assert (order["status"], order["m_status"]) == (57, "废单")
    assert engine.portfolio(0)["frozen_cash"] == 0
    inside = order_of(engine, 0, engine.buy_shares(0, "000001", 11.55, 100, 0, "t"))
    assert inside["status"] == 56


def test_resting_limit_order_freezes_cash_and_cancel_releases_it(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    order = order_of(engine, 1, engine.buy_shares(1, "000001", 10.00, 1000, 0, "t"))
    assert order["status"] == 50
    portfolio = engine.portfolio(1)
    assert portfolio["frozen_cash"] == 10_000 + 5
    assert portfolio["cash"] == 500_000 - 10_005
    assert engine.cancel_order(1, order["order_id"])["success"] is True
    assert engine.query_order(1, order["order_id"])["status"] == 54  # type: ignore[index]
    assert engine.portfolio(1)["cash"] == 500_000 and engine.portfolio(1)["frozen_cash"] == 0
    assert engine.cancel_order(1, order["order_id"])["success"] is False


def test_resting_sell_freezes_shares(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    order_of(engine, 0, engine.sell_shares(0, "000001", 11.00, 500, 0, "t"))
    held = position(engine, 0, "000001.SZ")
    assert held is not None and (held["can_use_volume"], held["frozen_volume"]) == (1500, 500)
    assert engine.cancel_side(0, "sell") == 1
    held = position(engine, 0, "000001.SZ")
    assert held is not None and (held["can_use_volume"], held["frozen_volume"]) == (2000, 0)


def test_large_orders_fill_partially_over_ticks(tmp_path: Path) -> None:
    engine = make_engine(tmp_path, volume_per_tick=1000)
    order = order_of(engine, 0, engine.buy_shares(0, "000001", 11.50, 5000, 0, "t"))
    assert (order["status"], order["traded_volume"]) == (55, 1000)
    engine.tick(1)
    later = engine.query_order(0, order["order_id"])
    assert later is not None and later["traded_volume"] > 1000
    engine.tick(20)
    done = engine.query_order(0, order["order_id"])
    assert done is not None and (done["status"], done["traded_volume"]) == (56, 5000)
    assert engine.portfolio(0)["frozen_cash"] == 0


def test_partially_filled_cancel_is_53_and_ioc_cancels_the_rest(tmp_path: Path) -> None:
    engine = make_engine(tmp_path, volume_per_tick=1000)
    order = order_of(engine, 0, engine.buy_shares(0, "000001", 11.50, 5000, 0, "t"))
    engine.cancel_order(0, order["order_id"])
    assert engine.query_order(0, order["order_id"])["status"] == 53  # type: ignore[index]
    ioc = order_of(engine, 1, engine.buy_shares(1, "600000", 15.2, 5000, 2, "t"))
    assert (ioc["status"], ioc["m_status"]) == (53, "部撤")
    assert 0 < ioc["traded_volume"] < 5000
    assert engine.portfolio(1)["frozen_cash"] == 0


def test_market_price_types_fill_at_the_simulated_price(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    # The API's 1/3/5 are xtquant's LATEST_PRICE 5, MINE_PRICE_FIRST 45, PEER_PRICE_FIRST 44,
    # sent with price 0.
    for price_type, broker_code in ((1, 5), (3, 45), (5, 44)):
        order = order_of(engine, 1, engine.buy_shares(1, "000001", 1.0, 100, price_type, "t"))
        assert (order["status"], order["traded_price"], order["price_type"], order["price"]) == (
            56,
            10.5,
            broker_code,
            0,
        )


def test_unsupported_price_type_is_refused_in_the_result(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    for bad in (4, 9, "0", None):
        outcome = engine.buy_shares(0, "000001", 10.5, 100, bad, "t")
        assert outcome["success"] is False and "不支持的价格类型" in outcome["message"]
    assert engine.query_orders(0, False) == []


def test_buy_shares_silently_reduced_when_cash_is_short(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    outcome = engine.buy_shares(1, "000001", 10.50, 100_000, 0, "t")
    assert (
        outcome["success"] is True and outcome["order_num"] == 47_600
    )  # floor(500000/10.5/100)*100
    # Nothing in the answer says the quantity was reduced, as on the real server.
    assert outcome["message"] == (
        f"买入限价单提交成功: 000001.SZ 47600股 @10.5, OrderID: {outcome['order_id']}"
    )
    broke = engine.buy_shares(1, "000001", 10.50, 100, 0, "t")
    assert broke["success"] is False
    assert broke["message"] == f"资金不足，无法买入: 需要1050.0, 可用{engine.portfolio(1)['cash']}"


def test_buy_by_pct_uses_total_asset_capped_at_cash(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    total = engine.portfolio(0)["total_asset"]
    outcome = engine.buy_by_pct(0, "000001", 10.50, 0.1, 0, "t")
    assert outcome["order_num"] == int(total * 0.1 / 10.50 / 100) * 100
    capped = engine.buy_by_pct(1, "000001", 10.50, 1.0, 0, "t")
    assert capped["order_num"] == 47_600  # total asset > cash: capped at cash


def test_sell_by_pct_floors_to_lots(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    outcome = engine.sell_target_pct(0, "000001", 10.50, 0.33, 0, "t")
    assert outcome["order_num"] == 600  # floor(2000 × 0.33 / 100) × 100
    missing = engine.sell_target_pct(0, "000002", 10.50, 1.0, 0, "t")
    assert missing["success"] is False and "未持有该股票" in missing["message"]


def test_reverse_repo_units_reserve_and_maturity(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    outcome = engine.reverse_repo(1, 1500.0)
    assert outcome["success"] is True
    assert (outcome["order_num"], outcome["order_amount"], outcome["usable_cash"]) == (
        4980,
        498_000,
        498_500,
    )
    assert engine.portfolio(1)["cash"] == 2000  # frozen by the resting repo sell
    assert order_of(engine, 1, outcome)["status"] == 50
    engine.tick(1)
    assert order_of(engine, 1, outcome)["status"] == 56
    short = engine.reverse_repo(1, 1500.0)
    assert short["success"] is False and short["order_num"] == 0
    engine.next_day()
    interest = round(498_000 * 0.02 / 365, 2)
    assert engine.portfolio(1)["cash"] == pytest.approx(500_000 + interest)
    assert position(engine, 1, "131810.SZ") is None


def test_next_day_expires_open_orders_and_hides_old_ones(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    order = order_of(engine, 1, engine.buy_shares(1, "000001", 10.00, 1000, 0, "t"))
    clock = engine.next_day()
    assert clock["trading_day"] == 2 and clock["date"] == "2024-01-03"
    assert engine.portfolio(1)["cash"] == 500_000 and engine.portfolio(1)["frozen_cash"] == 0
    assert engine.query_orders(1, False) == []
    assert engine.query_order(1, order["order_id"]) is None


def test_state_survives_reopen_and_config_only_seeds_empty_db(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    engine.buy_shares(1, "000002", 20.30, 100, 0, "t")
    cash = engine.portfolio(1)["cash"]
    engine.store.close()
    raw = sample_config()
    raw["accounts"][1]["cash"] = 1  # ignored: the DB already exists
    reopened = Engine(Store(tmp_path / "engine.sqlite3"), parse_config(raw))
    assert reopened.portfolio(1)["cash"] == cash
    assert position(reopened, 1, "000002.SZ") is not None


def test_concurrent_buys_never_overspend(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    barrier = threading.Barrier(20)
    outcomes: list[dict[str, Any]] = []

    def buy() -> None:
        barrier.wait()
        # 6000 × 10.50 = 63,000 each: account 1 (500k) affords 7 whole orders.
        outcomes.append(engine.buy_shares(1, "000001", 10.50, 6000, 0, "t"))

    threads = [threading.Thread(target=buy) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    portfolio = engine.portfolio(1)
    assert portfolio["cash"] >= 0 and portfolio["frozen_cash"] == 0
    held = position(engine, 1, "000001.SZ")
    assert held is not None
    bought = held["volume"] - 1000
    fills = [engine.query_order(1, o["order_id"]) for o in outcomes if o["success"]]
    traded = sum(f["traded_volume"] for f in fills if f is not None)
    assert bought == traded
    spent = 500_000 - portfolio["cash"]
    expected = sum(
        f["traded_volume"] * 10.50 + max(round(f["traded_volume"] * 10.50 * 0.00025, 2), 5.0)
        for f in fills
        if f is not None and f["traded_volume"]
    )
    assert spent == pytest.approx(expected)
    assert spent <= 500_000


def test_concurrent_sells_never_oversell(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    barrier = threading.Barrier(10)

    def sell() -> None:
        barrier.wait()
        engine.sell_shares(0, "000001", 10.50, 300, 0, "t")

    threads = [threading.Thread(target=sell) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    held = position(engine, 0, "000001.SZ")
    statuses = [o["status"] for o in engine.query_orders(0, False)]
    assert statuses.count(56) == 6 and statuses.count(57) == 4  # 2000 shares = 6 × 300 + 200
    assert held is not None and (held["volume"], held["can_use_volume"]) == (200, 200)
