"""Analysis of batch results: paired effects, cost-effectiveness, rankings, bands, sensitivity.

Reads result files only (``experiment.yaml``, ``runs.parquet``, ``runs/<id>.parquet``,
``firms/<id>.parquet``) and never imports the model. Functions take and return pandas
DataFrames so a researcher can use them in a notebook as well as the report does.

Pairing: replication ``r`` has the same seed in every arm (common random numbers), so an arm is
compared with the reference arm replication by replication (and sweep point by sweep point).
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import yaml
from scipy import stats

#: Columns of ``runs.parquet`` that describe a run rather than measure an outcome.
META_COLUMNS = frozenset(
    {"run_id", "arm", "replication", "seed", "status", "error", "duration_s", "version"}
    | {"months", "sample", "param_hash", "hash", "parameter_hash"}
)
SPEND = "policy_spend_idr"
BILLION = 1e9


class ResultsError(ValueError):
    """A results directory is missing, incomplete or unreadable; the message names the path."""


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class Outcome:
    """How to read, format and judge one outcome column.

    ``kind`` is ``share`` (0-1, shown as %), ``idr`` (rupiah), ``count`` or ``index`` (a 0-1
    score shown with 3 decimals); ``direction`` is +1 when higher is better, -1 when lower is
    better and 0 when neither (no "better in x% of replications" is given then).
    """

    name: str
    label: str
    kind: str
    direction: int
    unit: str


_KNOWN = (
    Outcome("survival_rate", "Survival of initial firms", "share", 1, "%"),
    Outcome("firms_alive", "Firms alive", "count", 1, "firms"),
    Outcome("digital_share", "Digital adoption (messaging or more)", "share", 1, "%"),
    Outcome("marketplace_share", "On social media or marketplaces", "share", 1, "%"),
    Outcome("mean_literacy", "Mean digital literacy", "index", 1, "0-1"),
    Outcome("poor_owner_mean_income_idr", "Poor owners' income", "idr", 1, "Rp/month"),
    Outcome("mean_income_idr", "Owners' income", "idr", 1, "Rp/month"),
    Outcome("mean_revenue_idr", "Mean revenue", "idr", 1, "Rp/month"),
    Outcome("mean_profit_idr", "Mean profit", "idr", 1, "Rp/month"),
    Outcome("gini_income", "Income inequality (Gini)", "index", -1, "0-1"),
    Outcome("pooling_participation", "Bulk-pool participation", "share", 1, "%"),
    Outcome("mean_trust", "Mean trust", "index", 1, "0-1"),
    Outcome("partnerships_active", "Active partnerships", "count", 1, "partnerships"),
    Outcome("mean_customer_loyalty", "Mean customer loyalty", "index", 1, "0-1"),
    Outcome("skilled_workers", "Skilled workers", "count", 1, "workers"),
    Outcome("craft_output_idr", "Craft cluster output", "idr", 1, "Rp/month"),
    Outcome("mean_unit_input_cost_idr", "Mean unit input cost", "idr", -1, "Rp/unit"),
    Outcome("online_revenue_share", "Demand from online channels", "share", 1, "%"),
    Outcome("loans_outstanding_idr", "Outstanding loans", "idr", 0, "Rp"),
    Outcome("entries", "Firms opened (month)", "count", 0, "firms"),
    Outcome("exits", "Firms closed (month)", "count", -1, "firms"),
    Outcome("share_level_0", "Offline (level 0)", "share", 0, "%"),
    Outcome("share_level_1", "Messaging apps (level 1)", "share", 0, "%"),
    Outcome("share_level_2", "Social media or marketplace (level 2)", "share", 0, "%"),
    Outcome(SPEND, "Policy spending (cumulative)", "idr", 0, "Rp"),
)
OUTCOMES: dict[str, Outcome] = {o.name: o for o in _KNOWN}

#: The outcomes a policymaker sees first, in this order (those present in the results).
MAIN_OUTCOMES = (
    "survival_rate",
    "firms_alive",
    "digital_share",
    "marketplace_share",
    "mean_literacy",
    "poor_owner_mean_income_idr",
    "mean_profit_idr",
    "gini_income",
    "pooling_participation",
    "partnerships_active",
    "mean_trust",
    "mean_customer_loyalty",
    "skilled_workers",
    "craft_output_idr",
)
LEVELS = ("share_level_0", "share_level_1", "share_level_2")
_LOWER_IS_BETTER_WORDS = ("cost", "gini", "exit", "default", "debt", "price")


def outcome(name: str) -> Outcome:
    """The description of outcome ``name``; unknown columns get one guessed from the name."""
    if name in OUTCOMES:
        return OUTCOMES[name]
    if name.endswith("_idr"):
        kind, unit = "idr", "Rp"
    elif name.endswith(("_share", "_rate", "_participation")) or name.startswith("share_"):
        kind, unit = "share", "%"
    elif name.startswith("mean_"):
        kind, unit = "index", ""
    else:
        kind, unit = "count", ""
    direction = -1 if any(w in name for w in _LOWER_IS_BETTER_WORDS) else 1
    label = name.removesuffix("_idr").replace("_", " ").capitalize()
    return Outcome(name, label, kind, direction, unit)


def main_outcomes(columns=None) -> list[Outcome]:
    """The main outcomes (names, labels, units, direction), restricted to ``columns`` if given."""
    names = [n for n in MAIN_OUTCOMES if columns is None or n in set(columns)]
    return [outcome(n) for n in names]


def rupiah(x: float) -> str:
    """``Rp 12,345``, ``Rp 6.30 M`` or ``Rp 2.00 bn``."""
    if x is None or not np.isfinite(x):
        return "n/a"
    sign = "-" if x < 0 else ""
    a = abs(x)
    if a >= BILLION:
        return f"{sign}Rp {a / BILLION:,.2f} bn"
    if a >= 1e6:
        return f"{sign}Rp {a / 1e6:,.2f} M"
    return f"{sign}Rp {a:,.0f}"


def _no_negative_zero(text: str) -> str:
    return re.sub(r"^-(?=(Rp )?0(\.0+)?(?![\d.]))", "", text)


def fmt_value(o: Outcome, x: float) -> str:
    """A level of outcome ``o`` for a table: ``72.3%``, ``Rp 6.30 M``, ``1,234``, ``0.412``."""
    if x is None or not np.isfinite(x):
        return "n/a"
    if o.kind == "share":
        return f"{100 * x:.1f}%"
    if o.kind == "idr":
        return rupiah(x)
    if o.kind == "count":
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}"
    return f"{x:.3f}"


def fmt_diff(o: Outcome, d: float, short: bool = False) -> str:
    """A difference in outcome ``o``: ``2.1 percentage points`` (``2.1 pp`` when short)."""
    if d is None or not np.isfinite(d):
        return "n/a"
    if o.kind == "share":
        text = f"{100 * d:.1f} {'pp' if short else 'percentage points'}"
    elif o.kind == "idr":
        text = rupiah(d)
    elif o.kind == "count":
        text = f"{d:,.1f}"
    else:
        text = f"{d:.3f}"
    return _no_negative_zero(text)


def fmt_number(o: Outcome, d: float) -> str:
    """A difference without its unit word (shares in percentage points): for intervals."""
    if o.kind == "share" and d is not None and np.isfinite(d):
        return _no_negative_zero(f"{100 * d:.1f}")
    return fmt_diff(o, d)


# --------------------------------------------------------------------------- reading


def read_experiment(directory) -> dict:
    """The resolved experiment (``experiment.yaml``) as a dict."""
    path = Path(directory) / "experiment.yaml"
    if not path.is_file():
        raise ResultsError(f"{path}: missing (not a batch results directory)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ResultsError(f"{path}: cannot read: {' '.join(str(exc).split())}") from None
    if not isinstance(data, dict):
        raise ResultsError(f"{path}: expected a mapping of experiment settings")
    return data


def read_runs(directory, columns=None) -> pd.DataFrame:
    """The runs table, reading only ``columns`` (default: all) through ``pyarrow.dataset``."""
    path = Path(directory) / "runs.parquet"
    if not path.is_file():
        raise ResultsError(f"{path}: missing (not a batch results directory)")
    try:
        dataset = ds.dataset(path, format="parquet")
        if columns is not None:
            columns = [c for c in columns if c in dataset.schema.names]
        return dataset.to_table(columns=columns).to_pandas()
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{path}: cannot read: {' '.join(str(exc).split())}") from None


def arm_order(experiment: dict, runs: pd.DataFrame) -> list[str]:
    """Arms in the experiment's order (the first is the reference), then any others in runs."""
    arms = experiment.get("arms") or []
    listed = [str(a["name"]) for a in arms if isinstance(a, dict) and "name" in a]
    seen = list(dict.fromkeys(runs["arm"].astype(str))) if "arm" in runs else []
    return list(dict.fromkeys(listed + seen))


def finished(runs: pd.DataFrame) -> pd.DataFrame:
    """Only the runs that finished (``status == "done"``)."""
    if "status" not in runs:
        return runs
    return runs[runs["status"] == "done"]


def sweep_columns(runs: pd.DataFrame) -> list[str]:
    """Swept parameters: the columns named by a dotted scenario path (``firms.count``)."""
    return [c for c in runs.columns if "." in str(c)]


def outcome_columns(runs: pd.DataFrame) -> list[str]:
    """Every numeric outcome column: not run metadata, not a sweep, not the policy spend."""
    skip = META_COLUMNS | set(sweep_columns(runs)) | {SPEND}
    return [
        c
        for c in runs.columns
        if c not in skip and pd.api.types.is_numeric_dtype(runs[c]) and runs[c].dtype != bool
    ]


# --------------------------------------------------------------------------- intervals


def t_interval(x, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``x`` and its Student-t confidence interval (NaN bounds with fewer than 2 values)."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if n < 2:
        return mean, math.nan, math.nan
    half = stats.t.ppf(0.5 + confidence / 2, n - 1) * x.std(ddof=1) / math.sqrt(n)
    return mean, mean - half, mean + half


def welch_interval(a, b, confidence: float = 0.95) -> tuple[float, float]:
    """Welch (unequal-variance, unpaired) interval for ``mean(a) - mean(b)``."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2 or len(b) < 2:
        return math.nan, math.nan
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    d = float(a.mean() - b.mean())
    if va + vb == 0:
        return d, d
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = stats.t.ppf(0.5 + confidence / 2, df) * math.sqrt(va + vb)
    return d - half, d + half


def bootstrap_interval(samples, statistic, confidence=0.95, n_resamples=2000, seed=0):
    """BCa bootstrap interval of ``statistic(*samples)`` (a point interval if data are constant)."""
    samples = tuple(np.asarray(s, dtype=float) for s in samples)
    if any(len(s) < 2 for s in samples):
        return math.nan, math.nan
    if all(np.ptp(s) == 0 for s in samples):
        value = float(statistic(*samples))
        return value, value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = stats.bootstrap(
            samples,
            statistic,
            n_resamples=n_resamples,
            confidence_level=confidence,
            vectorized=True,
            rng=np.random.default_rng(seed),
        )
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def _mean_diff(a, b, axis=-1):
    return np.mean(a, axis=axis) - np.mean(b, axis=axis)


def _mean(x, axis=-1):
    return np.mean(x, axis=axis)


# --------------------------------------------------------------------------- paired effects


def paired_values(runs: pd.DataFrame, column: str, arm: str, reference: str) -> pd.DataFrame:
    """``column`` of ``arm`` and ``reference`` side by side, one row per replication (and sweep
    point), with ``NaN`` where a run is missing or failed in one of the two arms."""
    keys = ["replication", *sweep_columns(runs)]
    sub = finished(runs)
    sub = sub[sub["arm"].isin([arm, reference])]
    wide = sub.groupby([*keys, "arm"])[column].mean().unstack("arm")
    return wide.reindex(columns=[reference, arm])


def paired_effects(
    runs: pd.DataFrame,
    outcomes=None,
    *,
    arms=None,
    confidence: float = 0.95,
    method: str = "t",
    n_resamples: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Paired difference ``arm - reference`` for each outcome and each non-reference arm.

    ``arms`` gives the order, its first element is the reference (default: order in ``runs``).
    Only finished runs count; a replication missing or failed in either arm is dropped from
    that pair and counted in ``n_dropped``. ``method`` is ``"t"`` (Student-t on the paired
    differences, Welch for the unpaired interval) or ``"bootstrap"`` (BCa, scipy). The
    unpaired interval uses the same replications, so the two intervals differ only by pairing.
    Columns: arm, outcome, label, n_pairs, n_dropped, reference_mean, arm_mean, diff, ci_low,
    ci_high, unpaired_low, unpaired_high, share_better, direction, significant.
    """
    if method not in ("t", "bootstrap"):
        raise ValueError(f"method must be 't' or 'bootstrap', not {method!r}")
    arms = list(arms) if arms is not None else list(dict.fromkeys(runs["arm"]))
    reference = arms[0]
    outcomes = outcome_columns(runs) if outcomes is None else list(outcomes)
    rows = []
    for name in outcomes:
        info = outcome(name)
        for arm in arms[1:]:
            wide = paired_values(runs, name, arm, reference)
            both = wide.dropna()
            r, a = both[reference].to_numpy(), both[arm].to_numpy()
            d = a - r
            mean, low, high = t_interval(d, confidence)
            ulow, uhigh = welch_interval(a, r, confidence)
            if method == "bootstrap":
                low, high = bootstrap_interval((d,), _mean, confidence, n_resamples, seed)
                ulow, uhigh = bootstrap_interval((a, r), _mean_diff, confidence, n_resamples, seed)
            better = np.mean(info.direction * d > 0) if info.direction and len(d) else math.nan
            rows.append(
                {
                    "arm": arm,
                    "outcome": name,
                    "label": info.label,
                    "n_pairs": len(d),
                    "n_dropped": len(wide) - len(both),
                    "reference_mean": float(r.mean()) if len(r) else math.nan,
                    "arm_mean": float(a.mean()) if len(a) else math.nan,
                    "diff": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "unpaired_low": ulow,
                    "unpaired_high": uhigh,
                    "share_better": better,
                    "direction": info.direction,
                    "significant": bool(low > 0 or high < 0),
                }
            )
    return pd.DataFrame(rows, columns=_EFFECT_COLUMNS)


_EFFECT_COLUMNS = [
    "arm",
    "outcome",
    "label",
    "n_pairs",
    "n_dropped",
    "reference_mean",
    "arm_mean",
    "diff",
    "ci_low",
    "ci_high",
    "unpaired_low",
    "unpaired_high",
    "share_better",
    "direction",
    "significant",
]


# --------------------------------------------------------------------------- cost-effectiveness


@dataclass(frozen=True)
class CostMeasure:
    """Outcome gained per ``per`` rupiah of extra policy spending, the gain scaled by ``scale``."""

    outcome: str
    label: str
    unit: str
    scale: float = 1.0
    per: float = BILLION


COST_MEASURES = (
    CostMeasure("firms_alive", "Firms saved per Rp 1 bn", "firms"),
    CostMeasure("survival_rate", "Survival points per Rp 1 bn", "percentage points", 100.0),
    CostMeasure("digital_share", "Adoption points per Rp 1 bn", "percentage points", 100.0),
    CostMeasure(
        "poor_owner_mean_income_idr",
        "Poor-owner income gained per Rp 1 bn",
        "Rp/month per poor owner",
    ),
)


def ratio_interval(gain, spend, confidence=0.95) -> tuple[float, float, float]:
    """``mean(gain) / mean(spend)`` over paired replications with a delta-method t-interval.

    Returns NaNs when the mean extra spend is not positive (an arm that costs nothing or
    saves money has no cost-effectiveness ratio); never divides by zero.
    """
    gain, spend = np.asarray(gain, dtype=float), np.asarray(spend, dtype=float)
    n = len(gain)
    mean_spend = float(spend.mean()) if n else 0.0
    if n == 0 or not mean_spend > 0:
        return math.nan, math.nan, math.nan
    ratio = float(gain.mean()) / mean_spend
    if n < 2:
        return ratio, math.nan, math.nan
    z = (gain - ratio * spend) / mean_spend
    half = stats.t.ppf(0.5 + confidence / 2, n - 1) * z.std(ddof=1) / math.sqrt(n)
    return ratio, ratio - half, ratio + half


def cost_effectiveness(
    runs: pd.DataFrame, *, arms=None, measures=COST_MEASURES, confidence: float = 0.95
) -> pd.DataFrame:
    """Outcome gained per Rp 1 bn of the arm's extra ``policy_spend_idr`` over the reference.

    Paired per replication. ``value`` is NaN and ``note`` says "no extra spend" when the arm
    spends no more than the reference. Columns: arm, measure, outcome, unit, n_pairs,
    extra_spend_idr, gain, value, ci_low, ci_high, note.
    """
    arms = list(arms) if arms is not None else list(dict.fromkeys(runs["arm"]))
    reference = arms[0]
    rows = []
    for m in measures:
        if m.outcome not in runs or SPEND not in runs:
            continue
        for arm in arms[1:]:
            out = paired_values(runs, m.outcome, arm, reference)
            cost = paired_values(runs, SPEND, arm, reference)
            both = pd.concat([out, cost], axis=1, keys=["out", "cost"]).dropna()
            gain = m.scale * (both[("out", arm)] - both[("out", reference)]).to_numpy()
            spend = (both[("cost", arm)] - both[("cost", reference)]).to_numpy()
            value, low, high = ratio_interval(gain, spend / m.per, confidence)
            extra = float(spend.mean()) if len(spend) else math.nan
            note = "" if np.isfinite(value) else ("no runs" if not len(spend) else "no extra spend")
            rows.append(
                {
                    "arm": arm,
                    "measure": m.label,
                    "outcome": m.outcome,
                    "unit": m.unit,
                    "n_pairs": len(spend),
                    "extra_spend_idr": extra,
                    "gain": float(gain.mean()) if len(gain) else math.nan,
                    "value": value,
                    "ci_low": low,
                    "ci_high": high,
                    "note": note,
                }
            )
    columns = ["arm", "measure", "outcome", "unit", "n_pairs", "extra_spend_idr", "gain"]
    return pd.DataFrame(rows, columns=[*columns, "value", "ci_low", "ci_high", "note"])


# --------------------------------------------------------------------------- ranking


def rank_arms(
    runs: pd.DataFrame, outcome_name: str = "survival_rate", *, arms=None, confidence=0.95
) -> pd.DataFrame:
    """One row per arm (the reference included) ranked best first on ``outcome_name``.

    Uses the paired effect over the reference (direction-aware: for lower-is-better outcomes
    the lowest comes first). ``ci_overlaps_zero`` flags arms whose difference could be chance;
    it is missing for the reference. ``per_bn`` is the gain (in the outcome's unit; shares in
    percentage points) per Rp 1 bn of extra spending.
    """
    arms = list(arms) if arms is not None else list(dict.fromkeys(runs["arm"]))
    info = outcome(outcome_name)
    effects = paired_effects(runs, [outcome_name], arms=arms, confidence=confidence)
    scale = 100.0 if info.kind == "share" else 1.0
    measure = CostMeasure(outcome_name, "", "", scale)
    ce = cost_effectiveness(runs, arms=arms, measures=[measure], confidence=confidence)
    done = finished(runs)
    ref_mean = done.loc[done["arm"] == arms[0], outcome_name].mean()
    spend = done.groupby("arm")[SPEND].mean() if SPEND in done else pd.Series(dtype=float)
    rows = [
        {
            "arm": arms[0],
            "reference": True,
            "mean": ref_mean,
            "diff": 0.0,
            "ci_low": math.nan,
            "ci_high": math.nan,
            "share_better": math.nan,
            "ci_overlaps_zero": pd.NA,
            "n_pairs": int((done["arm"] == arms[0]).sum()),
        }
    ]
    for e in effects.itertuples():
        rows.append(
            {
                "arm": e.arm,
                "reference": False,
                "mean": e.arm_mean,
                "diff": e.diff,
                "ci_low": e.ci_low,
                "ci_high": e.ci_high,
                "share_better": e.share_better,
                "ci_overlaps_zero": not e.significant,
                "n_pairs": e.n_pairs,
            }
        )
    table = pd.DataFrame(rows)
    table["ci_overlaps_zero"] = table["ci_overlaps_zero"].astype("boolean")
    table["spend_idr"] = table["arm"].map(spend).astype(float)
    table["per_bn"] = table["arm"].map(ce.set_index("arm")["value"]).astype(float)
    key = ((info.direction or 1) * table["diff"]).fillna(-np.inf)
    table = table.assign(_key=key).sort_values("_key", ascending=False, kind="stable")
    table.insert(0, "rank", range(1, len(table) + 1))
    return table.drop(columns="_key").reset_index(drop=True)


# --------------------------------------------------------------------------- time series


def bands(monthly: pd.DataFrame, metrics, quantiles=(0.05, 0.5, 0.95)) -> pd.DataFrame:
    """Per arm, metric and month: the ``low``/``median``/``high`` quantiles, mean and run count.

    ``monthly`` is long: one row per run and month with columns ``arm``, ``month`` and the
    metrics. Returns columns arm, metric, month, low, median, high, mean, n.
    """
    lo, mid, hi = quantiles
    frames = []
    for metric in metrics:
        if metric not in monthly:
            continue
        g = monthly.groupby(["arm", "month"], sort=True)[metric]
        q = g.quantile([lo, mid, hi]).unstack()
        q.columns = ["low", "median", "high"]
        q["mean"], q["n"] = g.mean(), g.count()
        frames.append(q.reset_index().assign(metric=metric))
    columns = ["arm", "metric", "month", "low", "median", "high", "mean", "n"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def _run_files(directory, runs: pd.DataFrame, folder: str) -> dict[str, list[str]]:
    """Existing ``folder/<run_id>.parquet`` files of the finished runs, by arm."""
    base = Path(directory) / folder
    files: dict[str, list[str]] = {}
    for arm, run_id in finished(runs)[["arm", "run_id"]].itertuples(index=False):
        path = base / f"{run_id}.parquet"
        if path.is_file():
            files.setdefault(str(arm), []).append(str(path))
    return files


def _read_columns(paths: list[str], columns) -> pd.DataFrame:
    dataset = ds.dataset(paths, format="parquet")
    present = [c for c in columns if c in dataset.schema.names]
    return dataset.to_table(columns=present).to_pandas()


def monthly_bands(directory, runs, metrics=None, *, arms=None, quantiles=(0.05, 0.5, 0.95)):
    """:func:`bands` computed from ``runs/<run_id>.parquet``, reading one arm at a time and only
    the ``month`` and ``metrics`` columns (default: every monthly column), so memory stays
    bounded for very large batches."""
    files = _run_files(directory, runs, "runs")
    if metrics is None and files:
        names = pq.read_schema(next(iter(files.values()))[0]).names
        metrics = [n for n in names if n != "month"]
    frames = []
    for arm in arms or list(files):
        if arm not in files:
            continue
        table = _read_columns(files[arm], ["month", *metrics])
        frames.append(bands(table.assign(arm=arm), metrics, quantiles))
    return pd.concat(frames, ignore_index=True) if frames else bands(pd.DataFrame(), [])


def read_firms(directory, runs, *, arms=None, max_runs_per_arm: int = 20, columns=None):
    """End-of-run firm tables of up to ``max_runs_per_arm`` finished runs per arm (lowest
    replications first), with an ``arm`` column; ``None`` when the batch kept no firm tables."""
    done = finished(runs).sort_values("replication")
    files = _run_files(directory, done, "firms")
    if not files:
        return None
    frames = []
    for arm in arms or list(files):
        paths = files.get(arm, [])[:max_runs_per_arm]
        if paths:
            wanted = columns or pq.read_schema(paths[0]).names
            frames.append(_read_columns(paths, wanted).assign(arm=arm))
    return pd.concat(frames, ignore_index=True) if frames else None


# --------------------------------------------------------------------------- sweeps, sensitivity


def sweep_surface(runs: pd.DataFrame, outcome_name: str, params=None, confidence=0.95):
    """Mean of ``outcome_name`` (with a t-interval over runs) per arm and swept-parameter values."""
    params = sweep_columns(runs) if params is None else list(params)
    done = finished(runs)
    rows = []
    for key, group in done.groupby(["arm", *params], sort=True):
        mean, low, high = t_interval(group[outcome_name].dropna(), confidence)
        rows.append((*key, mean, low, high, group[outcome_name].count()))
    return pd.DataFrame(rows, columns=["arm", *params, "mean", "ci_low", "ci_high", "n"])


def design_outcome(runs: pd.DataFrame, outcome_name: str, params) -> tuple[np.ndarray, np.ndarray]:
    """The sample matrix ``X`` and outcome ``Y`` of a sensitivity design, one row per design
    point in run order (by the ``sample`` column if present, else first appearance); several
    replications of one point are averaged."""
    done = finished(runs)
    params = list(params)
    if "sample" in done:
        grouped = done.groupby("sample", sort=True)
        x, y = grouped[params].first().to_numpy(), grouped[outcome_name].mean().to_numpy()
    else:
        means = done.groupby(params, sort=False)[outcome_name].mean()
        x, y = means.index.to_frame().to_numpy(), means.to_numpy()
    return x.astype(float), y.astype(float)


def problem_from_experiment(experiment: dict):
    """``(method, problem)`` from the experiment's ``sensitivity`` section, or ``None``.

    Accepts ``{method, parameters: {path: [low, high]}}`` or ``{method, problem: {names,
    bounds}}``; ``method`` is ``morris`` (default) or ``sobol``.
    """
    spec = experiment.get("sensitivity")
    if not isinstance(spec, dict):
        return None
    method = str(spec.get("method", "morris")).lower()
    if isinstance(spec.get("problem"), dict):
        problem = dict(spec["problem"])
    elif isinstance(spec.get("parameters"), dict):
        names = list(spec["parameters"])
        bounds = [list(spec["parameters"][n]) for n in names]
        problem = {"names": names, "bounds": bounds}
    else:
        return None
    problem.setdefault("num_vars", len(problem["names"]))
    return method, problem


def sensitivity(
    problem: dict,
    y,
    *,
    method: str = "morris",
    x=None,
    num_levels: int = 4,
    calc_second_order: bool = True,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Global sensitivity indices of outcome ``y`` (ordered as the design's runs) with SALib.

    Morris (needs the sample matrix ``x``): columns parameter, mu_star, mu_star_conf, sigma.
    Sobol (Saltelli design): parameter, S1, S1_conf, ST, ST_conf.
    """
    y = np.asarray(y, dtype=float)
    if method == "morris":
        from SALib.analyze import morris

        if x is None:
            raise ValueError("Morris analysis needs the sample matrix x")
        res = morris.analyze(
            problem, np.asarray(x, dtype=float), y, num_levels=num_levels,
            conf_level=confidence, seed=seed,
        )  # fmt: skip
        cols = {"mu_star": "mu_star", "mu_star_conf": "mu_star_conf", "sigma": "sigma"}
    elif method == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(
            problem, y, calc_second_order=calc_second_order, conf_level=confidence, seed=seed
        )
        cols = {"S1": "S1", "S1_conf": "S1_conf", "ST": "ST", "ST_conf": "ST_conf"}
    else:
        raise ValueError(f"method must be 'morris' or 'sobol', not {method!r}")
    table = pd.DataFrame({"parameter": problem["names"]})
    for key, col in cols.items():
        table[col] = np.asarray(res[key], dtype=float)
    return table
