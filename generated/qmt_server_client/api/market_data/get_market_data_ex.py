from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.bar_answer_form import BarAnswerForm
from ...models.dividend_type import DividendType
from ...models.error_response import ErrorResponse
from ...models.market_data_response import MarketDataResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    stock_list: str,
    period: str | Unset = "1d",
    start_time: str | Unset = UNSET,
    end_time: str | Unset = UNSET,
    count: int | Unset = -1,
    field_list: str | Unset = UNSET,
    dividend_type: DividendType | Unset = UNSET,
    fill_data: str | Unset = "true",
    json: BarAnswerForm | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["stock_list"] = stock_list

    params["period"] = period

    params["start_time"] = start_time

    params["end_time"] = end_time

    params["count"] = count

    params["field_list"] = field_list

    json_dividend_type: str | Unset = UNSET
    if not isinstance(dividend_type, Unset):
        json_dividend_type = dividend_type.value

    params["dividend_type"] = json_dividend_type

    params["fill_data"] = fill_data

    json_json: str | Unset = UNSET
    if not isinstance(json, Unset):
        json_json = json.value

    params["json"] = json_json

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/qmt/data/api/get_market_data_ex",
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
    period: str | Unset = "1d",
    start_time: str | Unset = UNSET,
    end_time: str | Unset = UNSET,
    count: int | Unset = -1,
    field_list: str | Unset = UNSET,
    dividend_type: DividendType | Unset = UNSET,
    fill_data: str | Unset = "true",
    json: BarAnswerForm | Unset = UNSET,
) -> Response[ErrorResponse | MarketDataResponse | str]:
    """OPTIONAL. Bars of each symbol.

     UPSTREAM LINE ONLY; the main line answers 404 (text). Each symbol
    maps to `{"columns": [...], "index": [...], "data": [[...]]}`, or with
    `json=1` to a list of `{field: value}` rows. Every value is a float
    (`time` in milliseconds included); `timeFmt` (present when `time` is
    among the fields) is the date of `time` in the server host's local
    timezone. A `count` that is not an integer is a 500.

    Args:
        stock_list (str):  Example: 000001.SZ,600000.SH.
        period (str | Unset):  Default: '1d'.
        start_time (str | Unset):
        end_time (str | Unset):
        count (int | Unset):  Default: -1.
        field_list (str | Unset):  Example: time,open,high,low,close,volume.
        dividend_type (DividendType | Unset): xtquant's price adjustment of bars (`front` = 前复权).
        fill_data (str | Unset):  Default: 'true'.
        json (BarAnswerForm | Unset): `get_market_data_ex` answer form: `0` columns, `1` rows.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | MarketDataResponse | str]
    """

    kwargs = _get_kwargs(
        stock_list=stock_list,
        period=period,
        start_time=start_time,
        end_time=end_time,
        count=count,
        field_list=field_list,
        dividend_type=dividend_type,
        fill_data=fill_data,
        json=json,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    stock_list: str,
    period: str | Unset = "1d",
    start_time: str | Unset = UNSET,
    end_time: str | Unset = UNSET,
    count: int | Unset = -1,
    field_list: str | Unset = UNSET,
    dividend_type: DividendType | Unset = UNSET,
    fill_data: str | Unset = "true",
    json: BarAnswerForm | Unset = UNSET,
) -> ErrorResponse | MarketDataResponse | str | None:
    """OPTIONAL. Bars of each symbol.

     UPSTREAM LINE ONLY; the main line answers 404 (text). Each symbol
    maps to `{"columns": [...], "index": [...], "data": [[...]]}`, or with
    `json=1` to a list of `{field: value}` rows. Every value is a float
    (`time` in milliseconds included); `timeFmt` (present when `time` is
    among the fields) is the date of `time` in the server host's local
    timezone. A `count` that is not an integer is a 500.

    Args:
        stock_list (str):  Example: 000001.SZ,600000.SH.
        period (str | Unset):  Default: '1d'.
        start_time (str | Unset):
        end_time (str | Unset):
        count (int | Unset):  Default: -1.
        field_list (str | Unset):  Example: time,open,high,low,close,volume.
        dividend_type (DividendType | Unset): xtquant's price adjustment of bars (`front` = 前复权).
        fill_data (str | Unset):  Default: 'true'.
        json (BarAnswerForm | Unset): `get_market_data_ex` answer form: `0` columns, `1` rows.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | MarketDataResponse | str
    """

    return sync_detailed(
        client=client,
        stock_list=stock_list,
        period=period,
        start_time=start_time,
        end_time=end_time,
        count=count,
        field_list=field_list,
        dividend_type=dividend_type,
        fill_data=fill_data,
        json=json,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    stock_list: str,
    period: str | Unset = "1d",
    start_time: str | Unset = UNSET,
    end_time: str | Unset = UNSET,
    count: int | Unset = -1,
    field_list: str | Unset = UNSET,
    dividend_type: DividendType | Unset = UNSET,
    fill_data: str | Unset = "true",
    json: BarAnswerForm | Unset = UNSET,
) -> Response[ErrorResponse | MarketDataResponse | str]:
    """OPTIONAL. Bars of each symbol.

     UPSTREAM LINE ONLY; the main line answers 404 (text). Each symbol
    maps to `{"columns": [...], "index": [...], "data": [[...]]}`, or with
    `json=1` to a list of `{field: value}` rows. Every value is a float
    (`time` in milliseconds included); `timeFmt` (present when `time` is
    among the fields) is the date of `time` in the server host's local
    timezone. A `count` that is not an integer is a 500.

    Args:
        stock_list (str):  Example: 000001.SZ,600000.SH.
        period (str | Unset):  Default: '1d'.
        start_time (str | Unset):
        end_time (str | Unset):
        count (int | Unset):  Default: -1.
        field_list (str | Unset):  Example: time,open,high,low,close,volume.
        dividend_type (DividendType | Unset): xtquant's price adjustment of bars (`front` = 前复权).
        fill_data (str | Unset):  Default: 'true'.
        json (BarAnswerForm | Unset): `get_market_data_ex` answer form: `0` columns, `1` rows.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | MarketDataResponse | str]
    """

    kwargs = _get_kwargs(
        stock_list=stock_list,
        period=period,
        start_time=start_time,
        end_time=end_time,
        count=count,
        field_list=field_list,
        dividend_type=dividend_type,
        fill_data=fill_data,
        json=json,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    stock_list: str,
    period: str | Unset = "1d",
    start_time: str | Unset = UNSET,
    end_time: str | Unset = UNSET,
    count: int | Unset = -1,
    field_list: str | Unset = UNSET,
    dividend_type: DividendType | Unset = UNSET,
    fill_data: str | Unset = "true",
    json: BarAnswerForm | Unset = UNSET,
) -> ErrorResponse | MarketDataResponse | str | None:
    """OPTIONAL. Bars of each symbol.

     UPSTREAM LINE ONLY; the main line answers 404 (text). Each symbol
    maps to `{"columns": [...], "index": [...], "data": [[...]]}`, or with
    `json=1` to a list of `{field: value}` rows. Every value is a float
    (`time` in milliseconds included); `timeFmt` (present when `time` is
    among the fields) is the date of `time` in the server host's local
    timezone. A `count` that is not an integer is a 500.

    Args:
        stock_list (str):  Example: 000001.SZ,600000.SH.
        period (str | Unset):  Default: '1d'.
        start_time (str | Unset):
        end_time (str | Unset):
        count (int | Unset):  Default: -1.
        field_list (str | Unset):  Example: time,open,high,low,close,volume.
        dividend_type (DividendType | Unset): xtquant's price adjustment of bars (`front` = 前复权).
        fill_data (str | Unset):  Default: 'true'.
        json (BarAnswerForm | Unset): `get_market_data_ex` answer form: `0` columns, `1` rows.

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
            period=period,
            start_time=start_time,
            end_time=end_time,
            count=count,
            field_list=field_list,
            dividend_type=dividend_type,
            fill_data=fill_data,
            json=json,
        )
    ).parsed
