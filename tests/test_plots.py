"""Figures: one colour per arm everywhere, readable labels and units, PNG output."""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from lang_check import english_words
from matplotlib.text import Text
from results_fixture import write_results

from sim import analysis as an
from sim import plots

ARMS = ["baseline", "training", "data_subsidy", "no_cost_tweak"]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    directory = write_results(tmp_path_factory.mktemp("batch"), replications=6, months=8)
    runs = an.read_runs(directory)
    return directory, runs, an.read_outcomes(directory)


def line_colors(ax) -> set[str]:
    return {mcolors.to_hex(line.get_color()) for line in ax.get_lines()}


def test_arm_colors_are_okabe_ito_stable_and_reference_black():
    colors = plots.arm_colors(ARMS)
    assert colors["baseline"] == "#000000"
    assert list(colors.values()) == list(plots.OKABE_ITO[:4])
    assert plots.arm_colors(ARMS + ["extra"])["training"] == colors["training"]
    many = plots.arm_colors([f"a{i}" for i in range(10)])
    assert set(many.values()) <= set(plots.OKABE_ITO)


def test_trajectories_use_the_arm_colours_and_units(results):
    directory, runs, catalogue = results
    band = an.monthly_bands(directory, runs, ["survival_rate", "mean_revenue_idr"])
    colors = plots.arm_colors(ARMS)
    fig = plots.trajectories(band, ["survival_rate", "mean_revenue_idr"], colors, catalogue)
    survival, revenue = fig.axes
    assert line_colors(survival) == {c.lower() for c in colors.values()}
    assert survival.get_title() == "Survival of initial firms"
    assert survival.get_xlabel() == "month" and survival.get_ylabel() == "%"
    assert revenue.get_ylabel() == "Rp/month"
    tick = revenue.yaxis.get_major_formatter()(6_300_000, 0)
    assert tick == "Rp 6.3M"
    assert "%" in survival.yaxis.get_major_formatter()(0.7, 0)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ARMS
    png = plots.png_bytes(fig)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_adoption_curves_have_one_panel_per_level(results):
    directory, runs, catalogue = results
    band = an.monthly_bands(directory, runs, list(an.LEVELS))
    fig = plots.adoption_curves(band, plots.arm_colors(ARMS), catalogue)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [catalogue[x].label for x in an.LEVELS] and titles[0] == "Offline (level 0)"
    assert all(ax.get_ylim() == (0, 1) for ax in fig.axes)


def test_forest_draws_each_arm_in_its_colour_with_a_zero_line(results):
    _, runs, catalogue = results
    outcomes = ["survival_rate", "gini_income"]
    effects = an.paired_effects(runs, outcomes, catalogue=catalogue, arms=ARMS)
    colors = plots.arm_colors(ARMS)
    fig = plots.forest(effects, outcomes, colors, catalogue)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ARMS[1:]
    dots = {mcolors.to_hex(line.get_color()) for line in ax.get_lines() if line.get_marker() == "o"}
    assert dots == {colors[a].lower() for a in ARMS[1:]}
    assert "percentage points" in ax.get_xlabel()
    assert "lower is better" in fig.axes[1].get_title()


def test_cost_effectiveness_labels_zero_spend_arms(results):
    _, runs, _ = results
    ce = an.cost_effectiveness(runs, arms=ARMS)
    fig = plots.cost_effectiveness(ce, plots.arm_colors(ARMS))
    texts = [t.get_text().strip() for ax in fig.axes for t in ax.texts]
    assert texts.count("no extra spend") == ce["measure"].nunique()
    assert all("per Rp 1 bn" in ax.get_xlabel() for ax in fig.axes)


def test_cost_effectiveness_in_indonesian_names_underspent_arms(results):
    _, runs, _ = results
    runs = runs.assign(policy_budget_idr=np.where(runs["arm"] == "training", 4e9, 0.0))
    ce = an.cost_effectiveness(runs, arms=ARMS)  # training spent about half its budget
    fig = plots.cost_effectiveness(ce, plots.arm_colors(ARMS), lang="id")
    words = [t.get_text() for t in fig.findobj(Text)]
    texts = [t.get_text().strip() for ax in fig.axes for t in ax.texts]

    assert english_words(" ".join(words)) == []
    assert texts.count("anggaran tidak terserap penuh") == ce["measure"].nunique()
    assert texts.count("tanpa belanja tambahan") == ce["measure"].nunique()  # no_cost_tweak
    assert "Usaha yang terselamatkan per Rp 1 M" in words
    assert any(w.startswith("usaha per Rp 1 M") for w in words)


def test_distributions_and_sensitivity_figures(results):
    directory, runs, _ = results
    firms = an.read_firms(directory, runs)
    fig = plots.distributions(firms, plots.arm_colors(ARMS))
    income, size = fig.axes
    assert income.get_xlabel() == "Rp/month" and size.get_xlabel() == "workers"
    table = pd.DataFrame(
        {
            "parameter": ["a", "b"],
            "mu_star": [2.0, 0.1],
            "mu_star_conf": [0.1, 0.05],
            "sigma": [0.2, 0.0],
        }  # fmt: skip
    )
    fig = plots.sensitivity_bars(table, "survival_rate")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["a", "b"]
    assert np.isclose(max(p.get_width() for p in fig.axes[0].patches), 2.0)


def test_axes_take_units_from_the_catalogue_and_guess_nothing(results):
    directory, runs, catalogue = results
    colors = plots.arm_colors(ARMS)
    surface = an.sweep_surface(runs.assign(**{"a.b": 1.0}), "mean_skilled_age", ["a.b"])
    fig = plots.sweep_lines(surface, "a.b", "mean_skilled_age", colors, catalogue)
    assert fig.axes[0].get_ylabel() == "years"
    assert fig.axes[0].get_title() == "Mean age of skilled workers across a.b"
    surface = an.sweep_surface(runs.assign(**{"a.b": 1.0}), "mystery_index", ["a.b"])
    fig = plots.sweep_lines(surface, "a.b", "mystery_index", colors, catalogue)
    assert fig.axes[0].get_ylabel() == ""  # undeclared: no unit
    assert fig.axes[0].get_title() == "mystery_index across a.b"
