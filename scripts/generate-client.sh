#!/usr/bin/env bash
# Generate the openapi-python-client package from openapi/qmt-server.yaml.
#   scripts/generate-client.sh DEST          regenerate DEST in place
#   scripts/generate-client.sh --check DEST  generate elsewhere, fail if DEST differs
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
dest=${1:?usage: generate-client.sh [--check] DEST}
bin=.venv/bin
export PATH="$PWD/$bin:$PATH"   # the post hooks call the pinned ruff

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin/openapi-python-client" generate \
    --path openapi/qmt-server.yaml \
    --config openapi/generator-config.yaml \
    --meta none \
    --fail-on-warning \
    --output-path "$tmp/pkg" >/dev/null
rm -rf "$tmp/pkg/.ruff_cache"

if [ "$check" = 1 ]; then
    scripts/sync-generated.sh --check "$tmp/pkg" "$dest"
else
    scripts/sync-generated.sh "$tmp/pkg" "$dest"
fi
