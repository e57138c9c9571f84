from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.allin_request import AllinRequest
from ...models.allin_response import AllinResponse
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    *,
    body: AllinRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/qmt/trade/api/trade/allin",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AllinResponse | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = AllinResponse.from_dict(response.json())

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
) -> Response[AllinResponse | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: AllinRequest,
) -> Response[AllinResponse | ErrorResponse]:
    """Buy with all available cash (signed). The server drops the order outcome.

     Note the field name `cur_price` (not `trade_price`). Each
    `results[].result` is always `null`: the server does not report the
    order it placed. Sizing is that of a buy by `position_pct: 1`:
    total_asset × 1, capped at the cash, floored to the lot, at
    `cur_price` as a limit order named `quant_<account_type>`. Nothing is
    kept back for the commission, so an order sized to the last yuan is
    accepted and then becomes 废单 (status 57) at the broker (cash
    9,338.76 at 7.78: 1,200 shares cost 9,336 plus a 5 CNY minimum
    commission). Like every buy by ratio it runs in the server's retry
    loop and can place two orders (see `/outer/trade/{operation}`).
    `/outer/trade/buy` with `position_pct: 1.0` reports its order but
    sizes the same way; to leave room for the fees, buy by `order_num`
    (main line) or a ratio a little under 1.

    Args:
        body (AllinRequest):  Example: {'symbol': '000001', 'cur_price': 10.5}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AllinResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: AllinRequest,
) -> AllinResponse | ErrorResponse | None:
    """Buy with all available cash (signed). The server drops the order outcome.

     Note the field name `cur_price` (not `trade_price`). Each
    `results[].result` is always `null`: the server does not report the
    order it placed. Sizing is that of a buy by `position_pct: 1`:
    total_asset × 1, capped at the cash, floored to the lot, at
    `cur_price` as a limit order named `quant_<account_type>`. Nothing is
    kept back for the commission, so an order sized to the last yuan is
    accepted and then becomes 废单 (status 57) at the broker (cash
    9,338.76 at 7.78: 1,200 shares cost 9,336 plus a 5 CNY minimum
    commission). Like every buy by ratio it runs in the server's retry
    loop and can place two orders (see `/outer/trade/{operation}`).
    `/outer/trade/buy` with `position_pct: 1.0` reports its order but
    sizes the same way; to leave room for the fees, buy by `order_num`
    (main line) or a ratio a little under 1.

    Args:
        body (AllinRequest):  Example: {'symbol': '000001', 'cur_price': 10.5}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AllinResponse | ErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: AllinRequest,
) -> Response[AllinResponse | ErrorResponse]:
    """Buy with all available cash (signed). The server drops the order outcome.

     Note the field name `cur_price` (not `trade_price`). Each
    `results[].result` is always `null`: the server does not report the
    order it placed. Sizing is that of a buy by `position_pct: 1`:
    total_asset × 1, capped at the cash, floored to the lot, at
    `cur_price` as a limit order named `quant_<account_type>`. Nothing is
    kept back for the commission, so an order sized to the last yuan is
    accepted and then becomes 废单 (status 57) at the broker (cash
    9,338.76 at 7.78: 1,200 shares cost 9,336 plus a 5 CNY minimum
    commission). Like every buy by ratio it runs in the server's retry
    loop and can place two orders (see `/outer/trade/{operation}`).
    `/outer/trade/buy` with `position_pct: 1.0` reports its order but
    sizes the same way; to leave room for the fees, buy by `order_num`
    (main line) or a ratio a little under 1.

    Args:
        body (AllinRequest):  Example: {'symbol': '000001', 'cur_price': 10.5}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AllinResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: AllinRequest,
) -> AllinResponse | ErrorResponse | None:
    """Buy with all available cash (signed). The server drops the order outcome.

     Note the field name `cur_price` (not `trade_price`). Each
    `results[].result` is always `null`: the server does not report the
    order it placed. Sizing is that of a buy by `position_pct: 1`:
    total_asset × 1, capped at the cash, floored to the lot, at
    `cur_price` as a limit order named `quant_<account_type>`. Nothing is
    kept back for the commission, so an order sized to the last yuan is
    accepted and then becomes 废单 (status 57) at the broker (cash
    9,338.76 at 7.78: 1,200 shares cost 9,336 plus a 5 CNY minimum
    commission). Like every buy by ratio it runs in the server's retry
    loop and can place two orders (see `/outer/trade/{operation}`).
    `/outer/trade/buy` with `position_pct: 1.0` reports its order but
    sizes the same way; to leave room for the fees, buy by `order_num`
    (main line) or a ratio a little under 1.

    Args:
        body (AllinRequest):  Example: {'symbol': '000001', 'cur_price': 10.5}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AllinResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
