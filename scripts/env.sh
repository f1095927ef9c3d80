# Sourced by the other scripts: where tools and build output live.
# Everything is kept outside the clone, under $PROOFOLIO_CACHE, so a fresh
# clone (as CI makes each run) reuses the tools and the compiled crates.
PROOFOLIO_CACHE="${PROOFOLIO_CACHE:-$HOME/.cache/proofolio}"
PROOFOLIO_TOOLS="$PROOFOLIO_CACHE/tools"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PROOFOLIO_CACHE/target}"
export PATH="$PROOFOLIO_TOOLS/bin:$PROOFOLIO_TOOLS/npm/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# cargo-leptos sets this when it compiles, and Leptos reads it at compile
# time (it decides the wasm file name the page asks for). Setting it for
# plain cargo too keeps `cargo test` and `cargo leptos build` compiling the
# same crates: no rebuild each time one follows the other, and one server
# binary that serves the right file names whichever built it last.
export LEPTOS_OUTPUT_NAME=proofolio
# cargo-leptos 0.3.11 needs a newer rustc than the workspace's 1.95.
CARGO_LEPTOS_VERSION=0.3.10
BINARYEN_VERSION=132
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
loud() { printf '\n\033[1;31m!!! %s\033[0m\n\n' "$*" >&2; }
