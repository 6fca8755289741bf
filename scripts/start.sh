#!/usr/bin/env bash
# The main command: installs and builds what is missing, then starts JupyterLab on 127.0.0.1
# with the dnaquant kernel, the dnaquant-jupyterlab extension and notebooks/ open, and prints
# the URL with its token. Stop it with Ctrl+C.
#
# Usage: scripts/start.sh [--port PORT] [--notebook-dir DIR]
# DNAQUANT_JUPYTER=pip uses an existing pip-installed JupyterLab 4 instead of the bundled one.

set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/jupyter-mode.sh"

PORT=8888
NOTEBOOK_DIR="$REPO_ROOT/notebooks"
while [ "$#" -gt 0 ]; do
  case "$1" in
    --port) PORT="${2:?--port needs a number}"; shift 2 ;;
    --notebook-dir) NOTEBOOK_DIR="$(cd "${2:?--notebook-dir needs a folder}" && pwd)"; shift 2 ;;
    *) die "unknown option $1; use --port PORT or --notebook-dir DIR." ;;
  esac
done

bash "$REPO_ROOT/scripts/setup.sh"
detect_jupyter_mode

if [ "$JUPYTER_MODE" = pip ]; then
  log "starting your JupyterLab ($PIP_PYTHON) with the dnaquant kernel"
  exec "$PIP_PYTHON" -m jupyterlab --ip 127.0.0.1 --port "$PORT" --no-browser --notebook-dir "$NOTEBOOK_DIR"
fi

log "starting the bundled JupyterLab with the dnaquant kernel"
exec "$DEBIAN_PYTHON" "$REPO_ROOT/lab/server/serve.py" --ip 127.0.0.1 --port "$PORT" \
  --notebook-dir "$NOTEBOOK_DIR" --labextensions-path "$REPO_ROOT/extension/labextension"
