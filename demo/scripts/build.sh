#!/usr/bin/env bash
# Builds the demo app into demo/dist: its own files plus the npm package's build
# (bindings/npm/dist, made by bindings/npm/scripts/build.sh) under vendor/weft-crdt, which the
# page's import map names `weft-crdt`. Nothing to compile: plain ES modules.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
package="$root/bindings/npm/dist"
if [ ! -f "$package/browser.js" ]; then
  echo "demo: the npm package is not built ($package); run bash bindings/npm/scripts/build.sh" >&2
  exit 1
fi
rm -rf "$here/dist.tmp"
mkdir -p "$here/dist.tmp/vendor"
cp "$here"/src/* "$here/dist.tmp/"
cp -r "$package" "$here/dist.tmp/vendor/weft-crdt"
rm -rf "$here/dist"
mv "$here/dist.tmp" "$here/dist"
echo "demo: built $here/dist"
