#!/usr/bin/env bash
# Runs every test of MpsdConformance. Installs what the tests need first: the npm packages pinned in
# package-lock.json (ajv, the second validator; Allure 3; the Java WireMock jar), Debian's chromium (the browser
# test of the HTML report) and a Java runtime (the Java WireMock serves the recorded mappings) when they are
# missing and we are root. Prints 'N passed, N failed, N skipped' last.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "test.sh: $2" >&2; exit 2; }
}
need dotnet "the .NET 10 SDK is missing: 'dotnet' is not on PATH (install the .NET 10 SDK)"
need node "Node.js is missing: 'node' is not on PATH (Debian: apt-get install nodejs npm)"
need npm "npm is missing: 'npm' is not on PATH (Debian: apt-get install npm)"

# npm ci only when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "test.sh: installing npm packages from package-lock.json (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

# The report's browser test drives Debian's Chromium through Playwright (Playwright cannot download browsers here).
if [ ! -x "${MPSD_CHROMIUM:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing Debian's chromium (apt-get install chromium)" >&2
    { apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null; }; } \
      || { echo "test.sh: could not install chromium with apt-get" >&2; exit 2; }
  else
    echo "test.sh: Chromium is missing: install Debian's chromium (sudo apt-get install chromium) or set MPSD_CHROMIUM to a Chromium binary" >&2
    exit 2
  fi
fi

# The recorded WireMock mappings are served by the Java WireMock too (the npm package's jar), which needs Java 11+.
if ! command -v "${MPSD_JAVA:-java}" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing a Java runtime (apt-get install default-jre-headless)" >&2
    { apt-get install -y -qq default-jre-headless >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq default-jre-headless >/dev/null; }; } \
      || { echo "test.sh: could not install default-jre-headless with apt-get" >&2; exit 2; }
  else
    echo "test.sh: Java is missing: install Debian's default-jre-headless (sudo apt-get install default-jre-headless) or set MPSD_JAVA to a java binary" >&2
    exit 2
  fi
fi

log="$(mktemp)"
matrix="$(mktemp)"
trap 'rm -f "$log" "$matrix"' EXIT
status=0
MPSD_READINGS_MATRIX_SUMMARY="$matrix" dotnet test "$root/MpsdConformance.sln" -c Release --nologo "$@" 2>&1 | tee "$log" || status=$?
# The two matrices (the reference server certified under every documented reading; a mutant per requirement)
# say how big and how long.
cat "$matrix"

# dotnet test prints one summary per test project; add them up into the plain closing line.
awk '
  /(Passed|Failed)!  - Failed:/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:")  { f += $(i + 1) + 0 }
      if ($i == "Passed:")  { p += $(i + 1) + 0 }
      if ($i == "Skipped:") { s += $(i + 1) + 0 }
    }
    seen = 1
  }
  END { if (seen) printf "%d passed, %d failed, %d skipped\n", p, f, s; else print "0 passed, 1 failed (no test summary found)" }
' "$log"
exit "$status"
