"""``msme-sim report DIR``: one self-contained HTML report of a batch experiment.

Reads the results directory only (see :mod:`sim.analysis`), writes ``DIR/report.html``
(inline CSS, figures embedded as base64 PNG, no scripts, no network) and ``DIR/effects.csv``,
both atomically.
"""

from __future__ import annotations

import base64
import html
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim import analysis as an
from sim import plots


class ReportInputError(Exception):
    """The results directory is missing or unusable; the message is one line naming the path."""


CAVEATS = (
    "The informal economy is represented only coarsely: household and business money are "
    "separated by a fixed drawing rule, and unregistered credit, family labour and barter are "
    "not modelled in detail.",
    "Prices of inputs, data and outputs are fixed parameters or follow simple rules; the model "
    "has no price formation, inflation or exchange-rate effects.",
    "There is no macroeconomic feedback: the regency's total demand does not respond to the "
    "incomes the firms generate, and a policy does not change national conditions.",
    "The mechanisms are translated from qualitative source studies (interviews and case "
    "studies); their strengths are assumptions from the parameter table, not estimates, so "
    "read the direction and relative size of effects rather than exact numbers.",
    "Policy costs are the budgets spent inside the model; administration, targeting errors "
    "and leakage outside the model are not counted.",
    "Intervals show the uncertainty from the model's randomness over replications only, not "
    "the uncertainty of the parameters themselves (see a sensitivity analysis for that).",
)

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0 auto;
max-width:1100px;padding:1.5rem 2rem 3rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{margin-top:2.2rem;border-bottom:2px solid #ddd;
padding-bottom:.2rem;font-size:1.25rem} h3{font-size:1.05rem}
.question{font-size:1.15rem;background:#f3f6fa;border-left:4px solid #0072B2;padding:.6rem 1rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.9rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f5f5f5} td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.35rem;
vertical-align:-1px} .muted{color:#666} .flag{color:#a15c00}
figure{margin:1.2rem 0} figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.9rem;color:#444} code{background:#f3f3f3;padding:0 .25rem}
li{margin:.25rem 0} .arm{white-space:nowrap}
"""


@dataclass
class Inputs:
    """Everything the report shows, computed from the results directory."""

    directory: Path
    experiment: dict
    runs: pd.DataFrame
    arms: list[str]
    main: str
    colors: dict[str, str]
    effects: pd.DataFrame = field(default_factory=pd.DataFrame)
    ranking: pd.DataFrame = field(default_factory=pd.DataFrame)
    ce: pd.DataFrame = field(default_factory=pd.DataFrame)
    figures: list[tuple[str, str, bytes]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sensitivity: pd.DataFrame | None = None


# --------------------------------------------------------------------------- inputs


def load_inputs(directory) -> Inputs:
    """Read and analyse ``directory``; any unusable input is a :class:`ReportInputError`."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ReportInputError(f"{directory}: no such results directory")
    try:
        experiment = an.read_experiment(directory)
        runs = an.read_runs(directory)
    except an.ResultsError as exc:
        raise ReportInputError(str(exc)) from None
    missing = {"run_id", "arm", "replication"} - set(runs.columns)
    if missing:
        raise ReportInputError(
            f"{directory / 'runs.parquet'}: missing columns {', '.join(sorted(missing))}"
        )
    if an.finished(runs).empty:
        raise ReportInputError(f"{directory / 'runs.parquet'}: no finished runs to report on")
    arms = [a for a in an.arm_order(experiment, runs) if a in set(an.finished(runs)["arm"])]
    main = experiment.get("outcome") or "survival_rate"
    if main not in runs:
        present = an.main_outcomes(runs.columns)
        present = present or [an.outcome(c) for c in an.outcome_columns(runs)]
        if not present:
            raise ReportInputError(f"{directory / 'runs.parquet'}: no outcome columns")
        main = present[0].name
    return Inputs(directory, experiment, runs, arms, main, plots.arm_colors(arms))


def analyse(inp: Inputs) -> Inputs:
    """Fill in the tables and figures of the report."""
    runs, arms = inp.runs, inp.arms
    inp.effects = an.paired_effects(runs, arms=arms)
    inp.ranking = an.rank_arms(runs, inp.main, arms=arms)
    inp.ce = an.cost_effectiveness(runs, arms=arms)
    failed = int((runs.get("status", pd.Series(dtype=str)) != "done").sum())
    if failed:
        inp.notes.append(f"{failed} run(s) failed and are left out of every comparison.")
    dropped = inp.effects.groupby("arm")["n_dropped"].max() if len(inp.effects) else {}
    for arm, n in dict(dropped).items():
        if n:
            inp.notes.append(
                f"{arm}: {n} replication(s) had no finished run in this arm or the reference "
                "and were dropped from its comparisons."
            )
    _add_figures(inp)
    return inp


def _add_figures(inp: Inputs) -> None:
    runs, arms, colors = inp.runs, inp.arms, inp.colors

    def add(fig, alt: str, caption: str) -> None:
        inp.figures.append((alt, caption, plots.png_bytes(fig)))

    main = [o.name for o in an.main_outcomes(runs.columns)]
    series = list(dict.fromkeys([inp.main, *main[:4]]))
    band = an.monthly_bands(inp.directory, runs, [*series, *an.LEVELS], arms=arms)
    if len(band):
        add(plots.trajectories(band, series, colors), "Outcome trajectories per arm",
            "Lines are medians over replications; shaded bands hold the middle 90% of "
            "replications (5th to 95th percentile).")  # fmt: skip
    if set(an.LEVELS) & set(band.get("metric", ())):
        add(plots.adoption_curves(band, colors), "Adoption by digital level per arm",
            "Share of living firms offline (level 0), on messaging apps such as WhatsApp "
            "(level 1) and on social media or marketplaces (level 2).")  # fmt: skip
    shown = [n for n in main if n in set(inp.effects["outcome"])]
    if shown:
        add(plots.forest(inp.effects, shown, colors), "Forest plot of effects",
            "Difference from the reference arm: dot = mean paired difference, coloured bar = "
            "paired 95% CI, grey bar = unpaired (Welch) 95% CI. Bars crossing the dashed zero "
            "line could be chance.")  # fmt: skip
    if len(inp.ce):
        add(plots.cost_effectiveness(inp.ce, colors), "Cost-effectiveness bars",
            "Outcome gained per Rp 1 bn of extra policy spending over the reference, with "
            "95% CIs.")  # fmt: skip
    wanted = ["income_idr", "workers", "alive"]
    firms = an.read_firms(inp.directory, runs, arms=arms, columns=wanted)
    if firms is not None and {"income_idr", "workers"} <= set(firms.columns):
        add(plots.distributions(firms, colors), "Income and firm-size distributions",
            "Living firms at the end of the runs (pooled over up to 20 replications per "
            "arm): owner income as a cumulative share, firm size by workers.")  # fmt: skip
    sweep = an.sweep_columns(runs)
    if sweep:
        surface = an.sweep_surface(runs, inp.main, [sweep[0]])
        add(plots.sweep_lines(surface, sweep[0], inp.main, colors), f"Sweep over {sweep[0]}",
            f"Mean {an.outcome(inp.main).label.lower()} (with 95% CI over runs) for each "
            f"value of {sweep[0]}.")  # fmt: skip
    _add_sensitivity(inp)


def _add_sensitivity(inp: Inputs) -> None:
    found = an.problem_from_experiment(inp.experiment)
    if found is None:
        return
    method, problem = found
    try:
        runs = inp.runs[inp.runs["arm"] == inp.arms[0]]
        x, y = an.design_outcome(runs, inp.main, problem["names"])
        inp.sensitivity = an.sensitivity(problem, y, method=method, x=x)
    except (KeyError, ValueError, IndexError) as exc:
        inp.notes.append(f"The sensitivity analysis could not be computed: {exc}")
        return
    fig = plots.sensitivity_bars(inp.sensitivity, inp.main)
    caption = (
        f"{method.capitalize()} sensitivity of {an.outcome(inp.main).label.lower()} to the "
        "varied parameters (reference arm)."
    )
    inp.figures.append((f"{method} sensitivity indices", caption, plots.png_bytes(fig)))


# --------------------------------------------------------------------------- sentences


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def effect_sentence(e, reference: str) -> str:
    """``Arm X raised survival of initial firms by 2.1 percentage points (95% CI 1.2 to 3.0)
    over baseline, better in 87% of replications.``"""
    o = an.outcome(e.outcome)
    noun = _lower_first(o.label)
    if not np.isfinite(e.diff):
        return f"{e.arm}: no replication could be paired with {reference}."
    if e.significant:
        verb, sign = ("raised", 1) if e.diff > 0 else ("lowered", -1)
        low, high = sorted((sign * e.ci_low, sign * e.ci_high))
        text = f"{e.arm} {verb} {noun} by {an.fmt_diff(o, abs(e.diff))}"
    else:
        low, high = e.ci_low, e.ci_high
        text = f"{e.arm} changed {noun} by {an.fmt_diff(o, e.diff)}"
    if np.isfinite(low):
        text += f" (95% CI {an.fmt_number(o, low)} to {an.fmt_number(o, high)})"
    text += f" relative to {reference}"
    if np.isfinite(e.share_better):
        text += f", better in {e.share_better:.0%} of replications"
    text += "."
    if not e.significant and np.isfinite(low):
        text += " The interval includes zero, so this difference could be chance."
    return text


def cost_sentence(c, reference: str) -> str:
    """One sentence on an arm's cost-effectiveness for one measure."""
    if not np.isfinite(c.value):
        return f"{c.arm} spent nothing beyond {reference}, so it has no cost per unit gained."
    text = (
        f"{c.arm} spent {an.rupiah(c.extra_spend_idr)} more than {reference}: "
        f"{c.value:,.2f} {c.unit} per Rp 1 bn"
    )
    if np.isfinite(c.ci_low):
        text += f" (95% CI {c.ci_low:,.2f} to {c.ci_high:,.2f})"
    return text + "."


def headline(inp: Inputs) -> list[str]:
    """Plain-language sentences on the main outcome, best arm first."""
    if len(inp.arms) < 2:
        return [f"Only one arm ({inp.arms[0]}) finished, so there is nothing to compare."]
    main = inp.effects[inp.effects["outcome"] == inp.main]
    order = {arm: i for i, arm in enumerate(inp.ranking["arm"])}
    rows = sorted(main.itertuples(), key=lambda e: order.get(e.arm, len(order)))
    return [effect_sentence(e, inp.arms[0]) for e in rows]


# --------------------------------------------------------------------------- HTML


def _e(x) -> str:
    return html.escape(str(x))


def _table(header, rows, table_id="", row_ids=None) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        attr = f' data-arm="{_e(row_ids[i])}"' if row_ids else ""
        cells = "".join(
            f'<td class="num">{_e(c[1])}</td>' if isinstance(c, tuple) else f"<td>{c}</td>"
            for c in row
        )
        body.append(f"<tr{attr}>{cells}</tr>")
    ident = f' id="{table_id}"' if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _interval(o: an.Outcome, low: float, high: float) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return "n/a"
    return f"{an.fmt_number(o, low)} to {an.fmt_number(o, high)}"


def _arm_cell(inp: Inputs, arm: str) -> str:
    color = inp.colors.get(arm, "#999")
    swatch = f'<span class="swatch" style="background:{color}"></span>'
    return f'<span class="arm">{swatch}{_e(arm)}</span>'


def _policy_text(policy: dict) -> str:
    name = policy.get("use", "policy")
    parts = []
    for key, value in policy.items():
        if key == "use":
            continue
        numeric = key.endswith("_idr") and isinstance(value, int | float)
        shown = an.rupiah(float(value)) if numeric else value
        parts.append(f"{key} {shown}")
    return f"{name} ({', '.join(parts)})" if parts else str(name)


def arms_section(inp: Inputs) -> str:
    specs = {a.get("name"): a for a in inp.experiment.get("arms") or [] if isinstance(a, dict)}
    done = an.finished(inp.runs).groupby("arm").size()
    total = inp.runs.groupby("arm").size()
    planned = inp.experiment.get("replications")
    rows = []
    for arm in an.arm_order(inp.experiment, inp.runs):
        spec = specs.get(arm, {})
        changes = [f"<code>{_e(k)} = {_e(v)}</code>" for k, v in (spec.get("set") or {}).items()]
        changes += [_e(_policy_text(p)) for p in spec.get("policies") or [] if isinstance(p, dict)]
        role = " (reference)" if arm == inp.arms[0] else ""
        rows.append(
            [
                _arm_cell(inp, arm) + _e(role),
                _e(spec.get("description", "")),
                "<br>".join(changes) or '<span class="muted">nothing (base scenario)</span>',
                ("", f"{int(done.get(arm, 0))} / {planned or int(total.get(arm, 0))}"),
            ]
        )
    exp = inp.experiment
    facts = (
        f"<p>Base scenario: <code>{_e(exp.get('scenario', 'n/a'))}</code>. "
        f"Replications per arm: {_e(exp.get('replications', 'n/a'))}. "
        f"Experiment seed: {_e(exp.get('seed', 'n/a'))}. "
        f"Main outcome for the ranking: {_e(an.outcome(inp.main).label)}.</p>"
    )
    header = ["Arm", "Description", "What it changes", "Runs finished"]
    return facts + _table(header, rows, "arms")


def ranking_section(inp: Inputs) -> str:
    o = an.outcome(inp.main)
    unit = "pp" if o.kind == "share" else o.unit
    rows, ids = [], []
    for r in inp.ranking.itertuples():
        if r.reference:
            diff, ci, better, flag = "reference", "", "", ""
        else:
            diff = an.fmt_diff(o, r.diff, short=True)
            ci = _interval(o, r.ci_low, r.ci_high)
            better = f"{r.share_better:.0%}" if np.isfinite(r.share_better) else "n/a"
            flag = '<span class="flag">CI includes 0</span>' if r.ci_overlaps_zero else "clear"
        per_bn = f"{r.per_bn:,.2f} {unit}" if np.isfinite(r.per_bn) else "no extra spend"
        if r.reference:
            per_bn = ""
        rows.append(
            [
                ("", r.rank),
                _arm_cell(inp, r.arm),
                ("", an.fmt_value(o, r.mean)),
                ("", diff),
                ("", ci),
                ("", better),
                flag,
                ("", an.rupiah(r.spend_idr) if np.isfinite(r.spend_idr) else "n/a"),
                ("", per_bn),
            ]
        )
        ids.append(r.arm)
    header = [
        "Rank",
        "Arm",
        o.label,
        "Difference",
        "95% CI (paired)",
        "Better in",
        "Signal",
        "Policy spend",
        "Gain per Rp 1 bn",
    ]
    return _table(header, rows, "ranking", ids)


def effects_section(inp: Inputs) -> str:
    rows = []
    for o in an.main_outcomes(inp.runs.columns):
        for e in inp.effects[inp.effects["outcome"] == o.name].itertuples():
            rows.append(
                [
                    _e(o.label),
                    _arm_cell(inp, e.arm),
                    ("", an.fmt_value(o, e.reference_mean)),
                    ("", an.fmt_value(o, e.arm_mean)),
                    ("", an.fmt_diff(o, e.diff, short=True)),
                    ("", _interval(o, e.ci_low, e.ci_high)),
                    ("", _interval(o, e.unpaired_low, e.unpaired_high)),
                    ("", f"{e.share_better:.0%}" if np.isfinite(e.share_better) else "n/a"),
                    ("", e.n_pairs),
                ]
            )
    ref = inp.arms[0]
    header = ["Outcome", "Arm", ref, "Arm value", "Difference", "95% CI paired",
              "95% CI unpaired", "Better in", "Pairs"]  # fmt: skip
    note = (
        "<p class='muted'>Shares in percentage points (pp). The paired interval compares each "
        "replication with the same replication of the reference; the unpaired (Welch) interval "
        "ignores that pairing and is shown to make the gain from common random numbers visible. "
        "Every outcome is in <code>effects.csv</code>.</p>"
    )
    return _table(header, rows, "effects") + note


def cost_section(inp: Inputs) -> str:
    if inp.ce.empty:
        return "<p>No policy spending was recorded, so no cost-effectiveness is given.</p>"
    rows = []
    for c in inp.ce.itertuples():
        value = f"{c.value:,.2f}" if np.isfinite(c.value) else c.note
        ci = f"{c.ci_low:,.2f} to {c.ci_high:,.2f}" if np.isfinite(c.ci_low) else ""
        extra = an.rupiah(c.extra_spend_idr)
        rows.append([_e(c.measure), _arm_cell(inp, c.arm), ("", extra), ("", value), ("", ci),
                     _e(c.unit)])  # fmt: skip
    header = ["Measure", "Arm", "Extra spend", "Per Rp 1 bn", "95% CI", "Unit"]
    main_measure = inp.ce["measure"].iloc[0]
    sentences = [
        f"<li>{_e(cost_sentence(c, inp.arms[0]))}</li>"
        for c in inp.ce[inp.ce["measure"] == main_measure].itertuples()
    ]
    return f"<p>{_e(main_measure)}:</p><ul>{''.join(sentences)}</ul>" + _table(header, rows, "ce")


def method_section(inp: Inputs) -> str:
    exp, runs = inp.experiment, inp.runs
    done = an.finished(runs)
    n_failed = len(runs) - len(done)
    scenario = exp.get("scenario", "SCENARIO")
    example = done.sort_values(["replication"]).iloc[0]
    seeds = done.groupby("replication")["seed"].first() if "seed" in done else pd.Series()
    seed_text = ", ".join(f"r{r}: {s}" for r, s in seeds.head(5).items())
    more = ", ..." if len(seeds) > 5 else ""
    return f"""
<ul>
<li><b>Common random numbers.</b> Replication <i>r</i> uses the same random seed in every arm,
so each arm meets the same firms, networks and luck as the reference. Arms are compared
replication by replication (paired differences), which removes the noise the arms share.</li>
<li><b>Intervals.</b> 95% confidence intervals are Student-t intervals of the mean paired
difference over the replications. The unpaired (Welch) interval treats the arms as independent
samples; it is wider whenever replications share noise, which is what pairing buys.
"Better in" is the share of replications in which the arm beat the reference (lower is better
for inequality and costs).</li>
<li><b>Cost-effectiveness.</b> Mean gain divided by mean extra policy spending over the
reference (paired by replication), per Rp 1 bn, with a delta-method t-interval. Arms that
spend no more than the reference have no ratio.</li>
<li><b>Runs.</b> {len(done)} finished runs, {n_failed} failed, {exp.get("replications", "n/a")}
replications per arm, experiment seed {_e(exp.get("seed", "n/a"))}. Run seeds by replication:
{_e(seed_text)}{more} (all in <code>runs.parquet</code>).</li>
<li><b>Rerun one run.</b> <code>msme-sim run {_e(scenario)} --seed {_e(example.get("seed", "N"))}
</code> reruns replication {_e(example["replication"])} of the base scenario; add the arm's
settings with <code>--set path=value</code> and its policies as listed in
<code>experiment.yaml</code>. The same seed and settings give bit-identical results.</li>
</ul>"""


def render(inp: Inputs) -> str:
    """The report as one HTML string."""
    exp = inp.experiment
    title = exp.get("name", inp.directory.name)
    question = exp.get("description") or "(no question given in experiment.yaml)"
    notes = "".join(f"<li>{_e(n)}</li>" for n in inp.notes)
    figures = "".join(
        f"<figure><img src='data:image/png;base64,{base64.b64encode(png).decode()}' "
        f"alt='{_e(alt)}'><figcaption>{_e(caption)}</figcaption></figure>"
        for alt, caption, png in inp.figures
    )
    sens = ""
    if inp.sensitivity is not None:
        cols = list(inp.sensitivity.columns)
        rows = [[_e(r[0]), *[("", f"{v:.3g}") for v in r[1:]]]
                for r in inp.sensitivity.itertuples(index=False)]  # fmt: skip
        sens = "<h2>Sensitivity</h2>" + _table(cols, rows, "sensitivity")
    versions = inp.runs["version"].dropna().astype(str) if "version" in inp.runs else []
    version = ", ".join(sorted(set(versions)))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}: msme-sim report</title><style>{CSS}</style></head>
<body>
<h1>{_e(title)}</h1>
<p class="muted">msme-sim experiment report{f" (version {_e(version)})" if version else ""}</p>
<p class="question">{_e(question)}</p>
<h2>Main finding</h2>
<ul>{"".join(f"<li>{_e(s)}</li>" for s in headline(inp))}</ul>
{f"<ul class='flag'>{notes}</ul>" if notes else ""}
<h2>Scenario and arms</h2>{arms_section(inp)}
<h2>Ranking on {_e(_lower_first(an.outcome(inp.main).label))}</h2>{ranking_section(inp)}
<h2>Effects on the main outcomes</h2>{effects_section(inp)}
<h2>Cost-effectiveness</h2>{cost_section(inp)}
<h2>Figures</h2>{figures}
{sens}
<h2>Method</h2>{method_section(inp)}
<h2>Caveats</h2><ul>{"".join(f"<li>{_e(c)}</li>" for c in CAVEATS)}</ul>
</body></html>
"""


# --------------------------------------------------------------------------- writing


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary sibling and a rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_report(directory) -> Path:
    """Analyse the batch in ``directory`` and write ``report.html`` and ``effects.csv`` there."""
    inp = analyse(load_inputs(directory))
    page = render(inp)
    path = inp.directory / "report.html"
    try:
        write_atomic(inp.directory / "effects.csv", inp.effects.to_csv(index=False).encode())
        write_atomic(path, page.encode("utf-8"))
    except OSError as exc:
        raise ReportInputError(f"{exc.filename or path}: cannot write: {exc.strerror}") from None
    return path


def report_command(directory) -> int:
    """CLI entry point: write the report, print its path; one-line error and 2 on bad input."""
    try:
        path = write_report(directory)
    except ReportInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0
