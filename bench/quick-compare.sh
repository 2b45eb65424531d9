#!/usr/bin/env bash
# A quick look at one build: closed loop over 64 sessions, open loop at 50 and 500 msg/s, 10 s each,
# against its packaged jar on a fresh database. Run it in two checkouts to compare them side by side:
#   git worktree add /tmp/before <commit> && bench/quick-compare.sh /tmp/before before
#   bench/quick-compare.sh . after
set -euo pipefail
cd "$1"
LABEL=$2
PORT=8091
DB=switchboard_quick
PSQL="psql -h localhost -U postgres -v ON_ERROR_STOP=1 -qtA"
OUT=/tmp/quick-$LABEL; rm -rf "$OUT"; mkdir -p "$OUT"
mvn -B -q -o clean package -DskipTests
mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="target/test-classes:$(cat target/bench.classpath)"
$PSQL -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null; $PSQL -d postgres -c "CREATE DATABASE $DB" >/dev/null
QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://localhost:5432/$DB" QUARKUS_DATASOURCE_USERNAME=postgres \
QUARKUS_HTTP_PORT=$PORT SWITCHBOARD_ADMIN_TOKEN=bench-admin SWITCHBOARD_SECRETS_KEY="$(head -c 32 /dev/urandom | base64)" \
  java -jar target/quarkus-app/quarkus-run.jar > "$OUT/service.log" 2>&1 &
SVC=$!; trap 'kill $SVC 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -sf "localhost:$PORT/q/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
T=$(curl -sf -H 'Authorization: Bearer bench-admin' -H 'Content-Type: application/json' -H "Idempotency-Key: t-$$" -d '{"name":"q"}' localhost:$PORT/api/v1/admin/tenants | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
KEY=$(curl -sf -X POST -H 'Authorization: Bearer bench-admin' -H "Idempotency-Key: k-$$" localhost:$PORT/api/v1/admin/tenants/$T/api-keys | python3 -c 'import json,sys;print(json.load(sys.stdin)["key"])')
LG=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx1g -cp "$CP" dev.switchboard.bench.LoadGenerator --url "http://localhost:$PORT" --out "$OUT/loadgen.jsonl" --key "$KEY")
"${LG[@]}" --mode closed --sessions 64 --warmup 5 --duration 10 --label warmup >/dev/null
"${LG[@]}" --mode closed --sessions 64 --warmup 3 --duration 10 --label closed >/dev/null
"${LG[@]}" --mode open --rate 50 --sessions 64 --warmup 3 --duration 10 --label open-50 >/dev/null
"${LG[@]}" --mode open --rate 500 --sessions 64 --warmup 3 --duration 10 --label open-500 >/dev/null
python3 - "$OUT/loadgen.jsonl" "$LABEL" <<'PY'
import json,sys
for l in open(sys.argv[1]):
    r=json.loads(l)
    if r.get("label") in ("closed","open-50","open-500"):
        print(sys.argv[2], r["label"], "throughput", round(r["throughput"],1), "reply", r["replyMs"], "errors", r["errors"])
PY
