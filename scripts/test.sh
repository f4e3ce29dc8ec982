#!/usr/bin/env bash
# Runs every test: Swift unit and integration tests (also under ThreadSanitizer), the official SDKs (Python oss2
# and alibabacloud-oss-v2, the Go SDK) against a real localoss process on loopback, the SDKs' own test suites (every
# gocheck suite of the Go SDK, oss2's tests/) with their exclusion lists, the reliability harness, the benchmark in
# its short mode, and the fuzzers.
# LOCALOSS_LONG=1 runs the long crash mode (200 kill points per storage mode); FUZZ_SECONDS sets the fuzzing time.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests || exit 1

status=0
step() {
  local name=$1
  shift
  echo "==> $name"
  if "$@"; then echo "==> $name: passed"; else echo "==> $name: FAILED"; status=1; fi
}

swift build --product localoss || exit 1
export LOCALOSS_BIN="$PWD/.build/debug/localoss"
step "swift test" swift test
step "swift test under ThreadSanitizer" swift test --sanitize=thread --scratch-path .build-tsan
step "Python SDK tests (oss2, alibabacloud-oss-v2)" Tests/sdk/python/run.sh
step "Go SDK tests" Tests/sdk/go/run.sh
step "Test helpers for Python and Go (Sources/clients)" Sources/clients/run-tests.sh
step "Reliability: crash points, races, hostile HTTP/XML/names${LOCALOSS_LONG:+ (long mode)}" Tests/reliability/run.sh
step "Go SDK's own test suites, every suite (exclusions: Tests/sdk/go/upstream-exclusions.txt)" Tests/sdk/go/run-upstream.sh
step "oss2's own test suite (exclusions: Tests/sdk/oss2-upstream/exclusions.txt)" Tests/sdk/oss2-upstream/run.sh
step "Benchmark, short mode (prints figures; fails only on wrong results)" bench/run.sh --quick
step "Fuzzing: HTTP parser and XML reader (${FUZZ_SECONDS:-60} s each)" Tests/fuzz/run.sh
exit $status
