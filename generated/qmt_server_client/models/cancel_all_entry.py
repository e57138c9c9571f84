from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.trader_status import TraderStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="CancelAllEntry")


@_attrs_define
class CancelAllEntry:
    """
    Attributes:
        trader_index (int): The account (upstream line: its position among the chosen accounts).
        status (TraderStatus): `success` means no exception escaped for that account, NOT that an
            order was placed (except on the main line's `/trade/nhg`, where it
            follows `result.success`). Nor does `failed` mean that no order was
            placed: a sell by ratio whose notification fails is `failed` with its
            order live.
        error (str | Unset): The exception text when `status` is `failed`.
    """

    trader_index: int
    status: TraderStatus
    error: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        trader_index = self.trader_index

        status = self.status.value

        error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "trader_index": trader_index,
                "status": status,
            }
        )
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        trader_index = d.pop("trader_index")

        status = TraderStatus(d.pop("status"))

        error = d.pop("error", UNSET)

        cancel_all_entry = cls(
            trader_index=trader_index,
            status=status,
            error=error,
        )

        cancel_all_entry.additional_properties = d
        return cancel_all_entry

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
