#!/usr/bin/env bash
# The README's test command: `sudo tests/run.sh [dotnet test arguments]`.
#
# Restores and builds outside any namespace (the test bed's namespace reaches no package
# registry). As root with docker.io installed it starts the Docker test bed and runs every test
# inside the test bed's network namespace, where container addresses are reachable and nothing
# touches the host's network; the test bed is torn down on any exit, failing tests included.
# Without root, tests that need root or Docker skip with a message (in CI, CI=true, they fail).
set -uo pipefail
cd "$(dirname "$0")/.."

summary() {
    local rc=$1 where=$2
    if [[ $rc -eq 0 ]]; then
        echo "== tests/run.sh: all tests passed ($where)"
    else
        echo "== tests/run.sh: TESTS FAILED, exit code $rc ($where)"
    fi
}

if ! command -v dotnet >/dev/null; then
    echo "tests/run.sh: the .NET SDK (dotnet) is not on PATH" >&2
    exit 1
fi

dotnet restore TcpRelay.sln || exit $?
dotnet build TcpRelay.sln --no-restore || exit $?

if [[ $(id -u) -eq 0 ]] && command -v dockerd >/dev/null && command -v docker >/dev/null; then
    # One test bed per run, so that two runs on one machine do not share an engine.
    export TCPRELAY_TESTBED_NAME="${TCPRELAY_TESTBED_NAME:-tcprelay-test-$$}"
    trap 'tests/testbed/testbed.sh down' EXIT
    trap 'exit 130' INT TERM
    testbed_env=$(tests/testbed/testbed.sh up) || { echo "tests/run.sh: the Docker test bed did not start" >&2; exit 1; }
    set -a
    eval "$testbed_env"
    set +a
    echo "tests/run.sh: Docker test bed $TCPRELAY_TESTBED_NAME up, engine at $TCPRELAY_TESTBED_DOCKER_HOST"
    nsenter --net="$TCPRELAY_TESTBED_NETNS" ip link set lo up
    nsenter --net="$TCPRELAY_TESTBED_NETNS" dotnet test TcpRelay.sln --no-build "$@"
    rc=$?
    summary "$rc" "inside the Docker test bed's network namespace $TCPRELAY_TESTBED_NAME"
    exit "$rc"
fi

if [[ $(id -u) -ne 0 ]]; then
    reason="not root: tests that need root or Docker were skipped"
else
    reason="docker.io not installed: Docker tests were skipped"
fi
if [[ "${CI:-}" == "true" ]]; then
    reason="${reason/were skipped/fail in CI}"
fi
dotnet test TcpRelay.sln --no-build "$@"
rc=$?
summary "$rc" "$reason"
exit "$rc"
