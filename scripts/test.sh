#!/usr/bin/env bash
# Runs every test: Swift unit and integration tests, then the official SDKs (Python oss2 and
# alibabacloud-oss-v2, the Go SDK) against a real localoss process on loopback.
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
step "Go SDK's own OssBucketMultipartSuite" Tests/sdk/go/run-upstream.sh OssBucketMultipartSuite
step "Benchmark, short mode (prints figures; fails only on wrong results)" bench/run.sh --quick
step "Fuzzing: HTTP parser and XML reader (${FUZZ_SECONDS:-60} s each)" Tests/fuzz/run.sh
exit $status
