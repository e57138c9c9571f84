#!/usr/bin/env bash
# Install a folder's pinned npm packages with `npm ci` when node_modules is
# missing or does not match package-lock.json.
#   scripts/npm-ci-if-stale.sh DIR     e.g. scripts/npm-ci-if-stale.sh tools/spec-lint
#
# npm ci records what it installed in node_modules/.package-lock.json; when
# that file's packages equal the lock file's, the install is current. Install
# scripts are not run (none of the pinned tools needs one; some only send
# telemetry).
set -euo pipefail

dir=$(cd "${1:?usage: npm-ci-if-stale.sh DIR}" && pwd)
for cmd in node npm; do
    if ! command -v "$cmd" >/dev/null 2>&1; then
        echo "error: '$cmd' not found; install Node.js (^20.19 or >=22.12) with npm" >&2
        exit 2
    fi
done

current=$(node -e "
const fs = require('fs');
const read = (f) => JSON.parse(fs.readFileSync(f, 'utf8')).packages || {};
try {
  const want = read(process.argv[1] + '/package-lock.json');
  const have = read(process.argv[1] + '/node_modules/.package-lock.json');
  // Optional packages for other platforms (fsevents) are never installed.
  const same =
    Object.keys(have).every((k) => want[k] && want[k].version === have[k].version) &&
    Object.keys(want).every((k) => k === '' || have[k] || want[k].optional);
  console.log(same ? 'yes' : 'no');
} catch (e) { console.log('no'); }
" "$dir")
if [ "$current" != yes ]; then
    echo "npm ci in ${dir#"$PWD"/} (node_modules missing or stale)" >&2
    (cd "$dir" && SCARF_ANALYTICS=false npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
fi
