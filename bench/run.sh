#!/usr/bin/env bash
# Builds release localoss and the benchmark driver (scratch path .build-bench), optionally installs and starts moto's
# server as a peer, runs the driver and prints its table.
#
#   bench/run.sh                 # full run against LocalOSS alone
#   bench/run.sh --quick         # CI's short mode: exits non-zero only on correctness failures, never on time
#   bench/run.sh --peer moto     # the same workload against moto_server too, side by side
#   bench/run.sh --peer http://127.0.0.1:PORT   # against a server already running (path-style S3, unsigned)
#
# Other arguments go to the driver unchanged (see `localoss-bench --help`). LOCALOSS_BENCH_NO_BUILD=1 skips the build.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scratch="$root/.build-bench"

peer=""
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --peer)
            [ $# -ge 2 ] || { echo "--peer needs moto or a URL" >&2; exit 2; }
            peer="$2"
            shift 2
            ;;
        *)
            args+=("$1")
            shift
            ;;
    esac
done

if [ "${LOCALOSS_BENCH_NO_BUILD:-0}" != 1 ]; then
    echo "[run.sh] building release localoss and localoss-bench in $scratch" >&2
    swift build -c release --product localoss --scratch-path "$scratch" >&2
    swift build -c release --product localoss-bench --scratch-path "$scratch" >&2
fi
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)"

# wrk and nginx for the small-request lines (nginx is the reference), from Debian's packages when missing, as
# scripts/install-deps.sh installs. If they cannot be installed, the driver prints n/a with the reason.
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if ((${#missing[@]})) && command -v apt-get >/dev/null; then
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    echo "[run.sh] installing ${missing[*]} with apt-get" >&2
    if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"; } \
        >/dev/null 2>&1; then
        echo "[run.sh] could not install ${missing[*]}; the small.* lines will be n/a" >&2
    fi
fi

peer_args=()
if [ "$peer" = moto ]; then
    python="${PYTHON:-python3}"
    if ! "$python" -c 'import moto.server, flask, werkzeug' >/dev/null 2>&1; then
        echo "[run.sh] installing moto[server] with pip" >&2
        "$python" -m pip install --quiet 'moto[server]' >&2
    fi
    # The console script beside this interpreter (not a pyenv shim, whose start-up would count as moto's).
    moto="$("$python" -c 'import os, sys; print(os.path.join(os.path.dirname(sys.executable), "moto_server"))')"
    [ -x "$moto" ] || moto="$(command -v moto_server)"
    # A free loopback port.
    port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    # S3 wants parts of 5 MiB; OSS (and this workload) 100 KiB. Same rule for both servers.
    peer_args=(--peer "http://127.0.0.1:$port" --peer-name moto
        --peer-cmd "env S3_UPLOAD_PART_MIN_SIZE=102400 $moto -H 127.0.0.1 -p $port")
elif [ -n "$peer" ]; then
    peer_args=(--peer "$peer")
fi

status=0
"$bin/localoss-bench" --localoss "$bin/localoss" "${peer_args[@]}" "${args[@]}" || status=$?

# Idle keep-alive connections: threads, RSS and a fresh client's GET latency (figures only, like the table above).
idle=10000
for a in "${args[@]}"; do [ "$a" = --quick ] && idle=1000; done
echo "[run.sh] $idle idle keep-alive connections" >&2
python3 "$root/bench/idle_connections.py" --binary "$bin/localoss" --connections "$idle" --samples 100 || status=1

# What the request journal costs a small GET: server CPU per request with and without it (figures only).
rounds=3 seconds=3
for a in "${args[@]}"; do [ "$a" = --quick ] && rounds=1 seconds=1; done
echo "[run.sh] journal overhead, $rounds round(s) of $seconds s" >&2
python3 "$root/bench/journal_overhead.py" --binary "$bin/localoss" --rounds "$rounds" --seconds "$seconds" || status=1

# Reset, snapshot and restore of a data directory of 10,000 objects (1,000 in --quick mode); figures only.
objects=10000
for a in "${args[@]}"; do [ "$a" = --quick ] && objects=1000; done
echo "[run.sh] state operations on $objects objects" >&2
python3 "$root/bench/state_ops.py" --binary "$bin/localoss" --objects "$objects" || status=1

# One ListObjectVersions page of 1,000 among many versions (figures only; fewer versions in the short mode).
versions=100000
for a in "${args[@]}"; do [ "$a" = --quick ] && versions=20000; done
echo "[run.sh] ListObjectVersions page among $versions versions" >&2
python3 "$root/bench/list_versions.py" --binary "$bin/localoss" --versions "$versions" || status=1
exit $status
