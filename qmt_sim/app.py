"""The Starlette app: the real QMT server's HTTP protocol, quirks included.

Route handlers mirror the real server's validation order and messages; where
the real server fails with a Python exception (a string ``trader_index``, an
unknown order id, a POST without a JSON content type) the handler fails the same
way and the exception becomes the real server's 500 shape
``{"error": "接口异常: <function>", "message": "..."}``. Deviations are listed in
``qmt_sim/README.md``.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import json
import logging
import math
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from . import auth
from . import market as mk
from .config import SimConfig
from .engine import Engine
from .store import Store

log = logging.getLogger("qmt_sim")

API = "/qmt/trade/api"
DATA_API = "/qmt/data/api"
UNSUPPORTED_MEDIA = (
    "415 Unsupported Media Type: Did not attempt to load JSON data because the request "
    "Content-Type was not 'application/json'."
)
MAX_TICK_STEPS = 100_000


class ApiError(Exception):
    """An intentional error response (400/401/413 ...) with a JSON body."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class UnsupportedMediaType(Exception):
    """What Flask raises for get_json() without a JSON content type (a 500 on the real server)."""


_NOT_JSON = object()


@dataclass
class Call:
    """One request, read and pre-parsed, handed to a synchronous handler."""

    method: str
    path: str
    query: str
    query_params: dict[str, str]
    path_params: dict[str, Any]
    content_type: str | None
    parsed: Any = field(default=_NOT_JSON)
    malformed: bool = False

    def json(self) -> Any:
        """Like Flask's ``request.get_json()``."""
        if not auth.is_json_content_type(self.content_type):
            raise UnsupportedMediaType(UNSUPPORTED_MEDIA)
        if self.malformed:
            raise ApiError(400, "请求体不是合法的JSON")
        return self.parsed


Handler = Callable[[Call, Engine], Any]

EITHER, SESSION, SIGNATURE, PUBLIC = "session-or-signature", "session", "signature", "public"


@dataclass(frozen=True)
class Api:
    path: str
    method: str
    auth: str
    name: str  # the real server's function name, used in 500 messages
    handler: Handler


# ---------------------------------------------------------------- validation
def check_trader_index(value: Any, count: int, required: bool = False) -> None:
    """The real server's index check; a string makes ``>=`` raise TypeError (a 500), as there."""
    if value is None and not required:
        return
    if value is None or value >= count or value < 0:
        raise ApiError(400, f"无效的交易器索引: {value}")


def require_symbol(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ApiError(400, "symbol 必须是非空字符串")
    return value


def require_price(value: Any, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ApiError(400, f"{name} 必须是大于 0 的数字")
    return float(value)


def require_number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ApiError(400, f"{name} 必须是数字")
    return float(value)


def require_text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ApiError(400, f"{name} 必须是字符串")
    return value


def fan_out(
    engine: Engine,
    trader_index: Any,
    verb: str,
    run: Callable[[int], Any],
    status_from_result: bool = False,
) -> list[dict[str, Any]]:
    """Run ``run`` on the chosen account, or on every account when no index is given."""
    results: list[dict[str, Any]] = []
    for i in range(engine.account_count()):
        if trader_index is not None and i != trader_index:
            continue
        try:
            result = run(i)
        except Exception as exc:  # one account failing must not hide the others
            log.exception("trader %s %s failed", i, verb)
            results.append(
                {"trader_index": i, "error": f"交易器{i}{verb}失败: {exc}", "status": "failed"}
            )
            continue
        ok = (
            bool(result.get("success")) if status_from_result and isinstance(result, dict) else True
        )
        results.append(
            {"trader_index": i, "result": result, "status": "success" if ok else "failed"}
        )
    return results


# ------------------------------------------------------------ query routes
def get_accounts(call: Call, engine: Engine) -> Any:
    return {"accounts": engine.accounts()}


def get_portfolio(call: Call, engine: Engine) -> Any:
    index = call.path_params["trader_index"]
    if index >= engine.account_count():
        raise ApiError(400, "无效的交易器索引")
    return {"portfolio": engine.portfolio(index)}


def get_positions(call: Call, engine: Engine) -> Any:
    index = call.path_params["trader_index"]
    if index >= engine.account_count():
        raise ApiError(400, "无效的交易器索引")
    return {"positions": engine.positions(index)}


# ------------------------------------------------------- session routes
def _session_shares(call: Call, engine: Engine, side: str) -> Any:
    data = call.json()
    if not data:
        raise ApiError(400, "请求数据不能为空")
    symbol, price, shares = data.get("symbol"), data.get("price"), data.get("shares")
    price_type = data.get("price_type", 0)
    strategy = data.get("strategy_name", "Web界面")
    trader_index = data.get("trader_index")
    if not symbol or price is None or shares is None:
        raise ApiError(400, "缺少必要参数: symbol, price, shares")
    check_trader_index(trader_index, engine.account_count())
    symbol, price = require_symbol(symbol), require_price(price, "price")
    shares, strategy = require_number(shares, "shares"), require_text(strategy, "strategy_name")
    place = engine.buy_shares if side == "buy" else engine.sell_shares
    verb = "买入" if side == "buy" else "卖出"
    results = fan_out(
        engine, trader_index, verb, lambda i: place(i, symbol, price, shares, price_type, strategy)
    )
    return {"message": f"{verb}执行完成", "results": results}


def buy_stock(call: Call, engine: Engine) -> Any:
    return _session_shares(call, engine, "buy")


def sell_stock(call: Call, engine: Engine) -> Any:
    return _session_shares(call, engine, "sell")


def trade(call: Call, engine: Engine) -> Any:
    data = call.json()
    if not data:
        raise ApiError(400, "请求数据不能为空")
    symbol, trade_price, pct = data.get("symbol"), data.get("trade_price"), data.get("position_pct")
    price_type = data.get("pricetype", 0)  # sic: this route spells it "pricetype"
    strategy = data.get("strategy_name", "Web界面")
    trader_index = data.get("trader_index")
    if not symbol or trade_price is None or pct is None:
        raise ApiError(400, "缺少必要参数: symbol, trade_price, position_pct")
    check_trader_index(trader_index, engine.account_count())
    symbol, price = require_symbol(symbol), require_price(trade_price, "trade_price")
    pct, strategy = require_number(pct, "position_pct"), require_text(strategy, "strategy_name")
    results = fan_out(
        engine,
        trader_index,
        "交易",
        lambda i: engine.buy_by_pct(i, symbol, price, pct, price_type, strategy),
    )
    return {"message": "交易执行完成", "results": results}


# ------------------------------------------------------ signature routes
def outer_trade(call: Call, engine: Engine) -> Any:
    operation = call.path_params["operation"]
    if operation not in ("buy", "sell"):
        raise ApiError(400, "操作类型必须是 buy 或 sell")
    data = call.json()
    if not data:
        raise ApiError(400, "请求数据不能为空")
    trader_index, symbol, trade_price = (
        data.get("trader_index"),
        data.get("symbol"),
        data.get("trade_price"),
    )
    price_type = data.get("price_type", 0)
    pct, order_num = data.get("position_pct"), data.get("order_num")
    strategy = data.get("strategy_name", "外部策略")
    if not symbol or trade_price is None:
        raise ApiError(400, "缺少必要参数: symbol, trade_price")
    if pct is None and order_num is None:
        raise ApiError(400, "必须提供 position_pct 或 order_num 其中之一")
    if pct is not None and order_num is not None:
        raise ApiError(400, "position_pct 和 order_num 不能同时提供，请选择其中一个")
    if pct is not None:
        mode, param = "position_pct", pct
        if not 0 <= pct <= 1:
            raise ApiError(400, "position_pct 必须在 0 到 1 之间")
    else:
        mode, param = "order_num", order_num
        if order_num <= 0:
            raise ApiError(400, "order_num 必须大于 0")
        normalized = mk.normalize_symbol(require_symbol(symbol))
        lot = mk.lot_size(normalized)
        if order_num % lot != 0:
            raise ApiError(400, f"order_num 必须是 {lot} 的倍数（{mk.unit_name(normalized)}）")
    check_trader_index(trader_index, engine.account_count())
    symbol, price = require_symbol(symbol), require_price(trade_price, "trade_price")
    amount, strategy = require_number(param, mode), require_text(strategy, "strategy_name")
    runner = _outer_runner(engine, operation, mode)
    results = fan_out(
        engine,
        trader_index,
        f"{operation}交易",
        lambda i: runner(i, symbol, price, amount, price_type, strategy),
    )
    return {
        "message": f"第三方{operation}交易执行完成",
        "operation": operation,
        "trade_mode": mode,
        "trade_param": param,
        "strategy_name": strategy,
        "results": results,
    }


def _outer_runner(engine: Engine, operation: str, mode: str) -> Callable[..., dict[str, Any]]:
    if operation == "buy":
        return engine.buy_by_pct if mode == "position_pct" else engine.buy_shares
    return engine.sell_by_pct if mode == "position_pct" else engine.sell_shares


def trade_allin(call: Call, engine: Engine) -> Any:
    data = call.json()
    symbol, cur_price, trader_index = (
        data.get("symbol"),
        data.get("cur_price"),
        data.get("trader_index"),
    )
    if not symbol or cur_price is None:
        raise ApiError(400, "缺少必要参数: symbol, cur_price")
    check_trader_index(trader_index, engine.account_count())
    symbol, price = require_symbol(symbol), require_price(cur_price, "cur_price")

    def buy_everything(i: int) -> None:
        # The real server drops the order outcome here: every result is null.
        engine.buy_by_pct(i, symbol, price, 1.0, 0, "全仓买入")

    return {
        "message": "全仓买入完成",
        "results": fan_out(engine, trader_index, "全仓买入", buy_everything),
    }


def nhg(call: Call, engine: Engine) -> Any:
    data = call.json() or {}
    trader_index = data.get("trader_index")
    reserve_amount = data.get("reserve_amount", 0)
    check_trader_index(trader_index, engine.account_count())
    if reserve_amount < 0:
        raise ApiError(400, "保留金额不能为负数")
    reserve = require_number(reserve_amount, "reserve_amount")
    results = fan_out(
        engine,
        trader_index,
        "逆回购",
        lambda i: engine.reverse_repo(i, reserve),
        status_from_result=True,
    )
    return {"message": "逆回购执行完成", "reserve_amount": reserve_amount, "results": results}


def _cancel_side(call: Call, engine: Engine, side: str, message: str) -> Any:
    data = call.json()
    trader_index = data.get("trader_index")
    check_trader_index(trader_index, engine.account_count())
    results: list[dict[str, Any]] = []
    for i in range(engine.account_count()):
        if trader_index is not None and i != trader_index:
            continue
        try:
            engine.cancel_side(i, side)
            results.append({"trader_index": i, "status": "success"})
        except Exception as exc:
            log.exception("cancel %s orders of trader %s failed", side, i)
            results.append({"trader_index": i, "error": str(exc), "status": "failed"})
    return {"message": message, "results": results}


def cancel_all_orders_sale(call: Call, engine: Engine) -> Any:
    return _cancel_side(call, engine, "sell", "取消所有卖单完成")


def cancel_all_orders_buy(call: Call, engine: Engine) -> Any:
    return _cancel_side(call, engine, "buy", "取消所有买单完成")


def cancel_order(call: Call, engine: Engine) -> Any:
    data = call.json()
    order_id, trader_index = data.get("order_id"), data.get("trader_index")
    check_trader_index(trader_index, engine.account_count(), required=True)
    return engine.cancel_order(trader_index, order_id)


def order(call: Call, engine: Engine) -> Any:
    data = call.json()
    order_id, trader_index = data.get("order_id"), data.get("trader_index")
    check_trader_index(trader_index, engine.account_count(), required=True)
    found = engine.query_order(trader_index, order_id)
    if found is None:
        # The real server dereferences xtquant's None: a 500 with this message.
        raise AttributeError("'NoneType' object has no attribute 'order_id'")
    return found


def orders(call: Call, engine: Engine) -> Any:
    data = call.json()
    trader_index = data.get("trader_index")
    cancelable_only = data.get("cancelable_only", False)
    check_trader_index(trader_index, engine.account_count(), required=True)
    return engine.query_orders(
        trader_index, bool(cancelable_only)
    )  # a bare JSON array, as the real server


# ----------------------------------------------------------- market data
def _stock_list(call: Call) -> list[str]:
    raw = call.query_params.get("stock_list", "")
    if not raw:
        raise ApiError(400, "缺少必要参数: stock_list")
    return [s.strip() for s in raw.split(",") if s.strip()]


def get_full_tick(call: Call, engine: Engine) -> Any:
    return {"status": "success", "data": engine.full_tick(_stock_list(call))}


def get_market_data_ex(call: Call, engine: Engine) -> Any:
    symbols = _stock_list(call)
    count = int(call.query_params.get("count", -1))
    as_json = call.query_params.get("json", "0") == "1"
    fields = [f.strip() for f in call.query_params.get("field_list", "").split(",") if f.strip()]
    bars = engine.daily_bars(symbols, count)
    data: dict[str, Any] = {}
    for symbol, rows in bars.items():
        keep = (
            ["time", *[f for f in fields if f != "time"]]
            if fields
            else list(rows[0])
            if rows
            else ["time"]
        )
        picked = [{k: row.get(k) for k in keep} for row in rows]
        data[symbol] = picked if as_json else {k: [row[k] for row in picked] for k in keep}
    return {"status": "success", "data": data}


# ------------------------------------------------------------- sim admin
def sim_tick(call: Call, engine: Engine) -> Any:
    data = (call.json() if call.content_type else None) or {}
    if not isinstance(data, dict):
        raise ApiError(400, "请求体必须是JSON对象")
    steps = data.get("steps", 1)
    if type(steps) is not int or not 1 <= steps <= MAX_TICK_STEPS:
        raise ApiError(400, f"steps 必须是 1 到 {MAX_TICK_STEPS} 之间的整数")
    return engine.tick(steps)


def sim_next_day(call: Call, engine: Engine) -> Any:
    return engine.next_day()


def sim_clock(call: Call, engine: Engine) -> Any:
    return engine.clock_info()


def sim_health(call: Call, engine: Engine) -> Any:
    return {"status": "ok", **engine.clock_info()}


API_ROUTES: tuple[Api, ...] = (
    Api(f"{API}/accounts", "GET", EITHER, "get_accounts", get_accounts),
    Api(f"{API}/portfolio/{{trader_index:int}}", "GET", EITHER, "get_portfolio", get_portfolio),
    Api(f"{API}/positions/{{trader_index:int}}", "GET", EITHER, "get_positions", get_positions),
    Api(f"{API}/buy", "POST", SESSION, "buy_stock", buy_stock),
    Api(f"{API}/sell", "POST", SESSION, "sell_stock", sell_stock),
    Api(f"{API}/trade", "POST", SESSION, "trade", trade),
    Api(f"{API}/outer/trade/{{operation}}", "POST", SIGNATURE, "outer_trade", outer_trade),
    Api(f"{API}/trade/allin", "POST", SIGNATURE, "trade_allin", trade_allin),
    Api(f"{API}/trade/nhg", "POST", SIGNATURE, "nhg", nhg),
    Api(
        f"{API}/cancel_orders/sale",
        "POST",
        SIGNATURE,
        "cancel_all_orders_sale",
        cancel_all_orders_sale,
    ),
    Api(
        f"{API}/cancel_orders/buy",
        "POST",
        SIGNATURE,
        "cancel_all_orders_buy",
        cancel_all_orders_buy,
    ),
    Api(f"{API}/cancel_order", "POST", SIGNATURE, "cancel_order", cancel_order),
    Api(f"{API}/order", "POST", SIGNATURE, "order", order),
    Api(f"{API}/orders", "POST", SIGNATURE, "orders", orders),
    Api(f"{DATA_API}/get_full_tick", "GET", EITHER, "get_full_tick", get_full_tick),
    Api(f"{DATA_API}/get_market_data_ex", "GET", EITHER, "get_market_data_ex", get_market_data_ex),
    Api("/sim/tick", "POST", SIGNATURE, "sim_tick", sim_tick),
    Api("/sim/next_day", "POST", SIGNATURE, "sim_next_day", sim_next_day),
    Api("/sim/clock", "GET", SIGNATURE, "sim_clock", sim_clock),
    Api("/sim/health", "GET", PUBLIC, "sim_health", sim_health),
)


# ---------------------------------------------------------------- plumbing
class Server:
    """Everything a request needs: config, engine, auth helpers."""

    def __init__(self, config: SimConfig, engine: Engine) -> None:
        self.config = config
        self.engine = engine
        self.verifier = auth.SignatureVerifier(
            config.client_secret, config.server.signature_timeout
        )
        self.sessions = auth.SessionSigner(config.server.session_secret)

    def logged_in(self, request: Request) -> bool:
        return self.sessions.username(request.cookies.get(auth.SESSION_COOKIE)) is not None

    def endpoint(self, api: Api) -> Callable[[Request], Any]:
        async def handle(request: Request) -> Response:
            try:
                call = await self._read(request)
                self._authenticate(api, request, call)
                result = await run_in_threadpool(api.handler, call, self.engine)
            except ApiError as exc:
                return JSONResponse({"error": exc.message}, status_code=exc.status)
            except Exception as exc:
                # The real server's catch-all; the client gets JSON, never a traceback.
                log.error(
                    "接口异常 [%s]: %s", api.name, exc, exc_info=log.isEnabledFor(logging.DEBUG)
                )
                return JSONResponse(
                    {"error": f"接口异常: {api.name}", "message": str(exc)}, status_code=500
                )
            return JSONResponse(result)

        return handle

    async def _read(self, request: Request) -> Call:
        raw = await read_body(request, self.config.server.max_body_bytes)
        call = Call(
            method=request.method,
            path=request.url.path,
            query=request.scope.get("query_string", b"").decode("latin-1"),
            query_params=dict(request.query_params),
            path_params=dict(request.path_params),
            content_type=request.headers.get("content-type"),
        )
        if auth.is_json_content_type(call.content_type):
            try:
                call.parsed = json.loads(raw)
            except ValueError:
                call.malformed = True
        return call

    def _authenticate(self, api: Api, request: Request, call: Call) -> None:
        if api.auth == PUBLIC:
            return
        if api.auth in (SESSION, EITHER) and self.logged_in(request):
            return
        if api.auth == SESSION:
            raise ApiError(401, auth.NOT_LOGGED_IN)
        if call.malformed and call.method != "GET":
            raise ApiError(400, "请求体不是合法的JSON")
        body = (
            ""
            if call.method == "GET" or call.parsed is _NOT_JSON
            else auth.canonical_body(call.parsed)
        )
        missing = auth.MISSING_HEADERS_OR_SESSION if api.auth == EITHER else auth.MISSING_HEADERS
        problem = self.verifier.verify(
            request.headers, call.method, call.path, call.query, body, missing
        )
        if problem is not None:
            raise ApiError(401, problem)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing anything larger than ``limit`` bytes with a 413."""
    too_large = ApiError(413, f"请求体过大，上限 {limit} 字节")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


# ------------------------------------------------------------- login pages
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
<p><a href="/logout">退出登录</a></p></body></html>
"""


def login_page(error: str = "") -> HTMLResponse:
    shown = f'<p class="error">{html.escape(error)}</p>' if error else ""
    return HTMLResponse(LOGIN_PAGE.format(error=shown))


def login_routes(server: Server) -> list[Route]:
    async def show_login(request: Request) -> Response:
        return login_page()

    async def do_login(request: Request) -> Response:
        try:
            raw = await read_body(request, server.config.server.max_body_bytes)
        except ApiError as exc:
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        form = (
            parse_qs(raw.decode("utf-8", "replace"))
            if content_type == "application/x-www-form-urlencoded"
            else {}
        )
        if "username" not in form or "password" not in form:
            message = "登录需要表单字段 username 和 password（application/x-www-form-urlencoded）"
            return JSONResponse({"error": message}, status_code=400)
        username, password = form["username"][0], form["password"][0]
        if not _password_ok(server.config, username, password):
            return login_page("用户名或密码错误")
        response = RedirectResponse("/trading", status_code=302)
        response.set_cookie(
            auth.SESSION_COOKIE, server.sessions.issue(username), httponly=True, samesite="lax"
        )
        return response

    async def logout(request: Request) -> Response:
        response = RedirectResponse("/login", status_code=302)
        response.delete_cookie(auth.SESSION_COOKIE)
        return response

    async def trading(request: Request) -> Response:
        user = server.sessions.username(request.cookies.get(auth.SESSION_COOKIE))
        if user is None:
            return RedirectResponse("/login", status_code=302)
        return HTMLResponse(TRADING_PAGE.format(user=html.escape(user), api=API))

    async def index(request: Request) -> Response:
        return RedirectResponse("/login", status_code=302)

    return [
        Route("/login", show_login, methods=["GET"]),
        Route("/login", do_login, methods=["POST"]),
        Route("/logout", logout, methods=["GET"]),
        Route("/trading", trading, methods=["GET"]),
        Route("/", index, methods=["GET"]),
    ]


def _password_ok(config: SimConfig, username: str, password: str) -> bool:
    matched = False
    for user in config.users:  # constant-time, and no early exit that leaks which part was wrong
        same_user = hmac.compare_digest(user.username.encode(), username.encode())
        same_pass = hmac.compare_digest(user.password.encode(), password.encode())
        matched |= same_user and same_pass
    return matched


# ------------------------------------------------------------------- factory
def create_app(config: SimConfig, db_path: str | Path) -> Starlette:
    """Build the app on ``db_path`` (created and seeded from ``config`` when empty)."""
    engine = Engine(Store(db_path), config)
    server = Server(config, engine)
    routes = [Route(api.path, server.endpoint(api), methods=[api.method]) for api in API_ROUTES]
    routes += login_routes(server)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ticker = asyncio.create_task(_tick_forever(engine, config.market.tick_seconds))
        try:
            yield
        finally:
            ticker.cancel()
            engine.store.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.engine = engine
    return app


async def _tick_forever(engine: Engine, seconds: float) -> None:
    """Advance the market on wall time; with tick_seconds 0 only /sim/tick moves it."""
    if seconds <= 0:
        return
    while True:
        await asyncio.sleep(seconds)
        try:
            await run_in_threadpool(engine.tick, 1)
        except Exception:
            log.exception("market tick failed")
