#!/usr/bin/env python3
"""Summarises a bench/run.sh result folder: results.json and a Markdown table on stdout."""
import glob
import json
import os
import statistics
import sys

out = sys.argv[1]
runs = [json.loads(line) for line in open(os.path.join(out, "loadgen.jsonl")) if line.strip()]
extra = {}
for line in open(os.path.join(out, "extra.env")):
    key, _, value = line.strip().partition("=")
    extra.setdefault(key, []).append(float(value))


def by(label):
    return [r for r in runs if r["label"] == label]


def median(values):
    return statistics.median(values) if values else float("nan")


def pgbench_latency(rate):
    """p50/p99 per-message latency (ms) of the baseline at a fixed rate, from pgbench -l logs."""
    lat = []
    for path in glob.glob(os.path.join(out, f"pgbench-{rate}.*")):
        for line in open(path):
            parts = line.split()
            if len(parts) >= 3 and parts[2].isdigit():
                lat.append(int(parts[2]) / 1000.0)
    if not lat:
        return float("nan"), float("nan")
    lat.sort()
    return lat[len(lat) // 2], lat[min(len(lat) - 1, int(len(lat) * 0.99))]


rows = []
errors = sum(r["errors"] for r in runs)
base_tps = median(extra.get("baseline_tps", []))
closed = by("closed-64")
tput = median([r["throughput"] for r in closed])
rows.append(("1. throughput, closed loop, 64 sessions (msg/s)", tput, base_tps, tput / base_tps, ">= 1.0 x baseline"))
minimal_tps = median(extra.get("minimal_baseline_tps", []))
if minimal_tps == minimal_tps:
    rows.append(("1. throughput against the minimal-schema baseline (msg/s)", tput, minimal_tps, tput / minimal_tps,
                 "report"))
    rows.append(("1. baseline against the minimal-schema baseline (msg/s)", base_tps, minimal_tps,
                 base_tps / minimal_tps, "report: the schema's own cost"))

wal = median(extra.get("wal_per_message", []))
base_wal = median(extra.get("baseline_wal_per_message", []))
if wal == wal and base_wal == base_wal:
    rows.append(("1. WAL written per message, closed loop (bytes)", wal, base_wal, wal / base_wal,
                 "report: the work, whatever the machine's speed"))

for rate, checks in ((50, [("replyMs", "p50", 3.0)]), (500, [("acceptedMs", "p99", 10.0), ("replyMs", "p99", 15.0)])):
    r = by(f"open-{rate}")
    b50, b99 = pgbench_latency(rate)
    for hist, pct, target in checks:
        value = median([x[hist][pct] for x in r])
        base = b50 if pct == "p50" else b99
        name = "accepted" if hist == "acceptedMs" else "reply"
        rows.append((f"2. {name} {pct} at {rate} msg/s (ms)", value, base, value / base if base == base and base else float("nan"),
                     f"<= {target} ms"))

conn = by("connections-10k")
if conn:
    rows.append(("3. reply p99, 10,000 sockets, 1% sending (ms)", conn[-1]["replyMs"]["p99"], float("nan"), float("nan"), "<= 50 ms"))
    rows.append(("3. resident memory, 10,000 sockets, -Xmx512m (MiB)", median(extra.get("rss_peak_mb", [])), float("nan"), float("nan"), "report"))
big = median([r["replyMs"]["p50"] for r in by("growth-big")])
fresh = median([r["replyMs"]["p50"] for r in by("growth-fresh")])
rows.append(("4. reply p50, session with 100k prior events (ms)", big, fresh, big / fresh if fresh else float("nan"), "<= 1.1 x fresh session"))
rows.append(("4. stored bytes per message (events + effects)", median(extra.get("bytes_per_message", [])), float("nan"), float("nan"), "report"))
without = median([r["replyMs"]["p99"] for r in by("resume-without")])
with_resumer = median([r["replyMs"]["p99"] for r in by("resume-with")])
if without == without:
    rows.append(("6. reply p99, 64 sessions, while one client replays 50,000 replies (ms)", with_resumer, without,
                 with_resumer / without if without else float("nan"), "<= 2 x the run without it"))
    replays = [r for r in runs if r["label"] == "resumer"]
    rows.append(("6. replies replayed per second meanwhile", median([r["framesPerSecond"] for r in replays]),
                 float("nan"), float("nan"), "report"))
ready = median(extra.get("recovery_ready_s", []))
drain = median(extra.get("recovery_drain_s", []))
rows.append(("5. time to ready with 20,000 unprocessed (s)", ready, median(extra.get("first_start_ready_s", [])),
             ready / median(extra.get("first_start_ready_s", [1])), "report"))
rows.append(("5. recovery drain rate (msg/s)", 20000 / drain if drain else float("nan"), base_tps,
             (20000 / drain) / base_tps if drain else float("nan"), "report"))


def fmt(v):
    if v != v:
        return "–"
    return f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"


print("| figure | Switchboard | baseline | ratio | target |")
print("|---|---:|---:|---:|---|")
for name, value, base, ratio, target in rows:
    print(f"| {name} | {fmt(value)} | {fmt(base)} | {fmt(ratio)} | {target} |")
print()
print(f"load generator correctness errors: {errors}")
open_runs = sorted((r for r in runs if r.get("mode") == "open" and r["label"].startswith("open-")), key=lambda r: r["offeredRate"])
print()
print("| offered msg/s | achieved | accepted p50 | accepted p99 | reply p50 | reply p90 | reply p99 | reply max |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in open_runs:
    print(f"| {r['offeredRate']:.0f} | {r['throughput']:.0f} | {r['acceptedMs']['p50']:.2f} | {r['acceptedMs']['p99']:.2f} | "
          f"{r['replyMs']['p50']:.2f} | {r['replyMs']['p90']:.2f} | {r['replyMs']['p99']:.2f} | {r['replyMs']['max']:.2f} |")

json.dump({"rows": [dict(zip(("figure", "value", "baseline", "ratio", "target"), row)) for row in rows],
           "extra": extra, "runs": runs, "correctnessErrors": errors},
          open(os.path.join(out, "results.json"), "w"), indent=2, default=str)
sys.exit(1 if errors else 0)
