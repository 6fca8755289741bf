# Shared settings of the dnaquant scripts: paths, a project-local Jupyter environment, logging.
# Sourced by setup.sh, start.sh and test.sh; it changes nothing outside the repository.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO_ROOT

# Everything Jupyter writes (kernel specs, runtime files, settings) stays in this folder.
JUPYTER_ENV="$REPO_ROOT/.jupyter-env"
export JUPYTER_ENV
export JUPYTER_CONFIG_DIR="$JUPYTER_ENV/config"
export JUPYTER_DATA_DIR="$JUPYTER_ENV/data"
export JUPYTER_RUNTIME_DIR="$JUPYTER_ENV/runtime"
export IPYTHONDIR="$JUPYTER_ENV/ipython"
export JUPYTER_PATH="$JUPYTER_ENV/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export JUPYTER_PLATFORM_DIRS=1

# Caches of the tools these scripts start (onnxruntime's device id, Chromium, dconf) go into the
# project too, because they follow XDG_CACHE_HOME instead of writing to ~/.cache.
export XDG_CACHE_HOME="$REPO_ROOT/.cache/xdg"

# npm's cache and logs go into the project. Under `npm start` or `npm test`, npm has already set
# npm_config_cache (from .npmrc, relative to where npm was started), so both are set here
# absolutely. DNAQUANT_NPM_CACHE chooses another cache.
export npm_config_cache="${DNAQUANT_NPM_CACHE:-$REPO_ROOT/.cache/npm}"
export npm_config_logs_dir="$REPO_ROOT/.cache/npm/_logs"
# onnxruntime-node's install script would download a CUDA provider; the CPU binaries ship in the package.
export ONNXRUNTIME_NODE_INSTALL=skip

# Debian's Python sees Debian's Jupyter packages; the python3 on PATH may be another build.
DEBIAN_PYTHON="${DNAQUANT_DEBIAN_PYTHON:-/usr/bin/python3}"
TSC=(node "$REPO_ROOT/node_modules/typescript/bin/tsc")

log() {
  printf '[dnaquant] %s\n' "$*" >&2
}

die() {
  printf '[dnaquant] error: %s\n' "$*" >&2
  exit 1
}
