"""Write a synthetic batch results directory with known effects (no model involved).

Each summary outcome of run (arm, replication r) is ``base + shared[r] + effect[arm] + noise``:
``shared[r]`` is the same in every arm (what common random numbers produce), ``noise`` is
independent per run. Monthly files ramp linearly to the summary value; firm tables are drawn
from simple distributions.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.outcomes import Outcome, to_json

BASE = {
    "firms_alive": 1500.0,
    "survival_rate": 0.70,
    "digital_share": 0.40,
    "marketplace_share": 0.10,
    "mean_literacy": 0.50,
    "mean_revenue_idr": 6.3e6,
    "mean_profit_idr": 1.2e6,
    "poor_owner_mean_income_idr": 1.5e6,
    "gini_income": 0.40,
}
#: The declarations ``outcomes.json`` carries for the fixture's columns (as the runner writes
#: them from the mechanisms'). ``UNDECLARED`` is a column left out of it on purpose.
CATALOGUE = {
    o.name: o
    for o in (
        Outcome("survival_rate", "Survival of initial firms", "%", "share", 1, "share"),
        Outcome("firms_alive", "Firms alive", "firms", "count", 1, "count"),
        Outcome("digital_share", "Digital adoption (messaging or more)", "%", "share", 1, "share"),
        Outcome("marketplace_share", "On social media or marketplaces", "%", "share", 1, "share"),
        Outcome("mean_literacy", "Mean digital literacy", "0-1", "index", 1, "mean"),
        Outcome("mean_revenue_idr", "Mean revenue", "Rp/month", "idr", 1, "mean"),
        Outcome("mean_profit_idr", "Mean profit", "Rp/month", "idr", 1, "mean"),
        Outcome("poor_owner_mean_income_idr", "Poor owners' income", "Rp/month", "idr", 1, "mean"),
        Outcome("gini_income", "Income inequality (Gini)", "0-1", "index", -1, "gini"),
        Outcome("mean_skilled_age", "Mean age of skilled workers", "years", "years", 0, "mean"),
        Outcome("policy_spend_idr", "Policy spending (cumulative)", "Rp", "idr", 0, "cumulative"),
        Outcome("share_level_0", "Offline (level 0)", "%", "share", 0, "share"),
        Outcome("share_level_1", "Messaging apps (level 1)", "%", "share", 0, "share"),
        Outcome("share_level_2", "Social media or marketplace (level 2)", "%", "share", 0, "share"),
    )
}
UNDECLARED = "mystery_index"

#: Standard deviation of the shared (per-replication) and idiosyncratic (per-run) terms.
SD = {k: (0.02 * abs(v), 0.005 * abs(v)) for k, v in BASE.items()}

DEFAULT_ARMS = {
    "baseline": {},
    "training": {"survival_rate": 0.021, "firms_alive": 40.0, "digital_share": 0.05},
    "data_subsidy": {"survival_rate": 0.004, "digital_share": 0.08, "gini_income": -0.01},
    "no_cost_tweak": {"survival_rate": 0.0},
}
DEFAULT_SPEND = {"baseline": 0.0, "training": 2e9, "data_subsidy": 4e9, "no_cost_tweak": 0.0}


def run_id(arm: str, rep: int) -> str:
    return f"{arm}-r{rep:03d}"


def summary_frame(
    arms=None, spend=None, replications: int = 20, seed: int = 7, sd=None
) -> pd.DataFrame:
    """The runs table (all done) with the synthetic summary outcomes."""
    arms = DEFAULT_ARMS if arms is None else arms
    spend = DEFAULT_SPEND if spend is None else spend
    sd = SD if sd is None else sd
    rng = np.random.default_rng(seed)
    shared = {k: rng.normal(0, sd[k][0], replications) for k in BASE}
    rows = []
    for arm, effects in arms.items():
        for r in range(replications):
            row = {
                "run_id": run_id(arm, r),
                "arm": arm,
                "replication": r,
                "seed": 1000 + r,
                "status": "done",
                "error": None,
                "duration_s": 1.0,
                "version": "0.1.0",
            }
            for k, base in BASE.items():
                noise = rng.normal(0, sd[k][1])
                row[k] = base + shared[k][r] + effects.get(k, 0.0) + noise
            row["policy_spend_idr"] = spend.get(arm, 0.0) * (1 + 0.02 * rng.normal())
            if spend.get(arm, 0.0) == 0:
                row["policy_spend_idr"] = 0.0
            rows.append(row)
    extra = np.random.default_rng(seed + 2)  # separate stream: the outcomes above stay as they were
    frame = pd.DataFrame(rows)
    frame["mean_skilled_age"] = 41.2 + extra.normal(0, 0.5, len(frame))
    frame[UNDECLARED] = 0.4 + extra.normal(0, 0.01, len(frame))
    return frame


def experiment_dict(arms, replications: int, seed: int = 7) -> dict:
    def arm_spec(name):
        if name == "baseline":
            return {"name": name, "description": "no policy", "set": {}, "policies": []}
        return {
            "name": name,
            "description": f"the {name.replace('_', ' ')} programme",
            "set": {"connectivity.data_price_idr_per_gb": 12000} if "subsidy" in name else {},
            "policies": [{"use": name, "budget_idr": 2.0e9, "start": 12}],
        }

    return {
        "name": "synthetic_policy_test",
        "description": "Which programme keeps the most micro firms alive per rupiah?",
        "scenario": "scenarios/baseline.yaml",
        "replications": replications,
        "seed": seed,
        "arms": [arm_spec(a) for a in arms],
        "outcome": "survival_rate",
    }


def write_results(
    directory,
    *,
    arms=None,
    spend=None,
    replications: int = 12,
    months: int = 24,
    firms: bool = True,
    catalogue: bool = True,
    failed=(),
    missing=(),
    seed: int = 7,
) -> Path:
    """Write ``experiment.yaml``, ``runs.parquet``, ``runs/*.parquet`` and (optionally)
    ``firms/*.parquet`` into ``directory``, and ``outcomes.json`` unless ``catalogue`` is false
    (results written before outcome catalogues existed). ``failed`` lists (arm, replication)
    whose run is marked failed; ``missing`` lists (arm, replication) with no row at all."""
    arms = DEFAULT_ARMS if arms is None else arms
    directory = Path(directory)
    (directory / "runs").mkdir(parents=True, exist_ok=True)
    runs = summary_frame(arms, spend, replications, seed)
    rng = np.random.default_rng(seed + 1)
    for arm, rep in failed:
        idx = (runs["arm"] == arm) & (runs["replication"] == rep)
        runs.loc[idx, "status"] = "failed"
        runs.loc[idx, "error"] = "ValueError: synthetic failure"
    for arm, rep in missing:
        runs = runs[~((runs["arm"] == arm) & (runs["replication"] == rep))]
    month = np.arange(1, months + 1)
    ramp = month / months
    for row in runs[runs["status"] == "done"].itertuples(index=False):
        monthly = {"month": month}
        for k in BASE:
            start = 1.0 if k == "survival_rate" else BASE[k] * 0.8
            monthly[k] = start + (getattr(row, k) - start) * ramp
        monthly["policy_spend_idr"] = row.policy_spend_idr * ramp
        level2 = monthly["marketplace_share"]
        level1 = monthly["digital_share"] - level2
        monthly.update(share_level_0=1 - level1 - level2, share_level_1=level1)
        monthly["share_level_2"] = level2
        pd.DataFrame(monthly).to_parquet(directory / "runs" / f"{row.run_id}.parquet")
        if firms:
            (directory / "firms").mkdir(exist_ok=True)
            n = 300
            income = rng.lognormal(np.log(row.poor_owner_mean_income_idr), 0.6, n)
            pd.DataFrame(
                {
                    "revenue_idr": income * 4,
                    "profit_idr": income * 1.2,
                    "income_idr": income,
                    "digital_level": rng.integers(0, 3, n),
                    "poor_owner": rng.random(n) < 0.6,
                    "sector": rng.choice(["food", "fashion", "craft", "retail", "services"], n),
                    "alive": rng.random(n) < row.survival_rate,
                    "workers": 1 + rng.poisson(1.0, n),
                }
            ).to_parquet(directory / "firms" / f"{row.run_id}.parquet")
    runs.to_parquet(directory / "runs.parquet", index=False)
    exp = experiment_dict(list(arms), replications, seed)
    (directory / "experiment.yaml").write_text(yaml.safe_dump(exp, sort_keys=False))
    if catalogue:
        (directory / "outcomes.json").write_text(to_json(CATALOGUE), encoding="utf-8")
    return directory
