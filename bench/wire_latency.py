#!/usr/bin/env python3
"""Accepted and reply latency as the loopback interface saw them, without the load generator's own
thread hops: from a client's message frame to the service's `accepted` frame and to its reply, per
connection. Capture while the load generator runs, one message in flight per session (open loop):

    tcpdump -i lo -nn -tt -s 200 -A 'tcp port 8091' > /tmp/wire.txt
    python3 bench/wire_latency.py /tmp/wire.txt 8091

Client frames are masked, so any client frame with a payload counts as a message (the load generator
sends nothing else); server frames are read in clear.
"""
import re
import sys

HEADER = re.compile(r'^(\d+\.\d+) IP [\d.]+\.(\d+) > [\d.]+\.(\d+): .*length (\d+)')


def packets(path):
    current = None
    with open(path, errors='replace') as capture:
        for line in capture:
            header = HEADER.match(line)
            if header:
                if current:
                    yield current
                current = [float(header.group(1)), int(header.group(2)), int(header.group(3)),
                           int(header.group(4)), '']
            elif current:
                current[4] += line
    if current:
        yield current


def quantile(values, q):
    return values[min(len(values) - 1, int(len(values) * q))] if values else float('nan')


def main(path, port):
    sent, accepted, replied = {}, [], []
    for at, source, target, length, text in packets(path):
        if length == 0:
            continue
        if target == port:
            sent[source] = at
        elif source == port and target in sent:
            if '"accepted"' in text:
                accepted.append((at - sent[target]) * 1000)
            elif '"message"' in text:
                replied.append((at - sent.pop(target)) * 1000)
    accepted.sort()
    replied.sort()
    print(f"messages {len(replied)}  accepted p50 {quantile(accepted, .5):.2f} ms  reply p50 "
          f"{quantile(replied, .5):.2f} p90 {quantile(replied, .9):.2f} p99 {quantile(replied, .99):.2f} ms")


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 8091)
