"""What the sync and async clients share around the HTTP call itself.

Argument checks of the constructor, the httpx settings, the hook that reads
every answer first (learning the server's clock from ``Date``; stopping a
non-JSON error page or a non-standard status before the generated client
tries to parse it), and turning HTTP answers and transport failures into
the documented exceptions.

Failures of an order-placing call are sorted in two: *not sent* (the
connection could not even be opened: nothing reached the server), which
surfaces as a plain ``QMTConnectionError``, and *maybe placed* (anything
after the request may have been written: a read error, a reset, a read
timeout, any 5xx, an answer that does not parse), which surfaces as
``QMTOrderStateUnknownError`` for the plan to reconcile.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

import httpx

from qmt_facade import __version__
from qmt_facade.clock import TIMESTAMP_EXPIRED, ServerClock
from qmt_facade.config import DEFAULT_ENV_FILE, guard_setting, load_config_file, resolve_config
from qmt_facade.errors import (
    DO_NOT_RESEND_TEXT,
    QMTAPIError,
    QMTAuthenticationError,
    QMTConnectionError,
    QMTNotFoundError,
    QMTOrderStateUnknownError,
    QMTTimeoutError,
    QMTTradeClientError,
    QMTValidationError,
    safe_url,
)
from qmt_facade.plans.steps import DEFAULT_RECONCILE_WINDOW, Call, ClientContext
from qmt_facade.retries import DEFAULT_MAX_RETRIES, RetryPolicy, validate_max_retries
from qmt_facade.signing import QMTSignatureAuth
from qmt_facade.validation import validate_non_negative, validate_positive
from qmt_server_client import AuthenticatedClient
from qmt_server_client.types import Response

if TYPE_CHECKING:
    from qmt_facade.journal import JournalIntent, JournalOutcome, OrderJournal
    from qmt_facade.rate_limit import RateLimit
    from qmt_facade.risk import RiskLimits
    from qmt_facade.server_lines import ServerLine

logger = logging.getLogger("qmt_facade")

USER_AGENT = f"qmt-facade/{__version__}"
_TAGS = re.compile(r"<[^>]+>")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"\s+")
_STANDARD_STATUSES = frozenset(status.value for status in HTTPStatus)
# Reconciliation longer than this would hold a strategy for minutes.
_MAX_RECONCILE_WINDOW = 300.0


def _refuse(field: str, shown: object, rule: str) -> QMTValidationError:
    return QMTValidationError.of(field, shown, rule)


def _check_base_url(base_url: object) -> str:
    """An http(s) URL with a host and nothing that could carry a secret."""
    shown = safe_url(base_url) if isinstance(base_url, str) else base_url
    if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
        raise _refuse("base_url", shown, "must start with http:// or https://")
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise _refuse("base_url", shown, "must be a valid URL") from None
    if "@" in parts.netloc:
        # httpx would send them as HTTP Basic auth (the QMT server has none)
        # and log the URL, credentials included, at INFO on every request.
        raise _refuse(
            "base_url",
            shown,
            "must not contain credentials (user:password@): the QMT server uses "
            "client_id/secret_key signatures or login(); pass those instead",
        )
    if parts.query or parts.fragment or base_url.rstrip("/").endswith(("?", "#")):
        raise _refuse(
            "base_url", shown, "must not contain a query or fragment (it is logged with every URL)"
        )
    if not parts.hostname:
        raise _refuse("base_url", shown, "must name a host")
    return base_url.rstrip("/")


def _check_client_id(client_id: object) -> str:
    # Sent as the X-Client-ID header: printable ASCII only.
    if (
        isinstance(client_id, str)
        and client_id.strip() == client_id != ""
        and client_id.isascii()
        and client_id.isprintable()
    ):
        return client_id
    raise _refuse(
        "client_id",
        client_id if isinstance(client_id, str) else type(client_id).__name__,
        "must be a non-empty str of printable ASCII without surrounding spaces",
    )


def _check_secret_key(secret_key: object) -> str | bytes:
    # Never echoed: the message names the type only.
    if isinstance(secret_key, bytes) and secret_key:
        return secret_key
    if isinstance(secret_key, str) and secret_key:
        try:
            secret_key.encode("utf-8")
        except UnicodeEncodeError:
            pass
        else:
            return secret_key
    rule = "must be a non-empty str (valid Unicode) or bytes"
    raise QMTValidationError(
        f"secret_key (a {type(secret_key).__name__}, value not shown): {rule}",
        field="secret_key",
        value=None,
        rule=rule,
    )


class ClientSettings:
    """Validated constructor arguments, shared by both clients."""

    def __init__(
        self,
        base_url: str,
        client_id: str | None,
        secret_key: str | None,
        timeout: float,
    ) -> None:
        self.base_url = _check_base_url(base_url)
        seconds = validate_positive(timeout, "timeout")
        if (client_id is None) != (secret_key is None):
            missing = "secret_key" if secret_key is None else "client_id"
            raise QMTValidationError(
                f"{missing} is missing: client_id and secret_key must be given together",
                field=missing,
                value=None,
                rule="client_id and secret_key together",
            )
        self.timeout = seconds
        self.clock = ServerClock()
        self.auth = (
            QMTSignatureAuth(
                _check_client_id(client_id), _check_secret_key(secret_key), clock=self.clock.now
            )
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

    def adopt(self, http: httpx.Client | httpx.AsyncClient, inspect: Callable[..., Any]) -> None:
        """Give a caller's httpx client the settings ``httpx_options`` gives the facade's own.

        Its transport, limits, proxies, TLS settings and other hooks stay the
        caller's; ``inspect`` (the client's answer hook) runs after theirs.
        """
        options = self.httpx_options()
        http.base_url = options["base_url"]
        http.auth = options["auth"]
        http.timeout = options["timeout"]
        http.follow_redirects = options["follow_redirects"]
        http.headers.update(options["headers"])
        http.event_hooks["response"].append(inspect)

    def describe(self, cls_name: str, ctx: ClientContext) -> str:
        auth = "signature" if ctx.signed else "session" if ctx.logged_in else "none"
        line = ctx.server_line.value if ctx.server_line is not None else "auto"
        return (
            f"{cls_name}(base_url={safe_url(self.base_url)!r}, "
            f"client_id={self.client_id!r}, auth={auth!r}, server_line={line!r}, "
            f"trader_index={ctx.default_trader_index}" + (", dry_run=True)" if ctx.dry_run else ")")
        )


def _open_journal(journal: object) -> tuple[OrderJournal | None, bool]:
    """The client's journal, and whether the client opened it (and so closes it)."""
    if journal is None:
        return None, False
    from qmt_facade.journal import OrderJournal  # brings sqlite3: only with a journal

    if isinstance(journal, OrderJournal):
        return journal, False
    if isinstance(journal, str | os.PathLike) and str(os.fspath(journal)):
        return OrderJournal(journal), True
    rule = "must be None, a file path (str or os.PathLike) or an OrderJournal"
    raise _refuse("journal", type(journal).__name__, rule)


class ClientBase:
    """What both clients hold besides their httpx client: settings, login state, journal.

    Settings come from the arguments, else the environment, else ``env_file``,
    else the defaults (``qmt_facade.config``). ``max_retries``,
    ``reconcile_window``, ``journal``, ``http_client``, ``risk``, ``rate_limit``
    and ``dry_run`` are arguments only (``risk`` and ``rate_limit`` can also
    come from the YAML file of ``from_config``).
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
        max_retries: int = DEFAULT_MAX_RETRIES,
        reconcile_window: float = DEFAULT_RECONCILE_WINDOW,
        journal: str | os.PathLike[str] | OrderJournal | None = None,
        risk: RiskLimits | Mapping[str, Any] | None = None,
        rate_limit: RateLimit | Mapping[str, Any] | None = None,
        dry_run: bool = False,
        http_client: httpx.Client | httpx.AsyncClient | None = None,
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
        window = validate_non_negative(reconcile_window, "reconcile_window")
        if window > _MAX_RECONCILE_WINDOW:
            raise _refuse("reconcile_window", reconcile_window, "must be <= 300 seconds")
        self._ctx = ClientContext(
            signed=self._settings.auth is not None,
            server_line=config.server_line,
            default_trader_index=config.trader_index,
            clock=self._settings.clock,
            retry=RetryPolicy(max_retries=validate_max_retries(max_retries)),
            reconcile_window=window,
        )
        self._journal, self._owns_journal = _open_journal(journal)
        self._ctx.journaling = self._journal is not None
        self._guard_rails(guard_setting("risk", risk), guard_setting("rate_limit", rate_limit))
        if not isinstance(dry_run, bool):
            raise _refuse("dry_run", dry_run, "must be True or False")
        self._ctx.dry_run = dry_run
        # The generated client only routes requests; auth, timeouts and
        # pooling live in our httpx client (its token header is never used).
        self._api = AuthenticatedClient(base_url=self._settings.base_url, token="")
        self._owns_http = http_client is None
        self._open_http(http_client)

    def _open_http(self, given: Any) -> None:
        """Create (or adopt ``given``) the client's httpx client and hand it to ``_api``."""
        raise NotImplementedError

    def _refuse_http_client(self, given: object, expected: type) -> QMTValidationError:
        rule = f"must be an {expected.__module__}.{expected.__name__} or None"
        return _refuse("http_client", type(given).__name__, rule)

    def _guard_rails(self, risk: RiskLimits | None, rate_limit: RateLimit | None) -> None:
        """Risk limits (order counts in the journal when there is one) and the rate limiters."""
        self._risk, self._rate_limit = risk, rate_limit
        self._ctx.risk = risk
        if risk is not None and risk.counts_orders:
            from qmt_facade.risk import MemoryOrderCounter

            self._ctx.order_counter = self._journal or MemoryOrderCounter()
        if rate_limit is not None:
            from qmt_facade.rate_limit import limiters_for

            self._ctx.order_slots, self._ctx.read_slots = limiters_for(rate_limit)

    @classmethod
    def from_config(cls, path: str | os.PathLike[str], **arguments: Any) -> Self:
        """A client with the settings of the YAML file ``path``; ``arguments`` win over it.

        The file's keys are the constructor's (``base_url``, ``client_id``,
        ``secret_key``, ``timeout``, ``trader_index``, ``server_line``) or the
        environment's (``QMT_BASE_URL``...), plus the sections ``risk:``
        (RiskLimits) and ``rate_limit:`` (RateLimit); a server
        ``config.yaml`` with ``outer_api_clients`` works too. What neither gives comes from the
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

    @property
    def risk(self) -> RiskLimits | None:
        """The pre-trade risk limits (None: none)."""
        return self._risk

    @property
    def rate_limit(self) -> RateLimit | None:
        """The order rate limit (None: none)."""
        return self._rate_limit

    @property
    def dry_run(self) -> bool:
        """True: order calls check everything and send nothing."""
        return self._ctx.dry_run

    @property
    def journal(self) -> OrderJournal | None:
        """The order journal given as ``journal=`` (None without one)."""
        return self._journal

    def _require_journal(self, action: str) -> OrderJournal:
        if self._journal is None:
            raise QMTValidationError(
                f"{action} needs an order journal: create the client with journal='orders.sqlite3'",
                field="journal",
                value=None,
                rule="journal required",
            )
        return self._journal

    def _record(self, entry: JournalIntent | JournalOutcome) -> QMTTradeClientError | None:
        """Perform a Record step: write ``entry`` to the journal (plans yield none without one)."""
        if self._journal is None:
            return None
        from qmt_facade.journal import perform_record  # loaded with the journal itself

        return perform_record(self._journal, entry)

    def _close_journal(self) -> None:
        if self._journal is not None and self._owns_journal:
            self._journal.close()

    def __repr__(self) -> str:
        return self._settings.describe(type(self).__name__, self._ctx)


def _is_json(response: httpx.Response) -> bool:
    content_type: str = response.headers.get("content-type", "")
    return content_type.split(";", 1)[0].strip().lower() == "application/json"


def inspect_answer(clock: ServerClock, response: httpx.Response) -> bool:
    """Learn the server's clock from ``response``; True when it must be refused.

    Refused: a non-standard status (the generated client cannot represent
    it) and a non-JSON answer from an API route (a proxy page, Flask's 404
    text). /login and /logout answer HTML or redirects on purpose.
    """
    clock.observe(response.headers.get("date"))
    if response.status_code not in _STANDARD_STATUSES:
        return True
    if _is_json(response):  # the common case first: it is one header lookup
        return False
    path: str = response.request.url.path
    return path.startswith("/qmt/")


def refused_answer(response: httpx.Response) -> QMTAPIError | QMTAuthenticationError:
    """The error for an answer ``inspect_answer`` refused (body already read)."""
    page = response.text
    # An HTML page's title says what happened; its body may be a debug traceback.
    title = _TITLE.search(page)
    text = _SPACES.sub(" ", _TAGS.sub(" ", title.group(1) if title else page)).strip()[:200] or None
    method, path = response.request.method, response.request.url.path
    status = response.status_code
    if status not in _STANDARD_STATUSES:
        text = f"non-standard HTTP status {status}" + (f": {text}" if text else "")
    if status == 401:
        return QMTAuthenticationError(status_code=status, error=text, method=method, path=path)
    if status == 404:
        return QMTNotFoundError(
            status_code=status, error=text or "Not Found", method=method, path=path
        )
    return QMTAPIError(status_code=status, error=text, method=method, path=path)


def _maybe_processed(status: int) -> bool:
    """Whether an order request answered with ``status`` may have been acted on.

    A 4xx is the server (or a proxy) refusing before doing anything. A 5xx
    (a proxy's 502/503/504 included: a proxy may answer after forwarding),
    an unknown status or a 200 that does not parse says nothing either way.
    """
    return not 400 <= status < 500


def order_state_unknown(call: Call, fault: str) -> QMTOrderStateUnknownError:
    """The error a maybe-placed failure becomes (the plan then reconciles)."""
    return QMTOrderStateUnknownError(
        f"{call.action}: 委托状态未知 ({fault})：请求可能已到达服务器，订单可能已下；"
        f"{DO_NOT_RESEND_TEXT}",
        fault=fault,
    )


def interpret(settings: ClientSettings, call: Call, response: Response[Any]) -> Any:
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
    if call.places_order and _maybe_processed(status):
        detail = " | ".join(str(p) for p in (error, server_message) if p)
        raise order_state_unknown(call, f"HTTP {status}" + (f": {detail}" if detail else ""))
    if status == 401:
        detail = call.action
        if error == TIMESTAMP_EXPIRED:  # still expired after the resend with a corrected clock
            detail += f"; {settings.clock.describe()}"
        raise QMTAuthenticationError(detail, status_code=status, error=error)
    cls = QMTNotFoundError if status == 404 else QMTAPIError
    raise cls(
        f"{call.action} 失败: HTTP {status}: "
        + " | ".join(str(p) for p in (error, server_message) if p),
        status_code=status,
        error=error,
        server_message=server_message,
    )


# httpx errors raised before a byte of the request was written: the
# connection could not be opened (refused, DNS, TLS), not in time, or no
# pooled connection became free. Nothing reached the server.
NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# What the generated client raises when a 200 body does not match the spec.
PARSE_ERRORS = (KeyError, TypeError, ValueError)
# What a driver hands to request_failed: hook refusals, httpx failures, parse errors.
FAILURES = (QMTAPIError, httpx.RequestError, *PARSE_ERRORS)


def request_failed(settings: ClientSettings, call: Call, exc: Exception) -> QMTTradeClientError:
    """The documented exception for what sending ``call`` raised (see FAILURES)."""
    if isinstance(exc, QMTAPIError):  # refused by inspect_answer
        if call.places_order and exc.status_code is not None and _maybe_processed(exc.status_code):
            return order_state_unknown(
                call, f"HTTP {exc.status_code}: {exc.error or ''}".rstrip(": ")
            )
        return exc
    kind = type(exc).__name__
    if isinstance(exc, NOT_SENT_ERRORS):
        detail = f"{call.action}: {kind}"
        if call.places_order:
            detail += "；请求未发出，服务器没有收到该委托 (not sent)"
        if isinstance(exc, httpx.TimeoutException):
            return QMTTimeoutError(settings.base_url, detail)
        return QMTConnectionError(settings.base_url, detail)
    if isinstance(exc, httpx.RequestError):
        if call.places_order:
            waited = (
                f" after {settings.timeout:g}s" if isinstance(exc, httpx.TimeoutException) else ""
            )
            return order_state_unknown(call, f"{kind}{waited}")
        if isinstance(exc, httpx.TimeoutException):
            return QMTTimeoutError(settings.base_url, f"{call.action}: 超时 {settings.timeout:g}s")
        return QMTConnectionError(settings.base_url, f"{call.action}: {kind}")
    # The generated client could not parse a 200 (not JSON, missing field, wrong type).
    if call.places_order:
        return order_state_unknown(call, f"HTTP 200 that does not parse ({kind})")
    return QMTAPIError(
        f"{call.action}: 服务器响应与协议不符 ({kind}: {exc})",
        status_code=200,
    )
