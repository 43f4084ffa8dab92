#!/usr/bin/env bash
# buf breaking for proto/ against main. On a branch: against main (local, or
# origin/main in a CI clone). On main itself: against the previous commit of
# main, so the change being landed is what gets checked. BUF_BREAKING_AGAINST
# overrides the git ref.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
ref="${BUF_BREAKING_AGAINST:-}"
if [ -z "$ref" ]; then
  branch=$(git rev-parse --abbrev-ref HEAD)
  if [ "$branch" != "main" ] && git rev-parse --verify -q main >/dev/null; then ref=main
  elif [ "$branch" != "main" ] && git rev-parse --verify -q origin/main >/dev/null; then ref=origin/main
  else ref="HEAD~1"
  fi
fi
if ! git rev-parse --verify -q "$ref^{commit}" >/dev/null || [ -z "$(git ls-tree -d "$ref" proto 2>/dev/null)" ]; then
  echo "buf breaking: $ref has no proto/ to compare against; nothing can break yet"
  exit 0
fi
commit=$(git rev-parse "$ref")
echo "buf breaking: proto/ against $ref ($commit)"
node_modules/.bin/buf breaking proto --against ".git#ref=$commit,subdir=proto"
