#!/usr/bin/env bash
# Reproduces the analytics section of BENCHMARKS.md:
#  1. a tenant with 1,000,000 messages in 100,000 conversations over 30 days (bench/analytics-data.sql),
#     measured by the rebuild; then BENCH_QUERIES timed requests each of the 30-day summary and the
#     daily time series (p50/p95/p99 over HTTP, the service warm);
#  2. the cost of keeping the counts on the hot path: the closed loop (64 web sessions) with the
#     count triggers on and off, alternating, BENCH_RUNS pairs.
#
#   bench/analytics.sh                      # about 10 minutes
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=${BENCH_SECONDS:-15}
RUNS=${BENCH_RUNS:-3}
QUERIES=${BENCH_QUERIES:-200}
CONVERSATIONS=${BENCH_CONVERSATIONS:-100000}
PORT=${BENCH_PORT:-8089}
DB=switchboard_bench_analytics
OUT=bench/results/analytics-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
PSQL="psql -h localhost -U postgres -v ON_ERROR_STOP=1 -qtA"
SVC=""
trap '[ -n "$SVC" ] && kill "$SVC" 2>/dev/null || true' EXIT

mvn -B -q clean package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="target/test-classes:$(cat target/bench.classpath)"

$PSQL -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null
$PSQL -d postgres -c "CREATE DATABASE $DB" >/dev/null
QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://localhost:5432/$DB" QUARKUS_DATASOURCE_USERNAME=postgres \
QUARKUS_HTTP_PORT=$PORT SWITCHBOARD_ADMIN_TOKEN=bench-admin SWITCHBOARD_SECRETS_KEY="$(head -c 32 /dev/urandom | base64)" \
  java -jar target/quarkus-app/quarkus-run.jar > "$OUT/service.log" 2>&1 &
SVC=$!
for _ in $(seq 1 600); do curl -sf "localhost:$PORT/q/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
admin() { curl -sf -H 'Authorization: Bearer bench-admin' -H 'Content-Type: application/json' \
            -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" "$@"; }
field() { python3 -c "import json,sys;print(json.load(sys.stdin)['$1'])"; }
TENANT=$(admin -d '{"name":"analytics bench"}' "localhost:$PORT/api/v1/admin/tenants" | field id)
KEY=$(admin -X POST "localhost:$PORT/api/v1/admin/tenants/$TENANT/api-keys" | field key)

echo "== data: $CONVERSATIONS conversations, 10 messages each, over 30 days" >&2
start=$(date +%s.%N)
$PSQL -d $DB -v tenant="$TENANT" -v conversations="$CONVERSATIONS" -v days=30 -f bench/analytics-data.sql >/dev/null
echo "generated_s=$(python3 -c "print(round($(date +%s.%N) - $start, 1))")" | tee "$OUT/results.env" >&2
start=$(date +%s.%N)
admin -X POST "localhost:$PORT/api/v1/admin/tenants/$TENANT/analytics/rebuild" > "$OUT/rebuild.json"
echo "rebuild_s=$(python3 -c "print(round($(date +%s.%N) - $start, 1))")" | tee -a "$OUT/results.env" >&2
cat "$OUT/rebuild.json" >&2; echo >&2
$PSQL -d $DB -c "SELECT 'customer_messages=' || count(*) FROM events WHERE type = 'user_message'" | tee -a "$OUT/results.env" >&2
sleep 10 # the roller folds the generated counts in
# the generator and the rebuild wrote millions of rows at once; autovacuum would catch up on them
# over the next minutes, which the timings below should not depend on
for t in report_count_deltas report_counts report_counts_daily report_conversations report_replies report_assignments; do
  $PSQL -d $DB -c "VACUUM ANALYZE $t" >/dev/null
done

FROM=$(date -u -d '30 days ago' +%Y-%m-%d)
TO=$(date -u +%Y-%m-%d)
timed() { # $1: label, $2: path; prints p50/p95/p99 of $QUERIES requests in ms
  for _ in $(seq 1 20); do curl -sf -o /dev/null -H "Authorization: Bearer $KEY" "localhost:$PORT$2"; done
  for _ in $(seq 1 "$QUERIES"); do
    curl -sf -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $KEY" "localhost:$PORT$2"
  done | python3 -c "
import sys
t = sorted(float(x) * 1000 for x in sys.stdin)
q = lambda p: t[min(len(t) - 1, int(p * len(t)))]
print('$1_p50_ms=%.1f\n$1_p95_ms=%.1f\n$1_p99_ms=%.1f' % (q(0.5), q(0.95), q(0.99)))" | tee -a "$OUT/results.env" >&2
}
curl -sf -H "Authorization: Bearer $KEY" "localhost:$PORT/api/v1/analytics/summary?from=$FROM&to=$TO" > "$OUT/summary.json"
timed summary "/api/v1/analytics/summary?from=$FROM&to=$TO&tz=Europe/Berlin"
timed series "/api/v1/analytics/timeseries?metric=conversations_created&interval=day&from=$FROM&to=$TO&tz=Europe/Berlin"
timed series_messages "/api/v1/analytics/timeseries?metric=messages_from_customers&interval=day&from=$FROM&to=$TO"
timed agents "/api/v1/analytics/agents?from=$FROM&to=$TO"

echo "== hot path: closed loop, count triggers on and off, $RUNS pairs of ${SECS}s" >&2
triggers() { $PSQL -d $DB -c "ALTER TABLE events $1 TRIGGER report_event_counted;
  ALTER TABLE effects $1 TRIGGER report_message_recorded; ALTER TABLE effects $1 TRIGGER report_messages_moved;
  ALTER TABLE report_conversations $1 TRIGGER report_conversation_counted;
  ALTER TABLE report_replies $1 TRIGGER report_reply_counted;"; }
loadgen() { java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx2g -cp "$CP" dev.switchboard.bench.LoadGenerator \
              --url "http://localhost:$PORT" --key "$KEY" --out "$OUT/loadgen.jsonl" --mode closed --sessions 64 "$@" \
              >/dev/null; }
loadgen --warmup 5 --duration "$SECS" --label warmup
for i in $(seq 1 "$RUNS"); do
  triggers ENABLE; loadgen --warmup 3 --duration "$SECS" --label counts-on
  triggers DISABLE; loadgen --warmup 3 --duration "$SECS" --label counts-off
done
triggers ENABLE
python3 - "$OUT/loadgen.jsonl" <<'PY' | tee -a "$OUT/results.env" >&2
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
def tput(label):
    return [r["throughput"] for r in runs if r.get("label") == label]
on, off = tput("counts-on"), tput("counts-off")
print("closed_on=%s\nclosed_off=%s" % (on, off))
print("closed_pair_ratios=%s" % [round(a / b, 3) for a, b in zip(on, off)])
print("closed_on_median=%.0f\nclosed_off_median=%.0f\nclosed_ratio=%.3f" % (statistics.median(on),
      statistics.median(off), statistics.median(on) / statistics.median(off)))
PY
echo "results in $OUT" >&2
