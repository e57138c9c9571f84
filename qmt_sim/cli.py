"""Command line: ``qmt-sim`` / ``python -m qmt_sim``.

python -m qmt_sim [--config FILE] [--db FILE] [--host 127.0.0.1] [--port 9091] [--line main]
python -m qmt_sim next-day --db FILE [--config FILE]
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import socket
import sys
from pathlib import Path
from typing import Any

from .config import SERVER_LINES, ConfigError, SimConfig, load_config

DEFAULT_DB = "qmt-sim.sqlite3"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qmt-sim", description="Simulated QMT trading server (paper trading)."
    )
    parser.add_argument("--config", help="YAML config (default: the packaged sample_config.yaml)")
    parser.add_argument(
        "--db", default=DEFAULT_DB, help=f"SQLite state file (default: ./{DEFAULT_DB})"
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)"
    )
    parser.add_argument("--port", type=port_number, default=9091, help="port (default: 9091)")
    parser.add_argument(
        "--line",
        choices=SERVER_LINES,
        help="which real server line to play (overrides server.line; default: main)",
    )
    parser.add_argument(
        "--log-level", default="warning", choices=["debug", "info", "warning", "error"]
    )
    parser.add_argument("--access-log", action="store_true", help="log every request")
    sub = parser.add_subparsers(dest="command")
    next_day = sub.add_parser(
        "next-day", help="close the simulated trading day on a DB file, offline"
    )
    next_day.add_argument("--db", default=DEFAULT_DB, help="SQLite state file")
    next_day.add_argument("--config", help="YAML config (fees, repo rate; seeds the DB if empty)")
    return parser


def port_number(text: str) -> int:
    """A TCP port, 1..65535 (argparse reports anything else as a usage error naming --port)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1..65535)")
    return port


def listen(host: str, port: int) -> socket.socket:
    """Bind and listen now, so a taken or forbidden port fails before anything else happens."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        if sys.platform != "win32":  # on Windows SO_REUSEADDR would let two servers share a port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def run_server(app: Any, sock: socket.socket, log_level: str, access_log: bool) -> None:
    """Serve ``app`` on an already-bound socket with uvicorn (httptools and uvloop when present).

    The benchmark's floor app runs through here too, so both are served the same way.
    """
    import uvicorn

    config = uvicorn.Config(app, log_level=log_level, access_log=access_log, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"qmt-sim: {exc}", file=sys.stderr)
        return 2
    if args.line is not None:
        config = dataclasses.replace(
            config, server=dataclasses.replace(config.server, line=args.line)
        )
    if args.command == "next-day":
        return _next_day(config, Path(args.db))
    return _serve(config, Path(args.db), args.host, args.port, args.log_level, args.access_log)


def _next_day(config: SimConfig, db: Path) -> int:
    from .engine import Engine
    from .store import Store

    store = Store(db)
    try:
        clock = Engine(store, config).next_day()
    finally:
        store.close()
    print(f"qmt-sim: {db.resolve()} is now on trading day {clock['trading_day']} ({clock['date']})")
    return 0


def _serve(
    config: SimConfig, db: Path, host: str, port: int, log_level: str, access_log: bool
) -> int:
    from .app import create_app

    try:
        sock = listen(host, port)
    except OSError as exc:
        print(f"qmt-sim: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    with sock:
        try:
            app = create_app(config, db)
        except (OSError, ValueError) as exc:
            print(f"qmt-sim: cannot start: {exc}", file=sys.stderr)
            return 2
        print(
            f"qmt-sim listening on http://{host}:{port} ({config.server.line} line, "
            f"db: {db.resolve()}, config: {config.source})",
            flush=True,
        )
        run_server(app, sock, log_level, access_log)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
