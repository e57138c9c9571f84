"""The ASGI app: the real QMT server's HTTP protocol, quirks included.

This module is plumbing: ``ApiRouter`` (``api_router``) hands each API request
to ``Server.respond``, which reads it, authenticates it the way the configured
server line does, runs the route handler (``shared_routes``, ``main_line`` /
``upstream_line`` through ``lines``, ``market_data``) on the event loop, waits
until the state it reports is on disk (group commit, ``store``) and renders
the answer the way the real Flask server does (sorted keys, ``\\uXXXX``
escapes, HTML for non-JSON errors). The login and other pages are a small
Starlette app behind it; the session cookie is re-sent on every request made
with a session. Deviations are listed in ``qmt_sim/README.md``.
"""

from __future__ import annotations

import asyncio
import email.utils
import hmac
import html
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.requests import Request, cookie_parser
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from . import auth
from .api_router import INTERNAL_ERROR, Answer, ApiRouter, JsonAnswer, RawRequest, flask_json
from .calls import (
    API,
    BAD_REQUEST,
    DATA_API,
    EITHER,
    NOT_JSON,
    PUBLIC,
    SESSION,
    Api,
    ApiError,
    Call,
    Context,
    FlaskErrorPage,
    Reply,
)
from .config import SAMPLE_SESSION_SECRET, SimConfig
from .engine import Engine
from .lines import ServerLine, line_named
from .market_data import DATA_ROUTES
from .read_cache import ReadCache
from .shared_routes import ORDER_ROUTES, QUERY_ROUTES, SIM_ROUTES
from .store import Store

log = logging.getLogger("qmt_sim")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class FlaskJSONResponse(JSONResponse):
    """A page's JSON answer (``/login``'s errors), written like Flask's jsonify."""

    def render(self, content: Any) -> bytes:
        return flask_json(content)


def html_text(text: str, status: int) -> HTMLResponse:
    """The real server's non-JSON answers (``Not Found``, ``Internal Server Error``)."""
    return HTMLResponse(text, status_code=status)


def redirect(location: str) -> HTMLResponse:
    """A 302 with a small HTML body, like Flask's redirect()."""
    target = html.escape(location)
    body = (
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
        f'<p>Redirecting to <a href="{target}">{target}</a>.</p>\n'
    )
    return HTMLResponse(body, status_code=302, headers={"Location": location})


def session_cookie(value: str, now: float | None = None) -> str:
    """``Set-Cookie`` of a permanent Flask session: an expiry date, HttpOnly, Path=/."""
    expires = email.utils.formatdate(
        (time.time() if now is None else now) + auth.SESSION_MAX_AGE, usegmt=True
    )
    return f"{auth.SESSION_COOKIE}={value}; Expires={expires}; HttpOnly; Path=/"


CLEARED_SESSION_COOKIE = (
    f"{auth.SESSION_COOKIE}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/"
)


# ---------------------------------------------------------------- plumbing
class Server:
    """Everything a request needs: config, line, engine, auth helpers."""

    def __init__(self, config: SimConfig, line: ServerLine, engine: Engine) -> None:
        self.config = config
        self.line = line
        self.engine = engine
        self.context = Context(engine, results_by_position=line.results_by_position)
        self.verifier = auth.SignatureVerifier(
            config.client_secret, config.server.signature_timeout
        )
        self.revoked_sessions = self._load_revoked_sessions()
        self.sessions = auth.SessionSigner(
            self._session_secret(), [u.username for u in config.users], self.revoked_sessions
        )
        self.latency_s = config.server.latency_ms / 1000
        self.read_cache = ReadCache(engine.store.version)

    def _session_secret(self) -> str:
        """The configured secret, else a random one made once per database and kept in it."""
        configured = self.config.server.session_secret
        if configured == SAMPLE_SESSION_SECRET:
            log.warning(
                "server.session_secret is the public sample value: anyone can forge a login "
                "cookie. Remove it (a random secret is then kept in the database) or set your own."
            )
        if configured is not None:
            return configured
        with self.engine.store.transaction() as tx:
            secret = tx.get_meta("session_secret")
            if secret is None:
                secret = secrets.token_hex(32)
                tx.set_meta("session_secret", secret)
        return secret

    def _load_revoked_sessions(self) -> set[str]:
        with self.engine.store.transaction() as tx:
            return tx.revoked_sessions(int(time.time()))

    def log_out(self, cookie: str | None) -> None:
        """Revoke the session of ``cookie`` for good (it stays refused after a restart)."""
        session = self.sessions.session(cookie)
        if session is None:
            return
        with self.engine.store.transaction() as tx:
            tx.revoke_session(session.session_id, int(time.time()) + auth.SESSION_MAX_AGE)
        self.revoked_sessions.add(session.session_id)

    def user(self, request: Request) -> str | None:
        return self.sessions.username(request.cookies.get(auth.SESSION_COOKIE))

    def user_of(self, cookie_header: str | None) -> str | None:
        if not cookie_header:
            return None
        return self.sessions.username(cookie_parser(cookie_header).get(auth.SESSION_COOKIE))

    async def respond(self, api: Api, request: RawRequest) -> Answer:
        """Answer one API request (``ApiRouter`` calls this)."""
        response = await self._answer(api, request)
        # Nothing is answered before the state it reports is on disk (group commit).
        await self.engine.store.durable()
        return response

    async def _answer(self, api: Api, request: RawRequest) -> Answer:
        try:
            call = self._call(request, await request.body(self.config.server.max_body_bytes))
            self._authenticate(api, call)
            # The emulated xtquant round trip, on the routes whose real handler calls xtquant.
            if self.latency_s and api.path.startswith((API, DATA_API)):
                await asyncio.sleep(self.latency_s)  # other requests run meanwhile
            # Handlers are short and synchronous: they run on the event loop, one at a time.
            if api.cacheable:
                key = (api.path, *call.path_params.values())
                return self.read_cache.answer(key, lambda: _json(api.handler(call, self.context)))
            result = api.handler(call, self.context)
        except ApiError as exc:
            return JsonAnswer({"error": exc.message}, status_code=exc.status)
        except FlaskErrorPage:
            return html_text(INTERNAL_ERROR, 500)
        except Exception as exc:
            log.error("接口异常 [%s]: %s", api.name, exc, exc_info=log.isEnabledFor(logging.DEBUG))
            if not api.json_errors:
                return html_text(INTERNAL_ERROR, 500)
            # The real server's catch-all; the client gets JSON, never a traceback.
            return JsonAnswer(
                {"error": f"接口异常: {api.name}", "message": str(exc)}, status_code=500
            )
        return _json(result)

    @staticmethod
    def _call(request: RawRequest, raw: bytes) -> Call:
        query = request.query_string.decode("latin-1")
        call = Call(
            method=request.method,
            path=request.path,
            query=query,
            query_params=dict(QueryParams(query)) if query else {},
            path_params=request.path_params,
            content_type=request.headers.get("content-type"),
            headers=request.headers,
        )
        if auth.is_json_content_type(call.content_type):
            try:
                call.parsed = json.loads(raw)
            except ValueError:
                call.malformed = True
        return call

    def _authenticate(self, api: Api, call: Call) -> None:
        if api.auth == PUBLIC:
            return
        if api.auth in (SESSION, EITHER) and self.user_of(call.headers.get("cookie")):
            return
        if api.auth == SESSION:
            raise ApiError(401, auth.NOT_LOGGED_IN)
        if self.line.url_secret:
            verdict = auth.check_url_secret(call.query_params, self.config.client_secret)
            if verdict.used:
                if verdict.problem:
                    raise ApiError(401, verdict.problem)
                return

        def read_body() -> str:
            if call.method == "GET":
                return ""
            if call.malformed:
                # Parsed once the credentials passed, before any route code runs.
                raise FlaskErrorPage(BAD_REQUEST)
            return "" if call.parsed is NOT_JSON else auth.canonical_body(call.parsed)

        credentials = (
            auth.header_or_query_credentials(call.headers, call.query_params)
            if self.line.signature_fields_in_query
            else auth.header_credentials(call.headers)
        )
        missing = auth.MISSING_HEADERS_OR_SESSION if api.auth == EITHER else auth.MISSING_HEADERS
        problem = self.verifier.verify(
            credentials, call.method, call.path, call.query, read_body, missing
        )
        if problem is not None:
            raise ApiError(401, problem)


def _json(result: Any) -> JsonAnswer:
    """A handler's result as its answer (a ``Reply`` carries a status other than 200)."""
    if isinstance(result, Reply):
        return JsonAnswer(result.body, status_code=result.status)
    return JsonAnswer(result)


async def read_body(request: Request, limit: int) -> bytes:
    """A page's request body (``/login``), with the API's size limit."""
    raw = RawRequest(
        request.method, request.url.path, b"", dict(request.headers), {}, request.receive
    )
    return await raw.body(limit)


class SessionRefresh:
    """Re-send the session cookie on every answer to a request made with a valid session.

    Flask does this for a permanent session (SESSION_REFRESH_EACH_REQUEST), so
    a logged-in client sees a fresh ``Set-Cookie`` (new expiry) on each call.
    """

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], server: Server):
        self.app = app
        self.server = server

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        session = self._session(scope) if scope["type"] == "http" else None
        if session is None:
            await self.app(scope, receive, send)
            return

        async def send_refreshed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                prefix = f"{auth.SESSION_COOKIE}=".encode()
                if not any(k.lower() == b"set-cookie" and v.startswith(prefix) for k, v in headers):
                    cookie = session_cookie(
                        self.server.sessions.issue(session.username, session.session_id)
                    )
                    headers.append((b"set-cookie", cookie.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_refreshed)

    def _session(self, scope: Scope) -> auth.Session | None:
        for key, value in scope.get("headers", []):
            if key == b"cookie":
                cookies = cookie_parser(value.decode("latin-1"))
                return self.server.sessions.session(cookies.get(auth.SESSION_COOKIE))
        return None


# ------------------------------------------------------------------- pages
LOGIN_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>QMT 模拟交易 - 登录</title></head>
<body><h1>QMT 模拟交易服务器</h1>{error}
<form method="post" action="/login">
<label>用户名 <input name="username" autocomplete="username"></label>
<label>密码 <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">登录</button></form></body></html>
"""

TRADING_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>QMT 模拟交易</title></head>
<body><h1>QMT 模拟交易服务器</h1><p>已登录：{user}</p>
<p>这是模拟器（qmt-sim），没有交易界面；请通过 {api} 下的接口交易。</p>
<p><a href="/config">配置</a> · <a href="/logout">退出登录</a></p></body></html>
"""

CONFIG_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>QMT 模拟交易 - 配置</title></head>
<body><h1>配置管理</h1><p>模拟器的配置来自启动时的 YAML 文件，这里不能修改。</p>
<p><a href="/trading">返回</a></p></body></html>
"""


def login_page(error: str = "") -> HTMLResponse:
    shown = f'<p class="error">{html.escape(error)}</p>' if error else ""
    return HTMLResponse(LOGIN_PAGE.format(error=shown))


def page_routes(server: Server) -> list[Route]:
    async def show_login(request: Request) -> Response:
        return login_page()

    async def do_login(request: Request) -> Response:
        try:
            raw = await read_body(request, server.config.server.max_body_bytes)
        except ApiError as exc:
            return FlaskJSONResponse({"error": exc.message}, status_code=exc.status)
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        form = (
            parse_qs(raw.decode("utf-8", "replace"))
            if content_type == "application/x-www-form-urlencoded"
            else {}
        )
        if "username" not in form or "password" not in form:
            message = "登录需要表单字段 username 和 password（application/x-www-form-urlencoded）"
            return FlaskJSONResponse({"error": message}, status_code=400)
        username, password = form["username"][0], form["password"][0]
        if not _password_ok(server.config, username, password):
            return login_page("用户名或密码错误")
        response = redirect("/trading")
        response.headers.append("set-cookie", session_cookie(server.sessions.issue(username)))
        return response

    async def logout(request: Request) -> Response:
        server.log_out(request.cookies.get(auth.SESSION_COOKIE))
        await server.engine.store.durable()
        response = redirect("/login")
        response.headers.append("set-cookie", CLEARED_SESSION_COOKIE)
        return response

    async def trading(request: Request) -> Response:
        user = server.user(request)
        if user is None:
            return redirect("/login")
        return HTMLResponse(TRADING_PAGE.format(user=html.escape(user), api=API))

    async def config_page(request: Request) -> Response:
        # The real page edits the server's .env; the simulator shows a stub and changes nothing.
        if server.user(request) is None:
            return redirect("/login")
        return HTMLResponse(CONFIG_PAGE)

    async def index(request: Request) -> Response:
        return redirect("/trading" if server.user(request) is not None else "/login")

    return [
        Route("/login", show_login, methods=["GET"]),
        Route("/login", do_login, methods=["POST"]),
        Route("/logout", logout, methods=["GET"]),
        Route("/trading", trading, methods=["GET"]),
        Route("/config", config_page, methods=["GET", "POST"]),
        Route("/", index, methods=["GET"]),
    ]


def _password_ok(config: SimConfig, username: str, password: str) -> bool:
    matched = False
    for user in config.users:  # constant-time, and no early exit that leaks which part was wrong
        same_user = hmac.compare_digest(user.username.encode(), username.encode())
        same_pass = hmac.compare_digest(user.password.encode(), password.encode())
        matched |= same_user and same_pass
    return matched


async def _not_found(request: Request, exc: Exception) -> Response:
    return html_text("Not Found", 404)


async def _wrong_method(request: Request, exc: Exception) -> Response:
    # The real app's catch-all error handler turns Flask's 405 into its 500 page.
    return html_text(INTERNAL_ERROR, 500)


# ------------------------------------------------------------------- factory
def routes_of(config: SimConfig, line: ServerLine) -> tuple[Api, ...]:
    """The API routes the configured line serves (market data unless switched off)."""
    data = DATA_ROUTES if config.server.market_data else ()
    return (*QUERY_ROUTES, *line.trade_routes, *ORDER_ROUTES, *data, *SIM_ROUTES)


def create_app(config: SimConfig, db_path: str | Path) -> SessionRefresh:
    """Build the app on ``db_path`` (created and seeded from ``config`` when empty)."""
    line = line_named(config.server.line)
    engine = Engine(Store(db_path, group_commit=True), config, sizing=line.sizing)
    server = Server(config, line, engine)
    routes = page_routes(server)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ticker = asyncio.create_task(_tick_forever(engine, config.market.tick_seconds))
        try:
            yield
        finally:
            ticker.cancel()
            engine.store.close()

    pages = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={404: _not_found, 405: _wrong_method},
    )
    pages.state.engine = engine
    others = [(route.path_regex.match, route.methods or ()) for route in routes]
    api = ApiRouter(routes_of(config, line), server.respond, pages, others)
    if engine.store.group_commit is not None:
        # A request alone syncs inline; with others in flight the fsync goes to a thread.
        engine.store.group_commit.busy = lambda: api.in_flight > 1
    return SessionRefresh(api, server)


async def _tick_forever(engine: Engine, seconds: float) -> None:
    """Advance the market on wall time; with tick_seconds 0 only /sim/tick moves it."""
    if seconds <= 0:
        return
    while True:
        await asyncio.sleep(seconds)
        try:
            engine.tick(1)
            await engine.store.durable()
        except Exception:
            log.exception("market tick failed")
