"""The simulator's own cost: server CPU per request, against targets and the floor of its stack.

Two servers are started side by side and sent the very same requests, one at
a time on one keep-alive connection from a deliberately cheap client
(``http.client``, signing with ``hmac``); the simulator's buy is also measured
with several clients at once, where group commit shares fsyncs:

- the simulator (``qmt_sim``, the bench's sample config, market frozen);
- the floor app (``bench/floor_app.py``): Starlette + uvicorn served the same
  way with one trivial JSON route, i.e. the least any route of this stack costs.

Server CPU is the server process's utime + stime (``/proc/<pid>/stat``) over
the measured calls, divided by the calls. Repetitions alternate servers and
operations (rotated each time) and the median is reported with the spread.

Targets (issue 10): ``GET /portfolio`` <= 300 us and a durably committed buy
<= 600 us of server CPU per request; as ratios to the floor app they are the
same targets divided by the floor measured when they were set (~220 us), so
they travel to a faster or slower machine.

The latency scenario starts a second simulator with ``server.latency_ms`` and
checks that the emulated round trip does not block other requests: with N
clients in parallel the throughput should be about N times one client's.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import procstat
from bench.floor_app import FloorProcess
from bench.workload import LATENCY_MS, REST_PRICE, SHARES, SYMBOL, sim_config
from qmt_sim.testing import ServerProcess, SimulatorProcess

TARGET_US = {"get_portfolio": 300.0, "buy": 600.0}
FLOOR_REFERENCE_US = 220.0  # the floor app's CPU per request when the targets were set
LATENCY_CONCURRENCY = 10
GROUP_CLIENTS = 8  # the simulator's buy with 8 clients at once: what group commit saves
LATENCY_TARGET = 0.8 * LATENCY_CONCURRENCY  # c=10 throughput >= 8x c=1: nothing blocks


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    path: str
    body: dict[str, Any] | None = None


# The same two calls as the client rows: a GET, and a limit buy far below the
# market (9.50 against 10.50) that rests, so every buy writes a new order.
OPERATIONS = (
    Operation("get_portfolio", "GET", "/qmt/trade/api/portfolio/0"),
    Operation(
        "buy",
        "POST",
        "/qmt/trade/api/outer/trade/buy",
        {
            "symbol": SYMBOL,
            "trade_price": REST_PRICE,
            "order_num": SHARES,
            "price_type": 0,
            "strategy_name": "客户端交易",
            "trader_index": 0,
        },
    ),
)


class SignedConnection:
    """One keep-alive HTTP/1.1 connection sending signed requests (the server's HMAC rule)."""

    def __init__(self, port: int, client_id: str, secret_key: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.client_id = client_id
        self.key = secret_key.encode()

    def send(self, op: Operation) -> bytes:
        timestamp = str(int(time.time()))
        canonical = json.dumps(op.body, sort_keys=True, separators=(",", ":")) if op.body else ""
        message = "\n".join((op.method, op.path, "", canonical, timestamp, self.client_id))
        headers = {
            "X-Client-ID": self.client_id,
            "X-Timestamp": timestamp,
            "X-Signature": hmac.new(self.key, message.encode(), hashlib.sha256).hexdigest(),
        }
        payload = None
        if op.body is not None:
            payload = json.dumps(op.body).encode()
            headers["Content-Type"] = "application/json"
        self.connection.request(op.method, op.path, body=payload, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        if response.status != 200:
            raise RuntimeError(f"{op.method} {op.path}: HTTP {response.status}: {content[:200]!r}")
        return content

    def close(self) -> None:
        self.connection.close()


@dataclass
class Sample:
    calls: int
    wall_s: float
    server_cpu_s: float


@dataclass
class Series:
    server: str
    op: Operation
    clients: int = 1  # connections sending at once
    samples: list[Sample] = field(default_factory=list)

    @property
    def key(self) -> str:
        clients = f" x{self.clients}" if self.clients > 1 else ""
        return f"{self.server}/{self.op.name}{clients}"

    def us_per_call(self) -> list[float]:
        return [1e6 * s.server_cpu_s / s.calls for s in self.samples]

    def summary(self) -> dict[str, Any]:
        values = self.us_per_call()
        return {
            "server_cpu_us_per_call": statistics.median(values),
            "min_us": min(values),
            "max_us": max(values),
            "calls_per_s": statistics.median(s.calls / s.wall_s for s in self.samples),
            "reps": [s.__dict__ for s in self.samples],
        }


def parallel(
    server: ServerProcess, connections: list[SignedConnection], op: Operation, calls: int
) -> Sample:
    """``calls`` requests shared by one thread per connection, all started together."""
    pid = server.pid
    if pid is None:
        raise RuntimeError(f"{type(server).__name__} is not running")
    per_client = max(1, calls // len(connections))
    barrier = threading.Barrier(len(connections))

    def client(connection: SignedConnection) -> None:
        barrier.wait()
        for _ in range(per_client):
            connection.send(op)

    threads = [threading.Thread(target=client, args=(c,)) for c in connections[1:]]
    for thread in threads:
        thread.start()
    cpu0, wall0 = procstat.process_cpu_seconds(pid), time.perf_counter()
    client(connections[0])  # this thread is the first client
    for thread in threads:
        thread.join()
    wall1, cpu1 = time.perf_counter(), procstat.process_cpu_seconds(pid)
    if cpu0 is None or cpu1 is None:
        raise RuntimeError("cannot read the server's CPU time (/proc/<pid>/stat)")
    return Sample(per_client * len(connections), wall1 - wall0, cpu1 - cpu0)


def _check_buy_places_an_order(connection: SignedConnection) -> None:
    answer = json.loads(connection.send(OPERATIONS[1]))
    if not answer["results"][0]["result"]["success"]:
        raise RuntimeError(f"the benchmark's buy placed no order: {answer}")


def run_cpu(calls: int, reps: int, warmup: int, directory: Path) -> list[Series]:
    """Both servers and operations with one client; the simulator's buy with several too."""
    with (
        SimulatorProcess(directory / "sim", sim_config()) as sim,
        FloorProcess(directory / "floor") as floor,
    ):
        servers: dict[str, ServerProcess] = {"simulator": sim, "floor app": floor}

        def connect(server: ServerProcess, count: int) -> list[SignedConnection]:
            return [
                SignedConnection(server.port, sim.client_id, sim.secret_key) for _ in range(count)
            ]

        (first,) = connect(sim, 1)
        _check_buy_places_an_order(first)
        first.close()
        series = [Series(name, op) for op in OPERATIONS for name in servers]
        series.append(Series("simulator", OPERATIONS[1], clients=GROUP_CLIENTS))
        for rep in range(reps):
            shift = rep % len(series)
            for entry in series[shift:] + series[:shift]:
                server = servers[entry.server]
                # New connections each time: uvicorn closes idle ones after 5 s.
                connections = connect(server, entry.clients)
                try:
                    for connection in connections:
                        for _ in range(max(1, warmup // entry.clients)):
                            connection.send(entry.op)
                    entry.samples.append(parallel(server, connections, entry.op, calls))
                finally:
                    for connection in connections:
                        connection.close()
        return series


def run_latency(calls: int, directory: Path, latency_ms: float = LATENCY_MS) -> dict[str, Any]:
    """GET /portfolio through a simulator with an emulated round trip, 1 and N clients."""
    op = OPERATIONS[0]
    with SimulatorProcess(directory / "latency", sim_config(latency_ms)) as sim:

        def throughput(concurrency: int) -> float:
            connections = [
                SignedConnection(sim.port, sim.client_id, sim.secret_key)
                for _ in range(concurrency)
            ]
            try:
                for connection in connections:
                    connection.send(op)  # connect and warm up
                sample = parallel(sim, connections, op, max(3 * concurrency, calls))
            finally:
                for connection in connections:
                    connection.close()
            return sample.calls / sample.wall_s

        one = throughput(1)
        many = throughput(LATENCY_CONCURRENCY)
    return {
        "latency_ms": latency_ms,
        "calls_per_s_c1": one,
        f"calls_per_s_c{LATENCY_CONCURRENCY}": many,
        "ratio": many / one,
        "ideal_c1": 1000 / latency_ms,
    }


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(
    series: list[Series], latency: dict[str, Any] | None
) -> tuple[dict[str, Any], list[str]]:
    rows = {s.key: s.summary() for s in series}
    targets: list[dict[str, Any]] = []
    reps = len(series[0].samples) if series else 0
    calls = series[0].samples[0].calls if reps else 0
    lines = [
        f"Simulator server CPU per request (one keep-alive client, sequential;"
        f" median of {reps} x {calls} calls, [min-max]):",
        f"  {'op':14} {'simulator':>17} {'floor app':>17} {'sim/floor':>9}",
    ]
    for op in (o.name for o in OPERATIONS):
        sim, floor = rows[f"simulator/{op}"], rows[f"floor app/{op}"]
        sim_us, floor_us = sim["server_cpu_us_per_call"], floor["server_cpu_us_per_call"]
        ratio = sim_us / floor_us
        ratio_target = TARGET_US[op] / FLOOR_REFERENCE_US
        lines.append(
            f"  {op:14} {sim_us:6.0f} us [{sim['min_us']:3.0f}-{sim['max_us']:3.0f}]"
            f" {floor_us:6.0f} us [{floor['min_us']:3.0f}-{floor['max_us']:3.0f}]"
            f" {ratio:8.2f}x"
        )
        targets.append({
            "target": f"{op}: simulator server CPU/request <= {TARGET_US[op]:.0f} us",
            "value": sim_us, "unit": "us", "pass": sim_us <= TARGET_US[op],
            "detail": f"floor app {floor_us:.0f} us",
        })  # fmt: skip
        targets.append({
            "target": f"{op}: simulator / floor app server CPU <= {ratio_target:.2f}x"
                      f" ({TARGET_US[op]:.0f} / {FLOOR_REFERENCE_US:.0f} us)",
            "value": ratio, "unit": "x", "pass": ratio <= ratio_target,
            "detail": f"{sim_us:.0f} vs {floor_us:.0f} us",
        })  # fmt: skip
    grouped = rows[f"simulator/buy x{GROUP_CLIENTS}"]
    label = f"buy, {GROUP_CLIENTS} clients"
    lines.append(
        f"  {label:14} {grouped['server_cpu_us_per_call']:6.0f} us"
        f" [{grouped['min_us']:3.0f}-{grouped['max_us']:3.0f}]"
        "  (no target: concurrent orders share fsyncs, group commit)"
    )
    results: dict[str, Any] = {"rows": rows, "targets": targets}
    if latency is not None:
        c = LATENCY_CONCURRENCY
        many = latency[f"calls_per_s_c{c}"]
        lines.append(
            f"  latency {latency['latency_ms']:.0f} ms, GET /portfolio: c=1 "
            f"{latency['calls_per_s_c1']:.0f}/s (ideal {latency['ideal_c1']:.0f}/s),"
            f" c={c} {many:.0f}/s"
        )
        targets.append({
            "target": f"latency {latency['latency_ms']:.0f} ms: c={c} throughput"
                      f" >= {LATENCY_TARGET:.0f}x c=1 (the round trip blocks nothing)",
            "value": latency["ratio"], "unit": "x", "pass": latency["ratio"] >= LATENCY_TARGET,
            "detail": f"{many:.0f} vs {latency['calls_per_s_c1']:.0f} calls/s",
        })  # fmt: skip
        results["latency"] = latency
    lines.append("Simulator targets (informational, never fail the run):")
    for t in targets:
        value = f"{t['value']:.0f} us" if t["unit"] == "us" else f"{t['value']:.2f}x"
        lines.append(f"  [{verdict(t['pass'])}] {t['target']}: {value}  ({t['detail']})")
    return results, lines


def run(calls: int, reps: int, warmup: int, latency_calls: int) -> tuple[dict[str, Any], list[str]]:
    """Both measurements; returns (results for latest.json, printable lines)."""
    with tempfile.TemporaryDirectory(prefix="qmt-bench-server-") as tmp:
        directory = Path(tmp)
        series = run_cpu(calls, reps, warmup, directory)
        latency = run_latency(latency_calls, directory) if latency_calls else None
    return report(series, latency)
