#!/usr/bin/env bash
# brisk's JSON codec against Debian's cJSON and json-c (see bench/README.md, "Codec").
#
# Installs libcjson-dev, libjson-c-dev and valgrind through apt when missing, builds
# brisk's static library (build/libbrisk.a) and bench/codec/codec_bench.c against it, then
#   1. times parse and serialize of the generated documents (median of CODEC_RUNS runs),
#   2. counts the instructions of one parse and one serialize of each document with
#      valgrind --tool=callgrind (repeatable where wall-clock time is noisy),
# and writes both tables to bench/results/codec.md.
#
# Environment: CODEC_RUNS=7  CODEC_MIN_MS=200  CODEC_CALLGRIND=1  BENCH_QUICK=1 (3 runs of
#              50 ms)  BENCH_PIN=1  BRISK_BUILD=build (the CMake build folder to use)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench="$(dirname "$here")"
root="$(dirname "$bench")"
cd "$root"
say() { printf '[codec] %s\n' "$*" >&2; }

quick=0
[ -n "${BENCH_QUICK:-}" ] && [ "${BENCH_QUICK}" != 0 ] && quick=1
runs="${CODEC_RUNS:-$([ $quick = 1 ] && echo 3 || echo 7)}"
min_ms="${CODEC_MIN_MS:-$([ $quick = 1 ] && echo 50 || echo 200)}"
build="${BRISK_BUILD:-$root/build}"
state="$bench/.peers"
results="$bench/results"
mkdir -p "$state/bin" "$results"

# --- prerequisites ---------------------------------------------------------------------
want=(gcc cmake pkg-config libuv1-dev libpcre2-dev libcjson-dev libjson-c-dev valgrind)
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    say "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "error: needs these Debian packages; run as root:"
    say "  apt-get update && apt-get install -y ${missing[*]}"
    exit 1
  fi
fi

# --- brisk's static library --------------------------------------------------------------
defs=()
brisk_link=()
if [ ! -f "$build/CMakeCache.txt" ]; then
  opts=()
  pkg-config --exists criterion 2>/dev/null || opts+=(-DBRISK_TESTS=OFF)
  cmake -S "$root" -B "$build" "${opts[@]}" >&2 || true
fi
if cmake --build "$build" --target brisk_static -j"$(nproc)" >&2 && [ -f "$build/libbrisk.a" ]; then
  syms="$(nm -g --defined-only "$build/libbrisk.a" 2>/dev/null | awk '{print $3}' | sort -u)"
  has() { grep -qx "$1" <<<"$syms"; }
  if has bk_json_parse_value && has brisk_json_value && has bk_json_init; then
    defs+=(-DHAVE_BRISK_PARSE)
    if [ -f "$root/src/model/model.h" ] && has bk_model_decode && has bk_decode_value &&
       has bk_field_resolve && has bk_model_resolve && has brisk_json_model_opts; then
      defs+=(-DHAVE_BK_MODEL_DECODE)
    else
      say "note: brisk's model decoder (bk_model_decode) is not in libbrisk.a yet; skipped"
    fi
    brisk_link=("$build/libbrisk.a" $(pkg-config --libs libuv libpcre2-8))
  else
    say "note: brisk's generic parser (bk_json_parse_value) is not in libbrisk.a yet;" \
        "measuring cJSON and json-c only"
  fi
else
  say "warning: brisk's static library failed to build; measuring cJSON and json-c only"
fi

bin="$state/bin/codec_bench"
# The same optimization level as brisk's own build (RelWithDebInfo: -O2 -g) and Debian's.
cc -O2 -g -std=gnu17 -Wall -Wextra -Wno-missing-field-initializers "${defs[@]}" \
  -I "$root/include" -I "$root/src" $(pkg-config --cflags libcjson json-c) \
  -o "$bin" "$here/codec_bench.c" "${brisk_link[@]}" $(pkg-config --libs libcjson json-c) -lm
say "built $(realpath --relative-to="$root" "$bin") (${defs[*]:-peers only})"

pin=()
if [ "${BENCH_PIN:-1}" != 0 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  pin=(taskset -c "$(($(nproc) - 1))")
fi

# --- 1. timing ---------------------------------------------------------------------------
out="$results/codec.md"
"${pin[@]}" "$bin" --runs "$runs" --min-ms "$min_ms" --md "$out" >/dev/null

# --- 2. instruction counts -------------------------------------------------------------
if [ "${CODEC_CALLGRIND:-1}" != 0 ]; then
  libs=($("$bin" --libs))
  docs=(item items numbers strings)
  tmp="$(mktemp -d /tmp/brisk-codec.XXXXXX)"
  trap 'rm -rf "$tmp"' EXIT
  count() { # doc lib op -> instructions of one operation, or "–"
    local f="$tmp/cg.$1.$2.$3"
    if valgrind --tool=callgrind --toggle-collect=measured_once --callgrind-out-file="$f" \
         "$bin" --once "$1" "$2" "$3" >/dev/null 2>"$f.log"; then
      awk '/^(summary|totals):/ {n=$2} END {print (n == "" ? "–" : n)}' "$f"
    else
      echo "–"
    fi
  }
  {
    echo
    echo "## Instructions per operation (valgrind --tool=callgrind)"
    echo
    echo "One parse or one serialize of each document, counted inside measured_once() after one"
    echo "untimed warm-up of the same operation (\`valgrind --tool=callgrind"
    echo "--toggle-collect=measured_once codec_bench --once DOC LIB OP\`). Repeatable to the"
    echo "instruction; ratio = cJSON's count / the library's."
    echo
    echo "| document | operation | brisk | brisk model | cJSON | json-c | cJSON ÷ brisk | cJSON ÷ brisk model |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
  } >>"$out"
  for op in parse serialize; do
    for d in "${docs[@]}"; do
      declare -A n=()
      for lib in brisk brisk-model cjson json-c; do
        n[$lib]="–"
        if printf '%s\n' "${libs[@]}" | grep -qx "$lib"; then
          if [ "$lib" != brisk-model ] || [ "$d" = item ] || [ "$d" = items ]; then
            n[$lib]="$(count "$d" "$lib" "$op")"
          fi
        fi
      done
      ratio() {
        if [[ "${n[$1]}" =~ ^[0-9]+$ && "${n[cjson]}" =~ ^[0-9]+$ ]]; then
          awk -v a="${n[cjson]}" -v b="${n[$1]}" 'BEGIN {printf "%.2f×", a / b}'
        else
          echo "–"
        fi
      }
      fmt() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; } # 1234567 -> 1,234,567
      echo "| $d | $op | $(fmt "${n[brisk]}") | $(fmt "${n[brisk-model]}") | $(fmt "${n[cjson]}") |" \
           "$(fmt "${n[json-c]}") | $(ratio brisk) | $(ratio brisk-model) |" >>"$out"
      say "callgrind $d $op: brisk ${n[brisk]}, brisk model ${n[brisk-model]}, cJSON ${n[cjson]}, json-c ${n[json-c]}"
      unset n
    done
  done
fi

{
  echo
  echo "## Build"
  echo
  echo "- $(cc --version | head -n1); codec_bench and brisk at -O2 -g; cJSON $(dpkg-query -W -f='${Version}' libcjson-dev 2>/dev/null)," \
       "json-c $(dpkg-query -W -f='${Version}' libjson-c-dev 2>/dev/null) (Debian's builds)"
  echo "- brisk parts measured: ${defs[*]:-none (the generic parser is not built yet)}"
  echo "- $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)); timing pinned: ${pin[*]:-no}"
} >>"$out"

LC_ALL=C.UTF-8 cat "$out"
say "wrote $(realpath --relative-to="$root" "$out")"
