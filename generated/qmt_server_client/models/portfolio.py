from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Portfolio")


@_attrs_define
class Portfolio:
    """An account's assets, in CNY.

    Example:
        {'total_asset': 1003250.5, 'cash': 950000.0, 'frozen_cash': 0.0, 'market_value': 53250.5, 'profit': 0,
            'profit_ratio': 0}

    Attributes:
        total_asset (float): Total assets (CNY) = cash + frozen cash + market value.
        cash (float): Available cash (CNY).
        frozen_cash (float): Cash frozen by open buy orders (CNY).
        market_value (float): Market value of all positions (CNY).
        profit (float): Profit (CNY). Always 0 with xtquant, which does not report it.
        profit_ratio (float): Profit ratio in percent. Always 0 with xtquant.
    """

    total_asset: float
    cash: float
    frozen_cash: float
    market_value: float
    profit: float
    profit_ratio: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total_asset = self.total_asset

        cash = self.cash

        frozen_cash = self.frozen_cash

        market_value = self.market_value

        profit = self.profit

        profit_ratio = self.profit_ratio

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "total_asset": total_asset,
                "cash": cash,
                "frozen_cash": frozen_cash,
                "market_value": market_value,
                "profit": profit,
                "profit_ratio": profit_ratio,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        total_asset = d.pop("total_asset")

        cash = d.pop("cash")

        frozen_cash = d.pop("frozen_cash")

        market_value = d.pop("market_value")

        profit = d.pop("profit")

        profit_ratio = d.pop("profit_ratio")

        portfolio = cls(
            total_asset=total_asset,
            cash=cash,
            frozen_cash=frozen_cash,
            market_value=market_value,
            profit=profit,
            profit_ratio=profit_ratio,
        )

        portfolio.additional_properties = d
        return portfolio

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
