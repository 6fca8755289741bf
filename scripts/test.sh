#!/usr/bin/env bash
# Runs every test: unit, integration (real onnxruntime, real kernel through Jupyter's client,
# real notebooks) and browser (real JupyterLab in headless Chromium). Installs and builds what
# they need first. Test artifacts (screenshots, JUnit XML) go to test-artifacts/.
#
# Usage: scripts/test.sh [unit|integration|browser ...]   (default: all three levels)

set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# The tests drive Debian's Jupyter and the bundled JupyterLab, whatever Jupyter the user has.
DNAQUANT_JUPYTER=bundled bash "$REPO_ROOT/scripts/setup.sh" --with-test-tools

# Type-check the tests and benchmarks against the library's declarations before running them.
log "type-checking the tests"
"${TSC[@]}" -p "$REPO_ROOT/tsconfig.json" --noEmit

levels=("$@")
[ "${#levels[@]}" -gt 0 ] || levels=(unit integration browser)

ARTIFACTS="$REPO_ROOT/test-artifacts"
mkdir -p "$ARTIFACTS"
export DNAQUANT_TEST_ARTIFACTS="$ARTIFACTS"

status=0
for level in "${levels[@]}"; do
  case "$level" in
    unit | integration | browser) ;;
    *) die "unknown test level \"$level\"; use unit, integration or browser." ;;
  esac
  mapfile -t files < <(find "$REPO_ROOT/test/$level" -name '*.test.ts' 2>/dev/null | sort)
  if [ "${#files[@]}" -eq 0 ]; then
    log "no $level tests found"
    continue
  fi
  # Unit tests run in parallel; the others start servers and kernels, so one file at a time.
  concurrency=1
  [ "$level" = unit ] && concurrency="$(nproc)"
  log "running ${#files[@]} $level test files"
  (cd "$REPO_ROOT" && node --import tsx --test --test-concurrency="$concurrency" \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=junit --test-reporter-destination="$ARTIFACTS/junit-$level.xml" \
    "${files[@]}") || status=1
done

if [ "$status" -ne 0 ]; then
  log "some tests failed; see the output above and $ARTIFACTS"
else
  log "all tests passed"
fi
exit "$status"
