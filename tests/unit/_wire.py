"""Parsed wire models for driving plans by hand in unit tests."""

from __future__ import annotations

from qmt_server_client import models as wire


def accounts(n: int) -> wire.AccountList:
    return wire.AccountList.from_dict(
        {
            "accounts": [
                {"index": i, "account_id": f"id{i}", "nick_name": f"账户{i + 1}"} for i in range(n)
            ]
        }
    )


def positions(*held: tuple[str, int, int]) -> wire.PositionList:
    """Positions from (symbol, volume, can_use_volume)."""
    return wire.PositionList.from_dict(
        {
            "positions": [
                {
                    "symbol": symbol,
                    "name": symbol,
                    "volume": volume,
                    "can_use_volume": can_use,
                    "frozen_volume": volume - can_use,
                    "market_value": 0,
                    "avg_price": 1,
                    "open_price": 1,
                    "current_price": 1,
                    "profit": 0,
                    "profit_ratio": 0,
                }
                for symbol, volume, can_use in held
            ]
        }
    )


def order_wire(
    order_id: int,
    status: int,
    traded: int = 0,
    symbol: str = "000001.SZ",
    volume: int = 100,
) -> wire.Order:
    return wire.Order.from_dict(
        {
            "order_id": order_id,
            "symbol": symbol,
            "side": "buy",
            "status": status,
            "m_status": "x",
            "volume": volume,
            "time": 1700000000,
            "price": 10.0,
            "price_type": 0,
            "traded_volume": traded,
            "traded_price": 10.0 if traded else 0.0,
            "strategy_name": "s",
        }
    )
