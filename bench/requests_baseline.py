"""A client like the manual's original: one requests.Session, json and hmac.

Deliberately independent of qmt_facade (no import from it): it signs with its
own few lines, the way the original ``qmt_trade_client`` did, so the
benchmark compares the facade with what users ran before.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

import requests


class RequestsBaselineClient:
    """get_portfolio and buy over requests, with the server's signature rule."""

    def __init__(self, base_url: str, client_id: str, secret_key: str, timeout: float = 30) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self._secret = secret_key.encode("utf-8")
        self.timeout = timeout
        self.session = requests.Session()

    def _sign(self, method: str, path: str, query: str, body: str, timestamp: str) -> str:
        # METHOD\nPATH\nQUERY\nBODY\nTIMESTAMP\nCLIENT_ID; GET signs no body.
        if method == "GET":
            body = ""
        message = "\n".join((method, path, query, body, timestamp, self.client_id))
        return hmac.new(self._secret, message.encode("utf-8"), hashlib.sha256).hexdigest()

    def _request(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
    ) -> Any:
        query = urlencode(params) if params else ""
        url = f"{self.base_url}{path}" + (f"?{query}" if query else "")
        # The server signs its own re-serialisation of the body (sorted keys,
        # no spaces, ASCII escapes); sending exactly that text signs it as is.
        body = json.dumps(data, sort_keys=True, separators=(",", ":")) if data else ""
        timestamp = str(int(time.time()))
        headers = {
            "X-Client-ID": self.client_id,
            "X-Timestamp": timestamp,
            "X-Signature": self._sign(method, path, query, body, timestamp),
        }
        if data is not None:
            headers["Content-Type"] = "application/json"
        response = self.session.request(
            method,
            url,
            data=body.encode("utf-8") if body else None,
            headers=headers,
            timeout=self.timeout,
        )
        if response.status_code != 200:
            raise RuntimeError(
                f"{method} {path}: HTTP {response.status_code}: {response.text[:200]}"
            )
        return response.json()

    def get_portfolio(self, trader_index: int = 0) -> dict[str, Any]:
        portfolio: dict[str, Any] = self._request(
            "GET", f"/qmt/trade/api/portfolio/{trader_index}"
        )["portfolio"]
        return portfolio

    def buy(
        self,
        symbol: str,
        price: float,
        shares: int,
        trader_index: int | None = None,
        strategy_name: str = "客户端交易",
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "symbol": symbol,
            "trade_price": price,
            "order_num": shares,
            "price_type": 0,
            "strategy_name": strategy_name,
        }
        if trader_index is not None:
            data["trader_index"] = trader_index
        result: dict[str, Any] = self._request("POST", "/qmt/trade/api/outer/trade/buy", data=data)
        if not any((r.get("result") or {}).get("success") for r in result.get("results", [])):
            raise RuntimeError(f"buy placed no order: {result}")
        return result

    def close(self) -> None:
        self.session.close()
