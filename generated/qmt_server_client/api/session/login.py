from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.login_form import LoginForm
from ...types import Response


def _get_kwargs(
    *,
    body: LoginForm,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/login",
    }

    _kwargs["data"] = body.to_dict()
    headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | str | None:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

    if response.status_code == 302:
        response_302 = cast(Any, None)
        return response_302

    if response.status_code == 500:
        response_500 = response.text
        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: LoginForm,
) -> Response[Any | str]:
    """Log in with a form body; success is a redirect that sets the session cookie.

     The body is an HTML form, not JSON: a JSON body makes the server fail
    with a plain-text 500. Success answers `302` to `/trading` with
    `Set-Cookie: session=...`; wrong credentials answer `200` with the HTML
    login page containing `用户名或密码错误`.

    Args:
        body (LoginForm):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | str]
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
    client: AuthenticatedClient | Client,
    body: LoginForm,
) -> Any | str | None:
    """Log in with a form body; success is a redirect that sets the session cookie.

     The body is an HTML form, not JSON: a JSON body makes the server fail
    with a plain-text 500. Success answers `302` to `/trading` with
    `Set-Cookie: session=...`; wrong credentials answer `200` with the HTML
    login page containing `用户名或密码错误`.

    Args:
        body (LoginForm):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | str
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: LoginForm,
) -> Response[Any | str]:
    """Log in with a form body; success is a redirect that sets the session cookie.

     The body is an HTML form, not JSON: a JSON body makes the server fail
    with a plain-text 500. Success answers `302` to `/trading` with
    `Set-Cookie: session=...`; wrong credentials answer `200` with the HTML
    login page containing `用户名或密码错误`.

    Args:
        body (LoginForm):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | str]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: LoginForm,
) -> Any | str | None:
    """Log in with a form body; success is a redirect that sets the session cookie.

     The body is an HTML form, not JSON: a JSON body makes the server fail
    with a plain-text 500. Success answers `302` to `/trading` with
    `Set-Cookie: session=...`; wrong credentials answer `200` with the HTML
    login page containing `用户名或密码错误`.

    Args:
        body (LoginForm):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | str
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
