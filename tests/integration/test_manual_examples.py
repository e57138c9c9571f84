"""The user manual's snippets, run unchanged against a real simulator process.

Only base_url, credentials ("admin"/"password" -> the sim's user), the endless
loop of 示例3 and time.sleep (a no-op here) differ from the manual. Each
snippet runs on a fresh simulator so that the expected orders can be derived
from the sample config's known starting state, once per server line: on the
upstream line what it cannot do must raise QMTUnsupportedError before
anything is sent (the simulator then holds no order from that call).
"""

from __future__ import annotations

import asyncio
import inspect
import math
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from _support import (
    MANUAL_PATH,
    SERVER_LINES,
    custom_sim,
    find,
    line_sim,
    normalized_lines,
    orders_at,
    run_snippet,
    signed_client,
)

from qmt_facade import (
    AsyncQMTTradeClient,
    QMTAuthenticationError,
    QMTTradeClient,
    QMTUnsupportedError,
    TradeResult,
)
from qmt_sim.testing import SimulatorProcess

# --- the manual's text -------------------------------------------------------

QUICKSTART = """
from qmt_trade_client import QMTTradeClient

# 创建客户端（使用API签名认证）
client = QMTTradeClient(
    base_url="http://localhost:9091",
    client_id="your_client_id",
    secret_key="your_secret_key"
)

# 查询账户资产
portfolio = client.get_portfolio(0)
print(f"总资产: {portfolio['total_asset']}")

# 买入股票（10%仓位）
result = client.buy("000001", price=10.50, position_pct=0.1)
print(result)

# 卖出股票（500股）
result = client.sell("000001", price=10.60, shares=500)
print(result)
"""

AUTH_SESSION = """
client = QMTTradeClient("http://localhost:9091")

# 登录
client.login("admin", "password")

# 执行交易
portfolio = client.get_portfolio(0)

# 退出登录
client.logout()
"""

AUTH_SIGNED = """
client = QMTTradeClient(
    base_url="http://localhost:9091",
    client_id="your_client_id",
    secret_key="your_secret_key"
)

# 直接执行交易，无需登录
result = client.buy("000001", price=10.50, position_pct=0.1)
"""

AUTH_CONFIG_YAML = """
# config.yaml
outer_api_clients:
  - client_id: "your_client_id"
    secret_key: "your_secret_key"
    name: "我的策略客户端"
"""

ACCOUNTS = """
accounts = client.get_accounts()

for acc in accounts:
    print(f"账户{acc['index']}: {acc['nick_name']}")
"""

PORTFOLIO = """
portfolio = client.get_portfolio(trader_index=0)

print(f"总资产: {portfolio['total_asset']}")
print(f"可用金额: {portfolio['cash']}")
print(f"冻结金额: {portfolio['frozen_cash']}")
print(f"持仓市值: {portfolio['market_value']}")
print(f"盈亏: {portfolio['profit']}")
print(f"盈亏比例: {portfolio['profit_ratio']}%")
"""

POSITIONS = """
positions = client.get_positions(trader_index=0)

for pos in positions:
    print(f"{pos['symbol']} {pos['name']}")
    print(f"  持仓: {pos['volume']}股")
    print(f"  可用: {pos['can_use_volume']}股")
    print(f"  成本价: {pos['avg_price']}")
    print(f"  现价: {pos['current_price']}")
    print(f"  市值: {pos['market_value']}")
    print(f"  盈亏: {pos['profit']} ({pos['profit_ratio']:.2f}%)")
"""

BUY_PCT = """
# 买入10%仓位
result = client.buy(
    symbol="000001",
    price=10.50,
    position_pct=0.1,
    strategy_name="我的策略"
)
"""

BUY_SHARES = """
# 买入500股
result = client.buy(
    symbol="000001",
    price=10.50,
    shares=500
)
"""

BUY_BOND = """
# 买入100张可转债
result = client.buy(
    symbol="128013",  # 可转债代码
    price=125.50,
    shares=100  # 可转债最小10张
)
"""

BUY_PRICE_TYPES = """
# 限价单（默认）
client.buy("000001", price=10.50, shares=500, price_type=0)

# 最新价
client.buy("000001", price=10.50, shares=500, price_type=1)

# 最优五档即时成交剩余撤销
client.buy("000001", price=10.50, shares=500, price_type=2)

# 本方最优
client.buy("000001", price=10.50, shares=500, price_type=3)

# 对方最优
client.buy("000001", price=10.50, shares=500, price_type=5)
"""

BUY_ALL = """
# 使用所有可用资金买入
result = client.buy_all(
    symbol="000001",
    price=10.50
)
"""

SELL_PCT_HALF = """
# 卖出50%持仓
result = client.sell(
    symbol="000001",
    price=10.60,
    position_pct=0.5
)
"""

SELL_PCT_ALL = """
# 全部卖出
result = client.sell(
    symbol="000001",
    price=10.60,
    position_pct=1.0
)
"""

SELL_SHARES = """
# 卖出500股
result = client.sell(
    symbol="000001",
    price=10.60,
    shares=500
)
"""

SELL_ALL = """
# 卖出某只股票的全部持仓
result = client.sell_all(
    symbol="000001",
    price=10.60
)
"""

ORDERS_QUERY = """
# 查询所有订单
orders = client.get_orders(trader_index=0)

# 只查询可撤销的订单
cancelable_orders = client.get_orders(
    trader_index=0,
    cancelable_only=True
)

# 查询指定订单
order = client.get_order(
    order_id=12345,
    trader_index=0
)
"""

ORDERS_CANCEL = """
# 撤销指定订单
result = client.cancel_order(
    order_id=12345,
    trader_index=0
)

# 取消所有买单
result = client.cancel_all_buy_orders()

# 取消所有卖单
result = client.cancel_all_sell_orders()
"""

REPO_ALL = """
# 全部资金购买逆回购
result = client.reverse_repo()
"""

REPO_RESERVE = """
# 保留1000元，其余资金购买逆回购
result = client.reverse_repo(reserve_amount=1000)
"""

SUMMARY = """
# 一次获取资产+持仓
summary = client.get_account_summary(trader_index=0)

print(f"总资产: {summary['portfolio']['total_asset']}")
print(f"持仓数量: {len(summary['positions'])}只")
print(f"查询时间: {summary['timestamp']}")
"""

HAS_POSITION = """
# 检查是否持有某只股票
if client.has_position("000001.SZ"):
    print("持有该股票")
else:
    print("未持有该股票")

# 获取指定股票的持仓
pos = client.get_position_by_symbol("000001.SZ")
if pos:
    print(f"持有 {pos['volume']} 股")
"""

EXAMPLE1 = """
from qmt_trade_client import QMTTradeClient

# 创建客户端
client = QMTTradeClient(
    "http://localhost:9091",
    client_id="my_strategy",
    secret_key="my_secret_key"
)

# 查询账户资产
portfolio = client.get_portfolio(0)
print(f"可用资金: ¥{portfolio['cash']:,.2f}")

# 如果有足够资金，买入股票
if portfolio['cash'] >= 10000:
    result = client.buy("000001", price=10.50, shares=500)
    print(f"买入结果: {result}")
else:
    print("资金不足，无法买入")
"""

EXAMPLE2 = """
from qmt_trade_client import QMTTradeClient
import time

client = QMTTradeClient(
    "http://localhost:9091",
    client_id="grid_strategy",
    secret_key="secret"
)

# 网格参数
symbol = "000001"
base_price = 10.00
grid_size = 0.10  # 网格间距
grid_levels = 5   # 网格层数
shares_per_grid = 100  # 每格买入股数

# 生成买入价格网格
buy_prices = [base_price - i * grid_size for i in range(1, grid_levels + 1)]

# 在每个价格网格挂单
for price in buy_prices:
    try:
        result = client.buy(symbol, price=price, shares=shares_per_grid)
        print(f"✓ 在 ¥{price:.2f} 挂买单 {shares_per_grid}股")
    except Exception as e:
        print(f"✗ 挂单失败: {e}")

    time.sleep(0.5)  # 避免请求过快
"""

# 示例3 up to its endless loop; the test calls monitor_positions() once instead.
EXAMPLE3 = """
from qmt_trade_client import QMTTradeClient
import time
from datetime import datetime

client = QMTTradeClient(
    "http://localhost:9091",
    client_id="monitor",
    secret_key="secret"
)

def monitor_positions():
    \"\"\"监控持仓并自动止盈止损\"\"\"

    positions = client.get_positions(0)

    for pos in positions:
        symbol = pos['symbol']
        cost_price = pos['avg_price']
        current_price = pos['current_price']
        profit_ratio = pos['profit_ratio']

        print(f"\\n{symbol} {pos['name']}")
        print(f"  成本价: ¥{cost_price:.2f}")
        print(f"  现价: ¥{current_price:.2f}")
        print(f"  盈亏比例: {profit_ratio:.2f}%")

        # 止盈：盈利超过10%，卖出50%
        if profit_ratio >= 10:
            print(f"  → 触发止盈，卖出50%持仓")
            sell_shares = pos['can_use_volume'] // 2
            if sell_shares >= 100:
                client.sell(symbol, price=current_price * 0.99, shares=sell_shares)

        # 止损：亏损超过5%，全部卖出
        elif profit_ratio <= -5:
            print(f"  → 触发止损，全部卖出")
            client.sell_all(symbol, price=current_price * 0.99)
"""

EXAMPLE3_LOOP_HEAD = """
# 每分钟检查一次
while True:
"""

EXAMPLE4 = """
from qmt_trade_client import QMTTradeClient
import time

client = QMTTradeClient(
    "http://localhost:9091",
    client_id="batch_trader",
    secret_key="secret"
)

# 批量买入列表
buy_list = [
    {"symbol": "000001", "price": 10.50, "shares": 500},
    {"symbol": "000002", "price": 20.30, "shares": 300},
    {"symbol": "600000", "price": 15.20, "shares": 400},
]

print(f"准备批量买入 {len(buy_list)} 只股票\\n")

for item in buy_list:
    try:
        result = client.buy(**item)
        print(f"✓ {item['symbol']}: 买入 {item['shares']}股 @ ¥{item['price']}")
        time.sleep(0.5)  # 避免请求过快
    except Exception as e:
        print(f"✗ {item['symbol']}: 买入失败 - {e}")

print("\\n批量下单完成")
"""

EXAMPLE5 = """
from qmt_trade_client import QMTTradeClient

# 使用with语句，自动管理会话
with QMTTradeClient("http://localhost:9091") as client:
    # 登录
    client.login("admin", "password")

    # 执行交易
    accounts = client.get_accounts()
    print(f"账户数量: {len(accounts)}")

    # 退出with语句时自动清理资源
"""

ERROR_HANDLING = """
from qmt_trade_client import (
    QMTTradeClient,
    QMTAuthenticationError,
    QMTAPIError
)

client = QMTTradeClient("http://localhost:9091")

# 处理登录错误
try:
    client.login("admin", "wrong_password")
except QMTAuthenticationError as e:
    print(f"登录失败: {e}")

# 处理API调用错误
try:
    result = client.buy("000001", price=10.50, shares=500)
except QMTAPIError as e:
    print(f"买入失败: {e}")

# 处理参数错误
try:
    # 错误：同时提供 position_pct 和 shares
    result = client.buy(
        "000001",
        price=10.50,
        position_pct=0.1,
        shares=500
    )
except ValueError as e:
    print(f"参数错误: {e}")

# 处理所有异常
try:
    result = client.buy("000001", price=10.50, shares=500)
except Exception as e:
    print(f"交易失败: {e}")
"""

# The 完整API参考 signatures: (method, [(parameter, default or REQUIRED)]).
QUERY_METHODS = (
    "get_portfolio",
    "get_positions",
    "get_account_summary",
    "get_position_by_symbol",
    "has_position",
)
REQUIRED = inspect.Parameter.empty
API_REFERENCE: list[tuple[str, list[tuple[str, Any]]]] = [
    (
        "__init__",
        [
            ("base_url", "http://localhost:9091"),
            ("client_id", None),
            ("secret_key", None),
            ("timeout", 30),
        ],
    ),
    ("login", [("username", REQUIRED), ("password", REQUIRED)]),
    ("logout", []),
    ("get_accounts", []),
    ("get_portfolio", [("trader_index", 0)]),
    ("get_positions", [("trader_index", 0)]),
    ("get_account_summary", [("trader_index", 0)]),
    ("get_position_by_symbol", [("symbol", REQUIRED), ("trader_index", 0)]),
    ("has_position", [("symbol", REQUIRED), ("trader_index", 0)]),
    (
        "buy",
        [
            ("symbol", REQUIRED),
            ("price", REQUIRED),
            ("position_pct", None),
            ("shares", None),
            ("price_type", 0),
            ("trader_index", None),
            ("strategy_name", "客户端交易"),
        ],
    ),
    (
        "sell",
        [
            ("symbol", REQUIRED),
            ("price", REQUIRED),
            ("position_pct", None),
            ("shares", None),
            ("price_type", 0),
            ("trader_index", None),
            ("strategy_name", "客户端交易"),
        ],
    ),
    ("buy_all", [("symbol", REQUIRED), ("price", REQUIRED), ("trader_index", None)]),
    ("sell_all", [("symbol", REQUIRED), ("price", REQUIRED), ("trader_index", None)]),
    ("reverse_repo", [("reserve_amount", 0), ("trader_index", None)]),
    ("get_order", [("order_id", REQUIRED), ("trader_index", REQUIRED)]),
    ("get_orders", [("trader_index", REQUIRED), ("cancelable_only", False)]),
    ("cancel_order", [("order_id", REQUIRED), ("trader_index", REQUIRED)]),
    ("cancel_all_buy_orders", [("trader_index", None)]),
    ("cancel_all_sell_orders", [("trader_index", None)]),
]

ALL_SNIPPETS = [
    QUICKSTART,
    AUTH_SESSION,
    AUTH_SIGNED,
    AUTH_CONFIG_YAML,
    ACCOUNTS,
    PORTFOLIO,
    POSITIONS,
    BUY_PCT,
    BUY_SHARES,
    BUY_BOND,
    BUY_PRICE_TYPES,
    BUY_ALL,
    SELL_PCT_HALF,
    SELL_PCT_ALL,
    SELL_SHARES,
    SELL_ALL,
    ORDERS_QUERY,
    ORDERS_CANCEL,
    REPO_ALL,
    REPO_RESERVE,
    SUMMARY,
    HAS_POSITION,
    EXAMPLE1,
    EXAMPLE2,
    EXAMPLE3,
    EXAMPLE3_LOOP_HEAD,
    EXAMPLE4,
    EXAMPLE5,
    ERROR_HANDLING,
]


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "sleep", lambda seconds: None)


@pytest.fixture(params=SERVER_LINES)
def line(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def fresh_sim(tmp_path: Path, line: str) -> Any:
    """A simulator of its own for each snippet, playing ``line``."""
    with line_sim(tmp_path / "sim", line) as sim:
        yield sim


@pytest.fixture
def ref(fresh_sim: SimulatorProcess) -> Any:
    """A signed client of the fresh sim: ``client`` of some snippets, and the checker."""
    with signed_client(fresh_sim) as c:
        yield c


def lots(amount: float, price: float, lot: int = 100) -> int:
    return math.floor(amount / price / lot) * lot


def refused_upstream(
    sim: SimulatorProcess, snippet: str, capability: str, **names: Any
) -> QMTUnsupportedError:
    """Run a snippet the upstream line cannot do: it raises before sending, nothing is placed."""
    before = orders_at(sim)
    with pytest.raises(QMTUnsupportedError) as info:
        run_snippet(snippet, sim, **names)
    assert info.value.capability == capability and info.value.server_line == "upstream"
    assert orders_at(sim) == before
    return info.value


# --- the snippets are the manual's -------------------------------------------


@pytest.mark.parametrize("index", range(len(ALL_SNIPPETS)))
def test_snippet_text_is_the_manuals(index: int) -> None:
    # A missing manual is a failure, not a skip: these tests are what keeps the snippets honest.
    assert MANUAL_PATH.is_file(), (
        f"the user manual is missing at {MANUAL_PATH.resolve()}: "
        "check out ../shared beside the repository (as CI does)"
    )
    manual = normalized_lines(MANUAL_PATH.read_text(encoding="utf-8"))
    snippet = normalized_lines(ALL_SNIPPETS[index]).replace('\\"', '"')
    assert snippet in manual


# --- 快速开始 / 认证方式 -------------------------------------------------------


def test_quickstart(
    fresh_sim: SimulatorProcess,
    ref: QMTTradeClient,
    line: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = [ref.get_portfolio(i) for i in (0, 1)]
    if line == "upstream":  # the 10 % buy goes in, then the 500-share sell is refused
        with pytest.raises(QMTUnsupportedError, match="signed_fixed_shares"):
            run_snippet(QUICKSTART, fresh_sim)
    else:
        ns = run_snippet(QUICKSTART, fresh_sim)
        assert isinstance(ns["result"], TradeResult) and ns["result"].all_placed
    assert f"总资产: {before[0].total_asset}" in capsys.readouterr().out
    for i, p in enumerate(before):
        orders = ref.get_orders(i)
        want = lots(min(p.total_asset * 0.1, p.cash), 10.50)
        assert want > 0
        assert len(find(orders, side="buy", symbol="000001.SZ", volume=want, price=10.5)) == 1
        sells = find(orders, side="sell", symbol="000001.SZ", volume=500, price=10.6)
        assert len(sells) == (1 if line == "main" else 0)
        assert len(orders) == 1 + len(sells)


def test_auth_session(fresh_sim: SimulatorProcess, ref: QMTTradeClient) -> None:
    ns = run_snippet(AUTH_SESSION, fresh_sim, QMTTradeClient=QMTTradeClient)
    assert ns["portfolio"]["total_asset"] == ref.get_portfolio(0)["total_asset"]
    # logged out: the client holds no credentials any more
    with pytest.raises(QMTAuthenticationError):
        ns["client"].get_portfolio(0)


def test_auth_signed(fresh_sim: SimulatorProcess, ref: QMTTradeClient) -> None:
    before = ref.get_portfolio(0)
    ns = run_snippet(AUTH_SIGNED, fresh_sim, QMTTradeClient=QMTTradeClient)
    want = lots(min(before.total_asset * 0.1, before.cash), 10.50)
    placed = ns["result"].results[0].result
    assert (placed.order_num, placed.symbol) == (want, "000001.SZ")
    assert find(ref.get_orders(0), side="buy", volume=want)


@pytest.mark.parametrize("line", SERVER_LINES)
def test_auth_config_yaml_format_is_what_the_server_reads(tmp_path: Path, line: str) -> None:
    clients = yaml.safe_load(AUTH_CONFIG_YAML)["outer_api_clients"]

    def use_manual_clients(config: dict[str, Any]) -> None:
        config["outer_api_clients"] = clients
        config.setdefault("server", {})["line"] = line

    with custom_sim(tmp_path / "sim", use_manual_clients) as sim:
        # the manual's own placeholder credentials, unchanged, now work
        code = AUTH_SIGNED.replace("http://localhost:9091", sim.base_url)
        ns: dict[str, Any] = {"QMTTradeClient": QMTTradeClient}
        exec(code, ns)
        ns["client"].close()
        assert ns["result"].all_placed


# --- 核心功能 ------------------------------------------------------------------


def test_accounts(
    fresh_sim: SimulatorProcess, ref: QMTTradeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    run_snippet(ACCOUNTS, fresh_sim, client=ref)
    out = capsys.readouterr().out.splitlines()
    assert out == ["账户0: 账户1", "账户1: 账户2"]  # the sample config's nick names


def test_portfolio(
    fresh_sim: SimulatorProcess, ref: QMTTradeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    run_snippet(PORTFOLIO, fresh_sim, client=ref)
    out = capsys.readouterr().out
    # sample config: 1,000,000 cash + 2000×10.50 + 1000×15.20 + 100×125.50
    assert f"总资产: {1_000_000 + 2000 * 10.50 + 1000 * 15.20 + 100 * 125.50}" in out
    assert "可用金额: 1000000.0" in out
    assert "冻结金额: 0.0" in out
    assert "盈亏比例: 0%" in out


def test_positions(
    fresh_sim: SimulatorProcess, ref: QMTTradeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    run_snippet(POSITIONS, fresh_sim, client=ref)
    out = capsys.readouterr().out
    assert "000001.SZ 平安银行" in out and "600000.SH" in out and "128013.SZ" in out
    assert "  持仓: 2000股" in out
    profit = 2000 * (10.50 - 10.20)
    assert f"({profit / (2000 * 10.20) * 100:.2f}%)" in out


def test_buy_by_pct_with_strategy(
    fresh_sim: SimulatorProcess, ref: QMTTradeClient, line: str
) -> None:
    before = [ref.get_portfolio(i) for i in (0, 1)]
    ns = run_snippet(BUY_PCT, fresh_sim, client=ref)
    assert ns["result"].strategy_name == "我的策略"  # echoed by both lines
    for i, p in enumerate(before):
        want = lots(min(p.total_asset * 0.1, p.cash), 10.50)
        (order,) = find(ref.get_orders(i), side="buy", volume=want)
        # the upstream line never passes the strategy name to the broker
        wanted = "我的策略" if line == "main" else "quant_"
        assert order.strategy_name.startswith(wanted), order.strategy_name


def test_buy_shares_and_bond(fresh_sim: SimulatorProcess, ref: QMTTradeClient, line: str) -> None:
    if line == "upstream":
        refused_upstream(fresh_sim, BUY_SHARES, "signed_fixed_shares", client=ref)
        refused_upstream(fresh_sim, BUY_BOND, "signed_fixed_shares", client=ref)
        return
    run_snippet(BUY_SHARES, fresh_sim, client=ref)
    ns = run_snippet(BUY_BOND, fresh_sim, client=ref)
    assert ns["result"].results[0].result.symbol == "128013.SZ"
    for i in (0, 1):
        orders = ref.get_orders(i)
        assert find(orders, symbol="000001.SZ", volume=500, side="buy")
        assert find(orders, symbol="128013.SZ", volume=100, side="buy", price=125.5)


def test_buy_price_types(fresh_sim: SimulatorProcess, ref: QMTTradeClient, line: str) -> None:
    if line == "upstream":
        refused_upstream(fresh_sim, BUY_PRICE_TYPES, "signed_fixed_shares", client=ref)
        return
    run_snippet(BUY_PRICE_TYPES, fresh_sim, client=ref)
    orders = ref.get_orders(0)
    # Orders carry xtquant's codes: 0 -> FIX_PRICE 11, 1 -> LATEST_PRICE 5,
    # 2 -> 47 (best five IOC, Shenzhen), 3 -> 45 (own side best), 5 -> 44 (counter side best).
    assert sorted(o.price_type for o in orders) == [5, 11, 44, 45, 47]
    assert all(o.volume == 500 for o in orders)


def test_buy_all(fresh_sim: SimulatorProcess, ref: QMTTradeClient) -> None:
    before = [ref.get_portfolio(i) for i in (0, 1)]
    ns = run_snippet(BUY_ALL, fresh_sim, client=ref)
    result = ns["result"]
    assert len(result.order_ids) == 2
    for i, p in enumerate(before):
        (order,) = find(ref.get_orders(i), side="buy")
        assert order.volume == lots(p.cash, 10.50)  # total_asset × 1.0, capped at cash
        assert order.order_id == result.results[i].order_id


@pytest.mark.parametrize(
    ("snippet", "pct", "shares"),
    [
        (SELL_PCT_HALF, 0.5, None),
        (SELL_PCT_ALL, 1.0, None),
        (SELL_SHARES, None, 500),
        (SELL_ALL, 1.0, None),
    ],
    ids=["pct-0.5", "pct-1.0", "shares-500", "sell_all"],
)
def test_sell(
    fresh_sim: SimulatorProcess,
    ref: QMTTradeClient,
    line: str,
    snippet: str,
    pct: float | None,
    shares: int | None,
) -> None:
    if shares is not None and line == "upstream":
        refused_upstream(fresh_sim, snippet, "signed_fixed_shares", client=ref)
        return
    sellable = []
    for i in (0, 1):
        pos = ref.get_position_by_symbol("000001", i)
        assert pos is not None
        sellable.append(pos.can_use_volume)
    ns = run_snippet(snippet, fresh_sim, client=ref)
    assert ns["result"].all_placed
    for i, can_use in enumerate(sellable):
        volume = shares if shares is not None else math.floor(can_use * (pct or 0) / 100) * 100
        assert find(ref.get_orders(i), side="sell", symbol="000001.SZ", volume=volume, price=10.6)


def test_orders_query_and_cancel(fresh_sim: SimulatorProcess, ref: QMTTradeClient) -> None:
    # by ratio: the orders are set up the same way on both lines
    resting = ref.buy("000001", price=10.00, position_pct=0.01, trader_index=0).order_ids[0]
    filled = ref.buy("000001", price=10.50, position_pct=0.01, trader_index=0).order_ids[0]
    ns = run_snippet(ORDERS_QUERY.replace("12345", str(resting)), fresh_sim, client=ref)
    assert {o.order_id for o in ns["orders"]} == {resting, filled}
    assert [o.order_id for o in ns["cancelable_orders"]] == [resting]
    assert ns["order"]["order_id"] == resting and ns["order"]["status"] == 50

    ref.buy("000001", price=10.00, position_pct=0.01, trader_index=1)
    ref.sell("000001", price=11.00, position_pct=0.5)
    ns = run_snippet(ORDERS_CANCEL.replace("12345", str(resting)), fresh_sim, client=ref)
    assert ref.get_order(resting, 0).status == 54
    assert ns["result"]["message"] == "取消所有卖单完成"
    for i in (0, 1):
        assert ref.get_orders(i, cancelable_only=True) == []


def test_reverse_repo_all(fresh_sim: SimulatorProcess, ref: QMTTradeClient) -> None:
    before = [ref.get_portfolio(i).cash for i in (0, 1)]
    ns = run_snippet(REPO_ALL, fresh_sim, client=ref)
    for i, cash in enumerate(before):
        outcome = ns["result"].results[i].result
        assert outcome.order_num == math.floor(cash / 1000) * 10  # 10 张 per 1,000 CNY
        assert outcome.symbol == "131810.SZ"


def test_reverse_repo_reserve(fresh_sim: SimulatorProcess, ref: QMTTradeClient, line: str) -> None:
    if line == "upstream":  # it would lend ALL cash: refused
        error = refused_upstream(fresh_sim, REPO_RESERVE, "reverse_repo_reserve", client=ref)
        assert "全部" in str(error)
        return
    before = [ref.get_portfolio(i).cash for i in (0, 1)]
    ns = run_snippet(REPO_RESERVE, fresh_sim, client=ref)
    for i, cash in enumerate(before):
        outcome = ns["result"].results[i].result
        assert outcome.order_num == math.floor((cash - 1000) / 1000) * 10
    assert ref.get_portfolio(0).cash >= 1000


def test_summary(
    fresh_sim: SimulatorProcess, ref: QMTTradeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    ns = run_snippet(SUMMARY, fresh_sim, client=ref)
    out = capsys.readouterr().out
    assert f"总资产: {ref.get_portfolio(0).total_asset}" in out
    assert "持仓数量: 3只" in out
    assert f"查询时间: {ns['summary']['timestamp']}" in out


def test_has_position(
    fresh_sim: SimulatorProcess, ref: QMTTradeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    run_snippet(HAS_POSITION, fresh_sim, client=ref)
    assert capsys.readouterr().out.splitlines() == ["持有该股票", "持有 2000 股"]


# --- 完整API参考 ---------------------------------------------------------------


# Settings the SDK also takes from the environment, a .env file or the client's
# default account (qmt_facade.config) default to None in the signature; with
# nothing configured they resolve to the manual's default (test below).
CONFIGURABLE = {
    ("__init__", "base_url"),
    ("__init__", "timeout"),
    *((m, "trader_index") for m in QUERY_METHODS),
}


@pytest.mark.parametrize("cls", [QMTTradeClient, AsyncQMTTradeClient])
@pytest.mark.parametrize(("method", "params"), API_REFERENCE, ids=[m for m, _ in API_REFERENCE])
def test_api_reference_signature(cls: type, method: str, params: list[tuple[str, Any]]) -> None:
    signature = inspect.signature(getattr(cls, method))
    got = [(p.name, p.default) for p in signature.parameters.values() if p.name != "self"]
    assert [name for name, _ in got[: len(params)]] == [name for name, _ in params]
    for (name, manual_default), (_, default) in zip(params, got, strict=False):
        if (method, name) in CONFIGURABLE:
            assert default is None, (method, name)
        else:
            assert default == manual_default, (method, name)
    # anything the SDK adds beyond the manual must be optional
    assert all(default is not REQUIRED for _, default in got[len(params) :])


@pytest.mark.parametrize("cls", [QMTTradeClient, AsyncQMTTradeClient])
def test_unconfigured_defaults_are_the_manuals(
    cls: type, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    client = cls()
    manual = dict(API_REFERENCE[0][1])
    assert client.base_url == manual["base_url"]
    assert client._settings.timeout == manual["timeout"]
    assert client.trader_index == 0  # the queries' manual default
    if isinstance(client, AsyncQMTTradeClient):
        asyncio.run(client.aclose())
    else:
        client.close()


# --- 实战示例 ------------------------------------------------------------------


def test_example1(
    fresh_sim: SimulatorProcess,
    ref: QMTTradeClient,
    line: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cash = ref.get_portfolio(0).cash
    if line == "upstream":
        refused_upstream(fresh_sim, EXAMPLE1, "signed_fixed_shares")
        assert f"可用资金: ¥{cash:,.2f}" in capsys.readouterr().out
        return
    run_snippet(EXAMPLE1, fresh_sim)
    out = capsys.readouterr().out
    assert f"可用资金: ¥{cash:,.2f}" in out and "买入结果:" in out
    for i in (0, 1):
        assert find(ref.get_orders(i), side="buy", volume=500, price=10.5)


def test_example2_grid(
    fresh_sim: SimulatorProcess,
    ref: QMTTradeClient,
    line: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_snippet(EXAMPLE2, fresh_sim)
    expected = [10.00 - i * 0.10 for i in range(1, 6)]  # 9.90 ... 9.50
    out = capsys.readouterr().out
    if line == "upstream":  # the snippet catches each refusal and prints it
        assert out.count("✗ 挂单失败") == 5 and out.count("signed_fixed_shares") == 5
        assert "✓" not in out and orders_at(fresh_sim) == 0
        return
    assert out.count("✓") == 5 and "✗" not in out
    for price in expected:
        assert f"✓ 在 ¥{price:.2f} 挂买单 100股" in out
    for i in (0, 1):
        orders = ref.get_orders(i)
        assert len(orders) == 5
        assert sorted(o.price for o in orders) == pytest.approx(sorted(expected))
        # below the 10.50 market: every grid order rests
        assert all(o.status == 50 and o.volume == 100 and o.side == "buy" for o in orders)


@pytest.mark.parametrize("line", SERVER_LINES)
def test_example3_monitor_once(
    tmp_path: Path, line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    def winners_and_losers(config: dict[str, Any]) -> None:
        config.setdefault("server", {})["line"] = line
        config["accounts"][0]["positions"] = [
            {"symbol": "000001.SZ", "volume": 2000, "avg_price": 9.00},  # +16.7%: take profit
            {"symbol": "600000.SH", "volume": 1000, "avg_price": 17.00},  # -10.6%: stop loss
            {"symbol": "000002.SZ", "volume": 500, "avg_price": 20.00},  # +1.5%: nothing
        ]

    with custom_sim(tmp_path / "sim", winners_and_losers) as sim, signed_client(sim) as ref:
        ns = run_snippet(EXAMPLE3, sim, close=False)
        if line == "upstream":  # the take-profit sells by shares: refused, nothing placed
            with pytest.raises(QMTUnsupportedError, match="signed_fixed_shares"):
                ns["monitor_positions"]()
            ns["client"].close()
            assert "触发止盈" in capsys.readouterr().out and orders_at(sim) == 0
            return
        ns["monitor_positions"]()
        ns["client"].close()
        out = capsys.readouterr().out
        assert out.count("触发止盈") == 1 and out.count("触发止损") == 1
        orders = ref.get_orders(0)
        (take,) = find(orders, symbol="000001.SZ", side="sell")
        assert take.volume == 1000 and take.price == pytest.approx(10.50 * 0.99, abs=1e-3)
        (stop,) = find(orders, symbol="600000.SH", side="sell")
        assert stop.volume == 1000 and stop.price == pytest.approx(15.20 * 0.99, abs=1e-3)
        assert not find(orders, symbol="000002.SZ")


def test_example4_batch(
    fresh_sim: SimulatorProcess,
    ref: QMTTradeClient,
    line: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_snippet(EXAMPLE4, fresh_sim)
    out = capsys.readouterr().out
    if line == "upstream":
        assert out.count("✗") == 3 and "✓" not in out and out.count("signed_fixed_shares") == 3
        assert orders_at(fresh_sim) == 0
        return
    assert out.count("✓") == 3 and "✗" not in out and "批量下单完成" in out
    for i in (0, 1):
        orders = ref.get_orders(i)
        assert find(orders, symbol="000001.SZ", volume=500, price=10.5, side="buy")
        assert find(orders, symbol="000002.SZ", volume=300, price=20.3, side="buy")
        assert find(orders, symbol="600000.SH", volume=400, price=15.2, side="buy")


def test_example5_with_logs_out_on_exit(
    fresh_sim: SimulatorProcess, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    logouts: list[QMTTradeClient] = []
    real_logout = QMTTradeClient.logout

    def spy(self: QMTTradeClient) -> bool:
        logouts.append(self)
        return real_logout(self)

    monkeypatch.setattr(QMTTradeClient, "logout", spy)
    ns = run_snippet(EXAMPLE5, fresh_sim)
    assert "账户数量: 2" in capsys.readouterr().out
    assert logouts == [ns["client"]]
    assert ns["client"]._http.is_closed
    assert "auth='none'" in repr(ns["client"])


def test_error_handling_pieces(
    fresh_sim: SimulatorProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    """The snippet's parts: bad password, then the ValueError with the manual's wording."""
    with QMTTradeClient(fresh_sim.base_url) as client:
        with pytest.raises(QMTAuthenticationError, match="用户名或密码错误"):
            client.login(fresh_sim.username or "", "wrong_password")
        with pytest.raises(ValueError, match="position_pct 和 shares 不能同时提供"):
            client.buy("000001", price=10.50, position_pct=0.1, shares=500)
        with pytest.raises(ValueError, match="必须提供 position_pct 或 shares 其中之一"):
            client.buy("000001", price=10.50)


def test_error_handling_snippet_runs_whole(
    fresh_sim: SimulatorProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    run_snippet(ERROR_HANDLING, fresh_sim)
    out = capsys.readouterr().out
    assert "登录失败: 认证失败" in out
    assert "参数错误: position_pct 和 shares 不能同时提供" in out
