from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.session_order_request import SessionOrderRequest
from ...models.session_trade_response import SessionTradeResponse
from ...types import Response


def _get_kwargs(
    *,
    body: SessionOrderRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/qmt/trade/api/buy",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | SessionTradeResponse | None:
    if response.status_code == 200:
        response_200 = SessionTradeResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | SessionTradeResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SessionOrderRequest,
) -> Response[ErrorResponse | SessionTradeResponse]:
    """Buy a number of shares from a logged-in session.

     MAIN LINE ONLY: the upstream line has no such route (a 404 text
    answer, also with a session), hence no fixed-quantity buy at all.
    Session only; a signature is not accepted (401 `未登录，请先登录`).
    A missing field is a 400 `缺少必要参数: symbol, price, shares`.

    Args:
        body (SessionOrderRequest):  Example: {'symbol': '000001', 'price': 10.5, 'shares': 500}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SessionTradeResponse]
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
    body: SessionOrderRequest,
) -> ErrorResponse | SessionTradeResponse | None:
    """Buy a number of shares from a logged-in session.

     MAIN LINE ONLY: the upstream line has no such route (a 404 text
    answer, also with a session), hence no fixed-quantity buy at all.
    Session only; a signature is not accepted (401 `未登录，请先登录`).
    A missing field is a 400 `缺少必要参数: symbol, price, shares`.

    Args:
        body (SessionOrderRequest):  Example: {'symbol': '000001', 'price': 10.5, 'shares': 500}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SessionTradeResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SessionOrderRequest,
) -> Response[ErrorResponse | SessionTradeResponse]:
    """Buy a number of shares from a logged-in session.

     MAIN LINE ONLY: the upstream line has no such route (a 404 text
    answer, also with a session), hence no fixed-quantity buy at all.
    Session only; a signature is not accepted (401 `未登录，请先登录`).
    A missing field is a 400 `缺少必要参数: symbol, price, shares`.

    Args:
        body (SessionOrderRequest):  Example: {'symbol': '000001', 'price': 10.5, 'shares': 500}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SessionTradeResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SessionOrderRequest,
) -> ErrorResponse | SessionTradeResponse | None:
    """Buy a number of shares from a logged-in session.

     MAIN LINE ONLY: the upstream line has no such route (a 404 text
    answer, also with a session), hence no fixed-quantity buy at all.
    Session only; a signature is not accepted (401 `未登录，请先登录`).
    A missing field is a 400 `缺少必要参数: symbol, price, shares`.

    Args:
        body (SessionOrderRequest):  Example: {'symbol': '000001', 'price': 10.5, 'shares': 500}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SessionTradeResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
