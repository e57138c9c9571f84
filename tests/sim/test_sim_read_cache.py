"""The read cache: a read made after any acknowledged write sees that write.

``GET /accounts``, ``/portfolio/{i}`` and ``/positions/{i}`` are served from
rendered answers kept until the book changes (``qmt_sim/read_cache.py``).
Each kind of write is made after the reads were cached, and the answers that
follow are compared with what a fresh engine computes from the database file
at that moment (an uncached read, in this process), and with the answers
before the write (which must differ: else the step would prove nothing).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sim_http import API, SimHttp, run_cli

from qmt_sim.api_router import JsonAnswer
from qmt_sim.engine import Engine
from qmt_sim.read_cache import ReadCache
from qmt_sim.store import Store
from qmt_sim.testing import SimulatorProcess

READS = ("/portfolio/0", "/portfolio/1", "/positions/0", "/positions/1", "/accounts")


def served(http: SimHttp) -> dict[str, Any]:
    """What the simulator answers to every cached read, each asked twice (the second is a hit)."""
    answers = {path: http.ok("GET", path) for path in READS}
    assert {path: http.ok("GET", path) for path in READS} == answers
    return answers


def on_disk(sim: SimulatorProcess) -> dict[str, Any]:
    """The same reads computed by a fresh engine from the database file: never cached."""
    store = Store(sim.db_path)
    try:
        engine = Engine(store, sim.config)
        fresh = {
            "/accounts": {"accounts": engine.accounts()},
            **{f"/portfolio/{i}": {"portfolio": engine.portfolio(i)} for i in (0, 1)},
            **{f"/positions/{i}": {"positions": engine.positions(i)} for i in (0, 1)},
        }
    finally:
        store.close()
    loaded: dict[str, Any] = json.loads(json.dumps(fresh))  # the floats as the wire carries them
    return loaded


@pytest.fixture
def frozen_sim(tmp_path: Path) -> Iterator[SimulatorProcess]:
    with SimulatorProcess(tmp_path / "sim") as process:  # tick_seconds 0: nothing moves alone
        yield process


def assert_ok(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text


def test_every_kind_of_write_is_seen_by_the_next_read(frozen_sim: SimulatorProcess) -> None:
    sim = frozen_sim
    http = SimHttp(sim.base_url, sim.client_id, sim.secret_key)
    assert sim.username and sim.password
    session = http.login(sim.username, sim.password)
    resting: list[int] = []  # ids of orders placed to rest, for the cancel steps

    def post(path: str, body: dict[str, Any], rests: bool = False) -> Callable[[], None]:
        def send() -> None:
            answer = http.ok("POST", path, body)
            if rests:
                resting.append(answer["results"][0]["result"]["order_id"])

        return send

    def session_post(path: str, body: dict[str, Any]) -> Callable[[], None]:
        def send() -> None:
            response = session.post(f"{API}{path}", json=body)
            assert response.status_code == 200, response.text

        return send

    def admin(path: str, body: dict[str, Any]) -> Callable[[], None]:
        return lambda: assert_ok(http.signed("POST", path, body))

    def cancel_first_resting() -> None:
        http.ok("POST", "/cancel_order", {"order_id": resting[0], "trader_index": 1})

    def cli_next_day() -> None:  # another process commits to the same file
        done = run_cli("next-day", "--db", str(sim.db_path), "--config", str(sim.config_path))
        assert done.returncode == 0, done.stderr

    rest_buy = {"symbol": "000001", "trade_price": 10.0, "order_num": 100}
    steps: list[tuple[str, Callable[[], None]]] = [
        ("a buy that rests", post("/outer/trade/buy", {**rest_buy, "trader_index": 1}, True)),
        ("a buy that fills", post("/outer/trade/buy", {"symbol": "000002", "trade_price": 20.3,
                                                       "order_num": 100, "trader_index": 1})),
        ("a sell that rests", post("/outer/trade/sell", {"symbol": "000001", "trade_price": 11.0,
                                                         "order_num": 100, "trader_index": 0})),
        ("a sell that fills", post("/outer/trade/sell", {"symbol": "600000", "trade_price": 15.2,
                                                         "order_num": 100, "trader_index": 0})),
        ("a buy by ratio", post("/outer/trade/buy", {"symbol": "000001", "trade_price": 10.5,
                                                     "position_pct": 0.01, "trader_index": 0})),
        ("a sell by ratio", post("/outer/trade/sell", {"symbol": "128013", "trade_price": 125.5,
                                                       "position_pct": 0.5, "trader_index": 0})),
        ("a cancel", cancel_first_resting),
        ("a session buy", session_post("/buy", {"symbol": "000002", "price": 20.3,
                                                "shares": 100, "trader_index": 0})),
        ("a session sell", session_post("/sell", {"symbol": "000001", "price": 10.5,
                                                  "shares": 100, "trader_index": 1})),
        ("a session buy by ratio", session_post("/trade", {"symbol": "000002",
                                                           "trade_price": 20.3,
                                                           "position_pct": 0.01,
                                                           "trader_index": 1})),
        ("a market tick", admin("/sim/tick", {"steps": 20})),
        ("a cancel of all sells", post("/cancel_orders/sale", {"trader_index": 0})),
        ("a buy with all cash", post("/trade/allin", {"symbol": "000002", "cur_price": 20.3,
                                                      "trader_index": 1})),
        ("a reverse repo", post("/trade/nhg", {"trader_index": 0, "reserve_amount": 1000})),
        ("next day", admin("/sim/next_day", {})),
        ("another buy that rests", post("/outer/trade/buy", {**rest_buy, "trader_index": 0})),
        ("a cancel of all buys", post("/cancel_orders/buy", {"trader_index": 0})),
        ("a third buy that rests", post("/outer/trade/buy", {**rest_buy, "trader_index": 0})),
        ("next-day by another process", cli_next_day),
    ]  # fmt: skip
    try:
        before = served(http)
        assert before == on_disk(sim)
        for name, write in steps:
            write()
            after, fresh = served(http), on_disk(sim)
            assert after == fresh, f"{name}: a cached read missed the write"
            assert fresh != before, f"{name}: the step changed nothing, so it proves nothing"
            before = after
    finally:
        session.close()
        http.close()


def test_the_wall_clock_ticker_invalidates_the_cache(tmp_path: Path) -> None:
    """The market task moves prices on its own: a polled portfolio follows it."""
    with SimulatorProcess(tmp_path / "sim", tick_seconds=0.05) as sim:
        http = SimHttp(sim.base_url, sim.client_id, sim.secret_key)
        try:
            first = http.ok("GET", "/portfolio/0")
            deadline = time.monotonic() + 20
            while http.ok("GET", "/portfolio/0") == first:
                assert time.monotonic() < deadline, "the market moved, the portfolio did not"
            clock = http.signed("GET", "/sim/clock").json()
            assert clock["tick"] > 0
        finally:
            http.close()


def test_concurrent_readers_see_every_order_acknowledged_before_they_asked(
    frozen_sim: SimulatorProcess,
) -> None:
    """Group commit: orders of other clients, acknowledged before a read is sent, are in it."""
    sim = frozen_sim
    clients = [SimHttp(sim.base_url, sim.client_id, sim.secret_key) for _ in range(8)]
    frozen_per_order = 10.0 * 100 + 5.0  # resting at 10.00, minimum commission
    acknowledged = [0]
    lock = threading.Lock()
    stale: list[str] = []
    barrier = threading.Barrier(len(clients))

    def trade_and_read(client: SimHttp) -> None:
        barrier.wait()
        for _ in range(6):
            body = {"symbol": "000001", "trade_price": 10.0, "order_num": 100, "trader_index": 1}
            client.ok("POST", "/outer/trade/buy", body)
            with lock:
                acknowledged[0] += 1
            for _ in range(3):
                with lock:
                    known = acknowledged[0]
                frozen = client.ok("GET", "/portfolio/1")["portfolio"]["frozen_cash"]
                if frozen < known * frozen_per_order - 0.005:
                    stale.append(f"{frozen} frozen after {known} orders")

    threads = [threading.Thread(target=trade_and_read, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert stale == []
        final = clients[0].ok("GET", "/portfolio/1")["portfolio"]["frozen_cash"]
        assert final == pytest.approx(len(clients) * 6 * frozen_per_order)
    finally:
        for client in clients:
            client.close()


def test_head_and_errors_are_answered_as_before(frozen_sim: SimulatorProcess) -> None:
    http = SimHttp(frozen_sim.base_url, frozen_sim.client_id, frozen_sim.secret_key)
    try:
        get = http.api("GET", "/portfolio/0")
        path = f"{API}/portfolio/0"
        head = http.http.head(path, headers=http.headers("HEAD", path))
        assert (head.status_code, head.content) == (200, b"")
        assert head.headers["content-length"] == get.headers["content-length"]
        for _ in range(2):  # an invalid index is an error each time, never a cached answer
            bad = http.api("GET", "/portfolio/7")
            assert (bad.status_code, bad.json()) == (400, {"error": "无效的交易器索引"})
        unsigned = http.http.get(f"{API}/portfolio/0")  # the cache never skips authentication
        assert unsigned.status_code == 401
    finally:
        http.close()


# ------------------------------------------------------ the cache on its own
def answer(content: Any, status: int = 200) -> Callable[[], JsonAnswer]:
    return lambda: JsonAnswer(content, status)


def test_an_answer_is_kept_until_the_version_moves() -> None:
    version = [0]
    cache = ReadCache(lambda: version[0])
    first = cache.answer("k", answer({"n": 1}))
    assert cache.answer("k", answer({"n": 2})) is first and cache.hits == 1
    version[0] += 1
    assert cache.answer("k", answer({"n": 3})).body == b'{"n":3}\n'


def test_an_answer_rendered_while_the_book_changed_is_not_kept() -> None:
    version = [0]
    cache = ReadCache(lambda: version[0])

    def render_and_write() -> JsonAnswer:
        version[0] += 1  # e.g. a read that creates a missing quote
        return JsonAnswer({"n": 1})

    cache.answer("k", render_and_write)
    assert cache.answer("k", answer({"n": 2})).body == b'{"n":2}\n'
    assert cache.hits == 0


def test_errors_are_never_kept() -> None:
    cache = ReadCache(lambda: 0)
    cache.answer("k", answer({"error": "x"}, 400))
    assert cache.answer("k", answer({"n": 1})).status_code == 200

    def fail() -> JsonAnswer:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        cache.answer("j", fail)
    assert cache.answer("j", answer({"n": 2})).body == b'{"n":2}\n'
    assert cache.hits == 0


def test_the_store_version_moves_on_our_writes_and_on_other_connections(tmp_path: Path) -> None:
    ours, theirs = Store(tmp_path / "book.sqlite3"), Store(tmp_path / "book.sqlite3")
    try:
        start = ours.version()
        with ours.transaction() as tx:
            tx.get_meta("nothing")  # a transaction that changes no row
        assert ours.version() == start
        with ours.transaction() as tx:
            tx.set_meta("k", "1")
        mine = ours.version()
        assert mine != start
        with theirs.transaction() as tx:
            tx.set_meta("k", "2")
        assert ours.version() != mine
    finally:
        ours.close()
        theirs.close()


def test_http_answer_bytes_are_flask_jsonify(frozen_sim: SimulatorProcess) -> None:
    """Sorted keys, ASCII escapes, compact, a final newline: cached or not, the same bytes."""
    http = SimHttp(frozen_sim.base_url, frozen_sim.client_id, frozen_sim.secret_key)
    try:
        first, second = (http.api("GET", "/accounts") for _ in range(2))
        assert first.content == second.content
        assert first.content.startswith(b'{"accounts":[{"account_id":"55010001","index":0,')
        assert b"\\u8d26\\u6237" in first.content and first.content.endswith(b"}\n")
        assert first.headers["content-type"] == "application/json"
    finally:
        http.close()
