"""Every example in the spec must satisfy its schema.

The examples are what other teams read first and what mock servers answer
with; an example that contradicts its schema teaches the wrong wire format.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from jsonschema import Draft4Validator
from openapi_support import (
    SchemaConversionError,
    iter_examples,
    load_spec,
    to_json_schema,
    validator_for,
)

_SPEC = load_spec()
_EXAMPLES = list(iter_examples(_SPEC))


def _errors(validator: Draft4Validator, value: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(value)
    ]


def _component(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def test_examples_are_found() -> None:
    where = {e.where for e in _EXAMPLES}
    # A collector that finds nothing would make every check below pass vacuously.
    assert len(_EXAMPLES) >= 30, sorted(where)
    for expected in (
        "#/components/schemas/OrderOutcome/example",
        "#/components/schemas/TraderResult/example",
        "#/components/schemas/ReverseRepoResponse/example",
        "#/components/schemas/CancelResult/example",
        "#/components/schemas/Order/example",
        "#/components/responses/BadRequest/content/application~1json/examples/badIndex/value",
        "#/components/responses/ServerError/content/application~1json/example",
        "#/paths/~1qmt~1trade~1api~1buy/post/responses/200/content/application~1json/example",
        "#/components/parameters/StockList/schema/example",
        "#/paths/~1login/post/responses/302/headers/Location/schema/example",
    ):
        assert expected in where


@pytest.mark.parametrize("example", _EXAMPLES, ids=lambda e: e.where)
def test_example_matches_its_schema(example: Any) -> None:
    validator = validator_for(example.schema, _SPEC, strict=True)
    assert _errors(validator, example.value) == []


# --- the validator used above must be able to fail ---------------------------------------


def test_validator_rejects_broken_examples() -> None:
    outcome = validator_for(_component("OrderOutcome"), _SPEC)
    good = copy.deepcopy(_SPEC["components"]["schemas"]["OrderOutcome"]["example"])
    assert _errors(outcome, good) == []

    missing_message = {k: v for k, v in good.items() if k != "message"}
    assert _errors(outcome, missing_message)
    assert _errors(outcome, {**good, "success": "true"})  # a string, not a boolean
    assert _errors(outcome, {**good, "order_num": 100.5})  # not an integer
    assert _errors(outcome, {**good, "orderId": 1})  # misspelt key, caught in strict mode

    order = validator_for(_component("Order"), _SPEC)
    good_order = _SPEC["components"]["schemas"]["Order"]["example"]
    assert _errors(order, good_order) == []
    assert _errors(order, {**good_order, "status": 47})  # not an xtquant status
    assert _errors(order, {**good_order, "side": "short"})

    # A bare array is the /orders answer; an object there is wrong.
    orders = validator_for(_component("OrderList"), _SPEC)
    assert _errors(orders, [good_order]) == []
    assert _errors(orders, {"orders": [good_order]})


def test_validator_handles_nullable() -> None:
    result = validator_for(_component("TraderResult"), _SPEC)
    base = {"trader_index": 0, "status": "success"}
    assert _errors(result, {**base, "result": None}) == []  # /trade/allin answers null
    assert _errors(result, base) == []  # absent when status is failed
    assert _errors(result, {**base, "result": "ok"})
    assert _errors(result, {**base, "status": "ok"})

    outcome = validator_for(_component("OrderOutcome"), _SPEC)
    minimal = {"success": False, "message": "x"}
    assert _errors(outcome, {**minimal, "order_result": None}) == []
    assert _errors(outcome, {**minimal, "order_result": {"a": 1}})  # only ever null


def test_converter_refuses_nullable_without_type() -> None:
    document = {"components": {"schemas": {"A": {"type": "string"}}}}
    with pytest.raises(SchemaConversionError):
        to_json_schema({"allOf": [_component("A")], "nullable": True}, document)
    converted = to_json_schema({"type": "string", "nullable": True}, document)
    assert converted == {"type": ["string", "null"]}
