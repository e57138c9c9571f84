from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Position")


@_attrs_define
class Position:
    """One holding. Volumes are in shares (股) for stocks and in 张 for convertible bonds.

    Example:
        {'symbol': '000001.SZ', 'name': '平安银行', 'volume': 1000, 'can_use_volume': 1000, 'frozen_volume': 0,
            'market_value': 10500.0, 'avg_price': 10.2, 'open_price': 10.2, 'current_price': 10.5, 'profit': 300.0,
            'profit_ratio': 2.941176470588235}

    Attributes:
        symbol (str): Suffixed symbol, e.g. `000001.SZ`.
        name (str): Instrument name (the symbol when the name is unknown).
        volume (int): Held quantity (股 or 张).
        can_use_volume (int): Quantity that can be sold now (T+1, today's buys are not included).
        frozen_volume (int): Quantity frozen by open sell orders.
        market_value (float): Market value (CNY).
        avg_price (float): Average cost per share/张 (CNY).
        open_price (float): Opening cost price (CNY).
        current_price (float): Latest price (CNY); the cost price when no quote is available.
        profit (float): Floating profit (CNY).
        profit_ratio (float): Floating profit in PERCENT (5.0 means +5%), not a ratio.
    """

    symbol: str
    name: str
    volume: int
    can_use_volume: int
    frozen_volume: int
    market_value: float
    avg_price: float
    open_price: float
    current_price: float
    profit: float
    profit_ratio: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        name = self.name

        volume = self.volume

        can_use_volume = self.can_use_volume

        frozen_volume = self.frozen_volume

        market_value = self.market_value

        avg_price = self.avg_price

        open_price = self.open_price

        current_price = self.current_price

        profit = self.profit

        profit_ratio = self.profit_ratio

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "symbol": symbol,
                "name": name,
                "volume": volume,
                "can_use_volume": can_use_volume,
                "frozen_volume": frozen_volume,
                "market_value": market_value,
                "avg_price": avg_price,
                "open_price": open_price,
                "current_price": current_price,
                "profit": profit,
                "profit_ratio": profit_ratio,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        symbol = d.pop("symbol")

        name = d.pop("name")

        volume = d.pop("volume")

        can_use_volume = d.pop("can_use_volume")

        frozen_volume = d.pop("frozen_volume")

        market_value = d.pop("market_value")

        avg_price = d.pop("avg_price")

        open_price = d.pop("open_price")

        current_price = d.pop("current_price")

        profit = d.pop("profit")

        profit_ratio = d.pop("profit_ratio")

        position = cls(
            symbol=symbol,
            name=name,
            volume=volume,
            can_use_volume=can_use_volume,
            frozen_volume=frozen_volume,
            market_value=market_value,
            avg_price=avg_price,
            open_price=open_price,
            current_price=current_price,
            profit=profit,
            profit_ratio=profit_ratio,
        )

        position.additional_properties = d
        return position

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
