"""Quick start against the simulator: the README's `make demo`.

Starts a simulated QMT server (paper trading on a SQLite file in a temporary
folder), runs a small strategy through qmt_facade exactly as a user would
against a real server, and stops the simulator again.
"""

from __future__ import annotations

import logging
import sys
import tempfile

import httpx

from qmt_facade import QMTAPIError, QMTTradeClient, QMTValidationError
from qmt_facade.signing import QMTSignatureAuth
from qmt_sim.testing import SimulatorProcess


def show_portfolio(client: QMTTradeClient, title: str) -> None:
    portfolio = client.get_portfolio(0)
    print(f"\n== {title} ==")
    print(
        f"总资产 ¥{portfolio['total_asset']:,.2f}  可用 ¥{portfolio['cash']:,.2f}  "
        f"冻结 ¥{portfolio['frozen_cash']:,.2f}  市值 ¥{portfolio['market_value']:,.2f}"
    )
    for pos in client.get_positions(0):
        print(
            f"  {pos['symbol']} {pos['name']}: {pos['volume']} (可用 {pos['can_use_volume']}) "
            f"成本 {pos['avg_price']:.2f} 现价 {pos['current_price']:.2f} "
            f"盈亏 {pos['profit_ratio']:+.2f}%"
        )


def advance_market(sim: SimulatorProcess, steps: int) -> None:
    """Simulator-only: move the simulated market so resting orders can fill."""
    auth = QMTSignatureAuth(sim.client_id, sim.secret_key)
    with httpx.Client(base_url=sim.base_url, auth=auth, timeout=10) as admin:
        admin.post("/sim/tick", json={"steps": steps}).raise_for_status()


def run_strategy(client: QMTTradeClient, sim: SimulatorProcess) -> None:
    accounts = client.get_accounts()
    print("账户:", ", ".join(f"{a['index']}={a['nick_name']}({a['account_id']})" for a in accounts))
    show_portfolio(client, "开始")

    quote = client.get_position_by_symbol("000001", trader_index=0)
    price = round(quote["current_price"], 2) if quote else 10.50

    print(f"\n买入 000001 10% 仓位 @ ¥{price}")
    bought = client.buy("000001", price=price, position_pct=0.1, trader_index=0)
    for r in bought.results:
        print(f"  账户{r.trader_index}: {r.result.message if r.result else r.reason}")

    print("卖出 600000 500股 @ 市价 (price_type=5)")
    sold = client.sell("600000", price=15.0, shares=500, price_type=5, trader_index=0)
    for r in sold.results:
        print(f"  账户{r.trader_index}: {r.result.message if r.result else r.reason}")

    print("挂一笔低价限价买单，然后撤单")
    resting = client.buy("000002", price=19.0, shares=100, trader_index=0)
    order_id = resting.order_ids[0]
    print(f"  委托 {order_id}: {client.get_order(order_id, 0).status_name}")
    cancel = client.cancel_order(order_id, trader_index=0)
    print(f"  撤单: {cancel['message']} -> {client.get_order(order_id, 0).status_name}")

    print("让模拟市场走 5 步，等待买单成交…")
    advance_market(sim, 5)
    for order_id in bought.order_ids:
        order = client.wait_for_order(order_id, trader_index=0, timeout=10)
        filled = f"{order['traded_volume']}股 @ {order['traded_price']}"
        print(f"  委托 {order_id}: {order.status_name} {filled}")

    print("\n今日委托:")
    for order in client.get_orders(trader_index=0):
        print(
            f"  {order['order_id']} {order['side']:4} {order['symbol']} {order['volume']:>6} "
            f"@ {order['price']:<7} {order['m_status']}"
        )

    try:
        client.buy("000001", price=price, shares=150)
    except QMTValidationError as error:
        print(f"\n参数错误在发送前被拦截: {error}")

    show_portfolio(client, "结束")


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="qmt-demo-") as directory:
        print("启动模拟QMT服务器…")
        with SimulatorProcess(directory) as sim:
            print(f"模拟服务器: {sim.base_url} (数据库 {sim.db_path})")
            with QMTTradeClient(
                sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key
            ) as client:
                try:
                    run_strategy(client, sim)
                except QMTAPIError as error:
                    print(f"交易失败: {error}", file=sys.stderr)
                    return 1
        print("\n模拟服务器已停止。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
