#!/usr/bin/env bash
# Builds the npm package into dist/: the wasm32 build of bindings/wasm, wasm-bindgen (the CLI
# pinned to the crate's wasm-bindgen version), wasm-opt -Oz from the npm `binaryen` package
# (Debian's binaryen writes modules that fail to load), then the TypeScript entry points and
# adapters. Run from anywhere; needs `npm ci` done in bindings/npm.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
cd "$here"

echo "build: cargo (wasm32, profile wasm-release)"
cargo build --manifest-path "$root/Cargo.toml" -p weft-wasm \
  --target wasm32-unknown-unknown --profile wasm-release --quiet

rm -rf dist src/wasm
mkdir -p src/wasm
echo "build: wasm-bindgen"
wasm-bindgen --target web --weak-refs --out-dir src/wasm \
  "$target_dir/wasm32-unknown-unknown/wasm-release/weft_wasm.wasm"
# wasm-bindgen cannot declare a generic method or optional parameters of type `unknown`: give
# `transact` and `applyDelta` their precise types.
sed -i 's|transact(body: () => unknown, origin: unknown): any;|transact<T>(body: () => T, origin?: unknown): T;|' src/wasm/weft_wasm.d.ts
grep -q 'transact<T>(body: () => T, origin?: unknown): T;' src/wasm/weft_wasm.d.ts
sed -i 's|applyDelta(delta: Uint8Array \| number\[\], origin: unknown): ApplyOutcome;|applyDelta(delta: Uint8Array, origin?: unknown): ApplyOutcome;|' src/wasm/weft_wasm.d.ts
grep -q 'applyDelta(delta: Uint8Array, origin?: unknown): ApplyOutcome;' src/wasm/weft_wasm.d.ts
echo "build: wasm-opt -Oz --converge"
# --converge repeats the passes until the module stops shrinking (about 800 bytes gzipped).
npx --no-install wasm-opt -Oz --converge --enable-bulk-memory --enable-multivalue --enable-mutable-globals \
  --enable-nontrapping-float-to-int --enable-reference-types --enable-sign-ext --strip-debug --strip-producers \
  src/wasm/weft_wasm_bg.wasm -o src/wasm/weft_wasm_bg.wasm

echo "build: tsc"
npx --no-install tsc -p tsconfig.json
mkdir -p dist/wasm
cp src/wasm/weft_wasm.js src/wasm/weft_wasm.d.ts src/wasm/weft_wasm_bg.wasm dist/wasm/

raw=$(wc -c < dist/wasm/weft_wasm_bg.wasm)
gz=$(gzip -9 -c dist/wasm/weft_wasm_bg.wasm | wc -c)
package=$(find dist -type f \( -name '*.js' -o -name '*.wasm' \) -exec cat {} + | gzip -9 | wc -c)
echo "build: dist/wasm/weft_wasm_bg.wasm $raw bytes, $gz gzipped; package code (.js + .wasm) $package gzipped"
