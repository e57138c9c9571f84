from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.trader_result import TraderResult


T = TypeVar("T", bound="ReverseRepoResponse")


@_attrs_define
class ReverseRepoResponse:
    """
    Example:
        {'message': '逆回购执行完成', 'reserve_amount': 1000, 'results': [{'trader_index': 0, 'status': 'success', 'result':
            {'success': True, 'symbol': '131810.SZ', 'order_num': 940, 'order_amount': 94000, 'available_cash': 95000.0,
            'reserve_amount': 1000, 'usable_cash': 94000.0, 'order_id': 1082130440, 'message': '逆回购订单提交成功: 940张(约94000元),
            保留1000元, OrderID: 1082130440'}}]}

    Attributes:
        message (str): Always `逆回购执行完成`.
        reserve_amount (float): The reserve the request asked for (CNY).
        results (list[TraderResult]):
    """

    message: str
    reserve_amount: float
    results: list[TraderResult]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        reserve_amount = self.reserve_amount

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "reserve_amount": reserve_amount,
                "results": results,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.trader_result import TraderResult

        d = dict(src_dict)
        message = d.pop("message")

        reserve_amount = d.pop("reserve_amount")

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = TraderResult.from_dict(results_item_data)

            results.append(results_item)

        reverse_repo_response = cls(
            message=message,
            reserve_amount=reserve_amount,
            results=results,
        )

        reverse_repo_response.additional_properties = d
        return reverse_repo_response

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
