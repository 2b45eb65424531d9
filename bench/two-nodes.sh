#!/usr/bin/env bash
# Issue 15's proof on one machine: two service nodes on one PostgreSQL and one Redis, HAProxy in front
# (REST and WebSockets), and the load through it. Needs haproxy (Debian package), RabbitMQ and Redis on
# localhost, and root for the Redis and RabbitMQ restarts. Reports to bench/results/nodes-*/report.md.
#
#   bench/two-nodes.sh                        # about 9 minutes
#   BENCH_SECONDS=10 bench/two-nodes.sh       # a quicker look
#
# 1. replies across nodes: reply p99 at $RATE msg/s through HAProxy, two nodes against one
# 2. kill -9 of node B under load: every accepted message answered exactly once; the takeover time
# 3. kill -STOP of node B past its lease, then -CONT: its late commits refused, no duplicate effect
# 4. Redis restarted under load: no contract error, only latency
# 5. RabbitMQ stopped and started with publishing on: every domain event arrives, none missing
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=${BENCH_SECONDS:-20}
RATE=${BENCH_RATE:-200}
LB=8090
A=8091
B=8092
DB=switchboard_bench_nodes
OUT=bench/results/nodes-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
PSQL="psql -h localhost -U postgres -v ON_ERROR_STOP=1 -qtA"
REPORT="$OUT/report.md"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -CONT "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
  redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || start_redis
  (echo > /dev/tcp/127.0.0.1/5672) 2>/dev/null || rabbitmqctl start_app >/dev/null 2>&1 || true
}
trap cleanup EXIT
log() { printf '\n== %s\n' "$*" >&2; }
start_redis() {
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
}

mvn -B -q clean package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="target/test-classes:$(cat target/bench.classpath)"
JAVA=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx1g -cp "$CP")
# a broken contract is a figure of the report, not the end of the script
loadgen() { "${JAVA[@]}" dev.switchboard.bench.LoadGenerator --out "$OUT/loadgen.jsonl" "$@" >/dev/null || true; }
failover() { "${JAVA[@]}" dev.switchboard.bench.FailoverLoad "$1" --url "http://localhost:$LB" --key "$KEY" \
               --out "$OUT/failover.jsonl" "${@:2}" >/dev/null || true; }
last() { tail -n 1 "$1" | python3 -c "import json,sys; r=json.load(sys.stdin); print(eval('r' + ''.join('[%r]' % k for k in '$2'.split('.'))))"; }

$PSQL -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null
$PSQL -d postgres -c "CREATE DATABASE $DB" >/dev/null
SECRET="$(head -c 32 /dev/urandom | base64)"

start_node() { # $1 name, $2 port; sets NODE_PID
  QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://localhost:5432/$DB" QUARKUS_DATASOURCE_USERNAME=postgres \
  QUARKUS_HTTP_PORT=$2 SWITCHBOARD_ADMIN_TOKEN=bench-admin SWITCHBOARD_SECRETS_KEY="$SECRET" \
  SWITCHBOARD_BROKER_ENABLED=true QUARKUS_DATASOURCE_JDBC_MAX_SIZE=24 \
    java -Xmx768m -jar target/quarkus-app/quarkus-run.jar >> "$OUT/node-$1.log" 2>&1 &
  NODE_PID=$!
  PIDS+=("$NODE_PID")
  for _ in $(seq 1 600); do curl -sf "localhost:$2/q/health/ready" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "node $1 did not become ready; see $OUT/node-$1.log" >&2; exit 1
}
owners() { $PSQL -d $DB -c "SELECT count(DISTINCT owner) FROM partition_leases WHERE expires_at > now()"; }
balanced() { # both nodes hold partitions
  for _ in $(seq 1 300); do [ "$(owners)" = 2 ] && return 0; sleep 0.1; done
  echo "the nodes did not share the partitions" >&2; exit 1
}

cat > "$OUT/haproxy.cfg" <<CFG
global
  maxconn 8000
defaults
  mode http
  timeout connect 2s
  timeout client 120s
  timeout server 120s
  timeout tunnel 1h
  option redispatch
  retries 3
  retry-on conn-failure empty-response
frontend switchboard
  bind 127.0.0.1:$LB
  default_backend nodes
backend nodes
  balance roundrobin
  option httpchk GET /q/health/ready
  http-check expect status 200
  server a 127.0.0.1:$A check inter 500ms fall 2 rise 2
  server b 127.0.0.1:$B check inter 500ms fall 2 rise 2
CFG

log "node A alone"
start_node a $A
PID_A=$NODE_PID
TENANT=$(curl -sf -H 'Authorization: Bearer bench-admin' -H 'Content-Type: application/json' \
  -H "Idempotency-Key: nodes-tenant-$$" -d '{"name":"nodes"}' "localhost:$A/api/v1/admin/tenants" \
  | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
KEY=$(curl -sf -X POST -H 'Authorization: Bearer bench-admin' -H "Idempotency-Key: nodes-key-$$" \
  "localhost:$A/api/v1/admin/tenants/$TENANT/api-keys" | python3 -c 'import json,sys;print(json.load(sys.stdin)["key"])')
# the broker's queue, bound before anything is published (durable: it outlives the broker's restart)
"${JAVA[@]}" dev.switchboard.bench.EventsDrain declare --queue bench-nodes >/dev/null
# the same load balancer in front of one node (B is not started: HAProxy marks it down), and directly
haproxy -f "$OUT/haproxy.cfg" > "$OUT/haproxy.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 100); do curl -sf "localhost:$LB/q/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
loadgen --url "http://localhost:$A" --key "$KEY" --mode open --rate "$RATE" --sessions 64 --warmup 5 \
  --duration "$SECS" --label direct
DIRECT_P99=$(last "$OUT/loadgen.jsonl" replyMs.p99)
loadgen --url "http://localhost:$LB" --key "$KEY" --mode open --rate "$RATE" --sessions 64 --warmup 5 \
  --duration "$SECS" --label single
SINGLE_P99=$(last "$OUT/loadgen.jsonl" replyMs.p99)

log "two nodes behind HAProxy"
start_node b $B
PID_B=$NODE_PID
balanced
# node B starts cold: its JIT warms up under the same load first, as node A's did in the runs above
loadgen --url "http://localhost:$LB" --key "$KEY" --mode open --rate "$RATE" --sessions 64 --warmup 5 \
  --duration "$SECS" --label across-warmup
loadgen --url "http://localhost:$LB" --key "$KEY" --mode open --rate "$RATE" --sessions 64 --warmup 5 \
  --duration "$SECS" --label across
ACROSS_P99=$(last "$OUT/loadgen.jsonl" replyMs.p99)
ACROSS_ERRORS=$(last "$OUT/loadgen.jsonl" errors)

log "kill -9 of node B under load"
failover send --prefix kill --sessions 100 --rate 100 --duration "$SECS" --label kill-send &
SENDER=$!
sleep $((SECS / 3))
KILLED_AT=$(date +%s.%N)
kill -9 "$PID_B"
for _ in $(seq 1 600); do [ "$(owners)" = 1 ] && break; sleep 0.1; done
TAKEOVER=$(python3 -c "import time; print(round(time.time() - $KILLED_AT, 1))")
wait "$SENDER" || true
caught_up() {
  for _ in $(seq 1 600); do
    [ "$($PSQL -d $DB -c "SELECT count(*) FROM sessions WHERE processed_seq < last_inbound_seq")" = 0 ] && return 0
    sleep 0.1
  done
}
caught_up
failover check --prefix kill --sessions 100 --label kill-check
# each accepted message has exactly one answer: no gap, no duplicate (the log and the outbox agree)
KILL_SQL=$($PSQL -d $DB -c "SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id
  WHERE s.external_key LIKE 'kill-%' AND e.type = 'user_message'
    AND (SELECT count(*) FROM effects f WHERE f.session_id = e.session_id AND f.reply_to = e.seq AND f.type = 'message') <> 1")

log "kill -STOP of node B past its lease, then -CONT"
start_node b $B
PID_B=$NODE_PID
balanced
failover send --prefix stop --sessions 100 --rate 100 --duration "$SECS" --label stop-send &
SENDER=$!
sleep $((SECS / 3))
kill -STOP "$PID_B"
sleep 15   # past the 10 s lease: node A takes B's partitions
kill -CONT "$PID_B"
wait "$SENDER" || true
caught_up
failover check --prefix stop --sessions 100 --label stop-check
STOP_SQL=$($PSQL -d $DB -c "SELECT count(*) FROM (SELECT session_id, reply_to FROM effects f JOIN sessions s
  ON s.id = f.session_id WHERE s.external_key LIKE 'stop-%' AND f.type = 'message'
  GROUP BY session_id, reply_to HAVING count(*) > 1) d")
REFUSED=$(curl -sf "localhost:$B/q/metrics" | awk '/^switchboard_processing_fenced_total/ {s += $2} END {print s + 0}')

log "Redis restarted under load"
loadgen --url "http://localhost:$LB" --key "$KEY" --mode open --rate "$RATE" --sessions 64 --warmup 2 \
  --duration "$SECS" --label redis-restart &
LOADGEN=$!
sleep $((SECS / 3 + 2))
redis-cli -h 127.0.0.1 shutdown nosave >/dev/null 2>&1 || true
sleep 3
start_redis
wait "$LOADGEN" || true
REDIS_ERRORS=$(last "$OUT/loadgen.jsonl" errors)
REDIS_P99=$(last "$OUT/loadgen.jsonl" replyMs.p99)

log "RabbitMQ stopped and started with publishing on"
failover send --prefix broker --sessions 50 --rate 50 --duration "$SECS" --label broker-send &
SENDER=$!
sleep $((SECS / 3))
rabbitmqctl stop_app >/dev/null
sleep 5
rabbitmqctl start_app >/dev/null
wait "$SENDER" || true
caught_up
for _ in $(seq 1 600); do
  [ "$($PSQL -d $DB -c "SELECT count(*) FROM domain_events WHERE published_at IS NULL")" = 0 ] && break; sleep 0.2
done
$PSQL -d $DB -c "SELECT event_id FROM domain_events" > "$OUT/recorded-ids"
"${JAVA[@]}" dev.switchboard.bench.EventsDrain drain --queue bench-nodes --ids "$OUT/recorded-ids" \
  --out "$OUT/events.jsonl" >/dev/null || true

python3 - "$OUT" "$DIRECT_P99" "$SINGLE_P99" "$ACROSS_P99" "$ACROSS_ERRORS" "$TAKEOVER" "$KILL_SQL" "$STOP_SQL" "$REFUSED" \
  "$REDIS_ERRORS" "$REDIS_P99" > "$REPORT" <<'PY'
import json, sys
out, direct, single, across, across_err, takeover, kill_sql, stop_sql, refused, redis_err, redis_p99 = sys.argv[1:]
fo = {r["label"]: r for r in map(json.loads, open(out + "/failover.jsonl"))}
ev = json.loads(open(out + "/events.jsonl").read().splitlines()[-1])
print("| figure | value | target |")
print("|---|---:|---|")
print(f"| 1. reply p99 at the rate, one node, no load balancer (ms) | {float(direct):.1f} | |")
print(f"| 1. reply p99 at the rate, one node behind HAProxy (ms) | {float(single):.1f} | |")
print(f"| 1. reply p99 through HAProxy, two nodes (ms) | {float(across):.1f} | <= 2 x one node ({float(across)/float(single):.2f} x) |")
print(f"| 1. contract errors across nodes | {across_err} | 0 |")
k, kc = fo["kill-send"], fo["kill-check"]
print(f"| 2. kill -9: accepted / sent (client retries) | {k['accepted']} / {k['sent']} ({k['retries']}) | all |")
print(f"| 2. kill -9: messages / answers read back, errors | {kc['messages']} / {kc['answers']}, {kc['errors']} | equal, 0 |")
print(f"| 2. kill -9: messages without exactly one answer (SQL) | {kill_sql} | 0 |")
print(f"| 2. takeover: kill to one owner of every partition (s) | {takeover} | report |")
s, sc = fo["stop-send"], fo["stop-check"]
print(f"| 3. SIGSTOP past the lease: accepted / sent | {s['accepted']} / {s['sent']} | all |")
print(f"| 3. SIGSTOP: messages / answers read back, errors | {sc['messages']} / {sc['answers']}, {sc['errors']} | equal, 0 |")
print(f"| 3. SIGSTOP: duplicate answers (SQL) | {stop_sql} | 0 |")
print(f"| 3. SIGSTOP: node B's commits refused by the fence (0: none was in flight) | {refused} | report |")
print(f"| 4. Redis restarted: contract errors, reply p99 (ms) | {redis_err}, {float(redis_p99):.1f} | 0, latency only |")
print(f"| 5. RabbitMQ restarted: events recorded / received (unique) / missing / duplicates | {ev['recorded']} / {ev['unique']} / {ev['missing']} / {ev['duplicates']} | missing 0 |")
PY
cat "$REPORT"
