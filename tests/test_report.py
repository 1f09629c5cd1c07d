"""The HTML report: written atomically, self-contained, the decision table first, clear errors."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from results_fixture import DEFAULT_ARMS, write_results

from sim.report import ReportInputError, report_command, write_report


class Tables(HTMLParser):
    """Collects ``data-arm`` rows per table id, image sources and external references."""

    def __init__(self):
        super().__init__()
        self.table = None
        self.rows: dict[str, list[str]] = {}
        self.kinds: dict[str, list[tuple[str, str, str]]] = {}  # (outcome, arm, class) per table
        self.images: list[str] = []
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.table = attrs.get("id")
        elif tag == "tr" and "data-arm" in attrs:
            self.rows.setdefault(self.table, []).append(attrs["data-arm"])
            row = (attrs.get("data-outcome", ""), attrs["data-arm"], attrs.get("class", ""))
            self.kinds.setdefault(self.table, []).append(row)
        elif tag == "img":
            self.images.append(attrs.get("src", ""))
        elif tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            if key in attrs and tag != "img":
                self.links.append(attrs[key])


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    directory = tmp_path_factory.mktemp("batch")
    write_results(directory, replications=12, months=12, failed=[("training", 3)])
    path = write_report(directory)
    page = Tables()
    page.feed(path.read_text(encoding="utf-8"))
    return directory, path, path.read_text(encoding="utf-8"), page


def test_report_is_written_with_effects_csv_and_no_temp_files(report):
    directory, path, _, _ = report
    assert path == directory / "report.html"
    effects = pd.read_csv(directory / "effects.csv")
    assert set(effects["arm"]) == set(DEFAULT_ARMS) - {"baseline"}
    assert {"survival_rate", "gini_income", "firms_alive"} <= set(effects["outcome"])
    assert "policy_spend_idr" not in set(effects["outcome"])
    assert not [p.name for p in directory.iterdir() if p.name.startswith(".")]


def test_report_is_self_contained(report):
    _, _, text, page = report
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text)
    assert page.scripts == 1 and page.links == []  # the inline table script, nothing fetched
    assert len(page.images) >= 5
    assert all(src.startswith("data:image/png;base64,") for src in page.images)


def best(page, outcome):
    return [arm for o, arm, kind in page.kinds["decision"] if o == outcome and "best" in kind]


def test_decision_table_has_one_row_per_arm_including_the_reference(report):
    _, _, text, page = report
    assert sorted(page.rows["decision"]) == sorted(DEFAULT_ARMS)  # one outcome asked about
    assert best(page, "survival_rate") == ["training"]  # the synthetic +2.1 pp survival arm
    assert text.index('id="decision"') < text.index("What the results say")


def test_report_says_what_it_found_in_plain_language(report):
    _, _, text, _ = report
    assert "Which programme keeps the most micro firms alive per rupiah?" in text
    assert re.search(
        r"training raised survival of initial firms by \d\.\d percentage points "
        r"\(95% CI \d\.\d to \d\.\d\) relative to baseline, better in \d+% of replications",
        text,
    )
    assert "no_cost_tweak spent nothing beyond baseline" in text
    assert "1 run(s) failed" in text
    assert "msme-sim run scenarios/baseline.yaml --seed 1000" in text
    for section in ("Scenario and arms", "Cost-effectiveness", "Method", "Caveats"):
        assert f"<h2>{section}" in text
    assert "connectivity.data_price_idr_per_gb = 12000" in text


def test_rewriting_the_report_replaces_it(report):
    directory, path, text, _ = report
    assert write_report(directory) == path
    assert path.read_text(encoding="utf-8") == text  # deterministic, no duplicate output


def test_report_without_firm_tables_skips_distributions(tmp_path):
    write_results(tmp_path, replications=3, months=4, firms=False)
    text = write_report(tmp_path).read_text(encoding="utf-8")
    assert "Income and firm-size distributions" not in text
    assert "Forest plot of effects" in text


def test_sweep_and_sensitivity_sections(tmp_path):
    write_results(tmp_path, arms={"baseline": {}}, spend={}, replications=8, months=4)
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    runs["rules.digital_adoption.p"] = [0.001, 0.002, 0.003, 0.004] * 2
    runs["survival_rate"] = 0.5 + 10 * runs["rules.digital_adoption.p"]
    runs.to_parquet(tmp_path / "runs.parquet")
    exp = (tmp_path / "experiment.yaml").read_text()
    exp += "sensitivity:\n  method: morris\n  parameters: {rules.digital_adoption.p: [0, 0.01]}\n"
    (tmp_path / "experiment.yaml").write_text(exp)
    text = write_report(tmp_path).read_text(encoding="utf-8")
    assert "Sweep over rules.digital_adoption.p" in text
    assert "nothing to compare" in text
    assert "<h2>Sensitivity</h2>" in text and "could not be computed" not in text


def with_experiment(directory, text):
    directory.mkdir()
    (directory / "experiment.yaml").write_text(text)


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda d: None, "no such results directory"),
        (lambda d: d.mkdir(), "experiment.yaml: missing"),
        (
            lambda d: (d.mkdir(), (d / "experiment.yaml").write_text("name: [unclosed")),
            "cannot read",
        ),
        (lambda d: (d.mkdir(), (d / "experiment.yaml").write_text("name: x\n")), "runs.parquet"),
    ],
)
def test_bad_directories_raise_one_line_errors_naming_the_path(tmp_path, setup, message):
    directory = tmp_path / "results"
    setup(directory)
    with pytest.raises(ReportInputError) as err:
        write_report(directory)
    text = str(err.value)
    assert message in text and str(directory) in text and "\n" not in text
    assert not (directory / "report.html").exists()


def test_all_runs_failed_is_an_input_error(tmp_path):
    write_results(tmp_path, replications=2, months=3, firms=False)
    runs = pd.read_parquet(tmp_path / "runs.parquet").assign(status="failed")
    runs.to_parquet(tmp_path / "runs.parquet")
    with pytest.raises(ReportInputError, match="no finished runs"):
        write_report(tmp_path)


def test_report_command_prints_the_path_or_one_error_line(tmp_path, capsys):
    assert report_command(tmp_path / "missing") == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "missing" in err
    write_results(tmp_path / "ok", replications=2, months=3, firms=False)
    assert report_command(tmp_path / "ok") == 0
    out, _ = capsys.readouterr()
    assert out.strip() == str(tmp_path / "ok" / "report.html")


def test_lower_is_better_main_outcome_and_no_spend_column(tmp_path):
    write_results(tmp_path, replications=6, months=4, firms=False)
    runs = pd.read_parquet(tmp_path / "runs.parquet").drop(columns=["policy_spend_idr"])
    runs.to_parquet(tmp_path / "runs.parquet")
    exp = (
        (tmp_path / "experiment.yaml")
        .read_text()
        .replace("outcome: survival_rate", "outcome: gini_income")
    )
    (tmp_path / "experiment.yaml").write_text(exp)
    text = write_report(tmp_path).read_text(encoding="utf-8")
    page = Tables()
    page.feed(text)
    assert best(page, "gini_income") == ["data_subsidy"]  # the synthetic -0.01 Gini arm
    assert "data_subsidy lowered income inequality (Gini) by 0.0" in text
    assert "No policy spending was recorded" in text


def truncate(path):
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def first_run(directory, suffix):
    return directory / "runs" / f"training-r000{suffix}"


@pytest.mark.parametrize(
    "damage, name",
    [
        (lambda d: truncate(d / "runs.parquet"), "runs.parquet"),
        (
            lambda d: (d / "experiment.yaml").write_text("arms: [{name: baseline, set: {"),
            "experiment.yaml",
        ),
        (lambda d: (d / "experiment.yaml").write_bytes(b"\xff\xfe\x00name"), "experiment.yaml"),
        (lambda d: truncate(first_run(d, ".parquet")), "runs/training-r000.parquet"),
        (lambda d: truncate(first_run(d, ".json")), "runs/training-r000.json"),
        (lambda d: truncate(d / "outcomes.json"), "outcomes.json"),
    ],
)
def test_truncated_or_corrupt_results_files_give_one_line_naming_the_file(
    tmp_path, capsys, damage, name
):
    directory = write_results(tmp_path / "batch", replications=3, months=4, firms=False)
    for run_id in pd.read_parquet(directory / "runs.parquet")["run_id"]:
        (directory / "runs" / f"{run_id}.json").write_text('{"status": "done"}\n')
    assert report_command(directory) == 0  # intact: reported
    (directory / "report.html").unlink()
    capsys.readouterr()
    damage(directory)
    assert report_command(directory) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith(f"error: {directory / name}: ") and "Traceback" not in err
    assert not (directory / "report.html").exists()


def test_older_results_without_a_catalogue_still_report_under_column_names(tmp_path):
    write_results(tmp_path, replications=3, months=4, firms=False, catalogue=False)
    text = write_report(tmp_path).read_text(encoding="utf-8")
    page = Tables()
    page.feed(text)
    assert best(page, "survival_rate") == []  # no declared direction: nothing is "best"
    assert "no better direction" in text
    assert "better in" not in text  # no declared direction, so no "better in x%" claim


def test_a_declared_years_outcome_is_shown_in_years(tmp_path):
    write_results(tmp_path, replications=4, months=4, firms=False)
    exp = (tmp_path / "experiment.yaml").read_text()
    (tmp_path / "experiment.yaml").write_text(
        exp.replace("outcome: survival_rate", "outcome: mean_skilled_age")
    )
    text = write_report(tmp_path).read_text(encoding="utf-8")
    assert "Outcomes asked about: Mean age of skilled workers." in text
    assert re.search(r"changed mean age of skilled workers by -?\d+\.\d years", text)
    assert re.search(r'<td class="num" data-sort="[\d.]+">4\d\.\d years</td>', text)
