#!/usr/bin/env bash
# Python SDK suite against the LocalOSS binary ($LOCALOSS_BIN, default .build/debug/localoss).
# Usage (from anywhere): Tests/sdk/python/run.sh [extra pytest args]. Exit status is pytest's.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
if [ -n "${LOCALOSS_BIN:-}" ]; then
  # make a relative path absolute before changing directory
  LOCALOSS_BIN="$(cd "$(dirname "$LOCALOSS_BIN")" && pwd)/$(basename "$LOCALOSS_BIN")"
  export LOCALOSS_BIN
fi
cd "$ROOT" || exit 2
export PYTHONDONTWRITEBYTECODE=1
python3 -m pip install -q --disable-pip-version-check -r "$HERE/requirements.txt" || exit $?
python3 -m pytest -q Tests/sdk/python "$@"
exit $?
