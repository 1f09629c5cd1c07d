"""What the report shows, computed from the results directory: tables, figures and notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim import analysis as an
from sim import plots
from sim.analysis import t

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
    lang: str = "en"
    outcomes: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    effects: pd.DataFrame = field(default_factory=pd.DataFrame)
    decision: pd.DataFrame = field(default_factory=pd.DataFrame)
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

    def label(self, name: str) -> str:
        """Outcome ``name``'s label in the report's language."""
        return an.outcome_label(self.outcome(name), self.lang)

    def arm(self, name: str) -> str:
        """Arm ``name`` as the report shows it (its ``label:``, else its name)."""
        return self.labels.get(name, name)

    def t(self, key: str, **values) -> str:
        """The report's text ``key`` in its language."""
        return t(key, self.lang, **values)


def load_inputs(directory, lang: str = "en") -> Inputs:
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
    outcomes = [o for o in an.asked_outcomes(experiment) if o in runs]
    if not outcomes:
        present = [o.name for o in an.main_outcomes(catalogue, runs.columns)]
        present = present or an.outcome_columns(runs)
        if not present:
            raise ReportInputError(f"{directory / 'runs.parquet'}: no outcome columns")
        outcomes = present[:1]
    colors = plots.arm_colors(arms)
    labels = an.arm_labels(experiment, lang)
    inp = Inputs(directory, experiment, runs, catalogue, arms, outcomes[0], colors, lang)
    inp.outcomes, inp.labels = outcomes, {a: labels.get(a, a) for a in arms}
    return inp


def analyse(inp: Inputs) -> Inputs:
    """Fill in the tables and figures of the report."""
    runs, arms, catalogue = inp.runs, inp.arms, inp.catalogue
    analyse_distribution(inp)
    inp.effects = an.paired_effects(runs, catalogue=catalogue, arms=arms)
    inp.decision = an.decision_table(runs, inp.outcomes, catalogue=catalogue, arms=arms)
    inp.ce = an.cost_effectiveness(runs, arms=arms, spend=inp.discounted)
    failed = int((runs.get("status", pd.Series(dtype=str)) != "done").sum())
    if failed:
        inp.notes.append(inp.t("failed_runs", n=failed))
    asked = inp.effects[inp.effects["outcome"].isin(inp.outcomes)]  # other columns may be NaN
    dropped = asked.groupby("arm")["n_dropped"].max() if len(asked) else {}
    for arm, n in dict(dropped).items():
        if n:
            inp.notes.append(inp.t("dropped", arm=inp.arm(arm), n=n))
    _add_figures(inp)
    return inp


def _add_figures(inp: Inputs) -> None:
    runs, arms, colors, catalogue = inp.runs, inp.arms, inp.colors, inp.catalogue
    style = {"lang": inp.lang, "labels": inp.labels}

    def add(fig, key: str, **values) -> None:
        alt, caption = inp.t(f"f_{key}_alt", **values), inp.t(f"f_{key}_caption", **values)
        inp.figures.append((alt, caption, plots.png_bytes(fig)))

    main = [o.name for o in an.main_outcomes(catalogue, runs.columns)]
    series = list(dict.fromkeys([*inp.outcomes, *main]))[: max(4, len(inp.outcomes))]
    band = an.monthly_bands(inp.directory, runs, [*series, *an.LEVELS], arms=arms)
    if len(band):
        add(plots.trajectories(band, series, colors, catalogue, **style), "traj")
    if set(an.LEVELS) & set(band.get("metric", ())):
        add(plots.adoption_curves(band, colors, catalogue, **style), "adopt")
    shown = [n for n in dict.fromkeys([*inp.outcomes, *main]) if n in set(inp.effects["outcome"])]
    if shown:
        add(plots.forest(inp.effects, shown, colors, catalogue, **style), "forest")
    if len(inp.ce):
        add(plots.cost_effectiveness(inp.ce, colors, **style), "ce")
    wanted = ["income_idr", "workers", "alive"]
    firms = an.read_firms(inp.directory, runs, arms=arms, columns=wanted)
    if firms is not None and {"income_idr", "workers"} <= set(firms.columns):
        add(plots.distributions(firms, colors, **style), "dist")
    sweep = an.sweep_columns(runs)
    if sweep and not inp.experiment.get("uncertainties"):  # those have their own section
        surface = an.sweep_surface(runs, inp.main, [sweep[0]])
        fig = plots.sweep_lines(surface, sweep[0], inp.main, colors, catalogue, **style)
        add(fig, "sweep", param=sweep[0], noun=an.lower_first(inp.label(inp.main)))
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
        inp.notes.append(inp.t("sensitivity_failed", error=exc))
        return
    fig = plots.sensitivity_bars(inp.sensitivity, inp.main, inp.catalogue, lang=inp.lang)
    values = {"method": method.capitalize(), "noun": an.lower_first(inp.label(inp.main))}
    alt, caption = inp.t("f_sens_alt", **values), inp.t("f_sens_caption", **values)
    inp.figures.append((alt, caption, plots.png_bytes(fig)))
