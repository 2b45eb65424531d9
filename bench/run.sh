#!/usr/bin/env bash
# Reproduces BENCHMARKS.md: builds Switchboard, measures a pgbench baseline of the same durable
# writes per message, then the service as a packaged jar against a fresh database, and prints one
# table with each figure and its ratio to the baseline. Needs what the README's set-up needs
# (JDK 17, Maven, PostgreSQL on localhost as user postgres) plus pgbench.
#
#   bench/run.sh                      # full run (about 14 minutes)
#   BENCH_SECONDS=8 BENCH_RUNS=1 bench/run.sh   # a quick look
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=${BENCH_SECONDS:-15}
RUNS=${BENCH_RUNS:-3}
PORT=${BENCH_PORT:-8089}
RATES=${BENCH_RATES:-"50 100 250 500 750"}
DB=switchboard_bench
OUT=bench/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
PSQL="psql -h localhost -U postgres -v ON_ERROR_STOP=1 -qtA"
JSONL="$OUT/loadgen.jsonl"
EXTRA="$OUT/extra.env"
: > "$EXTRA"
SVC=""

log() { printf '\n== %s\n' "$*" >&2; }
note() { echo "$1=$2" >> "$EXTRA"; }
cleanup() { [ -n "$SVC" ] && kill "$SVC" 2>/dev/null || true; }
trap cleanup EXIT

log "build"
mvn -B -q clean package -DskipTests  # clean: a deleted migration must not linger in target/classes
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="target/test-classes:$(cat target/bench.classpath)"
# the load generator shares the two cores with the service and PostgreSQL: C1-compiled code and the
# serial collector keep its share small (pgbench, the baseline's client, is a lean C program)
BENCH_JAVA=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx2g -cp "$CP")
loadgen() { "${BENCH_JAVA[@]}" dev.switchboard.bench.LoadGenerator --url "http://localhost:$PORT" --out "$JSONL" "$@" >/dev/null; }

wal_lsn() { $PSQL -d postgres -c "SELECT pg_current_wal_lsn()"; }
# bytes of WAL between two positions per unit of work: a figure of the work done, which the speed of a
# shared machine does not move
wal_per() { $PSQL -d postgres -c "SELECT round(pg_wal_lsn_diff('$2', '$1') / $3)"; }
appended() { curl -sf "localhost:$PORT/q/metrics" | awk '/^switchboard_events_appended_total/ {print int($2)}'; }

fresh_db() {
  $PSQL -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null
  $PSQL -d postgres -c "CREATE DATABASE $DB" >/dev/null
}

start_service() { # $1: extra JVM options; sets SVC and READY (seconds from launch to ready)
  local started now
  started=$(date +%s.%N)
  QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://localhost:5432/$DB" QUARKUS_DATASOURCE_USERNAME=postgres \
  QUARKUS_HTTP_PORT=$PORT SWITCHBOARD_ADMIN_TOKEN=bench-admin SWITCHBOARD_SECRETS_KEY="${SWITCHBOARD_SECRETS_KEY:-$(head -c 32 /dev/urandom | base64)}" \
    java ${1:-} -jar target/quarkus-app/quarkus-run.jar >> "$OUT/service.log" 2>&1 &
  SVC=$!
  for _ in $(seq 1 600); do
    if curl -sf "localhost:$PORT/q/health/ready" >/dev/null 2>&1; then
      now=$(date +%s.%N); READY=$(python3 -c "print(round($now - $started, 2))"); return 0
    fi
    sleep 0.1
  done
  echo "service did not become ready; see $OUT/service.log" >&2; exit 1
}

stop_service() { kill "$SVC"; wait "$SVC" 2>/dev/null || true; SVC=""; }

api_key() {
  local tenant
  tenant=$(curl -sf -H 'Authorization: Bearer bench-admin' -H 'Content-Type: application/json' \
    -H "Idempotency-Key: bench-tenant-$$" -d '{"name":"bench"}' "localhost:$PORT/api/v1/admin/tenants" | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
  echo "$tenant" > "$OUT/tenant"
  curl -sf -X POST -H 'Authorization: Bearer bench-admin' -H "Idempotency-Key: bench-key-$$" \
    "localhost:$PORT/api/v1/admin/tenants/$tenant/api-keys" \
    | python3 -c 'import json,sys;print(json.load(sys.stdin)["key"])'
}

log "baseline: pgbench, same writes per message, 64 clients, $RUNS x ${SECS}s"
fresh_db
$PSQL -d $DB -c "CREATE SCHEMA baseline" >/dev/null
PGOPTIONS="-c search_path=baseline" $PSQL -d $DB -f src/main/resources/db/migration/V1__core.sql >/dev/null
# the baseline keeps the service's indexes: none on the processing cursor since V21, and since V22
# no entry for an event without a client id
for migration in V21__sessions_hot_updates V22__client_ids_indexed_where_present; do
  PGOPTIONS="-c search_path=baseline" $PSQL -d $DB -f src/main/resources/db/migration/$migration.sql >/dev/null
done
PGOPTIONS="-c search_path=baseline" $PSQL -d $DB -v sessions=64 -f bench/baseline-setup.sql >/dev/null
for i in $(seq 1 "$RUNS"); do
  lsn=$(wal_lsn)
  result=$(PGOPTIONS="-c search_path=baseline" pgbench -h localhost -U postgres -n -c 64 -j 2 -T "$SECS" \
        -f bench/baseline.sql $DB 2>/dev/null)
  tps=$(echo "$result" | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  done_tx=$(echo "$result" | sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p')
  echo "  baseline run $i: $tps messages/s" >&2
  note baseline_tps "$tps"
  note baseline_wal_per_message "$(wal_per "$lsn" "$(wal_lsn)" "$done_tx")"
done
log "minimal baseline: the same three transactions on the smallest schema, $RUNS x ${SECS}s"
$PSQL -d $DB -c "CREATE SCHEMA minimal" >/dev/null
PGOPTIONS="-c search_path=minimal" $PSQL -d $DB -v sessions=64 -f bench/minimal-baseline-setup.sql >/dev/null
for i in $(seq 1 "$RUNS"); do
  tps=$(PGOPTIONS="-c search_path=minimal" pgbench -h localhost -U postgres -n -c 64 -j 2 -T "$SECS" \
        -f bench/minimal-baseline.sql $DB 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  echo "  minimal baseline run $i: $tps messages/s" >&2
  note minimal_baseline_tps "$tps"
done
$PSQL -d $DB -c "DROP SCHEMA minimal CASCADE" >/dev/null
for rate in 50 500; do
  rm -f "$OUT"/pgbench-$rate.*
  PGOPTIONS="-c search_path=baseline" pgbench -h localhost -U postgres -n -c 64 -j 2 -T "$SECS" -R "$rate" \
    -l --log-prefix="$OUT/pgbench-$rate" -f bench/baseline.sql $DB >/dev/null 2>&1
  echo "  baseline at $rate messages/s logged" >&2
done
$PSQL -d $DB -c "DROP SCHEMA baseline CASCADE" >/dev/null

log "service: fresh database"
start_service
note first_start_ready_s "$READY"
KEY=$(api_key)
TENANT=$(cat "$OUT/tenant")

WARM=${BENCH_WARMUP_SECONDS:-120}
# the JIT of a fresh JVM takes about two minutes of this load to settle: on a 2-core machine the
# closed loop's throughput rose from 450 to 900 msg/s over its first 140 s (BENCHMARKS.md)
log "throughput: closed loop, 64 sessions (${WARM}s of warm-up, then $RUNS x ${SECS}s)"
loadgen --key "$KEY" --mode closed --sessions 64 --warmup "$WARM" --duration 5 --label warmup
for i in $(seq 1 "$RUNS"); do
  lsn=$(wal_lsn); before=$(appended)
  loadgen --key "$KEY" --mode closed --sessions 64 --warmup 3 --duration "$SECS" --label closed-64
  note wal_per_message "$(wal_per "$lsn" "$(wal_lsn)" "$(( $(appended) - before ))")"
done

log "latency: open loop over 64 sessions at $RATES messages/s"
for rate in $RATES; do
  loadgen --key "$KEY" --mode open --rate "$rate" --sessions 64 --warmup 5 --duration "$SECS" --label "open-$rate"
done

log "storage per message"
note bytes_per_message "$($PSQL -d $DB -c "SELECT (pg_total_relation_size('events') + pg_total_relation_size('effects'))
  / GREATEST(1, (SELECT count(*) FROM events WHERE type = 'user_message'))")"

log "growth: a session with 100,000 prior events against a fresh one"
loadgen --key "$KEY" --mode open --rate 5 --sessions 1 --warmup 1 --duration 2 --prefix growth-big --label growth-seed
$PSQL -d $DB <<SQL
WITH s AS (SELECT id, tenant_id, last_seq, effect_seq FROM sessions WHERE external_key = 'growth-big-0')
INSERT INTO events (tenant_id, session_id, seq, type, payload, client_msg_id)
SELECT s.tenant_id, s.id, s.last_seq + g,
       CASE WHEN g % 2 = 1 THEN 'user_message' ELSE 'assistant_message' END,
       '{"text":"earlier conversation"}', CASE WHEN g % 2 = 1 THEN 'history-' || g END
  FROM s, generate_series(1, 100000) g;
WITH s AS (SELECT id, tenant_id, last_seq, effect_seq FROM sessions WHERE external_key = 'growth-big-0')
INSERT INTO effects (tenant_id, channel, session_key, session_id, seq, reply_to, type, payload, dedupe_key, status, sent_at)
SELECT s.tenant_id, 'web', 'growth-big-0', s.id, s.effect_seq + g, s.last_seq + 2 * g - 1, 'message',
       '{"text":"earlier reply"}', 'history:' || s.id || ':' || g, 'sent', now()
  FROM s, generate_series(1, 50000) g;
UPDATE sessions SET last_seq = last_seq + 100000, last_inbound_seq = last_seq + 99999,
       processed_seq = last_seq + 99999, effect_seq = effect_seq + 50000
 WHERE external_key = 'growth-big-0';
ANALYZE events; ANALYZE effects;
SQL
for i in $(seq 1 "$RUNS"); do
  loadgen --key "$KEY" --mode open --rate 20 --sessions 1 --warmup 3 --duration "$SECS" --prefix growth-big --label growth-big
  loadgen --key "$KEY" --mode open --rate 20 --sessions 1 --warmup 3 --duration "$SECS" --prefix "growth-fresh-$i" --label growth-fresh
done

RESUME_RATE=${BENCH_RESUME_RATE:-100}
log "resume: 64 sessions at $RESUME_RATE msg/s, then again while one client replays the 50,000 replies of growth-big-0 over and over"
for i in $(seq 1 "$RUNS"); do
  loadgen --key "$KEY" --mode open --rate "$RESUME_RATE" --sessions 64 --warmup 3 --duration "$SECS" --label resume-without
  "${BENCH_JAVA[@]}" dev.switchboard.bench.Resumer --url "http://localhost:$PORT" \
    --key "$KEY" --session growth-big-0 --expect 50000 --duration $((SECS + 4)) --out "$JSONL" >/dev/null &
  RESUMER=$!
  sleep 1
  loadgen --key "$KEY" --mode open --rate "$RESUME_RATE" --sessions 64 --warmup 3 --duration "$SECS" --label resume-with
  wait "$RESUMER"
done
stop_service

log "recovery: 20,000 accepted-but-unprocessed messages in 2,000 sessions at startup"
$PSQL -d $DB <<SQL
INSERT INTO sessions (tenant_id, channel, external_key, state, data, checksum, last_seq, last_inbound_seq, processed_seq)
SELECT '$TENANT', 'web', 'recovery-' || g, 'idle', '{}',
       encode(sha256(convert_to('idle', 'UTF8') || '\x00'::bytea || convert_to('{}', 'UTF8') || '\x00'::bytea
                     || convert_to('0', 'UTF8')), 'hex'), 10, 10, 0
  FROM generate_series(1, 2000) g;
INSERT INTO events (tenant_id, session_id, seq, type, payload, client_msg_id)
SELECT s.tenant_id, s.id, e, 'user_message', '{"text":"hello again"}', 'recovery-' || e
  FROM sessions s, generate_series(1, 10) e WHERE s.external_key LIKE 'recovery-%';
SQL
start_service
note recovery_ready_s "$READY"
t0=$(date +%s.%N)
while [ "$($PSQL -d $DB -c "SELECT count(*) FROM sessions WHERE processed_seq < last_inbound_seq")" != "0" ]; do
  sleep 0.2
done
t1=$(date +%s.%N)
note recovery_drain_s "$(python3 -c "print(round($t1 - $t0, 2))")"
note recovery_messages 20000
note recovery_replies "$($PSQL -d $DB -c "SELECT count(*) FROM effects WHERE session_key LIKE 'recovery-%' AND type = 'message'")"
stop_service

log "connections: 10,000 sessions, -Xmx512m, 1% of them sending (100 sessions, 1 message/s each)"
start_service "-Xmx512m"
(
  peak=0
  while kill -0 "$SVC" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$SVC/status" 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss && echo "$peak" > "$OUT/rss_peak_kb"
    sleep 1
  done
) &
SAMPLER=$!
loadgen --key "$KEY" --mode open --rate 100 --sessions 10000 --senders 100 --warmup 5 --duration "$SECS" --label connections-10k
kill "$SAMPLER" 2>/dev/null || true
note rss_peak_mb "$(( $(cat "$OUT/rss_peak_kb") / 1024 ))"
stop_service

log "report"
java -cp "$CP" dev.switchboard.bench.LatencyPlot "$JSONL" "$OUT/latency.png" \
  "Switchboard: latency against offered load ($(nproc) cores, $(date -u +%F))"
python3 bench/report.py "$OUT"
