from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.order import Order
from ...models.orders_query import OrdersQuery
from ...types import Response


def _get_kwargs(
    *,
    body: OrdersQuery,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/qmt/trade/api/orders",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | list[Order] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for componentsschemas_order_list_item_data in _response_200:
            componentsschemas_order_list_item = Order.from_dict(
                componentsschemas_order_list_item_data
            )

            response_200.append(componentsschemas_order_list_item)

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
) -> Response[ErrorResponse | list[Order]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: OrdersQuery,
) -> Response[ErrorResponse | list[Order]]:
    """Today's orders of one account (signed). The body of a 200 is a bare JSON array.

     The 200 body is a bare JSON array of orders (`[]` when there are none),
    not an object. With `cancelable_only: true`, only orders in status 48,
    49, 50 or 55.

    Args:
        body (OrdersQuery):  Example: {'trader_index': 0, 'cancelable_only': True}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | list[Order]]
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
    body: OrdersQuery,
) -> ErrorResponse | list[Order] | None:
    """Today's orders of one account (signed). The body of a 200 is a bare JSON array.

     The 200 body is a bare JSON array of orders (`[]` when there are none),
    not an object. With `cancelable_only: true`, only orders in status 48,
    49, 50 or 55.

    Args:
        body (OrdersQuery):  Example: {'trader_index': 0, 'cancelable_only': True}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | list[Order]
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: OrdersQuery,
) -> Response[ErrorResponse | list[Order]]:
    """Today's orders of one account (signed). The body of a 200 is a bare JSON array.

     The 200 body is a bare JSON array of orders (`[]` when there are none),
    not an object. With `cancelable_only: true`, only orders in status 48,
    49, 50 or 55.

    Args:
        body (OrdersQuery):  Example: {'trader_index': 0, 'cancelable_only': True}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | list[Order]]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: OrdersQuery,
) -> ErrorResponse | list[Order] | None:
    """Today's orders of one account (signed). The body of a 200 is a bare JSON array.

     The 200 body is a bare JSON array of orders (`[]` when there are none),
    not an object. With `cancelable_only: true`, only orders in status 48,
    49, 50 or 55.

    Args:
        body (OrdersQuery):  Example: {'trader_index': 0, 'cancelable_only': True}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | list[Order]
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
