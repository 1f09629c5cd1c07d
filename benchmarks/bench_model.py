"""Cost per firm-month of msme-sim next to Mesa's Boltzmann wealth model, in one process.

Usage: ``python benchmarks/bench_model.py [--sizes 10000 100000] [--months 12] [--quick]``.
Writes ``benchmarks/RESULTS.md`` (a table with date, CPU, versions) and ``benchmarks/results.csv``.
The headline is the ratio: our seconds per firm-month / Boltzmann seconds per agent-step.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import time
from pathlib import Path

import mesa
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from boltzmann import BoltzmannModel  # noqa: E402

from sim import __version__  # noqa: E402
from sim.config import scenario_from_dict  # noqa: E402
from sim.model import MSMEModel  # noqa: E402

HERE = Path(__file__).resolve().parent


def per_step(model, steps: int) -> float:
    """Best-of-3 seconds per step over ``steps`` steps (after one warm-up step)."""
    model.step()
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(steps):
            model.step()
        best = min(best, (time.perf_counter() - start) / steps)
    return best


def measure(n: int, months: int, boltzmann_steps: int) -> dict:
    start = time.perf_counter()
    scenario = scenario_from_dict(
        {
            "name": "bench",
            "months": 4 * months + 2,
            "firms": {"count": n, "villages": max(n // 100, 1)},
        }
    )
    model = MSMEModel(scenario, seed=1)
    build = time.perf_counter() - start
    ours = per_step(model, months) / n
    ref = per_step(BoltzmannModel(n, seed=1), boltzmann_steps) / n
    return {
        "firms": n,
        "msme_us_per_firm_month": ours * 1e6,
        "boltzmann_us_per_agent_step": ref * 1e6,
        "ratio": ours / ref,
        "build_us_per_firm": build / n * 1e6,
    }


def machine() -> str:
    cpu = platform.processor() or platform.machine()
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


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--months", type=int, default=6)
    p.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    p.add_argument("--out", default=str(HERE))
    args = p.parse_args(argv)
    sizes, months = ([1_000, 2_000], 2) if args.quick else (args.sizes, args.months)
    rows = [measure(n, months, boltzmann_steps=max(months, 2)) for n in sizes]
    frame = pd.DataFrame(rows)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out / "results.csv", index=False)
    table = frame.to_markdown(index=False, floatfmt=".3g") if _has_tabulate() else frame.to_string()
    (out / "RESULTS.md").write_text(
        "# Benchmark: msme-sim vs Mesa Boltzmann wealth model\n\n"
        f"{machine()}\n\nFull model (default mechanisms) per firm-month vs the plain non-spatial "
        "Mesa Boltzmann model per agent-step, same N, same process. ratio < 1 means msme-sim "
        f"is cheaper per agent.\n\n{table}\n"
    )
    print(frame.to_string(index=False))
    return 0


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
