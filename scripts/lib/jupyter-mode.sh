# Chooses which Jupyter serves the notebooks.
#   bundled: Debian's jupyter_server with the JupyterLab front end built from npm in lab/.
#   pip:     an existing JupyterLab 4 installed with pip or conda, found as a Python on PATH
#            (or DNAQUANT_PYTHON) that imports jupyterlab 4.x.
# DNAQUANT_JUPYTER=bundled|pip|auto (default auto: pip when such a Python exists, else bundled).

# Prints the first Python that imports jupyterlab 4.x, or nothing.
find_pip_jupyterlab_python() {
  local candidate
  for candidate in ${DNAQUANT_PYTHON:-} python3 python; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys, jupyterlab; sys.exit(0 if jupyterlab.__version__.startswith("4.") else 1)' >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  return 0
}

detect_jupyter_mode() {
  local requested="${DNAQUANT_JUPYTER:-auto}"
  PIP_PYTHON="$(find_pip_jupyterlab_python)"
  case "$requested" in
    bundled) JUPYTER_MODE=bundled ;;
    pip)
      [ -n "$PIP_PYTHON" ] || die "DNAQUANT_JUPYTER=pip but no Python on PATH imports jupyterlab 4; activate that environment or set DNAQUANT_PYTHON to its python."
      JUPYTER_MODE=pip
      ;;
    auto) if [ -n "$PIP_PYTHON" ]; then JUPYTER_MODE=pip; else JUPYTER_MODE=bundled; fi ;;
    *) die "DNAQUANT_JUPYTER must be bundled, pip or auto, got \"$requested\"." ;;
  esac
  if [ "$JUPYTER_MODE" = pip ]; then
    # The kernel spec and the prebuilt extension go into that environment's share/jupyter.
    PIP_PREFIX="$("$PIP_PYTHON" -c 'import sys; print(sys.prefix)')"
    export PIP_PYTHON PIP_PREFIX
  fi
  export JUPYTER_MODE
}
