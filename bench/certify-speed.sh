#!/usr/bin/env bash
# How fast 'mpsd certify' runs on the embedded reference server, next to baselines measured in the same run:
#   - warm certify (the command line already built), several runs: wall time and peak memory;
#   - the raw request floor: the same requests the run sent, replayed against a fresh reference server with a
#     plain HTTP client (bench/replay.py), sequentially and with the suite's parallelism (8), with and without
#     the scenarios' own deliberate waits (a timer to expire);
#   - the suite run the old way, through 'dotnet test' (VSTest), on the same build;
#   - the cold first run on a fresh clone of this repository (build included; NuGet's cache as it is).
# Goal (issue 8): warm certify <= 3 s wall and <= 3x the floor. Loopback only; bounded.
#   bench/certify-speed.sh [warm-runs=5]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
. "$root/bench/common.sh"
need dotnet || { echo "bench: the .NET 10 SDK is missing ('dotnet' is not on PATH)" >&2; exit 2; }
install python3 python3
install git git
[ -x /usr/bin/time ] || install /usr/bin/time time

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }

"$root/mpsd" --version >/dev/null # builds the command line when needed
"$root/mpsd" certify --out "$work/warmup" >/dev/null # warms the disk cache

walls=(); peaks=()
for i in $(seq 1 "$runs"); do
  start="$(now)"
  /usr/bin/time -f "%M" -o "$work/peak-$i" "$root/mpsd" certify --out "$work/run-$i" >"$work/run-$i.log" 2>&1 \
    || { cat "$work/run-$i.log" >&2; echo "bench: certify failed" >&2; exit 2; }
  walls+=("$(elapsed "$start" "$(now)")")
  peaks+=("$(cat "$work/peak-$i")")
done
summary="$(grep -E '^[0-9]+ scenarios' "$work/run-$runs.log")"

# The floor: a fresh reference server, the last run's requests replayed.
"$root/mpsd" serve --port 0 --profile-out "$work/profile.json" >"$work/serve.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do grep -q "listening on" "$work/serve.out" 2>/dev/null && break; sleep 0.5; done
grep -q "listening on" "$work/serve.out" || { cat "$work/serve.out" >&2; echo "bench: the reference server did not start" >&2; exit 2; }
python3 "$root/bench/replay.py" "$work/run-$runs/scenario-results.json" "$work/profile.json" 8 >"$work/floor.txt"

# The old way: the same suite through dotnet test (VSTest host), on the build dotnet test makes.
dotnet build "$root/tests/MpsdConformance.Scenarios" -c Release --nologo -v quiet >/dev/null
start="$(now)"
MPSD_RESULTS_DIR="$work/vstest" dotnet test "$root/tests/MpsdConformance.Scenarios" -c Release --no-build --nologo \
  --settings "$root/runsettings.xml" >"$work/vstest.log" 2>&1 || { tail -20 "$work/vstest.log" >&2; echo "bench: dotnet test failed" >&2; exit 2; }
vstest="$(elapsed "$start" "$(now)")"

# Cold: a fresh clone of the committed tree, its first certify (build included).
git clone -q "$root" "$work/clone"
start="$(now)"
(cd "$work/clone" && ./mpsd certify --out "$work/cold" >"$work/cold.log" 2>&1) || { tail -20 "$work/cold.log" >&2; echo "bench: cold certify failed" >&2; exit 2; }
cold="$(elapsed "$start" "$(now)")"

python3 - "$work/floor.txt" "$vstest" "$cold" "$summary" "${walls[*]}" "${peaks[*]}" <<'PY'
import statistics, sys
floor_file, vstest, cold, summary, walls, peaks = sys.argv[1:]
walls = [float(w) for w in walls.split()]
peaks = [int(p) for p in peaks.split()]
floor = {}
for line in open(floor_file):
    parts = line.split()
    label = " ".join(parts[1:-3])
    floor[(label, int(parts[-3]))] = (float(parts[-2]), int(parts[-1]))
warm = statistics.median(walls)
raw = floor[("raw", 8)][0]
paced = floor[("with waits", 8)][0]
print(f"run: {summary}")
print(f"warm certify ({len(walls)} runs)            : median {warm:.2f} s wall (min {min(walls):.2f}, max {max(walls):.2f}), peak RSS {max(peaks) // 1024} MB")
print(f"raw request floor                : {floor[('raw', 1)][0]:.3f} s sequential, {raw:.3f} s with 8 workers ({floor[('raw', 8)][1]} requests, plain HTTP client)")
print(f"floor with the scenarios' waits  : {floor[('with waits', 1)][0]:.3f} s sequential, {paced:.3f} s with 8 workers")
print(f"same suite through dotnet test   : {float(vstest):.2f} s wall (VSTest host, no reports)")
print(f"cold first run on a fresh clone  : {float(cold):.2f} s wall (build included)")
print(f"ratios: warm / floor with waits {warm / paced:.2f}x, warm / raw floor {warm / raw:.1f}x, dotnet test / warm {float(vstest) / warm:.1f}x")
print(f"goal warm <= 3 s: {'met' if warm <= 3 else 'NOT met'}; goal <= 3x the floor (with the scenarios' waits): {'met' if warm <= 3 * paced else 'NOT met'}")
PY
