from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.send_message_result_status import SendMessageResultStatus

T = TypeVar("T", bound="SendMessageResult")


@_attrs_define
class SendMessageResult:
    """
    Example:
        {'message': '消息发送成功', 'status': 'success'}

    Attributes:
        message (str): `消息发送成功`, or the error text.
        status (SendMessageResultStatus):
    """

    message: str
    status: SendMessageResultStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        message = d.pop("message")

        status = SendMessageResultStatus(d.pop("status"))

        send_message_result = cls(
            message=message,
            status=status,
        )

        send_message_result.additional_properties = d
        return send_message_result

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
