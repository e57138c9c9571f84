from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.market_data_response import MarketDataResponse
from ...types import UNSET, Response


def _get_kwargs(
    *,
    stock_list: str,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["stock_list"] = stock_list

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/qmt/data/api/get_full_tick",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | MarketDataResponse | str | None:
    if response.status_code == 200:
        response_200 = MarketDataResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | MarketDataResponse | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    stock_list: str,
) -> Response[ErrorResponse | MarketDataResponse | str]:
    """OPTIONAL. Latest tick of each symbol.

     UPSTREAM LINE ONLY; the main line answers 404 (text). `stock_list`
    is comma-separated; each code is trimmed and suffixed by the shared
    rule (a wrong suffix is replaced) and unknown codes are left out. Each
    value is xtquant's snapshot plus `timeFmt` (a copy of `timetag`).

    Args:
        stock_list (str):  Example: 000001.SZ,600000.SH.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | MarketDataResponse | str]
    """

    kwargs = _get_kwargs(
        stock_list=stock_list,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    stock_list: str,
) -> ErrorResponse | MarketDataResponse | str | None:
    """OPTIONAL. Latest tick of each symbol.

     UPSTREAM LINE ONLY; the main line answers 404 (text). `stock_list`
    is comma-separated; each code is trimmed and suffixed by the shared
    rule (a wrong suffix is replaced) and unknown codes are left out. Each
    value is xtquant's snapshot plus `timeFmt` (a copy of `timetag`).

    Args:
        stock_list (str):  Example: 000001.SZ,600000.SH.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | MarketDataResponse | str
    """

    return sync_detailed(
        client=client,
        stock_list=stock_list,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    stock_list: str,
) -> Response[ErrorResponse | MarketDataResponse | str]:
    """OPTIONAL. Latest tick of each symbol.

     UPSTREAM LINE ONLY; the main line answers 404 (text). `stock_list`
    is comma-separated; each code is trimmed and suffixed by the shared
    rule (a wrong suffix is replaced) and unknown codes are left out. Each
    value is xtquant's snapshot plus `timeFmt` (a copy of `timetag`).

    Args:
        stock_list (str):  Example: 000001.SZ,600000.SH.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | MarketDataResponse | str]
    """

    kwargs = _get_kwargs(
        stock_list=stock_list,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    stock_list: str,
) -> ErrorResponse | MarketDataResponse | str | None:
    """OPTIONAL. Latest tick of each symbol.

     UPSTREAM LINE ONLY; the main line answers 404 (text). `stock_list`
    is comma-separated; each code is trimmed and suffixed by the shared
    rule (a wrong suffix is replaced) and unknown codes are left out. Each
    value is xtquant's snapshot plus `timeFmt` (a copy of `timetag`).

    Args:
        stock_list (str):  Example: 000001.SZ,600000.SH.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | MarketDataResponse | str
    """

    return (
        await asyncio_detailed(
            client=client,
            stock_list=stock_list,
        )
    ).parsed
