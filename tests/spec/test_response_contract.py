"""The response checker used by the integration fixtures really rejects off-spec answers."""

from __future__ import annotations

import httpx
from response_contract import ResponseContract

PORTFOLIO = {
    "total_asset": 100.0,
    "cash": 50.0,
    "frozen_cash": 0.0,
    "market_value": 50.0,
    "profit": 0,
    "profit_ratio": 0,
}


def _answer(path: str, status: int, body: object) -> httpx.Response:
    request = httpx.Request("GET", f"http://sim{path}")
    return httpx.Response(status, json=body, request=request)


def test_a_conforming_answer_passes() -> None:
    contract = ResponseContract.from_spec()
    contract.check(_answer("/qmt/trade/api/portfolio/0", 200, {"portfolio": PORTFOLIO}))
    assert contract.checked == 1
    assert contract.violations == []


def test_missing_field_extra_field_and_unknown_status_are_violations() -> None:
    contract = ResponseContract.from_spec()
    missing = {k: v for k, v in PORTFOLIO.items() if k != "cash"}
    contract.check(_answer("/qmt/trade/api/portfolio/0", 200, {"portfolio": missing}))
    contract.check(
        _answer("/qmt/trade/api/portfolio/0", 200, {"portfolio": {**PORTFOLIO, "bonus": 1}})
    )
    contract.check(_answer("/qmt/trade/api/portfolio/0", 418, {"error": "teapot"}))
    assert len(contract.violations) == 3
    assert "'cash' is a required property" in contract.violations[0]
    assert "bonus" in contract.violations[1]
    assert "status not in the spec" in contract.violations[2]
