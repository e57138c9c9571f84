#!/usr/bin/env bash
# Generate clients/typescript/src/schema.ts from openapi/qmt-server.yaml with
# the openapi-typescript pinned in clients/typescript/package-lock.json.
#   scripts/generate-ts-types.sh          regenerate in place
#   scripts/generate-ts-types.sh --check  generate elsewhere, fail if the committed file differs
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
if [ "${1:-}" = "--check" ]; then check=1; fi

client=clients/typescript
dest=$client/src/schema.ts
scripts/npm-ci-if-stale.sh "$client"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$client/node_modules/.bin/openapi-typescript" openapi/qmt-server.yaml --output "$tmp/schema.ts" \
    >/dev/null 2>"$tmp/log" || { cat "$tmp/log" >&2; exit 1; }

if [ "$check" = 1 ]; then
    scripts/sync-generated.sh --check "$tmp/schema.ts" "$dest"
else
    scripts/sync-generated.sh "$tmp/schema.ts" "$dest"
fi
