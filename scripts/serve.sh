#!/usr/bin/env bash
# Builds LocalOSS (release) and runs it: http://127.0.0.1:9800, data in ./localoss-data,
# access key LocalOSSTestKey / LocalOSSTestSecret. Extra arguments go to `localoss serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product localoss
exec .build/release/localoss serve "$@"
