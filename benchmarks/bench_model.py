"""Speed and memory of msme-sim next to Mesa's Boltzmann wealth model, measured in one run.

Usage: ``msme-sim bench [--quick]`` (or ``python benchmarks/bench_model.py``). Writes
``benchmarks/RESULTS.md`` (tables with date, CPU, Python and package versions) and
``benchmarks/results.csv``. Headline: seconds per firm-month of the full model divided by seconds
per agent-step of the plain non-spatial Mesa Boltzmann model at the same N (ratio < 1: cheaper).
Memory is the peak resident set of a fresh process that builds and runs the model, per firm.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import mesa
import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from boltzmann import BoltzmannModel  # noqa: E402

FULL = [1_000, 10_000, 100_000, 200_000]
QUICK = [1_000, 2_000]


def bench_scenario(n: int, months: int):
    """The scenario measured: baseline defaults (every built-in mechanism on) at ``n`` firms."""
    from sim.config import load_scenario

    return load_scenario(
        HERE.parent / "scenarios" / "baseline.yaml",
        [f"firms.count={n}", f"firms.villages={max(n // 100, 1)}", f"months={months}"],
    )


def per_step(model, steps: int, repeats: int = 3) -> float:
    """Best of ``repeats`` timings of ``steps`` steps, in seconds per step (after a warm-up)."""
    model.step()
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            model.step()
        best = min(best, (time.perf_counter() - start) / steps)
    return best


def speed(n: int, months: int) -> dict:
    """Per firm-month cost, build cost, and the Boltzmann reference at the same N."""
    from sim.model import MSMEModel

    start = time.perf_counter()
    model = MSMEModel(bench_scenario(n, 4 * months + 2), seed=1)
    build = time.perf_counter() - start
    ours = per_step(model, months) / n
    reference = per_step(BoltzmannModel(n, seed=1), max(months, 2)) / n
    return {
        "firms": n,
        "msme_us_per_firm_month": ours * 1e6,
        "boltzmann_us_per_agent_step": reference * 1e6,
        "ratio": ours / reference,
        "build_us_per_firm": build / n * 1e6,
    }


def memory(n: int, months: int) -> dict:
    """Peak RSS per firm of a fresh interpreter that builds and runs ``n`` firms."""
    # VmHWM (peak resident set) belongs to this process image; ru_maxrss would carry the
    # parent's peak across fork and exec.
    code = f"""
import json, time, sys
sys.path.insert(0, {str(HERE)!r})
from bench_model import bench_scenario
from sim.model import MSMEModel
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
scenario = bench_scenario({n}, {months})
before = hwm()
start = time.perf_counter()
model = MSMEModel(scenario, seed=1)
model.run()
elapsed = time.perf_counter() - start
print(json.dumps({{"before_kb": before, "peak_kb": hwm(), "seconds": elapsed}}))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return {
        "firms": n,
        "months": months,
        "seconds": out["seconds"],
        "peak_rss_mb": out["peak_kb"] / 1024,
        "model_kb_per_firm": (out["peak_kb"] - out["before_kb"]) / n,
    }


def targets(speeds: pd.DataFrame, memories: pd.DataFrame) -> str:
    """The performance targets next to what this run measured."""
    by_n = speeds.set_index("firms")
    mem = memories.set_index("firms")
    rows = []
    if 100_000 in by_n.index:
        ratio = by_n.loc[100_000, "ratio"]
        rows.append(
            (
                "full model / Boltzmann per agent-step, 100k",
                "≤ 0.5 (≤ 1.0 earlier)",
                f"{ratio:.2f}",
                ratio <= 0.5,
            )
        )
    if {10_000, 200_000} <= set(by_n.index):
        scale = (
            by_n.loc[200_000, "msme_us_per_firm_month"] / by_n.loc[10_000, "msme_us_per_firm_month"]
        )
        rows.append(("cost per firm-month 200k / 10k", "≤ 1.3", f"{scale:.2f}", scale <= 1.3))
    if 200_000 in mem.index:
        kb = mem.loc[200_000, "model_kb_per_firm"]
        rows.append(("peak memory per firm, 200k", "≤ 2 KB", f"{kb:.2f} KB", kb <= 2))
    if 1_000_000 in mem.index:
        row = mem.loc[1_000_000]
        rows.append(
            (
                "1,000,000 firms × 120 months",
                "completes",
                f"{row['seconds']:.0f} s, peak {row['peak_rss_mb'] / 1024:.1f} GB",
                True,
            )
        )
    lines = ["## Targets", "", "| target | goal | measured | met |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {'yes' if d else 'no'} |" for a, b, c, d in rows]
    return "\n".join(lines) + "\n"


def machine() -> str:
    from sim.version import __version__

    cpu = platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{dt.date.today()} · {cpu} · Python {platform.python_version()} · "
        f"mesa {mesa.__version__} · numpy {np.__version__} · msme-sim {__version__}"
    )


def run(quick: bool = False, million: bool = False, out: Path = HERE) -> Path:
    """Measure everything and write RESULTS.md and results.csv into ``out``."""
    sizes, months = (QUICK, 2) if quick else (FULL, 6)
    speeds = pd.DataFrame([speed(n, months) for n in sizes])
    mem_sizes = sizes if quick else [100_000, 200_000]
    memories = [memory(n, 3 if quick else 12) for n in mem_sizes]
    if million:
        memories.append(memory(1_000_000, 120))
    memories = pd.DataFrame(memories)
    out.mkdir(parents=True, exist_ok=True)
    speeds.to_csv(out / "results.csv", index=False)
    memories.to_csv(out / "results-memory.csv", index=False)
    return write_results(speeds, memories, out, quick)


def write_results(speeds: pd.DataFrame, memories: pd.DataFrame, out: Path, quick: bool) -> Path:
    """RESULTS.md from the measured tables."""
    per_n = speeds.set_index("firms")["msme_us_per_firm_month"]
    scaling = per_n.iloc[-1] / per_n.get(10_000, per_n.iloc[0])
    text = (
        "# Benchmarks\n\n"
        f"{machine()}{' · quick run' if quick else ''}\n\n"
        "## Cost per firm-month vs Mesa's Boltzmann wealth model\n\n"
        "The full model (baseline scenario: every built-in mechanism on) per firm-month, next to "
        "the plain non-spatial Mesa Boltzmann model per agent-step at the same N, measured in the "
        "same process (best of 3). ratio < 1 means msme-sim costs less per agent.\n\n"
        f"{speeds.to_markdown(index=False, floatfmt='.3g')}\n\n"
        f"Scaling: cost per firm-month at the largest N / at 10k = {scaling:.2f}.\n\n"
        "## Memory\n\n"
        "Peak resident memory of a fresh process building and running the model; "
        "`model_kb_per_firm` excludes the interpreter and imports.\n\n"
        f"{memories.to_markdown(index=False, floatfmt='.3g')}\n\n"
        f"{targets(speeds, memories)}\n"
        "The profile of a month and what was optimised are in `benchmarks/README.md`; batch\n"
        "throughput is in `RESULTS-batch.md`.\n"
    )
    (out / "RESULTS.md").write_text(text)
    print(text)
    return out / "RESULTS.md"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    p.add_argument("--million", action="store_true", help="also run 1,000,000 firms × 120 months")
    p.add_argument("--out", default=str(HERE))
    p.add_argument("--from-csv", action="store_true", help="rewrite RESULTS.md from the CSVs")
    args = p.parse_args(argv)
    out = Path(args.out)
    if args.from_csv:
        write_results(
            pd.read_csv(out / "results.csv"),
            pd.read_csv(out / "results-memory.csv"),
            out,
            quick=False,
        )
    else:
        run(quick=args.quick, million=args.million, out=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
