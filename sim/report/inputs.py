"""What the report shows, computed from the results directory: tables, figures and notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim import analysis as an
from sim import plots

from .distribution import analyse_distribution


class ReportInputError(Exception):
    """The results directory is missing or unusable; the message is one line naming the path."""


@dataclass
class Inputs:
    """Everything the report shows, computed from the results directory."""

    directory: Path
    experiment: dict
    runs: pd.DataFrame
    catalogue: an.Catalogue
    arms: list[str]
    main: str
    colors: dict[str, str]
    effects: pd.DataFrame = field(default_factory=pd.DataFrame)
    ranking: pd.DataFrame = field(default_factory=pd.DataFrame)
    ce: pd.DataFrame = field(default_factory=pd.DataFrame)
    figures: list[tuple[str, str, bytes]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sensitivity: pd.DataFrame | None = None
    # spending and who gains (filled by report.distribution.analyse_distribution)
    discount_rate: float = 0.0
    spend: pd.DataFrame = field(default_factory=pd.DataFrame)
    discounted: pd.Series = field(default_factory=pd.Series)
    displacement: pd.DataFrame = field(default_factory=pd.DataFrame)
    who_gains: pd.DataFrame = field(default_factory=pd.DataFrame)

    def outcome(self, name: str) -> an.Outcome:
        """The declaration of outcome ``name`` in this batch's catalogue."""
        return an.outcome(name, self.catalogue)


def load_inputs(directory) -> Inputs:
    """Read ``directory``; any unusable input is an :class:`sim.analysis.ResultsError`, or a
    :class:`ReportInputError` when the files are readable but cannot be reported on."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ReportInputError(f"{directory}: no such results directory")
    experiment = an.read_experiment(directory)
    runs = an.read_runs(directory)
    an.check_records(directory)
    catalogue = an.read_outcomes(directory)
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
        present = [o.name for o in an.main_outcomes(catalogue, runs.columns)]
        present = present or an.outcome_columns(runs)
        if not present:
            raise ReportInputError(f"{directory / 'runs.parquet'}: no outcome columns")
        main = present[0]
    return Inputs(directory, experiment, runs, catalogue, arms, main, plots.arm_colors(arms))


def analyse(inp: Inputs) -> Inputs:
    """Fill in the tables and figures of the report."""
    runs, arms, catalogue = inp.runs, inp.arms, inp.catalogue
    analyse_distribution(inp)
    inp.effects = an.paired_effects(runs, catalogue=catalogue, arms=arms)
    inp.ranking = an.rank_arms(runs, inp.main, catalogue=catalogue, arms=arms, spend=inp.discounted)
    inp.ce = an.cost_effectiveness(runs, arms=arms, spend=inp.discounted)
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
    runs, arms, colors, catalogue = inp.runs, inp.arms, inp.colors, inp.catalogue

    def add(fig, alt: str, caption: str) -> None:
        inp.figures.append((alt, caption, plots.png_bytes(fig)))

    main = [o.name for o in an.main_outcomes(catalogue, runs.columns)]
    series = list(dict.fromkeys([inp.main, *main[:4]]))
    band = an.monthly_bands(inp.directory, runs, [*series, *an.LEVELS], arms=arms)
    if len(band):
        add(plots.trajectories(band, series, colors, catalogue), "Outcome trajectories per arm",
            "Lines are medians over replications; shaded bands hold the middle 90% of "
            "replications (5th to 95th percentile).")  # fmt: skip
    if set(an.LEVELS) & set(band.get("metric", ())):
        add(plots.adoption_curves(band, colors, catalogue), "Adoption by digital level per arm",
            "Share of living firms offline (level 0), on messaging apps such as WhatsApp "
            "(level 1) and on social media or marketplaces (level 2).")  # fmt: skip
    shown = [n for n in main if n in set(inp.effects["outcome"])]
    if shown:
        add(plots.forest(inp.effects, shown, colors, catalogue), "Forest plot of effects",
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
        add(plots.sweep_lines(surface, sweep[0], inp.main, colors, catalogue),
            f"Sweep over {sweep[0]}",
            f"Mean {inp.outcome(inp.main).label.lower()} (with 95% CI over runs) for each "
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
    fig = plots.sensitivity_bars(inp.sensitivity, inp.main, inp.catalogue)
    caption = (
        f"{method.capitalize()} sensitivity of {inp.outcome(inp.main).label.lower()} to the "
        "varied parameters (reference arm)."
    )
    inp.figures.append((f"{method} sensitivity indices", caption, plots.png_bytes(fig)))
