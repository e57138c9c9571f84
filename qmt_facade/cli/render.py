"""How the `qmt` commands print: rich tables for people, JSON for machines.

Column names are the manual's Chinese words where it has them (总资产, 可用金额,
持仓, 成本价...). Numbers are right-aligned; money has thousands separators.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from qmt_facade import (
    SHANGHAI,
    STATUS_NAMES,
    Account,
    Bar,
    CancelAllResult,
    CancelResult,
    Order,
    OrderEvent,
    Portfolio,
    Position,
    Tick,
    TradeResult,
)

# Width for output that is not a terminal (a pipe, a file): wide enough that
# no column of `qmt orders` is cut.
PIPE_WIDTH = 200
SIDE_NAMES = {"buy": "买入", "sell": "卖出"}
PRICE_TYPE_NAMES = {
    0: "限价",
    1: "最新价",
    2: "最优五档即时成交剩余撤销",
    3: "本方最优",
    5: "对方最优",
}


def console_for(stream: TextIO) -> Console:
    terminal = stream.isatty()
    return Console(file=stream, width=None if terminal else PIPE_WIDTH, highlight=False)


def money(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def price(value: float | None) -> str:
    """Two decimals, three where the price needs them (bonds, funds: tick 0.001)."""
    if value is None:
        return ""
    return f"{value:,.2f}" if abs(value * 100 - round(value * 100)) < 1e-6 else f"{value:,.3f}"


def count(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def percent(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}%"


def write_json(payload: Any, stream: TextIO | None = None) -> None:
    """One JSON document (UTF-8, non-ASCII kept) and a newline."""
    out = stream or sys.stdout
    out.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
    out.flush()


def write_json_line(payload: Any) -> None:
    """One compact JSON object per line (JSON Lines), for streams such as `qmt watch`."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


class _PlainTable(Table):
    """A table whose title and cells are plain text, never rich markup.

    Server messages, names and strategy names may contain ``[...]``.
    """

    def add_row(self, *cells: Any, **options: Any) -> None:
        super().add_row(*(Text(c) if isinstance(c, str) else c for c in cells), **options)


def _table(title: str | None, columns: Sequence[tuple[str, bool]]) -> Table:
    """``columns``: (header, numeric); numeric columns are right-aligned."""
    table = _PlainTable(
        title=Text(title) if title else None,
        title_justify="left",
        show_edge=False,
        pad_edge=False,
    )
    for header, numeric in columns:
        table.add_column(header, justify="right" if numeric else "left", no_wrap=True)
    return table


def _pairs(title: str, rows: Iterable[tuple[str, str]], numeric: bool = False) -> Table:
    table = _table(title, [("项目", False), ("值", numeric)])
    for key, value in rows:
        table.add_row(key, value)
    return table


def accounts_table(accounts: Sequence[Account]) -> Table:
    table = _table("账户", [("序号", True), ("资金账号", False), ("名称", False)])
    for account in accounts:
        table.add_row(str(account.index), account.account_id, account.nick_name)
    return table


def portfolio_table(portfolio: Portfolio, trader_index: int | None) -> Table:
    title = "账户资产" if trader_index is None else f"账户 {trader_index} 资产"
    return _pairs(
        title,
        [
            ("总资产", money(portfolio.total_asset)),
            ("可用金额", money(portfolio.cash)),
            ("冻结金额", money(portfolio.frozen_cash)),
            ("持仓市值", money(portfolio.market_value)),
            ("盈亏", money(portfolio.profit)),
            ("盈亏比例", percent(portfolio.profit_ratio)),
        ],
        numeric=True,
    )


def positions_table(positions: Sequence[Position], trader_index: int | None) -> Table:
    title = "持仓" if trader_index is None else f"账户 {trader_index} 持仓"
    table = _table(
        title,
        [
            ("代码", False),
            ("名称", False),
            ("持仓", True),
            ("可用", True),
            ("成本价", True),
            ("现价", True),
            ("市值", True),
            ("盈亏", True),
            ("盈亏比例", True),
        ],
    )
    for p in positions:
        table.add_row(
            p.symbol,
            p.name,
            count(p.volume),
            count(p.can_use_volume),
            price(p.avg_price),
            price(p.current_price),
            money(p.market_value),
            money(p.profit),
            percent(p.profit_ratio),
        )
    return table


def _status(order: Order) -> str:
    return f"{order.status} {order.status_name}"


def _clock(order: Order) -> str:
    return order.order_time.astimezone(SHANGHAI).strftime("%H:%M:%S")


_ORDER_COLUMNS = [
    ("委托号", True),
    ("代码", False),
    ("方向", False),
    ("状态", False),
    ("委托量", True),
    ("委托价", True),
    ("成交量", True),
    ("成交均价", True),
    ("价格类型", True),
    ("时间", False),
    ("策略", False),
]


def _order_cells(o: Order) -> list[str]:
    return [
        str(o.order_id),
        o.symbol,
        SIDE_NAMES.get(o.side, o.side),
        _status(o),
        count(o.volume),
        price(o.price),
        count(o.traded_volume),
        price(o.traded_price),
        f"{o.price_type} {o.price_type_name}",
        _clock(o),
        o.strategy_name,
    ]


def orders_table(orders: Sequence[Order], trader_index: int | None) -> Table:
    title = "当日委托" if trader_index is None else f"账户 {trader_index} 当日委托"
    table = _table(title, _ORDER_COLUMNS)
    for order in orders:
        table.add_row(*_order_cells(order))
    return table


def order_table(order: Order) -> Table:
    headers = [header for header, _ in _ORDER_COLUMNS]
    return _pairs(f"委托 {order.order_id}", zip(headers, _order_cells(order), strict=True))


def _first(levels: tuple[float | None, ...]) -> float | None:
    return levels[0] if levels else None


def quotes_table(ticks: Mapping[str, Tick]) -> Table:
    table = _table(
        "行情",
        [
            ("代码", False),
            ("最新价", True),
            ("涨跌幅", True),
            ("开盘", True),
            ("最高", True),
            ("最低", True),
            ("昨收", True),
            ("成交量", True),
            ("成交额", True),
            ("买一", True),
            ("卖一", True),
            ("时间", False),
        ],
    )
    for symbol, t in ticks.items():
        change = (t.last_price / t.last_close - 1) * 100 if t.last_close else None
        table.add_row(
            symbol,
            price(t.last_price),
            "" if change is None else f"{change:+.2f}%",
            price(t.open),
            price(t.high),
            price(t.low),
            price(t.last_close),
            count(t.volume),
            money(t.amount),
            price(_first(t.bid_prices)),
            price(_first(t.ask_prices)),
            t.time.strftime("%Y-%m-%d %H:%M:%S") if t.time is not None else "",
        )
    return table


def bars_table(symbol: str, period: str, bars: Sequence[Bar]) -> Table:
    daily = period in ("1d", "1w", "1mon", "1q", "1hy", "1y")
    table = _table(
        f"{symbol} {period}",
        [
            ("日期" if daily else "时间", False),
            ("开盘", True),
            ("最高", True),
            ("最低", True),
            ("收盘", True),
            ("成交量", True),
            ("成交额", True),
        ],
    )
    for bar in bars:
        when = bar.time.strftime("%Y-%m-%d" if daily else "%Y-%m-%d %H:%M")
        table.add_row(
            when,
            price(bar.open),
            price(bar.high),
            price(bar.low),
            price(bar.close),
            count(bar.volume),
            money(bar.amount),
        )
    return table


def request_table(title: str, rows: Iterable[tuple[str, str]]) -> Table:
    """What an order-placing command is about to send."""
    return _pairs(title, rows)


def trade_table(result: TradeResult) -> Table:
    """Each account's outcome; the caption names the call's client order id (find_order)."""
    table = _table(
        result.message,
        [
            ("账户", True),
            ("结果", False),
            ("委托号", True),
            ("数量", True),
            ("价格", True),
            ("说明", False),
        ],
    )
    for entry in result.results:
        outcome = entry.result
        table.add_row(
            str(entry.trader_index),
            "已下单" if entry.placed else "未下单",
            str(entry.order_id or ""),
            count(outcome.order_num) if outcome is not None else "",
            price(outcome.price) if outcome is not None else "",
            outcome.message if entry.placed and outcome is not None else entry.reason,
        )
    if result.client_order_id is not None:
        table.caption = Text(f"client_order_id: {result.client_order_id}")
        table.caption_justify = "left"
    return table


def cancel_table(result: CancelResult) -> Table:
    return _pairs(
        f"撤单 {result.order_id}",
        [("结果", "成功" if result.success else "失败"), ("说明", result.message)],
    )


def cancel_all_table(result: CancelAllResult) -> Table:
    table = _table(result.message, [("账户", True), ("状态", False), ("错误", False)])
    for entry in result.results:
        table.add_row(str(entry.trader_index), entry.status, entry.error or "")
    return table


def event_line(event: OrderEvent) -> str:
    """One line per order change for `qmt watch`."""
    order, previous = event.order, event.previous
    change = _status(order) if previous is None else f"{_status(previous)} -> {_status(order)}"
    side = SIDE_NAMES.get(order.side, order.side)
    return (
        f"{_clock(order)}  {order.order_id}  {order.symbol}  {side}  {change}  "
        f"成交 {count(order.traded_volume)}/{count(order.volume)} @ {price(order.price)}"
    )


def event_json(event: OrderEvent) -> dict[str, Any]:
    return {
        "order": event.order.to_dict(),
        "previous_status": event.previous.status if event.previous is not None else None,
        "status_name": STATUS_NAMES.get(event.order.status, event.order.m_status),
    }
