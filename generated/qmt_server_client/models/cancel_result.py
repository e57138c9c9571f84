from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CancelResult")


@_attrs_define
class CancelResult:
    """
    Example:
        {'success': True, 'order_id': 1082130433, 'message': '撤单成功: OrderID 1082130433'}

    Attributes:
        success (bool): Whether xtquant accepted the cancel request (returned 0); the order
            then moves to 54 已撤 or 53 部撤.
        order_id (int):
        message (str): `撤单成功: OrderID <id>` or `撤单失败: OrderID <id>`.
    """

    success: bool
    order_id: int
    message: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        order_id = self.order_id

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "order_id": order_id,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        success = d.pop("success")

        order_id = d.pop("order_id")

        message = d.pop("message")

        cancel_result = cls(
            success=success,
            order_id=order_id,
            message=message,
        )

        cancel_result.additional_properties = d
        return cancel_result

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
