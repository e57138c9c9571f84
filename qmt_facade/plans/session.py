"""Form login and logout (the cookie session)."""

from __future__ import annotations

from qmt_facade.errors import QMTAPIError, QMTAuthenticationError, QMTValidationError
from qmt_facade.plans.steps import Call, Plan
from qmt_server_client import models as wire
from qmt_server_client.api.session import login as login_route
from qmt_server_client.api.session import logout as logout_route

# The failure page of POST /login contains this text (server-protocol.md).
LOGIN_FAILED_MARKER = "用户名或密码错误"


def _credential_problem(value: object) -> str | None:
    """Why ``value`` cannot be sent as a login form field, or None."""
    if not isinstance(value, str) or not value:
        return "must be a non-empty str"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode text (it holds a lone surrogate)"
    return None


def login(username: str, password: str) -> Plan[bool]:
    for name, value in (("username", username), ("password", password)):
        rule = _credential_problem(value)
        if rule is not None:
            shown = "***" if name == "password" else repr(value)
            raise QMTValidationError(
                f"{name}={shown}: {rule}",
                field=name,
                value=None if name == "password" else value,
                rule=rule,
            )
    response = yield Call(
        login_route,
        {"body": wire.LoginForm(username=username, password=password)},
        "login",
        raw=True,
    )
    if response.status_code == 302:
        return True
    text = response.content.decode("utf-8", "replace")
    if response.status_code == 200 and LOGIN_FAILED_MARKER in text:
        raise QMTAuthenticationError(f"{LOGIN_FAILED_MARKER} (username={username!r})")
    raise QMTAPIError(
        f"login: unexpected HTTP {response.status_code} from POST /login",
        status_code=int(response.status_code),
    )


def logout() -> Plan[bool]:
    yield Call(logout_route, {}, "logout", raw=True)
    return True
