from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.price_type import PriceType
from ..types import UNSET, Unset

T = TypeVar("T", bound="SessionOrderRequest")


@_attrs_define
class SessionOrderRequest:
    """
    Example:
        {'symbol': '000001', 'price': 10.5, 'shares': 500}

    Attributes:
        symbol (str):
        price (float): Limit price (CNY).
        shares (int): Quantity (股, multiple of 100; 张 for convertible bonds, multiple of
            10). The server does not check the lot on these routes: `/buy`
            rounds down to the lot (and refuses 0 inside the result), while
            `/sell` sends the quantity as given, and `shares: 0` on `/sell`
            sells the whole sellable volume. Keep to whole lots, at least one.
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
        strategy_name (str | Unset): Recorded with the order. Omitted, the server uses `Web界面`.
            Keep it within 24 bytes of UTF-8 (24 ASCII characters, 8 Chinese
            characters): miniQMT silently drops the rest of an order's free-text
            fields (documented by 迅投 for `order_remark`; no separate limit is
            published for `strategy_name`). qmt-facade writes a client order id
            here as `<name>#<id>` and reads it back from `/orders`.
        trader_index (int | Unset): The account; omitted = every account.
    """

    symbol: str
    price: float
    shares: int
    price_type: PriceType | Unset = UNSET
    strategy_name: str | Unset = UNSET
    trader_index: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        price = self.price

        shares = self.shares

        price_type: int | Unset = UNSET
        if not isinstance(self.price_type, Unset):
            price_type = self.price_type.value

        strategy_name = self.strategy_name

        trader_index = self.trader_index

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "symbol": symbol,
                "price": price,
                "shares": shares,
            }
        )
        if price_type is not UNSET:
            field_dict["price_type"] = price_type
        if strategy_name is not UNSET:
            field_dict["strategy_name"] = strategy_name
        if trader_index is not UNSET:
            field_dict["trader_index"] = trader_index

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        symbol = d.pop("symbol")

        price = d.pop("price")

        shares = d.pop("shares")

        _price_type = d.pop("price_type", UNSET)
        price_type: PriceType | Unset
        if isinstance(_price_type, Unset):
            price_type = UNSET
        else:
            price_type = PriceType(_price_type)

        strategy_name = d.pop("strategy_name", UNSET)

        trader_index = d.pop("trader_index", UNSET)

        session_order_request = cls(
            symbol=symbol,
            price=price,
            shares=shares,
            price_type=price_type,
            strategy_name=strategy_name,
            trader_index=trader_index,
        )

        session_order_request.additional_properties = d
        return session_order_request

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
