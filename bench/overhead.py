"""The facade's own CPU per call, with the network taken out.

Both the facade and the raw-httpx floor talk to the same in-process
httpx.MockTransport that answers canned, spec-shaped bodies, so the
difference is what the facade adds (validation, generated models, records,
the plan driver), free of the server's and the loopback's noise.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx

from bench.raw_httpx import RawHttpxClient
from qmt_facade import QMTTradeClient

_PORTFOLIO = {
    "portfolio": {
        "total_asset": 1_000_000.0,
        "cash": 900_000.0,
        "frozen_cash": 0.0,
        "market_value": 100_000.0,
        "profit": 0,
        "profit_ratio": 0,
    }
}
_BUY = {
    "message": "第三方buy交易执行完成",
    "operation": "buy",
    "trade_mode": "order_num",
    "trade_param": 100,
    "strategy_name": "客户端交易",
    "results": [
        {
            "trader_index": 0,
            "status": "success",
            "result": {
                "success": True,
                "symbol": "000001.SZ",
                "order_num": 100,
                "price": 9.5,
                "value": 950.0,
                "order_id": 1000001,
                "message": "买入限价单提交成功: 000001.SZ 100股 @9.5, OrderID: 1000001",
            },
        }
    ],
}


def _answer(request: httpx.Request) -> httpx.Response:
    body = _BUY if request.method == "POST" else _PORTFOLIO
    return httpx.Response(
        200, content=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )


def _cpu_us_per_call(fn: Callable[[], Any], calls: int) -> float:
    start = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - start) / calls * 1e6


def _operations(client: Any) -> dict[str, Callable[[], Any]]:
    if isinstance(client, RawHttpxClient):
        return {
            "get_portfolio": lambda: client.get_portfolio(0),
            "buy": lambda: client.buy("000001", 9.5, 100, 0),
        }
    return {
        "get_portfolio": lambda: client.get_portfolio(0),
        "buy": lambda: client.buy("000001", price=9.5, shares=100, trader_index=0),
    }


def measure(calls: int, reps: int) -> dict[str, dict[str, float]]:
    """CPU µs per call of raw httpx and the sync facade, per operation, and their ratio.

    A third variant, the facade given a stock ``httpx.Client`` (``http_client=``),
    shows the facade's own code alone: its ratio leaves out the per-request
    work the facade's own httpx client saves (``qmt_facade.transports``).
    """
    transport = httpx.MockTransport(_answer)
    raw = RawHttpxClient("http://qmt.invalid", "bench", "bench-secret")
    raw._http._transport = transport
    # The canned transport answers every path alike: name the line instead of probing it.
    options: dict[str, Any] = {
        "client_id": "bench", "secret_key": "bench-secret", "server_line": "main"
    }  # fmt: skip
    facade = QMTTradeClient("http://qmt.invalid", **options)
    facade._http._transport = transport
    stock_http = httpx.Client(transport=transport)
    stock = QMTTradeClient("http://qmt.invalid", **options, http_client=stock_http)
    variants = {"raw": raw, "facade": facade, "stock": stock}
    results = {}
    for op in ("get_portfolio", "buy"):
        fns = {name: _operations(client)[op] for name, client in variants.items()}
        for fn in fns.values():  # warm-up
            for _ in range(calls // 10):
                fn()
        samples: dict[str, list[float]] = {name: [] for name in fns}
        for _ in range(reps):  # interleaved, so a noisy moment hits every variant alike
            for name, fn in fns.items():
                samples[name].append(_cpu_us_per_call(fn, calls))
        raw_us, facade_us, stock_us = (statistics.median(samples[n]) for n in variants)
        results[op] = {
            "raw_us": raw_us,
            "facade_us": facade_us,
            "added_us": facade_us - raw_us,
            "ratio": facade_us / raw_us,
            "stock_httpx_facade_us": stock_us,
            "stock_httpx_ratio": stock_us / raw_us,
        }
    raw.close()
    facade.close()
    stock.close()
    stock_http.close()
    return results
