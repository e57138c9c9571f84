from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ReverseRepoRequest")


@_attrs_define
class ReverseRepoRequest:
    """
    Example:
        {'reserve_amount': 1000}

    Attributes:
        reserve_amount (float | Unset): Cash to keep back (CNY); omitted, the server keeps 0. Negative is a
            400 `保留金额不能为负数`.
        trader_index (int | Unset): The account; omitted = every account.
    """

    reserve_amount: float | Unset = UNSET
    trader_index: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reserve_amount = self.reserve_amount

        trader_index = self.trader_index

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if reserve_amount is not UNSET:
            field_dict["reserve_amount"] = reserve_amount
        if trader_index is not UNSET:
            field_dict["trader_index"] = trader_index

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        reserve_amount = d.pop("reserve_amount", UNSET)

        trader_index = d.pop("trader_index", UNSET)

        reverse_repo_request = cls(
            reserve_amount=reserve_amount,
            trader_index=trader_index,
        )

        reverse_repo_request.additional_properties = d
        return reverse_repo_request

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
