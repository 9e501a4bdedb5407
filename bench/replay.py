#!/usr/bin/env python3
"""Replays the requests of a certify run (scenario-results.json) against a fresh reference server with a plain
HTTP client, sequentially and with N workers (each scenario's requests in order, scenarios shared out), and
prints the wall time of each: the raw request floor of the run.

  replay.py RESULTS PROFILE WORKERS

RESULTS is the run's scenario-results.json; PROFILE the profile 'mpsd serve' wrote (its tokens replace the
redacted ones, by caller name). Gaps of 200 ms or more between two requests of one scenario are the scenario's
own deliberate waits (a timer to expire); 'with waits' keeps them, 'raw' drops them.
"""
import http.client
import json
import queue
import sys
import threading
import time
import urllib.parse
from datetime import datetime

DELIBERATE_WAIT_S = 0.2
SKIP_HEADERS = {"authorization", "content-length", "host", "transfer-encoding", "connection"}


def parse_time(text):
    # 2026-12-02T05:12:11.8221693+00:00: Python takes at most 6 fraction digits
    head, _, rest = text.partition(".")
    if not rest:
        return datetime.fromisoformat(text).timestamp()
    digits = "".join(c for c in rest if c.isdigit())
    zone = rest[len(digits):]
    return datetime.fromisoformat(f"{head}.{digits[:6]:0<6}{zone}").timestamp()


def load(results_path, profile_path):
    results = json.load(open(results_path))
    profile = json.load(open(profile_path))
    auth = {u["name"]: u["headers"]["Authorization"] for u in profile["users"]}
    if profile.get("server"):
        auth["server"] = profile["server"]["headers"]["Authorization"]
    base = urllib.parse.urlsplit(profile["baseUrl"])
    scenarios = []
    for scenario in results["results"]:
        steps = []
        previous = None
        for e in scenario["exchanges"]:
            if e.get("status") is None:
                continue
            started = parse_time(e["started"])
            wait = 0.0
            if previous is not None and started - previous >= DELIBERATE_WAIT_S:
                wait = started - previous
            previous = started + e["elapsedMs"] / 1000
            url = urllib.parse.urlsplit(e["url"])
            headers = {h["key"]: h["value"] for h in e["requestHeaders"] if h["key"].lower() not in SKIP_HEADERS}
            if e["caller"] in auth:
                headers["Authorization"] = auth[e["caller"]]
            body = e.get("requestBody")
            steps.append((wait, e["method"], url.path + (("?" + url.query) if url.query else ""), headers,
                          body.encode("utf-8") if body is not None else None))
        if steps:
            scenarios.append(steps)
    return base.hostname, base.port, scenarios


def run(host, port, scenarios, workers, keep_waits):
    work = queue.Queue()
    for s in scenarios:
        work.put(s)
    count = [0]
    lock = threading.Lock()

    def worker():
        connection = http.client.HTTPConnection(host, port, timeout=30)
        while True:
            try:
                steps = work.get_nowait()
            except queue.Empty:
                break
            for wait, method, path, headers, body in steps:
                if keep_waits and wait > 0:
                    time.sleep(wait)
                connection.request(method, path, body=body, headers=headers)
                connection.getresponse().read()
                with lock:
                    count[0] += 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, count[0]


def main():
    results_path, profile_path, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
    host, port, scenarios = load(results_path, profile_path)
    run(host, port, scenarios, workers, False)  # warm the server up
    for keep_waits in (False, True):
        for n in (1, workers):
            seconds, requests = run(host, port, scenarios, n, keep_waits)
            label = "with waits" if keep_waits else "raw"
            print(f"floor {label} {n} {seconds:.3f} {requests}")


if __name__ == "__main__":
    main()
