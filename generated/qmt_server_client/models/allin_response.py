from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.trader_result import TraderResult


T = TypeVar("T", bound="AllinResponse")


@_attrs_define
class AllinResponse:
    """
    Example:
        {'message': '全仓买入完成', 'results': [{'trader_index': 0, 'status': 'success', 'result': None}]}

    Attributes:
        message (str): Always `全仓买入完成`.
        results (list[TraderResult]): One per targeted account; each `result` is null.
    """

    message: str
    results: list[TraderResult]
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
        from ..models.trader_result import TraderResult

        d = dict(src_dict)
        message = d.pop("message")

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = TraderResult.from_dict(results_item_data)

            results.append(results_item)

        allin_response = cls(
            message=message,
            results=results,
        )

        allin_response.additional_properties = d
        return allin_response

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
