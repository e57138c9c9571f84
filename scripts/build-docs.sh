#!/usr/bin/env bash
# Build the spec's HTML reference as ONE self-contained file that needs no
# network to view: Redoc's bundle inlined, its telemetry off, no remote logo,
# script, stylesheet or font.
#   scripts/build-docs.sh SPEC OUT      e.g. scripts/build-docs.sh openapi/qmt-server.yaml build/docs/qmt-server.html
#
# Uses the Redocly CLI pinned in tools/spec-lint; scripts/check_docs_offline.py
# then refuses the file if anything in it would still load from elsewhere.
set -euo pipefail

spec=${1:?usage: build-docs.sh SPEC OUT}
out=${2:?usage: build-docs.sh SPEC OUT}
root=$(cd "$(dirname "$0")/.." && pwd)
tool="$root/tools/spec-lint"

"$root/scripts/npm-ci-if-stale.sh" "$tool"

# Telemetry off: the CLI sends none, and the page is built with disableTelemetry.
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true

mkdir -p "$(dirname "$out")"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
node "$tool/node_modules/@redocly/cli/bin/cli.js" build-docs "$spec" \
    --config "$tool/redocly.yaml" --inlineBundle --output "$tmp" >/dev/null 2>&1 \
    || node "$tool/node_modules/@redocly/cli/bin/cli.js" build-docs "$spec" \
        --config "$tool/redocly.yaml" --inlineBundle --output "$tmp"

# The inlined bundle still builds a few asset URLs on Redocly's CDN at view
# time (its "API docs by Redocly" logo, icon sets this spec does not use).
# Point them at an empty data: URL: nothing is fetched, and the logo's own
# error handler hides it.
node -e '
const fs = require("fs");
const [file, out] = process.argv.slice(1);
const html = fs.readFileSync(file, "utf8");
fs.writeFileSync(out, html.replace(/https:\/\/cdn\.(?:redoc\.ly|redocly\.com)\/[^`"\x27\s)]*/g, "data:,"));
' "$tmp" "$out"

"$root/.venv/bin/python" "$root/scripts/check_docs_offline.py" "$out"
