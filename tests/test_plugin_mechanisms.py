"""A plugin that adds a mechanism is scheduled from its declarations, runs every month in its
place, and one without a place is refused at ``validate``."""

from __future__ import annotations

import pandas as pd

COUNTING = """
from sim.rules import NEITHER, SharedField, mechanism, variant

M = mechanism(
    "counted",
    after="market",
    shared=(SharedField("counted_calls", 0, "calls", "how often the counted rule ran"),),
)


@variant("counted", "count")
def count(model, rng):
    model.shared.counted_calls += 1
    model.shared.counted_order = list(model.shared.counted_order or []) + [model.month]


M.shared += (SharedField("counted_order", None, "-", "months the rule ran in"),)


@M.outcome("counted_calls", label="Calls", unit="calls", kind="count", better=NEITHER,
           aggregation="cumulative")
def calls(model):
    return float(model.shared.counted_calls)
"""

PLACELESS = """
from sim.rules import variant


@variant("placeless", "any")
def any_month(model, rng):
    pass
"""


def scenario(tmp_path, plugin: str, name: str = "s.yaml", months: int = 7):
    (tmp_path / "plug.py").write_text(plugin)
    path = tmp_path / name
    path.write_text(f"plugins: [plug.py]\nmonths: {months}\nfirms: {{count: 200}}\n")
    return path


def test_a_plugin_mechanism_runs_every_month_right_after_its_predecessor(tmp_path, cli):
    path = scenario(tmp_path, COUNTING)
    from sim.config import load_scenario
    from sim.model import MSMEModel

    model = MSMEModel(load_scenario(path), seed=1)
    assert model.schedule[model.schedule.index("market") + 1] == "counted"
    model.run()
    assert model.shared.counted_calls == 7
    assert model.shared.counted_order == list(range(7))
    out = tmp_path / "out"
    code, _, stderr = cli("run", path, "--out", out)
    assert code == 0, stderr
    monthly = pd.read_parquet(out / "monthly.parquet")
    assert list(monthly["counted_calls"]) == [1, 2, 3, 4, 5, 6, 7]


def test_a_disabled_plugin_mechanism_does_not_run(tmp_path):
    path = scenario(tmp_path, COUNTING)
    from sim.config import load_scenario
    from sim.model import MSMEModel

    model = MSMEModel(load_scenario(path, ["rules.counted.enabled=false"]), seed=1)
    model.run()
    assert model.shared.counted_calls == 0


def test_a_plugin_mechanism_without_a_place_is_refused_in_one_line(tmp_path, cli):
    path = scenario(tmp_path, PLACELESS)
    code, stdout, stderr = cli("validate", path)
    assert code == 2 and stdout == ""
    lines = [line for line in stderr.strip().splitlines() if "loading plugins" not in line]
    assert len(lines) == 1  # one error line (after the line that lists the plugins loaded)
    assert str(tmp_path / "plug.py") in lines[0] and "no place in the month" in lines[0]
    assert "after=" in lines[0]


def test_a_scenario_without_the_plugin_does_not_get_its_mechanism(tmp_path):
    scenario(tmp_path, COUNTING)  # loads the plugin into this process
    from sim.config import load_scenario, scenario_from_dict

    load_scenario(tmp_path / "s.yaml")
    assert "counted" not in scenario_from_dict({"name": "plain"}).rules


def test_a_mechanism_after_an_unknown_one_is_refused(tmp_path, cli):
    path = scenario(tmp_path, COUNTING.replace('after="market"', 'after="markets"'), "u.yaml")
    (tmp_path / "plug.py").rename(tmp_path / "plug2.py")
    path.write_text(path.read_text().replace("plug.py", "plug2.py"))
    code, _, stderr = cli("validate", path)
    assert code == 2 and "comes after 'markets', which is not a mechanism" in stderr
