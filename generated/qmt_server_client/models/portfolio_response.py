from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.portfolio import Portfolio


T = TypeVar("T", bound="PortfolioResponse")


@_attrs_define
class PortfolioResponse:
    """
    Attributes:
        portfolio (Portfolio): An account's assets, in CNY. Example: {'total_asset': 1003250.5, 'cash': 950000.0,
            'frozen_cash': 0.0, 'market_value': 53250.5, 'profit': 0, 'profit_ratio': 0}.
    """

    portfolio: Portfolio
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        portfolio = self.portfolio.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "portfolio": portfolio,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.portfolio import Portfolio

        d = dict(src_dict)
        portfolio = Portfolio.from_dict(d.pop("portfolio"))

        portfolio_response = cls(
            portfolio=portfolio,
        )

        portfolio_response.additional_properties = d
        return portfolio_response

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
