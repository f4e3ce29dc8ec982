#!/usr/bin/env bash
# Run the Go SDK's OWN gocheck tests (the Debian package golang-github-aliyun-aliyun-oss-go-sdk-dev's
# oss/*_test.go, GOPATH mode, no module proxy) against a LocalOSS process, one suite at a time.
#
#   Tests/sdk/go/run-upstream.sh                      every suite of every test package (what scripts/test.sh runs)
#   Tests/sdk/go/run-upstream.sh SUITE|REGEXP ...     only these; each argument is a suite name (OssBucketSuite,
#                                                     OssClientSuite, ...) or a gocheck -check.f regexp
#                                                     (e.g. 'OssBucketSuite.TestCopyObject$'), run on its own
#
# The suites are found by grepping `Suite(&Name{})` in the package's *_test.go files (today: OssBucketSuite,
# OssClientSuite, OssConnSuite, OssCrcSuite, OssDownloadSuite, OssErrorSuite, OssCopySuite,
# OssBucketMultipartSuite, OssOptionSuite, OssProgressSuite, OssTypeSuite, OssUploadSuite, OssUtilsSuite; 130
# tests, about 2.5 minutes). The test binary is built once; each suite runs in its own process.
#
# upstream-exclusions.txt beside this script lists the tests expected to fail, one `Suite.Test  reason` a line.
# The run fails when a test that is not listed fails (FAIL, PANIC, or MISS after a failed fixture), and also when
# a listed test passes (so that the list only shrinks: delete its line). Entries whose reason starts with `BUG:`
# are LocalOSS bugs to fix; the others cannot pass here (feature not built yet, test-environment limits); those
# whose reason starts with `[root]` apply only when the tests run as root.
# A per-suite PASS / FAIL / excluded count is printed at the end.
#
# Test-environment notes: the tests read ../sample/BingWallpaper-2015-11-07.jpg and
# "../sample/The Go Programming Language.html", which the Debian (dfsg) package does not ship: random stand-ins
# are made (any 482048-byte file works for the first, except for the two *RoutineWithRecovery tests that assert
# the real JPEG's multipart ETag). OssBucketSuite.TestGetObjectToWriterNegative writes /root/123abc9874, and
# OssBucketMultipartSuite.TestUploadFileNegative expects reading it to fail; the file is removed after each suite.
#
# Environment: LOCALOSS_ENDPOINT (use a running server) or LOCALOSS_BIN,
# LOCALOSS_ACCESS_KEY_ID / LOCALOSS_ACCESS_KEY_SECRET.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
sdk_root=/usr/share/gocode/src/github.com/aliyun/aliyun-oss-go-sdk
exclusions_file="$here/upstream-exclusions.txt"

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

# Copy the SDK (package + its tests) into a private GOPATH; the tests write temp files into their own folder and
# read ../sample/ (stand-ins, see above).
gp="$tmp_root/gopath"
dst="$gp/src/github.com/aliyun/aliyun-oss-go-sdk"
mkdir -p "$dst"
cp -r "$sdk_root/." "$dst/"
chmod -R u+w "$dst"
mkdir -p "$dst/sample"
dd if=/dev/urandom of="$dst/sample/BingWallpaper-2015-11-07.jpg" bs=482048 count=1 status=none
{
    echo '<!DOCTYPE html><html><head><title>The Go Programming Language</title></head><body>'
    for i in $(seq 1 2000); do echo "<p>stand-in line $i</p>"; done
    echo '</body></html>'
} >"$dst/sample/The Go Programming Language.html"

export GO111MODULE=off GOFLAGS= GOPROXY=off
export GOPATH="$gp:/usr/share/gocode"
if [ -z "${GOCACHE:-}" ] && [ -z "${HOME:-}" -o ! -w "${HOME:-/nonexistent}" ]; then
    export GOCACHE="$tmp_root/gocache"
fi
export OSS_TEST_ENDPOINT="$LOCALOSS_ENDPOINT"
export OSS_TEST_ACCESS_KEY_ID="${LOCALOSS_ACCESS_KEY_ID:-LocalOSSTestKey}"
export OSS_TEST_ACCESS_KEY_SECRET="${LOCALOSS_ACCESS_KEY_SECRET:-LocalOSSTestSecret}"

# Exclusions: "Suite.Test reason..." (blank lines and # comments ignored).
declare -A excluded=()
if [ -f "$exclusions_file" ]; then
    while read -r name reason; do
        [[ -z "$name" || "$name" == \#* ]] && continue
        [[ "$reason" == "[root] "* && "$(id -u)" -ne 0 ]] && continue
        excluded[$name]="$reason"
    done <"$exclusions_file"
fi

stray=/root/123abc9874
stray_existed=0
[ -e "$stray" ] && stray_existed=1
remove_stray() { if [ "$stray_existed" -eq 0 ] && [ -f "$stray" ]; then rm -f "$stray"; fi; }

results="$tmp_root/results"   # "Suite Test STATUS" lines
: >"$results"
rc=0
# Every package folder of the SDK that has tests (today only oss/).
mapfile -t pkg_dirs < <(find "$dst" -name '*_test.go' -printf '%h\n' | sort -u)
for pkg_dir in "${pkg_dirs[@]}"; do
    pkg_name="${pkg_dir#"$dst"/}"
    cd "$pkg_dir"
    log "building the test binary of $pkg_name"
    go test -c -o "$tmp_root/$pkg_name.test" . >&2
    if [ $# -gt 0 ]; then
        filters=("$@")
    else
        mapfile -t suites < <(grep -ho 'Suite(&[A-Za-z0-9_]*{})' ./*_test.go | sed -E 's/Suite\(&(.*)\{\}\)/\1/' | sort -u)
        filters=()
        for s in "${suites[@]}"; do filters+=("^$s\\."); done
    fi
    for f in "${filters[@]}"; do
        out="$tmp_root/run.log"
        start=$(date +%s)
        set +e
        "$tmp_root/$pkg_name.test" -test.v -test.count=1 -test.timeout 30m -check.v -check.f "$f" >"$out" 2>&1
        go_rc=$?
        set -e
        end=$(date +%s)
        remove_stray
        cat "$out"
        grep -E '^(PASS|FAIL|PANIC|MISS|SKIP): ' "$out" |
            sed -E 's/^([A-Z]+): [^ ]+ ([A-Za-z0-9_]+)\.([A-Za-z0-9_]+).*/\2 \3 \1/' >>"$results" || true
        n=$(grep -cE '^(PASS|FAIL|PANIC|MISS|SKIP): ' "$out" || true)
        log "$pkg_name -check.f '$f': $n results in $((end - start)) s (exit $go_rc)"
        if [ "$go_rc" -ne 0 ] && ! grep -qE '^(FAIL|PANIC|MISS): ' "$out"; then
            log "  the test binary failed without a gocheck failure (build, timeout or crash): counted as a failure"
            rc=1
        fi
    done
done

# Fixture failures (SetUpSuite, TearDownTest, ...) are reported under the fixture's name; the tests they skip as MISS.
unexpected=()
fixed=()
declare -A seen=()
while read -r suite test status; do
    name="$suite.$test"
    seen[$name]=1
    ok=0
    [[ "$status" == PASS || "$status" == SKIP ]] && ok=1
    if [ -n "${excluded[$name]+x}" ]; then
        [ "$ok" -eq 1 ] && fixed+=("$name")
    elif [ "$ok" -eq 0 ]; then
        unexpected+=("$name ($status)")
    fi
done <"$results"

log "per suite:"
awk -v list="$(printf '%s\n' "${!excluded[@]}")" '
    BEGIN { n = split(list, a, "\n"); for (i = 1; i <= n; i++) if (a[i] != "") ex[a[i]] = 1 }
    { s[$1] = 1; name = $1 "." $2
      if (name in ex) x[$1]++
      else if ($3 == "PASS" || $3 == "SKIP") p[$1]++
      else f[$1]++ }
    END { for (k in s) printf "run-upstream.sh:   %-26s passed=%d excluded=%d failed=%d\n", k, p[k], x[k], f[k] }' \
    "$results" | sort >&2

if [ ${#unexpected[@]} -gt 0 ]; then
    log "FAILED, not in $(basename "$exclusions_file"):"
    printf 'run-upstream.sh:   %s\n' "${unexpected[@]}" >&2
    rc=1
fi
stale=()
if [ $# -eq 0 ]; then
    for name in "${!excluded[@]}"; do [ -n "${seen[$name]+x}" ] || stale+=("$name"); done
fi
if [ ${#stale[@]} -gt 0 ]; then
    log "listed in $(basename "$exclusions_file") but not run by any suite (renamed or removed? delete these lines):"
    printf 'run-upstream.sh:   %s\n' "${stale[@]}" >&2
    rc=1
fi
if [ ${#fixed[@]} -gt 0 ]; then
    log "listed in $(basename "$exclusions_file") but PASSED now (remove these lines):"
    printf 'run-upstream.sh:   %s\n' "${fixed[@]}" >&2
    rc=1
fi
total=$(wc -l <"$results")
log "$total results, ${#unexpected[@]} unexpected failures, ${#fixed[@]} excluded tests passing: $([ "$rc" -eq 0 ] && echo OK || echo FAILED)"
exit "$rc"
