from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cancel_result import CancelResult
from ...models.error_response import ErrorResponse
from ...models.order_ref import OrderRef
from ...types import Response


def _get_kwargs(
    *,
    body: OrderRef,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/qmt/trade/api/cancel_order",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CancelResult | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = CancelResult.from_dict(response.json())

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
) -> Response[CancelResult | ErrorResponse]:
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
) -> Response[CancelResult | ErrorResponse]:
    """Cancel one order (signed).

     `success: true` means xtquant accepted the cancel request, not that the
    order is cancelled yet: it then moves to 54 (已撤), or 53 (部撤) after
    partial fills. Read it back with `POST /order`.

    Args:
        body (OrderRef):  Example: {'order_id': 1082130433, 'trader_index': 0}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CancelResult | ErrorResponse]
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
) -> CancelResult | ErrorResponse | None:
    """Cancel one order (signed).

     `success: true` means xtquant accepted the cancel request, not that the
    order is cancelled yet: it then moves to 54 (已撤), or 53 (部撤) after
    partial fills. Read it back with `POST /order`.

    Args:
        body (OrderRef):  Example: {'order_id': 1082130433, 'trader_index': 0}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CancelResult | ErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: OrderRef,
) -> Response[CancelResult | ErrorResponse]:
    """Cancel one order (signed).

     `success: true` means xtquant accepted the cancel request, not that the
    order is cancelled yet: it then moves to 54 (已撤), or 53 (部撤) after
    partial fills. Read it back with `POST /order`.

    Args:
        body (OrderRef):  Example: {'order_id': 1082130433, 'trader_index': 0}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CancelResult | ErrorResponse]
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
) -> CancelResult | ErrorResponse | None:
    """Cancel one order (signed).

     `success: true` means xtquant accepted the cancel request, not that the
    order is cancelled yet: it then moves to 54 (已撤), or 53 (部撤) after
    partial fills. Read it back with `POST /order`.

    Args:
        body (OrderRef):  Example: {'order_id': 1082130433, 'trader_index': 0}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CancelResult | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
