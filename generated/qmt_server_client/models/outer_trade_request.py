from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.price_type import PriceType
from ..types import UNSET, Unset

T = TypeVar("T", bound="OuterTradeRequest")


@_attrs_define
class OuterTradeRequest:
    """Exactly one of `position_pct` and `order_num`: neither is a 400
    `必须提供 position_pct 或 order_num 其中之一`; both is a 400
    `position_pct 和 order_num 不能同时提供，请选择其中一个`.

        Example:
            {'symbol': '000001', 'trade_price': 10.5, 'order_num': 100, 'strategy_name': '测试'}

        Attributes:
            symbol (str): Bare (`000001`) or suffixed (`000001.SZ`). Example: 000001.
            trade_price (float): Limit price (CNY); also the sizing price for `position_pct`. Example: 10.5.
            position_pct (float | Unset): A RATIO from 0 to 1 (not percent). Buy: the share of total assets
                to spend; sell: the share of the sellable volume. Outside [0, 1]
                is a 400 `position_pct 必须在 0 到 1 之间`.
            order_num (int | Unset): Quantity in shares (股, multiple of 100) or, for convertible bonds,
                in 张 (multiple of 10). Violations are 400s:
                `order_num 必须大于 0`, `order_num 必须是 100 的倍数（股）`,
                `order_num 必须是 10 的倍数（张）`.
            price_type (PriceType | Unset): How the order is priced (a REQUEST code): 0 限价 (limit at the given
                price), 1 最新价 (latest price), 2 最优五档即时成交剩余撤销 (best five,
                immediate or cancel), 3 本方最优 (own side best), 5 对方最优 (counter
                side best). Other values are refused inside the result, after the
                sizing, as exactly
                `{"success": false, "message": "错误：不支持的价格类型 <n>"}`. The
                order itself carries xtquant's code instead (`Order.price_type`:
                11, 5, 42/47, 45, 44); the market kinds are sent with price 0.
                Omitted, it is 0 (no `default` keyword here: generators would make
                the field required).
            trader_index (int | Unset): The account; omitted = every account.
            strategy_name (str | Unset): Recorded with the order. Omitted, the server uses `外部策略`.
                Keep it within 24 bytes of UTF-8 (24 ASCII characters, 8 Chinese
                characters): miniQMT silently drops the rest of an order's free-text
                fields (documented by 迅投 for `order_remark`; no separate limit is
                published for `strategy_name`). qmt-facade writes a client order id
                here as `<name>#<id>` and reads it back from `/orders`.
    """

    symbol: str
    trade_price: float
    position_pct: float | Unset = UNSET
    order_num: int | Unset = UNSET
    price_type: PriceType | Unset = UNSET
    trader_index: int | Unset = UNSET
    strategy_name: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        trade_price = self.trade_price

        position_pct = self.position_pct

        order_num = self.order_num

        price_type: int | Unset = UNSET
        if not isinstance(self.price_type, Unset):
            price_type = self.price_type.value

        trader_index = self.trader_index

        strategy_name = self.strategy_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "symbol": symbol,
                "trade_price": trade_price,
            }
        )
        if position_pct is not UNSET:
            field_dict["position_pct"] = position_pct
        if order_num is not UNSET:
            field_dict["order_num"] = order_num
        if price_type is not UNSET:
            field_dict["price_type"] = price_type
        if trader_index is not UNSET:
            field_dict["trader_index"] = trader_index
        if strategy_name is not UNSET:
            field_dict["strategy_name"] = strategy_name

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        symbol = d.pop("symbol")

        trade_price = d.pop("trade_price")

        position_pct = d.pop("position_pct", UNSET)

        order_num = d.pop("order_num", UNSET)

        _price_type = d.pop("price_type", UNSET)
        price_type: PriceType | Unset
        if isinstance(_price_type, Unset):
            price_type = UNSET
        else:
            price_type = PriceType(_price_type)

        trader_index = d.pop("trader_index", UNSET)

        strategy_name = d.pop("strategy_name", UNSET)

        outer_trade_request = cls(
            symbol=symbol,
            trade_price=trade_price,
            position_pct=position_pct,
            order_num=order_num,
            price_type=price_type,
            trader_index=trader_index,
            strategy_name=strategy_name,
        )

        outer_trade_request.additional_properties = d
        return outer_trade_request

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
