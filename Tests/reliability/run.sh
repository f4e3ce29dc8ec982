#!/usr/bin/env bash
# Reliability and hostile-input suite against the LocalOSS binary ($LOCALOSS_BIN, default .build/debug/localoss).
# Usage (from anywhere): Tests/reliability/run.sh [--long] [extra pytest args]
#   --long (or LOCALOSS_LONG=1): 200 crash trials per mode instead of 20.  LOCALOSS_SEED=N replays a crash run.
# Exit status is pytest's.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
if [ -n "${LOCALOSS_BIN:-}" ]; then
  # make a relative path absolute before changing directory
  LOCALOSS_BIN="$(cd "$(dirname "$LOCALOSS_BIN")" && pwd)/$(basename "$LOCALOSS_BIN")"
  export LOCALOSS_BIN
fi
cd "$ROOT" || exit 2
export PYTHONDONTWRITEBYTECODE=1
python3 -m pip install -q --disable-pip-version-check -r "$ROOT/Tests/sdk/python/requirements.txt" || exit $?
python3 -m pytest -p no:cacheprovider -q Tests/reliability "$@"
exit $?
