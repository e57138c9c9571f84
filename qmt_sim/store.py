"""Durable state of the simulator in one SQLite file.

Why these settings: in WAL mode a COMMIT appends the transaction to the WAL
file; nothing is acknowledged before that WAL is fsync'd, so ``kill -9`` (or a
power cut) loses nothing that was acknowledged. Offline (the ``next-day``
command, the engine's own tests) ``synchronous=FULL`` has SQLite fsync inside
every COMMIT. The server uses *group commit* instead (``GroupCommit``):
``synchronous=NORMAL`` commits without syncing, and an answer waits until one
fsync of the WAL, run off the event loop, covers its transaction, so orders
arriving together share one fsync. Every change runs inside ``BEGIN
IMMEDIATE`` (a write lock taken up front), and a process-wide lock serialises
writers inside the server, so two concurrent orders can never both spend the
same cash. CHECK constraints are a last line of defence: a bug that would
overdraw cash or shares aborts the transaction instead of corrupting the book.

All money and prices are integers in milli-yuan (see ``market.MILLI``).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS accounts (
    idx INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL UNIQUE,
    nick_name TEXT NOT NULL,
    cash INTEGER NOT NULL CHECK (cash >= 0),
    frozen_cash INTEGER NOT NULL CHECK (frozen_cash >= 0)
);
CREATE TABLE IF NOT EXISTS positions (
    account_idx INTEGER NOT NULL REFERENCES accounts(idx),
    symbol TEXT NOT NULL,
    volume INTEGER NOT NULL CHECK (volume >= 0),
    can_use_volume INTEGER NOT NULL CHECK (can_use_volume >= 0),
    frozen_volume INTEGER NOT NULL CHECK (frozen_volume >= 0),
    cost INTEGER NOT NULL,
    open_cost INTEGER NOT NULL,
    CHECK (can_use_volume + frozen_volume <= volume),
    PRIMARY KEY (account_idx, symbol)
);
CREATE TABLE IF NOT EXISTS orders (
    order_id INTEGER PRIMARY KEY,
    account_idx INTEGER NOT NULL REFERENCES accounts(idx),
    trading_day INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    status INTEGER NOT NULL,
    volume INTEGER NOT NULL CHECK (volume > 0),
    price INTEGER NOT NULL,
    limit_price INTEGER NOT NULL,
    price_type INTEGER NOT NULL,
    ioc INTEGER NOT NULL,
    traded_volume INTEGER NOT NULL DEFAULT 0 CHECK (traded_volume <= volume),
    traded_value INTEGER NOT NULL DEFAULT 0,
    commission INTEGER NOT NULL DEFAULT 0,
    frozen_cash INTEGER NOT NULL DEFAULT 0 CHECK (frozen_cash >= 0),
    strategy_name TEXT NOT NULL,
    remark TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_open ON orders (status, symbol);
CREATE INDEX IF NOT EXISTS orders_day ON orders (account_idx, trading_day);
CREATE TABLE IF NOT EXISTS fills (
    fill_id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(order_id),
    account_idx INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL,
    volume INTEGER NOT NULL CHECK (volume > 0),
    price INTEGER NOT NULL,
    commission INTEGER NOT NULL,
    stamp_duty INTEGER NOT NULL,
    tick INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS market (
    symbol TEXT PRIMARY KEY,
    last INTEGER NOT NULL,
    prev_close INTEGER NOT NULL,
    day_open INTEGER NOT NULL,
    day_high INTEGER NOT NULL,
    day_low INTEGER NOT NULL,
    day_volume INTEGER NOT NULL DEFAULT 0,
    day_amount INTEGER NOT NULL DEFAULT 0,
    steps INTEGER NOT NULL DEFAULT 0,
    liquidity INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS revoked_sessions (
    session_id TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS bars (
    symbol TEXT NOT NULL,
    trading_day INTEGER NOT NULL,
    open INTEGER NOT NULL,
    high INTEGER NOT NULL,
    low INTEGER NOT NULL,
    close INTEGER NOT NULL,
    volume INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (symbol, trading_day)
);
"""

FIRST_ORDER_ID = 1_000_001  # broker-looking ids; never 0 or small numbers


@dataclass
class Account:
    idx: int
    account_id: str
    nick_name: str
    cash: int
    frozen_cash: int


@dataclass
class Position:
    account_idx: int
    symbol: str
    volume: int
    can_use_volume: int
    frozen_volume: int
    cost: int
    open_cost: int


@dataclass
class Order:
    order_id: int
    account_idx: int
    trading_day: int
    symbol: str
    side: str
    status: int
    volume: int
    price: int
    limit_price: int
    price_type: int
    ioc: int
    traded_volume: int
    traded_value: int
    commission: int
    frozen_cash: int
    strategy_name: str
    remark: str
    created_at: int

    @property
    def remaining(self) -> int:
        return self.volume - self.traded_volume


@dataclass
class Quote:
    symbol: str
    last: int
    prev_close: int
    day_open: int
    day_high: int
    day_low: int
    day_volume: int
    day_amount: int
    steps: int
    liquidity: int


def _select(record: type, table: str) -> str:
    """``SELECT <the record's fields, in order> FROM table``: rows become records positionally."""
    return f"SELECT {', '.join(f.name for f in fields(record))} FROM {table}"


SELECT_ACCOUNTS = _select(Account, "accounts")
SELECT_POSITIONS = _select(Position, "positions")
SELECT_ORDERS = _select(Order, "orders")
SELECT_QUOTES = _select(Quote, "market")
ORDER_COLUMNS = [f.name for f in fields(Order)]
# The new order's id is chosen inside the INSERT (one statement, not two):
# one above the largest so far, FIRST_ORDER_ID for the first.
INSERT_ORDER = (
    f"INSERT INTO orders ({', '.join(ORDER_COLUMNS)}) VALUES "
    "((SELECT COALESCE(MAX(order_id) + 1, ?) FROM orders), "
    f"{', '.join('?' for _ in ORDER_COLUMNS[1:])})"
)


# fdatasync where it exists (Linux): the WAL's data and size reach the disk,
# its timestamps need not (SQLite syncs its WAL the same way).
SYNC_FILE: Callable[[int], None] = getattr(os, "fdatasync", os.fsync)


class GroupCommit:
    """Makes committed WAL transactions durable in batches, without stalling other requests.

    ``await wait(n)`` returns once transaction ``n`` (numbered by the store) is
    on disk. One fsync of the WAL file covers every transaction committed
    before it started. When other requests are in flight (``busy()``) the
    fsync runs in a worker thread and everything committed meanwhile shares
    the next one; a request alone syncs on the event loop itself, which saves
    two thread hand-offs and delays no one. A failed fsync fails every waiter
    of its batch.
    """

    def __init__(
        self,
        wal_path: Path,
        committed: Callable[[], int],
        sync: Callable[[int], None] = SYNC_FILE,
        busy: Callable[[], bool] = lambda: True,
    ) -> None:
        # O_RDWR: Windows flushes only handles opened for writing.
        self._fd = os.open(wal_path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        self._committed = committed
        self._sync = sync
        self.busy = busy
        self.durable = 0  # every transaction up to this number is on disk
        self.syncs = 0
        self._flushing: asyncio.Future[None] | None = None
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="qmt-sim-fsync")

    async def wait(self, upto: int) -> None:
        while self.durable < upto:
            if self._flushing is None:
                if not self.busy():
                    self._sync_now(self._committed())
                    continue
                self._flushing = asyncio.ensure_future(self._flush(self._committed()))
            # Shielded: a client that goes away must not cancel the others' fsync.
            await asyncio.shield(self._flushing)

    def _sync_now(self, covered: int) -> None:
        self._sync(self._fd)
        self.syncs += 1
        self.durable = max(self.durable, covered)

    async def _flush(self, covered: int) -> None:
        try:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(self._executor, self._sync, self._fd)
            self.syncs += 1
            self.durable = max(self.durable, covered)
        finally:
            self._flushing = None  # done before any waiter resumes

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        os.close(self._fd)


class Store:
    """One SQLite connection shared by the server's threads, guarded by a lock.

    ``group_commit=True`` (the server): commits are made durable by
    ``await store.durable()`` in batches; otherwise every COMMIT syncs itself.
    """

    def __init__(self, path: str | Path, *, group_commit: bool = False) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        # isolation_level=None: we issue BEGIN/COMMIT ourselves.
        self._conn = sqlite3.connect(
            str(self.path), check_same_thread=False, isolation_level=None, timeout=30
        )
        self._conn.row_factory = sqlite3.Row
        mode = self._conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        group_commit = group_commit and str(mode).lower() == "wal"  # else COMMIT syncs itself
        self._conn.execute(f"PRAGMA synchronous={'NORMAL' if group_commit else 'FULL'}")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA busy_timeout=30000")
        self.commits = 0  # write transactions committed by this connection
        with self.transaction() as tx:
            tx.conn.executescript_safe(SCHEMA)
        self._group: GroupCommit | None = None
        if group_commit:
            wal = self.path.with_name(self.path.name + "-wal")
            self._group = GroupCommit(wal, lambda: self.commits)

    @property
    def group_commit(self) -> GroupCommit | None:
        return self._group

    def version(self) -> tuple[int, int]:
        """Changes whenever the book may have: a write of ours, or a commit of another connection.

        ``commits`` counts this connection's write transactions that changed a
        row; SQLite's ``data_version`` moves when another connection (another
        process on the same file) commits.
        """
        with self._lock:
            other: int = self._conn.execute("PRAGMA data_version").fetchone()[0]
            return self.commits, other

    async def durable(self) -> None:
        """Return once every transaction committed so far is on disk."""
        if self._group is not None and self._group.durable < self.commits:
            await self._group.wait(self.commits)

    def close(self) -> None:
        with self._lock:
            if self._group is not None:
                self._group.close()
            self._conn.close()

    @contextmanager
    def statement(self) -> Iterator[Tx]:
        """One read statement on its own: atomic without BEGIN/COMMIT (autocommit)."""
        with self._lock:
            yield Tx(_Conn(self._conn))

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read-only transaction: one consistent snapshot, no write lock."""
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN")
            try:
                yield Tx(_Conn(conn))
            finally:
                conn.execute("COMMIT")

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """A write transaction: committed on success, rolled back on error.

        Without group commit the COMMIT is durable; with it, see ``durable()``.
        """
        with self._lock:
            conn = self._conn
            changes = conn.total_changes
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(_Conn(conn))
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            if conn.total_changes != changes:
                self.commits += 1


class _Conn:
    """Thin typed wrapper so the rest of the code does not juggle sqlite3.Row."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.raw = conn

    def executescript_safe(self, script: str) -> None:
        # executescript would COMMIT our transaction; run statements one by one.
        for statement in script.split(";"):
            if statement.strip():
                self.raw.execute(statement)

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        return self.raw.execute(sql, params)

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.raw.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        return list(self.raw.execute(sql, params).fetchall())


class Tx:
    """Typed reads and writes used by the engine, all inside one transaction."""

    def __init__(self, conn: _Conn) -> None:
        self.conn = conn
        # Accounts read in this transaction: one row object per account, so an
        # order's checks, freeze and settlement read it once (writers save it).
        self._accounts: dict[int, Account] = {}

    # ---- meta -------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.one("SELECT value FROM meta WHERE key = ?", (key,))
        return str(row["value"]) if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def get_int_meta(self, key: str, default: int) -> int:
        value = self.get_meta(key)
        return int(value) if value is not None else default

    # ---- login sessions -----------------------------------------------------
    def revoke_session(self, session_id: str, expires_at: int) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO revoked_sessions (session_id, expires_at) VALUES (?, ?)",
            (session_id, expires_at),
        )

    def revoked_sessions(self, now: int) -> set[str]:
        """Logged-out sessions whose cookies could still be presented (older ones are purged)."""
        self.conn.execute("DELETE FROM revoked_sessions WHERE expires_at < ?", (now,))
        rows = self.conn.all("SELECT session_id FROM revoked_sessions")
        return {str(row["session_id"]) for row in rows}

    # ---- accounts -----------------------------------------------------------
    def accounts(self) -> list[Account]:
        return [Account(*r) for r in self.conn.all(f"{SELECT_ACCOUNTS} ORDER BY idx")]

    def assets(self, idx: int) -> tuple[int, int, int | None]:
        """Cash, frozen cash and market value of an account in one query.

        The market value is None when a position has no quote yet.
        """
        row = self.conn.one(
            """SELECT a.cash, a.frozen_cash, COALESCE(SUM(p.volume * m.last), 0) AS value,
                 COUNT(p.symbol) AS held, COUNT(m.symbol) AS quoted
               FROM accounts a
               LEFT JOIN positions p ON p.account_idx = a.idx
               LEFT JOIN market m ON m.symbol = p.symbol
               WHERE a.idx = ? GROUP BY a.idx""",
            (idx,),
        )
        if row is None:
            raise KeyError(f"no account {idx}")
        value = int(row["value"]) if row["held"] == row["quoted"] else None
        return int(row["cash"]), int(row["frozen_cash"]), value

    def account(self, idx: int) -> Account:
        account = self._accounts.get(idx)
        if account is None:
            row = self.conn.one(f"{SELECT_ACCOUNTS} WHERE idx = ?", (idx,))
            if row is None:
                raise KeyError(f"no account {idx}")
            account = self._accounts[idx] = Account(*row)
        return account

    def insert_account(self, account: Account) -> None:
        self.conn.execute(
            "INSERT INTO accounts (idx, account_id, nick_name, cash, frozen_cash) "
            "VALUES (?, ?, ?, ?, ?)",
            (account.idx, account.account_id, account.nick_name, account.cash, account.frozen_cash),
        )

    def save_account(self, account: Account) -> None:
        self.conn.execute(
            "UPDATE accounts SET cash = ?, frozen_cash = ? WHERE idx = ?",
            (account.cash, account.frozen_cash, account.idx),
        )

    # ---- positions ----------------------------------------------------------
    def positions(self, account_idx: int) -> list[Position]:
        rows = self.conn.all(
            f"{SELECT_POSITIONS} WHERE account_idx = ? ORDER BY symbol", (account_idx,)
        )
        return [Position(*r) for r in rows]

    def all_positions(self) -> list[Position]:
        return [Position(*r) for r in self.conn.all(SELECT_POSITIONS)]

    def position(self, account_idx: int, symbol: str) -> Position | None:
        row = self.conn.one(
            f"{SELECT_POSITIONS} WHERE account_idx = ? AND symbol = ?", (account_idx, symbol)
        )
        return Position(*row) if row else None

    def save_position(self, pos: Position) -> None:
        """Upsert a position; a fully closed, unfrozen position is removed."""
        if pos.volume == 0 and pos.frozen_volume == 0:
            self.conn.execute(
                "DELETE FROM positions WHERE account_idx = ? AND symbol = ?",
                (pos.account_idx, pos.symbol),
            )
            return
        self.conn.execute(
            """INSERT INTO positions
                 (account_idx, symbol, volume, can_use_volume, frozen_volume, cost, open_cost)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(account_idx, symbol) DO UPDATE SET volume = excluded.volume,
                 can_use_volume = excluded.can_use_volume, frozen_volume = excluded.frozen_volume,
                 cost = excluded.cost, open_cost = excluded.open_cost""",
            (
                pos.account_idx,
                pos.symbol,
                pos.volume,
                pos.can_use_volume,
                pos.frozen_volume,
                pos.cost,
                pos.open_cost,
            ),
        )

    # ---- orders -------------------------------------------------------------
    def insert_order(self, order: Order) -> None:
        """Store a new order and give it its id (``order.order_id`` is set here)."""
        values = [getattr(order, name) for name in ORDER_COLUMNS[1:]]
        cursor = self.conn.execute(INSERT_ORDER, (FIRST_ORDER_ID, *values))
        order.order_id = int(cursor.lastrowid or 0)

    def save_order(self, order: Order) -> None:
        self.conn.execute(
            """UPDATE orders SET status = ?, traded_volume = ?, traded_value = ?, commission = ?,
                 frozen_cash = ?, remark = ? WHERE order_id = ?""",
            (
                order.status,
                order.traded_volume,
                order.traded_value,
                order.commission,
                order.frozen_cash,
                order.remark,
                order.order_id,
            ),
        )

    def order(self, order_id: int) -> Order | None:
        row = self.conn.one(f"{SELECT_ORDERS} WHERE order_id = ?", (order_id,))
        return Order(*row) if row else None

    def orders_of_day(self, account_idx: int, trading_day: int) -> list[Order]:
        rows = self.conn.all(
            f"{SELECT_ORDERS} WHERE account_idx = ? AND trading_day = ? ORDER BY order_id",
            (account_idx, trading_day),
        )
        return [Order(*r) for r in rows]

    def open_orders(self, statuses: tuple[int, ...], symbol: str | None = None) -> list[Order]:
        marks = ", ".join("?" for _ in statuses)
        sql = f"{SELECT_ORDERS} WHERE status IN ({marks})"
        params: tuple[Any, ...] = statuses
        if symbol is not None:
            sql += " AND symbol = ?"
            params = (*statuses, symbol)
        rows = self.conn.all(sql + " ORDER BY order_id", params)
        return [Order(*r) for r in rows]

    def insert_fill(
        self,
        order: Order,
        volume: int,
        price: int,
        commission: int,
        stamp_duty: int,
        tick: int,
        created_at: int,
    ) -> None:
        self.conn.execute(
            """INSERT INTO fills (order_id, account_idx, symbol, side, volume, price, commission,
                 stamp_duty,
                 tick, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                order.order_id,
                order.account_idx,
                order.symbol,
                order.side,
                volume,
                price,
                commission,
                stamp_duty,
                tick,
                created_at,
            ),
        )

    # ---- market -------------------------------------------------------------
    def quote(self, symbol: str) -> Quote | None:
        row = self.conn.one(f"{SELECT_QUOTES} WHERE symbol = ?", (symbol,))
        return Quote(*row) if row else None

    def quotes(self) -> list[Quote]:
        return [Quote(*r) for r in self.conn.all(f"{SELECT_QUOTES} ORDER BY symbol")]

    def save_quote(self, q: Quote) -> None:
        self.conn.execute(
            """INSERT INTO market (symbol, last, prev_close, day_open, day_high, day_low,
                 day_volume, day_amount,
                 steps, liquidity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(symbol) DO UPDATE SET last = excluded.last,
                 prev_close = excluded.prev_close, day_open = excluded.day_open,
                 day_high = excluded.day_high, day_low = excluded.day_low,
                 day_volume = excluded.day_volume, day_amount = excluded.day_amount,
                 steps = excluded.steps,
                 liquidity = excluded.liquidity""",
            (
                q.symbol,
                q.last,
                q.prev_close,
                q.day_open,
                q.day_high,
                q.day_low,
                q.day_volume,
                q.day_amount,
                q.steps,
                q.liquidity,
            ),
        )

    def save_bar(self, q: Quote, trading_day: int) -> None:
        self.conn.execute(
            """INSERT OR REPLACE INTO bars
                 (symbol, trading_day, open, high, low, close, volume, amount)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                q.symbol,
                trading_day,
                q.day_open,
                q.day_high,
                q.day_low,
                q.last,
                q.day_volume,
                q.day_amount,
            ),
        )

    def bars(self, symbol: str) -> list[sqlite3.Row]:
        return self.conn.all("SELECT * FROM bars WHERE symbol = ? ORDER BY trading_day", (symbol,))
