"""``docs/validation.md`` and its figures, written atomically from the checks' results."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.fileio import write_atomic

from .checks import Check


def _save(fig, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    write_atomic(path, lambda tmp: fig.savefig(tmp, dpi=100, format="png"))
    plt.close(fig)


def _figures(checks: list[Check], img: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    by_name = {c.name: c for c in checks}
    bass = by_name.get("Bass reduction")
    if bass is not None:
        d = bass.details
        months = np.arange(1, len(d["mean"]) + 1)
        fig, ax = plt.subplots(figsize=(6.4, 3.6))
        ax.plot(months, d["continuous"] * 100, color="#0072B2", label="Bass curve (continuous)")
        ax.plot(months, d["discrete"] * 100, "--", color="#E69F00", label="Bass recursion")
        ax.plot(
            months,
            d["mean"] * 100,
            ":",
            color="#000000",
            lw=2,
            label=f"msme-sim, mean of {d['seeds']} seeds",
        )
        ax.set(
            xlabel="month",
            ylabel="digital firms (%)",
            title=f"Adoption with all gates open (N = {d['n']:,}, p = {d['p']}, q = {d['q']})",
        )
        ax.legend(frameon=False)
        _save(fig, img / "validation_bass.png")
        names.append("validation_bass.png")
    world = by_name.get("Small-world weak ties")
    if world is not None:
        curve = np.array(world.details["curve"])
        fig, ax = plt.subplots(figsize=(6.4, 3.6))
        ax.semilogx(curve[:, 0], curve[:, 1], "o-", color="#0072B2", label="C(p) / C(0)")
        ax.semilogx(curve[:, 0], curve[:, 2], "s-", color="#D55E00", label="L(p) / L(0)")
        ax.set(
            xlabel="rewiring probability p (share of ties that are weak)",
            ylabel="ratio",
            title=f"Weak ties: Watts–Strogatz check (N = {world.details['n']}, "
            f"K = {world.details['k']})",
        )
        ax.legend(frameon=False)
        _save(fig, img / "validation_small_world.png")
        names.append("validation_small_world.png")
    return names


#: The kinds of evidence, in the order of the page: (group, heading, what it means).
GROUPS = (
    (
        "verification",
        "Submodels against known results",
        "Checks that a submodel reduces to known mathematics when its other parts are switched "
        "off; they verify the code, they do not validate the economy.",
    ),
    (
        "input",
        "Inputs (reproduced by construction)",
        "The starting population is drawn from these national figures (parameter table); "
        "matching them shows the drawing works, not that the model explains them.",
    ),
    (
        "calibrated",
        "Calibrated (tuned to a target)",
        "Parameters set so that the model hits these figures; they cannot count as evidence.",
    ),
    (
        "held-out",
        "Held out (never tuned), with the gap",
        "Published figures the model was not tuned to; the gap is reported as it is.",
    ),
    (
        "emergent",
        "Emergent (not tuned; tested paired over seeds)",
        "Results that come out of firm and household behaviour, each a paired difference over "
        "seeds with a 95% interval; see the findings section for the rules each one rests on.",
    ),
)


#: The shipped calibration's results (``msme-sim calibrate calibration/indonesia.yaml``).
CALIBRATION = Path(__file__).resolve().parents[2] / "calibration" / "results" / "summary.json"


def _calibration_section() -> str:
    """Fitted and held-out targets of the calibration the baseline uses, with their gaps."""
    import json

    from sim.calibration.outputs import markdown_table

    if not CALIBRATION.is_file():
        return "## Calibrated and held-out targets\n\nNo calibration results found."
    summary = json.loads(CALIBRATION.read_text(encoding="utf-8"))
    return (
        "## Calibrated and held-out targets\n\nThe baseline scenario uses the fitted values "
        "below (`scenarios/baseline.yaml`, each marked `# fitted`). Fitted targets cannot count "
        "as evidence; held-out targets were never used in the fit, and their gaps are reported "
        "as they are.\n\n" + markdown_table(summary)
    )


def _calibration_position(tables: list[str]) -> int:
    """Right after the inputs' table (before the held-out and emergent ones)."""
    for i, table in enumerate(tables):
        if table.startswith("## Inputs"):
            return i + 1
    return 0


def _ablation_table(checks: list[Check]) -> list[str]:
    members = [c for c in checks if c.group == "ablation"]
    if not members:
        return []
    rows = "\n".join(
        f"| {c.name} | {c.details['rests_on']} | {c.target.removeprefix('without: ')} | {c.value} |"
        for c in members
    )
    seeds = members[0].details["seeds"]
    return [
        "## What each finding rests on\n\nThe firm and household rules each finding comes "
        "from, and the same paired comparison rerun with its most direct assumption removed "
        f"({seeds} paired seeds, both arms): *vanishes* means the 95% interval then includes "
        "zero (or the difference turns), *persists* that it still excludes zero — the finding "
        "does not rest on that assumption alone. `tests/test_findings.py` asserts each "
        "verdict.\n\n| finding | rests on | assumption removed | without it |\n"
        f"|---|---|---|---|\n{rows}"
    ]


def _displacement_table(checks: list[Check]) -> list[str]:
    members = [c for c in checks if c.group == "displacement"]
    if not members:
        return []
    rows = "\n".join(
        f"| {c.name} | {c.details['treated_gain_idr'] / 1e6:,.1f} | "
        f"{c.details['others_change_idr'] / 1e6:,.1f} "
        f"({c.details['others_low_idr'] / 1e6:,.0f} to {c.details['others_high_idr'] / 1e6:,.0f})"
        f" | {c.value} |"
        for c in members
    )
    seeds = members[0].details["seeds"]
    return [
        "## Displacement: whose sales a policy's gains are\n\nEach policy run on the "
        f"baseline regency (1,000 firms, 10 villages, 36 months, {seeds} paired seeds) against "
        "the same runs without it (`sim/validation/displacement.py`). Gains are cumulative "
        "revenue over the run, Rp million; displacement is the other firms' loss as a share of "
        "the treated firms' gain (1 = every rupiah the treated firms gained, the others lost); "
        "the others' change carries its 95% interval over the seeds: where it includes zero, "
        "the share cannot be told from 0 (the regency's total revenue differs from seed to seed "
        "by more than most policies move it). "
        "A policy that reaches no firm in particular (facilitation, a platform, a subsidy on "
        "shared projects) has no treated group: its row says so.\n\n"
        "| policy | treated firms' gain (Rp M) | other firms' change (Rp M, 95% CI) | "
        "displacement |\n"
        f"|---|---|---|---|\n{rows}"
    ]


def write_markdown(checks: list[Check], docs: Path) -> Path:
    """``docs/validation.md`` (and its figures in ``docs/img/``), written from scratch."""
    img = docs / "img"
    img.mkdir(parents=True, exist_ok=True)
    figures = _figures(checks, img)
    tables = []
    for group, title, meaning in GROUPS:
        members = [c for c in checks if c.group == group]
        if not members:
            continue
        rows = "\n".join(
            f"| {c.name} | {c.target} | {c.value} | {'yes' if c.passed else '**no**'} |"
            for c in members
        )
        tables.append(
            f"## {title}\n\n{meaning}\n\n| check | target | msme-sim | passed |\n"
            f"|---|---|---|---|\n{rows}"
        )
    tables.insert(_calibration_position(tables), _calibration_section())
    tables += _ablation_table(checks) + _displacement_table(checks)
    rows = "\n\n".join(tables)
    notes = "\n".join(f"- {c.name}: {c.details['note']}" for c in checks if "note" in c.details)
    pictures = "\n\n".join(f"![{name}](img/{name})" for name in figures)
    text = f"""# Validation

Generated by `msme-sim validate-model`; the tests (`tests/test_validation.py`) assert the same
numbers. Do not edit by hand.

{rows}

{notes}

## How each check is made

- **Bass reduction.** Literacy, connectivity and affordability gates open, imitation from the whole
  population (`mixing: full`), only level 0 → 1, all other mechanisms off. The seed-mean share of
  digital firms is compared month by month with the discrete Bass recursion
  F(k+1) = F(k) + (1 − F(k))(1 − exp(−(p + q F(k)) Δt)) and with the continuous Bass curve
  (Δt = 1/12 year).
- **Small-world weak ties.** The tie construction of `sim/network.py` (a ring lattice over firms
  ordered by village and sector, each tie rewired with probability p into a weak tie) on N = 1000,
  K = 10: mean clustering C and mean shortest path L relative to the unrewired lattice.
- **Initial state.** The baseline scenario at 20,000 firms against the national facts in the
  parameter table (`msme-sim params`).
- **COVID-like shock (held out).** The default `demand_shock` on the baseline (1,000 firms, 5
  seeds): households lose outside income, outside buyers stay away, part of the budget moves
  online. The check reports the highest `revenue_loss_share` (revenue at least 10% below the
  firm's own mean of the three months before) in the shock's first four months against BPS's
  84.2%; nothing is tuned to it.
- **Findings.** Each field-study finding as a paired difference (same seeds with and without the
  mechanism, policy or setting) over 20 seeds with a 95% t-interval; `tests/test_findings.py`
  checks these and further findings with stated tolerances.
- **Firm-size tail.** Hill estimator of the Pareto exponent of the top 5% of monthly revenue after
  ten years of the baseline (10,000 firms). The model covers MSMEs only (no large firms), so its
  tail is expected to be steeper than the economy-wide Zipf exponent ≈ 1; the documented range is
  [1, 3].

{pictures}
"""
    return write_atomic(docs / "validation.md", text)
