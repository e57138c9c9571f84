"""Helpers for the tests: load the spec, turn its schemas into JSON Schema, find its examples.

OpenAPI 3.0 schemas are close to JSON Schema draft 4 with a few differences
that matter for validating examples:

* `$ref` points into the OpenAPI document (`#/components/schemas/...`), so
  references are resolved (inlined) against the whole document;
* `nullable: true` adds null to the allowed values. Following OpenAPI 3.0.3 it
  only means something next to `type`; a `nullable` without `type` is refused
  here, as Redocly's `nullable-type-sibling` rule does. With an `enum`, null
  must be listed in it to be valid (the enum is left as written);
* OpenAPI-only keywords (`example`, `discriminator`, `readOnly`, `x-...`) are
  dropped.

With `strict=True`, an object schema that lists `properties` and says nothing
about `additionalProperties` gets `additionalProperties: false`, so that a
misspelt key in an example is caught. (Schemas that combine objects with
`allOf` would need the open form; this spec uses none.)
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft4Validator

REPO_ROOT = Path(__file__).resolve().parents[1]
SPEC_PATH = REPO_ROOT / "openapi" / "qmt-server.yaml"


@cache
def _read_spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_spec() -> dict[str, Any]:
    """The parsed spec (read once per test session); every caller gets its own copy."""
    return copy.deepcopy(_read_spec())


# Keywords that exist only in OpenAPI schema objects.
_OPENAPI_ONLY = {
    "example",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "deprecated",
    "nullable",
}
# Keywords whose value is one schema or a list of schemas.
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SUBSCHEMA_SINGLE = ("not", "items")


class SchemaConversionError(ValueError):
    """The OpenAPI schema cannot be turned into JSON Schema faithfully."""


def resolve_pointer(document: dict[str, Any], ref: str) -> Any:
    """Follow a local JSON reference (`#/a/b`) inside `document`."""
    if not ref.startswith("#/"):
        raise SchemaConversionError(f"only local references are supported: {ref}")
    node: Any = document
    for raw in ref[2:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise SchemaConversionError(f"unresolvable reference: {ref}")
        node = node[part]
    return node


def to_json_schema(
    schema: Any,
    document: dict[str, Any],
    *,
    strict: bool = False,
    _seen: tuple[str, ...] = (),
) -> Any:
    """Return `schema` (an OpenAPI 3.0 schema object) as a self-contained JSON Schema."""
    if not isinstance(schema, dict):
        raise SchemaConversionError(f"a schema must be an object, got {schema!r}")

    if "$ref" in schema:
        ref = schema["$ref"]
        if ref in _seen:
            raise SchemaConversionError(f"recursive reference: {' -> '.join((*_seen, ref))}")
        target = resolve_pointer(document, ref)
        # In OpenAPI 3.0 the siblings of `$ref` are ignored.
        return to_json_schema(target, document, strict=strict, _seen=(*_seen, ref))

    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _OPENAPI_ONLY or key.startswith("x-"):
            continue
        if key == "properties":
            out[key] = {
                name: to_json_schema(sub, document, strict=strict, _seen=_seen)
                for name, sub in value.items()
            }
        elif key in _SUBSCHEMA_LISTS:
            out[key] = [to_json_schema(sub, document, strict=strict, _seen=_seen) for sub in value]
        elif key in _SUBSCHEMA_SINGLE or (
            key == "additionalProperties" and isinstance(value, dict)
        ):
            out[key] = to_json_schema(value, document, strict=strict, _seen=_seen)
        else:
            out[key] = value

    if schema.get("nullable") is True:
        if "type" not in schema:
            raise SchemaConversionError(
                f"`nullable: true` without `type` has no effect in OpenAPI 3.0.3: {sorted(schema)}"
            )
        out["type"] = [schema["type"], "null"]

    if (
        strict
        and "properties" in out
        and "additionalProperties" not in out
        and schema.get("type", "object") == "object"
    ):
        out["additionalProperties"] = False
    return out


def validator_for(schema: Any, document: dict[str, Any], *, strict: bool = True) -> Draft4Validator:
    """A draft-4 validator for an OpenAPI schema, after checking the converted schema itself."""
    converted = to_json_schema(schema, document, strict=strict)
    Draft4Validator.check_schema(converted)
    return Draft4Validator(converted)


@dataclass(frozen=True)
class FoundExample:
    """One example of the spec, the schema it must satisfy, and where it was found."""

    where: str
    value: Any
    schema: Any


def _pointer(parts: tuple[str, ...]) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _schema_examples(schema: Any, parts: tuple[str, ...]) -> Iterator[FoundExample]:
    """Examples written on a schema object and on its inline sub-schemas."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return  # a referenced schema is visited where it is defined
    if "example" in schema:
        yield FoundExample(_pointer((*parts, "example")), schema["example"], schema)
    for name, sub in (schema.get("properties") or {}).items():
        yield from _schema_examples(sub, (*parts, "properties", name))
    for key in _SUBSCHEMA_LISTS:
        for i, sub in enumerate(schema.get(key) or []):
            yield from _schema_examples(sub, (*parts, key, str(i)))
    for key in (*_SUBSCHEMA_SINGLE, "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from _schema_examples(schema[key], (*parts, key))


def _holder_examples(
    holder: dict[str, Any], parts: tuple[str, ...], document: dict[str, Any]
) -> Iterator[FoundExample]:
    """`example` / `examples` of a media type, parameter or header, checked against its `schema`."""
    schema = holder.get("schema")
    if schema is None:
        return
    if "example" in holder:
        yield FoundExample(_pointer((*parts, "example")), holder["example"], schema)
    for name, entry in (holder.get("examples") or {}).items():
        if "$ref" in entry:
            entry = resolve_pointer(document, entry["$ref"])
        if "value" in entry:
            yield FoundExample(
                _pointer((*parts, "examples", name, "value")), entry["value"], schema
            )


def iter_examples(document: dict[str, Any]) -> Iterator[FoundExample]:
    """Every example of the document: on schemas, media types, parameters and headers."""
    for name, schema in (document.get("components", {}).get("schemas") or {}).items():
        yield from _schema_examples(schema, ("components", "schemas", name))

    def walk(node: Any, parts: tuple[str, ...]) -> Iterator[FoundExample]:
        if isinstance(node, dict):
            if "schema" in node and isinstance(node["schema"], dict):
                yield from _holder_examples(node, parts, document)
                yield from _schema_examples(node["schema"], (*parts, "schema"))
            for key, value in node.items():
                if key in ("schema", "example", "examples"):
                    continue
                if parts == ("components",) and key == "schemas":
                    continue  # done above
                yield from walk(value, (*parts, str(key)))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, (*parts, str(i)))

    yield from walk(document, ())
