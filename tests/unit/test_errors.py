"""Tests for qmt_facade.errors."""

from __future__ import annotations

import pytest

from qmt_facade.errors import (
    AUTH_FAILED_TEXT,
    CONNECTION_FAILED_TEXT,
    QMTAPIError,
    QMTAuthenticationError,
    QMTConnectionError,
    QMTNotFoundError,
    QMTOrderRejectedError,
    QMTTimeoutError,
    QMTTradeClientError,
    QMTValidationError,
    safe_url,
)


def test_manual_texts_are_verbatim() -> None:
    assert AUTH_FAILED_TEXT == "认证失败，请检查登录状态或API密钥"
    assert CONNECTION_FAILED_TEXT == "连接失败，请检查服务器地址"


@pytest.mark.parametrize(
    ("cls", "bases"),
    [
        (QMTAuthenticationError, (QMTTradeClientError,)),
        (QMTAPIError, (QMTTradeClientError,)),
        (QMTConnectionError, (QMTAPIError, QMTTradeClientError)),
        (QMTTimeoutError, (QMTConnectionError, QMTAPIError)),
        (QMTNotFoundError, (QMTAPIError,)),
        (QMTOrderRejectedError, (QMTAPIError,)),
        (QMTValidationError, (QMTTradeClientError, ValueError)),
    ],
)
def test_hierarchy(cls: type[Exception], bases: tuple[type[Exception], ...]) -> None:
    for base in bases:
        assert issubclass(cls, base)


def test_auth_error_is_an_api_error_but_not_the_reverse() -> None:
    # The manual's error-handling example calls buy() without credentials
    # inside `except QMTAPIError`, so an auth failure must be caught there;
    # `except QMTAuthenticationError` still singles it out.
    assert issubclass(QMTAuthenticationError, QMTAPIError)
    assert not issubclass(QMTAPIError, QMTAuthenticationError)
    assert not issubclass(QMTAPIError, ValueError)
    error = QMTAuthenticationError("get_orders", status_code=401, error="签名验证失败")
    assert (error.status_code, error.error) == (401, "签名验证失败")


def test_authentication_error_message_and_attributes() -> None:
    err = QMTAuthenticationError(
        status_code=401, error="签名验证失败", method="post", path="/qmt/trade/api/outer/trade/buy"
    )
    message = str(err)
    assert message.startswith(AUTH_FAILED_TEXT + ": ")
    assert "签名验证失败" in message
    assert "POST /qmt/trade/api/outer/trade/buy" in message
    assert "HTTP 401" in message
    assert (err.status_code, err.error) == (401, "签名验证失败")
    assert str(QMTAuthenticationError()) == AUTH_FAILED_TEXT
    assert (
        str(QMTAuthenticationError("用户名或密码错误")) == f"{AUTH_FAILED_TEXT}: 用户名或密码错误"
    )


def test_api_error_describes_itself_from_parts() -> None:
    err = QMTAPIError(
        status_code=500,
        error="接口异常: get_order",
        server_message="order 99 not found",
        method="POST",
        path="/qmt/trade/api/order",
    )
    assert str(err) == (
        "POST /qmt/trade/api/order -> HTTP 500: 接口异常: get_order | order 99 not found"
    )
    assert err.status_code == 500
    assert err.error == "接口异常: get_order"
    assert err.server_message == "order 99 not found"
    assert (err.method, err.path) == ("POST", "/qmt/trade/api/order")


def test_api_error_explicit_message_wins() -> None:
    err = QMTAPIError("custom", status_code=400, error="e")
    assert str(err) == "custom" and err.error == "e"
    assert str(QMTAPIError()) == "request"


def test_not_found_keeps_fields() -> None:
    err = QMTNotFoundError(status_code=404, method="GET", path="/qmt/trade/api/nope")
    assert str(err) == "GET /qmt/trade/api/nope -> HTTP 404"
    assert isinstance(err, QMTAPIError)


def test_connection_error_names_base_url() -> None:
    err = QMTConnectionError(
        "http://127.0.0.1:1", "ConnectError: refused", method="GET", path="/qmt/trade/api/accounts"
    )
    assert str(err) == (
        "连接失败，请检查服务器地址: http://127.0.0.1:1 "
        "(GET /qmt/trade/api/accounts; ConnectError: refused)"
    )
    assert err.base_url == "http://127.0.0.1:1"
    assert err.status_code is None
    assert str(QMTConnectionError("http://h:9091")) == f"{CONNECTION_FAILED_TEXT}: http://h:9091"


def test_timeout_error_is_a_connection_error_with_same_prefix() -> None:
    err = QMTTimeoutError("http://h:9091", "read timeout after 30 s")
    assert str(err).startswith(CONNECTION_FAILED_TEXT + ": http://h:9091")
    with pytest.raises(QMTConnectionError):
        raise err


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://admin:hunter2@h:9091/base", "http://h:9091/base"),
        ("http://h:9091/?client_id=a&client_secret=hunter2", "http://h:9091/"),
        ("https://h/#frag-hunter2", "https://h/"),
        ("http://[::1]:9091", "http://[::1]:9091"),
        ("http://h:notaport", "http://h"),
    ],
)
def test_safe_url_strips_credentials(url: str, expected: str) -> None:
    assert safe_url(url) == expected
    assert "hunter2" not in str(QMTConnectionError(url))


def test_order_rejected_carries_outcomes() -> None:
    outcomes = [
        {"trader_index": 0, "result": {"success": False, "message": "资金不足"}},
        {"trader_index": 1, "result": None, "status": "failed"},
    ]
    err = QMTOrderRejectedError(
        "no account placed an order",
        outcomes,
        server_message="交易执行完成",
        method="POST",
        path="/qmt/trade/api/outer/trade/buy",
    )
    assert list(err.outcomes) == outcomes
    outcomes.clear()  # the error keeps its own copy
    assert len(err.outcomes) == 2
    assert err.status_code == 200
    assert err.server_message == "交易执行完成"
    assert str(err) == "no account placed an order"


def test_validation_error_fields() -> None:
    err = QMTValidationError("bad", field="price", value=-1, rule="> 0")
    assert (err.field, err.value, err.rule, str(err)) == ("price", -1, "> 0", "bad")
    with pytest.raises(ValueError):
        raise err
