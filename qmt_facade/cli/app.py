"""The `qmt` commands. Every command calls the public client API and prints its answer.

Nothing here decides a business rule: validation, sizing and the meaning of
an answer are the client's. Order-placing commands show what they will send
and ask before sending (``--yes`` skips the question); ``--dry-run`` runs
the call on a client with ``dry_run=True``, which checks it against the
server (risk limits and the ratio-sell guard included) and sends no order.
"""

from __future__ import annotations

import enum
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from qmt_facade import (
    QMTOrderRejectedError,
    QMTOrderStateUnknownError,
    QMTRiskError,
    QMTTradeClient,
    QMTTradeClientError,
    QMTUnsupportedError,
    QMTValidationError,
    TradeResult,
)
from qmt_facade.cli import render
from qmt_facade.cli.exit_codes import ExitCode, exit_code_for
from qmt_facade.cli.settings import ConnectionFlags, client_for, trader_index_configured
from qmt_facade.config import ClientConfig
from qmt_facade.plans import validate_order
from qmt_facade.validation import (
    validate_optional_trader_index,
    validate_order_id,
    validate_reserve_amount,
    validate_trader_index,
)

app = typer.Typer(
    name="qmt",
    help=(
        "Look at and trade a QMT account from the terminal (qmt-facade).\n\n"
        "Settings, first found wins: the flags below (before the command), the --config "
        "YAML file, QMT_BASE_URL / QMT_CLIENT_ID / QMT_SECRET_KEY / QMT_TIMEOUT / "
        "QMT_TRADER_INDEX in the environment, a .env file in the working directory, "
        "the defaults.\n\n"
        "Exit codes: 0 ok, 1 the server or a risk/rate limit said no, 2 usage or validation, "
        "3 connection or timeout (nothing happened), 4 order state unknown "
        "(check `qmt orders` before sending again)."
    ),
    no_args_is_help=True,
    add_completion=False,
    # typer's rich tracebacks print local variables: the secret key among them.
    pretty_exceptions_enable=False,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines, not tables.")]
IndexOption = Annotated[
    int | None, typer.Option("-i", "--trader-index", help="Account index (see `qmt accounts`).")
]
TradeIndexOption = Annotated[
    int | None,
    typer.Option("-i", "--trader-index", help="Account index; without it: EVERY account."),
]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Send without asking.")]
DryRunOption = Annotated[
    bool,
    typer.Option(
        "--dry-run", help="Check against the server (risk limits too); show the request, send none."
    ),
]


class Side(enum.StrEnum):
    buy = "buy"
    sell = "sell"


class Output:
    """Where a command's answer, notes and errors go, in the chosen style."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        self.out = render.console_for(sys.stdout)
        self.err = render.console_for(sys.stderr)

    @property
    def notes(self) -> Console:
        """Messages for the person at the terminal; stderr when stdout carries JSON."""
        return self.err if self.as_json else self.out

    def show(self, payload: Callable[[], Any], table: Callable[[], Table]) -> None:
        if self.as_json:
            render.write_json(payload())
        else:
            self.out.print(table())

    def fail(self, error: QMTTradeClientError, code: ExitCode) -> NoReturn:
        if self.as_json:
            render.write_json({"error": _error_json(error, code)})
        else:
            self.err.print(f"[bold red]错误[/]: {escape(str(error))}", highlight=False)
        raise typer.Exit(int(code))

    def refuse(self, message: str, code: ExitCode) -> NoReturn:
        """A failure the CLI itself detects (no credentials, not confirmed)."""
        if self.as_json:
            render.write_json({"error": {"type": "cli", "message": message, "exit_code": code}})
        else:
            self.err.print(message, markup=False, highlight=False)
        raise typer.Exit(int(code))


def _error_json(error: QMTTradeClientError, code: ExitCode) -> dict[str, Any]:
    data: dict[str, Any] = {"type": type(error).__name__, "message": str(error), "exit_code": code}
    if isinstance(error, QMTValidationError):
        data.update(field=error.field, rule=error.rule)
    if isinstance(error, QMTUnsupportedError):
        data.update(capability=error.capability, alternative=error.alternative)
    if isinstance(error, QMTOrderRejectedError):
        data["outcomes"] = [o.to_dict() for o in error.outcomes if hasattr(o, "to_dict")]
    if isinstance(error, QMTOrderStateUnknownError):
        data["client_order_id"] = error.client_order_id
    if isinstance(error, QMTRiskError):
        data.update(limit=error.limit, value=error.value)
    status = getattr(error, "status_code", None)
    if status is not None:
        data["status_code"] = status
    return data


@contextmanager
def _handled(output: Output) -> Iterator[None]:
    """Turn the client's exceptions into a message and the documented exit code."""
    try:
        yield
    except QMTTradeClientError as error:
        output.fail(error, exit_code_for(error))


NO_CREDENTIALS = (
    "qmt 需要 API 签名凭据 (no API credentials): give --client-id and --secret-key, "
    "QMT_CLIENT_ID and QMT_SECRET_KEY (environment or .env), "
    "or client_id and secret_key in the --config file"
)


def _settings(ctx: typer.Context, output: Output) -> ClientConfig:
    """The resolved connection settings (flags > --config file > environment > .env > defaults)."""
    root = ctx.find_root()
    if "qmt.settings" not in root.meta:
        flags = root.obj
        assert isinstance(flags, ConnectionFlags)
        with _handled(output):
            root.meta["qmt.settings"] = flags.resolve()
    config: ClientConfig = root.meta["qmt.settings"]
    return config


@contextmanager
def _client(ctx: typer.Context, output: Output, dry_run: bool = False) -> Iterator[QMTTradeClient]:
    config = _settings(ctx, output)
    if not (config.client_id and config.secret_key):
        output.refuse(NO_CREDENTIALS, ExitCode.USAGE)
    with _handled(output):
        client = client_for(config, dry_run=dry_run)
    with client:
        yield client


def _index(ctx: typer.Context, given: int | None, output: Output) -> int:
    """The account of a query: -i, else the configured one (QMT_TRADER_INDEX...), else 0."""
    return given if given is not None else _settings(ctx, output).trader_index


def _required_index(ctx: typer.Context, given: int | None, output: Output) -> int:
    """-i, else a configured account; never a silent 0 for one order's commands."""
    if given is not None:
        return given
    config = _settings(ctx, output)
    if not trader_index_configured(config):
        output.refuse(
            "缺少账户: 请用 -i/--trader-index 指定账户 (or set QMT_TRADER_INDEX)", ExitCode.USAGE
        )
    return config.trader_index


class _LogToStderr(logging.Handler):
    """The client's warnings (a reduced quantity, a lenient answer) for the operator.

    Writes to the sys.stderr of the moment, so a test runner's capture sees it.
    """

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(f"注意: {record.getMessage()}\n")


def _show_client_warnings() -> None:
    log = logging.getLogger("qmt_facade")
    if not any(isinstance(h, _LogToStderr) for h in log.handlers):
        log.addHandler(_LogToStderr(logging.WARNING))


# --- the connection options -------------------------------------------------------


@app.callback()
def connection(
    ctx: typer.Context,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Server URL (default http://localhost:9091).")
    ] = None,
    client_id: Annotated[str | None, typer.Option("--client-id", help="API client id.")] = None,
    secret_key: Annotated[
        str | None,
        typer.Option("--secret-key", help="API secret (prefer the environment: argv is visible)."),
    ] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="Seconds per request (default 30).")
    ] = None,
    config_file: Annotated[
        Path | None,
        typer.Option(
            "--config", help="YAML file with base_url, client_id, secret_key, trader_index..."
        ),
    ] = None,
) -> None:
    """Connection settings (see `qmt --help` for where else they come from)."""
    _show_client_warnings()
    ctx.obj = ConnectionFlags(
        base_url=base_url,
        client_id=client_id,
        secret_key=secret_key,
        timeout=timeout,
        config_file=config_file,
    )


# --- queries ------------------------------------------------------------------------


@app.command()
def accounts(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The server's accounts and their index (-i)."""
    output = Output(as_json)
    with _client(ctx, output) as client, _handled(output):
        found = client.get_accounts()
    output.show(lambda: [a.to_dict() for a in found], lambda: render.accounts_table(found))


@app.command()
def portfolio(
    ctx: typer.Context, trader_index: IndexOption = None, as_json: JsonOption = False
) -> None:
    """Assets of one account: 总资产, 可用金额, 冻结金额, 持仓市值, 盈亏."""
    output = Output(as_json)
    index = _index(ctx, trader_index, output)
    with _client(ctx, output) as client, _handled(output):
        assets = client.get_portfolio(index)
    output.show(assets.to_dict, lambda: render.portfolio_table(assets, index))


@app.command()
def positions(
    ctx: typer.Context, trader_index: IndexOption = None, as_json: JsonOption = False
) -> None:
    """Positions of one account."""
    output = Output(as_json)
    index = _index(ctx, trader_index, output)
    with _client(ctx, output) as client, _handled(output):
        held = client.get_positions(index)
    output.show(lambda: [p.to_dict() for p in held], lambda: render.positions_table(held, index))


@app.command()
def orders(
    ctx: typer.Context,
    trader_index: IndexOption = None,
    open_only: Annotated[
        bool, typer.Option("--open", help="Only orders that can still be cancelled.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Today's orders of one account."""
    output = Output(as_json)
    index = _index(ctx, trader_index, output)
    with _client(ctx, output) as client, _handled(output):
        found = client.get_orders(index, cancelable_only=open_only)
    output.show(lambda: [o.to_dict() for o in found], lambda: render.orders_table(found, index))


@app.command()
def order(
    ctx: typer.Context,
    order_id: Annotated[int, typer.Argument(help="The order id.")],
    trader_index: IndexOption = None,
    as_json: JsonOption = False,
) -> None:
    """One order."""
    output = Output(as_json)
    index = _required_index(ctx, trader_index, output)
    with _client(ctx, output) as client, _handled(output):
        found = client.get_order(order_id, index)
    output.show(found.to_dict, lambda: render.order_table(found))


@app.command()
def quote(
    ctx: typer.Context,
    symbols: Annotated[list[str], typer.Argument(help="One or more symbols.")],
    as_json: JsonOption = False,
) -> None:
    """The latest tick of each symbol (needs a server with market data)."""
    output = Output(as_json)
    with _client(ctx, output) as client, _handled(output):
        ticks = client.get_full_tick(symbols)
    output.show(
        lambda: {s: t.to_dict() for s, t in ticks.items()}, lambda: render.quotes_table(ticks)
    )


@app.command()
def bars(
    ctx: typer.Context,
    symbol: Annotated[str, typer.Argument(help="One symbol.")],
    period: Annotated[str, typer.Option("--period", help="1m 5m 15m 30m 1h 1d 1w 1mon...")] = "1d",
    bar_count: Annotated[int, typer.Option("--count", help="The last N bars.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """The last bars of one symbol (needs a server with market data)."""
    output = Output(as_json)
    with _client(ctx, output) as client, _handled(output):
        found = client.get_market_data(symbol, period=period, count=bar_count)
    series = next(iter(found.values()), [])
    code = next(iter(found), symbol)
    output.show(
        lambda: {s: [b.to_dict() for b in bs] for s, bs in found.items()},
        lambda: render.bars_table(code, period, series),
    )


# --- orders: show, confirm, send ----------------------------------------------------------


def _accounts_text(trader_index: int | None) -> str:
    return "全部账户 (every account)" if trader_index is None else str(trader_index)


def _confirm_and_send(
    ctx: typer.Context,
    output: Output,
    title: str,
    rows: list[tuple[str, str]],
    method: str,
    arguments: dict[str, Any],
    yes: bool,
    dry_run: bool,
) -> Any:
    """Show the request, ask (unless --yes or --dry-run) and call the client.

    On --dry-run the client has ``dry_run=True``: it checks the call against
    the server and its limits and returns what it would send, sending no order.
    """
    if dry_run:
        output.notes.print(render.request_table(title, rows))
    elif not yes:
        output.notes.print(render.request_table(title, rows))
        try:
            confirmed = typer.confirm("确认发送? Send", default=False, err=output.as_json)
        except typer.Abort:  # no answer (end of input); recent typer carries its own click
            confirmed = False
        if not confirmed:
            output.refuse("未确认: 没有发送任何请求 (not sent)", ExitCode.REFUSED)
    with _client(ctx, output, dry_run) as client, _handled(output):
        result = getattr(client, method)(**arguments)
    if dry_run:
        _show_dry_run(output, result)
    return result


def _show_dry_run(output: Output, result: Any) -> NoReturn:
    """The request the client did not send (in ``result.message``), and its client order id."""
    payload = result.to_dict()
    if isinstance(result, TradeResult):
        payload["order_ids"] = result.order_ids
    if output.as_json:
        render.write_json(payload)
    else:
        output.out.print(result.message, markup=False, highlight=False, soft_wrap=True)
        if payload.get("client_order_id"):
            output.out.print(f"client_order_id: {payload['client_order_id']}", markup=False)
    raise typer.Exit(int(ExitCode.OK))


def _show_trade(output: Output, result: TradeResult) -> None:
    # result.warnings reach stderr through the client's log (see _LogToStderr).
    output.show(
        lambda: {**result.to_dict(), "order_ids": result.order_ids},
        lambda: render.trade_table(result),
    )


def _order_command(
    ctx: typer.Context,
    side: Side,
    symbol: str,
    price: float,
    shares: int | None,
    pct: float | None,
    trader_index: int | None,
    price_type: int,
    yes: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    output = Output(as_json)
    with _handled(output):
        request = validate_order(
            "buy" if side is Side.buy else "sell",
            symbol,
            price,
            pct,
            shares,
            price_type,
            trader_index,
            "客户端交易",
        )
    if request.shares is not None:
        amount = f"{render.count(request.shares)} (shares)"
    else:
        base = "总资产" if side == "buy" else "可卖数量"
        amount = f"{base}的 {render.percent((request.position_pct or 0) * 100)} (position_pct)"
    rows = [
        ("操作", render.SIDE_NAMES[side]),
        ("代码", request.symbol),
        ("价格", render.price(request.price)),
        ("数量", amount),
        ("价格类型", f"{request.price_type} {render.PRICE_TYPE_NAMES[request.price_type]}"),
        ("账户", _accounts_text(request.trader_index)),
    ]
    arguments: dict[str, Any] = {"symbol": request.symbol, "price": request.price}
    if request.shares is not None:
        arguments["shares"] = request.shares
    else:
        arguments["position_pct"] = request.position_pct
    arguments.update(price_type=request.price_type, trader_index=request.trader_index)
    title = f"{render.SIDE_NAMES[side]} {request.symbol}"
    result = _confirm_and_send(ctx, output, title, rows, side.value, arguments, yes, dry_run)
    _show_trade(output, result)


SharesOption = Annotated[int | None, typer.Option("--shares", help="Quantity (股 / 张).")]
PctOption = Annotated[
    float | None,
    typer.Option("--pct", help="Fraction, as position_pct: 0.1 = 10% (of assets / sellable)."),
]
PriceOption = Annotated[float, typer.Option("--price", help="Limit price (CNY).")]
TypeOption = Annotated[
    int, typer.Option("--type", help="0 限价, 1 最新价, 2 最优五档, 3 本方最优, 5 对方最优.")
]


def _add_order_command(side: Side, summary: str) -> None:
    """`qmt buy` and `qmt sell`: one command body, two names."""

    def command(
        ctx: typer.Context,
        symbol: Annotated[str, typer.Argument(help="e.g. 000001 or 600000.SH")],
        price: PriceOption,
        shares: SharesOption = None,
        pct: PctOption = None,
        trader_index: TradeIndexOption = None,
        price_type: TypeOption = 0,
        yes: YesOption = False,
        dry_run: DryRunOption = False,
        as_json: JsonOption = False,
    ) -> None:
        _order_command(
            ctx, side, symbol, price, shares, pct, trader_index, price_type, yes, dry_run, as_json
        )

    command.__doc__ = summary
    app.command(side.value)(command)


_add_order_command(Side.buy, "Buy by --shares or by --pct of total assets.")
_add_order_command(Side.sell, "Sell by --shares or by --pct of the sellable position.")


@app.command()
def cancel(
    ctx: typer.Context,
    order_id: Annotated[int, typer.Argument(help="The order id.")],
    trader_index: IndexOption = None,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
) -> None:
    """Cancel one order."""
    output = Output(as_json)
    index = _required_index(ctx, trader_index, output)
    with _handled(output):
        arguments = {
            "order_id": validate_order_id(order_id),
            "trader_index": validate_trader_index(index),
        }
    rows = [("操作", "撤单"), ("委托号", str(order_id)), ("账户", str(index))]
    title = f"撤单 {order_id}"
    result = _confirm_and_send(ctx, output, title, rows, "cancel_order", arguments, yes, dry_run)
    output.show(result.to_dict, lambda: render.cancel_table(result))
    if not result.success:
        raise typer.Exit(int(ExitCode.REFUSED))


@app.command("cancel-all")
def cancel_all(
    ctx: typer.Context,
    side: Annotated[Side, typer.Argument(help="buy or sell")],
    trader_index: TradeIndexOption = None,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
) -> None:
    """Cancel every open buy (or sell) order."""
    output = Output(as_json)
    with _handled(output):
        index = validate_optional_trader_index(trader_index)
    what = "撤销全部买单" if side is Side.buy else "撤销全部卖单"
    rows = [("操作", what), ("账户", _accounts_text(index))]
    method = "cancel_all_buy_orders" if side is Side.buy else "cancel_all_sell_orders"
    arguments = {"trader_index": index}
    result = _confirm_and_send(ctx, output, what, rows, method, arguments, yes, dry_run)
    output.show(result.to_dict, lambda: render.cancel_all_table(result))
    if not result.all_succeeded:
        raise typer.Exit(int(ExitCode.REFUSED))


@app.command()
def repo(
    ctx: typer.Context,
    reserve: Annotated[
        float, typer.Option("--reserve", help="Cash (CNY) to keep out of the repo.")
    ] = 0,
    trader_index: TradeIndexOption = None,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
) -> None:
    """Lend the cash (minus --reserve) in 1-day reverse repo (131810.SZ)."""
    output = Output(as_json)
    with _handled(output):
        reserve_amount = validate_reserve_amount(reserve)
        index = validate_optional_trader_index(trader_index)
    arguments = {"reserve_amount": reserve_amount, "trader_index": index}
    rows = [
        ("操作", "逆回购 131810.SZ"),
        ("保留金额", render.money(reserve_amount)),
        ("账户", _accounts_text(index)),
    ]
    result = _confirm_and_send(ctx, output, "逆回购", rows, "reverse_repo", arguments, yes, dry_run)
    _show_trade(output, result)


# --- following orders -----------------------------------------------------------------


@app.command()
def watch(
    ctx: typer.Context, trader_index: IndexOption = None, as_json: JsonOption = False
) -> None:
    """Print every new order and every status or fill change, until Ctrl-C."""
    output = Output(as_json)
    index = _index(ctx, trader_index, output)
    output.notes.print(f"账户 {index}: 委托变化 (Ctrl-C 结束)", markup=False, highlight=False)
    with _client(ctx, output) as client, _handled(output):
        try:
            for event in client.watch_orders(index):
                if as_json:
                    render.write_json_line(render.event_json(event))
                else:
                    output.out.print(render.event_line(event), markup=False, highlight=False)
                    output.out.file.flush()  # a pipe is block-buffered: show it now
        except KeyboardInterrupt:  # Ctrl-C, on Windows as on POSIX: the normal way out
            output.notes.print("已停止 (stopped)", markup=False, highlight=False)
