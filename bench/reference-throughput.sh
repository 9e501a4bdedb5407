#!/usr/bin/env bash
# Throughput of the reference server under mixed GET/PUT, next to the real WireMock serving a static stub
# of the same size. Prints requests per second for both and the ratio. Loopback only; bounded in time.
#   bench/reference-throughput.sh [seconds=10] [connections=64]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-10}"
connections="${2:-64}"
. "$root/bench/common.sh"
install wrk wrk
need java || { echo "bench: Java 17 is missing (Debian: apt-get install openjdk-17-jre-headless); WireMock needs it" >&2; exit 2; }
need npm || { echo "bench: npm is missing (Debian: apt-get install nodejs npm); it installs WireMock" >&2; exit 2; }
(cd "$root" && { [ -d node_modules/wiremock ] || npm ci --no-audit --no-fund --loglevel=error; })

# 1. The reference server, seeded with 100 sessions.
"$root/mpsd" serve --port 0 --profile-out "$work/profile.json" >"$work/serve.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do grep -q "listening on" "$work/serve.out" 2>/dev/null && break; sleep 0.5; done
grep -q "listening on" "$work/serve.out" || { cat "$work/serve.out" >&2; echo "bench: the reference server did not start" >&2; exit 2; }
read -r base scid auth < <(python3 -c "
import json; p=json.load(open('$work/profile.json')); print(p['baseUrl'], p['scid'], p['users'][0]['headers']['Authorization'].replace(' ', '\x1f'))")
auth="${auth//$'\x1f'/ }"
path="/serviceconfigs/$scid/sessiontemplates/quick/sessions/bench-"
for i in $(seq 0 99); do
  curl -s -o /dev/null -X PUT "$base$path$i" -H "Authorization: $auth" -H "X-Xbl-Contract-Version: 107" \
       -H "Content-Type: application/json" -d '{"members":{"me":{}}}'
done
curl -s "$base${path}1" -H "Authorization: $auth" -H "X-Xbl-Contract-Version: 107" >"$work/session.json"

run_wrk() { # url-base label
  SESSIONS=100 SESSION_PATH="$path" AUTH="$auth" wrk -t2 -c"$connections" -d"${seconds}s" -s "$root/bench/mixed.lua" "$1" >"$work/$2.txt"
  awk '/Requests\/sec/ {print $2}' "$work/$2.txt"
}
# warm the JIT up (as for WireMock below), then measure
SESSIONS=100 SESSION_PATH="$path" AUTH="$auth" wrk -t2 -c"$connections" -d3s -s "$root/bench/mixed.lua" "$base" >/dev/null
ref_rps="$(run_wrk "$base" reference)"
ref_errors="$(awk '/Non-2xx/ {print $5}' "$work/reference.txt")"
ref_latency="$(awk '/Latency/ {print $2; exit}' "$work/reference.txt")"
ref_rss_kb="$(ps -o rss= -p "$(pgrep -f "mpsd-conformance.dll serve --port 0 --profile-out $work" | head -1)" | tr -d ' ')"

# 2. The real WireMock, one stub answering any session request with a body of the same size.
port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
mkdir -p "$work/wm/mappings" "$work/wm/__files"
cp "$work/session.json" "$work/wm/__files/session.json"
cat >"$work/wm/mappings/session.json" <<JSON
{"request":{"method":"ANY","urlPathPattern":"/serviceconfigs/.*"},
 "response":{"status":200,"bodyFileName":"session.json","headers":{"Content-Type":"application/json; charset=utf-8","ETag":"\"BENCH\""}}}
JSON
# The npm package's own launcher spawns Java as a child; start the jar it ships directly, so the trap stops it.
jar="$(ls "$root"/node_modules/wiremock/build/wiremock-standalone-*.jar | head -1)"
java -jar "$jar" --port "$port" --bind-address 127.0.0.1 --root-dir "$work/wm" \
   --no-request-journal --disable-request-logging --disable-banner >"$work/wiremock.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 240); do curl -s -o /dev/null "http://127.0.0.1:$port/__admin/health" && break; sleep 0.5; done
curl -s -o /dev/null "http://127.0.0.1:$port/__admin/health" || { tail -20 "$work/wiremock.out" >&2; echo "bench: WireMock did not start" >&2; exit 2; }
# warm the JVM up, then measure
SESSIONS=100 SESSION_PATH="$path" AUTH="$auth" wrk -t2 -c"$connections" -d3s -s "$root/bench/mixed.lua" "http://127.0.0.1:$port" >/dev/null
wm_rps="$(run_wrk "http://127.0.0.1:$port" wiremock)"
wm_latency="$(awk '/Latency/ {print $2; exit}' "$work/wiremock.txt")"

echo "mixed GET/PUT, ${seconds}s, ${connections} connections, 2 wrk threads, $(nproc) cores, body $(wc -c <"$work/session.json") bytes"
echo "reference server : ${ref_rps} req/s, mean latency ${ref_latency}, non-2xx ${ref_errors:-0}, RSS ${ref_rss_kb:-?} kB after the run"
echo "WireMock ${port:+(static stub)}: ${wm_rps} req/s, mean latency ${wm_latency}"
python3 -c "print(f'ratio reference / WireMock: {float(\"$ref_rps\") / float(\"$wm_rps\"):.2f}')"
