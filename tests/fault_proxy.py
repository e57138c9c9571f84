"""A real HTTP proxy process that injects network faults between a client and the simulator.

Run as ``python tests/fault_proxy.py --upstream http://127.0.0.1:PORT`` (it
prints ``listening <port>`` once ready), or from tests through
:class:`FaultProxy`. Every request is read whole, then a *fault* is chosen
for it by the first matching rule:

- ``none``: forwarded, answer relayed;
- ``drop_before``: the client connection is closed, nothing forwarded;
- ``late``: the client connection is closed at once, the request is
  forwarded ``late`` seconds later (it reaches the server after the client
  gave up);
- ``drop_after``: forwarded, then the client connection is closed unanswered;
- ``delay``: forwarded, the answer held ``delay`` seconds (past the client's
  timeout) before it is relayed;
- ``hold``: nothing forwarded, nothing answered for ``delay`` seconds (a
  request stuck on its way), then the connection is closed;
- ``503_before``: a 503 HTML page, nothing forwarded;
- ``502_after`` / ``504_after``: forwarded, then a 502 / 504 HTML page.

Rules (``POST /_proxy/rules``, JSON) match on method and path prefix and
either draw faults from ``weights`` with a seeded RNG or pop them from a
``queue``. ``GET /_proxy/log`` lists every request with the time it arrived, its
fault, whether it was forwarded, the upstream status and the client order
id found in its ``strategy_name``. Standard library only, so it runs anywhere the tests do.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

FAULTS = (
    "none",
    "hold",
    "drop_before",
    "late",
    "drop_after",
    "delay",
    "503_before",
    "502_after",
    "504_after",
)
FORWARDING = {"none", "late", "drop_after", "delay", "502_after", "504_after"}
_TAG = re.compile(r"#([A-Za-z0-9_-]{1,16})$")


def _page(status: int, reason: str) -> bytes:
    body = f"<html><title>{status} {reason}</title><body>{reason}</body></html>".encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def _json_answer(data: Any) -> bytes:
    body = json.dumps(data).encode()
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


async def _read_message(reader: asyncio.StreamReader) -> tuple[bytes, dict[str, str], bytes]:
    """(start line + headers as sent, lower-cased headers, body) of one HTTP/1.1 message."""
    head = await reader.readuntil(b"\r\n\r\n")
    headers: dict[str, str] = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    body = await reader.readexactly(length) if length else b""
    return head, headers, body


class Proxy:
    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.rules: list[dict[str, Any]] = []
        self.rng = random.Random(0)
        self.delay = 2.0
        self.late = 0.3
        self.log: list[dict[str, Any]] = []
        self.pending: set[asyncio.Task[Any]] = set()

    def choose(self, method: str, path: str) -> str:
        for rule in self.rules:
            if rule.get("method", method) != method or not path.startswith(rule["prefix"]):
                continue
            if "queue" in rule:
                return str(rule["queue"].pop(0)) if rule["queue"] else "none"
            names = sorted(rule["weights"])
            return self.rng.choices(names, [rule["weights"][n] for n in names])[0]
        return "none"

    async def forward(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        """Send the request upstream on a fresh connection; (status, raw answer)."""
        lines = [
            line
            for line in head.decode("latin-1").split("\r\n")
            if line and not line.lower().startswith("connection:")
        ]
        request = ("\r\n".join(lines) + "\r\nConnection: close\r\n\r\n").encode("latin-1") + body
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(request)
            await writer.drain()
            answer_head, _, answer_body = await _read_message(reader)
        finally:
            writer.close()
        status = int(answer_head.split(b" ", 2)[1])
        return status, answer_head + answer_body

    async def admin(self, method: str, path: str, body: bytes) -> bytes:
        if path == "/_proxy/rules" and method == "POST":
            config = json.loads(body)
            self.rules = config.get("rules", [])
            self.rng = random.Random(config.get("seed", 0))
            self.delay = float(config.get("delay", self.delay))
            self.late = float(config.get("late", self.late))
            return _json_answer({"ok": True})
        if path == "/_proxy/log":
            return _json_answer(self.log)
        if path == "/_proxy/reset" and method == "POST":
            self.log.clear()
            return _json_answer({"ok": True})
        return _page(404, "Not Found")

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head, _, body = await _read_message(reader)
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                method, target = head.split(b" ", 2)[:2]
                path = target.decode("latin-1").split("?", 1)[0]
                if path.startswith("/_proxy/"):
                    writer.write(await self.admin(method.decode(), path, body))
                    await writer.drain()
                    return
                if not await self.handle(method.decode(), path, head, body, writer):
                    return
        finally:
            writer.close()

    async def handle(
        self, method: str, path: str, head: bytes, body: bytes, writer: asyncio.StreamWriter
    ) -> bool:
        """Apply one fault; False when the client connection must be closed."""
        fault = self.choose(method, path)
        entry: dict[str, Any] = {
            "seq": len(self.log),
            "at": time.time(),  # when the proxy received the whole request
            "method": method,
            "path": path,
            "fault": fault,
            "forwarded": fault in FORWARDING,
            "client_order_id": _client_order_id(body),
            "upstream_status": None,
        }
        self.log.append(entry)
        if fault == "drop_before":
            return False
        if fault == "hold":
            await asyncio.sleep(self.delay)
            return False
        if fault == "503_before":
            writer.write(_page(503, "Service Unavailable"))
            await writer.drain()
            return False
        if fault == "late":
            task = asyncio.create_task(self.forward_later(entry, head, body))
            self.pending.add(task)
            task.add_done_callback(self.pending.discard)
            return False
        status, answer = await self.forward(head, body)
        entry["upstream_status"] = status
        if fault == "drop_after":
            return False
        if fault in ("502_after", "504_after"):
            code = int(fault[:3])
            writer.write(_page(code, "Bad Gateway" if code == 502 else "Gateway Timeout"))
            await writer.drain()
            return False
        if fault == "delay":
            await asyncio.sleep(self.delay)
        with contextlib.suppress(ConnectionError):
            writer.write(answer)
            await writer.drain()
        return b"connection: close" not in answer.split(b"\r\n\r\n", 1)[0].lower()

    async def forward_later(self, entry: dict[str, Any], head: bytes, body: bytes) -> None:
        await asyncio.sleep(self.late)
        entry["upstream_status"], _ = await self.forward(head, body)


def _client_order_id(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    name = data.get("strategy_name") if isinstance(data, dict) else None
    match = _TAG.search(name) if isinstance(name, str) else None
    return match.group(1) if match else None


async def _main(upstream: str, port: int) -> None:
    proxy = Proxy(upstream)
    server = await asyncio.start_server(proxy.serve, "127.0.0.1", port)
    bound = server.sockets[0].getsockname()[1]
    print(f"listening {bound}", flush=True)
    async with server:
        await server.serve_forever()


class FaultProxy:
    """The proxy as a child process, for tests: ``with FaultProxy(sim.base_url) as proxy:``."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.port = 0
        self._process: subprocess.Popen[str] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FaultProxy:
        self._process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--upstream", self.upstream],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.startswith("listening "):
            self._process.kill()
            raise RuntimeError(f"fault proxy did not start: {line!r}")
        self.port = int(line.split()[1])
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)

    def _call(self, path: str, data: Any = None) -> Any:
        request = urllib.request.Request(
            self.base_url + path,
            data=json.dumps(data).encode() if data is not None else None,
            method="POST" if data is not None else "GET",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def configure(
        self,
        rules: list[dict[str, Any]],
        seed: int = 0,
        delay: float | None = None,
        late: float | None = None,
    ) -> None:
        config: dict[str, Any] = {"rules": rules, "seed": seed}
        if delay is not None:
            config["delay"] = delay
        if late is not None:
            config["late"] = late
        self._call("/_proxy/rules", config)

    def log(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self._call("/_proxy/log")
        return entries

    def reset(self) -> None:
        self._call("/_proxy/reset", {})

    def wait_forwarded(self, seconds: float = 5.0) -> None:
        """Wait until every late forward has reached the upstream."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if all(e["upstream_status"] is not None for e in self.log() if e["forwarded"]):
                return
            time.sleep(0.05)
        raise AssertionError("fault proxy: some forwards never completed")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(args.upstream, args.port))
