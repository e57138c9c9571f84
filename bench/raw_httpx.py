"""Baseline (a): a bare httpx.Client with QMTSignatureAuth and hand-written JSON handling.

The floor the facade is measured against: the same transport and signing,
none of the facade's validation, generated models or records.
"""

from __future__ import annotations

from typing import Any

import httpx

from qmt_facade.signing import QMTSignatureAuth


class RawHttpxClient:
    def __init__(self, base_url: str, client_id: str, secret_key: str, timeout: float = 30) -> None:
        self._http = httpx.Client(
            base_url=base_url,
            auth=QMTSignatureAuth(client_id, secret_key),
            timeout=timeout,
        )

    def get_portfolio(self, trader_index: int = 0) -> dict[str, Any]:
        response = self._http.get(f"/qmt/trade/api/portfolio/{trader_index}")
        if response.status_code != 200:
            raise RuntimeError(f"get_portfolio: HTTP {response.status_code}: {response.text[:200]}")
        portfolio: dict[str, Any] = response.json()["portfolio"]
        return portfolio

    def buy(
        self,
        symbol: str,
        price: float,
        shares: int,
        trader_index: int | None = None,
        strategy_name: str = "客户端交易",
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "symbol": symbol,
            "trade_price": price,
            "order_num": shares,
            "price_type": 0,
            "strategy_name": strategy_name,
        }
        if trader_index is not None:
            body["trader_index"] = trader_index
        response = self._http.post("/qmt/trade/api/outer/trade/buy", json=body)
        if response.status_code != 200:
            raise RuntimeError(f"buy: HTTP {response.status_code}: {response.text[:200]}")
        result: dict[str, Any] = response.json()
        if not any((r.get("result") or {}).get("success") for r in result.get("results", [])):
            raise RuntimeError(f"buy placed no order: {result}")
        return result

    def close(self) -> None:
        self._http.close()


class RawAsyncHttpxClient:
    """The same floor over httpx.AsyncClient: separates httpx's async cost from the facade's."""

    def __init__(self, base_url: str, client_id: str, secret_key: str, timeout: float = 30) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url,
            auth=QMTSignatureAuth(client_id, secret_key),
            timeout=timeout,
        )

    async def get_portfolio(self, trader_index: int = 0) -> dict[str, Any]:
        response = await self._http.get(f"/qmt/trade/api/portfolio/{trader_index}")
        if response.status_code != 200:
            raise RuntimeError(f"get_portfolio: HTTP {response.status_code}: {response.text[:200]}")
        portfolio: dict[str, Any] = response.json()["portfolio"]
        return portfolio

    async def buy(
        self,
        symbol: str,
        price: float,
        shares: int,
        trader_index: int | None = None,
        strategy_name: str = "客户端交易",
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "symbol": symbol,
            "trade_price": price,
            "order_num": shares,
            "price_type": 0,
            "strategy_name": strategy_name,
        }
        if trader_index is not None:
            body["trader_index"] = trader_index
        response = await self._http.post("/qmt/trade/api/outer/trade/buy", json=body)
        if response.status_code != 200:
            raise RuntimeError(f"buy: HTTP {response.status_code}: {response.text[:200]}")
        result: dict[str, Any] = response.json()
        if not any((r.get("result") or {}).get("success") for r in result.get("results", [])):
            raise RuntimeError(f"buy placed no order: {result}")
        return result

    async def __aenter__(self) -> RawAsyncHttpxClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._http.aclose()
