#!/usr/bin/env bash
# Reproduces the desk section of BENCHMARKS.md: customers' messages over REST at BENCH_DESK_RATE/s
# watched by BENCH_DESK_SOCKETS desk sockets (latency from the message's 202, sent after its commit,
# to its frame on each socket), then the inbox query over 100,000 seeded conversations.
#
#   bench/desk.sh                                  # about 5 minutes
#   BENCH_DESK_WARMUP=10 bench/desk.sh             # the shorter warm-up of the earlier runs
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=${BENCH_SECONDS:-15}
RUNS=${BENCH_RUNS:-2}
PORT=${BENCH_PORT:-8089}
RATE=${BENCH_DESK_RATE:-200}
SOCKETS=${BENCH_DESK_SOCKETS:-50}
WARMUP=${BENCH_DESK_WARMUP:-40}
DB=switchboard_bench_desk
OUT=bench/results/desk-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
PSQL="psql -h localhost -U postgres -v ON_ERROR_STOP=1 -qtA"
SVC=""
trap '[ -n "$SVC" ] && kill "$SVC" 2>/dev/null || true' EXIT

mvn -B -q clean package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="target/test-classes:$(cat target/bench.classpath)"
load() { java -cp "$CP" dev.switchboard.bench.DeskLoad "$1" --url "http://localhost:$PORT" --state "$OUT/state.json" \
           --out "$OUT/desk.jsonl" "${@:2}" >/dev/null; }

$PSQL -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null
$PSQL -d postgres -c "CREATE DATABASE $DB" >/dev/null
QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://localhost:5432/$DB" QUARKUS_DATASOURCE_USERNAME=postgres \
QUARKUS_HTTP_PORT=$PORT SWITCHBOARD_ADMIN_TOKEN=bench-admin SWITCHBOARD_SECRETS_KEY="$(head -c 32 /dev/urandom | base64)" \
  java -jar target/quarkus-app/quarkus-run.jar > "$OUT/service.log" 2>&1 &
SVC=$!
for _ in $(seq 1 600); do curl -sf "localhost:$PORT/q/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
load setup --admin bench-admin
TENANT=$(python3 -c "import json;print(json.load(open('$OUT/state.json'))['tenant'])")

echo "== desk feed: $SOCKETS sockets, $RATE messages/s" >&2
# warm-up at the measured rate: on two cores the JIT still compiles for some 40 s at 200/s, and the
# runs within that time measure the compiler as much as the feed
load feed --sockets "$SOCKETS" --rate "$RATE" --duration "$WARMUP" --label warmup
for i in $(seq 1 "$RUNS"); do
  load feed --sockets "$SOCKETS" --rate "$RATE" --duration "$SECS" --label feed
done

echo "== inbox: 100,000 conversations" >&2
$PSQL -d $DB <<SQL
INSERT INTO sessions (tenant_id, channel, external_key, state, data, checksum)
SELECT '$TENANT', 'web', 'seed-' || g, 'idle', '{}', 'seed' FROM generate_series(1, 100000) g;
INSERT INTO conversations (id, tenant_id, session_id, channel, status, first_seq, created_at, handed_off_at,
                           resolved_at, last_activity_at)
SELECT gen_random_uuid(), s.tenant_id, s.id, 'web',
       CASE WHEN s.id % 10 = 0 THEN 'pending' WHEN s.id % 10 < 3 THEN 'bot' ELSE 'resolved' END, 1,
       now() - (s.id % 10000) * interval '1 minute',
       CASE WHEN s.id % 10 = 0 THEN now() - (s.id % 5000) * interval '1 minute' END,
       CASE WHEN s.id % 10 >= 3 THEN now() END, now() - (s.id % 7000) * interval '1 minute'
  FROM sessions s WHERE s.external_key LIKE 'seed-%';
ANALYZE sessions; ANALYZE conversations;
SQL
load inbox --requests 100 --label warmup-inbox
for i in $(seq 1 "$RUNS"); do load inbox --requests 300 --label inbox; done

python3 - "$OUT" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1] + "/desk.jsonl") if l.strip()]
def med(label, key):
    v = [r[key] for r in rows if r["label"] == label]
    return statistics.median(v) if v else float("nan")
feed = [r for r in rows if r["label"] == "feed"]
print("| figure | Switchboard | target |")
print("|---|---:|---|")
print(f"| desk feed p50, commit → frame, {feed[0]['sockets']} sockets at {feed[0]['rate']:.0f} msg/s (ms) | {med('feed', 'p50'):.2f} | |")
print(f"| desk feed p99 (ms) | {med('feed', 'p99'):.2f} | <= 50 ms |")
print(f"| frames received / expected | {sum(r['frames'] for r in feed)} / {sum(r['expected'] for r in feed)} | all |")
print(f"| messages refused (not 202) | {sum(r.get('refused', 0) for r in feed)} | 0 |")
print(f"| inbox p95, pending, 100,000 conversations (ms) | {med('inbox', 'pending_p95'):.2f} | <= 50 ms |")
print(f"| inbox p95, all statuses (ms) | {med('inbox', 'all_p95'):.2f} | <= 50 ms |")
PY
