from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="OrderOutcome")


@_attrs_define
class OrderOutcome:
    """What one account did with an order request. `success: true` means the
    order was submitted (`order_id` set), not that it filled;
    `success: false` means no order was placed, and `message` / `error`
    say why (e.g. not enough cash, 不支持的价格类型). Which keys are present
    depends on why: an unsupported price type has only `success` and
    `message`; a buy by ratio too small for one lot has `error:
    "Insufficient funds"` and no `value`/`order_result`; a refusal before
    sizing (not held, under a lot) has `value: 0` and `order_result: null`.
    Numbers the request sent come back as sent (`price: 10` stays an
    integer). Reverse repo (main line) adds `available_cash`,
    `reserve_amount`, `usable_cash` and, when an order was placed,
    `order_amount`; it has no `price`.

        Example:
            {'success': True, 'symbol': '000001.SZ', 'order_num': 100, 'price': 10.5, 'value': 1050.0, 'order_id':
                1082130433, 'message': '买入限价单提交成功: 000001.SZ 100股 @10.5, OrderID: 1082130433'}

        Attributes:
            success (bool): Whether an order was submitted.
            message (str): What happened (Chinese); informative, not a stable interface. The
                real server's templates are e.g.
                `买入限价单提交成功: 000001.SZ 100股 @10.5, OrderID: 1082130433`
                (the text says 限价单 and 股 whatever the price type and the
                instrument; the price as Python prints the number sent),
                `资金不足，无法买入: 需要<n>, 可用<n>`,
                `指定仓位资金不足: 最低100股需要:<price × lot>, 当前可用:<cash>`,
                `未持有该股票: 000001.SZ`, `错误：不支持的价格类型 <n>`. A buy
                reduced for lack of cash says nothing of the reduction.
            symbol (str | Unset): Suffixed symbol.
            order_num (int | Unset): Quantity submitted (股 or 张), after any reduction for cash.
            price (float | Unset): The price the request gave (CNY). With a `price_type` other than 0
                the order itself is sent at the market (xtquant price 0).
            value (float | Unset): order_num × price (CNY) as Python multiplies them (unrounded); 0
                on some refusals.
            order_id (int | Unset): The broker order id, when an order was submitted.
            error (str | Unset): Why no order was placed, when known (`Insufficient funds`).
            order_result (None | Unset):  Default: None.
            order_amount (float | Unset): Reverse repo only, and only when an order was placed. Amount lent
                (CNY): order_num × 100, an integer.
            available_cash (float | Unset): Reverse repo only. Cash available before the order (CNY).
            reserve_amount (float | Unset): Reverse repo only. Cash kept back (CNY), as the request sent it.
            usable_cash (float | Unset): Reverse repo only. available_cash − reserve_amount (CNY), negative
                when the reserve exceeds the cash (`当前可用-4000000.0元`).
    """

    success: bool
    message: str
    symbol: str | Unset = UNSET
    order_num: int | Unset = UNSET
    price: float | Unset = UNSET
    value: float | Unset = UNSET
    order_id: int | Unset = UNSET
    error: str | Unset = UNSET
    order_result: None | Unset = None
    order_amount: float | Unset = UNSET
    available_cash: float | Unset = UNSET
    reserve_amount: float | Unset = UNSET
    usable_cash: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        message = self.message

        symbol = self.symbol

        order_num = self.order_num

        price = self.price

        value = self.value

        order_id = self.order_id

        error = self.error

        order_result = self.order_result

        order_amount = self.order_amount

        available_cash = self.available_cash

        reserve_amount = self.reserve_amount

        usable_cash = self.usable_cash

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "message": message,
            }
        )
        if symbol is not UNSET:
            field_dict["symbol"] = symbol
        if order_num is not UNSET:
            field_dict["order_num"] = order_num
        if price is not UNSET:
            field_dict["price"] = price
        if value is not UNSET:
            field_dict["value"] = value
        if order_id is not UNSET:
            field_dict["order_id"] = order_id
        if error is not UNSET:
            field_dict["error"] = error
        if order_result is not UNSET:
            field_dict["order_result"] = order_result
        if order_amount is not UNSET:
            field_dict["order_amount"] = order_amount
        if available_cash is not UNSET:
            field_dict["available_cash"] = available_cash
        if reserve_amount is not UNSET:
            field_dict["reserve_amount"] = reserve_amount
        if usable_cash is not UNSET:
            field_dict["usable_cash"] = usable_cash

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        success = d.pop("success")

        message = d.pop("message")

        symbol = d.pop("symbol", UNSET)

        order_num = d.pop("order_num", UNSET)

        price = d.pop("price", UNSET)

        value = d.pop("value", UNSET)

        order_id = d.pop("order_id", UNSET)

        error = d.pop("error", UNSET)

        order_result = d.pop("order_result", UNSET)

        order_amount = d.pop("order_amount", UNSET)

        available_cash = d.pop("available_cash", UNSET)

        reserve_amount = d.pop("reserve_amount", UNSET)

        usable_cash = d.pop("usable_cash", UNSET)

        order_outcome = cls(
            success=success,
            message=message,
            symbol=symbol,
            order_num=order_num,
            price=price,
            value=value,
            order_id=order_id,
            error=error,
            order_result=order_result,
            order_amount=order_amount,
            available_cash=available_cash,
            reserve_amount=reserve_amount,
            usable_cash=usable_cash,
        )

        order_outcome.additional_properties = d
        return order_outcome

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
