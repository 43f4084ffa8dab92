#!/usr/bin/env bash
# Fails when the committed generated code differs from what `buf generate`
# produces from proto/ (and the health/reflection protos in node_modules).
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
node_modules/.bin/buf generate
changes=$(git status --porcelain --untracked-files=all -- packages/proto/src/gen)
if [ -n "$changes" ]; then
  echo "generated code is stale: run 'npm run generate' and commit the result:" >&2
  echo "$changes" >&2
  git --no-pager diff --stat -- packages/proto/src/gen >&2
  exit 1
fi
echo "generated code is fresh"
