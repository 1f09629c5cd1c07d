"""``msme-sim``: a thin command line over plain functions.

Bad input of any kind is a :class:`ConfigError`, printed as one line ``FILE: path: message``
with exit code 2 and nothing written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.errors import ConfigError

#: The outcomes ``msme-sim run`` prints, in this order (labels and units from the catalogue).
SUMMARY_OUTCOMES = (
    "firms_alive",
    "survival_rate",
    "digital_share",
    "marketplace_share",
    "mean_literacy",
    "mean_revenue_idr",
    "mean_profit_idr",
    "poor_owner_mean_income_idr",
    "gini_income",
    "policy_spend_idr",
)


def summary_table(summary: dict, catalogue: dict) -> str:
    """The headline outcomes as an aligned two-column text table."""
    from sim.analysis import fmt_value

    rows = []
    for name in SUMMARY_OUTCOMES:
        if name in summary and name in catalogue:
            o = catalogue[name]
            unit = f" ({o.unit})" if o.unit and o.kind in ("index", "ratio", "years") else ""
            rows.append((f"{o.label}{unit}", fmt_value(o, summary[name])))
    width = max((len(label) for label, _ in rows), default=0)
    return "\n".join(f"  {label:<{width}}  {value:>16}" for label, value in rows)


def cmd_validate(args) -> int:
    from sim import plugins
    from sim.budgets import scenario_warnings
    from sim.config import load_scenario

    try:
        scenario = load_scenario(args.file, args.set)
    except ConfigError as err:
        if plugins.mode() == "skip" and err.message.startswith("unknown"):
            note = f"{err.message} (plugins were not loaded: --no-plugins)"
            raise ConfigError(err.file, err.path, note) from None
        raise
    print(
        f"{args.file}: OK (scenario {scenario.name!r}, {scenario.firms.count} firms, "
        f"{scenario.months} months)"
    )
    for line in scenario_warnings(scenario, args.file):
        print(line, file=sys.stderr)
    return 0


def cmd_run(args) -> int:
    from sim.config import load_scenario
    from sim.resources import check_run
    from sim.runner.single import check_out, run_marker, simulate, write_run

    overrides = list(args.set)
    if args.months is not None:
        overrides.append(f"months={args.months}")
    scenario = load_scenario(args.scenario, overrides)
    check_run(scenario.model_dump(), args.scenario)
    if args.seed is not None and args.seed < 0:
        raise ConfigError(args.scenario, "--seed", f"must be 0 or more (got {args.seed})")
    out = Path(args.out) if args.out else Path("results") / scenario.name
    check_out(out, run_marker(scenario, args.scenario), args.force, args.scenario)  # first
    output = simulate(scenario, seed=args.seed, progress=sys.stderr.isatty())
    write_run(output, out, args.scenario, args.force, args.scenario)
    print(
        f"{scenario.name}: {scenario.firms.count} firms, {output.summary['months']} months, "
        f"seed {output.seed}"
    )
    print(summary_table(output.summary, output.catalogue))
    print(f"Results written to {out}/ (config.yaml, monthly.parquet, summary.json, outcomes.json)")
    return 0


def cmd_params(args) -> int:
    import sim.catalogue  # noqa: F401  (every built-in registers its parameters)
    from sim.params import table

    frame = table()
    if args.markdown:
        print(frame.to_markdown(index=False) if hasattr(frame, "to_markdown") else frame)
    else:
        with_pd_options(lambda: print(frame.to_string(index=False)))
    return 0


def cmd_validate_model(args) -> int:
    from sim.validation import run_all, write_markdown

    checks = run_all(quick=args.quick)
    for check in checks:
        print(
            f"  {'ok ' if check.passed else 'FAIL'}  {check.name}: {check.value}  "
            f"(target {check.target})"
        )
    out = write_markdown(checks, Path(args.docs))
    print(f"Written {out}")
    return 0 if all(c.passed for c in checks) else 1


def cmd_bench(args) -> int:
    import runpy

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_model.py"
    if not script.is_file():
        raise ConfigError(str(script), "bench", "benchmarks/ not found: run from a source checkout")
    bench = runpy.run_path(str(script))
    out = Path(args.out) if args.out else script.parent
    bench["run"](quick=args.quick, million=args.million, out=out)
    return 0


def cmd_batch(args) -> int:
    from sim.runner.batch import run_batch

    result = run_batch(
        args.experiment,
        executor=args.executor or ("dask" if args.scheduler else "processes"),
        workers=args.workers,
        scheduler=args.scheduler,
        out=args.out,
        retry_failed=args.retry_failed,
        force=args.force,
    )
    print(
        f"{result.out}: {result.total} runs ({result.done} run now, {result.skipped} already "
        f"finished, {result.failed} failed) → {result.out / 'runs.parquet'}"
    )
    if result.failed:
        print(
            f"error: {result.failed} run(s) failed; tracebacks in {result.out / 'failed'}/, "
            "rerun with --retry-failed",
            file=sys.stderr,
        )
        for command in result.rerun:
            print(f"  rerun one alone: {command}", file=sys.stderr)
        return 1
    return 0


def cmd_report(args) -> int:
    from sim.report import report_command

    return report_command(args.dir)


def cmd_docs(args) -> int:
    from sim.docs import write_docs

    for path in write_docs(Path(args.docs)):
        print(f"Written {path}")
    return 0


def cmd_viz(args) -> int:
    from sim.viz.controls import default_scenario
    from sim.viz.server import serve

    return serve(args.scenario or default_scenario(), host=args.host, port=args.port)


def with_pd_options(fn):
    import pandas as pd

    with pd.option_context("display.max_colwidth", 60, "display.width", 200):
        return fn()


def no_plugins(sub: argparse.ArgumentParser, text: str) -> None:
    """Add ``--no-plugins``: a scenario's plugins are Python code (see sim.plugins)."""
    sub.add_argument("--no-plugins", action="store_true", help=text)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="msme-sim", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check a scenario file without running it")
    v.add_argument("file")
    v.add_argument("--set", action="append", default=[], metavar="PATH=VALUE")
    no_plugins(v, "check the file without importing its plugins (inspect an untrusted file)")
    v.set_defaults(func=cmd_validate)

    r = sub.add_parser("run", help="run one scenario and write results/<name>/")
    r.add_argument("scenario")
    r.add_argument("--seed", type=int, help="run seed (default: the scenario's seed)")
    r.add_argument("--months", type=int, help="override the horizon")
    r.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override an option, e.g. --set firms.count=500 (repeatable)",
    )
    r.add_argument("--out", help="output directory (default results/<scenario name>/)")
    no_plugins(r, "refuse a scenario that has plugins (Python code) instead of running them")
    r.add_argument(
        "--force",
        action="store_true",
        help="replace the results of another scenario (only folders msme-sim created)",
    )
    r.set_defaults(func=cmd_run)

    z = sub.add_parser("viz", help="explore a scenario interactively in the browser (Solara)")
    z.add_argument(
        "scenario",
        nargs="?",
        help="scenario file (default scenarios/sidoarjo_whatsapp.yaml, else baseline.yaml)",
    )
    z.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    z.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    z.set_defaults(func=cmd_viz)

    t = sub.add_parser("params", help="print the default parameter table")
    t.add_argument("--markdown", action="store_true")
    t.set_defaults(func=cmd_params)
    m = sub.add_parser("validate-model", help="run the validation checks, write docs/validation.md")
    m.add_argument("--docs", default="docs", help="documentation directory (default docs/)")
    m.add_argument("--quick", action="store_true", help="smaller runs (a smoke check)")
    m.set_defaults(func=cmd_validate_model)
    b = sub.add_parser("bench", help="speed and memory benchmarks (writes benchmarks/RESULTS.md)")
    b.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    b.add_argument("--million", action="store_true", help="also run 1,000,000 firms × 120 months")
    b.add_argument("--out", help="where to write RESULTS.md (default benchmarks/)")
    b.set_defaults(func=cmd_bench)
    bt = sub.add_parser("batch", help="run an experiment file: arms × replications (resumable)")
    bt.add_argument("experiment")
    bt.add_argument(
        "--executor",
        choices=["serial", "processes", "dask"],
        help="where runs execute (default: processes; dask when --scheduler is given)",
    )
    bt.add_argument("--workers", type=int, help="parallel workers (default: CPU cores)")
    bt.add_argument(
        "--scheduler", help="address of a running Dask scheduler (tcp://host:port); implies dask"
    )
    bt.add_argument("--out", help="results directory (default results/<experiment name>/)")
    bt.add_argument("--retry-failed", action="store_true", help="rerun runs that failed")
    bt.add_argument(
        "--force",
        action="store_true",
        help="replace results of another experiment (only folders msme-sim created)",
    )
    no_plugins(bt, "refuse an experiment whose runs have plugins (Python code)")
    bt.set_defaults(func=cmd_batch)

    rp = sub.add_parser("report", help="write DIR/report.html and DIR/effects.csv for a batch")
    rp.add_argument("dir", help="a batch results directory, e.g. results/demo")
    rp.set_defaults(func=cmd_report)

    d = sub.add_parser("docs", help="regenerate docs/scenarios.md and the ODD parameter table")
    d.add_argument("--docs", default="docs")
    d.set_defaults(func=cmd_docs)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    from sim import plugins

    args = parser().parse_args(argv)
    if getattr(args, "no_plugins", False):
        plugins.set_mode("skip" if args.command == "validate" else "refuse")
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print(f"error: {args.command}: out of memory (try fewer firms or workers)", file=sys.stderr)
        return 2
    except OSError as exc:  # a full disk, a folder that vanished, a port in use
        where = exc.filename or args.command
        print(f"error: {where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    finally:
        plugins.set_mode("load")


if __name__ == "__main__":
    sys.exit(main())
