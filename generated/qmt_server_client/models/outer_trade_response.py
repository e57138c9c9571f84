from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.trade_mode import TradeMode
from ..models.trade_operation import TradeOperation
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.trader_result import TraderResult


T = TypeVar("T", bound="OuterTradeResponse")


@_attrs_define
class OuterTradeResponse:
    """`trade_mode` and `trade_param` are sent by the main line only; the
    upstream line omits them. Read them leniently: an order may have been
    placed whatever else the answer lacks.

        Example:
            {'message': '第三方buy交易执行完成', 'operation': 'buy', 'trade_mode': 'order_num', 'trade_param': 100, 'strategy_name':
                '测试', 'results': [{'trader_index': 0, 'status': 'success', 'result': {'success': True, 'symbol': '000001.SZ',
                'order_num': 100, 'price': 10.5, 'value': 1050.0, 'order_id': 1082130433, 'message': '买入限价单提交成功: 000001.SZ 100股
                @10.5, OrderID: 1082130433'}}]}

        Attributes:
            message (str): `第三方buy交易执行完成` or `第三方sell交易执行完成`.
            operation (TradeOperation): Order side on `/outer/trade/{operation}`.
            strategy_name (str): The request's `strategy_name` (default `外部策略`), echoed. On the
                main line the orders carry it; on the upstream line they carry
                `quant_<account_type>` instead.
            results (list[TraderResult]):
            trade_mode (TradeMode | Unset): Which quantity field the request used (main line only).
            trade_param (float | Unset): Main line only. The value of the field named by `trade_mode`, as
                sent.
    """

    message: str
    operation: TradeOperation
    strategy_name: str
    results: list[TraderResult]
    trade_mode: TradeMode | Unset = UNSET
    trade_param: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        operation = self.operation.value

        strategy_name = self.strategy_name

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        trade_mode: str | Unset = UNSET
        if not isinstance(self.trade_mode, Unset):
            trade_mode = self.trade_mode.value

        trade_param = self.trade_param

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "operation": operation,
                "strategy_name": strategy_name,
                "results": results,
            }
        )
        if trade_mode is not UNSET:
            field_dict["trade_mode"] = trade_mode
        if trade_param is not UNSET:
            field_dict["trade_param"] = trade_param

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.trader_result import TraderResult

        d = dict(src_dict)
        message = d.pop("message")

        operation = TradeOperation(d.pop("operation"))

        strategy_name = d.pop("strategy_name")

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = TraderResult.from_dict(results_item_data)

            results.append(results_item)

        _trade_mode = d.pop("trade_mode", UNSET)
        trade_mode: TradeMode | Unset
        if isinstance(_trade_mode, Unset):
            trade_mode = UNSET
        else:
            trade_mode = TradeMode(_trade_mode)

        trade_param = d.pop("trade_param", UNSET)

        outer_trade_response = cls(
            message=message,
            operation=operation,
            strategy_name=strategy_name,
            results=results,
            trade_mode=trade_mode,
            trade_param=trade_param,
        )

        outer_trade_response.additional_properties = d
        return outer_trade_response

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
