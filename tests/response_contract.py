"""Check every JSON answer the tests receive against the spec's response schemas.

Attached as an httpx response hook to the clients the test fixtures create, so
each simulator response seen in the integration tests is validated against
`openapi/qmt-server.yaml` (route, status code, schema, with no field outside
the schema). Routes outside the spec (the simulator's /sim/* admin routes)
and non-JSON answers are not checked here.

The simulator answers two client mistakes with a status the real server does
not use (qmt_sim/README.md, deviations 2 and 3): 413 for an oversize body and
400 for a JSON login body. Those must still be the spec's ErrorResponse.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
from jsonschema import Draft4Validator
from openapi_support import load_spec, validator_for


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    validators: dict[int, Draft4Validator]


def _path_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}$")


def _json_schema_of(response_spec: dict[str, Any], spec: dict[str, Any]) -> Any | None:
    if "$ref" in response_spec:
        name = response_spec["$ref"].rsplit("/", 1)[-1]
        response_spec = spec["components"]["responses"][name]
    media = response_spec.get("content", {}).get("application/json")
    return media.get("schema") if media else None


@dataclass
class ResponseContract:
    """Validates responses; collects violations for the session's end."""

    routes: list[_Route] = field(default_factory=list)
    error_validator: Draft4Validator | None = None
    checked: int = 0
    violations: list[str] = field(default_factory=list)

    @classmethod
    def from_spec(cls) -> ResponseContract:
        spec = load_spec()
        contract = cls(
            error_validator=validator_for(spec["components"]["schemas"]["ErrorResponse"], spec)
        )
        for path, item in spec["paths"].items():
            for method, operation in item.items():
                validators = {}
                for status, response_spec in operation.get("responses", {}).items():
                    schema = _json_schema_of(response_spec, spec)
                    if schema is not None:
                        validators[int(status)] = validator_for(schema, spec, strict=True)
                contract.routes.append(_Route(method.upper(), _path_pattern(path), validators))
        return contract

    def check(self, response: httpx.Response) -> None:
        """Validate one response whose body has been read."""
        request = response.request
        route = next(
            (
                r
                for r in self.routes
                if r.method == request.method and r.pattern.match(request.url.path)
            ),
            None,
        )
        if route is None or not response.headers.get("content-type", "").startswith(
            "application/json"
        ):
            return
        where = f"{request.method} {request.url.path} -> {response.status_code}"
        validator = route.validators.get(response.status_code)
        if validator is None and self._documented_deviation(request, response.status_code):
            validator = self.error_validator
        if validator is None:
            self.violations.append(f"{where}: status not in the spec")
            return
        self.checked += 1
        body = json.loads(response.content)
        for error in validator.iter_errors(body):
            self.violations.append(f"{where}: {error.message} at {list(error.absolute_path)}")

    @staticmethod
    def _documented_deviation(request: httpx.Request, status: int) -> bool:
        return status == 413 or (status == 400 and request.url.path == "/login")

    def sync_hook(self, response: httpx.Response) -> None:
        response.read()
        self.check(response)

    async def async_hook(self, response: httpx.Response) -> None:
        await response.aread()
        self.check(response)
