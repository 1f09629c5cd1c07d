"""``msme-sim validate`` recognises a file by its content: scenarios and experiments (every
run an experiment defines is validated, errors name the experiment option)."""

from __future__ import annotations

from sim import cli as cli_module
from tests.conftest import ROOT


def test_an_experiment_file_validates_every_run(cli):
    code, out, err = cli("validate", ROOT / "experiments" / "demo.yaml")
    assert code == 0, err
    assert "OK (experiment 'demo'" in out and "runs)" in out


def test_a_bad_arm_is_named_by_its_experiment_path(tmp_path, cli):
    (tmp_path / "s.yaml").write_text("name: s\nmonths: 3\nfirms: {count: 50}\n")
    path = tmp_path / "e.yaml"
    path.write_text(
        "scenario: s.yaml\nreplications: 2\narms:\n  - {name: a}\n"
        "  - {name: b, set: {firms.count: 0}}\n"
    )
    code, out, err = cli("validate", path)
    assert code == 2
    assert err.count("\n") == 1 and "arms.1.set.firms.count" in err and "unknown key" not in err


def test_a_scenario_file_still_validates(cli):
    code, out, _ = cli("validate", ROOT / "scenarios" / "baseline.yaml")
    assert code == 0 and "OK (scenario 'baseline'" in out


def test_a_file_kind_is_one_line_in_the_dispatch_table(tmp_path, cli, monkeypatch):
    seen = []
    kinds = [("survey", ("questions",), lambda f, o: seen.append(f) or "survey x")]
    monkeypatch.setattr(cli_module, "FILE_KINDS", cli_module.FILE_KINDS + kinds)
    path = tmp_path / "c.yaml"
    path.write_text("questions: {}\n")
    code, out, _ = cli("validate", path)
    assert code == 0 and seen == [str(path)] and "OK (survey x)" in out


def test_validate_accepts_the_shipped_calibration(cli):
    code, out, err = cli("validate", ROOT / "calibration" / "indonesia.yaml")
    assert code == 0 and "calibration 'indonesia'" in out, err
