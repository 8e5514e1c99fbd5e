"""`make bench`: what synthesis costs with cdk8s-django, beside what users could pick instead.

For one production and N staging environments, N in (1, 10, 50, 100), every path writes the
same documents, each in a fresh process, RUNS times, interleaved (path by path within a run,
so drift on a shared machine hits every path alike):

- cdk8s-django: the example app, ``App.synth()``;
- floor: the same documents through the library's own YAML writer and atomic tree writer, no
  cdk8s (the process asserts it never imports jsii);
- ts raw: Node cdk8s writing the same documents as raw ``ApiObject``s (the goal's reference);
- ts plus: Node cdk8s-plus-27 building the same workloads, same object count (for context);
- py raw: Python cdk8s, a raw ``ApiObject`` plus one JSON patch per object.

Times come from runs with no sampler; peak memory (the whole process tree, Python and Node)
from one more run per cell, sampled every 20 ms. Nothing is asserted: the machines are shared
and noisy. Also printed: where the library's time goes at the largest N, phase by phase.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "bench" / "scenario.py"
NODE_DIR = ROOT / "bench" / "node"
STAGING_COUNTS = tuple(int(n) for n in os.environ.get("BENCH_N", "1,10,50,100").split(","))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SAMPLE_SECONDS = 0.02
ENV = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "CDK8S_CHECK_UPGRADE": "false"}
PATHS = ("cdk8s-django", "floor", "ts raw", "ts plus", "py raw")


def command(path: str, staging: int, docs: str, out: str) -> list[str]:
    node = shutil.which("node") or "node"
    return {
        "cdk8s-django": [sys.executable, str(SCENARIO), "library", str(staging), out],
        "floor": [sys.executable, str(SCENARIO), "floor", docs, out],
        "ts raw": [node, str(NODE_DIR / "raw.mjs"), docs, out],
        "ts plus": [node, str(NODE_DIR / "plus.mjs"), docs, out],
        "py raw": [sys.executable, str(SCENARIO), "raw", docs, out],
    }[path]


def run(args: list[str], sample: bool) -> tuple[float, int, dict[str, object]]:
    """One fresh process: wall seconds, peak tree RSS in bytes (when sampled), its JSON report."""
    os.sync()  # the previous run's files reach the disk first: no run pays for another's writes
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, cwd=ROOT)
    peak = 0
    if sample:
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                peak = max(peak, sum(p.memory_info().rss for p in [root, *root.children(recursive=True)] if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(SAMPLE_SECONDS)
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err.decode()}")
    report = json.loads(out.decode().strip().splitlines()[-1])
    return elapsed, peak, {**report, "wall": elapsed}


def measure(staging: int, scratch: Path) -> dict[str, dict[str, object]]:
    docs = str(scratch / f"docs-{staging}.json")
    subprocess.run([sys.executable, str(SCENARIO), "dump", str(staging), docs], env=ENV, check=True, capture_output=True)
    times: dict[str, list[float]] = {path: [] for path in PATHS}
    reports: dict[str, dict[str, object]] = {}
    for _ in range(RUNS):
        for path in PATHS:
            with tempfile.TemporaryDirectory(dir=scratch) as out:
                elapsed, _, reports[path] = run(command(path, staging, docs, str(Path(out) / "dist")), sample=False)
            times[path].append(elapsed)
    rows = {}
    for path in PATHS:
        with tempfile.TemporaryDirectory(dir=scratch) as out:
            _, peak, _ = run(command(path, staging, docs, str(Path(out) / "dist")), sample=True)
        rows[path] = {"median": statistics.median(times[path]), "min": min(times[path]), "max": max(times[path]),
                      "peak_mib": peak / 2**20, **reports[path]}
    return rows


def main() -> None:
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    print(f"machine: {platform.machine()}, {psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
          f"Python {platform.python_version()}, Node {node}, runs per cell: {RUNS} (interleaved)")
    print("| N staging | path | median s (min-max) | peak MiB | objects | jsii round-trips/object | cdk8s-django / path |")
    print("|---|---|---|---|---|---|---|")
    last: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for staging in STAGING_COUNTS:
            last = measure(staging, Path(scratch))
            library = float(last["cdk8s-django"]["median"])  # type: ignore[arg-type]
            for path, row in last.items():
                objects = int(row["objects"])  # type: ignore[call-overload]
                trips = int(row.get("round_trips", 0)) / max(1, objects)  # type: ignore[call-overload]
                ratio = "" if path == "cdk8s-django" else f"{library / float(row['median']):.2f}"  # type: ignore[arg-type]
                print(f"| {staging} | {path} | {row['median']:.2f} ({row['min']:.2f}-{row['max']:.2f}) | {row['peak_mib']:.0f} | "
                      f"{objects} | {trips:.2f} | {ratio} |", flush=True)
    library_row = last["cdk8s-django"]
    print(f"\nwhere cdk8s-django's time goes at N={STAGING_COUNTS[-1]} (last timed run):")
    phases: dict[str, float] = library_row["phases"]  # type: ignore[assignment]
    for name, seconds in phases.items():
        print(f"  {seconds:6.2f} s  {name}")
    rest = float(library_row["wall"]) - sum(phases.values())  # type: ignore[arg-type]
    print(f"  {rest:6.2f} s  Python's own start and exit (jsii stops the Node process)")
    print(f"  {float(library_row['wall']):6.2f} s  in all")  # type: ignore[arg-type]
    print(f"\njsii round-trips of cdk8s-django at N={STAGING_COUNTS[-1]}, by request:")
    for key, count in sorted(library_row["by_request"].items(), key=lambda item: -item[1]):  # type: ignore[union-attr]
        print(f"  {count:6d}  {key}")


if __name__ == "__main__":
    main()
