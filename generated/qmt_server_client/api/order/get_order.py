from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.order import Order
from ...models.order_ref import OrderRef
from ...types import Response


def _get_kwargs(
    *,
    body: OrderRef,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/qmt/trade/api/order",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | Order | None:
    if response.status_code == 200:
        response_200 = Order.from_dict(response.json())

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
) -> Response[ErrorResponse | Order]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: OrderRef,
) -> Response[ErrorResponse | Order]:
    """One order by id (signed). An unknown id is a 500.

     Only today's orders are known (as xtquant's query returns them). An
    unknown id is a 500 `接口异常: order` with the message
    `'NoneType' object has no attribute 'order_id'`.

    Args:
        body (OrderRef):  Example: {'order_id': 1082130433, 'trader_index': 0}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Order]
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
    body: OrderRef,
) -> ErrorResponse | Order | None:
    """One order by id (signed). An unknown id is a 500.

     Only today's orders are known (as xtquant's query returns them). An
    unknown id is a 500 `接口异常: order` with the message
    `'NoneType' object has no attribute 'order_id'`.

    Args:
        body (OrderRef):  Example: {'order_id': 1082130433, 'trader_index': 0}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Order
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: OrderRef,
) -> Response[ErrorResponse | Order]:
    """One order by id (signed). An unknown id is a 500.

     Only today's orders are known (as xtquant's query returns them). An
    unknown id is a 500 `接口异常: order` with the message
    `'NoneType' object has no attribute 'order_id'`.

    Args:
        body (OrderRef):  Example: {'order_id': 1082130433, 'trader_index': 0}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Order]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: OrderRef,
) -> ErrorResponse | Order | None:
    """One order by id (signed). An unknown id is a 500.

     Only today's orders are known (as xtquant's query returns them). An
    unknown id is a 500 `接口异常: order` with the message
    `'NoneType' object has no attribute 'order_id'`.

    Args:
        body (OrderRef):  Example: {'order_id': 1082130433, 'trader_index': 0}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Order
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
