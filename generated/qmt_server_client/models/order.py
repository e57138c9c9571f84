from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_side import OrderSide
from ..models.order_status import OrderStatus

T = TypeVar("T", bound="Order")


@_attrs_define
class Order:
    """
    Example:
        {'order_id': 1082130433, 'symbol': '000001.SZ', 'side': 'buy', 'status': 56, 'm_status': '已成', 'volume': 100,
            'time': 1700000000, 'price': 10.5, 'price_type': 11, 'traded_volume': 100, 'traded_price': 10.49,
            'strategy_name': '测试'}

    Attributes:
        order_id (int):
        symbol (str): Suffixed symbol.
        side (OrderSide):
        status (OrderStatus): xtquant order status: 48 未报, 49 待报, 50 已报, 51 已报待撤,
            52 部成待撤, 53 部撤, 54 已撤, 55 部成, 56 已成, 57 废单, 255 未知.
            Cancelable: 48, 49, 50, 55. Final: 53, 54, 56, 57.
        m_status (str): The status's Chinese name, e.g. `已成`.
        volume (int): Ordered quantity (股 or 张).
        time (int): Order time, Unix seconds.
        price (float): The price the server sent with the order (CNY): the limit for a
            limit order, `0` for the market kinds (xtquant price types 5, 42,
            44, 45, 47).
        price_type (int): The broker's (xtquant's) price type of the order, NOT the API's
            request code. The server maps the request's `price_type` (see
            `PriceType`) as: 0 → 11 (FIX_PRICE, limit), 1 → 5 (LATEST_PRICE),
            2 → 42 (Shanghai) or 47 (Shenzhen) (best five, immediate or
            cancel), 3 → 45 (own side best), 5 → 44 (counter side best). The
            reverse repo is 5. Orders placed elsewhere may carry other codes.
        traded_volume (int): Filled quantity (股 or 张).
        traded_price (float): Average fill price (CNY); 0 when nothing filled.
        strategy_name (str): The request's `strategy_name` on the main line; `quant_<account_type>`
            for `/trade/allin` and for every order of the upstream line; `""`
            for the reverse repo.
    """

    order_id: int
    symbol: str
    side: OrderSide
    status: OrderStatus
    m_status: str
    volume: int
    time: int
    price: float
    price_type: int
    traded_volume: int
    traded_price: float
    strategy_name: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        order_id = self.order_id

        symbol = self.symbol

        side = self.side.value

        status = self.status.value

        m_status = self.m_status

        volume = self.volume

        time = self.time

        price = self.price

        price_type = self.price_type

        traded_volume = self.traded_volume

        traded_price = self.traded_price

        strategy_name = self.strategy_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "order_id": order_id,
                "symbol": symbol,
                "side": side,
                "status": status,
                "m_status": m_status,
                "volume": volume,
                "time": time,
                "price": price,
                "price_type": price_type,
                "traded_volume": traded_volume,
                "traded_price": traded_price,
                "strategy_name": strategy_name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        order_id = d.pop("order_id")

        symbol = d.pop("symbol")

        side = OrderSide(d.pop("side"))

        status = OrderStatus(d.pop("status"))

        m_status = d.pop("m_status")

        volume = d.pop("volume")

        time = d.pop("time")

        price = d.pop("price")

        price_type = d.pop("price_type")

        traded_volume = d.pop("traded_volume")

        traded_price = d.pop("traded_price")

        strategy_name = d.pop("strategy_name")

        order = cls(
            order_id=order_id,
            symbol=symbol,
            side=side,
            status=status,
            m_status=m_status,
            volume=volume,
            time=time,
            price=price,
            price_type=price_type,
            traded_volume=traded_volume,
            traded_price=traded_price,
            strategy_name=strategy_name,
        )

        order.additional_properties = d
        return order

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
