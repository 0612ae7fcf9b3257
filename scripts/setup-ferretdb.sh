#!/usr/bin/env bash
# Builds FerretDB v1 (MongoDB wire protocol over SQLite) into .tools/bin for the local stack.
#
# One build path: fetch the pinned module source, write build/version/version.txt (upstream
# generates it from `git describe`; without it the binary panics at start, which is what a plain
# `go install …@v1.24.2` produces), `go build`, then run the binary to prove it starts.
# Fetching the source: `go mod download` of the exact version (no version list needed, works with a
# warm or cold module cache); if the Go toolchain cannot fetch it, the module zip straight from the
# first GOPROXY entry. Both feed the same build.
#
# Overrides (used by test/scripts/setup-ferretdb.test.ts): FERRETDB_BIN (output binary),
# FERRETDB_SRC (a prepared module directory: skip fetching), FERRETDB_MODULE, FERRETDB_VERSION.
set -euo pipefail
VERSION="${FERRETDB_VERSION:-v1.24.2}"
MODULE="${FERRETDB_MODULE:-github.com/FerretDB/FerretDB}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${FERRETDB_BIN:-$ROOT/.tools/bin/ferretdb}"

fail() { printf 'setup-ferretdb: %s\n' "$*" >&2; exit 1; }

if [[ -x "$BIN" ]]; then
  if "$BIN" --version >/dev/null 2>&1; then echo "ferretdb already built: $BIN"; exit 0; fi
  echo "cached $BIN does not start; rebuilding it"
  rm -f "$BIN"
fi
command -v go >/dev/null || fail "Go is not on PATH, so FerretDB cannot be built. Install Go (https://go.dev/dl/) or set MONGODB_URI to a MongoDB you run."
mkdir -p "$(dirname "$BIN")"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT

# Go module paths escape capitals as !lowercase in proxy URLs and the module cache.
escape() { sed -E 's/([A-Z])/!\L\1/g' <<<"$1"; }

SRC="${FERRETDB_SRC:-}"
if [[ -z "$SRC" ]]; then
  if DIR="$(go mod download -json "$MODULE@$VERSION" 2>"$WORK/download.err" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')" && [[ -n "$DIR" && -d "$DIR" ]]; then
    SRC="$DIR"; echo "fetched $MODULE@$VERSION with go mod download"
  else
    PROXY="$(go env GOPROXY)"; PROXY="${PROXY%%,*}"
    [[ "$PROXY" == off || "$PROXY" == direct ]] && fail "go mod download failed ($(tail -n 1 "$WORK/download.err")) and GOPROXY=$PROXY names no proxy to fetch the zip from. Set GOPROXY to a reachable module proxy, or set MONGODB_URI."
    URL="$PROXY/$(escape "$MODULE")/@v/$VERSION.zip"
    curl -fsSL "$URL" -o "$WORK/src.zip" || fail "could not fetch $URL (go mod download said: $(tail -n 1 "$WORK/download.err")). Check GOPROXY, or set MONGODB_URI."
    (cd "$WORK" && unzip -q src.zip)
    SRC="$WORK/$MODULE@$VERSION"; echo "fetched $MODULE@$VERSION as a module zip from $PROXY"
  fi
fi
[[ -f "$SRC/go.mod" ]] || fail "$SRC holds no go.mod: not a module source directory"

# The module cache is read-only: build from a writable copy.
cp -R "$SRC" "$WORK/build"; chmod -R u+w "$WORK/build"
mkdir -p "$WORK/build/build/version"
echo "$VERSION" >"$WORK/build/build/version/version.txt"
(cd "$WORK/build" && go build -o "$BIN" ./cmd/ferretdb) || fail "go build of $MODULE@$VERSION failed (output above)"

if ! OUT="$("$BIN" --version 2>&1)"; then
  rm -f "$BIN"
  fail "the built binary does not start: $(head -n 3 <<<"$OUT"). Delete .tools/ and run again, or set MONGODB_URI."
fi
echo "built $BIN ($(head -n 1 <<<"$OUT"))"
