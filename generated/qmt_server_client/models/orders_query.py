from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="OrdersQuery")


@_attrs_define
class OrdersQuery:
    """
    Example:
        {'trader_index': 0, 'cancelable_only': True}

    Attributes:
        trader_index (int):
        cancelable_only (bool | Unset): Only orders in a cancelable status (48, 49, 50, 55). Omitted, the
            server takes false.
    """

    trader_index: int
    cancelable_only: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        trader_index = self.trader_index

        cancelable_only = self.cancelable_only

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "trader_index": trader_index,
            }
        )
        if cancelable_only is not UNSET:
            field_dict["cancelable_only"] = cancelable_only

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        trader_index = d.pop("trader_index")

        cancelable_only = d.pop("cancelable_only", UNSET)

        orders_query = cls(
            trader_index=trader_index,
            cancelable_only=cancelable_only,
        )

        orders_query.additional_properties = d
        return orders_query

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
