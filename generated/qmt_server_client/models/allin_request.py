from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AllinRequest")


@_attrs_define
class AllinRequest:
    """
    Example:
        {'symbol': '000001', 'cur_price': 10.5}

    Attributes:
        symbol (str):
        cur_price (float): Price to size and place the order at (CNY). Note the name.
        trader_index (int | Unset): The account; omitted = every account.
    """

    symbol: str
    cur_price: float
    trader_index: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        cur_price = self.cur_price

        trader_index = self.trader_index

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "symbol": symbol,
                "cur_price": cur_price,
            }
        )
        if trader_index is not UNSET:
            field_dict["trader_index"] = trader_index

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        symbol = d.pop("symbol")

        cur_price = d.pop("cur_price")

        trader_index = d.pop("trader_index", UNSET)

        allin_request = cls(
            symbol=symbol,
            cur_price=cur_price,
            trader_index=trader_index,
        )

        allin_request.additional_properties = d
        return allin_request

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
