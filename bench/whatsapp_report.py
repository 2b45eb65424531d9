#!/usr/bin/env python3
"""Summarises a bench/whatsapp.sh result folder as a Markdown table (medians over the runs)."""
import json
import os
import statistics
import sys

out = sys.argv[1]
rows = [json.loads(line) for line in open(os.path.join(out, "whatsapp.jsonl")) if line.strip()]


def med(label, key):
    values = [r[key] for r in rows if r["label"] == label and key in r]
    return statistics.median(values) if values else float("nan")


def med2(label, part, key):
    values = [r[part][key] for r in rows if r["label"] == label]
    return statistics.median(values) if values else float("nan")


rate = med("webhooks", "rate")
wp50, wp99 = med("webhooks", "p50"), med("webhooks", "p99")
bp50, bp99 = med("rest-baseline", "p50"), med("rest-baseline", "p99")
lookup, lookup_sql = med("lookups", "api_p95"), med("lookups", "sql_p95")
sends = [r for r in rows if r["label"] == "sends"]
failures = sum(r.get("failures", 0) for r in rows)
print(f"| figure | Switchboard | baseline | ratio | target |")
print(f"|---|---|---|---|---|")
print(f"| webhook p50 at {rate:.0f}/s (ms) | {wp50:.2f} | {bp50:.2f} (REST append) | {wp50 / bp50:.2f} | |")
print(f"| webhook p99 at {rate:.0f}/s (ms) | {wp99:.2f} | {bp99:.2f} (REST append) | {wp99 / bp99:.2f} | ≤ 50 |")
print(f"| webhook throughput, 32 clients (webhooks/s) | {med('throughput', 'webhooks_per_s'):.0f} | | | |")
print(f"| customer lookup by phone p95, 100k customers (ms) | {lookup:.2f} | {lookup_sql:.2f} (same query, JDBC) | "
      f"{lookup / lookup_sql:.2f} | ≤ 10 |")
if sends:
    s = sends[-1]
    print(f"| outbound sends (all numbers, per s) | {s['sends_per_s']:.0f} over {s['numbers']} numbers | | | |")
    print(f"| busiest second of one number (sends) | {s['busiest_number_second']} | 80 (configured rate) | "
          f"{s['busiest_number_second'] / 80:.2f} | ≤ 80 |")
print(f"\nfailed requests: {failures}; lookups that did not find exactly one customer: "
      f"{sum(r.get('misses', 0) for r in rows)}")
