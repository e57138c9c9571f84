"""The spec reads well in other teams' tools: openapi-typescript and Redoc.

Each rule here comes from something that went wrong when a TypeScript team
generated a client from the spec and read it as rendered documentation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from openapi_support import load_spec, resolve_pointer

_SPEC = load_spec()
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _walk(node: Any, where: str = "#") -> Iterator[tuple[str, Any]]:
    yield where, node
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _walk(child, f"{where}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _walk(child, f"{where}/{index}")


def _texts(key: str) -> list[tuple[str, str]]:
    """Every string value of `key` in the spec (summaries, descriptions), with where it is."""
    return [
        (where, node[key])
        for where, node in _walk(_SPEC)
        if isinstance(node, dict) and isinstance(node.get(key), str)
    ]


def _request_schemas() -> dict[str, dict[str, Any]]:
    """Every schema that is a request body, by where it is used."""
    found = {}
    for path, item in _SPEC["paths"].items():
        for method in _METHODS:
            body = item.get(method, {}).get("requestBody")
            if not body:
                continue
            for media in body["content"].values():
                schema = media["schema"]
                if "$ref" in schema:
                    schema = resolve_pointer(_SPEC, schema["$ref"])
                found[f"{method} {path}"] = schema
    return found


_REQUESTS = _request_schemas()


def test_request_schemas_are_found() -> None:
    assert len(_REQUESTS) >= 12, sorted(_REQUESTS)


@pytest.mark.parametrize("where", sorted(_REQUESTS))
def test_request_properties_have_no_default(where: str) -> None:
    # openapi-typescript makes a property with a `default` required (it assumes
    # the server fills it in), so callers would have to send what the server
    # defaults. The default is said in the description instead.
    schema = _REQUESTS[where]
    with_default = [
        name
        for name, prop in schema.get("properties", {}).items()
        if "default" in (resolve_pointer(_SPEC, prop["$ref"]) if "$ref" in prop else prop)
    ]
    assert with_default == []


@pytest.mark.parametrize("where", sorted(_REQUESTS))
def test_request_numbers_say_whether_they_are_floats(where: str) -> None:
    # The signature covers numbers in the form they were sent (`10` vs `10.0`),
    # so a request number is either a float (`format: double`) or an integer.
    for name, prop in _REQUESTS[where].get("properties", {}).items():
        if prop.get("type") == "number":
            assert prop.get("format") == "double", f"{where}: {name}"


def test_always_null_values_are_not_objects() -> None:
    # `type: object` with `enum: [null]` becomes `never | null` in openapi-typescript.
    bad = [
        where
        for where, node in _walk(_SPEC)
        if isinstance(node, dict) and node.get("enum") == [None] and node.get("type") == "object"
    ]
    assert bad == []


@pytest.mark.parametrize("name", ["PriceType", "OrderStatus"])
def test_integer_enums_have_names(name: str) -> None:
    schema = _SPEC["components"]["schemas"][name]
    names = schema["x-enum-varnames"]
    assert len(names) == len(schema["enum"])
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", n) for n in names)
    assert len(set(names)) == len(names)


def test_summaries_have_no_markdown() -> None:
    # Redoc shows summaries as plain text: backticks appear as they are.
    summaries = _texts("summary")
    assert len(summaries) > 20
    assert [(w, s) for w, s in summaries if "`" in s or "**" in s] == []


def _indented_code_lines(markdown: str) -> list[str]:
    """Lines CommonMark would render as an indented code block (outside fences)."""
    found = []
    in_fence = False
    previous_blank = True
    in_list = False
    for line in markdown.split("\n"):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        elif not in_fence:
            if re.match(r"\s*([-*+]|\d+\.) ", line):
                in_list = True
            elif not line.strip():
                pass
            elif not line.startswith(" "):
                in_list = False
            if line.startswith("    ") and line.strip() and previous_blank and not in_list:
                found.append(line)
        previous_blank = not line.strip()
    return found


def test_detector_finds_indented_code() -> None:
    assert _indented_code_lines("text\n\n    code\n") == ["    code"]
    assert _indented_code_lines("text\n\n```text\n    fenced\n```\n") == []
    assert _indented_code_lines("- item\n  continued\n") == []


def test_descriptions_use_fenced_code_blocks() -> None:
    # Redoc renders an indented block inside a description as prose.
    descriptions = _texts("description")
    assert len(descriptions) > 50
    bad = [(w, line) for w, text in descriptions for line in _indented_code_lines(text)]
    assert bad == []
