#!/usr/bin/env bash
# SignalPipeline's two entry points (see README):
#   ./build.sh demo   sample extracts → ingest → nightly → review UI on http://127.0.0.1:7071
#   ./build.sh test   every test: unit, Azurite integration, host-play, browser (headless Debian chromium)
# Needs only the .NET 10 SDK and Node/npm; installs the rest (npm packages, Debian chromium for the browser test).
set -euo pipefail
cd "$(dirname "$0")"

npm_install() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "== npm ci (azurite, playwright-core)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

chromium_install() {
  if [ ! -x /usr/bin/chromium ]; then
    echo "== installing Debian chromium for the browser test"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  fi
}

case "${1:-}" in
  demo)
    shift
    npm_install
    exec dotnet run --project functions/SignalPipeline.Functions -c Release -- demo "$@"
    ;;
  test)
    npm_install
    chromium_install
    log=$(mktemp)
    set +e
    dotnet test SignalPipeline.sln -c Release 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    # One plain closing line for CI readers: "N passed, N failed".
    passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
    failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
    rm -f "$log"
    echo "${passed:-0} passed, ${failed:-0} failed"
    exit "$rc"
    ;;
  *)
    echo "usage: ./build.sh demo [--date yyyy-MM-dd] | ./build.sh test" >&2
    exit 1
    ;;
esac
