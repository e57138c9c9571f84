from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Account")


@_attrs_define
class Account:
    """
    Example:
        {'index': 0, 'account_id': '123456', 'nick_name': '账户1'}

    Attributes:
        index (int): The account's trader_index.
        account_id (str): The broker account id.
        nick_name (str): Display name (`账户<n>` when none is configured).
    """

    index: int
    account_id: str
    nick_name: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        index = self.index

        account_id = self.account_id

        nick_name = self.nick_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "index": index,
                "account_id": account_id,
                "nick_name": nick_name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        index = d.pop("index")

        account_id = d.pop("account_id")

        nick_name = d.pop("nick_name")

        account = cls(
            index=index,
            account_id=account_id,
            nick_name=nick_name,
        )

        account.additional_properties = d
        return account

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
