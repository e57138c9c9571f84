"""The order journal: an opt-in SQLite file that outlives the process.

``QMTTradeClient(..., journal="orders.sqlite3")`` records every order call
twice: its *intent* (client order id, arguments, time) is committed before
the request is sent, its *outcome* after the call ends. A crash, a kill -9
or a power cut between the two leaves an intent without an outcome:
``client.journal.unresolved()`` lists those (and outcomes ``unknown``), and
``client.reconcile_journal()`` looks each one up in ``/orders`` and records
what it found.

Durability: WAL mode with ``synchronous=FULL`` (each commit is fsync'ed
before the request goes out). Plans never touch the file: they yield
``Record`` steps and the drivers call :func:`perform_record`.

Schema: versioned with SQLite's ``PRAGMA user_version``. ``MIGRATIONS[n]``
takes a file from version n to n + 1; a later feature appends a migration
with its own tables and never changes an earlier one (version 2 added the
per-account order counts of the risk limits). A file written by a newer
version of the SDK is refused.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final, Literal

import attrs

from qmt_facade.errors import QMTTradeClientError, QMTValidationError
from qmt_facade.risk import MINUTE, RiskLimits, check_order_slots, trading_day

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "JournalIntent",
    "JournalOutcome",
    "JournalResolution",
    "OrderJournal",
    "OutcomeStatus",
    "perform_record",
]

logger = logging.getLogger("qmt_facade")

# placed: the server answered with an order; reconciled: the answer was lost
# and the order found; rejected: the server refused (no order); not_sent: the
# request never left; unknown: the fate is still open; absent: reconcile_journal
# found no such order; unverifiable: the intent is from an earlier trading day.
OutcomeStatus = Literal[
    "placed", "reconciled", "rejected", "not_sent", "unknown", "absent", "unverifiable"
]
_OPEN_STATUSES: Final = ("unknown",)

MIGRATIONS: Final[tuple[str, ...]] = (
    # 0 -> 1: order intents and their outcomes (several per intent, the last one counts).
    """
    CREATE TABLE order_intents (
        client_order_id TEXT PRIMARY KEY,
        action TEXT NOT NULL,
        request TEXT NOT NULL,            -- JSON of the validated arguments
        created_at REAL NOT NULL          -- server time (Unix seconds) when it was sent
    );
    CREATE TABLE order_outcomes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        client_order_id TEXT NOT NULL REFERENCES order_intents (client_order_id),
        status TEXT NOT NULL,
        order_ids TEXT NOT NULL,          -- JSON [[trader_index, order_id], ...]
        detail TEXT NOT NULL,
        recorded_at REAL NOT NULL         -- local Unix time of the write
    );
    CREATE INDEX order_outcomes_by_intent ON order_outcomes (client_order_id, id);
    """,
    # 1 -> 2: orders sent per account, for the risk limits max_orders_per_minute
    # and max_orders_per_day (risk.py), so that a restart does not reset them.
    """
    CREATE TABLE order_counts (
        trader_index INTEGER NOT NULL,
        trading_day TEXT NOT NULL,        -- YYYY-MM-DD, Asia/Shanghai
        sent_at REAL NOT NULL             -- server time (Unix seconds) when it was sent
    );
    CREATE INDEX order_counts_by_account ON order_counts (trader_index, trading_day, sent_at);
    """,
)
SCHEMA_VERSION: Final = len(MIGRATIONS)
_INTENT_COLUMNS: Final = "i.client_order_id, i.action, i.request, i.created_at"


@attrs.frozen
class JournalIntent:
    """An order call about to be sent."""

    client_order_id: str
    action: str
    request: dict[str, Any]
    created_at: float


@attrs.frozen
class JournalOutcome:
    """How an order call ended (or what reconciliation found later)."""

    client_order_id: str
    status: OutcomeStatus
    order_ids: tuple[tuple[int, int], ...] = ()  # (trader_index, order_id)
    detail: str = ""


@attrs.frozen
class JournalResolution:
    """What ``reconcile_journal`` decided for one unresolved intent."""

    intent: JournalIntent
    status: OutcomeStatus
    order_ids: tuple[tuple[int, int], ...]
    detail: str

    @property
    def client_order_id(self) -> str:
        return self.intent.client_order_id


class OrderJournal:
    """One journal file; safe to share between threads of one process.

    Several processes may open the same file (SQLite locks it); each call's
    client order id must be unique in the file.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        # With the first journal (sqlite3): `import qmt_facade` does without it.
        from qmt_facade.sqlite_files import connect_shared

        self.path = Path(path)
        self._lock = threading.Lock()
        # Transactions are explicit (BEGIN IMMEDIATE).
        self._db = connect_shared(self.path, timeout=10.0)
        try:
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except BaseException:
            self._db.close()
            raise

    def __repr__(self) -> str:
        return f"OrderJournal({str(self.path)!r})"

    def _migrate(self) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
                if version > SCHEMA_VERSION:
                    raise QMTTradeClientError(
                        f"order journal {self.path}: schema version {version} is newer than "
                        f"this SDK's ({SCHEMA_VERSION}); upgrade qmt-facade"
                    )
                for step in MIGRATIONS[version:]:
                    for statement in step.split(";"):
                        if statement.strip():
                            self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def record(self, entry: JournalIntent | JournalOutcome) -> None:
        """Commit one entry (fsync'ed before this returns)."""
        with self._lock:
            if isinstance(entry, JournalIntent):
                self._db.execute(
                    "INSERT INTO order_intents (client_order_id, action, request, created_at) "
                    "VALUES (?, ?, ?, ?)",
                    (
                        entry.client_order_id,
                        entry.action,
                        json.dumps(entry.request, ensure_ascii=False, sort_keys=True),
                        entry.created_at,
                    ),
                )
            else:
                self._db.execute(
                    "INSERT INTO order_outcomes "
                    "(client_order_id, status, order_ids, detail, recorded_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (
                        entry.client_order_id,
                        entry.status,
                        json.dumps([list(pair) for pair in entry.order_ids]),
                        entry.detail,
                        time.time(),
                    ),
                )

    def take_order_slots(
        self,
        accounts: Sequence[int],
        server_time: float,
        limits: RiskLimits,
        order: str,
        record: bool,
    ) -> None:
        """Check one more order on each account against the order-count limits; count it.

        One ``BEGIN IMMEDIATE`` transaction: processes sharing the file see
        each other's counts, and two of them cannot both take the last slot.
        Raises ``QMTRiskError`` (nothing counted) when an account is at a
        limit. ``record=False`` (dry run) checks without counting.
        """
        day = trading_day(server_time)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM order_counts WHERE trading_day < ?", (day,))

                def counts(account: int) -> tuple[int, int]:
                    last_minute, today = self._db.execute(
                        "SELECT COALESCE(SUM(sent_at > ?), 0), COUNT(*) FROM order_counts "
                        "WHERE trader_index = ? AND trading_day = ?",
                        (server_time - MINUTE, account, day),
                    ).fetchone()
                    return int(last_minute), int(today)

                check_order_slots(limits, accounts, counts, day, order)
                if record:
                    self._db.executemany(
                        "INSERT INTO order_counts (trader_index, trading_day, sent_at) "
                        "VALUES (?, ?, ?)",
                        [(account, day, server_time) for account in accounts],
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _rows(self, sql: str, params: Sequence[Any]) -> list[Any]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def unresolved(self) -> list[JournalIntent]:
        """Intents without an outcome (the process died in between) or whose outcome is unknown."""
        marks = ", ".join("?" for _ in _OPEN_STATUSES)
        rows = self._rows(
            f"SELECT {_INTENT_COLUMNS} FROM order_intents AS i LEFT JOIN order_outcomes AS o "
            "ON o.id = (SELECT MAX(id) FROM order_outcomes "
            "WHERE client_order_id = i.client_order_id) "
            f"WHERE o.id IS NULL OR o.status IN ({marks}) ORDER BY i.created_at",
            _OPEN_STATUSES,
        )
        return [_intent(row) for row in rows]

    def intent(self, client_order_id: str) -> JournalIntent | None:
        rows = self._rows(
            f"SELECT {_INTENT_COLUMNS} FROM order_intents AS i WHERE client_order_id = ?",
            (client_order_id,),
        )
        return _intent(rows[0]) if rows else None

    def outcomes(self, client_order_id: str) -> list[JournalOutcome]:
        """Every outcome recorded for one intent, oldest first."""
        rows = self._rows(
            "SELECT client_order_id, status, order_ids, detail FROM order_outcomes "
            "WHERE client_order_id = ? ORDER BY id",
            (client_order_id,),
        )
        return [
            JournalOutcome(
                client_order_id=row[0],
                status=row[1],
                order_ids=tuple((int(a), int(b)) for a, b in json.loads(row[2])),
                detail=row[3],
            )
            for row in rows
        ]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _intent(row: Sequence[Any]) -> JournalIntent:
    request: dict[str, Any] = json.loads(row[2])
    return JournalIntent(
        client_order_id=row[0], action=row[1], request=request, created_at=float(row[3])
    )


def perform_record(
    journal: OrderJournal | None, entry: JournalIntent | JournalOutcome
) -> QMTTradeClientError | None:
    """Write ``entry`` for a driver; the error to throw into the plan, if any.

    An intent that cannot be written stops the call before anything is sent.
    An outcome that cannot be written is logged and dropped: the order's
    fate is what the caller gets back, and the intent stays unresolved for
    reconcile_journal().
    """
    if journal is None:
        return None
    import sqlite3  # already loaded by the journal: a dictionary lookup

    try:
        journal.record(entry)
    except sqlite3.IntegrityError:
        if isinstance(entry, JournalIntent):
            rule = "must be unique: the order journal already has it"
            return QMTValidationError(
                f"client_order_id={entry.client_order_id!r}: {rule}",
                field="client_order_id",
                value=entry.client_order_id,
                rule=rule,
            )
        logger.error("order journal %s: outcome not recorded: no intent", journal.path)
    except (sqlite3.Error, OSError) as error:
        if isinstance(entry, JournalIntent):
            return QMTTradeClientError(
                f"order journal {journal.path}: cannot record the intent ({error}); "
                "nothing was sent"
            )
        logger.error(
            "order journal %s: outcome of %s not recorded (%s); reconcile_journal() will "
            "resolve it",
            journal.path,
            entry.client_order_id,
            error,
        )
    return None
