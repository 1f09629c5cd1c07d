"""The outcome catalogue: every outcome's name, label, unit, direction, aggregation and format.

Outcomes are declared once, by the mechanism, policy or shock that produces them (see
``sim.rules``); the catalogue of a run is written next to its results as ``outcomes.json`` so that
analysis, plots and report (which read result files only) label and judge every column from the
same declarations. Nothing is guessed from a column's name.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path

CATALOGUE_FILE = "outcomes.json"
#: How a value is shown: share (0-1, as %), idr (rupiah), count, index (a 0-1 score), years,
#: ratio (a dimensionless number such as 1.03).
KINDS = ("share", "idr", "count", "index", "years", "ratio")
HIGHER, LOWER, NEITHER = 1, -1, 0


@dataclass(frozen=True)
class Outcome:
    """One monthly outcome column (and summary key).

    ``direction`` is +1 when higher is better, -1 when lower is better, 0 when neither;
    ``aggregation`` says in words how the firm values become one number (``"mean over living
    firms"``, ``"sum over living firms"``, ``"cumulative"``, ...).
    """

    name: str
    label: str
    unit: str
    kind: str
    direction: int
    aggregation: str
    doc: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"outcome {self.name}: kind {self.kind!r} not in {KINDS}")
        if self.direction not in (HIGHER, LOWER, NEITHER):
            raise ValueError(f"outcome {self.name}: direction must be 1, -1 or 0")


def undeclared(name: str) -> Outcome:
    """A column found in results that no declaration describes: shown under its own name, with no
    unit and no better direction (nothing is guessed)."""
    return Outcome(name, name, "", "ratio", NEITHER, "undeclared")


def to_json(outcomes: dict[str, Outcome]) -> str:
    return json.dumps([asdict(o) for o in outcomes.values()], indent=1, ensure_ascii=False) + "\n"


def from_json(text: str) -> dict[str, Outcome]:
    names = {f.name for f in fields(Outcome)}
    items = json.loads(text)
    return {d["name"]: Outcome(**{k: v for k, v in d.items() if k in names}) for d in items}


def read_catalogue(directory: str | Path) -> dict[str, Outcome]:
    """The catalogue written with the results in ``directory`` ({} when there is none)."""
    path = Path(directory) / CATALOGUE_FILE
    if not path.is_file():
        return {}
    return from_json(path.read_text(encoding="utf-8"))


#: Per-group outcome families (``sim.groups``): ``<family>_<key>_<measure>``, e.g.
#: ``sector_food_mean_revenue_idr`` or ``village_3_survival_rate``.
GROUP_FAMILIES = ("sector", "village")
GROUP_MEASURES = ("mean_revenue_idr", "survival_rate")
_GROUP = re.compile(rf"^({'|'.join(GROUP_FAMILIES)})_(.+?)_({'|'.join(GROUP_MEASURES)})$")


def group_outcome(family: str, key: str | int, measure: str) -> str:
    """The name of a per-group outcome (see ``GROUP_FAMILIES``)."""
    return f"{family}_{key}_{measure}"


def parse_group_outcome(name: str) -> tuple[str, str, str] | None:
    """``(family, key, measure)`` of a per-group outcome name, None for any other name."""
    found = _GROUP.match(name)
    return found.groups() if found else None
