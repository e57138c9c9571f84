"""`qmt`: the command line for operators, a user of the public qmt_facade API.

Built with typer and rich (click underneath: recent typer carries its own
copy, so nothing here imports click itself). typer because the commands are typed
functions: the options come from the signatures, mypy checks the bodies,
and click underneath gives the usage errors (exit 2), prompts and the test
runner. rich draws the tables (wide Chinese characters measured right) and
works in Windows terminals.

    qmt --help
    qmt accounts
    qmt buy 000001 --price 10.5 --shares 100 -i 0
"""

from __future__ import annotations

import codecs
import io
import sys

from qmt_facade.cli.app import app
from qmt_facade.cli.exit_codes import ExitCode

__all__ = ["ExitCode", "app", "main"]


def _utf8_when_redirected() -> None:
    """Write UTF-8 into pipes and files, whatever the locale's code page.

    A Windows pipe defaults to the ANSI code page (cp1252 on an English
    system), which cannot encode 账户 and would crash `qmt orders > file`.
    A console needs nothing: Python writes to it in Unicode.
    """
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper) or stream.isatty():
            continue
        if codecs.lookup(stream.encoding).name != "utf-8":
            stream.reconfigure(encoding="utf-8")


def main() -> None:
    """The console script's entry point."""
    _utf8_when_redirected()
    app(prog_name="qmt")
