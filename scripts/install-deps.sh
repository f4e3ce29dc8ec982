#!/usr/bin/env bash
# Installs what LocalOSS needs on Debian/Ubuntu. `--tests` adds what the SDK test suites need.
# Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(pkg-config libsqlite3-dev libxml2-dev libssl-dev libisal-dev)
if [[ "${1:-}" == "--tests" ]]; then
  packages+=(golang-go golang-github-aliyun-aliyun-oss-go-sdk-dev golang-gopkg-check.v1-dev python3-pip python3-venv curl
    chromium chromium-driver)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "Installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null; then
  echo "Swift 6.2 or newer is required (https://www.swift.org/install/linux/); it is not packaged by Debian." >&2
  exit 1
fi

if [[ "${1:-}" == "--tests" ]]; then
  here=$(cd "$(dirname "$0")/.." && pwd)
  python3 -m pip install -q --disable-pip-version-check -r "$here/Tests/sdk/python/requirements.txt" \
    -r "$here/Tests/sdk/oss2-upstream/requirements.txt"
fi
