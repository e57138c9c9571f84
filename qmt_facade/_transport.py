"""What the sync and async clients share around the HTTP call itself.

Argument checks of the constructor, the httpx settings, turning HTTP answers
and transport failures into the documented exceptions, and the hook that
stops a non-JSON error page (a 404 ``Not Found``, an HTML 500) before the
generated client tries to parse it as JSON.
"""

from __future__ import annotations

import json
import logging
import os
import re
from typing import Any, Self

import httpx

from qmt_facade import __version__
from qmt_facade.config import DEFAULT_ENV_FILE, load_config_file, resolve_config
from qmt_facade.errors import (
    QMTAPIError,
    QMTAuthenticationError,
    QMTConnectionError,
    QMTNotFoundError,
    QMTTimeoutError,
    QMTValidationError,
    safe_url,
)
from qmt_facade.plans.steps import Call, ClientContext
from qmt_facade.server_lines import ServerLine
from qmt_facade.signing import QMTSignatureAuth
from qmt_facade.validation import validate_positive
from qmt_server_client import AuthenticatedClient
from qmt_server_client.types import Response

logger = logging.getLogger("qmt_facade")

USER_AGENT = f"qmt-facade/{__version__}"
_TAGS = re.compile(r"<[^>]+>")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"\s+")


class ClientSettings:
    """Validated constructor arguments, shared by both clients."""

    def __init__(
        self,
        base_url: str,
        client_id: str | None,
        secret_key: str | None,
        timeout: float,
    ) -> None:
        if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
            raise QMTValidationError(
                f"base_url={safe_url(str(base_url))!r}: must start with http:// or https://",
                field="base_url",
                value=safe_url(str(base_url)),
                rule="http(s) URL",
            )
        seconds = validate_positive(timeout, "timeout")
        if (client_id is None) != (secret_key is None):
            missing = "secret_key" if secret_key is None else "client_id"
            raise QMTValidationError(
                f"{missing} is missing: client_id and secret_key must be given together",
                field=missing,
                value=None,
                rule="client_id and secret_key together",
            )
        self.base_url = base_url.rstrip("/")
        self.timeout = seconds
        self.auth = (
            QMTSignatureAuth(client_id, secret_key)
            if client_id is not None and secret_key is not None
            else None
        )

    @property
    def client_id(self) -> str | None:
        return self.auth.client_id if self.auth is not None else None

    def httpx_options(self) -> dict[str, Any]:
        """Keyword arguments for httpx.Client / httpx.AsyncClient (minus event hooks)."""
        return {
            "base_url": self.base_url,
            "auth": self.auth,
            "timeout": httpx.Timeout(self.timeout),
            "follow_redirects": False,  # /login answers 302: that redirect IS the answer
            "headers": {"User-Agent": USER_AGENT},
        }

    def describe(self, cls_name: str, ctx: ClientContext) -> str:
        auth = "signature" if ctx.signed else "session" if ctx.logged_in else "none"
        line = ctx.server_line.value if ctx.server_line is not None else "auto"
        return (
            f"{cls_name}(base_url={safe_url(self.base_url)!r}, "
            f"client_id={self.client_id!r}, auth={auth!r}, server_line={line!r}, "
            f"trader_index={ctx.default_trader_index})"
        )


class ClientBase:
    """What both clients hold besides their httpx client: settings and login state.

    Settings come from the arguments, else the environment, else ``env_file``,
    else the defaults (``qmt_facade.config``).
    """

    def __init__(
        self,
        base_url: str | None = None,
        client_id: str | None = None,
        secret_key: str | None = None,
        timeout: float | None = None,
        trader_index: int | None = None,
        env_file: str | os.PathLike[str] | None = DEFAULT_ENV_FILE,
        *,
        server_line: str | None = None,
    ) -> None:
        arguments = {
            "base_url": base_url,
            "client_id": client_id,
            "secret_key": secret_key,
            "timeout": timeout,
            "trader_index": trader_index,
            "server_line": server_line,
        }
        config = resolve_config(arguments, env_file)
        self._settings = ClientSettings(
            config.base_url, config.client_id, config.secret_key, config.timeout
        )
        self._ctx = ClientContext(
            signed=self._settings.auth is not None,
            server_line=config.server_line,
            default_trader_index=config.trader_index,
        )
        # The generated client only routes requests; auth, timeouts and
        # pooling live in our httpx client (its token header is never used).
        self._api = AuthenticatedClient(base_url=self._settings.base_url, token="")
        self._open_http()

    def _open_http(self) -> None:
        """Create the client's httpx client (blocking or asyncio) and hand it to ``_api``."""
        raise NotImplementedError

    @classmethod
    def from_config(cls, path: str | os.PathLike[str], **arguments: Any) -> Self:
        """A client with the settings of the YAML file ``path``; ``arguments`` win over it.

        The file's keys are the constructor's (``base_url``, ``client_id``,
        ``secret_key``, ``timeout``, ``trader_index``, ``server_line``) or the
        environment's (``QMT_BASE_URL``...); a server ``config.yaml`` with
        ``outer_api_clients`` works too. What neither gives comes from the
        environment, ``env_file`` and the defaults, as for the constructor.
        """
        settings = load_config_file(path, arguments.get("client_id"))
        settings.update({k: v for k, v in arguments.items() if v is not None})
        return cls(**settings)

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    @property
    def trader_index(self) -> int:
        """The account the query methods use when called without ``trader_index``."""
        return self._ctx.default_trader_index

    @property
    def server_line(self) -> ServerLine | None:
        """The server line: configured, detected, or None until the first order detects it."""
        return self._ctx.server_line

    def __repr__(self) -> str:
        return self._settings.describe(type(self).__name__, self._ctx)


def _is_json(response: httpx.Response) -> bool:
    content_type: str = response.headers.get("content-type", "")
    return content_type.split(";", 1)[0].strip().lower() == "application/json"


def expects_json(response: httpx.Response) -> bool:
    """API routes answer JSON; /login and /logout answer HTML or redirects."""
    if _is_json(response):  # the common case first: it is one header lookup
        return False
    path: str = response.request.url.path
    return path.startswith("/qmt/")


def non_json_error(response: httpx.Response) -> QMTAPIError | QMTAuthenticationError:
    """The error for a non-JSON answer from an API route (body already read)."""
    page = response.text
    # An HTML page's title says what happened; its body may be a debug traceback.
    title = _TITLE.search(page)
    text = _SPACES.sub(" ", _TAGS.sub(" ", title.group(1) if title else page)).strip()[:200] or None
    method, path = response.request.method, response.request.url.path
    status = response.status_code
    if status == 401:
        return QMTAuthenticationError(status_code=status, error=text, method=method, path=path)
    if status == 404:
        return QMTNotFoundError(
            status_code=status, error=text or "Not Found", method=method, path=path
        )
    return QMTAPIError(status_code=status, error=text, method=method, path=path)


def interpret(call: Call, response: Response[Any]) -> Any:
    """The parsed body of a 200, or the documented exception for anything else."""
    if call.raw:
        return response
    status = int(response.status_code)
    if status == 200:
        return response.parsed
    error = server_message = None
    try:
        body = json.loads(response.content)
    except ValueError:
        body = None
    if isinstance(body, dict):
        error = body.get("error")
        server_message = body.get("message")
    if status == 401:
        raise QMTAuthenticationError(call.action, status_code=status, error=error)
    cls = QMTNotFoundError if status == 404 else QMTAPIError
    raise cls(
        f"{call.action} 失败: HTTP {status}: "
        + " | ".join(str(p) for p in (error, server_message) if p),
        status_code=status,
        error=error,
        server_message=server_message,
    )


def transport_error(settings: ClientSettings, call: Call, exc: Exception) -> QMTAPIError:
    """Map an httpx failure (no HTTP answer) or an unparseable 200 to our errors."""
    if isinstance(exc, httpx.TimeoutException):
        detail = f"{call.action}: 超时 {settings.timeout:g}s"
        if call.places_order:
            detail += "；服务器可能已执行该请求，请先用 get_orders 核对委托，不要直接重试"
        return QMTTimeoutError(settings.base_url, detail)
    if isinstance(exc, httpx.RequestError):
        return QMTConnectionError(settings.base_url, f"{call.action}: {type(exc).__name__}")
    # The generated client could not parse a 200 (missing field, wrong type).
    return QMTAPIError(
        f"{call.action}: 服务器响应与协议不符 ({type(exc).__name__}: {exc})",
        status_code=200,
    )


# What the generated client raises when a 200 body does not match the spec.
PARSE_ERRORS = (KeyError, TypeError, ValueError)
# Everything httpx raises when no answer arrived.
REQUEST_ERRORS = (httpx.RequestError,)
