#!/usr/bin/env bash
# The demo's checks: builds the demo app over the built npm package, builds the sync server,
# then runs the end-to-end tests (the server on 127.0.0.1, 2–3 headless Chromium pages).
# Called by scripts/test after the npm package's step (which builds bindings/npm/dist and
# installs Chromium); runnable on its own from anywhere once the package is built.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$here"

step() { printf '\n--> demo: %s\n' "$*"; }

step "toolchain (chromium, npm packages)"
if [ ! -x /usr/bin/chromium ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
# Never `npx playwright install`: playwright-core drives the system Chromium.
npm ci --no-audit --no-fund

step "build (demo app, weft-server)"
bash scripts/build.sh
cargo build --manifest-path "$root/Cargo.toml" -p weft-server --quiet

step "end to end: weft-server + headless Chromium"
node --test tests/
