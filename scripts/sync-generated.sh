#!/usr/bin/env bash
# Put freshly generated output in place, or with --check compare it with what
# is committed. Shared by the generators (scripts/generate-*.sh).
#   scripts/sync-generated.sh FRESH DEST          replace DEST (file or folder) with FRESH
#   scripts/sync-generated.sh --check FRESH DEST  fail, showing the diff, if DEST differs
set -euo pipefail
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
fresh=${1:?usage: sync-generated.sh [--check] FRESH DEST}
dest=${2:?usage: sync-generated.sh [--check] FRESH DEST}

if [ "$check" = 1 ]; then
    if ! diff -ru "$dest" "$fresh"; then
        echo "error: $dest is out of sync with openapi/qmt-server.yaml; run 'make generate' and commit" >&2
        exit 1
    fi
    echo "$dest matches the spec"
else
    rm -rf "$dest"
    mkdir -p "$(dirname "$dest")"
    cp -R "$fresh" "$dest"
    echo "generated $dest"
fi
