#!/usr/bin/env bash
# Run pytest over tests/ against a throwaway PostgreSQL cluster that is always stopped afterwards.
# Usage: scripts/run-tests.sh [PYTEST ARGS...]   (run from the repository root; make test calls it)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

cluster=$(mktemp -d "${TMPDIR:-/tmp}/gateway-pg.XXXXXX")
cleanup() {
  scripts/pg-cluster.sh stop "$cluster" || true
  rm -rf "$cluster"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

GATEWAY_TEST_POSTGRES_URL=$(scripts/pg-cluster.sh start "$cluster")
export GATEWAY_TEST_POSTGRES_URL
echo "test cluster: ${GATEWAY_TEST_POSTGRES_URL}"

status=0
.venv/bin/pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure, not a pass" >&2
fi
exit "$status"
