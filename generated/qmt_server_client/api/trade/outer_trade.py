from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.outer_trade_request import OuterTradeRequest
from ...models.outer_trade_response import OuterTradeResponse
from ...models.trade_operation import TradeOperation
from ...types import Response


def _get_kwargs(
    operation: TradeOperation,
    *,
    body: OuterTradeRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/qmt/trade/api/outer/trade/{operation}".format(
            operation=quote(str(operation), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | OuterTradeResponse | None:
    if response.status_code == 200:
        response_200 = OuterTradeResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | OuterTradeResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    operation: TradeOperation,
    *,
    client: AuthenticatedClient,
    body: OuterTradeRequest,
) -> Response[ErrorResponse | OuterTradeResponse]:
    """Buy or sell, by position ratio or by a number of shares (signed).

     Exactly one of `position_pct` and `order_num` must be given.
    Buying by `position_pct`: amount = total_asset × pct, capped at the
    cash; shares = floor(amount / price / lot) × lot. Nothing is kept back
    for the commission: a buy sized to the last yuan is accepted, then
    becomes 废单 (57) at the broker (see `/trade/allin`). Selling by
    `position_pct`: floor(can_use_volume × pct / lot) × lot. Buying by
    shares when the cash is short silently reduces the quantity to what
    the cash buys: the result's `order_num` and message show the reduced
    quantity, nothing flags the reduction. Without `trader_index`
    the order is placed on every account. A 200 does not mean an order was
    placed: check every `results[].result.success`.

    **Quirks (both lines).**
    - A sell by `position_pct` whose quantity floors to 0 lots sells the
      WHOLE sellable position: 5 % of 1,000 shares sells all 1,000, and so
      does `position_pct: 0`. A client that knows the position must never
      let such a ratio reach the server.
    - A buy by `position_pct` runs in a server-side retry loop (3
      attempts) that places the order and then sends a notification; if
      anything raises after the order went in, the notification included,
      the whole buy is redone. One call can place TWO orders, and the
      answer reports only the last.
    - `status: "failed"` does not mean that no order was placed: a sell by
      `position_pct` whose notification fails answers `failed` with an
      `error` text although its order is live. Reconcile with
      `/orders` before retrying.

    **Upstream line.** `position_pct` is required (`order_num` alone is a
    400 `缺少必要参数: symbol, trade_price, position_pct`; next to
    `position_pct` it is ignored) and not range-checked (over 1 is capped
    at the cash, a negative ratio buys nothing); a bad `trader_index` is
    checked right after the required fields. The lot is 100 for every
    instrument, orders carry `quant_<account_type>` instead of
    `strategy_name` (which is only echoed), the answer has no
    `trade_mode`/`trade_param`, and `results[].trader_index` is the
    position among the chosen accounts.

    Args:
        operation (TradeOperation): Order side on `/outer/trade/{operation}`.
        body (OuterTradeRequest): Exactly one of `position_pct` and `order_num`: neither is a 400
            `必须提供 position_pct 或 order_num 其中之一`; both is a 400
            `position_pct 和 order_num 不能同时提供，请选择其中一个`.
             Example: {'symbol': '000001', 'trade_price': 10.5, 'order_num': 100, 'strategy_name':
            '测试'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | OuterTradeResponse]
    """

    kwargs = _get_kwargs(
        operation=operation,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    operation: TradeOperation,
    *,
    client: AuthenticatedClient,
    body: OuterTradeRequest,
) -> ErrorResponse | OuterTradeResponse | None:
    """Buy or sell, by position ratio or by a number of shares (signed).

     Exactly one of `position_pct` and `order_num` must be given.
    Buying by `position_pct`: amount = total_asset × pct, capped at the
    cash; shares = floor(amount / price / lot) × lot. Nothing is kept back
    for the commission: a buy sized to the last yuan is accepted, then
    becomes 废单 (57) at the broker (see `/trade/allin`). Selling by
    `position_pct`: floor(can_use_volume × pct / lot) × lot. Buying by
    shares when the cash is short silently reduces the quantity to what
    the cash buys: the result's `order_num` and message show the reduced
    quantity, nothing flags the reduction. Without `trader_index`
    the order is placed on every account. A 200 does not mean an order was
    placed: check every `results[].result.success`.

    **Quirks (both lines).**
    - A sell by `position_pct` whose quantity floors to 0 lots sells the
      WHOLE sellable position: 5 % of 1,000 shares sells all 1,000, and so
      does `position_pct: 0`. A client that knows the position must never
      let such a ratio reach the server.
    - A buy by `position_pct` runs in a server-side retry loop (3
      attempts) that places the order and then sends a notification; if
      anything raises after the order went in, the notification included,
      the whole buy is redone. One call can place TWO orders, and the
      answer reports only the last.
    - `status: "failed"` does not mean that no order was placed: a sell by
      `position_pct` whose notification fails answers `failed` with an
      `error` text although its order is live. Reconcile with
      `/orders` before retrying.

    **Upstream line.** `position_pct` is required (`order_num` alone is a
    400 `缺少必要参数: symbol, trade_price, position_pct`; next to
    `position_pct` it is ignored) and not range-checked (over 1 is capped
    at the cash, a negative ratio buys nothing); a bad `trader_index` is
    checked right after the required fields. The lot is 100 for every
    instrument, orders carry `quant_<account_type>` instead of
    `strategy_name` (which is only echoed), the answer has no
    `trade_mode`/`trade_param`, and `results[].trader_index` is the
    position among the chosen accounts.

    Args:
        operation (TradeOperation): Order side on `/outer/trade/{operation}`.
        body (OuterTradeRequest): Exactly one of `position_pct` and `order_num`: neither is a 400
            `必须提供 position_pct 或 order_num 其中之一`; both is a 400
            `position_pct 和 order_num 不能同时提供，请选择其中一个`.
             Example: {'symbol': '000001', 'trade_price': 10.5, 'order_num': 100, 'strategy_name':
            '测试'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | OuterTradeResponse
    """

    return sync_detailed(
        operation=operation,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    operation: TradeOperation,
    *,
    client: AuthenticatedClient,
    body: OuterTradeRequest,
) -> Response[ErrorResponse | OuterTradeResponse]:
    """Buy or sell, by position ratio or by a number of shares (signed).

     Exactly one of `position_pct` and `order_num` must be given.
    Buying by `position_pct`: amount = total_asset × pct, capped at the
    cash; shares = floor(amount / price / lot) × lot. Nothing is kept back
    for the commission: a buy sized to the last yuan is accepted, then
    becomes 废单 (57) at the broker (see `/trade/allin`). Selling by
    `position_pct`: floor(can_use_volume × pct / lot) × lot. Buying by
    shares when the cash is short silently reduces the quantity to what
    the cash buys: the result's `order_num` and message show the reduced
    quantity, nothing flags the reduction. Without `trader_index`
    the order is placed on every account. A 200 does not mean an order was
    placed: check every `results[].result.success`.

    **Quirks (both lines).**
    - A sell by `position_pct` whose quantity floors to 0 lots sells the
      WHOLE sellable position: 5 % of 1,000 shares sells all 1,000, and so
      does `position_pct: 0`. A client that knows the position must never
      let such a ratio reach the server.
    - A buy by `position_pct` runs in a server-side retry loop (3
      attempts) that places the order and then sends a notification; if
      anything raises after the order went in, the notification included,
      the whole buy is redone. One call can place TWO orders, and the
      answer reports only the last.
    - `status: "failed"` does not mean that no order was placed: a sell by
      `position_pct` whose notification fails answers `failed` with an
      `error` text although its order is live. Reconcile with
      `/orders` before retrying.

    **Upstream line.** `position_pct` is required (`order_num` alone is a
    400 `缺少必要参数: symbol, trade_price, position_pct`; next to
    `position_pct` it is ignored) and not range-checked (over 1 is capped
    at the cash, a negative ratio buys nothing); a bad `trader_index` is
    checked right after the required fields. The lot is 100 for every
    instrument, orders carry `quant_<account_type>` instead of
    `strategy_name` (which is only echoed), the answer has no
    `trade_mode`/`trade_param`, and `results[].trader_index` is the
    position among the chosen accounts.

    Args:
        operation (TradeOperation): Order side on `/outer/trade/{operation}`.
        body (OuterTradeRequest): Exactly one of `position_pct` and `order_num`: neither is a 400
            `必须提供 position_pct 或 order_num 其中之一`; both is a 400
            `position_pct 和 order_num 不能同时提供，请选择其中一个`.
             Example: {'symbol': '000001', 'trade_price': 10.5, 'order_num': 100, 'strategy_name':
            '测试'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | OuterTradeResponse]
    """

    kwargs = _get_kwargs(
        operation=operation,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    operation: TradeOperation,
    *,
    client: AuthenticatedClient,
    body: OuterTradeRequest,
) -> ErrorResponse | OuterTradeResponse | None:
    """Buy or sell, by position ratio or by a number of shares (signed).

     Exactly one of `position_pct` and `order_num` must be given.
    Buying by `position_pct`: amount = total_asset × pct, capped at the
    cash; shares = floor(amount / price / lot) × lot. Nothing is kept back
    for the commission: a buy sized to the last yuan is accepted, then
    becomes 废单 (57) at the broker (see `/trade/allin`). Selling by
    `position_pct`: floor(can_use_volume × pct / lot) × lot. Buying by
    shares when the cash is short silently reduces the quantity to what
    the cash buys: the result's `order_num` and message show the reduced
    quantity, nothing flags the reduction. Without `trader_index`
    the order is placed on every account. A 200 does not mean an order was
    placed: check every `results[].result.success`.

    **Quirks (both lines).**
    - A sell by `position_pct` whose quantity floors to 0 lots sells the
      WHOLE sellable position: 5 % of 1,000 shares sells all 1,000, and so
      does `position_pct: 0`. A client that knows the position must never
      let such a ratio reach the server.
    - A buy by `position_pct` runs in a server-side retry loop (3
      attempts) that places the order and then sends a notification; if
      anything raises after the order went in, the notification included,
      the whole buy is redone. One call can place TWO orders, and the
      answer reports only the last.
    - `status: "failed"` does not mean that no order was placed: a sell by
      `position_pct` whose notification fails answers `failed` with an
      `error` text although its order is live. Reconcile with
      `/orders` before retrying.

    **Upstream line.** `position_pct` is required (`order_num` alone is a
    400 `缺少必要参数: symbol, trade_price, position_pct`; next to
    `position_pct` it is ignored) and not range-checked (over 1 is capped
    at the cash, a negative ratio buys nothing); a bad `trader_index` is
    checked right after the required fields. The lot is 100 for every
    instrument, orders carry `quant_<account_type>` instead of
    `strategy_name` (which is only echoed), the answer has no
    `trade_mode`/`trade_param`, and `results[].trader_index` is the
    position among the chosen accounts.

    Args:
        operation (TradeOperation): Order side on `/outer/trade/{operation}`.
        body (OuterTradeRequest): Exactly one of `position_pct` and `order_num`: neither is a 400
            `必须提供 position_pct 或 order_num 其中之一`; both is a 400
            `position_pct 和 order_num 不能同时提供，请选择其中一个`.
             Example: {'symbol': '000001', 'trade_price': 10.5, 'order_num': 100, 'strategy_name':
            '测试'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | OuterTradeResponse
    """

    return (
        await asyncio_detailed(
            operation=operation,
            client=client,
            body=body,
        )
    ).parsed
