#!/usr/bin/env bash
# Run the Go SDK's OWN gocheck suite (Debian package's oss/*_test.go) against
# LocalOSS, restricted to OssBucketMultipartSuite by default (scripts/test.sh runs
# that suite; it must pass unmodified). Some tests of the other suites cannot pass
# against any emulator (the OSS protocol notes on the Go SDK list them).
#
#   Tests/sdk/go/run-upstream.sh [SUITE|REGEXP ...]   (default OssBucketMultipartSuite)
#
#   Each argument is a suite name (OssBucketSuite, OssDownloadSuite, OssCopySuite,
#   OssUploadSuite, OssCrcSuite, OssClientSuite, ...) or any gocheck -check.f
#   regexp (e.g. 'OssBucketSuite.TestCopyObject$'); several are OR-ed together.
#   A per-suite PASS/FAIL count and the failing tests are printed at the end.
#
# Environment: LOCALOSS_ENDPOINT (use a running server) or LOCALOSS_BIN,
# LOCALOSS_ACCESS_KEY_ID / LOCALOSS_ACCESS_KEY_SECRET.
#
# Known failures (2026-11, none of them a server bug unless noted):
#   OssBucketSuite.TestGetObjectToWriterNegative   expects writing /root/123abc9874 to fail: passes only as non-root
#   OssBucketSuite.TestRestoreObject               Archive storage class + RestoreObject (out of scope)
#   OssBucketSuite.TestSymlink                     symlink (out of scope, 400 NotImplemented)
#   Oss{Download,Copy}Suite.Test*RoutineWithRecovery  hard-coded ETag of the real sample JPEG, which Debian
#                                                  does not ship (a random stand-in file is used)
#   OssUploadSuite.TestUploadRoutineWithRecovery   asserts len(file mtime.String()) == 29 (whole seconds, CST)
#   OssClientSuite: lifecycle/logging/website/CORS/referer tests (out of scope, 400 NotImplemented),
#     TestEndpointFormat (virtual-host name under an IP), TestProxy (needs a proxy on :0),
#     TestIsBucketExist (expects ListBuckets prefix=BucketNameInvalid to fail; UNVERIFIED, objects-and-buckets.md §3)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
sdk_root=/usr/share/gocode/src/github.com/aliyun/aliyun-oss-go-sdk
if [ $# -eq 0 ]; then set -- OssBucketMultipartSuite; fi
filter="$(IFS='|'; echo "$*")"
[ $# -gt 1 ] && filter="($filter)"

log() { echo "run-upstream.sh: $*" >&2; }
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else log "need root to run: $*"; return 1
    fi
}

pkgs=()
command -v go >/dev/null 2>&1 || pkgs+=(golang-go)
[ -f "$sdk_root/oss/multipart_test.go" ] || pkgs+=(golang-github-aliyun-aliyun-oss-go-sdk-dev)
[ -d /usr/share/gocode/src/gopkg.in/check.v1 ] || pkgs+=(golang-gopkg-check.v1-dev)
if [ ${#pkgs[@]} -gt 0 ]; then
    log "installing ${pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get install -y --no-install-recommends "${pkgs[@]}" ||
        { as_root apt-get update && as_root apt-get install -y --no-install-recommends "${pkgs[@]}"; }
fi

tmp_root="$(mktemp -d "${TMPDIR:-/tmp}/localoss-go-upstream.XXXXXX")"
source "$here/server.sh"
start_localoss

# Copy the SDK (package + its tests) into a private GOPATH; the tests write
# temp files into ../oss and read ../sample/BingWallpaper-2015-11-07.jpg, which
# the Debian (dfsg) package does not ship: any 482048-byte file works.
gp="$tmp_root/gopath"
dst="$gp/src/github.com/aliyun/aliyun-oss-go-sdk"
mkdir -p "$dst/sample"
cp -r "$sdk_root/oss" "$dst/oss"
chmod -R u+w "$dst"
dd if=/dev/urandom of="$dst/sample/BingWallpaper-2015-11-07.jpg" bs=482048 count=1 status=none

export GO111MODULE=off GOFLAGS= GOPROXY=off
export GOPATH="$gp:/usr/share/gocode"
if [ -z "${GOCACHE:-}" ] && [ -z "${HOME:-}" -o ! -w "${HOME:-/nonexistent}" ]; then
    export GOCACHE="$tmp_root/gocache"
fi
export OSS_TEST_ENDPOINT="$LOCALOSS_ENDPOINT"
export OSS_TEST_ACCESS_KEY_ID="${LOCALOSS_ACCESS_KEY_ID:-LocalOSSTestKey}"
export OSS_TEST_ACCESS_KEY_SECRET="${LOCALOSS_ACCESS_KEY_SECRET:-LocalOSSTestSecret}"

# TestGetObjectToWriterNegative writes /root/123abc9874 (expecting failure); remove it if we made it.
stray=/root/123abc9874
stray_existed=0
[ -e "$stray" ] && stray_existed=1

cd "$dst/oss"
set +e
go test -v -count=1 -timeout 30m . -check.v -check.f "$filter" 2>&1 | tee "$tmp_root/upstream.log"
rc=${PIPESTATUS[0]}
set -e
pass=$(grep -c '^PASS: ' "$tmp_root/upstream.log" || true)
fail=$(grep -c '^FAIL: ' "$tmp_root/upstream.log" || true)
miss=$(grep -c '^MISS: ' "$tmp_root/upstream.log" || true)
panic=$(grep -c '^PANIC: ' "$tmp_root/upstream.log" || true)
[ "$stray_existed" -eq 0 ] && [ -f "$stray" ] && rm -f "$stray"
# per suite
{ grep -E '^(PASS|FAIL|PANIC|MISS|SKIP): ' "$tmp_root/upstream.log" |
    sed -E 's/^([A-Z]+): [^ ]+ ([A-Za-z0-9]+)\.([A-Za-z0-9_]+).*/\2 \1 \3/' |
    awk '{n[$1" "$2]++; s[$1]=1; if ($2 != "PASS" && $2 != "SKIP") bad[$1]=bad[$1]" "$3}
         END {for (x in s) printf "run-upstream.sh: %-26s PASS=%d FAIL=%d PANIC=%d MISS=%d%s\n", x,
              n[x" PASS"], n[x" FAIL"], n[x" PANIC"], n[x" MISS"], (bad[x] ? "  failing:" bad[x] : "")}' |
    sort >&2; } || true
log "summary for -check.f '$filter': PASS=$pass FAIL=$fail PANIC=$panic MISS=$miss (go test exit $rc)"
exit "$rc"
