#!/usr/bin/env bash
# How fast 'mpsd validate' (JsonSchema.Net 8) checks many files, next to ajv (its 2020-12 build, strict mode, all
# errors) run in the same way on the same corpus in the same run:
#   - a corpus of generated payloads (default 5,000: requests, session documents, property bags, valid and
#     invalid, varied from fixtures/ by bench/validate-corpus.py) is written to a temporary folder;
#   - each tool checks it folder by folder (one process per kind, as a user would run it), several times;
#     documents per second end to end (process start and schema build included) and net of the start-up
#     (measured on a one-file folder);
#   - both verdicts are compared file by file: the disagreements are counted (and the first ones shown).
# Goal (issue 11): mpsd >= 50 % of ajv's documents per second. Reads files only; nothing is served.
#   bench/validate-throughput.sh [documents=5000] [runs=3]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
count="${1:-5000}"
runs="${2:-3}"
. "$root/bench/common.sh"
need dotnet || { echo "bench: the .NET 10 SDK is missing ('dotnet' is not on PATH)" >&2; exit 2; }
install python3 python3
need node || { echo "bench: node is missing (Debian: apt-get install nodejs npm); ajv needs it" >&2; exit 2; }
[ -d "$root/node_modules/ajv" ] || (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)

"$root/mpsd" --version >/dev/null # builds the command line (Release) when needed
python3 "$root/bench/validate-corpus.py" "$root/fixtures" "$work/corpus" "$count"
kinds=(request properties response)
for kind in "${kinds[@]}"; do
  mkdir -p "$work/one/$kind"
  cp "$(ls "$root/fixtures/$kind/valid/"*.json | head -1)" "$work/one/$kind/"
done

now() { date +%s.%N; }
tool() { # mpsd|ajv kind folder
  case "$1" in
    mpsd) "$root/mpsd" validate "$2" "$3" 2>/dev/null || [ $? -eq 1 ] ;;
    ajv) node "$root/bench/ajv-validate.mjs" "$root/schemas" "$2" "$3" 2>/dev/null ;;
  esac
}
pass() { # mpsd|ajv corpus-root output-prefix -> prints the wall time of checking every kind's folder
  local start; start="$(now)"
  for kind in "${kinds[@]}"; do
    tool "$1" "$kind" "$2/$kind" >"$3-$kind.out" || { echo "bench: $1 failed on $kind" >&2; exit 2; }
  done
  python3 -c "print($(now) - $start)"
}

pass mpsd "$work/corpus" "$work/warm-mpsd" >/dev/null # warms the disk cache and the JIT's files
pass ajv "$work/corpus" "$work/warm-ajv" >/dev/null
declare -A walls=() starts=()
for run in $(seq 1 "$runs"); do
  for t in mpsd ajv; do
    walls[$t]+="$(pass "$t" "$work/corpus" "$work/$t") "
    starts[$t]+="$(pass "$t" "$work/one" "$work/one-$t") "
  done
done

load="$(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" "$count" "${walls[mpsd]}" "${walls[ajv]}" "${starts[mpsd]}" "${starts[ajv]}" "$load" <<'PY'
import os, statistics, sys
work, count = sys.argv[1], int(sys.argv[2])
wall = {"mpsd": [float(x) for x in sys.argv[3].split()], "ajv": [float(x) for x in sys.argv[4].split()]}
start = {"mpsd": [float(x) for x in sys.argv[5].split()], "ajv": [float(x) for x in sys.argv[6].split()]}

def verdicts(tool):
    found = {}
    for kind in ("request", "properties", "response"):
        for line in open(os.path.join(work, f"{tool}-{kind}.out"), encoding="utf-8"):
            if line.startswith(("PASS ", "FAIL ")):
                path = line[5:].rstrip("\n").split(": ", 1)[0]
                found[path] = line.startswith("PASS")
    return found

ours, theirs = verdicts("mpsd"), verdicts("ajv")
missing = (set(ours) ^ set(theirs))
differ = sorted(p for p in set(ours) & set(theirs) if ours[p] != theirs[p])
valid = sum(ours.values())
sizes = [os.path.getsize(p) for p in ours]
print(f"machine: {os.cpu_count()} cores, load average {sys.argv[7]} (1, 5, 15 min) at the end")
print(f"corpus: {count} documents ({valid} valid, {count - valid} invalid by mpsd), "
      f"{sum(sizes) / 1e6:.1f} MB, {statistics.median(sizes) / 1000:.1f} KB median, {max(sizes) / 1000:.0f} KB largest")
rate = {}
for t in ("mpsd", "ajv"):
    w, s = statistics.median(wall[t]), statistics.median(start[t])
    # Net of start-up only where the corpus takes clearly longer than three one-file runs.
    rate[t] = (count / w, count / (w - s) if w - s > 0.2 * w else None)
    net = f"{rate[t][1]:7.0f} documents/s net of start-up" if rate[t][1] else "net of start-up: too small a corpus to tell"
    print(f"{t:5}: {w:6.2f} s for the corpus (median of {len(wall[t])}), start-up {s:.2f} s for 3 processes: "
          f"{rate[t][0]:7.0f} documents/s end to end, {net}")
net = f", {rate['mpsd'][1] / rate['ajv'][1]:.0%} net of start-up" if rate["mpsd"][1] and rate["ajv"][1] else ""
print(f"mpsd / ajv: {rate['mpsd'][0] / rate['ajv'][0]:.0%} end to end{net} "
      f"(goal >= 50 %: {'met' if rate['mpsd'][0] >= 0.5 * rate['ajv'][0] else 'NOT met'} end to end)")
print(f"verdicts: {len(differ) + len(missing)} disagreement(s) of {len(ours)} documents")
for p in differ[:10]:
    print(f"  {p}: mpsd {'valid' if ours[p] else 'invalid'}, ajv {'valid' if theirs[p] else 'invalid'}")
for p in sorted(missing)[:10]:
    print(f"  {p}: checked by one tool only")
PY
