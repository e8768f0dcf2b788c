#!/usr/bin/env bash
# The ProseMirror binding's checks: installs its npm packages (weft-crdt linked from
# bindings/npm, built first if it is not), compiles it (tsc, which also checks its types),
# then runs the Node tests (EditorState, no DOM) and the Chromium tests (real EditorViews).
# Called by scripts/test after the CodeMirror binding's step; runnable on its own from anywhere.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"

step() { printf '\n--> weft-prosemirror: %s\n' "$*"; }

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

step "Node tests (mapping, EditorState, two and three replicas, Peritext cases)"
node --test test/node/

step "Chromium tests (playwright-core, /usr/bin/chromium, real EditorViews)"
node --test test/browser/
