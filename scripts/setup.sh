#!/usr/bin/env bash
# Installs and builds everything the main command and the tests need, skipping what is already
# up to date: Debian packages, npm packages from the lockfile, the TypeScript build, the prebuilt
# JupyterLab extension, the local JupyterLab front end, and the dnaquant kernel spec.
#
# Usage: scripts/setup.sh [--with-test-tools]
#   --with-test-tools  also install Chromium and the Jupyter kernel test suite from Debian.

set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/jupyter-mode.sh"

WITH_TEST_TOOLS=0
for argument in "$@"; do
  case "$argument" in
    --with-test-tools) WITH_TEST_TOOLS=1 ;;
    *) die "unknown option $argument; use --with-test-tools or nothing." ;;
  esac
done

# Debian packages of the bundled Jupyter server and of the headless notebook runner.
JUPYTER_DEBS=(jupyter-core jupyter-client jupyter-nbconvert python3-nbclient python3-nbformat python3-zmq
  python3-ipykernel python3-ipython python3-jupyter-server python3-jupyterlab-server)
# Debian packages that only the tests use.
TEST_DEBS=(chromium fonts-dejavu-core python3-jupyter-kernel-test libonnx-testdata)

# Node.js 20.19 or newer: onnxruntime-node 1.31 and require() of ES modules need it.
check_node() {
  command -v node >/dev/null 2>&1 || die "Node.js is not installed; install Node.js 20.19 or newer (https://nodejs.org) and run this again."
  local version
  version="$(node -p 'process.versions.node')"
  node -e 'const [major, minor] = process.versions.node.split(".").map(Number); process.exit(major > 20 || (major === 20 && minor >= 19) ? 0 : 1)' ||
    die "Node.js $version is too old; install Node.js 20.19 or newer."
}

install_debs() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "Missing packages ${missing[*]} and no apt-get; install them with your package manager."
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "Missing Debian packages ${missing[*]}; run as root or install them: apt-get install ${missing[*]}"
    sudo=(sudo)
  fi
  log "installing Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# npm packages exactly as locked; repeated only when package-lock.json changes.
install_npm_packages() {
  local stamp="$REPO_ROOT/node_modules/.dnaquant-lock-hash" hash
  hash="$(sha256sum "$REPO_ROOT/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
    return 0
  fi
  log "installing npm packages from package-lock.json"
  (cd "$REPO_ROOT" && run_logged npm-ci npm ci --no-audit --no-fund --loglevel=error)
  printf '%s\n' "$hash" >"$stamp"
}

# Runs a command with its output in .cache/logs/NAME.log, printing the end of the log on failure.
# Usage: run_logged NAME COMMAND...
run_logged() {
  local name="$1"
  shift
  local log_file="$REPO_ROOT/.cache/logs/$name.log"
  mkdir -p "$(dirname "$log_file")"
  if ! "$@" >"$log_file" 2>&1; then
    tail -n 40 "$log_file" >&2
    die "$name failed; the full output is in $log_file"
  fi
}

# Runs "$@" when any file under the given inputs is newer than the stamp, then touches the stamp.
# Usage: rebuild_if_stale STAMP INPUT... -- COMMAND...
rebuild_if_stale() {
  local stamp="$1"
  shift
  local inputs=()
  while [ "$1" != "--" ]; do
    inputs+=("$1")
    shift
  done
  shift
  if [ -f "$stamp" ] && [ -z "$(find "${inputs[@]}" -newer "$stamp" -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  "$@"
  mkdir -p "$(dirname "$stamp")"
  touch "$stamp"
}

build_kernel_package() {
  log "building the dnaquant library and kernel (TypeScript)"
  run_logged tsc-kernel "${TSC[@]}" -b "$REPO_ROOT/kernel"
}

build_extension() {
  log "building the JupyterLab extension (prebuilt, about 20 s)"
  (cd "$REPO_ROOT" && run_logged build-extension npm run build -w extension)
}

build_lab_host() {
  log "building the local JupyterLab front end"
  (cd "$REPO_ROOT" && run_logged build-lab npm run build -w lab)
}

# Registers the dnaquant kernel and links the prebuilt extension where Jupyter finds them.
register_with_jupyter() {
  local share
  if [ "$JUPYTER_MODE" = pip ]; then share="$PIP_PREFIX/share/jupyter"; else share="$JUPYTER_ENV/share/jupyter"; fi
  if [ "$JUPYTER_MODE" = pip ]; then
    node "$REPO_ROOT/kernel/dist/jupyter/main.js" install --sys-prefix --python "$PIP_PYTHON" >/dev/null
  else
    node "$REPO_ROOT/kernel/dist/jupyter/main.js" install --prefix "$JUPYTER_ENV" >/dev/null
  fi
  mkdir -p "$share/labextensions"
  ln -sfn "$REPO_ROOT/extension/labextension" "$share/labextensions/dnaquant-jupyterlab"
}

main() {
  check_node
  detect_jupyter_mode
  local debs=()
  [ "$JUPYTER_MODE" = bundled ] && debs+=("${JUPYTER_DEBS[@]}")
  [ "$WITH_TEST_TOOLS" -eq 1 ] && debs+=("${JUPYTER_DEBS[@]}" "${TEST_DEBS[@]}")
  [ "${#debs[@]}" -gt 0 ] && install_debs "${debs[@]}"

  install_npm_packages
  build_kernel_package
  rebuild_if_stale "$REPO_ROOT/extension/labextension/package.json" \
    "$REPO_ROOT/extension/src" "$REPO_ROOT/extension/style" "$REPO_ROOT/extension/package.json" \
    "$REPO_ROOT/kernel/src/display/payloads.ts" "$REPO_ROOT/package-lock.json" -- build_extension
  if [ "$JUPYTER_MODE" = bundled ]; then
    rebuild_if_stale "$REPO_ROOT/lab/build/.dnaquant-built" \
      "$REPO_ROOT/lab/src" "$REPO_ROOT/lab/build.js" "$REPO_ROOT/lab/rspack.config.js" "$REPO_ROOT/lab/package.json" \
      "$REPO_ROOT/package-lock.json" -- build_lab_host
  fi
  register_with_jupyter
  log "setup complete ($JUPYTER_MODE Jupyter)"
}

main
