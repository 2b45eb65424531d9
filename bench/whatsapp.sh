#!/usr/bin/env bash
# Reproduces the WhatsApp section of BENCHMARKS.md: signed webhooks against the packaged jar (open
# loop at BENCH_WEBHOOK_RATE, beside the same append through the REST API; closed-loop throughput),
# the outbound send rate against a Graph API fake (bench.GraphFake), and customer lookup
# by phone with 100,000 customers (beside the same query over JDBC). Needs the README's set-up.
#
#   bench/whatsapp.sh                            # full run (about 5 minutes)
#   BENCH_SECONDS=8 BENCH_RUNS=1 bench/whatsapp.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=${BENCH_SECONDS:-15}
RUNS=${BENCH_RUNS:-3}
PORT=${BENCH_PORT:-8089}
GRAPH_PORT=${BENCH_GRAPH_PORT:-8099}
RATE=${BENCH_WEBHOOK_RATE:-200}
DB=switchboard_bench_wa
OUT=bench/results/whatsapp-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
PSQL="psql -h localhost -U postgres -v ON_ERROR_STOP=1 -qtA"
SVC=""
FAKE=""
log() { printf '\n== %s\n' "$*" >&2; }
cleanup() {
  [ -n "$SVC" ] && kill "$SVC" 2>/dev/null || true
  [ -n "$FAKE" ] && kill "$FAKE" 2>/dev/null || true
}
trap cleanup EXIT

log "build"
mvn -B -q clean package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="target/test-classes:$(cat target/bench.classpath)"
load() { java -cp "$CP" dev.switchboard.bench.WhatsAppLoad "$1" --url "http://localhost:$PORT" \
           --state "$OUT/state.json" --out "$OUT/whatsapp.jsonl" "${@:2}" >/dev/null; }

log "Graph API fake on :$GRAPH_PORT"
java -cp "$CP" dev.switchboard.bench.GraphFake "$GRAPH_PORT" > "$OUT/graph-fake.log" 2>&1 &
FAKE=$!
for _ in $(seq 1 100); do curl -sf "localhost:$GRAPH_PORT/__stats" >/dev/null 2>&1 && break; sleep 0.2; done
curl -sf "localhost:$GRAPH_PORT/__stats" >/dev/null || { echo "the Graph API fake did not start; see $OUT/graph-fake.log" >&2; exit 1; }

log "service: fresh database"
$PSQL -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null
$PSQL -d postgres -c "CREATE DATABASE $DB" >/dev/null
QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://localhost:5432/$DB" QUARKUS_DATASOURCE_USERNAME=postgres \
QUARKUS_HTTP_PORT=$PORT SWITCHBOARD_ADMIN_TOKEN=bench-admin SWITCHBOARD_SECRETS_KEY="$(head -c 32 /dev/urandom | base64)" \
SWITCHBOARD_WHATSAPP_GRAPH_BASE_URL="http://localhost:$GRAPH_PORT/v21.0" \
  java -jar target/quarkus-app/quarkus-run.jar > "$OUT/service.log" 2>&1 &
SVC=$!
for _ in $(seq 1 600); do curl -sf "localhost:$PORT/q/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
load setup --admin bench-admin --channels 8
TENANT=$(python3 -c "import json;print(json.load(open('$OUT/state.json'))['tenant'])")

log "webhooks: open loop at $RATE/s beside the REST baseline ($RUNS x ${SECS}s)"
# warm up at a ramp (the JIT and the pools), then let the outbox drain before measuring
for r in 25 50 100; do load webhooks --rate "$r" --duration 5 --warmup 0 --label warmup; done
drain() {
  for _ in $(seq 1 600); do
    [ "$($PSQL -d $DB -c "SELECT count(*) FROM effects WHERE status IN ('pending', 'failed')")" = "0" ] && return
    sleep 1
  done
}
drain
for i in $(seq 1 "$RUNS"); do
  load rest --rate "$RATE" --duration "$SECS" --label rest-baseline
  drain
  load webhooks --rate "$RATE" --duration "$SECS" --label webhooks
  drain
done

log "webhooks: closed-loop throughput, 32 clients"
for i in $(seq 1 "$RUNS"); do
  load throughput --clients 32 --duration "$SECS" --label throughput
done

log "outbound: wait for the outbox to drain, then read the fake's journal"
drain
load sends --graph "http://localhost:$GRAPH_PORT" --label sends

log "customer lookup by phone: 100,000 customers"
$PSQL -d $DB <<SQL
INSERT INTO customers (id, tenant_id, phone, name)
SELECT gen_random_uuid(), '$TENANT', '+4930' || (2000000 + g), 'Customer ' || g FROM generate_series(0, 99999) g;
ANALYZE customers;
SQL
load lookups --jdbc "jdbc:postgresql://localhost:5432/$DB" --customers 100000 --requests 500 --label warmup-lookups
for i in $(seq 1 "$RUNS"); do
  load lookups --jdbc "jdbc:postgresql://localhost:5432/$DB" --customers 100000 --requests 3000 --label lookups
done

python3 bench/whatsapp_report.py "$OUT"
