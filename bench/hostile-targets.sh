#!/usr/bin/env bash
# How 'mpsd certify' ends against hostile targets (issue 12): for each misbehaving target on loopback
# (bench/hostile-server.mjs, or nothing listening for 'dead'), one certify run with a profile holding a fake secret,
# and one row: wall time, exit code, peak RSS of the certify process (and as a multiple of the baseline's), whether
# verdicts.json and junit.xml exist and parse, whether the fake secret shows up in anything the run wrote or printed,
# and the reason its summary ends with. Baseline in the same run: a normal certify of the embedded reference server
# through a profile ('mpsd serve'). Every row is bounded: SIGTERM at limit-10 s, SIGKILL at limit (300 s).
#   bench/hostile-targets.sh [MODE...]     (default: all; MODE: dead hang drip garbage get-only endless-json
#                                            random-bytes slow-headers reset-headers reset-body html-500)
# Environment: MPSD_REQUEST_TIMEOUT_SECONDS (default here 2), BENCH_LIMIT_SECONDS (default and at most 300),
# BENCH_KEEP_DIR (copy every run's log, report folder and profile there, to read them afterwards).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
all=(dead hang drip garbage get-only endless-json random-bytes slow-headers reset-headers reset-body html-500)
modes=("$@"); [ ${#modes[@]} -gt 0 ] || modes=("${all[@]}")
for m in "${modes[@]}"; do
  [[ " ${all[*]} " == *" $m "* ]] || { echo "bench: unknown mode '$m' (one of: ${all[*]})" >&2; exit 2; }
done
limit="${BENCH_LIMIT_SECONDS:-300}"; [ "$limit" -le 300 ] && [ "$limit" -ge 20 ] || { echo "bench: BENCH_LIMIT_SECONDS: 20 to 300" >&2; exit 2; }
export MPSD_REQUEST_TIMEOUT_SECONDS="${MPSD_REQUEST_TIMEOUT_SECONDS:-2}"
. "$root/bench/common.sh"
need dotnet || { echo "bench: the .NET 10 SDK is missing ('dotnet' is not on PATH)" >&2; exit 2; }
install node nodejs
install python3 python3
[ -x /usr/bin/time ] || install /usr/bin/time time

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.1f}')"; }

"$root/mpsd" --version >/dev/null # builds the command line when needed (dotnet build -c Release), once
extra=()
if "$root/mpsd" certify --help 2>&1 | grep -q -- '--max-duration'; then extra=(--max-duration 120s); fi
secret="bench-fake-secret-$(python3 -c 'import secrets; print(secrets.token_hex(12))')"

# One certify run, bounded; writes $work/NAME.{log,time,wall,rc} and the report folder $work/NAME.
certify() { # name profile
  local name="$1" profile="$2" start rc=0
  start="$(now)"
  /usr/bin/time -v -o "$work/$name.time" timeout -k 10 $((limit - 10)) \
    "$root/mpsd" certify --profile "$profile" --out "$work/$name" "${extra[@]}" >"$work/$name.log" 2>&1 || rc=$?
  elapsed "$start" "$(now)" >"$work/$name.wall"
  echo "$rc" >"$work/$name.rc"
}
peak() { awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$1.time"; }

# Why the run ended, from the last lines it printed.
reason() { # name
  local name="$1" rc; rc="$(cat "$work/$name.rc")"
  case "$rc" in
    124) echo "killed by the bench's timeout ($((limit - 10)) s, SIGTERM)"; return ;;
    137) echo "killed by the bench's timeout ($limit s, SIGKILL)"; return ;;
  esac
  local level req
  level="$(grep -E '^level:' "$work/$name.log" | tail -1 || true)"
  req="$(grep -E '^requirements:' "$work/$name.log" | tail -1 | sed 's/^requirements: //' || true)"
  if [ -n "$level" ]; then echo "$level; $req"
  elif grep -q '^Unhandled exception' "$work/$name.log"; then grep -m1 '^Unhandled exception' "$work/$name.log" | cut -c1-200
  else grep -v '^\s*$' "$work/$name.log" | tail -1 | cut -c1-200; fi
}

parses_json() { [ -f "$1" ] && node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$1" 2>/dev/null; }
parses_xml() { [ -f "$1" ] && python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$1" 2>/dev/null; }
report_state() { # file checker
  if [ ! -e "$1" ]; then echo missing; elif "$2" "$1"; then echo ok; else echo broken; fi
}

write_profile() { # file baseUrl
  cat >"$1" <<EOF
{
  "baseUrl": "$2",
  "scid": "8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11",
  "contractVersion": 107,
  "templates": { "open": "quick" },
  "users": [
    { "name": "alice", "xuid": "2814650000000001", "headers": { "Authorization": "XBL3.0 x=1001;$secret-alice" } },
    { "name": "bob",   "xuid": "2814650000000002", "headers": { "Authorization": "XBL3.0 x=1002;$secret-bob" } },
    { "name": "carol", "xuid": "2814650000000003", "headers": { "Authorization": "XBL3.0 x=1003;$secret-carol" } }
  ],
  "server": { "headers": { "Authorization": "XBL3.0 x=9999;$secret-server" } }
}
EOF
}

wait_listening() { # file pid what
  for _ in $(seq 1 120); do grep -q "listening on" "$1" 2>/dev/null && return 0; kill -0 "$2" 2>/dev/null || break; sleep 0.5; done
  cat "$1" >&2; echo "bench: $3 did not start" >&2; exit 2
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# Baseline: the reference server through a profile, like a real target.
"$root/mpsd" serve --port 0 --profile-out "$work/reference-profile.json" >"$work/serve.out" 2>&1 &
pids+=($!)
wait_listening "$work/serve.out" "${pids[-1]}" "the reference server"
certify baseline "$work/reference-profile.json"
kill "${pids[-1]}" 2>/dev/null || true
base_peak="$(peak baseline)"
[ "$(cat "$work/baseline.rc")" = 0 ] || { tail -20 "$work/baseline.log" >&2; echo "bench: the baseline certify failed" >&2; exit 2; }

rows=()
row() { # name
  local name="$1" p; p="$(peak "$name")"
  local leak=no
  if grep -rqF "$secret" "$work/$name" "$work/$name.log" 2>/dev/null; then leak=YES; fi
  rows+=("$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$name" "$(cat "$work/$name.wall")" "$(cat "$work/$name.rc")" \
    "$((p / 1024))" "$(python3 -c "print(f'{$p / $base_peak:.2f}x')")" \
    "$(report_state "$work/$name/verdicts.json" parses_json)" "$(report_state "$work/$name/junit.xml" parses_xml)" \
    "$leak" "$(reason "$name" | head -1 | tr -d '\n' | LC_ALL=C tr '\000-\037\177' '?')")")
}
row baseline

for mode in "${modes[@]}"; do
  if [ "$mode" = dead ]; then
    port="$(free_port)"
  else
    node "$root/bench/hostile-server.mjs" "$mode" 0 >"$work/server-$mode.out" 2>&1 &
    pids+=($!)
    wait_listening "$work/server-$mode.out" "${pids[-1]}" "the $mode server"
    port="$(awk '/listening on/ {print $3}' "$work/server-$mode.out")"
  fi
  write_profile "$work/profile-$mode.json" "http://127.0.0.1:$port"
  echo "bench: $mode ..." >&2
  certify "$mode" "$work/profile-$mode.json"
  [ "$mode" = dead ] || kill "${pids[-1]}" 2>/dev/null || true
  row "$mode"
done

if [ -n "${BENCH_KEEP_DIR:-}" ]; then mkdir -p "$BENCH_KEEP_DIR" && cp -r "$work"/. "$BENCH_KEEP_DIR"/; fi
echo "request timeout ${MPSD_REQUEST_TIMEOUT_SECONDS} s; certify ${extra[*]:-without --max-duration (not offered)}; bench limit $limit s a row"
echo "baseline: $(grep -E '^[0-9]+ scenarios' "$work/baseline.log" | tail -1)"
{
  printf 'target\twall s\texit\tpeak MB\tx baseline\tverdicts.json\tjunit.xml\tsecret in output\treason\n'
  printf '%s\n' "${rows[@]}"
} | python3 -c '
import sys
rows = [line.rstrip("\n").split("\t") for line in sys.stdin]
widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
for r in rows:
    print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
'
