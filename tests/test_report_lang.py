"""The report's languages: complete catalogues, Indonesian numbers via Babel, no English left."""

from __future__ import annotations

import re
import string

import numpy as np
import pandas as pd
import pytest
import yaml
from lang_check import english_words, section_text, visible_text
from matplotlib.text import Text
from results_fixture import CATALOGUE, write_results

from sim import analysis as an
from sim.analysis import distribution as dist
from sim.analysis import robustness as rb
from sim.analysis.lang import CATALOGUES
from sim.analysis.lang_id import OUTCOME_LABELS
from sim.domain import SECTORS
from sim.report import load_inputs, report_command, write_report
from sim.report.robustness import effect_figure, shown_outcomes

INDONESIAN = {
    "baseline": ("Tanpa program", "Tidak ada program."),
    "training": ("Pelatihan", "Program pelatihan."),
    "data_subsidy": ("Subsidi data", "Program subsidi data."),
    "no_cost_tweak": ("Penyesuaian gratis", "Penyesuaian tanpa biaya."),
}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_exists_in_both_languages_with_the_same_placeholders():
    en, id_ = CATALOGUES["en"], CATALOGUES["id"]
    assert set(en) == set(id_)
    for key in en:
        assert fields(en[key]) == fields(id_[key]), key
        assert id_[key].strip() or key == "rp_space", key
    assert set(an.MAIN_OUTCOMES) <= set(OUTCOME_LABELS)
    # every reason the analysis gives for a missing number has its words
    assert {f"wg_note_{r}" for r in dist.REASONS} <= set(en)
    assert {f"rb_note_{r}" for r in rb.REASONS} <= set(en)
    assert {f"sector_{s}" for s in SECTORS} <= set(en)


@pytest.mark.parametrize(
    "lang, value, expected",
    [
        ("en", 1.5e6, "Rp 1.5M"),
        ("en", 2e9, "Rp 2bn"),
        ("en", 410.6e6, "Rp 411M"),
        ("en", 120_651.58, "Rp 120,652"),
        ("en", -12_345, "-Rp 12,345"),
        ("id", 1.5e6, "Rp 1,5 jt"),
        ("id", 2e9, "Rp 2 M"),
        ("id", 1.25e12, "Rp 1,25 T"),
        ("id", 120_651.58, "Rp 120.652"),
        ("id", -0.2, "Rp 0"),
    ],
)
def test_rupiah_is_compact_in_each_language(lang, value, expected):
    assert an.rupiah(value, lang) == expected


def test_rupiah_axis_ticks_are_compact_and_do_not_run_together():
    en, id_ = an.rupiah_formatter("en"), an.rupiah_formatter("id")
    assert [en(x) for x in (-3e5, 1.5e5, 0, 1.5e6)] == ["-Rp 300k", "Rp 150k", "Rp 0", "Rp 1.5M"]
    assert [id_(x) for x in (-3e5, 1.5e5, 2e9)] == ["-Rp 300 rb", "Rp 150 rb", "Rp 2 M"]


def test_values_and_differences_in_indonesian_style():
    share, idr = CATALOGUE["survival_rate"], CATALOGUE["mean_revenue_idr"]
    age = CATALOGUE["mean_skilled_age"]
    assert an.fmt_value(share, 0.7234, "id") == "72,3%"
    assert an.fmt_diff(share, 0.021, lang="id") == "2,1 poin persentase"
    assert an.fmt_diff(share, -0.0004, short=True, lang="id") == "0,0 poin"  # never -0,0
    assert an.fmt_value(idr, 6.3e6, "id") == "Rp 6,3 jt"
    assert an.fmt_value(age, 41.23, "id") == "41,2 tahun"
    assert an.fmt_value(CATALOGUE["firms_alive"], 1534.4, "id") == "1.534"
    assert an.fmt_value(share, float("nan"), "id") == "t.a."
    assert an.significant(0.004123, lang="id") == "0,00412"


@pytest.fixture(scope="module")
def indonesian(tmp_path_factory):
    directory = write_results(tmp_path_factory.mktemp("batch"), replications=6, months=6)
    exp = yaml.safe_load((directory / "experiment.yaml").read_text())
    exp["description"] = {"en": exp["description"], "id": "Program mana yang terbaik?"}
    exp["outcomes"] = ["survival_rate", "digital_share", "gini_income"]
    for arm in exp["arms"]:
        label, description = INDONESIAN[arm["name"]]
        arm["label"] = {"en": arm["name"], "id": label}
        arm["description"] = {"en": arm["description"], "id": description}
    (directory / "experiment.yaml").write_text(yaml.safe_dump(exp, sort_keys=False))
    english = write_report(directory).read_text(encoding="utf-8")
    return directory, english, write_report(directory, "id").read_text(encoding="utf-8")


def test_the_indonesian_report_has_no_english_sentences(indonesian):
    _, english, text = indonesian
    assert '<html lang="id">' in text
    assert english_words(visible_text(text)) == []
    assert len(english_words(visible_text(english))) > 20  # the check finds English


def test_the_indonesian_report_uses_indonesian_numbers_and_labels(indonesian):
    _, _, text = indonesian
    assert "Program mana yang terbaik?" in text and "Pelatihan" in text
    assert re.search(r"\d+,\d%", text)  # decimal comma
    assert "Kelangsungan usaha awal" in text and "Jawaban sekilas" in text
    assert text.index('id="decision"') < text.index("Apa kata hasilnya")


def test_an_unknown_language_is_refused(indonesian, capsys, cli):
    directory = indonesian[0]
    with pytest.raises(SystemExit) as exit_:
        cli("report", directory, "--lang", "fr")
    assert exit_.value.code == 2 and "invalid choice: 'fr'" in capsys.readouterr().err
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        write_report(directory, "fr")
    assert report_command(directory, "id") == 0


UNCERTAIN = {
    "rules.finance.credit_access": {"low": 0.1, "high": 0.4},
    "economy.outside_demand_scale": {"values": [0.7, 1.3]},
    "rules.households.mpc_poor": {"from": "ensemble.parquet"},
}


def write_uncertain(directory, sets: int = 40):
    """A synthetic batch under uncertainty, one replication per parameter set: training gains
    5 pp of survival where credit access is below 0.3 and loses 5 pp elsewhere, so scenario
    discovery finds a box on credit access."""
    directory = write_results(directory, arms={"baseline": {}, "training": {}},
                              replications=sets, months=3, firms=False)  # fmt: skip
    runs = pd.read_parquet(directory / "runs.parquet")
    rng = np.random.default_rng(5)
    access = dict(enumerate(rng.uniform(0.1, 0.4, sets)))
    runs["parameter_set"] = runs["replication"]
    runs["rules.finance.credit_access"] = runs["replication"].map(access)
    runs["economy.outside_demand_scale"] = np.where(runs["replication"] % 2, 0.7, 1.3)
    runs["rules.households.mpc_poor"] = 0.8 + 0.001 * runs["replication"]
    base = runs[runs["arm"] == "baseline"].set_index("replication")["survival_rate"]
    trained = runs["arm"] == "training"
    gain = np.where(runs["rules.finance.credit_access"] < 0.3, 0.05, -0.05)
    runs.loc[trained, "survival_rate"] = runs["replication"].map(base)[trained] + gain[trained]
    runs.to_parquet(directory / "runs.parquet", index=False)
    exp = yaml.safe_load((directory / "experiment.yaml").read_text())
    exp.update(uncertainties=UNCERTAIN, samples=sets, replications=1)
    for arm in exp["arms"]:
        label, description = INDONESIAN[arm["name"]]
        arm["label"] = {"en": arm["name"].title(), "id": label}
        arm["description"] = {"en": arm["description"], "id": description}
    exp["description"] = {"en": exp["description"], "id": "Apakah opsi terbaik tetap terbaik?"}
    (directory / "experiment.yaml").write_text(yaml.safe_dump(exp, sort_keys=False))
    return directory


@pytest.mark.slow  # scenario discovery (EMA Workbench)
def test_the_robustness_section_is_indonesian_down_to_its_boxes(tmp_path):
    directory = write_uncertain(tmp_path)
    english = section_text(write_report(directory).read_text(encoding="utf-8"), "s-robustness")
    text = write_report(directory, "id").read_text(encoding="utf-8")
    section = section_text(text, "s-robustness")

    assert "Box 1 holds" in english and "Robustness under uncertainty" in english
    assert english_words(visible_text(text)) == []
    assert section.startswith("Ketahanan hasil terhadap ketidakpastian")
    assert "Kotak 1 memuat" in section and "Pelatihan" in section and "Tanpa program" in section
    assert "0,100 s.d. 0,400" in section and "salah satu dari 0,700; 1,30" in section
    assert "baris-baris ensemble.parquet" in section and "(kepadatan;" in section
    assert "Dampak per opsi antarset parameter" in section  # the figure's alt text
    inp = load_inputs(directory, "id")
    words = [t.get_text() for t in effect_figure(inp, shown_outcomes(inp)).findobj(Text)]
    assert english_words(" ".join(words)) == [] and "Pelatihan" in words
    assert "dampak dibanding Tanpa program, poin persentase" in words
