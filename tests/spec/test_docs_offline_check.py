"""scripts/check_docs_offline.py, which `make docs` runs on the built reference, must catch
every way a page can reach the network, and pass a self-contained page."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pytest
from openapi_support import REPO_ROOT


def _load_checker() -> ModuleType:
    path = REPO_ROOT / "scripts" / "check_docs_offline.py"
    spec = importlib.util.spec_from_file_location("check_docs_offline", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


checker = _load_checker()

BUNDLE = "<script>" + "var x = 1;" * 20_000 + "</script>"
OPTIONS = '<script>const __redoc_options = {"skipBundle":true,"disableTelemetry":true};</script>'


def _page(head: str = "", body: str = "", bundle: str = BUNDLE, options: str = OPTIONS) -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}{bundle}{options}</body></html>"


def test_self_contained_page_passes() -> None:
    page = _page(
        head='<style>body { background: url("data:image/png;base64,AAAA") }</style>',
        body='<a href="https://example.com/docs">a link is not a load</a><img src="data:,">',
    )
    assert checker.problems(page) == []


@pytest.mark.parametrize(
    "markup",
    [
        '<script src="https://cdn.example.com/redoc.js"></script>',
        '<link rel="stylesheet" href="https://fonts.example.com/css">',
        '<link rel="modulepreload" href="//cdn.example.com/x.js">',
        '<img src="http://example.com/logo.svg">',
        '<img srcset="logo.png 1x, https://example.com/logo@2x.png 2x">',
        '<style>@import url("https://example.com/a.css");</style>',
        "<style>.a { background: url(https://example.com/bg.png) }</style>",
        "<div style=\"background-image: url('//example.com/bg.png')\"></div>",
        '<script type="module">import { hydrate } from "https://cdn.example.com/r.js";</script>',
        "<script>const logo = `https://cdn.redoc.ly/redoc/logo-mini.svg`;</script>",
        '<iframe src="https://example.com/"></iframe>',
    ],
)
def test_every_remote_load_is_caught(markup: str) -> None:
    assert len(checker.problems(_page(body=markup))) == 1


def test_missing_inline_bundle_is_caught() -> None:
    assert checker.problems(_page(bundle="<script>hydrate()</script>")) != []


def test_telemetry_left_on_is_caught() -> None:
    options = '<script>const __redoc_options = {"disableTelemetry":false};</script>'
    assert checker.problems(_page(options=options)) != []
