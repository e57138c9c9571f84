"""Client order ids and their tag inside strategy_name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qmt_facade.client_order_id import (
    MAX_CLIENT_ORDER_ID_LENGTH,
    STRATEGY_NAME_MAX_BYTES,
    new_client_order_id,
    split_strategy_name,
    tag_strategy_name,
    validate_client_order_id,
)
from qmt_facade.errors import QMTValidationError
from qmt_facade.records import Order
from qmt_server_client import models as wire

ids = st.text("ABCxyz019_-", min_size=1, max_size=MAX_CLIENT_ORDER_ID_LENGTH)
names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)


def test_generated_ids_are_short_url_safe_and_unique() -> None:
    made = {new_client_order_id() for _ in range(5000)}
    assert len(made) == 5000
    for value in made:
        assert len(value) == 8 and validate_client_order_id(value) == value


def test_the_default_name_fits_whole_with_a_generated_id() -> None:
    tagged = tag_strategy_name("客户端交易", "Ab3_-x9Z")
    assert tagged == "客户端交易#Ab3_-x9Z"
    assert len(tagged.encode("utf-8")) == STRATEGY_NAME_MAX_BYTES


def test_long_names_are_cut_at_a_character_boundary_and_the_tag_kept() -> None:
    tagged = tag_strategy_name("一个非常非常长的中文策略名称", "Ab3_-x9Z")
    assert tagged == "一个非常非#Ab3_-x9Z"  # 15 bytes of name: five characters, none split
    assert split_strategy_name(tagged) == ("一个非常非", "Ab3_-x9Z")


@given(names, ids)
def test_tag_always_fits_and_splits_back(name: str, client_order_id: str) -> None:
    tagged = tag_strategy_name(name, client_order_id)
    assert len(tagged.encode("utf-8")) <= STRATEGY_NAME_MAX_BYTES
    kept, found = split_strategy_name(tagged)
    assert found == client_order_id and name.startswith(kept)


@pytest.mark.parametrize("untagged", ["外部策略", "quant_1001", "", "Web界面", "a#b c"])
def test_untagged_names_have_no_id(untagged: str) -> None:
    assert split_strategy_name(untagged) == (untagged, None)


@pytest.mark.parametrize(
    "bad", ["", "has space", "x" * (MAX_CLIENT_ORDER_ID_LENGTH + 1), "a/b", "订单1", 123, None]
)
def test_bad_ids_are_refused(bad: object) -> None:
    with pytest.raises(QMTValidationError) as info:
        validate_client_order_id(bad)
    assert info.value.field == "client_order_id" and "A-Z a-z 0-9 _ -" in str(info.value)


def test_order_records_split_the_tag_off() -> None:
    data = {
        "order_id": 3,
        "symbol": "000001.SZ",
        "side": "buy",
        "status": 50,
        "m_status": "已报",
        "volume": 100,
        "time": 1,
        "price": 10.0,
        "price_type": 0,
        "traded_volume": 0,
        "traded_price": 0.0,
        "strategy_name": "我的策略#k2-x",
    }
    order = Order.from_wire(wire.Order.from_dict(data))
    assert (order.strategy_name, order.client_order_id) == ("我的策略", "k2-x")
    assert order["client_order_id"] == "k2-x" and "client_order_id" in order
    foreign = Order.from_wire(wire.Order.from_dict({**data, "strategy_name": "quant_1001"}))
    assert (foreign.strategy_name, foreign.client_order_id) == ("quant_1001", None)
