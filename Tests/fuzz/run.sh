#!/usr/bin/env bash
# Builds the libFuzzer targets (HTTP request-head parser, XML reader) with address sanitizer and runs each for
# FUZZ_SECONDS (default 60) from the seed corpus in fixtures/fuzz/. Fails on any crash or sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-60}
out=.build-fuzz
mkdir -p "$out"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g)

swiftc "${flags[@]}" -module-name FuzzHTTP -o "$out/fuzz-http" \
  Sources/LocalOSS/HTTP/HTTPRequestParser.swift Sources/LocalOSS/HTTP/HTTPHeaders.swift \
  Sources/LocalOSS/HTTP/HTTPRequestHead.swift Sources/LocalOSS/Protocol/QueryParameters.swift \
  Sources/LocalOSS/Digest/Encoding.swift Sources/LocalOSS/Support/String+Trimming.swift \
  Tests/fuzz/HTTPParserFuzz.swift 2> >(grep -v "ld.gold: warning" >&2)
swiftc "${flags[@]}" -module-name FuzzXML -o "$out/fuzz-xml" -I Sources/CLibXML2 -Xcc -I/usr/include/libxml2 -lxml2 \
  Sources/LocalOSS/Protocol/XML/XMLDocument.swift Sources/LocalOSS/Protocol/XML/CompleteMultipartUploadBody.swift \
  Sources/LocalOSS/Protocol/OSSErrorCode.swift Sources/LocalOSS/Support/String+Trimming.swift \
  Tests/fuzz/XMLReaderFuzz.swift 2> >(grep -v "ld.gold: warning" >&2)

status=0
for target in http xml; do
  corpus=$(mktemp -d)
  cp fixtures/fuzz/$target/* "$corpus"/
  echo "==> fuzz-$target for ${seconds}s"
  if "$out/fuzz-$target" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 \
      -artifact_prefix="$out/crash-$target-" "$corpus" 2>"$out/fuzz-$target.log"; then
    grep -E "stat::number_of_executed_units|stat::new_units_added|cov:" "$out/fuzz-$target.log" | tail -3
    echo "fuzz-$target: no crash"
  else
    tail -30 "$out/fuzz-$target.log"
    echo "fuzz-$target: CRASH (see $out/crash-$target-*)"
    status=1
  fi
  rm -rf "$corpus"
done
exit $status
