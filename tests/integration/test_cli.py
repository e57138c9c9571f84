"""The `qmt` command line against a real simulator process.

Most commands run through typer's CliRunner (the real command objects,
in-process); `--help`, `watch` with Ctrl-C and a crash run as real
subprocesses (`python -m qmt_facade.cli`). Every command's `--json` output
is parsed back and compared with what the client itself reads.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from _support import custom_sim, isolate_settings, signed_client
from typer.testing import CliRunner, Result

from qmt_facade import QMTTradeClient
from qmt_facade.cli import ExitCode, app
from qmt_sim.testing import SimulatorProcess, free_port

COMMANDS = [
    "accounts",
    "portfolio",
    "positions",
    "orders",
    "order",
    "quote",
    "bars",
    "buy",
    "sell",
    "cancel",
    "cancel-all",
    "repo",
    "watch",
]
SECRET_MARK = "qmt-cli-secret-4c1d"  # a secret that must never be printed


def connection(sim: SimulatorProcess) -> list[str]:
    return [
        "--base-url",
        sim.base_url,
        "--client-id",
        sim.client_id,
        "--secret-key",
        sim.secret_key,
    ]


def qmt(sim: SimulatorProcess | None, *args: str, input: str | None = None) -> Result:
    """Run `qmt` in-process; ``sim`` None runs it without connection flags."""
    base = connection(sim) if sim is not None else []
    return CliRunner().invoke(app, [*base, *args], input=input, catch_exceptions=False)


def as_json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def error_of(result: Result, code: ExitCode) -> dict[str, Any]:
    """The JSON error of a failed `--json` command, after checking its exit code."""
    assert result.exit_code == code, result.output
    error: dict[str, Any] = json.loads(result.stdout)["error"]
    assert error["exit_code"] == code
    return error


@pytest.fixture(autouse=True)
def no_ambient_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No QMT_* variable of this machine and no .env file reach the commands."""
    isolate_settings(tmp_path, monkeypatch)


@pytest.fixture
def client(sim: SimulatorProcess) -> Iterator[QMTTradeClient]:
    with signed_client(sim) as c:
        yield c


def order_count(client: QMTTradeClient) -> int:
    return sum(len(client.get_orders(a.index)) for a in client.get_accounts())


def column_cell(table: str, header: str, row_key: str) -> str:
    """The raw cell (padding kept) under ``header`` in the row that contains ``row_key``."""
    lines = table.splitlines()
    head = next(line for line in lines if "┃" in line and header in line)
    row = next(line for line in lines if "│" in line and row_key in line)
    column = [cell.strip() for cell in head.split("┃")].index(header)
    return row.split("│")[column]


def right_aligned(cell: str) -> bool:
    """Padded on the left; on the right at most rich's one space of padding (none at the edge).

    Only meaningful for a cell narrower than its column.
    """
    return len(cell) - len(cell.rstrip(" ")) <= 1 and cell.startswith("  ")


# --- the command itself -------------------------------------------------------------


def test_help_lists_every_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "qmt_facade.cli", "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        env={**os.environ, "COLUMNS": "120"},
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: qmt" in done.stdout
    listed = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("│ ")]
    assert [c for c in COMMANDS if c not in listed] == []


def test_output_into_a_pipe_is_utf8_whatever_the_code_page(sim: SimulatorProcess) -> None:
    """As on an English Windows, where a pipe's default encoding is cp1252."""
    done = subprocess.run(
        [sys.executable, "-m", "qmt_facade.cli", *connection(sim), "accounts"],
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "cp1252"},
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "资金账号" in done.stdout.decode("utf-8")


def test_the_console_script_is_declared() -> None:
    (script,) = [e for e in metadata.entry_points(group="console_scripts") if e.name == "qmt"]
    assert script.value == "qmt_facade.cli:main"
    assert script.load() is not None


# --- queries ------------------------------------------------------------------------


def test_accounts(sim: SimulatorProcess, client: QMTTradeClient) -> None:
    assert as_json(qmt(sim, "accounts", "--json")) == [a.to_dict() for a in client.get_accounts()]
    table = qmt(sim, "accounts").stdout
    assert "资金账号" in table and "55010002" in table and "账户2" in table


def test_portfolio(sim: SimulatorProcess, client: QMTTradeClient) -> None:
    assert as_json(qmt(sim, "portfolio", "-i", "1", "--json")) == client.get_portfolio(1).to_dict()
    table = qmt(sim, "portfolio", "-i", "1").stdout
    cash = client.get_portfolio(1).cash
    assert "账户 1 资产" in table and "可用金额" in table
    assert f"{cash:,.2f}" in table and "," in f"{cash:,.2f}"  # thousands separators
    assert right_aligned(column_cell(table, "值", "盈亏比例"))  # 0.00% under 510,500.00


def test_portfolio_defaults_to_account_0(sim: SimulatorProcess, client: QMTTradeClient) -> None:
    assert as_json(qmt(sim, "portfolio", "--json")) == client.get_portfolio(0).to_dict()


def test_positions(sim: SimulatorProcess, client: QMTTradeClient) -> None:
    held = client.get_positions(0)
    assert as_json(qmt(sim, "positions", "-i", "0", "--json")) == [p.to_dict() for p in held]
    table = qmt(sim, "positions", "-i", "0").stdout
    for header in ("代码", "名称", "持仓", "可用", "成本价", "现价", "市值", "盈亏", "盈亏比例"):
        assert header in table
    bond = next(p for p in held if p.symbol == "128013.SZ")
    assert column_cell(table, "市值", "128013.SZ").strip() == f"{bond.market_value:,.2f}"
    assert column_cell(table, "持仓", "128013.SZ").strip() == f"{bond.volume:,}"
    assert right_aligned(column_cell(table, "持仓", "128013.SZ"))  # 100 under 2,000
    assert not right_aligned(column_cell(table, "名称", "128013.SZ"))  # text: left


def test_orders_order_and_open(sim: SimulatorProcess, client: QMTTradeClient) -> None:
    (order_id,) = client.buy("000001", price=9.9, shares=100, trader_index=0).order_ids
    listed = as_json(qmt(sim, "orders", "-i", "0", "--json"))
    assert listed == [o.to_dict() for o in client.get_orders(0)]
    assert order_id in [o["order_id"] for o in as_json(qmt(sim, "orders", "--open", "--json"))]
    one = as_json(qmt(sim, "order", str(order_id), "-i", "0", "--json"))
    assert one == client.get_order(order_id, 0).to_dict()
    table = qmt(sim, "order", str(order_id), "-i", "0").stdout
    assert f"委托 {order_id}" in table and "50 已报" in table and "000001.SZ" in table
    assert "11 限价" in table  # the broker's code for the API's price_type 0, named
    client.cancel_order(order_id, 0)
    still_open = as_json(qmt(sim, "orders", "-i", "0", "--open", "--json"))
    assert order_id not in [o["order_id"] for o in still_open]
    table = qmt(sim, "orders", "-i", "0").stdout
    assert "54 已撤" in table and "委托号" in table


def test_server_text_is_printed_as_is(sim: SimulatorProcess, client: QMTTradeClient) -> None:
    """Square brackets in a strategy name are text, not rich markup."""
    # Short enough to be kept whole beside the client order id (24 bytes in all).
    name = "网[bold][/x]"
    (order_id,) = client.buy(
        "000001", price=9.85, shares=100, trader_index=0, strategy_name=name
    ).order_ids
    shown = qmt(sim, "order", str(order_id), "-i", "0")
    assert shown.exit_code == 0 and name in shown.stdout
    client.cancel_order(order_id, 0)


def test_order_needs_an_account_and_an_existing_id(sim: SimulatorProcess) -> None:
    missing = qmt(sim, "order", "1")
    assert missing.exit_code == ExitCode.USAGE and "-i/--trader-index" in missing.stderr
    error = error_of(qmt(sim, "order", "987654", "-i", "0", "--json"), ExitCode.REFUSED)
    assert error["type"] == "QMTNotFoundError" and "987654" in error["message"]


def test_quote(sim: SimulatorProcess, client: QMTTradeClient) -> None:
    quoted = as_json(qmt(sim, "quote", "000001", "sh600000", "--json"))
    ticks = client.get_full_tick(["000001", "600000"])
    assert quoted == {s: t.to_dict() for s, t in ticks.items()}
    table = qmt(sim, "quote", "000001", "600000").stdout
    assert "最新价" in table and "600000.SH" in table
    assert f"{ticks['600000.SH'].last_price:.2f}" in table


def test_bars(sim: SimulatorProcess, client: QMTTradeClient) -> None:
    got = as_json(qmt(sim, "bars", "000001", "--period", "1d", "--count", "20", "--json"))
    expected = client.get_market_data("000001", period="1d", count=20)
    assert got == {s: [b.to_dict() for b in bs] for s, bs in expected.items()}
    table = qmt(sim, "bars", "000001").stdout
    assert "000001.SZ 1d" in table and "日期" in table and "2024-01-02" in table
    bad = qmt(sim, "bars", "000001", "--period", "tick", "--json")
    assert error_of(bad, ExitCode.USAGE)["field"] == "period"


@pytest.mark.parametrize("line", ["main", "upstream"])
def test_market_data_commands_on_both_lines(tmp_path: Path, line: str) -> None:
    with SimulatorProcess(tmp_path / "sim", line=line) as process:
        quoted = as_json(qmt(process, "quote", "000001", "--json"))
        assert quoted["000001.SZ"]["last_price"] == 10.5
        assert quoted["000001.SZ"]["time"] == "2024-01-02T09:30:00+08:00"
        (bar,) = as_json(qmt(process, "bars", "000001", "--json"))["000001.SZ"]
        assert bar["close"] == 10.5 and bar["time"] == "2024-01-02T00:00:00+08:00"


def test_market_data_commands_without_the_routes(tmp_path: Path) -> None:
    def without_market_data(config: dict[str, Any]) -> None:
        config.setdefault("server", {})["market_data"] = False

    with custom_sim(tmp_path / "sim", without_market_data) as process:
        error = error_of(qmt(process, "quote", "000001", "--json"), ExitCode.REFUSED)
        assert error["type"] == "QMTUnsupportedError" and error["capability"] == "market_data"
        table = qmt(process, "bars", "000001")
        assert table.exit_code == ExitCode.REFUSED and "market_data" in table.stderr


# --- placing orders: confirmation, --yes, --dry-run -------------------------------------


def test_buy_asks_first_and_no_sends_nothing(sim: SimulatorProcess, client: QMTTradeClient) -> None:
    before = order_count(client)
    order = ["buy", "000001", "--price", "9.8", "--shares", "100"]
    declined = qmt(sim, *order, "-i", "0", input="n\n")
    assert declined.exit_code == ExitCode.REFUSED
    assert "确认发送?" in declined.stdout and "9.80" in declined.stdout
    assert "not sent" in declined.stderr
    no_answer = qmt(sim, *order, input="")
    assert no_answer.exit_code == ExitCode.REFUSED and "全部账户" in no_answer.stdout
    assert "未确认: 没有发送任何请求 (not sent)" in no_answer.stderr
    error = error_of(qmt(sim, *order, "--json", input=""), ExitCode.REFUSED)
    assert "not sent" in error["message"]
    assert order_count(client) == before


def test_buy_confirmed(sim: SimulatorProcess, client: QMTTradeClient) -> None:
    done = qmt(sim, "buy", "000001", "--price", "9.65", "--shares", "200", "-i", "0", input="y\n")
    assert done.exit_code == 0, done.output
    assert "已下单" in done.stdout
    placed = [o for o in client.get_orders(0) if o.price == 9.65 and o.volume == 200]
    assert len(placed) == 1 and str(placed[0].order_id) in done.stdout
    # The call's client order id, as the order carries it (find_order looks it up).
    assert placed[0].client_order_id and f"client_order_id: {placed[0].client_order_id}" in (
        done.stdout
    )


def test_buy_yes_json(sim: SimulatorProcess, client: QMTTradeClient) -> None:
    answer = as_json(
        qmt(
            sim, "buy", "sz000001", "--price", "9.75", "--pct", "0.01", "-i", "1", "--yes", "--json"
        )
    )
    (order_id,) = answer["order_ids"]
    assert answer["trade_mode"] == "position_pct" and answer["results"][0]["trader_index"] == 1
    order = client.get_order(order_id, 1)
    assert (order.symbol, order.side, order.price) == ("000001.SZ", "buy", 9.75)


def test_dry_run_checks_with_the_server_and_sends_nothing(
    sim: SimulatorProcess, client: QMTTradeClient
) -> None:
    before = order_count(client)
    shown = as_json(
        qmt(sim, "sell", "000001", "--price", "12", "--shares", "100", "--dry-run", "--json")
    )
    assert shown["dry_run"] is True and shown["order_ids"] == [] and shown["results"] == []
    assert shown["client_order_id"] and shown["operation"] == "sell"
    # The request the client would have sent, body as httpx encodes it.
    assert "POST /qmt/trade/api/outer/trade/sell " in shown["message"]
    assert '"order_num":100' in shown["message"] and '"symbol":"000001.SZ"' in shown["message"]
    table = qmt(sim, "repo", "--reserve", "1000", "-i", "0", "--dry-run")
    assert table.exit_code == 0, table.output
    assert "dry run" in table.stdout and "/qmt/trade/api/trade/nhg" in table.stdout
    assert '"reserve_amount":1000.0' in table.stdout
    cancel = as_json(qmt(sim, "cancel", "5", "-i", "0", "--dry-run", "--json"))
    assert cancel["dry_run"] is True and '{"order_id":5,"trader_index":0}' in cancel["message"]
    everything = as_json(qmt(sim, "cancel-all", "buy", "--dry-run", "--json"))
    assert everything["dry_run"] is True and everything["results"] == []
    assert order_count(client) == before
    # The client checks the call against the server (line, positions, limits): it needs one.
    nowhere = ["--base-url", f"http://127.0.0.1:{free_port()}", "--client-id", "c"]
    offline = qmt(
        None,
        *nowhere,
        "--secret-key",
        "s",
        "buy",
        "000001",
        "--price",
        "10",
        "--shares",
        "100",
        "--dry-run",
    )
    assert offline.exit_code == ExitCode.CONNECTION, offline.output


def test_dry_run_applies_the_risk_limits_of_the_config_file(
    sim: SimulatorProcess, client: QMTTradeClient, tmp_path: Path
) -> None:
    config = tmp_path / "qmt.yaml"
    config.write_text("risk:\n  max_order_value: 5000\n", encoding="utf-8")
    refused = qmt(
        sim,
        "--config",
        str(config),
        "buy",
        "000001",
        "--price",
        "10",
        "--shares",
        "1000",
        "--dry-run",
        "--json",
    )
    error = error_of(refused, ExitCode.REFUSED)
    assert error["type"] == "QMTRiskError" and error["limit"] == "max_order_value"
    assert error["value"] == 10000.0


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--shares", "150"], "shares"),
        (["--shares", "100", "--pct", "0.1"], "position_pct/shares"),
        ([], "position_pct/shares"),
        (["--shares", "100", "--type", "4"], "price_type"),
        (["--pct", "1.5"], "position_pct"),
    ],
)
def test_bad_orders_exit_2_before_sending(
    sim: SimulatorProcess, client: QMTTradeClient, args: list[str], field: str
) -> None:
    before = order_count(client)
    result = qmt(sim, "buy", "000001", "--price", "10", *args, "--yes", "--json")
    assert error_of(result, ExitCode.USAGE)["field"] == field
    assert order_count(client) == before


def test_usage_errors_exit_2(sim: SimulatorProcess) -> None:
    assert qmt(sim, "buy", "000001").exit_code == ExitCode.USAGE  # --price missing
    assert qmt(sim, "cancel-all", "both").exit_code == ExitCode.USAGE
    assert qmt(sim, "nonsense").exit_code == ExitCode.USAGE
    no_credentials = qmt(None, "accounts")
    assert no_credentials.exit_code == ExitCode.USAGE and "--client-id" in no_credentials.stderr


def test_rejected_order_exits_1(sim: SimulatorProcess) -> None:
    result = qmt(sim, "sell", "600519", "--price", "100", "--shares", "100", "-i", "0", "--yes")
    assert result.exit_code == ExitCode.REFUSED and "未下单" in result.stderr
    error = error_of(
        qmt(sim, "sell", "600519", "--price", "100", "--shares", "100", "-i", "0", "-y", "--json"),
        ExitCode.REFUSED,
    )
    assert error["type"] == "QMTOrderRejectedError"
    assert error["outcomes"][0]["result"]["success"] is False


def test_sell_by_pct(sim: SimulatorProcess, client: QMTTradeClient) -> None:
    answer = as_json(
        qmt(sim, "sell", "600000", "--price", "30", "--pct", "0.5", "-i", "0", "--yes", "--json")
    )
    (order_id,) = answer["order_ids"]
    assert client.get_order(order_id, 0).volume == 500  # half of 1,000 sellable


def test_cancel(sim: SimulatorProcess, client: QMTTradeClient) -> None:
    (order_id,) = client.buy("000001", price=9.55, shares=100, trader_index=0).order_ids
    asked = qmt(sim, "cancel", str(order_id), "-i", "0", input="y\n")
    assert asked.exit_code == 0 and "撤单" in asked.stdout and "成功" in asked.stdout
    assert client.get_order(order_id, 0).status == 54
    again = qmt(sim, "cancel", str(order_id), "-i", "0", "--yes", "--json")
    assert again.exit_code == ExitCode.REFUSED  # the server says it cannot be cancelled now
    assert json.loads(again.stdout)["success"] is False


def test_cancel_all(sim: SimulatorProcess, client: QMTTradeClient) -> None:
    ids = [
        client.buy("000001", price=p, shares=100, trader_index=1).order_ids[0] for p in (9.6, 9.7)
    ]
    answer = as_json(qmt(sim, "cancel-all", "buy", "-i", "1", "--yes", "--json"))
    assert answer["results"] == [{"trader_index": 1, "status": "success", "error": None}]
    assert [client.get_order(i, 1).status for i in ids] == [54, 54]
    table = qmt(sim, "cancel-all", "sell", input="y\n").stdout
    assert "撤销全部卖单" in table and "全部账户" in table


def test_repo(fresh_sim: SimulatorProcess) -> None:
    answer = as_json(qmt(fresh_sim, "repo", "--reserve", "100000", "-i", "1", "--yes", "--json"))
    (order_id,) = answer["order_ids"]
    with signed_client(fresh_sim) as c:
        order = c.get_order(order_id, 1)
    assert order.symbol == "131810.SZ" and order.volume == 4000  # (500,000 - 100,000) / 100


# --- failures: connection, unknown order state, secrets -------------------------------------


def test_no_server_exits_3() -> None:
    offline = ["--base-url", f"http://127.0.0.1:{free_port()}", "--client-id", "c"]
    result = CliRunner().invoke(app, [*offline, "--secret-key", SECRET_MARK, "accounts", "--json"])
    assert error_of(result, ExitCode.CONNECTION)["type"] == "QMTConnectionError"
    assert SECRET_MARK not in result.output


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A TCP server that reads each request and never answers (a hung server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    received: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        held = []
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            received.append(conn.recv(65536))
            held.append(conn)
        for conn in held:
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(5)
    listener.close()
    assert received, "the CLI never reached the silent server"


def test_a_timeout_while_placing_is_state_unknown_exit_4(
    silent_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QMT_SERVER_LINE", "main")  # no line probe: the order POST itself hangs
    flags = ["--base-url", silent_server, "--client-id", "c", "--secret-key", SECRET_MARK]
    placing = CliRunner().invoke(
        app,
        [*flags, "--timeout", "0.3", "buy", "000001", "--price", "10", "--shares", "100", "-y"],
    )
    assert placing.exit_code == ExitCode.ORDER_STATE_UNKNOWN, placing.output
    assert "get_orders" in placing.stderr  # what to check before sending again
    reading = CliRunner().invoke(app, [*flags, "--timeout", "0.3", "accounts"])
    assert reading.exit_code == ExitCode.CONNECTION
    assert SECRET_MARK not in placing.output + reading.output


def test_a_timeout_of_the_line_probe_before_an_order_exits_3(silent_server: str) -> None:
    """The probe (POST /buy with {}) cannot place an order: its timeout is a connection fault."""
    flags = ["--base-url", silent_server, "--client-id", "c", "--secret-key", SECRET_MARK]
    order = ["buy", "000001", "--price", "10", "--shares", "100", "-y", "--json"]
    placing = CliRunner().invoke(app, [*flags, "--timeout", "0.3", *order])
    error = error_of(placing, ExitCode.CONNECTION)
    assert error["type"] == "QMTTimeoutError" and "detect_server_line" in error["message"]


def test_a_refused_signature_exits_1_without_printing_the_secret(sim: SimulatorProcess) -> None:
    flags = ["--base-url", sim.base_url, "--client-id", sim.client_id, "--secret-key", SECRET_MARK]
    for command in (["accounts"], ["portfolio", "--json"], ["quote", "000001"]):
        result = CliRunner().invoke(app, [*flags, *command])
        assert result.exit_code == ExitCode.REFUSED, result.output
        assert "签名验证失败" in result.output and SECRET_MARK not in result.output


def test_a_crash_prints_no_secret(sim: SimulatorProcess) -> None:
    """An unexpected exception ends with a plain traceback: no local variables shown."""
    script = (
        "import sys\n"
        "from qmt_facade import QMTTradeClient\n"
        "def boom(self, *a, **k):\n"
        "    raise RuntimeError('boom')\n"
        "QMTTradeClient.get_accounts = boom\n"
        "from qmt_facade.cli import main\n"
        "sys.argv = ['qmt'] + sys.argv[1:]\n"
        "main()\n"
    )
    flags = ["--base-url", sim.base_url, "--client-id", sim.client_id, "--secret-key", SECRET_MARK]
    done = subprocess.run(
        [sys.executable, "-c", script, *flags, "accounts"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert done.returncode == 1 and "RuntimeError: boom" in done.stderr
    assert SECRET_MARK not in done.stdout + done.stderr


# --- watch --------------------------------------------------------------------------------


def _lines(stream: Any) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _next_line(lines: queue.Queue[str], contains: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        if contains in line:
            return line
    raise AssertionError(f"no line with {contains!r} within {timeout}s")


@pytest.mark.skipif(
    sys.platform == "win32",
    reason="Windows cannot send Ctrl-C to one child without the test runner's console too",
)
def test_watch_follows_orders_until_ctrl_c(fresh_sim: SimulatorProcess) -> None:
    with signed_client(fresh_sim) as c:
        watcher = subprocess.Popen(
            [sys.executable, "-m", "qmt_facade.cli", *connection(fresh_sim), "watch", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        try:
            out, err = _lines(watcher.stdout), _lines(watcher.stderr)
            _next_line(err, "Ctrl-C")
            (order_id,) = c.buy("000001", price=9.5, shares=100, trader_index=0).order_ids
            new = json.loads(_next_line(out, str(order_id)))
            assert new["order"]["status"] == 50 and new["previous_status"] is None
            c.cancel_order(order_id, 0)
            changed = json.loads(_next_line(out, str(order_id)))
            assert (changed["previous_status"], changed["order"]["status"]) == (50, 54)
            assert changed["status_name"] == "已撤"
            watcher.send_signal(signal.SIGINT)  # what Ctrl-C does
            assert watcher.wait(timeout=20) == 0
            _next_line(err, "已停止")
        finally:
            if watcher.poll() is None:
                watcher.kill()
                watcher.wait(10)


def test_watch_prints_lines_for_people(fresh_sim: SimulatorProcess) -> None:
    """The human form, read from a real process stopped the same way."""
    if sys.platform == "win32":
        pytest.skip("Windows cannot send Ctrl-C to one child without the test runner's console")
    with signed_client(fresh_sim) as c:
        (order_id,) = c.buy("000001", price=9.6, shares=300, trader_index=0).order_ids
        watcher = subprocess.Popen(
            [sys.executable, "-m", "qmt_facade.cli", *connection(fresh_sim), "watch", "-i", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        try:
            line = _next_line(_lines(watcher.stdout), str(order_id))
            assert "000001.SZ" in line and "买入" in line and "50 已报" in line
            assert "成交 0/300 @ 9.60" in line
            watcher.send_signal(signal.SIGINT)
            assert watcher.wait(timeout=20) == 0
        finally:
            if watcher.poll() is None:
                watcher.kill()
                watcher.wait(10)
