from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.cancel_all_entry import CancelAllEntry


T = TypeVar("T", bound="CancelAllResponse")


@_attrs_define
class CancelAllResponse:
    """
    Attributes:
        message (str): `取消所有买单完成` or `取消所有卖单完成`.
        results (list[CancelAllEntry]):
    """

    message: str
    results: list[CancelAllEntry]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "results": results,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.cancel_all_entry import CancelAllEntry

        d = dict(src_dict)
        message = d.pop("message")

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = CancelAllEntry.from_dict(results_item_data)

            results.append(results_item)

        cancel_all_response = cls(
            message=message,
            results=results,
        )

        cancel_all_response.additional_properties = d
        return cancel_all_response

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
