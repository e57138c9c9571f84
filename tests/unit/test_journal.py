"""The order journal file, and where plans put its Record steps."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from qmt_facade import plans
from qmt_facade.errors import QMTRiskError, QMTTradeClientError, QMTValidationError
from qmt_facade.journal import (
    MIGRATIONS,
    SCHEMA_VERSION,
    JournalIntent,
    JournalOutcome,
    OrderJournal,
    perform_record,
)
from qmt_facade.plans import Call, ClientContext, Record
from qmt_facade.plans.steps import RecentSet
from qmt_facade.risk import RiskLimits
from qmt_facade.server_lines import ServerLine

SIGNED = ClientContext(signed=True, server_line=ServerLine.MAIN, journaling=True)


def intent(client_order_id: str, created_at: float = 1.0) -> JournalIntent:
    return JournalIntent(client_order_id, "buy", {"symbol": "000001.SZ", "shares": 100}, created_at)


def test_pragmas_and_schema_version(tmp_path: Path) -> None:
    journal = OrderJournal(tmp_path / "orders.sqlite3")
    try:
        assert journal.schema_version == SCHEMA_VERSION == 2
        mode = journal._db.execute("PRAGMA journal_mode").fetchone()[0]
        sync = journal._db.execute("PRAGMA synchronous").fetchone()[0]
        assert (mode, sync) == ("wal", 2)  # 2 = FULL
    finally:
        journal.close()


def test_unresolved_lists_intents_without_a_final_outcome(tmp_path: Path) -> None:
    path = tmp_path / "orders.sqlite3"
    journal = OrderJournal(path)
    for name, at in (("a", 3.0), ("b", 1.0), ("c", 2.0), ("d", 4.0)):
        journal.record(intent(name, at))
    journal.record(JournalOutcome("a", "placed", ((0, 11),)))
    journal.record(JournalOutcome("c", "unknown", detail="HTTP 502"))
    journal.record(JournalOutcome("d", "unknown"))
    journal.record(JournalOutcome("d", "reconciled", ((1, 12),)))  # the last outcome counts
    journal.close()
    reopened = OrderJournal(path)  # what a restarted process sees
    try:
        assert [i.client_order_id for i in reopened.unresolved()] == ["b", "c"]
        assert reopened.intent("b") == intent("b", 1.0)
        assert [o.status for o in reopened.outcomes("d")] == ["unknown", "reconciled"]
        assert reopened.outcomes("d")[-1].order_ids == ((1, 12),)
    finally:
        reopened.close()


def test_a_version_1_file_gains_the_order_counts_and_keeps_its_intents(tmp_path: Path) -> None:
    path = tmp_path / "orders.sqlite3"
    with sqlite3.connect(path) as db:  # a journal written by the SDK before the risk limits
        db.executescript(MIGRATIONS[0])
        db.execute("PRAGMA user_version = 1")
        db.execute("INSERT INTO order_intents VALUES ('old', 'buy', '{\"shares\": 100}', 1.0)")
    journal = OrderJournal(path)
    try:
        assert journal.schema_version == 2
        assert [i.client_order_id for i in journal.unresolved()] == ["old"]
        journal.take_order_slots([0], 1_700_000_000.0, RiskLimits(max_orders_per_day=1), "o", True)
        with pytest.raises(QMTRiskError, match="max_orders_per_day"):
            journal.take_order_slots(
                [0], 1_700_000_001.0, RiskLimits(max_orders_per_day=1), "o", True
            )
    finally:
        journal.close()


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "orders.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(QMTTradeClientError, match="newer"):
        OrderJournal(path)


def test_perform_record_refuses_a_reused_id_before_sending(tmp_path: Path) -> None:
    journal = OrderJournal(tmp_path / "orders.sqlite3")
    try:
        assert perform_record(journal, intent("same")) is None
        error = perform_record(journal, intent("same"))
        assert isinstance(error, QMTValidationError) and error.field == "client_order_id"
        assert perform_record(None, intent("same")) is None  # no journal: nothing to do
    finally:
        journal.close()


def test_a_journal_that_cannot_be_written(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    journal = OrderJournal(tmp_path / "orders.sqlite3")
    journal.record(intent("x"))
    journal.close()  # every write now fails
    error = perform_record(journal, intent("y"))
    assert isinstance(error, QMTTradeClientError) and "nothing was sent" in str(error)
    with caplog.at_level(logging.ERROR, logger="qmt_facade"):
        assert perform_record(journal, JournalOutcome("x", "placed")) is None  # never raised
    assert "reconcile_journal" in caplog.text


def test_intent_is_recorded_before_the_order_is_sent_and_outcome_after() -> None:
    order = plans.validate_order("buy", "000001", 10.0, None, 100, 0, 0, "s")
    plan = plans.place_order(SIGNED, order, "buy", "coid-1")
    first = next(plan)
    assert isinstance(first, Record) and isinstance(first.entry, JournalIntent)
    assert first.entry.client_order_id == "coid-1" and first.entry.request["shares"] == 100
    call = plan.send(None)
    assert isinstance(call, Call) and call.places_order
    assert call.kwargs["body"].strategy_name == "s#coid-1"
    error = QMTValidationError("journal says no", field="f", value=None, rule="r")
    with pytest.raises(QMTValidationError):
        # An intent that could not be written is thrown in at the Record: nothing is sent.
        plan2 = plans.place_order(SIGNED, order, "buy", "coid-2")
        next(plan2)
        plan2.throw(error)


def test_same_client_order_id_twice_in_one_client_is_refused() -> None:
    ctx = ClientContext(signed=True, server_line=ServerLine.MAIN)
    order = plans.validate_order("buy", "000001", 10.0, None, 100, 0, 0, "s")
    next(plans.place_order(ctx, order, "buy", "dup"))
    with pytest.raises(QMTValidationError, match="unique"):
        next(plans.place_order(ctx, order, "buy", "dup"))


def test_what_a_client_remembers_of_its_orders_stays_bounded() -> None:
    recent = RecentSet(limit=3)
    recent.update([(0, 1), (0, 2), (0, 3), (0, 4)])
    assert len(recent) == 3 and (0, 1) not in recent and (0, 4) in recent
