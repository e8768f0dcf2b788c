#!/usr/bin/env bash
# The npm package's checks, from a fresh machine: installs what they need (idempotently), builds
# the package, then runs the Node tests, the type check and the Chromium tests against the
# BUILT package. Called by scripts/test; runnable on its own from anywhere.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"

# Must match `wasm-bindgen = "=X"` in bindings/wasm/Cargo.toml.
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' "$root/bindings/wasm/Cargo.toml")"

step() { printf '\n--> npm package: %s\n' "$*"; }

step "toolchain (wasm32 target, wasm-bindgen CLI $WASM_BINDGEN_VERSION, chromium, npm packages)"
rustup target add wasm32-unknown-unknown
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked \
    || cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
if [ ! -x /usr/bin/chromium ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
fi
# Never `npx playwright install`: playwright-core drives the system Chromium.
npm ci --no-audit --no-fund

step "Rust unit tests of the bindings (native)"
cargo test --manifest-path "$root/Cargo.toml" -p weft-wasm --lib --quiet

step "build"
bash scripts/build.sh

step "Node tests (the whole API, sync, WebSocket client, and the real weft-server)"
if [ -d "$root/crates/weft-server" ]; then
  cargo build --manifest-path "$root/Cargo.toml" -p weft-server --bin weft-server --quiet
  export WEFT_SERVER_BIN="${CARGO_TARGET_DIR:-$root/target}/debug/weft-server"
fi
node --test test/node/

step "TypeScript types (tsc --noEmit on a typed usage file)"
npx --no-install tsc -p test/types

step "Chromium tests (playwright-core, /usr/bin/chromium)"
node --test test/browser/
