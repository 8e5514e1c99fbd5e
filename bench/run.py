"""`make bench`: synthesis cost of cdk8s-django against raw cdk8s (a) and plain YAML (b).

For one production and N staging environments, N in (1, 10, 50), each path runs
in a fresh process (Python start, jsii Node start, build, write) RUNS times.
Printed per row: median wall time (min-max), peak memory of the whole process
tree (Python plus the jsii Node process, sampled every 5 ms), objects written,
and jsii round-trips per object. Nothing here is asserted: the machines are
shared and noisy; the README table records one run.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "bench" / "scenario.py"
STAGING_COUNTS = (1, 10, 50)
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
SAMPLE_SECONDS = 0.005
ENV = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "CDK8S_CHECK_UPGRADE": "false"}


def measure(args: list[str]) -> tuple[float, int, dict[str, int]]:
    """Run one scenario; return wall seconds, peak tree RSS in bytes, and its JSON report."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(SCENARIO), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    root = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(SAMPLE_SECONDS)
    elapsed = time.perf_counter() - start
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"scenario {args} failed:\n{err.decode()}")
    return elapsed, peak, json.loads(out.decode().strip().splitlines()[-1])


def series(args_for_run: list[str]) -> dict[str, float]:
    times, peaks, report = [], [], {}
    for run in range(RUNS):
        with tempfile.TemporaryDirectory() as out:
            elapsed, peak, report = measure([*args_for_run, str(Path(out) / "dist")])
        times.append(elapsed)
        peaks.append(peak)
    return {
        "median": statistics.median(times), "min": min(times), "max": max(times),
        "peak_mib": max(peaks) / 2**20, "objects": report["objects"],
        "round_trips": report["round_trips"] / max(1, report["objects"]),
        "by_request": report["by_request"],
    }


def main() -> None:
    print(f"machine: {platform.machine()}, {psutil.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}, runs per cell: {RUNS}")
    header = f"| N staging | path | median s (min-max) | peak MiB | objects | round-trips/object | ratio |"
    print(header)
    print("|---|---|---|---|---|---|---|")
    breakdown: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for staging in STAGING_COUNTS:
            docs = str(Path(scratch) / f"docs-{staging}.json")
            subprocess.run([sys.executable, str(SCENARIO), "dump", str(staging), docs], env=ENV, check=True, capture_output=True)
            library = series(["library", str(staging)])
            breakdown = library["by_request"]  # type: ignore[assignment]
            raw = series(["raw", docs])
            plain = series(["yaml", docs])
            for name, row, ratio in (
                ("cdk8s-django", library, ""),
                ("(a) raw ApiObject + patch", raw, f"library/(a) = {library['median'] / raw['median']:.2f}"),
                ("(b) dicts + libyaml", plain, f"library/(b) = {library['median'] / plain['median']:.2f}"),
            ):
                print(f"| {staging} | {name} | {row['median']:.2f} ({row['min']:.2f}-{row['max']:.2f}) | "
                      f"{row['peak_mib']:.0f} | {row['objects']:.0f} | {row['round_trips']:.2f} | {ratio} |", flush=True)

    print(f"\njsii round-trips of the library at N={STAGING_COUNTS[-1]}, by request:")
    for key, count in sorted(breakdown.items(), key=lambda item: -item[1]):
        print(f"  {count:6d}  {key}")


if __name__ == "__main__":
    main()

