# Sourced by the other scripts: where tools and build output live.
# Everything is kept outside the clone, under $PROOFOLIO_CACHE, so a fresh
# clone (as CI makes each run) reuses the tools and the compiled crates.
PROOFOLIO_CACHE="${PROOFOLIO_CACHE:-$HOME/.cache/proofolio}"
PROOFOLIO_TOOLS="$PROOFOLIO_CACHE/tools"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PROOFOLIO_CACHE/target}"
export PATH="$PROOFOLIO_TOOLS/bin:$PROOFOLIO_TOOLS/npm/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# cargo-leptos 0.3.11 needs a newer rustc than the workspace's 1.95.
CARGO_LEPTOS_VERSION=0.3.10
BINARYEN_VERSION=132
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
loud() { printf '\n\033[1;31m!!! %s\033[0m\n\n' "$*" >&2; }
