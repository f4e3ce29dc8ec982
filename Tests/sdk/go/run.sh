#!/usr/bin/env bash
# Run the Go SDK (aliyun-oss-go-sdk 1.5.0, Debian) test suite against LocalOSS.
#
#   Tests/sdk/go/run.sh [go test flags…]      e.g.  run.sh -run 'TestGuide'
#
# Environment:
#   LOCALOSS_ENDPOINT   use an already running server (e.g. http://127.0.0.1:9800; start it with
#                       --base-domain oss-local.test for the virtual-hosted tests);
#                       otherwise one is started on a free port with a temporary data dir
#   LOCALOSS_BIN        server binary (default: <repo>/.build/debug/localoss)
#   LOCALOSS_ACCESS_KEY_ID / LOCALOSS_ACCESS_KEY_SECRET   (default LocalOSSTestKey / LocalOSSTestSecret)
#   LOCALOSS_OTHER_ACCESS_KEY_ID / _SECRET, LOCALOSS_OTHER_UID   a second account (set for a server started here)
#
# Installs golang-go and golang-github-aliyun-aliyun-oss-go-sdk-dev with apt-get
# when missing (needs root or sudo). Builds in GOPATH mode: no module proxy needed.
# Exit status: that of `go test` (or 2 on setup failure).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
sdk_dir=/usr/share/gocode/src/github.com/aliyun/aliyun-oss-go-sdk/oss

log() { echo "run.sh: $*" >&2; }

# ---------------------------------------------------------------- dependencies
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else log "need root to run: $*"; return 1
    fi
}

ensure_deps() {
    local pkgs=()
    command -v go >/dev/null 2>&1 || pkgs+=(golang-go)
    [ -f "$sdk_dir/multipart.go" ] || pkgs+=(golang-github-aliyun-aliyun-oss-go-sdk-dev)
    # The SDK package itself imports only the standard library.
    [ ${#pkgs[@]} -eq 0 ] && return 0
    log "installing ${pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! as_root apt-get install -y --no-install-recommends "${pkgs[@]}"; then
        log "apt-get install failed; running apt-get update first"
        as_root apt-get update
        as_root apt-get install -y --no-install-recommends "${pkgs[@]}"
    fi
    command -v go >/dev/null 2>&1 || { log "go still missing"; exit 2; }
    [ -f "$sdk_dir/multipart.go" ] || { log "Go OSS SDK still missing at $sdk_dir"; exit 2; }
}
ensure_deps || exit 2

# ---------------------------------------------------------------- server
tmp_root="$(mktemp -d "${TMPDIR:-/tmp}/localoss-go-sdk.XXXXXX")"
source "$here/server.sh"
# oss-local.test: base domain of the virtual-hosted tests (auth_test.go), reached through oss.Proxy. A second
# account's keys (policy_test.go) come from a credentials file; with LOCALOSS_ENDPOINT those tests are skipped.
if [ -z "${LOCALOSS_ENDPOINT:-}" ]; then
    export LOCALOSS_OTHER_ACCESS_KEY_ID=LocalOSSOtherKey LOCALOSS_OTHER_ACCESS_KEY_SECRET=LocalOSSOtherSecret
    export LOCALOSS_OTHER_UID=1000000000000002
    printf '%s:%s:%s\n' "$LOCALOSS_OTHER_ACCESS_KEY_ID" "$LOCALOSS_OTHER_ACCESS_KEY_SECRET" "$LOCALOSS_OTHER_UID" \
        >"$tmp_root/credentials"
fi
# Sweeps run only when a test asks (`/_localoss/lifecycle/run`): a timed one could expire what a test is checking.
start_localoss --base-domain oss-local.test --lifecycle-interval 0 ${LOCALOSS_OTHER_UID:+--credentials-file "$tmp_root/credentials"}

# ---------------------------------------------------------------- go test
export GO111MODULE=off
export GOPATH="$here:/usr/share/gocode"
export GOFLAGS=
export GOPROXY=off
if [ -z "${GOCACHE:-}" ] && [ -z "${HOME:-}" -o ! -w "${HOME:-/nonexistent}" ]; then
    export GOCACHE="$tmp_root/gocache"
fi

cd "$here/src/localosssdk"
set +e
go test -v -count=1 -timeout 20m "$@" .
rc=$?
set -e
if [ -n "$server_pid" ] && ! kill -0 "$server_pid" 2>/dev/null; then
    log "note: the server process died during the run; stderr:"
    tail -n 50 "$tmp_root/server.err" >&2 || true
elif [ -n "$server_pid" ] && [ "$rc" -ne 0 ] && [ -s "$tmp_root/server.err" ]; then
    log "go test failed; last lines of the server's stderr:"
    tail -n 30 "$tmp_root/server.err" >&2 || true
fi
exit "$rc"
