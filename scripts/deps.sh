#!/usr/bin/env bash
# Installs the Debian packages a target needs, once. Usage: scripts/deps.sh run|test|bench
# As root it runs apt-get itself; otherwise it prints the exact command and stops.
set -euo pipefail
want=(gcc make cmake pkg-config libuv1-dev libpcre2-dev libsqlite3-dev libdeflate-dev
      zlib1g-dev libssl-dev)
case "${1:-run}" in
  run) ;;
  test) want+=(libcriterion-dev python3 python3-pytest python3-httpx python3-h11
              python3-websockets clang libclang-rt-14-dev chromium curl) ;;
  bench) want+=(wrk nginx-light golang-go python3-fastapi python3-uvicorn python3-uvloop
               python3-httptools python3-flask gunicorn procps) ;;
  *) echo "usage: $0 run|test|bench" >&2; exit 2 ;;
esac
# npm fetches the docs pages' assets at build time (and the benchmark's Node peers).
# A Node.js from elsewhere (e.g. nodesource, which bundles npm) conflicts with Debian's
# npm package: keep whichever node and npm the machine already has.
command -v node >/dev/null && command -v npm >/dev/null || want+=(nodejs npm)
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "brisk needs these Debian packages; run as root:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
