"""A calibration's files: best.yaml, ensemble.parquet, summary.json, fit.png, fit.html and the
fitted/held-out table (validation.md) for docs/validation.md. Each is written atomically.

``ensemble.parquet`` holds one row per accepted parameter set: the finished trials whose
distance is at most ``max_distance`` when the file gives one, else the best ``accept`` share of
them (at least one); columns ``trial``, ``distance`` and one per fitted dotted path, best first.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.fileio import write_atomic
from sim.runner.single import json_safe


def write_outputs(result) -> None:
    """Write every output of a :class:`~sim.calibration.search.CalibrationResult`."""
    out = result.out
    summary = summarise(result)
    write_atomic(out / "summary.json", json.dumps(json_safe(summary), indent=2) + "\n")
    write_atomic(out / "best.yaml", best_yaml(result))
    ensemble = accepted(result)
    write_atomic(out / "ensemble.parquet", lambda tmp: ensemble.to_parquet(tmp, index=False))
    png = fit_png(summary, result)
    write_atomic(out / "fit.png", png)
    write_atomic(out / "fit.html", fit_html(summary, png))
    write_atomic(out / "validation.md", markdown_table(summary) + "\n")


def summarise(result) -> dict[str, Any]:
    """summary.json: the distances, the best values and every target before and after."""
    spec = result.spec
    before, after = result.before.means(), result.best.means()
    rows = []
    for role, targets in (("fitted", spec.targets), ("held-out", spec.holdout)):
        for t in targets:
            rows.append(
                {
                    "target": t.label,
                    "role": role,
                    "outcome": t.outcome,
                    "months": list(t.window),
                    "statistic": t.statistic,
                    "value": t.value,
                    "sd": t.sd,
                    "source": t.source,
                    "before": before.get(t.label),
                    "after": after.get(t.label),
                    "z_before": _z(before.get(t.label), t),
                    "z_after": _z(after.get(t.label), t),
                }
            )
    return {
        "name": spec.cal.name,
        "file": display_path(spec.file),
        "scenario": display_path(spec.scenario_file),
        "seeds": spec.cal.seeds,
        "trials": len(result.trials),
        "best_trial": result.best_trial,
        "distance_before": result.distance_before,
        "distance_after": result.distance_after,
        "parameters": {
            p: {"low": b.low, "high": b.high, "best": result.best.params[p]}
            for p, b in spec.cal.parameters.items()
        },
        "ensemble_size": len(accepted(result)),
        "targets": rows,
    }


def _z(value: float | None, target) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return (value - target.value) / target.sd


def accepted(result) -> pd.DataFrame:
    """The accepted parameter sets (see the module docstring), best first."""
    cal = result.spec.cal
    frame = pd.DataFrame(result.trials).sort_values(["distance", "trial"], kind="stable")
    if cal.max_distance is not None:
        keep = frame[frame["distance"] <= cal.max_distance]
    else:
        keep = frame.head(max(1, math.ceil(cal.accept * len(frame))))
    columns = ["trial", "distance", *cal.parameters]
    return keep[columns].reset_index(drop=True)


def nested(values: dict[str, Any]) -> dict[str, Any]:
    """Dotted paths as nested mappings (``{"a.b": 1}`` → ``{"a": {"b": 1}}``)."""
    out: dict[str, Any] = {}
    for path, value in values.items():
        node = out
        *parents, last = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return out


def best_yaml(result) -> str:
    """A scenario that ``extends:`` the calibrated one with the best values (only those: the
    calibration's own ``set:`` sizes are not carried over)."""
    spec = result.spec
    base = Path(os.path.relpath(spec.scenario_file, result.out.resolve())).as_posix()
    values = {p: float(f"{v:.6g}") for p, v in result.best.params.items()}
    data = {
        "extends": base,
        "name": f"{spec.cal.name}_best",
        "description": f"{spec.scenario_file.stem} with the values fitted by {spec.cal.name} "
        f"(distance {result.distance_before:.3g} → {result.distance_after:.3g})",
        **nested(values),
    }
    head = (
        f"# Written by msme-sim calibrate {display_path(spec.file)}: the best of "
        f"{len(result.trials)} trials (trial {result.best_trial}).\n"
    )
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def markdown_table(summary: dict[str, Any]) -> str:
    """The fitted and held-out targets as a Markdown table (for docs/validation.md)."""
    lines = [
        f"Calibration `{summary['file']}` ({summary['trials']} trials, {summary['seeds']} seeds "
        f"per evaluation): distance {summary['distance_before']:.3g} with the defaults, "
        f"{summary['distance_after']:.3g} with the fitted values.",
        "",
        "| target | role | observed ± sd | model, defaults | model, fitted | gap (fitted) "
        "| source |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in summary["targets"]:
        gap = None if r["after"] is None else r["after"] - r["value"]
        z = "" if r["z_after"] is None else f" ({r['z_after']:+.1f} sd)"
        lines.append(
            f"| {r['target']} | {r['role']} | {_num(r['value'])} ± {_num(r['sd'])} | "
            f"{_num(r['before'])} | {_num(r['after'])} | {_num(gap, sign=True)}"
            f"{z} | "
            f"{r['source'].replace('|', '/')} |"
        )
    lines += ["", "| parameter | range | fitted |", "|---|---|---|"]
    for path, p in summary["parameters"].items():
        lines.append(f"| `{path}` | {_num(p['low'])} – {_num(p['high'])} | {_num(p['best'])} |")
    return "\n".join(lines)


def _num(value: float | None, sign: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    text = f"{value:+.4g}" if sign else f"{value:.4g}"
    return text


def fit_png(summary: dict[str, Any], result) -> bytes:
    """One panel per target: observed value ± sd against the model's values over seeds with the
    defaults and with the fitted values."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = summary["targets"]
    cols = min(3, len(rows))
    nrows = math.ceil(len(rows) / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(4.2 * cols, 3.2 * nrows), squeeze=False)
    rng = np.random.default_rng(0)  # horizontal jitter of the seed dots only
    for ax, row in zip(axes.flat, rows):
        for x, evaluation, colour in ((0, result.before, "0.55"), (1, result.best, "C0")):
            values = [s.get(row["target"]) for s in evaluation.per_seed]
            values = [v for v in values if v is not None and math.isfinite(v)]
            ax.scatter(x + rng.uniform(-0.08, 0.08, len(values)), values, s=14, color=colour)
            if values:
                ax.hlines(np.mean(values), x - 0.2, x + 0.2, color=colour, lw=2)
        ax.axhspan(row["value"] - row["sd"], row["value"] + row["sd"], color="C2", alpha=0.2)
        ax.axhline(row["value"], color="C2", lw=1.5)
        ax.set_xticks([0, 1], ["defaults", "fitted"])
        ax.set_xlim(-0.5, 1.5)
        ax.set_title(f"{row['target']} ({row['role']})", fontsize=9)
    for ax in list(axes.flat)[len(rows) :]:
        ax.set_visible(False)
    fig.suptitle("Observed ± sd (green) and the model over seeds: defaults (grey), fitted (blue)")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()


def fit_html(summary: dict[str, Any], png: bytes) -> str:
    """A self-contained page: the distances, the figure and the tables of targets and
    parameters."""
    targets = pd.DataFrame(
        [
            {
                "target": r["target"],
                "role": r["role"],
                "observed": _num(r["value"]),
                "sd": _num(r["sd"]),
                "model, defaults": _num(r["before"]),
                "model, fitted": _num(r["after"]),
                "z, fitted": _num(r["z_after"], sign=True),
                "source": r["source"],
            }
            for r in summary["targets"]
        ]
    )
    params = pd.DataFrame(
        [
            {"parameter": k, **{n: _num(v) for n, v in p.items()}}
            for k, p in summary["parameters"].items()
        ]
    )
    image = base64.b64encode(png).decode()
    title = html.escape(f"Calibration {summary['name']}")
    lead = html.escape(
        f"{summary['file']}: distance {_num(summary['distance_before'])} with the defaults, "
        f"{_num(summary['distance_after'])} with the fitted values ({summary['trials']} trials, "
        f"{summary['seeds']} seeds each; {summary['ensemble_size']} sets accepted)."
    )
    return (
        f"<!doctype html>\n<html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        "<style>body{font-family:sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem}"
        "img{max-width:100%}</style></head><body>"
        f"<h1>{title}</h1><p>{lead}</p>"
        f"<img alt='fit of each target' src='data:image/png;base64,{image}'>"
        f"<h2>Targets</h2>{targets.to_html(index=False)}"
        f"<h2>Parameters</h2>{params.to_html(index=False)}</body></html>\n"
    )


def display_path(path: str | Path) -> str:
    relative = os.path.relpath(path)
    return Path(path).as_posix() if relative.startswith("..") else Path(relative).as_posix()
