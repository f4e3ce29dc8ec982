#!/usr/bin/env bash
# Tests of the test helpers, each by its own language's runner, against a real localoss binary:
#   Python: Sources/clients/python/tests (pytest), the package installed into a virtual environment;
#   Go:     Sources/clients/go/localosstest (go test, GOPATH mode, no module proxy), using Debian's Go OSS SDK.
#
#   Sources/clients/run-tests.sh [python|go]...     (default: both)
#
# Environment: LOCALOSS_BIN (default <repo>/.build/debug/localoss; this script builds nothing),
# LOCALOSS_CLIENTS_VENV (the venv, default <repo>/.build/clients-venv, kept between runs so pip is fast).
# Needs python3 with venv, go and golang-github-aliyun-aliyun-oss-go-sdk-dev (scripts/install-deps.sh --tests).
# Exit status: 0 when every runner passed, 1 otherwise (2 when the binary is missing).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
log() { echo "clients: $*" >&2; }

bin="${LOCALOSS_BIN:-$repo/.build/debug/localoss}"
# absolute, since each runner works from its own directory
bin="$(cd "$(dirname "$bin")" 2>/dev/null && pwd)/$(basename "$bin")"
if [ ! -x "$bin" ]; then
    log "server binary not found or not executable: $bin (build it: swift build --product localoss, or set LOCALOSS_BIN)"
    exit 2
fi
export LOCALOSS_BIN="$bin"
export PYTHONDONTWRITEBYTECODE=1

run_python() {
    local venv="${LOCALOSS_CLIENTS_VENV:-$repo/.build/clients-venv}"
    if [ ! -x "$venv/bin/python" ]; then
        log "creating a virtual environment in $venv"
        python3 -m venv "$venv" || { log "python3 -m venv failed (Debian: apt-get install python3-venv)"; return 2; }
    fi
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$here/python/tests/requirements.txt" ||
        return 2
    # A real (not editable) install: the tests see the package, and its pytest11 entry point, as users get it.
    # Built from a copy, since setuptools writes build/ and *.egg-info/ beside the sources.
    local copy
    copy="$(mktemp -d "${TMPDIR:-/tmp}/localoss-clients-py.XXXXXX")" || return 2
    cp -R "$here/python/pyproject.toml" "$here/python/README.md" "$here/python/localoss_testing" "$copy/"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation \
        --force-reinstall "$copy"
    local rc=$?
    rm -rf "$copy"
    [ "$rc" -eq 0 ] || return 2
    # The venv's pytest script, not `python -m pytest`, which would import the source tree from the working directory.
    (cd "$here/python" && "$venv/bin/pytest" -q -p no:cacheprovider -rs tests)
}

run_go() {
    local sdk=/usr/share/gocode/src/github.com/aliyun/aliyun-oss-go-sdk/oss
    command -v go >/dev/null 2>&1 || { log "go not found (scripts/install-deps.sh --tests)"; return 2; }
    [ -f "$sdk/client.go" ] || { log "Go OSS SDK missing at $sdk (scripts/install-deps.sh --tests)"; return 2; }
    # GOPATH mode: a throwaway GOPATH where the package sits at its import path (a symlink to the source), with
    # Debian's /usr/share/gocode for the SDK.
    local gopath
    gopath="$(mktemp -d "${TMPDIR:-/tmp}/localoss-clients-go.XXXXXX")" || return 2
    local import_path=github.com/localoss/localoss/clients/go/localosstest
    mkdir -p "$gopath/src/$(dirname "$import_path")"
    ln -s "$here/go/localosstest" "$gopath/src/$import_path"
    local cache="${GOCACHE:-}"
    if [ -z "$cache" ] && { [ -z "${HOME:-}" ] || [ ! -w "${HOME:-/nonexistent}" ]; }; then cache="$gopath/gocache"; fi
    local rc=0
    (cd "$gopath/src/$import_path" &&
        env GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOFLAGS= GOPROXY=off ${cache:+GOCACHE="$cache"} \
            go test -count=1 -timeout 10m -v .) || rc=$?
    rm -rf "$gopath"
    return "$rc"
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(python go)
status=0
for target in "${targets[@]}"; do
    case "$target" in
        python | go) ;;
        *) log "unknown target: $target (python or go)"; exit 2 ;;
    esac
    log "== $target"
    "run_$target"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        log "$target: FAILED (status $rc)"
        status=1
    else
        log "$target: passed"
    fi
done
exit "$status"
