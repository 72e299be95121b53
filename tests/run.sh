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

log=$(mktemp /tmp/tcprelay-tests.XXXXXX)

# dotnet test prints one "Passed!/Failed!  - Failed: F, Passed: P, Skipped: S" line per test
# project; the closing line adds them up, in the form CI reads.
summary() {
    local rc=$1 where=$2
    if [[ $rc -eq 0 ]]; then
        echo "== tests/run.sh: all tests passed ($where)"
    else
        echo "== tests/run.sh: TESTS FAILED, exit code $rc ($where)"
    fi
    awk -F'[:,]' '/(Passed|Failed)! +- Failed:/ {
            for (i = 1; i < NF; i++) {
                key = $i; gsub(/.*- /, "", key); gsub(/ /, "", key); val = $(i + 1) + 0
                if (key == "Failed") f += val; else if (key == "Passed") p += val; else if (key == "Skipped") s += val
            }
        }
        END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
    rm -f "$log"
}

# One test project after the other: the projects share the one Docker engine, and a test that
# restarts it must not pull it away from another project's tests.
run_tests() {
    local rc=0 project
    for project in tests/TcpRelay.Core.Tests tests/TcpRelay.Tests; do
        # A test that hangs fails the run after 15 minutes (the whole suite takes about 5)
        # instead of holding CI until its limit.
        "${in_netns[@]}" dotnet test "$project" --no-build \
            --blame-hang-timeout 15m --blame-hang-dump-type none "$@" | tee -a "$log"
        [[ ${PIPESTATUS[0]} -eq 0 ]] || rc=1
    done
    return "$rc"
}
in_netns=()

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
    in_netns=(nsenter --net="$TCPRELAY_TESTBED_NETNS")
    run_tests "$@"
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
run_tests "$@"
rc=$?
summary "$rc" "$reason"
exit "$rc"
