"""Where a month goes: cProfile of the full model with one policy running, per phase.

Usage: ``python benchmarks/profile_model.py [--firms 100000] [--months 6] [--top 25] [--cpu]
[--memory]``.
The scenario is the benchmark's (``bench_model.bench_scenario``: every built-in mechanism on
and the digital-training policy running) at the given size. Prints milliseconds per month for
each phase of the month (timed around each rule) and the functions cProfile finds most
expensive. ``--cpu`` times with the process's CPU time instead of the wall clock: on a busy
machine it leaves out the time the process waits for a core, so phases compare across runs.
``--memory`` instead prints, per phase, the most memory its temporaries held at once above the
state it started from (traced with ``tracemalloc``, which sees NumPy's arrays), in bytes per row.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_model import bench_scenario  # noqa: E402


def each_phase(model, months: int, around) -> None:
    """Step ``months`` times, calling ``around(name, fn, *args)`` in place of each phase of the
    month (and of recording the outcomes)."""
    rule, interventions, record = model.apply_rule, model.apply_interventions, model.record_month
    model.apply_rule = lambda phase: around(phase, rule, phase)
    model.apply_interventions = lambda: around("interventions", interventions)
    model.record_month = lambda: around("outcomes", record)
    try:
        for _ in range(months):
            model.step()
    finally:
        del model.apply_rule, model.apply_interventions, model.record_month


def phases(model, months: int, clock=time.perf_counter) -> dict[str, float]:
    """Seconds per month spent in each phase (and in recording the outcomes), by ``clock``."""
    spent: dict[str, float] = defaultdict(float)

    def timed(name, fn, *args):
        start = clock()
        fn(*args)
        spent[name] += clock() - start

    each_phase(model, months, timed)
    return {name: seconds / months for name, seconds in spent.items()}


def phase_memory(model, months: int) -> dict[str, float]:
    """Peak bytes per row that each phase held above the memory it started with (the largest
    over ``months``). tracemalloc sees NumPy's arrays, not those a compiled kernel makes."""
    peak: dict[str, float] = defaultdict(float)

    def traced(name, fn, *args):
        tracemalloc.reset_peak()
        start = tracemalloc.get_traced_memory()[0]
        fn(*args)
        above = tracemalloc.get_traced_memory()[1] - start
        peak[name] = max(peak[name], above / model.state.n)

    tracemalloc.start()
    try:
        each_phase(model, months, traced)
    finally:
        tracemalloc.stop()
    return dict(peak)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--firms", type=int, default=100_000)
    p.add_argument("--months", type=int, default=6)
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--cpu", action="store_true", help="time with the process's CPU time")
    p.add_argument("--memory", action="store_true", help="each phase's temporaries, per row")
    args = p.parse_args(argv)
    clock = time.process_time if args.cpu else time.perf_counter
    from sim.model import MSMEModel

    start = time.perf_counter()
    model = MSMEModel(bench_scenario(args.firms, args.months * 2 + 2), seed=1)
    build = time.perf_counter() - start
    model.step()  # warm-up: first-use caches and compiled kernels
    if args.memory:
        print(f"rows {model.state.n:,}\n\n| phase | bytes per row |\n|---|---|")
        per_phase = phase_memory(model, args.months)
        for name, per_row in sorted(per_phase.items(), key=lambda kv: -kv[1]):
            print(f"| {name} | {per_row:.0f} |")
        return 0
    per_phase = phases(model, args.months, clock)
    total = sum(per_phase.values())
    print(f"build {build / args.firms * 1e6:.2f} µs/firm; month {total * 1e3:.1f} ms")
    print(f"{total / args.firms * 1e6:.3f} µs per firm-month\n")
    print("| phase | ms/month |\n|---|---|")
    for name, seconds in sorted(per_phase.items(), key=lambda kv: -kv[1]):
        print(f"| {name} | {seconds * 1e3:.1f} |")
    profile = cProfile.Profile(clock)
    profile.enable()
    for _ in range(args.months):
        model.step()
    profile.disable()
    print()
    pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
