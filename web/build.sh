#!/usr/bin/env bash
# Builds the what-if page's WebAssembly module into
# target/whatif/signpost_web.wasm (beside the root's builds), where
# `signpost whatif` looks for it. Installs the wasm32 target with rustup
# when it is missing; uses binaryen's wasm-opt when it is installed
# (Debian: apt-get install binaryen), else ships the module as rustc
# wrote it. No other tool is needed: the module has no wasm-bindgen glue.
set -euo pipefail
cd "$(dirname "$0")"
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
cargo build --quiet --release --lib --target wasm32-unknown-unknown --target-dir ../target
built=../target/wasm32-unknown-unknown/release/signpost_web.wasm
mkdir -p ../target/whatif
out=../target/whatif/signpost_web.wasm
if command -v wasm-opt >/dev/null; then
  wasm-opt -O3 "$built" -o "$out.tmp"
else
  cp "$built" "$out.tmp"
fi
mv "$out.tmp" "$out"
echo "$(cd .. && pwd)/target/whatif/signpost_web.wasm: $(wc -c <"$out") bytes"
