#!/usr/bin/env bash
# The ProseMirror binding's checks (npm packages, tsc, Node tests, Chromium tests), shared with the
# other editor binding: bindings/test-support/test-binding.sh. Called by scripts/test;
# runnable on its own from anywhere.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
exec bash "$here/../test-support/test-binding.sh" "$here"
