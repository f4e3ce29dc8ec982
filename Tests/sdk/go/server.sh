# Sourced by run.sh, run-upstream.sh and ../oss2-upstream/run.sh: starts a localoss server for the tests unless
# LOCALOSS_ENDPOINT is set, exports LOCALOSS_ENDPOINT, and stops the server and removes $tmp_root on exit.
# Needs: $repo, $tmp_root, a log() function. Usage: start_localoss [extra `localoss serve` arguments...]

server_pid=""
cleanup() {
    local rc=$?
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$server_pid" 2>/dev/null; then
            log "server did not stop on SIGTERM; sending SIGKILL"
            kill -KILL "$server_pid" 2>/dev/null || true
        fi
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp_root"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_localoss() {
    if [ -n "${LOCALOSS_ENDPOINT:-}" ]; then
        log "using running server at $LOCALOSS_ENDPOINT"
        return 0
    fi
    local bin="${LOCALOSS_BIN:-$repo/.build/debug/localoss}"
    if [ ! -x "$bin" ]; then
        log "server binary not found or not executable: $bin (build it, or set LOCALOSS_BIN / LOCALOSS_ENDPOINT)"
        exit 2
    fi
    mkdir -p "$tmp_root/data"
    "$bin" serve --host 127.0.0.1 --port 0 --data-dir "$tmp_root/data" "$@" \
        >"$tmp_root/server.out" 2>"$tmp_root/server.err" &
    server_pid=$!
    local endpoint="" line
    for _ in $(seq 1 300); do   # up to 30 s
        line="$(head -n 1 "$tmp_root/server.out" 2>/dev/null || true)"
        if [[ "$line" =~ ^LocalOSS\ listening\ on\ (http://[^[:space:]]+) ]]; then
            endpoint="${BASH_REMATCH[1]}"
            break
        fi
        if ! kill -0 "$server_pid" 2>/dev/null; then
            log "server exited early; stdout/stderr:"
            cat "$tmp_root/server.out" "$tmp_root/server.err" >&2 || true
            exit 2
        fi
        sleep 0.1
    done
    if [ -z "$endpoint" ]; then
        log "server did not print 'LocalOSS listening on http://…' within 30 s; stdout/stderr:"
        cat "$tmp_root/server.out" "$tmp_root/server.err" >&2 || true
        exit 2
    fi
    export LOCALOSS_ENDPOINT="$endpoint"
    log "started $bin (pid $server_pid) at $LOCALOSS_ENDPOINT"
}
