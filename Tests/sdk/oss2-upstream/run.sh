#!/usr/bin/env bash
# Run oss2 2.19.1's OWN test suite (the tests/ folder of its PyPI sdist) against a LocalOSS process.
#
#   Tests/sdk/oss2-upstream/run.sh [extra pytest args, e.g. a node id or -k EXPR]
#
# Steps: pip-downloads the sdist (pip's cache makes later runs offline-fast), unpacks it into a temporary folder,
# unpacks over it the data files its tests read but the sdist lacks (fixtures/upstream/oss2-tests-data-2.19.1.tar.gz),
# starts a LocalOSS server on a free port, points the suite's environment variables (OSS_TEST_ENDPOINT,
# OSS_TEST_ACCESS_KEY_ID, ...) at it and runs pytest with a per-test timeout.
#
# exclusions.txt beside this script lists the tests expected to fail, one `node-id  reason` a line; the
# localoss_exclusions.py plugin runs each as a strict xfail (the run fails if a listed test passes: delete its line)
# or, for reasons starting with `[not run]`, deselects it (tests that call Alibaba Cloud's public endpoints, STS,
# KMS or RAM, or that sleep for minutes). `BUG:` marks a LocalOSS bug to fix. The run fails if any other test fails.
#
# Environment: LOCALOSS_BIN (default .build/debug/localoss), LOCALOSS_ENDPOINT (use a running server instead),
# OSS2_TEST_TIMEOUT (seconds per test, default 120), LOCALOSS_OSS2_JUNIT (write a JUnit XML report there).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
version=2.19.1
data_tarball="$repo/fixtures/upstream/oss2-tests-data-$version.tar.gz"
log() { echo "oss2-upstream: $*" >&2; }

if [ -n "${LOCALOSS_BIN:-}" ]; then
    LOCALOSS_BIN="$(cd "$(dirname "$LOCALOSS_BIN")" && pwd)/$(basename "$LOCALOSS_BIN")"
    export LOCALOSS_BIN
fi

python3 -m pip install -q --disable-pip-version-check -r "$here/requirements.txt"

tmp_root="$(mktemp -d "${TMPDIR:-/tmp}/localoss-oss2-upstream.XXXXXX")"
source "$repo/Tests/sdk/go/server.sh"

log "downloading the oss2 $version sdist"
python3 -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: "oss2==$version" -d "$tmp_root/dist"
tar -xzf "$tmp_root/dist/oss2-$version.tar.gz" -C "$tmp_root"
suite="$tmp_root/oss2-$version"
tar -xzf "$data_tarball" -C "$suite"

# A second account (requester pays, bucket policies naming it): its key pair and UID, in a credentials file.
export OSS_TEST_PAYER_ACCESS_KEY_ID=LocalOSSPayerKey
export OSS_TEST_PAYER_ACCESS_KEY_SECRET=LocalOSSPayerSecret
export OSS_TEST_PAYER_UID=1000000000000002
printf '%s:%s:%s\n' "$OSS_TEST_PAYER_ACCESS_KEY_ID" "$OSS_TEST_PAYER_ACCESS_KEY_SECRET" "$OSS_TEST_PAYER_UID" \
    >"$tmp_root/credentials"
start_localoss --credentials-file "$tmp_root/credentials"

export OSS_TEST_ENDPOINT="$LOCALOSS_ENDPOINT"
export OSS_TEST_ACCESS_KEY_ID="${LOCALOSS_ACCESS_KEY_ID:-LocalOSSTestKey}"
export OSS_TEST_ACCESS_KEY_SECRET="${LOCALOSS_ACCESS_KEY_SECRET:-LocalOSSTestSecret}"
export OSS_TEST_REGION=cn-hangzhou
# Inventory destinations name a RAM role and its account; LocalOSS stores them without calling RAM.
export OSS_TEST_RAM_ROLE_ARN="acs:ram::1305433975557637:role/AliyunOSSRole"
export OSS_TEST_RAM_UID=1305433975557637
# Not set, so the tests that need them fail fast or are excluded: OSS_TEST_STS_ID / _KEY / _ARN (STS AssumeRole),
# OSS_TEST_UID, OSS_TEST_CNAME,
# OSS_TEST_AUTH_SERVER_HOST. OSS_TEST_AUTH_VERSION unset = signature V1 (oss2's default).
unset OSS_TEST_BUCKET OSS_TEST_STS_ID OSS_TEST_STS_KEY OSS_TEST_STS_ARN OSS_TEST_AUTH_VERSION
export LOCALOSS_OSS2_EXCLUSIONS="$here/exclusions.txt"
[ $# -eq 0 ] && export LOCALOSS_OSS2_FULL=1
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1

# Run tests/ unless node ids or paths under it were given (the sdist's unittests/ are offline mocks).
args=("$@")
has_path=0
for a in "$@"; do [[ "$a" == tests* ]] && has_path=1; done
[ "$has_path" -eq 1 ] || args=(tests "${args[@]}")

cd "$suite"
set +e
# --tb=native: pytest's own traceback formatter crashes (INTERNALERROR, AST recursion) on some of these tests.
python3 -m pytest -p no:cacheprovider -p no:logging -p localoss_exclusions --rootdir "$suite" \
    --timeout "${OSS2_TEST_TIMEOUT:-120}" --tb=native --show-capture=no -q -rfEX --durations=15 \
    ${LOCALOSS_OSS2_JUNIT:+--junitxml "$LOCALOSS_OSS2_JUNIT"} \
    "${args[@]}"
rc=$?
set -e
log "pytest exit status $rc"
exit "$rc"
