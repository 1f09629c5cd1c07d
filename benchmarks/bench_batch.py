"""Batch machinery: overhead per run, process-pool and Dask speed-up, parent memory over many runs.

Usage: ``python benchmarks/bench_batch.py [--quick]``. Writes ``benchmarks/RESULTS-batch.md``.
1. Overhead: a 1,000-firm 12-month run alone (``simulate``) vs the same runs through
   ``msme-sim batch --executor serial`` (expansion, validation, files), per run.
2. Throughput on 40 such runs: serial vs processes (2 workers) vs a Dask LocalCluster (2 workers).
3. Memory: the parent's peak RSS over batches of tiny runs (20 firms, 2 months) of growing size.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def experiment(folder: Path, runs: int, firms: int, months: int) -> Path:
    path = folder / f"bench-{runs}-{firms}.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "name": path.stem,
                "scenario": str(ROOT / "scenarios" / "baseline.yaml"),
                "set": {
                    "firms.count": firms,
                    "months": months,
                    "firms.villages": max(firms // 100, 1),
                },
                "replications": runs,
                "seed": 1,
                "arms": [{"name": "baseline"}],
            }
        )
    )
    return path


def timed_batch(path: Path, out: Path, executor: str, workers: int = 2) -> float:
    from sim.runner.batch import run_batch

    start = time.perf_counter()
    run_batch(path, executor=executor, workers=workers, out=out, progress=False)
    return time.perf_counter() - start


def overhead(folder: Path, runs: int) -> dict:
    from sim.config import load_scenario
    from sim.runner.single import simulate

    scenario = load_scenario(
        ROOT / "scenarios" / "baseline.yaml", ["firms.count=1000", "months=12", "firms.villages=10"]
    )
    simulate(scenario, seed=0)  # warm-up (imports, caches) of the run and of the batch machinery
    timed_batch(experiment(folder, 2, 1000, 12), folder / "warm-up", "serial")
    start = time.perf_counter()
    for seed in range(runs):
        simulate(scenario, seed=seed)
    alone = (time.perf_counter() - start) / runs
    batch = timed_batch(experiment(folder, runs, 1000, 12), folder / "overhead", "serial") / runs
    return {"run_alone_s": alone, "run_in_batch_s": batch, "overhead": batch / alone - 1}


def parent_memory(folder: Path, runs: int) -> float:
    """Peak RSS (MB) of a fresh parent process running a batch of ``runs`` tiny runs."""
    path = experiment(folder, runs, 20, 2)
    # VmHWM: this process's own peak (ru_maxrss would carry the parent's across fork and exec)
    code = (
        f"from sim.runner.batch import run_batch; "
        f"run_batch({str(path)!r}, executor='processes', workers=2, "
        f"out={str(folder / f'mem-{runs}')!r}, progress=False); "
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--out", default=str(HERE))
    args = p.parse_args(argv)
    runs, sizes = (6, [50, 100]) if args.quick else (40, [500, 1000, 2500, 5000])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cost = overhead(folder, runs)
        path = experiment(folder, runs, 1000, 12)
        serial = timed_batch(path, folder / "serial", "serial")
        procs = timed_batch(path, folder / "procs", "processes", 2)
        dask = timed_batch(path, folder / "dask", "dask", 2)
        memory = {n: parent_memory(folder, n) for n in sizes}
    result = {
        "overhead": cost,
        "runs": runs,
        "serial_s": serial,
        "processes_s": procs,
        "dask_s": dask,
        "speedup_processes": serial / procs,
        "speedup_dask": serial / dask,
        "parent_peak_rss_mb": memory,
    }
    lines = [
        "# Batch benchmarks",
        "",
        f"{time.strftime('%Y-%m-%d')}{' · quick run' if args.quick else ''}",
        "",
        "| measure | value |",
        "|---|---|",
        f"| one 1,000-firm 12-month run alone | {cost['run_alone_s']:.3f} s |",
        f"| the same run inside a serial batch | {cost['run_in_batch_s']:.3f} s |",
        f"| batch overhead per run | {cost['overhead']:.1%} |",
        f"| {runs} runs serial | {serial:.1f} s |",
        f"| {runs} runs, processes ×2 | {procs:.1f} s (speed-up {serial / procs:.2f}×) |",
        f"| {runs} runs, Dask LocalCluster ×2 | {dask:.1f} s (speed-up {serial / dask:.2f}×) |",
        *[f"| parent peak RSS, {n:,} tiny runs | {mb:.0f} MB |" for n, mb in memory.items()],
    ]
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "RESULTS-batch.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
