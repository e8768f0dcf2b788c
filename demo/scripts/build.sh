#!/usr/bin/env bash
# Builds the demo app into demo/dist: its own files, the npm package's build
# (bindings/npm/dist, made by bindings/npm/scripts/build.sh) under vendor/weft-crdt, the
# CodeMirror and ProseMirror bindings' builds (bindings/weft-codemirror/dist and
# bindings/weft-prosemirror/dist, compiled here if missing) under vendor/weft-codemirror and
# vendor/weft-prosemirror, and the CodeMirror and ProseMirror packages (from the demo's
# node_modules: run `npm ci` in demo/ first) under vendor/, each named by the page's import
# map. Nothing bundled: plain ES modules.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
package="$root/bindings/npm/dist"
binding="$root/bindings/weft-codemirror"
rich="$root/bindings/weft-prosemirror"
if [ ! -f "$package/browser.js" ]; then
  echo "demo: the npm package is not built ($package); run bash bindings/npm/scripts/build.sh" >&2
  exit 1
fi
if [ ! -f "$binding/dist/index.js" ]; then
  (cd "$binding" && npm ci --no-audit --no-fund && npx --no-install tsc -p tsconfig.json)
fi
if [ ! -f "$rich/dist/index.js" ]; then
  (cd "$rich" && npm ci --no-audit --no-fund && npx --no-install tsc -p tsconfig.json)
fi
rm -rf "$here/dist.tmp"
mkdir -p "$here/dist.tmp/vendor"
cp "$here"/src/* "$here/dist.tmp/"
cp -r "$package" "$here/dist.tmp/vendor/weft-crdt"
cp -r "$binding/dist" "$here/dist.tmp/vendor/weft-codemirror"
cp -r "$rich/dist" "$here/dist.tmp/vendor/weft-prosemirror"
# The ES modules of CodeMirror, of ProseMirror and what they import (the import map in
# index.html names them).
for module in @codemirror/state @codemirror/view @marijn/find-cluster-break style-mod w3c-keyname crelt \
  prosemirror-model prosemirror-state prosemirror-view prosemirror-transform prosemirror-commands \
  prosemirror-keymap orderedmap; do
  if [ ! -d "$here/node_modules/$module" ]; then
    echo "demo: $module is not installed; run npm ci in $here" >&2
    exit 1
  fi
  mkdir -p "$here/dist.tmp/vendor/$(dirname "$module")"
  cp -r "$here/node_modules/$module" "$here/dist.tmp/vendor/$module"
done
rm -rf "$here/dist"
mv "$here/dist.tmp" "$here/dist"
echo "demo: built $here/dist"
