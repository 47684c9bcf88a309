#!/bin/sh
# Installs the npm packages pinned by a package.json + package-lock.json into another
# directory (the build directory: the source tree stays clean), once per lock file.
#   npm-ci.sh SRC_DIR DEST_DIR
# Scripts are not run (--ignore-scripts): no install-time code, no install analytics.
# Peer dependencies are not installed (--legacy-peer-deps): only bundles are used.
set -eu
src=$1 dest=$2
mkdir -p "$dest"
if [ -f "$dest/.installed-lock" ] && cmp -s "$src/package-lock.json" "$dest/.installed-lock" \
   && [ -d "$dest/node_modules" ]; then
  touch "$dest/.installed-lock"   # newer than package.json, for make's sake
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "brisk: npm is missing (Debian: apt-get install nodejs npm; see scripts/deps.sh)" >&2
  exit 1
fi
cp "$src/package.json" "$src/package-lock.json" "$dest/"
rm -f "$dest/.installed-lock"
if ! (cd "$dest" && npm ci --ignore-scripts --legacy-peer-deps --no-audit --no-fund \
        --loglevel=error); then
  echo "brisk: 'npm ci' failed in $dest: it needs the npm registry" \
       "($(npm config get registry 2>/dev/null)) to be reachable" >&2
  exit 1
fi
cp "$src/package-lock.json" "$dest/.installed-lock"
