#!/usr/bin/env bash
# Lint an OpenAPI document with the pinned Redocly CLI.
#   scripts/lint-spec.sh SPEC      e.g. scripts/lint-spec.sh openapi/qmt-server.yaml
#
# The CLI version is pinned in tools/spec-lint/package.json and
# tools/spec-lint/package-lock.json; it is installed with `npm ci` into
# tools/spec-lint/node_modules (git-ignored) when missing or stale. The rules
# are in tools/spec-lint/redocly.yaml. Any problem fails the run: errors,
# warnings, and problems hidden by an ignore file alike.
set -euo pipefail

spec=${1:?usage: lint-spec.sh SPEC}
if [ ! -f "$spec" ]; then
    echo "error: no such file: $spec" >&2
    exit 2
fi
spec=$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")

root=$(cd "$(dirname "$0")/.." && pwd)
tool="$root/tools/spec-lint"
config="$tool/redocly.yaml"
cli="$tool/node_modules/@redocly/cli/bin/cli.js"

for cmd in node npm; do
    if ! command -v "$cmd" >/dev/null 2>&1; then
        echo "error: '$cmd' not found; install Node.js (^20.19 or >=22.12) with npm" >&2
        exit 2
    fi
done

# The version pinned in package.json, and the one installed (empty if none).
pinned=$(node -p 'require(process.argv[1]).devDependencies["@redocly/cli"]' "$tool/package.json")
installed=$(node -p 'try { require(process.argv[1]).version } catch (e) { "" }' \
    "$tool/node_modules/@redocly/cli/package.json")
if [ "$installed" != "$pinned" ]; then
    echo "installing @redocly/cli $pinned into tools/spec-lint/node_modules (npm ci)" >&2
    (cd "$tool" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
fi

# No telemetry and no update check: CI must not depend on anything but the registry.
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true

report=$(mktemp)
trap 'rm -f "$report"' EXIT

set +e
node "$cli" lint --config "$config" --lint-config=error --format=json "$spec" >"$report" 2>/dev/null
status=$?
set -e

# Count every problem from the JSON report; fall back to the exit status if
# the report is unreadable (e.g. the CLI crashed before writing it).
problems=$(node -e "
const r = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
const t = r.totals || {};
console.log((t.errors || 0) + (t.warnings || 0) + (t.ignored || 0));
" "$report" 2>/dev/null || echo unknown)

if [ "$status" = 0 ] && [ "$problems" = 0 ]; then
    echo "redocly lint: $spec is clean (@redocly/cli $pinned, config tools/spec-lint/redocly.yaml)"
    exit 0
fi

# Show the problems in readable form (problems hidden by an ignore file count too).
node "$cli" lint --config "$config" --lint-config=error --format=stylish "$spec" >&2 || true
echo "error: redocly lint found problems in $spec (problems: $problems, exit status: $status)" >&2
exit 1
