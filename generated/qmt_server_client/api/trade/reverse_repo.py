from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.reverse_repo_request import ReverseRepoRequest
from ...models.reverse_repo_response import ReverseRepoResponse
from ...types import Response


def _get_kwargs(
    *,
    body: ReverseRepoRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/qmt/trade/api/trade/nhg",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ReverseRepoResponse | None:
    if response.status_code == 200:
        response_200 = ReverseRepoResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | ReverseRepoResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ReverseRepoRequest,
) -> Response[ErrorResponse | ReverseRepoResponse]:
    """Reverse repo (国债逆回购) with the available cash (signed).

     Lends cash through Shenzhen R-001 (`131810.SZ`): cash − `reserve_amount`,
    in units of 10 (1,000 CNY). Under 1,000 CNY usable the result is
    `success: false`. The order is placed as a SELL (xtquant `STOCK_SELL`)
    at the latest price (`price_type` 5, price 0) with the strategy name
    `""`, so it shows as `side: sell` in `/orders`, rests like any order
    until it is matched, and `/cancel_orders/sale` cancels it while it is
    open. The result carries no `price`. Here, unlike the other trade
    routes, `status` follows `result.success` (main line). Send `{}` to
    use every account's full cash.

    **Upstream line.** `reserve_amount` is ignored: every chosen account
    lends ALL its cash, floor(cash / 1,000) × 10 张. The answer is
    `{"message": "逆回购完成", "results": [{"trader_index", "status"}]}`
    with no `reserve_amount` and no `result`; `status` is `success` unless
    an exception escaped, also when nothing was lent (cash under 1,000
    CNY): only `/orders` tells whether an order went in. A JSON `null`
    body is a 500 there (main accepts it as `{}`).

    Args:
        body (ReverseRepoRequest):  Example: {'reserve_amount': 1000}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ReverseRepoResponse]
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
    body: ReverseRepoRequest,
) -> ErrorResponse | ReverseRepoResponse | None:
    """Reverse repo (国债逆回购) with the available cash (signed).

     Lends cash through Shenzhen R-001 (`131810.SZ`): cash − `reserve_amount`,
    in units of 10 (1,000 CNY). Under 1,000 CNY usable the result is
    `success: false`. The order is placed as a SELL (xtquant `STOCK_SELL`)
    at the latest price (`price_type` 5, price 0) with the strategy name
    `""`, so it shows as `side: sell` in `/orders`, rests like any order
    until it is matched, and `/cancel_orders/sale` cancels it while it is
    open. The result carries no `price`. Here, unlike the other trade
    routes, `status` follows `result.success` (main line). Send `{}` to
    use every account's full cash.

    **Upstream line.** `reserve_amount` is ignored: every chosen account
    lends ALL its cash, floor(cash / 1,000) × 10 张. The answer is
    `{"message": "逆回购完成", "results": [{"trader_index", "status"}]}`
    with no `reserve_amount` and no `result`; `status` is `success` unless
    an exception escaped, also when nothing was lent (cash under 1,000
    CNY): only `/orders` tells whether an order went in. A JSON `null`
    body is a 500 there (main accepts it as `{}`).

    Args:
        body (ReverseRepoRequest):  Example: {'reserve_amount': 1000}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ReverseRepoResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ReverseRepoRequest,
) -> Response[ErrorResponse | ReverseRepoResponse]:
    """Reverse repo (国债逆回购) with the available cash (signed).

     Lends cash through Shenzhen R-001 (`131810.SZ`): cash − `reserve_amount`,
    in units of 10 (1,000 CNY). Under 1,000 CNY usable the result is
    `success: false`. The order is placed as a SELL (xtquant `STOCK_SELL`)
    at the latest price (`price_type` 5, price 0) with the strategy name
    `""`, so it shows as `side: sell` in `/orders`, rests like any order
    until it is matched, and `/cancel_orders/sale` cancels it while it is
    open. The result carries no `price`. Here, unlike the other trade
    routes, `status` follows `result.success` (main line). Send `{}` to
    use every account's full cash.

    **Upstream line.** `reserve_amount` is ignored: every chosen account
    lends ALL its cash, floor(cash / 1,000) × 10 张. The answer is
    `{"message": "逆回购完成", "results": [{"trader_index", "status"}]}`
    with no `reserve_amount` and no `result`; `status` is `success` unless
    an exception escaped, also when nothing was lent (cash under 1,000
    CNY): only `/orders` tells whether an order went in. A JSON `null`
    body is a 500 there (main accepts it as `{}`).

    Args:
        body (ReverseRepoRequest):  Example: {'reserve_amount': 1000}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ReverseRepoResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ReverseRepoRequest,
) -> ErrorResponse | ReverseRepoResponse | None:
    """Reverse repo (国债逆回购) with the available cash (signed).

     Lends cash through Shenzhen R-001 (`131810.SZ`): cash − `reserve_amount`,
    in units of 10 (1,000 CNY). Under 1,000 CNY usable the result is
    `success: false`. The order is placed as a SELL (xtquant `STOCK_SELL`)
    at the latest price (`price_type` 5, price 0) with the strategy name
    `""`, so it shows as `side: sell` in `/orders`, rests like any order
    until it is matched, and `/cancel_orders/sale` cancels it while it is
    open. The result carries no `price`. Here, unlike the other trade
    routes, `status` follows `result.success` (main line). Send `{}` to
    use every account's full cash.

    **Upstream line.** `reserve_amount` is ignored: every chosen account
    lends ALL its cash, floor(cash / 1,000) × 10 张. The answer is
    `{"message": "逆回购完成", "results": [{"trader_index", "status"}]}`
    with no `reserve_amount` and no `result`; `status` is `success` unless
    an exception escaped, also when nothing was lent (cash under 1,000
    CNY): only `/orders` tells whether an order went in. A JSON `null`
    body is a 500 there (main accepts it as `{}`).

    Args:
        body (ReverseRepoRequest):  Example: {'reserve_amount': 1000}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ReverseRepoResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
