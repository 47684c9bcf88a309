#!/usr/bin/env bash
# brisk's side-by-side benchmark (`make bench`). See bench/README.md.
#
# Installs the prerequisites (scripts/deps.sh bench), builds the peers into bench/.peers
# (git-ignored) and brisk's bench app into build/apps/, then runs bench/bench.py, which starts
# every server, measures, stops them and writes bench/results/results.md. Then the JSON codec
# micro-benchmark, bench/codec/run.sh (brisk vs cJSON vs json-c; bench/results/codec.md).
#
# Environment: BENCH_SERVERS=brisk,nginx,...  BENCH_ROUNDS=3  BENCH_DURATION=5  BENCH_QUICK=1
#              BENCH_IDLE_CONNS=10000  BENCH_SLEEP_CONNS=1000  BENCH_PORT_BASE=18080
#              BENCH_PIN=1  BENCH_MAX_SECONDS=2400  BENCH_BRISK_BIN=path
#              BENCH_CODEC=0 (skip the codec benchmark)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"
state="$here/.peers"
mkdir -p "$state/bin" "$here/results"

say() { printf '[bench] %s\n' "$*" >&2; }

servers="${BENCH_SERVERS:-nginx,go,node,express,fastapi,flask,brisk}"
wants() { [[ ",$servers," == *",$1,"* ]]; }

# --- prerequisites ---------------------------------------------------------------------
if ! "$root/scripts/deps.sh" bench; then
  say "warning: scripts/deps.sh bench failed; servers whose tools are missing will be reported as failed"
fi
for tool in wrk taskset; do
  command -v "$tool" >/dev/null || { say "error: $tool is required"; exit 1; }
done
[ -x /usr/bin/python3 ] || { say "error: /usr/bin/python3 is required"; exit 1; }

# Enough descriptors for 1,000 wrk connections and 10,000 idle connections (server and
# client are separate processes, so each needs a bit more than 10,000).
hard="$(ulimit -Hn)"
if [ "$hard" = unlimited ] || [ "$hard" -gt 65536 ]; then hard=65536; fi
ulimit -n "$hard"
if [ "$hard" -lt 10240 ] && [ "${BENCH_IDLE_CONNS:-10000}" -gt $((hard - 200)) ]; then
  export BENCH_IDLE_CONNS=$((hard - 200))
  say "warning: open-file limit is $hard; idle-connection test lowered to $BENCH_IDLE_CONNS"
fi

# --- a private temp dir; every server's pid is recorded there and killed on exit ---------
tmp="$(mktemp -d /tmp/brisk-bench.XXXXXX)"
export BENCH_TMP="$tmp"
cleanup() {
  if [ -f "$tmp/server-pids" ]; then
    while read -r pid; do
      kill -TERM -- "-$pid" 2>/dev/null || true
    done <"$tmp/server-pids"
    sleep 0.5
    while read -r pid; do
      kill -KILL -- "-$pid" 2>/dev/null || true
    done <"$tmp/server-pids"
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- peers -----------------------------------------------------------------------------
cc -O2 -Wall -Wextra -o "$state/bin/idle_conns" "$here/tools/idle_conns.c"

if wants go; then
  if command -v go >/dev/null; then
    if [ ! -x "$state/bin/bench_go" ] || [ "$here/peers/main.go" -nt "$state/bin/bench_go" ]; then
      say "building the Go peer"
      # Standard library only: no module downloads, caches kept under bench/.peers.
      GOCACHE="$state/go-cache" GOPATH="$state/gopath" GOPROXY=off GOFLAGS= GOTOOLCHAIN=local \
        go build -o "$state/bin/bench_go" "$here/peers/main.go" ||
        say "warning: Go peer failed to build"
    fi
  else
    say "warning: go not found (Debian golang-go)"
  fi
fi

if wants express; then
  want_ver="$(sed -n 's/.*"express": *"\([^"]*\)".*/\1/p' "$here/peers/package.json")"
  have_ver="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
    "$state/node_modules/express/package.json" 2>/dev/null | head -n1 || true)"
  if [ "$have_ver" != "$want_ver" ]; then
    if command -v npm >/dev/null; then
      say "installing express $want_ver into bench/.peers"
      cp "$here/peers/package.json" "$state/package.json"
      (cd "$state" && npm install --no-audit --no-fund --omit=dev --loglevel=error) ||
        say "warning: npm install failed; Express will be reported as failed"
    else
      say "warning: npm not found"
    fi
  fi
fi

# --- brisk -----------------------------------------------------------------------------
if wants brisk && [ -z "${BENCH_BRISK_BIN:-}" ]; then
  say "building build/apps/bench_brisk"
  if [ ! -f build/CMakeCache.txt ]; then
    opts=()
    pkg-config --exists criterion 2>/dev/null || opts+=(-DBRISK_TESTS=OFF)
    cmake -S . -B build "${opts[@]}" >&2 || true
  fi
  if ! cmake --build build --target bench_brisk -j"$(nproc)" >&2; then
    say "warning: bench_brisk failed to build; brisk will be reported as failed"
    export BENCH_BRISK_BROKEN="build/apps/bench_brisk failed to build (cmake --build build)"
  fi
fi

# --- run -------------------------------------------------------------------------------
export BENCH_SERVERS="$servers"
status=0
/usr/bin/python3 "$here/bench.py" || status=$?

# --- the codec micro-benchmark ---------------------------------------------------------
if [ "${BENCH_CODEC:-1}" != 0 ]; then
  say "JSON codec benchmark (bench/codec/run.sh; BENCH_CODEC=0 skips it)"
  "$here/codec/run.sh" || say "warning: the codec benchmark failed (bench/codec/run.sh)"
fi
exit "$status"
