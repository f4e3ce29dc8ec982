#!/usr/bin/env bash
# Run the Go SDK's OWN gocheck suite (Debian package's oss/*_test.go) against
# LocalOSS, restricted to OssBucketMultipartSuite by default. Informational:
# not part of run.sh. Some of its tests cannot pass against any emulator (see
# docs/protocol/sdk-notes.md §2); its SetUpSuite also needs ListObjects.
#
#   Tests/sdk/go/run-upstream.sh [gocheck filter regexp]   (default OssBucketMultipartSuite)
#
# Environment: LOCALOSS_ENDPOINT (use a running server) or LOCALOSS_BIN,
# LOCALOSS_ACCESS_KEY_ID / LOCALOSS_ACCESS_KEY_SECRET.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
sdk_root=/usr/share/gocode/src/github.com/aliyun/aliyun-oss-go-sdk
filter="${1:-OssBucketMultipartSuite}"

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
server_pid=""
cleanup() {
    local rc=$?
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$server_pid" 2>/dev/null && kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp_root"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "${LOCALOSS_ENDPOINT:-}" ]; then
    bin="${LOCALOSS_BIN:-$repo/.build/debug/localoss}"
    [ -x "$bin" ] || { log "server binary not found: $bin"; exit 2; }
    mkdir -p "$tmp_root/data"
    linebuf=()
    command -v stdbuf >/dev/null 2>&1 && linebuf=(stdbuf -oL -eL)
    "${linebuf[@]}" "$bin" serve --host 127.0.0.1 --port 0 --data-dir "$tmp_root/data" \
        >"$tmp_root/server.out" 2>"$tmp_root/server.err" &
    server_pid=$!
    endpoint=""
    for _ in $(seq 1 300); do
        line="$(head -n 1 "$tmp_root/server.out" 2>/dev/null || true)"
        if [[ "$line" =~ ^LocalOSS\ listening\ on\ (http://[^[:space:]]+) ]]; then
            endpoint="${BASH_REMATCH[1]}"; break
        fi
        kill -0 "$server_pid" 2>/dev/null || { cat "$tmp_root/server.err" >&2; exit 2; }
        sleep 0.1
    done
    [ -n "$endpoint" ] || { log "server did not announce its endpoint"; exit 2; }
    export LOCALOSS_ENDPOINT="$endpoint"
    log "started $bin (pid $server_pid) at $LOCALOSS_ENDPOINT"
fi

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

cd "$dst/oss"
set +e
go test -v -count=1 -timeout 30m . -check.v -check.f "$filter" 2>&1 | tee "$tmp_root/upstream.log"
rc=${PIPESTATUS[0]}
set -e
pass=$(grep -c '^PASS: ' "$tmp_root/upstream.log" || true)
fail=$(grep -c '^FAIL: ' "$tmp_root/upstream.log" || true)
miss=$(grep -c '^MISS: ' "$tmp_root/upstream.log" || true)
panic=$(grep -c '^PANIC: ' "$tmp_root/upstream.log" || true)
log "summary for -check.f '$filter': PASS=$pass FAIL=$fail PANIC=$panic MISS=$miss (go test exit $rc)"
exit "$rc"
