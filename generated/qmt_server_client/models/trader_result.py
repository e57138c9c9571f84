from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.trader_status import TraderStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.order_outcome import OrderOutcome


T = TypeVar("T", bound="TraderResult")


@_attrs_define
class TraderResult:
    """One account's part of a trade request.

    Example:
        {'trader_index': 0, 'status': 'success', 'result': {'success': False, 'symbol': '000001.SZ', 'order_num': 0,
            'price': 10.5, 'value': 0, 'order_result': None, 'message': '资金不足，无法买入: 需要1050.0, 可用500.0'}}

    Attributes:
        trader_index (int): The account (main line). On the upstream line: the position among
            the chosen accounts, so always `0` when the request named one.
        status (TraderStatus): `success` means no exception escaped for that account, NOT that an
            order was placed (except on the main line's `/trade/nhg`, where it
            follows `result.success`). Nor does `failed` mean that no order was
            placed: a sell by ratio whose notification fails is `failed` with its
            order live.
        result (None | OrderOutcome | Unset): The order outcome; null on `/trade/allin` (always), absent when
            `status` is `failed` and on the upstream line's `/trade/nhg`.
        error (str | Unset): The exception text when `status` is `failed`.
    """

    trader_index: int
    status: TraderStatus
    result: None | OrderOutcome | Unset = UNSET
    error: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.order_outcome import OrderOutcome

        trader_index = self.trader_index

        status = self.status.value

        result: dict[str, Any] | None | Unset
        if isinstance(self.result, Unset):
            result = UNSET
        elif isinstance(self.result, OrderOutcome):
            result = self.result.to_dict()
        else:
            result = self.result

        error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "trader_index": trader_index,
                "status": status,
            }
        )
        if result is not UNSET:
            field_dict["result"] = result
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.order_outcome import OrderOutcome

        d = dict(src_dict)
        trader_index = d.pop("trader_index")

        status = TraderStatus(d.pop("status"))

        def _parse_result(data: object) -> None | OrderOutcome | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                result_type_0 = OrderOutcome.from_dict(data)

                return result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OrderOutcome | Unset, data)

        result = _parse_result(d.pop("result", UNSET))

        error = d.pop("error", UNSET)

        trader_result = cls(
            trader_index=trader_index,
            status=status,
            result=result,
            error=error,
        )

        trader_result.additional_properties = d
        return trader_result

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
