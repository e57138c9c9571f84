from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

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
        message (str): `逆回购执行完成` (main line), `逆回购完成` (upstream line).
        results (list[TraderResult]): One per chosen account. On the upstream line the entries have no
            `result`: only `trader_index` and `status`.
        reserve_amount (float | Unset): Main line only. The reserve the request asked for (CNY), as sent
            (an integer stays an integer).
    """

    message: str
    results: list[TraderResult]
    reserve_amount: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        reserve_amount = self.reserve_amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "results": results,
            }
        )
        if reserve_amount is not UNSET:
            field_dict["reserve_amount"] = reserve_amount

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

        reserve_amount = d.pop("reserve_amount", UNSET)

        reverse_repo_response = cls(
            message=message,
            results=results,
            reserve_amount=reserve_amount,
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
