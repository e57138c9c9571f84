"""The physical floor of the simulator's stack: Starlette + uvicorn and one trivial JSON route.

Served exactly as the simulator is (``qmt_sim.cli.listen`` + ``run_server``:
same uvicorn settings, httptools and uvloop when installed), and sent the very
same requests (the route matches any path, reads the body and answers a small
JSON object), so the simulator's server CPU per request divided by this app's
is what the simulator adds over the bare stack.

    python -m bench.floor_app --port 9100
"""

from __future__ import annotations

import argparse
import sys

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from qmt_sim.cli import listen, port_number, run_server
from qmt_sim.testing import ServerProcess


async def answer(request: Request) -> Response:
    await request.body()
    return JSONResponse({"status": "ok"})


app = Starlette(routes=[Route("/{path:path}", answer, methods=["GET", "POST"])])


class FloorProcess(ServerProcess):
    """The floor app as a subprocess, started and stopped like ``SimulatorProcess``."""

    def command(self) -> list[str]:
        return [sys.executable, "-m", "bench.floor_app", "--port", str(self.port)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.floor_app", description=__doc__)
    parser.add_argument("--port", type=port_number, required=True)
    args = parser.parse_args(argv)
    with listen("127.0.0.1", args.port) as sock:
        run_server(app, sock, log_level="warning", access_log=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
