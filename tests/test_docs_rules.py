"""The worked examples in docs/rules.md (a per-firm rule, a new mechanism) run as documented."""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pandas as pd

from tests.conftest import ROOT, SCENARIOS

DOC = (ROOT / "docs" / "rules.md").read_text()


def named_blocks() -> dict[str, str]:
    """Code blocks whose fence names a file: ```python my_rules.py ... ```."""
    return {
        m.group(1): m.group(2) for m in re.finditer(r"```\w+ ([\w.]+)\n(.*?)```", DOC, flags=re.S)
    }


def test_worked_example_replaces_the_builtin_rule(tmp_path, cli):
    blocks = named_blocks()
    assert {"my_rules.py", "my_scenario.yaml"} <= set(blocks)
    shutil.copy(SCENARIOS / "baseline.yaml", tmp_path / "baseline.yaml")
    for name, text in blocks.items():
        (tmp_path / name).write_text(text)
    out = tmp_path / "out"
    code, stdout, stderr = cli("run", tmp_path / "my_scenario.yaml", "--out", out)
    assert code == 0, stderr
    config = (out / "config.yaml").read_text()
    assert "use: word_of_mouth" in config
    monthly = pd.read_parquet(out / "monthly.parquet")
    assert len(monthly) == 12
    # The student's rule only moves firms from 0 to 1: nobody reaches level 2 beyond the start.
    assert monthly["share_level_1"].iloc[-1] > monthly["share_level_1"].iloc[0]


def test_misspelt_parameter_of_a_student_rule_is_reported(tmp_path, cli):
    blocks = named_blocks()
    shutil.copy(SCENARIOS / "baseline.yaml", tmp_path / "baseline.yaml")
    (tmp_path / "my_rules.py").write_text(blocks["my_rules.py"])
    (tmp_path / "s.yaml").write_text(blocks["my_scenario.yaml"].replace("chance:", "chanse:"))
    code, _, stderr = cli("validate", tmp_path / "s.yaml")
    assert code == 2
    assert (
        "rules.digital_adoption.chanse: unknown parameter (valid: chance, literacy_needed)"
        in stderr
    )


def test_worked_example_adds_a_mechanism(tmp_path, cli):
    """The arisan example of docs/rules.md: declared columns, outcome and place in the month."""
    blocks = named_blocks()
    assert {"arisan.py", "arisan.yaml"} <= set(blocks)
    shutil.copy(SCENARIOS / "baseline.yaml", tmp_path / "baseline.yaml")
    for name in ("arisan.py", "arisan.yaml"):
        (tmp_path / name).write_text(blocks[name])
    out = tmp_path / "out"
    code, _, stderr = cli("run", tmp_path / "arisan.yaml", "--out", out)
    assert code == 0, stderr
    monthly = pd.read_parquet(out / "monthly.parquet")
    assert len(monthly) == 12 and (monthly["arisan_share"] > 0).all()
    catalogue = json.loads((out / "outcomes.json").read_text())
    assert {"name": "arisan_share", "label": "Arisan members", "unit": "%"}.items() <= next(
        o for o in catalogue if o["name"] == "arisan_share"
    ).items()

    from sim.config import load_scenario
    from sim.model import MSMEModel

    model = MSMEModel(load_scenario(tmp_path / "arisan.yaml"), seed=2)
    assert model.schedule[model.schedule.index("finance") + 1] == "arisan"
    before = model.state.cash.copy()
    model.apply_rule("arisan")  # money only moves between members
    assert abs(model.state.cash.sum() - before.sum()) < 1e-6 * abs(before).sum()
    assert not np.array_equal(model.state.cash, before)


def test_switching_back_to_the_builtin_variant_on_the_command_line(tmp_path, cli):
    """The documented ``--set rules.digital_adoption.use=bass_gated`` drops the student
    variant's settings of the file and runs the built-in rule."""
    blocks = named_blocks()
    shutil.copy(SCENARIOS / "baseline.yaml", tmp_path / "baseline.yaml")
    for name in ("my_rules.py", "my_scenario.yaml"):
        (tmp_path / name).write_text(blocks[name])
    assert "--set rules.digital_adoption.use=bass_gated" in DOC
    out = tmp_path / "out"
    code, _, stderr = cli(
        "run", tmp_path / "my_scenario.yaml", "--check", "--out", out,
        "--set", "rules.digital_adoption.use=bass_gated", "--set", "months=3",
    )  # fmt: skip
    assert code == 0, stderr
    config = (out / "config.yaml").read_text()
    assert "use: bass_gated" in config and "chance:" not in config
