"""Every client method, sync and async, against the simulator on both server lines.

Each row is one call with what it must do on each line: work, raise
QMTUnsupportedError naming a capability, or be refused by the ratio-sell
guard. Around every call the orders held by the simulator are counted: a
call that raises must have placed nothing, a call that works must have
placed exactly the orders its result reports.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from _support import SERVER_LINES, line_sim

from qmt_facade import (
    AsyncQMTTradeClient,
    CancelAllResult,
    QMTTradeClient,
    QMTUnsupportedError,
    QMTValidationError,
    ServerLine,
    TradeResult,
)
from qmt_facade.signing import QMTSignatureAuth
from qmt_sim.testing import SimulatorProcess

WORKS = "works"
GUARD = "guard"  # QMTValidationError: the server would sell the whole position


@pytest.fixture(params=SERVER_LINES)
def line(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def line_server(tmp_path: Path, line: str) -> Iterator[SimulatorProcess]:
    with line_sim(tmp_path / "sim", line) as sim:
        yield sim


def checker(sim: SimulatorProcess) -> QMTTradeClient:
    """A signed client that only reads (its line named: it sends no probe)."""
    return QMTTradeClient(
        sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key, server_line="main"
    )


def order_count(reader: QMTTradeClient) -> int:
    return sum(len(reader.get_orders(i)) for i in (0, 1))


@dataclass
class Row:
    """One call and what it must do: WORKS, GUARD, or the capability refused."""

    name: str
    call: Callable[[Any, dict[str, Any]], Any]
    upstream: str = WORKS
    main: str = WORKS
    check: Callable[[Any, dict[str, Any]], None] | None = None
    state: dict[str, Any] = field(default_factory=dict)

    def expected(self, line: str) -> str:
        return self.main if line == "main" else self.upstream


def remember(key: str) -> Callable[[Any, dict[str, Any]], None]:
    def keep(result: Any, state: dict[str, Any]) -> None:
        assert isinstance(result, TradeResult) and result.order_ids
        state[key] = result.order_ids[0]

    return keep


def cancel_entries(indices: list[int]) -> Callable[[Any, dict[str, Any]], None]:
    def check(result: Any, state: dict[str, Any]) -> None:
        assert isinstance(result, CancelAllResult)
        assert [e.trader_index for e in result.results] == indices and result.all_succeeded

    return check


def repo_outcome(result: Any, state: dict[str, Any]) -> None:
    (placed,) = result.placed
    assert placed.trader_index == 1 and placed.result.symbol == "131810.SZ"
    assert placed.result.order_num > 0 and placed.order_id


# Ordered: later rows rely on what earlier ones did (sample config: account 0
# holds 2000 000001, 1000 600000, 100 bonds 128013; account 1 holds 1000 000001).
SIGNED_ROWS = [
    Row("get_accounts", lambda c, s: c.get_accounts(), check=lambda r, s: _equal(len(r), 2)),
    Row("get_portfolio", lambda c, s: c.get_portfolio(), check=lambda r, s: _positive(r.cash)),
    Row(
        "get_positions",
        lambda c, s: c.get_positions(1),
        check=lambda r, s: _equal([p.symbol for p in r], ["000001.SZ"]),
    ),
    Row(
        "get_account_summary",
        lambda c, s: c.get_account_summary(),
        check=lambda r, s: _equal(r.trader_index, 0),
    ),
    Row(
        "get_position_by_symbol",
        lambda c, s: c.get_position_by_symbol("sz000001"),
        check=lambda r, s: _equal(r.volume, 2000),
    ),
    Row(
        "has_position",
        lambda c, s: c.has_position("600000", 1),
        check=lambda r, s: _equal(r, False),
    ),
    Row(
        "buy position_pct",
        lambda c, s: c.buy("000001", price=10.00, position_pct=0.01, trader_index=0),
        check=remember("resting_buy"),
    ),
    Row(
        "buy shares",
        lambda c, s: c.buy("000001", price=10.00, shares=100),
        upstream="signed_fixed_shares",
    ),
    Row(
        "sell position_pct",
        lambda c, s: c.sell("000001", price=11.00, position_pct=0.5, trader_index=1),
        check=lambda r, s: _equal(r.results[0].result.order_num, 500),
    ),
    Row(
        "sell shares",
        lambda c, s: c.sell("000001", price=11.00, shares=100, trader_index=0),
        upstream="signed_fixed_shares",
    ),
    Row(
        "sell position_pct under one lot",
        lambda c, s: c.sell("000001", price=11.00, position_pct=0.04, trader_index=0),
        main=GUARD,
        upstream=GUARD,
    ),
    Row(
        "sell bonds position_pct 0.5 of 100",
        lambda c, s: c.sell("128013", price=130.0, position_pct=0.5, trader_index=0),
        upstream=GUARD,  # lot 100 there: 0 lots, the server would sell all 100
        check=lambda r, s: _equal(r.results[0].result.order_num, 50),
    ),
    Row(
        "reverse_repo with reserve",
        lambda c, s: c.reverse_repo(reserve_amount=490_000, trader_index=1),
        upstream="reverse_repo_reserve",
    ),
    Row("sell_all", lambda c, s: c.sell_all("600000", price=16.0, trader_index=0)),
    Row("get_orders", lambda c, s: c.get_orders(0), check=lambda r, s: _positive(len(r))),
    Row(
        "get_order",
        lambda c, s: c.get_order(s["resting_buy"], 0),
        check=lambda r, s: _equal(r.status, 50),
    ),
    Row(
        "cancel_order",
        lambda c, s: c.cancel_order(s["resting_buy"], 0),
        check=lambda r, s: _equal(r.success, True),
    ),
    Row(
        "wait_for_order",
        lambda c, s: c.wait_for_order(s["resting_buy"], 0, timeout=5, poll_interval=0.05),
        check=lambda r, s: _equal(r.status, 54),
    ),
    Row(
        "watch_orders",
        lambda c, s: c.watch_orders(0, poll_interval=0.05, timeout=0.2),
        check=lambda r, s: _positive(len(r)),
    ),
    Row(
        "cancel_all_sell_orders, one account",
        lambda c, s: c.cancel_all_sell_orders(trader_index=1),
        check=cancel_entries([1]),  # upstream numbers it 0 within the chosen: mapped back
    ),
    Row(
        "cancel_all_buy_orders",
        lambda c, s: c.cancel_all_buy_orders(),
        check=cancel_entries([0, 1]),
    ),
    Row("reverse_repo", lambda c, s: c.reverse_repo(trader_index=1), check=repo_outcome),
    Row("buy_all", lambda c, s: c.buy_all("000001", price=10.50, trader_index=0)),
]

# A logged-in session, no signature: the session routes.
SESSION_ROWS = [
    Row(
        "session buy shares",
        lambda c, s: c.buy("000001", price=10.00, shares=100),
        upstream="session_buy",
    ),
    Row(
        "session buy position_pct, one account",
        lambda c, s: c.buy("000001", price=10.00, position_pct=0.01, trader_index=0),
        upstream="session_account_choice",
    ),
    Row(
        "session buy position_pct, every account",
        lambda c, s: c.buy("000001", price=10.00, position_pct=0.01),
    ),
    Row(
        "session sell shares, one account",
        lambda c, s: c.sell("000001", price=11.00, shares=100, trader_index=0),
        upstream="session_account_choice",
    ),
    Row(
        "session sell shares, latest price",
        lambda c, s: c.sell("000001", price=11.00, shares=100, price_type=1),
        upstream="session_sell_price_type",
    ),
    Row(
        "session sell shares, every account, limit",
        lambda c, s: c.sell("000001", price=11.00, shares=100),
    ),
    Row(
        "session sell position_pct",
        lambda c, s: c.sell("000001", price=11.00, position_pct=0.5),
        upstream="session_account_choice",
    ),
    Row(
        "session sell bonds by 50",
        lambda c, s: c.sell("128013", price=130.0, shares=50),
        upstream="bond_lot_10",
    ),
]


def _equal(got: Any, want: Any) -> None:
    assert got == want, f"{got!r} != {want!r}"


def _positive(value: float) -> None:
    assert value > 0, value


def judge(row: Row, line: str, outcome: Any, error: Exception | None, placed: int) -> None:
    """Judge the row's call (``outcome`` or ``error``, ``placed`` new orders) on ``line``."""
    expected = row.expected(line)
    where = f"{row.name} on the {line} line"
    if expected == WORKS:
        assert error is None, f"{where}: raised {error!r}"
        reported = len(outcome.order_ids) if isinstance(outcome, TradeResult) else 0
        assert placed == reported, f"{where}: {placed} orders placed, {reported} reported"
        if isinstance(outcome, TradeResult):
            assert not outcome.unknown, f"{where}: {outcome.warnings}"
            # what a line leaves out of its answers by design is no warning
            unread = [w for w in outcome.warnings if "缺少字段" in w or "无法识别" in w]
            assert not unread, f"{where}: {unread}"
        if row.check is not None:
            row.check(outcome, row.state)
        return
    assert placed == 0, f"{where}: raised but placed {placed} orders"
    if expected == GUARD:
        assert isinstance(error, QMTValidationError), f"{where}: {error!r}"
        assert error.field == "position_pct" and "卖出全部可卖持仓" in str(error)
        return
    assert isinstance(error, QMTUnsupportedError), f"{where}: {error!r}"
    assert error.capability == expected and error.server_line == line, where
    assert error.alternative and "未发送任何请求" in str(error), where


def share_state(rows: list[Row]) -> None:
    state: dict[str, Any] = {}
    for row in rows:
        row.state = state


def run_sync(client: QMTTradeClient, reader: QMTTradeClient, rows: list[Row], line: str) -> None:
    share_state(rows)
    for row in rows:
        before = order_count(reader)
        outcome: Any = None
        error: Exception | None = None
        try:
            outcome = row.call(client, row.state)
            if inspect.isgenerator(outcome):
                outcome = list(outcome)
        except (QMTUnsupportedError, QMTValidationError) as exc:
            error = exc
        judge(row, line, outcome, error, order_count(reader) - before)


async def run_async(
    client: AsyncQMTTradeClient, reader: QMTTradeClient, rows: list[Row], line: str
) -> None:
    share_state(rows)
    for row in rows:
        before = order_count(reader)
        outcome: Any = None
        error: Exception | None = None
        try:
            outcome = row.call(client, row.state)
            if inspect.isawaitable(outcome):
                outcome = await outcome
            elif hasattr(outcome, "__aiter__"):
                outcome = [event async for event in outcome]
        except (QMTUnsupportedError, QMTValidationError) as exc:
            error = exc
        judge(row, line, outcome, error, order_count(reader) - before)


# --- the tests ---------------------------------------------------------------------------


def test_every_signed_method_sync(line_server: SimulatorProcess, line: str) -> None:
    sim = line_server
    with (
        QMTTradeClient(sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key) as client,
        checker(sim) as reader,
    ):
        run_sync(client, reader, SIGNED_ROWS, line)
        assert client.server_line == line  # detected once, by the first order


async def test_every_signed_method_async(line_server: SimulatorProcess, line: str) -> None:
    sim = line_server
    with checker(sim) as reader:
        async with AsyncQMTTradeClient(
            sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key
        ) as client:
            await run_async(client, reader, SIGNED_ROWS, line)
            assert client.server_line == line


def test_every_session_trade_sync(line_server: SimulatorProcess, line: str) -> None:
    sim = line_server
    with QMTTradeClient(sim.base_url) as client, checker(sim) as reader:
        assert client.login(sim.username or "", sim.password or "")
        run_sync(client, reader, SESSION_ROWS, line)
        assert client.logout()


async def test_every_session_trade_async(line_server: SimulatorProcess, line: str) -> None:
    sim = line_server
    with checker(sim) as reader:
        async with AsyncQMTTradeClient(sim.base_url) as client:
            assert await client.login(sim.username or "", sim.password or "")
            await run_async(client, reader, SESSION_ROWS, line)


def test_signed_and_logged_in_sells_shares_through_the_session_upstream(
    line_server: SimulatorProcess, line: str
) -> None:
    """With a session as well, a fixed-share sell takes the route the line has."""
    sim = line_server
    with (
        QMTTradeClient(sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key) as client,
        checker(sim) as reader,
    ):
        client.login(sim.username or "", sim.password or "")
        sent: list[str] = []
        client._http.event_hooks["request"].append(lambda r: sent.append(r.url.path))
        result = client.sell("000001", price=11.00, shares=100)
        assert len(result.order_ids) == 2 and order_count(reader) == 2
        route = "/qmt/trade/api/sell" if line == "upstream" else "/qmt/trade/api/outer/trade/sell"
        assert route in sent


# --- detection -----------------------------------------------------------------------------


@pytest.mark.parametrize("logged_in", [False, True])
def test_detection_places_nothing(
    line_server: SimulatorProcess, line: str, logged_in: bool
) -> None:
    sim = line_server
    with QMTTradeClient(sim.base_url) as client, checker(sim) as reader:
        if logged_in:  # on main the probe then reaches /buy's body check: still no order
            client.login(sim.username or "", sim.password or "")
        sent: list[httpx.Request] = []
        client._http.event_hooks["request"].append(sent.append)
        assert client.server_line is None
        assert client.detect_server_line() == ServerLine(line)
        assert client.detect_server_line() == ServerLine(line)  # cached
        assert [(r.method, r.url.path) for r in sent] == [("POST", "/qmt/trade/api/buy")]
        assert order_count(reader) == 0
        assert f"server_line={line!r}" in repr(client)


# --- the ratio-sell guard is needed: the server really sells everything -----------------


def test_the_server_sells_the_whole_position_when_a_ratio_rounds_to_zero(
    line_server: SimulatorProcess,
) -> None:
    sim = line_server
    auth = QMTSignatureAuth(sim.client_id, sim.secret_key)
    with httpx.Client(base_url=sim.base_url, auth=auth) as raw, checker(sim) as reader:
        answer = raw.post(
            "/qmt/trade/api/outer/trade/sell",
            json={"symbol": "000001", "trade_price": 11.0, "position_pct": 0.04, "trader_index": 0},
        )
        assert answer.status_code == 200, answer.text
        (order,) = reader.get_orders(0)
        assert order.volume == 2000  # 4 % of 2000 is 80 shares: 0 lots, so all of it


# --- configuration, end to end ---------------------------------------------------------------


def test_no_argument_client_from_dotenv_and_explicit_arguments(
    line_server: SimulatorProcess, line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = line_server
    folder = tmp_path / "strategy"
    folder.mkdir()
    (folder / ".env").write_text(
        f"QMT_BASE_URL={sim.base_url}\nQMT_CLIENT_ID={sim.client_id}\n"
        f"QMT_SECRET_KEY={sim.secret_key}\nQMT_TRADER_INDEX=1\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(folder)
    with QMTTradeClient() as client, checker(sim) as reader:
        assert [p.symbol for p in client.get_positions()] == ["000001.SZ"]  # account 1
        result = client.buy("000001", price=10.00, position_pct=0.01)  # every account
        assert sorted(r.trader_index for r in result.placed) == [0, 1]
        assert order_count(reader) == 2
    with QMTTradeClient(
        base_url=sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key, trader_index=0
    ) as client:
        assert client.get_position_by_symbol("600000") is not None  # account 0
    with QMTTradeClient.from_config(
        sim.config_path, base_url=sim.base_url, server_line=line
    ) as client:  # the simulator's own config.yaml, the manual's format
        assert client.get_account_summary().trader_index == 1  # QMT_TRADER_INDEX from .env
        assert client.detect_server_line() == ServerLine(line)


def test_lots_are_sized_like_the_line(line_server: SimulatorProcess, line: str) -> None:
    """A bond ratio buy: lots of 10 on main, of 100 upstream (the server sizes it)."""
    sim = line_server
    with QMTTradeClient(sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key) as c:
        portfolio = c.get_portfolio(0)
        result = c.buy("128013", price=125.5, position_pct=0.05, trader_index=0)
        lot = 100 if line == "upstream" else 10
        amount = min(portfolio.total_asset * 0.05, portfolio.cash)
        assert result.results[0].result.order_num == math.floor(amount / 125.5 / lot) * lot
