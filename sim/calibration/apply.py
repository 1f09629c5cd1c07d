"""Write a calibration's fitted values into a scenario file, keeping its comments and layout.

Each fitted key gets an end-of-line comment naming its source (the calibration file), e.g.
``drop_rate: 0.083  # fitted: calibration/indonesia.yaml``. The file is rewritten atomically.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from sim.errors import ConfigError
from sim.fileio import write_atomic


def fitted_values(out_dir: str | Path) -> tuple[dict[str, float], str]:
    """The best values and the calibration file of a calibration folder (its summary.json)."""
    path = Path(out_dir) / "summary.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
        values = {k: float(f"{float(p['best']):.6g}") for k, p in summary["parameters"].items()}
        return values, str(summary["file"])
    except (OSError, ValueError, KeyError, TypeError):
        raise ConfigError(
            str(path), "--apply", "no calibration results here (run it first)"
        ) from None


def apply_values(scenario: str | Path, values: dict[str, Any], source: str) -> None:
    """Set each dotted path of ``values`` in the scenario file, with a ``fitted:`` comment."""
    scenario = Path(scenario)
    yaml = YAML()  # round trip: comments, order and quoting are kept
    yaml.width = 100
    try:
        data = yaml.load(scenario.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(str(scenario), "--apply", f"cannot read: {exc.strerror}") from None
    if not isinstance(data, dict):
        raise ConfigError(str(scenario), "(top level)", "not a scenario mapping")
    for path, value in values.items():
        *parents, last = path.split(".")
        node = data
        for i, part in enumerate(parents):
            if isinstance(node, list):
                if not part.isdigit() or int(part) >= len(node):
                    where = ".".join(parents[: i + 1])
                    raise ConfigError(str(scenario), where, "no such list item to set")
                node = node[int(part)]
                continue
            if not isinstance(node.get(part), dict):
                node[part] = CommentedMap()
            node = node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
            node.yaml_add_eol_comment(f"fitted: {source}", last)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    write_atomic(scenario, buffer.getvalue())
