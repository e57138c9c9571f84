"""Refuse an HTML file that would load anything from the network when viewed.

    python scripts/check_docs_offline.py FILE

Checks what the markup loads (script, stylesheet, image, frame and media
sources; CSS url() and @import), the asset hosts a page bundle fetches from at
run time, and that Redoc's telemetry is off. Exit status 1 and one line per
problem when the file is not self-contained.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

# Attributes that make the browser fetch something, by tag.
_LOADING_ATTRIBUTES = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "link": ("href",),  # stylesheets, icons, preloads, fonts
    "iframe": ("src",),
    "frame": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
    "image": ("href", "xlink:href"),  # SVG
    "use": ("href", "xlink:href"),  # SVG
}
_REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
_CSS_REMOTE = re.compile(
    r"""url\(\s*['"]?\s*(https?:)?//|@import\s+(url\()?\s*['"]?\s*(https?:)?//""", re.IGNORECASE
)
# Hosts that page bundles fetch assets from at run time (not visible in the markup).
_ASSET_HOSTS = re.compile(
    r"https?://(cdn\.redoc\.ly|cdn\.redocly\.com|fonts\.googleapis\.com|fonts\.gstatic\.com"
    r"|unpkg\.com|cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com)\b",
    re.IGNORECASE,
)
# An inline module script can import its code from elsewhere, too.
_REMOTE_IMPORT = re.compile(
    r"""\bimport\s*(?:[\w*{}\s,]*\bfrom\s*|\(\s*)['"](https?:)?//""", re.IGNORECASE
)
_TELEMETRY_OFF = re.compile(r'__redoc_options\s*=\s*\{[^;]*"disableTelemetry"\s*:\s*true')
_MIN_INLINE_BUNDLE = 100_000  # characters; Redoc's standalone bundle is megabytes


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.inline_script_sizes: list[int] = []
        self._in: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in _LOADING_ATTRIBUTES.get(tag, ()):
                sources = value.split(",") if name == "srcset" else [value]
                if any(_REMOTE.match(source) for source in sources):
                    self.problems.append(f"<{tag} {name}={value!r}> loads from the network")
            if name == "style" and _CSS_REMOTE.search(value):
                self.problems.append(f"<{tag} style=...> loads from the network: {value[:80]!r}")
        if tag in ("script", "style"):
            self._in, self._text = tag, []

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != self._in:
            return
        text = "".join(self._text)
        if tag == "script":
            self.inline_script_sizes.append(len(text))
            if _REMOTE_IMPORT.search(text):
                self.problems.append("an inline <script> imports code from the network")
        elif _CSS_REMOTE.search(text):
            self.problems.append("a <style> block imports or loads from the network")
        self._in = None


def problems(html: str) -> list[str]:
    """Everything that would make `html` reach the network when viewed."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    found = list(collector.problems)
    hosts = sorted({m.group(1).lower() for m in _ASSET_HOSTS.finditer(html)})
    found += [f"fetches assets from {host} at run time" for host in hosts]
    if not any(size >= _MIN_INLINE_BUNDLE for size in collector.inline_script_sizes):
        found.append("no inline script bundle: the page would load its renderer from elsewhere")
    if "__redoc_options" in html and not _TELEMETRY_OFF.search(html):
        found.append("Redoc telemetry is not disabled (disableTelemetry: true)")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {argv[0]} FILE", file=sys.stderr)
        return 2
    path = Path(argv[1])
    found = problems(path.read_text(encoding="utf-8"))
    for problem in found:
        print(f"{path}: {problem}", file=sys.stderr)
    if found:
        return 1
    print(f"{path}: self-contained ({path.stat().st_size // 1024} KiB, no remote sources)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
