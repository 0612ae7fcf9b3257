#!/usr/bin/env bash
# Builds FerretDB v1 (MongoDB wire protocol over SQLite) into .tools/bin for the local stack.
# `go install …@v1.24.2` needs the proxy's version list, which some networks refuse (403); the
# fallback fetches the module zip of that exact version from the Go proxy and builds it.
set -euo pipefail
VERSION=v1.24.2
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$ROOT/.tools/bin/ferretdb"
if [[ -x "$BIN" ]]; then echo "ferretdb already built: $BIN"; exit 0; fi
command -v go >/dev/null || { echo "Go is not on PATH: cannot build FerretDB (set MONGODB_URI instead)" >&2; exit 1; }
mkdir -p "$ROOT/.tools/bin"
if GOBIN="$ROOT/.tools/bin" go install "github.com/FerretDB/FerretDB/cmd/ferretdb@$VERSION" 2>/dev/null; then
  echo "built $BIN with go install"; exit 0
fi
PROXY="${GOPROXY:-https://proxy.golang.org}"; PROXY="${PROXY%%,*}"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
curl -fsSL "$PROXY/github.com/%21ferret%21d%21b/%21ferret%21d%21b/@v/$VERSION.zip" -o "$WORK/src.zip"
(cd "$WORK" && unzip -q src.zip)
SRC="$WORK/github.com/FerretDB/FerretDB@$VERSION"
chmod -R u+w "$SRC"
echo "$VERSION" > "$SRC/build/version/version.txt" # normally generated from git describe
(cd "$SRC" && go build -o "$BIN" ./cmd/ferretdb)
echo "built $BIN from the module zip"
