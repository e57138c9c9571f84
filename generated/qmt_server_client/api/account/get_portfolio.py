from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.portfolio_response import PortfolioResponse
from ...types import Response


def _get_kwargs(
    trader_index: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/qmt/trade/api/portfolio/{trader_index}".format(
            trader_index=quote(str(trader_index), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | PortfolioResponse | str | None:
    if response.status_code == 200:
        response_200 = PortfolioResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = response.text
        return response_404

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | PortfolioResponse | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    trader_index: int,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorResponse | PortfolioResponse | str]:
    """Assets of one account.

     Session or signature. All amounts in CNY. With xtquant `profit` and
    `profit_ratio` are always 0. An index out of range is a 400
    `无效的交易器索引` (without the number).

    Args:
        trader_index (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PortfolioResponse | str]
    """

    kwargs = _get_kwargs(
        trader_index=trader_index,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    trader_index: int,
    *,
    client: AuthenticatedClient,
) -> ErrorResponse | PortfolioResponse | str | None:
    """Assets of one account.

     Session or signature. All amounts in CNY. With xtquant `profit` and
    `profit_ratio` are always 0. An index out of range is a 400
    `无效的交易器索引` (without the number).

    Args:
        trader_index (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PortfolioResponse | str
    """

    return sync_detailed(
        trader_index=trader_index,
        client=client,
    ).parsed


async def asyncio_detailed(
    trader_index: int,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorResponse | PortfolioResponse | str]:
    """Assets of one account.

     Session or signature. All amounts in CNY. With xtquant `profit` and
    `profit_ratio` are always 0. An index out of range is a 400
    `无效的交易器索引` (without the number).

    Args:
        trader_index (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PortfolioResponse | str]
    """

    kwargs = _get_kwargs(
        trader_index=trader_index,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    trader_index: int,
    *,
    client: AuthenticatedClient,
) -> ErrorResponse | PortfolioResponse | str | None:
    """Assets of one account.

     Session or signature. All amounts in CNY. With xtquant `profit` and
    `profit_ratio` are always 0. An index out of range is a 400
    `无效的交易器索引` (without the number).

    Args:
        trader_index (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PortfolioResponse | str
    """

    return (
        await asyncio_detailed(
            trader_index=trader_index,
            client=client,
        )
    ).parsed
