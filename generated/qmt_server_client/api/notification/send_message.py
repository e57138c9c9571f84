from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.send_message_request import SendMessageRequest
from ...models.send_message_result import SendMessageResult
from ...types import Response


def _get_kwargs(
    *,
    body: SendMessageRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/send_msg",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | SendMessageResult | None:
    if response.status_code == 200:
        response_200 = SendMessageResult.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 500:
        response_500 = SendMessageResult.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | SendMessageResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SendMessageRequest,
) -> Response[ErrorResponse | SendMessageResult]:
    """Relay a text through the server's DingTalk robot (signed). No path prefix.

     Answers `{"message": "消息发送成功", "status": "success"}` when the
    robot accepted the text, else `500 {"message": "<error>", "status":
    "error"}`. This route has no JSON catch-all: a body that is not JSON
    is the HTML page `Internal Server Error` (a 500).

    Args:
        body (SendMessageRequest):  Example: {'msg': '策略已启动'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SendMessageResult]
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
    body: SendMessageRequest,
) -> ErrorResponse | SendMessageResult | None:
    """Relay a text through the server's DingTalk robot (signed). No path prefix.

     Answers `{"message": "消息发送成功", "status": "success"}` when the
    robot accepted the text, else `500 {"message": "<error>", "status":
    "error"}`. This route has no JSON catch-all: a body that is not JSON
    is the HTML page `Internal Server Error` (a 500).

    Args:
        body (SendMessageRequest):  Example: {'msg': '策略已启动'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SendMessageResult
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SendMessageRequest,
) -> Response[ErrorResponse | SendMessageResult]:
    """Relay a text through the server's DingTalk robot (signed). No path prefix.

     Answers `{"message": "消息发送成功", "status": "success"}` when the
    robot accepted the text, else `500 {"message": "<error>", "status":
    "error"}`. This route has no JSON catch-all: a body that is not JSON
    is the HTML page `Internal Server Error` (a 500).

    Args:
        body (SendMessageRequest):  Example: {'msg': '策略已启动'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SendMessageResult]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SendMessageRequest,
) -> ErrorResponse | SendMessageResult | None:
    """Relay a text through the server's DingTalk robot (signed). No path prefix.

     Answers `{"message": "消息发送成功", "status": "success"}` when the
    robot accepted the text, else `500 {"message": "<error>", "status":
    "error"}`. This route has no JSON catch-all: a body that is not JSON
    is the HTML page `Internal Server Error` (a 500).

    Args:
        body (SendMessageRequest):  Example: {'msg': '策略已启动'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SendMessageResult
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
