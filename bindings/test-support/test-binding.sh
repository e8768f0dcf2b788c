#!/usr/bin/env bash
# The checks of one editor binding (bindings/weft-codemirror, bindings/weft-prosemirror):
# installs its npm packages (weft-crdt linked from bindings/npm, built first if it is not),
# compiles it (tsc, which also checks its types), then runs its Node tests and its Chromium
# tests. Usage: test-binding.sh <the binding's folder>. Called by each binding's scripts/test.sh.
set -euo pipefail
here="$(cd "$1" && pwd)"
root="$(cd "$here/../.." && pwd)"
name="$(basename "$here")"
cd "$here"

step() { printf '\n--> %s: %s\n' "$name" "$*"; }

step "toolchain (weft-crdt built, chromium, npm packages)"
if [ ! -f "$root/bindings/npm/dist/browser.js" ]; then
  (cd "$root/bindings/npm" && npm ci --no-audit --no-fund && bash scripts/build.sh)
fi
if [ ! -x /usr/bin/chromium ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
# Never `npx playwright install`: playwright-core drives the system Chromium.
npm ci --no-audit --no-fund

step "build (tsc)"
rm -rf dist
npx --no-install tsc -p tsconfig.json

step "Node tests (EditorState, no DOM)"
node --test test/node/

step "Chromium tests (playwright-core, /usr/bin/chromium, real editor views)"
node --test test/browser/
