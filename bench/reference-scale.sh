#!/usr/bin/env bash
# Memory at scale: the reference server stores SESSIONS sessions (one member, a few custom properties, about 600
# bytes of JSON each), created by wrk with unique names over 32 connections. Prints the creates per second and the
# resident memory (VmRSS) above the server's warmed-up baseline per stored session, for this build and, in the
# same run, for a baseline build of the reference (by default the commit before this script was added, i.e. the
# reference before the memory work). Goals: <= 4096 B per session; >= 7,000 creates/s or >= the baseline's.
# Loopback only; bounded in time; asserts nothing.
#   bench/reference-scale.sh [baseline-ref] [sessions=100000] [connections=32]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base_ref="${1:-}"
sessions="${2:-100000}"
connections="${3:-32}"
threads=2
warm=5000
. "$root/bench/common.sh"
need dotnet || { echo "bench: the .NET 10 SDK is missing ('dotnet' is not on PATH)" >&2; exit 2; }
install wrk wrk
install python3 python3
install git git
install curl curl
[ -r /proc/self/status ] || { echo "bench: /proc is needed to read the server's resident memory (Linux)" >&2; exit 2; }

# The baseline: a ref given, else the parent of the commit that added this script, else HEAD (an uncommitted script).
if [ -z "$base_ref" ]; then
  added="$(git -C "$root" log --diff-filter=A --format=%H -- bench/reference-scale.sh 2>/dev/null | tail -1)"
  if [ -n "$added" ] && git -C "$root" rev-parse -q --verify "$added^{commit}" >/dev/null && git -C "$root" rev-parse -q --verify "$added^" >/dev/null; then
    base_ref="$added^"
  else
    base_ref=HEAD
  fi
fi
base_sha="$(git -C "$root" rev-parse -q --verify "$base_ref^{commit}")" \
  || { echo "bench: '$base_ref' is no commit of this clone (a shallow clone? fetch more history or pass a ref)" >&2; exit 2; }
head_label="$(git -C "$root" rev-parse --short HEAD)$([ -z "$(git -C "$root" status --porcelain -- src)" ] || echo '+changes')"

# Builds: this tree through ./mpsd, the baseline from 'git archive' into the temporary folder.
"$root/mpsd" --version >/dev/null
mkdir -p "$work/base-src"
git -C "$root" archive "$base_sha" | tar -x -C "$work/base-src"
echo "bench: building the baseline $(git -C "$root" rev-parse --short "$base_sha") ..." >&2
timeout 900 dotnet build "$work/base-src/src/MpsdConformance.Cli/MpsdConformance.Cli.csproj" -c Release -o "$work/base-out" \
  --nologo -v quiet -clp:ErrorsOnly >"$work/base-build.log" 2>&1 \
  || { tail -20 "$work/base-build.log" >&2; echo "bench: the baseline did not build" >&2; exit 2; }

# One configuration for both: the built-in 'quick' template, one user with a fresh token, room for every session.
python3 - "$work/config.json" "$((sessions + warm + 1000))" <<'PY'
import json, os, secrets, sys
path, cap = sys.argv[1], int(sys.argv[2])
config = {
  "scids": {"8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11": {"quick": {"contractVersion": 107, "constants": {
    "system": {"version": 1, "visibility": "open", "maxMembersCount": 8, "sessionEmptyTimeout": 0, "reservedRemovalTimeout": 30000},
    "custom": {}}}}},
  "identities": [{"name": "alice", "xuid": "2814650000000001", "gamertag": "Alice", "userHash": "1001", "token": secrets.token_hex(24)}],
  "limits": {"maxSessions": cap},
}
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w") as f:
    json.dump(config, f)
PY

gc_mode() { # runtimeconfig.json
  python3 - "$1" <<'PY'
import json, os, sys
props = json.load(open(sys.argv[1]))["runtimeOptions"].get("configProperties", {})
server = os.environ.get("DOTNET_gcServer", str(int(props.get("System.GC.Server", False))).lower()) in ("1", "true")
concurrent = os.environ.get("DOTNET_gcConcurrent", str(int(props.get("System.GC.Concurrent", True))).lower()) in ("1", "true")
print(("server" if server else "workstation") + (", concurrent" if concurrent else ", non-concurrent"))
PY
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

measure() { # label dll → "$work/<label>.result": created failed seconds rss0_kb rss1_kb sample_ok sample_n bytes gc
  local label="$1" dll="$2" pid base scid auth path
  dotnet "$dll" serve --port 0 --config "$work/config.json" --profile-out "$work/$label-profile.json" >"$work/$label-serve.out" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 120); do grep -q "listening on" "$work/$label-serve.out" 2>/dev/null && break; sleep 0.5; done
  grep -q "listening on" "$work/$label-serve.out" || { cat "$work/$label-serve.out" >&2; echo "bench: the $label server did not start" >&2; exit 2; }
  read -r base scid auth < <(python3 -c "
import json; p=json.load(open('$work/$label-profile.json')); print(p['baseUrl'], p['scid'], p['users'][0]['headers']['Authorization'].replace(' ', '\x1f'))")
  auth="${auth//$'\x1f'/ }"
  path="/serviceconfigs/$scid/sessiontemplates/quick/sessions"
  run() { # prefix count mode → "<as expected> <otherwise> <seconds>"
    local done_dir="$work/done-$label-$1$3" wrk_pid t0 t1
    mkdir -p "$done_dir"
    t0="$(date +%s%N)"
    SESSION_PATH="$path/$1" SESSIONS="$2" MODE="$3" THREADS="$threads" AUTH="$auth" DONE_DIR="$done_dir" \
      wrk -t"$threads" -c"$connections" -d600s --timeout 10s -s "$root/bench/create.lua" "$base" >"$work/$label-$1$3.txt" &
    wrk_pid=$!
    pids+=("$wrk_pid")
    while [ "$(ls "$done_dir" | wc -l)" -lt "$threads" ] && kill -0 "$wrk_pid" 2>/dev/null; do sleep 0.05; done
    t1="$(date +%s%N)"
    kill -INT "$wrk_pid" 2>/dev/null || true
    wait "$wrk_pid" 2>/dev/null || true
    [ "$(ls "$done_dir" | wc -l)" -eq "$threads" ] || { cat "$work/$label-$1$3.txt" >&2; echo "bench: wrk ended before its writes did" >&2; exit 2; }
    cat "$done_dir"/* | awk -v s="$(( (t1 - t0) / 1000000 ))" '{ok += $1; bad += $2} END {printf "%d %d %.3f\n", ok, bad, s / 1000}'
  }
  # Warm-up: the JIT and the pools see every path of the run, and the store is empty again before the baseline.
  run warm- "$warm" create >/dev/null
  run warm- "$warm" leave >/dev/null
  sleep 3
  local rss0 rss1 line
  rss0="$(rss_kb "$pid")"
  line="$(run s- "$sessions" create)"
  sleep 5 # settle: background GC and decommit
  rss1="$(rss_kb "$pid")"
  # Verify by count: the 201s above, and a sample of the names read back (200 each); the JSON size of a session.
  AUTH="$auth" python3 - "$base$path/s-" "$sessions" "$threads" >"$work/$label-sample.txt" <<'PY'
import os, random, sys, urllib.error, urllib.request
base, total, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
auth = os.environ["AUTH"]
names = []
for t in range(threads):
    quota = total // threads + (1 if t < total % threads else 0)
    names += [f"{t}-1", f"{t}-{quota}"] + [f"{t}-{random.randint(1, quota)}" for _ in range(48)]
ok, sizes = 0, []
for name in names:
    request = urllib.request.Request(base + name, headers={"Authorization": auth, "X-Xbl-Contract-Version": "107"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            body = answer.read()
            if answer.status == 200:
                ok += 1
                sizes.append(len(body))
    except urllib.error.HTTPError:
        pass
print(ok, len(names), sum(sizes) // max(len(sizes), 1))
PY
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "$line $rss0 $rss1 $(cat "$work/$label-sample.txt") $(gc_mode "${dll%.dll}.runtimeconfig.json" | tr ' ' '_')" >"$work/$label.result"
}

measure baseline "$work/base-out/mpsd-conformance.dll"
measure current "$root/.build/cli/mpsd-conformance.dll"

python3 - "$work/baseline.result" "$work/current.result" "$(git -C "$root" rev-parse --short "$base_sha")" "$head_label" \
  "$sessions" "$connections" "$threads" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import sys
b, c = (f.read().split() for f in map(open, sys.argv[1:3]))
base_label, head_label, sessions, connections, threads, cores, load = sys.argv[3:10]
def figures(r):
    created, failed, seconds, rss0, rss1, ok, n, size, gc = r
    created, seconds, rss0, rss1 = int(created), float(seconds), int(rss0), int(rss1)
    return {
        "created": f"{created} (+{failed} other)", "sample": f"{ok}/{n}", "size": size, "gc": gc.replace("_", " "),
        "rate": created / seconds, "rss0": rss0 / 1024, "rss1": rss1 / 1024, "per": (rss1 - rss0) * 1024 / int(sessions),
    }
fb, fc = figures(b), figures(c)
print(f"{sessions} sessions, {connections} connections, {threads} wrk threads, {cores} cores, load average {load} at the end")
rows = [
    ("sessions created (201)", fb["created"], fc["created"], f"{sessions}"),
    ("sample read back (200)", fb["sample"], fc["sample"], "all"),
    ("session JSON (bytes)", fb["size"], fc["size"], "about 600"),
    ("GC", fb["gc"], fc["gc"], ""),
    ("creates/s", f"{fb['rate']:,.0f}", f"{fc['rate']:,.0f}", ">= 7,000 or >= baseline"),
    ("RSS before, warmed up (MB)", f"{fb['rss0']:.0f}", f"{fc['rss0']:.0f}", ""),
    ("RSS after (MB)", f"{fb['rss1']:.0f}", f"{fc['rss1']:.0f}", ""),
    ("RSS above baseline per session (B)", f"{fb['per']:,.0f}", f"{fc['per']:,.0f}", "<= 4,096"),
]
heads = ("measure", f"baseline {base_label}", f"this build {head_label}", "goal")
widths = [max(len(str(r[i])) for r in rows + [heads]) for i in range(4)]
for r in [heads, tuple("-" * w for w in widths)] + rows:
    print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip())
memory = fc["per"] <= 4096
rate = fc["rate"] >= 7000 or fc["rate"] >= fb["rate"]
print(f"goal <= 4096 B/session: {'met' if memory else 'NOT met'}; goal >= 7,000 creates/s or >= baseline: {'met' if rate else 'NOT met'}")
PY
