#!/usr/bin/env bash
# A new user on a fresh clone. Clones this repository's HEAD (committed work
# only) into a temporary folder and there:
#   1. runs the first line of README.md's quick start as written, in the
#      background with its output in a log, until `npm start` says the stack is up;
#   2. runs, against that stack, every command line `npm start` printed
#      (health, payload, order status, metrics, buf curl, webhook events,
#      `npm run demo`, …) and the sh commands of README's "Calling it" and
#      "Observability" sections (an output shown under a command as a comment
#      is checked as the start of its output);
#   3. stops the stack with SIGINT to its process group, as Ctrl-C does, and
#      checks that it exits 0, leaves no process and frees its ports;
#   4. runs the quick start's other line (`npm test`: every test, on PGlite).
# It fails naming the first command that did not work, with its output's end.
# The commands are read from the README and from what npm start prints, never
# copied here, so they cannot drift apart.
#
# Ports: npm start's (PORT 50051, JUSPAY_SIM_PORT 8090, BRIDGE_PORT 8080,
# METRICS_PORT 9464), or those variables when set. A default port that is
# taken is replaced by a free one, and the README's commands are rewritten to
# match. NEWCOMER_START_TIMEOUT (seconds, default 900) bounds the install and
# start; NEWCOMER_KEEP=1 keeps the folder.
set -euo pipefail

repo_root=$(git rev-parse --show-toplevel)
commit=$(git -C "$repo_root" rev-parse HEAD)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/payments-newcomer.XXXXXX")
clone="$tmp/payments"
stack_log="$tmp/npm-start.log"
stack_pid=""
started_at=$SECONDS
phases=()

# A newcomer's environment: nothing the stack or the demo would read from ours.
unset DATABASE_URL PAYMENTS_URL PAYMENTS_TOKEN JUSPAY_SIM_URL CALLERS CALLERS_FILE HOST PGLITE_DATA_DIR \
  WEBHOOK_USERNAME WEBHOOK_PASSWORD RETURN_URL_ALLOWED_ORIGINS REFUND_SYNC_DELAY_MS ORDER_SYNC_DELAY_MS METRICS_HOST
while read -r name; do unset "$name"; done < <(compgen -e | grep '^JUSPAY_' | grep -v '^JUSPAY_SIM_PORT$' || true)

say() { printf '%s\n' "$*"; }
# Development tokens stay out of CI logs.
mask() { sed -E 's/(dev_(backend|bff|bridge)_)[A-Za-z0-9_-]+/\1…/g'; }
# A command line without its trailing comment, for progress lines.
bare() { local c=${1%%#*}; printf '%s' "${c%"${c##*[![:space:]]}"}"; }
elapsed() { local s=$(($1)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

phase_started=0
phase() {
  phase_end
  phase_name=$1
  phase_started=$SECONDS
  say ""
  say "==> $1"
}
phase_end() {
  if [ -n "${phase_name:-}" ]; then
    phases+=("$(printf '%-40s %s' "$phase_name" "$(elapsed $((SECONDS - phase_started)))")")
    phase_name=""
  fi
}

fail() { # $1 = the command that did not work, $2 = why, $3 = file holding its output
  say ""
  say "newcomer: FAILED: $(mask <<<"$1")"
  say "  $2"
  if [ -n "${3:-}" ] && [ -s "$3" ]; then
    say "  last lines of its output:"
    tail -n 40 "$3" | mask | sed 's/^/  | /'
  fi
  phase_end
  for line in "${phases[@]}"; do say "  $line"; done
  exit 1
}

port_free() { node -e 'const s=require("net").createServer().once("error",()=>process.exit(1)).listen(+process.argv[1],"127.0.0.1",()=>s.close())' "$1"; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# Each port: the variable when set (it must be free), else npm start's default, else a free one.
declare -A default_port=([PORT]=50051 [JUSPAY_SIM_PORT]=8090 [BRIDGE_PORT]=8080 [METRICS_PORT]=9464)
declare -A port
for name in PORT JUSPAY_SIM_PORT BRIDGE_PORT METRICS_PORT; do
  if [ -n "${!name:-}" ]; then
    port_free "${!name}" || fail "npm start" "$name=${!name} is taken by another process"
    port[$name]=${!name}
  elif port_free "${default_port[$name]}"; then
    port[$name]=${default_port[$name]}
  else
    port[$name]=$(free_port)
    say "port ${default_port[$name]} is taken: $name=${port[$name]} for this run"
  fi
  export "$name=${port[$name]}"
done

stack_alive() { [ -n "$stack_pid" ] && kill -0 -- "-$stack_pid" 2>/dev/null; }

cleanup() {
  local rc=$?
  if stack_alive; then
    kill -INT -- "-$stack_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do stack_alive || break; sleep 1; done
    stack_alive && kill -KILL -- "-$stack_pid" 2>/dev/null || true
  fi
  if [ "${NEWCOMER_KEEP:-}" = 1 ]; then say "newcomer: kept $tmp"; else rm -rf "$tmp"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The sh blocks of one README section ("## <title>" up to the next "## "),
# one line each, continuation lines joined.
section_commands() {
  awk -v title="## $1" '
    /^## / { in_section = ($0 == title) }
    in_section && /^```/ { if (in_block) in_block = 0; else in_block = ($0 == "```sh"); next }
    in_section && in_block { print }
  ' "$clone/README.md" | sed -e ':a' -e '/\\$/N; s/\\\n[[:space:]]*/ /; ta'
}

# The README's commands use npm start's default ports: rewrite them to this run's.
with_ports() {
  local cmd=$1 name
  for name in PORT JUSPAY_SIM_PORT BRIDGE_PORT METRICS_PORT; do
    cmd=${cmd//127.0.0.1:${default_port[$name]}/127.0.0.1:${port[$name]}}
  done
  printf '%s' "$cmd"
}

checked=0
# Runs one documented command in the clone. It works when it exits 0 and its
# output starts with what the documentation shows (up to a "…"), or, with
# nothing shown, is not a Connect error.
check() { # $1 = the command, $2 = where it is documented, $3 = its output as documented
  local cmd=$1 origin=$2 expect=${3:-} out="$tmp/out" rc=0 name
  say "  \$ $(mask <<<"$cmd")    ($origin)"
  if [[ $cmd =~ ^([A-Za-z_][A-Za-z0-9_]*)= ]]; then
    # An assignment the next commands use ($TOKEN): run in this shell, in the clone.
    name=${BASH_REMATCH[1]}
    cd "$clone"
    eval "$cmd" >"$out" 2>&1 </dev/null || rc=$?
    cd - >/dev/null
    [ "$rc" = 0 ] && [ -n "${!name:-}" ] || fail "$cmd" "($origin) exited $rc or left $name empty" "$out"
  else
    (cd "$clone" && eval "$cmd") >"$out" 2>&1 </dev/null || rc=$?
    [ "$rc" = 0 ] || fail "$cmd" "($origin) exited $rc" "$out"
    if [ -n "$expect" ]; then
      local prefix=${expect%%…*}
      [[ $(cat "$out") == "$prefix"* ]] || fail "$cmd" "($origin) did not answer as documented: $expect" "$out"
    elif grep -q '^{"code":"' "$out"; then
      fail "$cmd" "($origin) answered an error" "$out"
    fi
  fi
  checked=$((checked + 1))
}

# Runs a README section's sh commands in order, skipping `npm start` (it runs).
check_section() {
  local title=$1 line cmd="" expect=""
  local -a cmds=() expects=()
  while IFS= read -r line; do
    if [[ $line =~ ^[[:space:]]*#[[:space:]]?(.*)$ ]]; then
      # An output shown under a command.
      [ "${#cmds[@]}" -gt 0 ] && [ -z "${expects[-1]}" ] && expects[-1]=${BASH_REMATCH[1]}
    elif [[ $line =~ ^[[:space:]]*$ ]]; then
      continue
    elif [[ $line =~ ^npm\ start([[:space:]]|$) ]]; then
      continue
    else
      cmds+=("$line")
      expects+=("")
    fi
  done < <(section_commands "$title")
  [ "${#cmds[@]}" -gt 0 ] || fail "README.md \"$title\"" "no sh command found in that section"
  local i
  for i in "${!cmds[@]}"; do check "$(with_ports "${cmds[$i]}")" "README \"$title\"" "${expects[$i]}"; done
}

phase "clone $(git -C "$repo_root" rev-parse --short HEAD) into $tmp"
[ -z "$(git -C "$repo_root" status --porcelain --untracked-files=no)" ] || say "note: uncommitted changes in $repo_root are not part of this run"
branch=$(git -C "$repo_root" rev-parse --abbrev-ref HEAD)
if [ "$branch" != HEAD ]; then git clone --quiet --branch "$branch" "$repo_root" "$clone"; else git clone --quiet "$repo_root" "$clone"; fi
[ "$(git -C "$clone" rev-parse HEAD)" = "$commit" ] || git -C "$clone" -c advice.detachedHead=false checkout --quiet "$commit"

# The quick start: its first line starts the stack, the next one tests.
mapfile -t quick_start < <(section_commands "Quick start" | grep -v '^[[:space:]]*\(#\|$\)')
[ "${#quick_start[@]}" -ge 2 ] || fail "README.md \"Quick start\"" "expected two command lines (start, then test), found ${#quick_start[@]}"
start_cmd=${quick_start[0]}
test_cmds=("${quick_start[@]:1}")

phase "quick start: $(bare "$start_cmd")"
say "  \$ $start_cmd    (in the background; output in a log)"
set -m # its own process group, as a terminal's foreground job: SIGINT to the group is Ctrl-C
(cd "$clone" && exec bash -c "$start_cmd") >"$stack_log" 2>&1 &
stack_pid=$!
set +m
deadline=$((SECONDS + ${NEWCOMER_START_TIMEOUT:-900}))
until grep -q '^Ctrl-C stops everything' "$stack_log"; do
  stack_alive || fail "$start_cmd" "exited before the stack was up" "$stack_log"
  [ "$SECONDS" -lt "$deadline" ] || fail "$start_cmd" "the stack was not up after ${NEWCOMER_START_TIMEOUT:-900} s" "$stack_log"
  sleep 1
done
banner=$(sed -n '/^The stack is up/,/^Ctrl-C stops everything/p' "$stack_log")
say "  $(head -n1 <<<"$banner")"

phase "the commands npm start printed"
# "    <what>: <command>   # comment": every line whose command is curl, npx or npm.
mapfile -t printed < <(sed -nE 's/^ +[A-Za-z][A-Za-z ]*: +((curl|npx|npm) .*)$/\1/p' <<<"$banner")
[ "${#printed[@]}" -ge 5 ] || fail "$start_cmd" "its banner printed ${#printed[@]} command lines, expected health, payload, a call, buf curl, webhook events, demo…" "$stack_log"
for cmd in "${printed[@]}"; do check "$cmd" "printed by npm start"; done

phase "README: Calling it, Observability"
check_section "Calling it"
check_section "Observability"

phase "stop the stack (Ctrl-C)"
kill -INT -- "-$stack_pid"
stop_rc=0
wait "$stack_pid" || stop_rc=$?
stop_deadline=$((SECONDS + 30))
while kill -0 -- "-$stack_pid" 2>/dev/null; do
  [ "$SECONDS" -lt "$stop_deadline" ] || fail "Ctrl-C on $start_cmd" "processes of the stack still run 30 s after Ctrl-C" "$stack_log"
  sleep 1
done
stack_pid=""
# npm itself answers Ctrl-C with 130, whatever its script does; npm start's own verdict is in its log.
[ "$stop_rc" = 0 ] || [ "$stop_rc" = 130 ] || fail "Ctrl-C on $start_cmd" "it exited $stop_rc, not 0 or 130 (Ctrl-C)" "$stack_log"
grep -q '^stopping…' "$stack_log" || fail "Ctrl-C on $start_cmd" "npm start did not say it was stopping" "$stack_log"
! grep -q 'did not stop cleanly' "$stack_log" || fail "Ctrl-C on $start_cmd" "a part of the stack did not stop cleanly" "$stack_log"
for name in PORT JUSPAY_SIM_PORT BRIDGE_PORT METRICS_PORT; do
  port_free "${port[$name]}" || fail "Ctrl-C on $start_cmd" "port ${port[$name]} ($name) is still taken after it stopped" "$stack_log"
done
say "  stopped: exit $stop_rc, every part cleanly, no process left, ports free"

for cmd in "${test_cmds[@]}"; do
  phase "quick start: $(bare "$cmd") (PGlite)"
  say "  \$ $cmd"
  test_log="$tmp/test.log"
  rc=0
  (cd "$clone" && env -u PORT -u JUSPAY_SIM_PORT -u BRIDGE_PORT -u METRICS_PORT bash -c "$cmd") 2>&1 | tee "$test_log" || rc=$?
  [ "$rc" = 0 ] || fail "$cmd" "exited $rc" "$test_log"
done
phase_end

say ""
say "newcomer: every documented command worked ($checked commands against the stack, then $(bare "${test_cmds[*]}")) on $(git -C "$clone" rev-parse --short HEAD) in $(elapsed $((SECONDS - started_at)))"
for line in "${phases[@]}"; do say "  $line"; done
