#!/usr/bin/env bash
# The Dockerfiles' steps without Docker (the development machines have no
# daemon), for both images, then the result run the way Kubernetes runs it:
#   1. context: the files /.dockerignore lets through;
#   2. build stage: npm ci --omit=optional --ignore-scripts, npx tsc -b services/<name>,
#      every workspace's package.json and every built dist/ split out;
#   3. deps stage: npm install --omit=dev --omit=optional --workspace <package> (production only);
#   4. runtime: manifests + node_modules + dist/ in a fresh folder, run as UID
#      65532 with the whole filesystem read-only (a private mount namespace,
#      when run as root), without the @payments/source condition:
#      - payments: refuses to start on an unmigrated schema with MIGRATE_ON_START=false,
#        dist/migrate-main.js applies the migrations (and again finds none),
#        the service starts, Health/Check answers SERVING (the image's
#        HEALTHCHECK), an authenticated RPC reaches the database and is
#        counted on /metrics, SIGTERM exits 0;
#      - webhook-bridge: /healthz, a webhook without credentials gets 401, one
#        with them is forwarded to the service and answered, SIGTERM exits 0.
# Usage: bash tools/ci/image-dry-run.sh
# Needs PostgreSQL (PG_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres):
# a scratch database is created and dropped.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
repo=$PWD
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
work=$(mktemp -d /tmp/image-dry-run.XXXXXX)
chmod 755 "$work"
db="image_dry_run_$$"
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  psql "$PG_ADMIN_URL" -q -c "drop database if exists $db with (force)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n--- %s\n' "$*"; }
fail() { echo "image dry run FAILED: $*" >&2; exit 1; }

# 1. The build context: .dockerignore allows the root manifests, packages/ and
# services/, without installs, builds, tests, Dockerfiles and docs.
context() {
  mkdir -p "$1"
  git ls-files --cached --others --exclude-standard -- package.json package-lock.json tsconfig.base.json packages services \
    | grep -Ev '(^|/)(node_modules|dist|test|\.data)/|\.tsbuildinfo$|(^|/)Dockerfile$|\.md$|(^|/)vitest\.config\.ts$' \
    | while read -r f; do [ -e "$f" ] && printf '%s\n' "$f"; done \
    | tar -cf - -T - | tar -xf - -C "$1"
}

# 2-4. One image's stages; leaves the runtime tree in $work/<name>/app.
image() {
  local name=$1 pkg=$2 dir="$work/$1"
  say "$name: build stage"
  context "$dir/repo"
  (cd "$dir/repo" && npm ci --omit=optional --no-audit --no-fund --ignore-scripts --loglevel=error)
  (cd "$dir/repo" && npx tsc -b "services/$name")
  (cd "$dir/repo" && for pkg in $(find packages services -mindepth 2 -maxdepth 2 -type d -name dist -printf '%h\n'); do
    mkdir -p "$dir/manifests/$pkg" "$dir/dist/$pkg"
    cp "$pkg/package.json" "$dir/manifests/$pkg/"
    cp -r "$pkg/dist" "$dir/dist/$pkg/"
  done)
  say "$name: deps stage (production dependencies of $pkg)"
  mkdir -p "$dir/app"
  cp "$dir/repo/package.json" "$dir/repo/package-lock.json" "$dir/app/"
  cp -r "$dir/manifests/." "$dir/app/"
  (cd "$dir/app" && npm install --omit=dev --omit=optional --no-audit --no-fund --ignore-scripts --loglevel=error --workspace "$pkg")
  say "$name: runtime tree"
  cp -r "$dir/dist/." "$dir/app/"
  for dev in typescript vitest tsx nx @bufbuild/buf fast-check; do
    [ ! -e "$dir/app/node_modules/$dev" ] || fail "$name: dev dependency $dev is in the runtime tree"
  done
  echo "node_modules: $(du -sh "$dir/app/node_modules" | cut -f1); built: $(cd "$dir/dist" && find . -mindepth 3 -maxdepth 3 -name dist | sort | tr '\n' ' ')"
}

# The command that runs node in the runtime tree as the image does (in CMD,
# so a background run's $! is node itself): environment only from the
# arguments, and as root, UID/GID 65532 and a read-only view of every filesystem.
readonly_root=no
if [ "$(id -u)" = 0 ] && unshare -m sh -c 'mount -o remount,bind,ro /' 2>/dev/null; then readonly_root=yes; fi
node_cmd() {
  local cwd=$1; shift
  if [ "$readonly_root" = yes ]; then
    CMD=(unshare -m sh -c 'mount -o remount,bind,ro / && cd "$0" && exec setpriv --reuid=65532 --regid=65532 --clear-groups "$@"'
      "$cwd" env -i PATH=/usr/bin:/bin HOME=/nonexistent "$@")
  else
    CMD=(env -i -C "$cwd" PATH=/usr/bin:/bin HOME=/nonexistent "$@")
  fi
}

# The images' Node major (Dockerfile NODE_MAJOR) is the one the repository pins
# (ADR 0026): under `npm run`, node is the pinned Node 24, not the machine's.
node_bin=$(node -p process.execPath)
image_major=$(sed -n 's/^ARG NODE_MAJOR=//p' services/payments/Dockerfile)
[ "$(node -p 'process.versions.node.split(".")[0]')" = "$image_major" ] || fail "runs on $(node --version), the images on Node $image_major"
echo "runtime: $node_bin ($(node --version)), as the images' Node $image_major"

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_for() { for _ in $(seq 1 100); do if eval "$1" >/dev/null 2>&1; then return 0; fi; sleep 0.2; done; return 1; }

image payments @payments/service
image webhook-bridge @payments/webhook-bridge
echo "read-only root filesystem for the runs: $readonly_root"
if [ "$readonly_root" = yes ]; then
  node_cmd "$work" "$node_bin" -e 'require("fs").writeFileSync("/tmp/image-dry-run-probe", "x")'
  if "${CMD[@]}" 2>/dev/null; then fail "a write succeeded in the read-only sandbox"; fi
fi

say "payments: migrate, start, health, an RPC, SIGTERM"
psql "$PG_ADMIN_URL" -q -c "create database $db" >/dev/null
db_url="${PG_ADMIN_URL%/*}/$db"
secrets="$work/secrets"
mkdir -p "$secrets"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$secrets/signing-key.pem" 2>/dev/null
token=$(openssl rand -hex 24)
bridge_token=$(openssl rand -hex 24)
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
callers="{\"callers\":[{\"id\":\"dry-run\",\"scopes\":[\"orders.read\"],\"token_sha256\":[\"$(sha "$token")\"]},{\"id\":\"webhook-bridge\",\"scopes\":[\"webhooks.ingest\"],\"token_sha256\":[\"$(sha "$bridge_token")\"]}]}"
chmod -R a+rX "$secrets"
port=$(free_port)
metrics_port=$(free_port)
# Jobs stay off and Juspay's URL never resolves: the run sends nothing off this machine.
svc_env=(NODE_ENV=production NODE_OPTIONS=--enable-source-maps PAYMENTS_ENV=production HOST=127.0.0.1 PORT="$port"
  METRICS_HOST=127.0.0.1 METRICS_PORT="$metrics_port" DATABASE_URL="$db_url" MIGRATE_ON_START=false
  JUSPAY_BASE_URL=https://api.juspay.invalid JUSPAY_API_KEY=dry-run-placeholder JUSPAY_MERCHANT_ID=dryrun JUSPAY_CLIENT_ID=dryrun
  JUSPAY_SIGNING_KEY_FILE="$secrets/signing-key.pem" JUSPAY_SIGNING_KEY_ID=dry-run CALLERS="$callers" JOBS_ENABLED=false)
app="$work/payments/app/services/payments"

set +e
node_cmd "$app" "${svc_env[@]}" "$node_bin" dist/main.js
behind=$("${CMD[@]}" 2>&1); rc=$?
set -e
[ "$rc" = 1 ] && grep -q "schema is behind" <<<"$behind" || fail "with MIGRATE_ON_START=false on an empty database the service must refuse to start (rc=$rc): $behind"
echo "unmigrated schema refused: $(grep -o 'database schema is behind[^;]*' <<<"$behind")"
node_cmd "$app" "${svc_env[@]}" "$node_bin" dist/migrate-main.js
"${CMD[@]}" >"$work/migrate.log" || fail "migrate-main exit status $?: $(cat "$work/migrate.log")"
grep -q '"applied":\["0001' "$work/migrate.log" || fail "migrate-main applied nothing: $(cat "$work/migrate.log")"
"${CMD[@]}" >"$work/migrate-again.log" || fail "second migrate-main exit status $?"
grep -q '"applied":\[\]' "$work/migrate-again.log" || fail "a second migrate-main run applied something"
echo "migrate-main: applied $(grep -o '"applied":\[[^]]*\]' "$work/migrate.log"), then nothing"

node_cmd "$app" "${svc_env[@]}" "$node_bin" dist/main.js
"${CMD[@]}" >"$work/payments.log" 2>&1 &
payments_pid=$!
pids+=("$payments_pid")
health="fetch('http://127.0.0.1:$port/grpc.health.v1.Health/Check',{method:'POST',headers:{'content-type':'application/json'},body:'{}',signal:AbortSignal.timeout(4000)}).then(r=>r.json()).then(b=>process.exit(b.status==='SERVING'?0:1),()=>process.exit(1))"
wait_for "node -e \"$health\"" || fail "no SERVING health answer: $(cat "$work/payments.log")"
echo "Health/Check: SERVING"
answer=$(curl -s -H 'content-type: application/json' -H "authorization: Bearer $token" -d '{"orderId":"dryrun1"}' "http://127.0.0.1:$port/payments.v1.OrderService/GetOrderStatus")
grep -q '"code":"not_found"' <<<"$answer" || fail "GetOrderStatus for an unknown order: $answer"
echo "GetOrderStatus (authenticated, unknown order): not_found"
# Read whole before grep: `curl | grep -q` fails under pipefail when grep
# stops at its match while curl is still writing (curl exits 23 on SIGPIPE).
metrics=$(curl -sf "http://127.0.0.1:$metrics_port/metrics") || fail "no metrics from port $metrics_port"
grep -q '^payments_rpc_requests_total{method="payments.v1.OrderService/GetOrderStatus",code="NOT_FOUND"} 1' <<<"$metrics" \
  || fail "metrics did not count the RPC: $(grep '^payments_rpc' <<<"$metrics" | head -5)"
echo "/metrics: the RPC is counted"

say "webhook-bridge: health, auth, forward, SIGTERM"
bport=$(free_port)
node_cmd "$work/webhook-bridge/app/services/webhook-bridge" NODE_ENV=production NODE_OPTIONS=--enable-source-maps HOST=127.0.0.1 PORT="$bport" \
  WEBHOOK_USERNAME=juspay WEBHOOK_PASSWORD=dry-run-password PAYMENTS_URL="http://127.0.0.1:$port" PAYMENTS_TOKEN="$bridge_token" \
  "$node_bin" dist/main.js
"${CMD[@]}" >"$work/bridge.log" 2>&1 &
bridge_pid=$!
pids+=("$bridge_pid")
wait_for "curl -sf http://127.0.0.1:$bport/healthz" || fail "bridge /healthz: $(cat "$work/bridge.log")"
echo "/healthz: 200"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' -d '{}' "http://127.0.0.1:$bport/webhooks/juspay")
[ "$code" = 401 ] || fail "webhook without credentials: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -u juspay:dry-run-password -H 'content-type: application/json' \
  -d '{"id":"evt_dry_run_1","event_name":"ORDER_SUCCEEDED","content":{"order":{"order_id":"dryrun1","status":"CHARGED"}}}' "http://127.0.0.1:$bport/webhooks/juspay")
case "$code" in 200|400) ;; *) fail "webhook with credentials: $code (503 = not forwarded): $(tail -5 "$work/bridge.log")" ;; esac
echo "webhook without credentials: 401; with them: $code from the service"

kill -TERM "$bridge_pid"
wait "$bridge_pid" || fail "bridge exit status $? after SIGTERM"
kill -TERM "$payments_pid"
wait "$payments_pid" || fail "payments exit status $? after SIGTERM"
pids=()
echo "SIGTERM: both exited 0"
grep -q '"stopped"\|"msg":"stopped"' "$work/payments.log" || fail "payments did not log its shutdown"

say "image dry run passed"
