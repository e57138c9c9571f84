#!/usr/bin/env bash
# Lint an OpenAPI document with the pinned Redocly CLI and Spectral CLI.
#   scripts/lint-spec.sh SPEC      e.g. scripts/lint-spec.sh openapi/qmt-server.yaml
#
# Both CLIs are pinned in tools/spec-lint/package.json and
# tools/spec-lint/package-lock.json and installed with `npm ci` into
# tools/spec-lint/node_modules (git-ignored) when missing or stale. The rules
# are in tools/spec-lint/redocly.yaml (Redocly `recommended`) and
# tools/spec-lint/spectral.yaml (`spectral:oas`). Any problem of any severity
# fails the run: errors, warnings, infos, hints, and problems hidden by an
# ignore file alike.
set -euo pipefail

spec=${1:?usage: lint-spec.sh SPEC}
if [ ! -f "$spec" ]; then
    echo "error: no such file: $spec" >&2
    exit 2
fi
spec=$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")

root=$(cd "$(dirname "$0")/.." && pwd)
tool="$root/tools/spec-lint"
redocly="$tool/node_modules/@redocly/cli/bin/cli.js"
spectral="$tool/node_modules/@stoplight/spectral-cli/dist/index.js"

"$root/scripts/npm-ci-if-stale.sh" "$tool"

# No telemetry and no update check: CI must not depend on anything but the registry.
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true

report=$(mktemp)
trap 'rm -f "$report"' EXIT
failed=0

# --- Redocly: count every problem from the JSON report; "unknown" if the CLI
# crashed before writing it.
set +e
node "$redocly" lint --config "$tool/redocly.yaml" --lint-config=error --format=json "$spec" \
    >"$report" 2>/dev/null
status=$?
set -e
problems=$(node -e "
const r = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
const t = r.totals || {};
console.log((t.errors || 0) + (t.warnings || 0) + (t.ignored || 0));
" "$report" 2>/dev/null || echo unknown)
if [ "$status" = 0 ] && [ "$problems" = 0 ]; then
    echo "redocly lint: clean (recommended, tools/spec-lint/redocly.yaml)"
else
    node "$redocly" lint --config "$tool/redocly.yaml" --lint-config=error --format=stylish "$spec" >&2 || true
    echo "error: redocly lint found problems (problems: $problems, exit status: $status)" >&2
    failed=1
fi

# --- Spectral: the JSON report is an array with one entry per problem.
set +e
node "$spectral" lint --ruleset "$tool/spectral.yaml" --fail-severity=hint --format=json \
    --output="$report" "$spec" >/dev/null 2>&1
status=$?
set -e
problems=$(node -e "
console.log(JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')).length);
" "$report" 2>/dev/null || echo unknown)
if [ "$status" = 0 ] && [ "$problems" = 0 ]; then
    echo "spectral lint: clean (spectral:oas, tools/spec-lint/spectral.yaml)"
else
    node "$spectral" lint --ruleset "$tool/spectral.yaml" --fail-severity=hint "$spec" >&2 || true
    echo "error: spectral lint found problems (problems: $problems, exit status: $status)" >&2
    failed=1
fi

exit "$failed"
