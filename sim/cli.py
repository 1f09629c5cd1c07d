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


def validate_scenario(file: str, overrides: list[str]) -> str:
    from sim import plugins
    from sim.budgets import scenario_warnings
    from sim.config import load_scenario

    try:
        scenario = load_scenario(file, overrides)
    except ConfigError as err:
        if plugins.mode() == "skip" and err.message.startswith("unknown"):
            note = f"{err.message} (plugins were not loaded: --no-plugins)"
            raise ConfigError(err.file, err.path, note) from None
        raise
    for line in scenario_warnings(scenario, file):
        print(line, file=sys.stderr)
    return f"scenario {scenario.name!r}, {scenario.firms.count} firms, {scenario.months} months"


def validate_experiment(file: str, overrides: list[str]) -> str:
    """Every run an experiment defines is resolved and validated (the batch's own plan)."""
    from sim.runner.experiment import load_experiment
    from sim.runner.plan import expand

    if overrides:
        raise ConfigError(file, "--set", "applies to scenario files; an experiment has set:")
    exp = load_experiment(file)
    plan = expand(exp, file)
    for line in plan.warnings:
        print(line, file=sys.stderr)
    return (
        f"experiment {exp.name!r}, {len(exp.arms)} arms × {len(plan.points)} design points × "
        f"{exp.replications} replications = {len(plan)} runs"
    )


def validate_calibration(file: str, overrides: list[str]) -> str:
    """A calibration file: its scenario, fitted paths (both ends of each range), targets and
    held-out targets (the checks ``msme-sim calibrate`` makes before its first run)."""
    from sim.calibration import load_calibration

    if overrides:
        raise ConfigError(file, "--set", "applies to scenario files; a calibration has set:")
    spec = load_calibration(file)
    cal = spec.cal
    return (
        f"calibration {cal.name!r}, {len(cal.parameters)} parameters, {len(cal.targets)} "
        f"targets, {len(cal.holdout)} held out"
    )


#: What ``msme-sim validate`` recognises, by the top-level keys of the file: (kind, keys that
#: mark it, validator ``fn(file, overrides) -> description``). Add a file kind with one line.
FILE_KINDS: list[tuple[str, tuple[str, ...], object]] = [
    ("calibration", ("targets", "parameters"), validate_calibration),
    ("experiment", ("arms", "scenario"), validate_experiment),
]


def file_kind(file: str):
    """The validator for ``file``: the first kind whose keys it has; a scenario otherwise."""
    from sim.yamlfile import read_yaml

    data = read_yaml(file)
    if isinstance(data, dict):
        for _, keys, fn in FILE_KINDS:
            if any(key in data for key in keys):
                return fn
    return validate_scenario


def cmd_validate(args) -> int:
    what = file_kind(args.file)(args.file, args.set)
    print(f"{args.file}: OK ({what})")
    return 0


def cmd_run(args) -> int:
    from sim.checks import CheckError
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
    try:
        output = simulate(
            scenario, seed=args.seed, progress=sys.stderr.isatty(), check=args.check or None
        )
    except CheckError as err:  # nothing written: results come after a complete run
        print(f"error: {err}", file=sys.stderr)
        return 2
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
    bench["run"](quick=args.quick, million=args.million, out=out, province=args.province)
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


def cmd_calibrate(args) -> int:
    from sim.calibration import calibrate, load_calibration
    from sim.calibration.apply import apply_values, fitted_values
    from sim.calibration.outputs import display_path

    if args.apply:
        spec = load_calibration(args.file)
        out = Path(args.out) if args.out else Path("results") / "calibration" / spec.cal.name
        values, _ = fitted_values(out)
        apply_values(args.apply, values, display_path(args.file))
        print(f"{args.apply}: set {', '.join(sorted(values))} from {out / 'summary.json'}")
        return 0
    result = calibrate(
        args.file,
        out=args.out,
        executor=args.executor or ("dask" if args.scheduler else "processes"),
        workers=args.workers,
        scheduler=args.scheduler,
        trials=args.trials,
        force=args.force,
    )
    print(
        f"{result.out}: distance {result.distance_before:.4g} (defaults) → "
        f"{result.distance_after:.4g} (trial {result.best_trial}, {len(result.trials)} trials, "
        f"{result.ran} run now) → best.yaml, ensemble.parquet, fit.html"
    )
    return 0


def cmd_report(args) -> int:
    from sim.report import report_command

    return report_command(args.dir, args.lang)


def cmd_export(args) -> int:
    from sim.analysis import ResultsError, export_ema
    from sim.analysis.export_tables import export_command

    if not args.ema:
        return export_command(args.dir, args.format, args.out)
    try:
        print(export_ema(args.dir, args.out))
    except ResultsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_docs(args) -> int:
    from sim.docs import write_docs

    for path in write_docs(Path(args.docs)):
        print(f"Written {path}")
    return 0


def cmd_viz(args) -> int:
    from sim.viz.controls import default_scenario
    from sim.viz.server import serve

    return serve(args.scenario or default_scenario(), host=args.host, port=args.port)


def cmd_new_rule(args) -> int:
    from sim.scaffold import new_rule

    plugin, scenario = new_rule(args.name, args.mechanism, args.out)
    print(f"Written {plugin} and {scenario}")
    print(f"Run it: msme-sim run {scenario} --check")
    return 0


def cmd_check_exercise(args) -> int:
    from sim.exercises import ExerciseFailed, check_exercise

    try:
        lines = check_exercise(args.number, args.solution)
    except ExerciseFailed as err:
        print(f"Exercise {args.number}: not done yet: {err}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


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

    v = sub.add_parser(
        "validate",
        help="check a scenario or experiment file (every run it defines) without running",
    )
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
    r.add_argument(
        "--check",
        action="store_true",
        help="after every phase verify each firm column's declared range and the accounts; "
        "stop at the first rule that breaks them (slower)",
    )
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
    b.add_argument(
        "--province", action="store_true", help="also run 10,000,000 firms × 120 months (~14 GB)"
    )
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

    cb = sub.add_parser("calibrate", help="fit parameters to observed targets (resumable)")
    cb.add_argument("file", help="a calibration file, e.g. calibration/indonesia.yaml")
    cb.add_argument("--out", help="results folder (default results/calibration/<name>/)")
    cb.add_argument("--trials", type=int, help="the search budget (default: the file's trials)")
    cb.add_argument(
        "--executor",
        choices=["serial", "processes", "dask"],
        help="where runs execute (default: processes; dask when --scheduler is given)",
    )
    cb.add_argument("--workers", type=int, help="parallel workers (default: CPU cores)")
    cb.add_argument("--scheduler", help="address of a running Dask scheduler; implies dask")
    cb.add_argument(
        "--force", action="store_true", help="start over in a folder holding another calibration"
    )
    cb.add_argument(
        "--apply",
        metavar="SCENARIO",
        help="write the fitted values of --out into SCENARIO (no runs), marked with their source",
    )
    no_plugins(cb, "refuse a calibration whose scenarios have plugins (Python code)")
    cb.set_defaults(func=cmd_calibrate)

    rp = sub.add_parser("report", help="write DIR/report.html and DIR/effects.csv for a batch")
    rp.add_argument("dir", help="a batch results directory, e.g. results/demo")
    rp.add_argument(
        "--lang", choices=["en", "id"], default="en", help="report language (id: Bahasa Indonesia)"
    )
    rp.set_defaults(func=cmd_report)

    ex = sub.add_parser("export", help="write a batch's results as tables or for other tools")
    ex.add_argument("dir", help="a batch results directory, e.g. results/demo")
    ex.add_argument("--format", choices=["csv", "xlsx"], default="csv", help="default csv")
    ex.add_argument(
        "--ema",
        action="store_true",
        help="instead: EMA Workbench's (experiments, outcomes) pair (load_results reads it)",
    )
    ex.add_argument(
        "--out",
        help="xlsx: the workbook (default DIR/export.xlsx); csv: a folder (DIR/export-csv); "
        "--ema: the archive (default DIR/ema_results.tar.gz)",
    )
    ex.set_defaults(func=cmd_export)

    nr = sub.add_parser(
        "new-rule", help="write a commented rule plugin (per-firm and vectorised) and a scenario"
    )
    nr.add_argument("name", help="the rule's name (lower-case letters, digits, _)")
    nr.add_argument(
        "--mechanism",
        help="add the variants to this built-in mechanism (default: a new mechanism NAME)",
    )
    nr.add_argument("--out", default="scenarios", help="folder for NAME.py and NAME.yaml")
    nr.set_defaults(func=cmd_new_rule)

    ce = sub.add_parser(
        "check-exercise", help="check a graded exercise of docs/exercises.md (exit 0: done)"
    )
    ce.add_argument("number", type=int, help="the exercise's number")
    ce.add_argument("--solution", help="your file (default: exercises/<the exercise's file>)")
    ce.set_defaults(func=cmd_check_exercise)

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
